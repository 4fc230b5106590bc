"""metrics.glance: the quarter at a glance, on the hand-made "metrics_small" database
(tests/factory.py) and on tiny hand-written summary rows.

The numbers below are worked out by hand from the factory's rows; the straight path runs
from the baseline quarter 2025-Q2 to the deadline 2030-Q4: D - t0 = 22 quarters, and
2026-Q3 is t - t0 = 5 quarters after the baseline.
"""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import glance as G
from metrics import summary as S
from store.db import connect


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    from tests import factory

    path = factory.build("metrics_small", tmp_path_factory.mktemp("glance") / "small.duckdb")
    with connect(path) as con:
        now = S.summary(con, "2026-Q3")
        before = S.summary(con, "2026-Q2")
        by_region = S.summary(con, "2026-Q3", by="region")
        by_region_before = S.summary(con, "2026-Q2", by="region")
        via_db = G.glance_for(con, "2026-Q3")
    return now, before, by_region, by_region_before, via_db


def test_counts_of_the_measures_with_a_target(small):
    now, before, *_ = small
    g = G.at_a_glance(now, before)
    assert (g.quarter, g.previous_quarter, g.group) == ("2026-Q3", "2026-Q2", None)
    # 7 measures with a numeric target (4 milestones and 4 tracked measures apart)
    assert g.targeted == 7
    assert [(c.status, c.count) for c in g.counts] == [
        ("achieved", 0),
        ("on_track", 4),  # centres 2 vs 1.14, placements 3 vs 3.05 (R 0.98), uplift, standards
        ("acceleration_needed", 1),  # SME spend
        ("limited_progress", 1),  # digital CEOs: 2, as at the baseline (R = 0)
        ("deteriorating", 1),  # data exchanges: 1, below the baseline 2
    ]
    on_track = next(c for c in g.counts if c.status == "on_track")
    assert on_track.measures == (
        "Centres of Service Innovation",
        "Local government people placed in central government",
        "Under-represented groups in the digital workforce",
        "Councils adopting every core standard",
    )
    # words, a glyph and an icon name: never colour alone
    assert (on_track.words, on_track.glyph, on_track.icon, on_track.label) == (
        "On track",
        "✓",
        "check_circle",
        "✓ On track",
    )
    assert g.counts_text == (
        "0 achieved, 4 on track, 1 acceleration needed, 1 limited progress, 1 deteriorating"
    )
    assert g.headline == (
        "4 of 7 measures with a target achieved or on track; 1 of 4 milestones in place."
    )


def test_milestones_in_place(small):
    now, before, *_ = small
    m = G.at_a_glance(now, before).milestones
    assert (m.achieved, m.total, m.text) == (1, 4, "1 of 4 milestones in place")
    assert m.in_place == ("A shared digital workforce plan",)
    assert m.not_yet == (
        "A single coordinating institution",
        "An inclusive apprenticeship scheme",
        "An audit regime for standards",
    )


def test_what_changed_since_the_previous_quarter(small):
    now, before, *_ = small
    g = G.at_a_glance(now, before)
    # No council sent a survey or workforce return in 2026-Q2: the measures resting on
    # them had no value then (never an invented 0 or a copy of 2026-Q1), so their status
    # was "not enough data" and is now known again: changed, neither better nor worse.
    assert [(c.id, c.before, c.after, c.change) for c in g.changes] == [
        ("digital_ceos", "not_enough_data", "limited_progress", "changed"),
        ("lg_placements", "acceleration_needed", "on_track", "better"),
        ("underrepresented_uplift", "not_enough_data", "on_track", "changed"),
        ("standards_adoption", "not_enough_data", "on_track", "changed"),
        ("sme_spend_share", "not_enough_data", "acceleration_needed", "changed"),
    ]
    sme = g.changes[-1]
    assert sme.text == "Not enough data → Acceleration needed"
    assert (sme.before_label, sme.after_label, sme.icon) == (
        "? Not enough data",
        "▲ Acceleration needed",
        "sync_alt",
    )
    placements = g.changes[1]
    assert (placements.text, placements.icon) == (
        "Acceleration needed → On track",
        "trending_up",
    )


def test_needs_attention_with_one_line_reasons(small):
    now, before, *_ = small
    g = G.at_a_glance(now, before, extras=[("Action 7: data sharing agreement", "overdue")])
    assert [(a.kind, a.measure_id) for a in g.attention] == [
        ("deteriorating", "data_exchanges"),
        ("limited_progress", "digital_ceos"),
        ("extra", None),
    ]
    # data exchanges: b = 2, T = 15: E = 13 x 5 / 22 = 2.95, b + E = 4.95 (an expected
    # count: one decimal); v - b = 1 - 2: down 1 since the baseline (not "-34% of the pace")
    assert g.attention[0].reason == (
        "Deteriorating: 1 in 2026-Q3 against 5.0 expected on the straight path to 15 by "
        "2030-Q4 (down 1 since 2025-Q2, away from the target)."
    )
    # digital CEOs: b = 2, T = 10: E = 8 x 5 / 22 = 1.82, b + E = 3.82; R = 0
    assert g.attention[1].reason == (
        "Limited progress: 2 in 2026-Q3 against 3.8 expected on the straight path to 10 by "
        "2030-Q4 (0% of the pace needed)."
    )
    assert (g.attention[1].label, g.attention[1].icon) == ("■ Limited progress", "trending_flat")
    assert (g.attention[2].title, g.attention[2].reason) == (
        "Action 7: data sharing agreement",
        "overdue",
    )


def test_the_compact_table_of_all_measures(small):
    now, before, *_ = small
    table = G.at_a_glance(now, before).table
    assert len(table) == 15
    by_id = {line.id: line for line in table}
    sme = by_id["sme_spend_share"]
    assert (
        sme.theme_title,
        sme.title,
        sme.value_text,
        sme.target_text,
        sme.status_text,
        sme.change_text,
        sme.coverage_text,
    ) == (
        "Procurement, contracts & market shaping",
        "Digital spend with SMEs",
        "26.0%",
        "target 33% by 2030-Q4",
        "▲ Acceleration needed",
        # 27.1% in 2026-Q1, the latest quarter before with survey returns: A (20, 100),
        # B (90, 300), C (30, 100), D (50, 200) -> 190 / 700; 26.0 - 27.14 = -1.1 points
        "-1.1 points since 2026-Q1",
        "3 of 5 councils reporting",
    )
    uplift = by_id["underrepresented_uplift"]
    assert (uplift.value_text, uplift.target_text, uplift.change_text) == (
        "up 10.0% on the baseline",
        "target: up 20% on the baseline by 2030-Q4",
        "+10.0 points since 2025-Q2",  # workforce returns in 2025-Q2 and 2026-Q3 only
    )
    exchanges = by_id["data_exchanges"]
    assert exchanges.coverage_text == "the exchanges register (4 lead councils)"
    plan = by_id["workforce_plan"]
    assert (plan.value_text, plan.target_text, plan.status_text, plan.change_text) == (
        "achieved",
        "target: in place by 2030-Q4",
        "★ Achieved",
        "no change since 2026-Q2",
    )
    assert plan.coverage_text == "the milestones register"
    tracked = by_id["common_components"]
    assert (tracked.target_text, tracked.status_label, tracked.status_text) == (
        "tracked: no target",
        "· Tracked, no target",
        "· Tracked, no target, ↑ Improving",
    )
    assert tracked.status_icon == "trending_up"
    assert by_id["lg_placements"].change_text == "+1 since 2026-Q2"
    assert by_id["data_exchanges"].explanation.startswith("We have 1 of the 5.0 expected")


def test_without_a_previous_quarter_nothing_changed(small):
    now, *_ = small
    g = G.at_a_glance(now, None)
    assert g.previous_quarter is None and g.changes == ()
    assert [a.measure_id for a in g.attention] == ["data_exchanges", "digital_ceos"]


def test_glance_for_reads_both_quarters(small):
    now, before, *_, via_db = small
    assert via_db == G.at_a_glance(now, before)


def test_one_group_of_a_level(small):
    _, _, by_region, by_region_before, _ = small
    g = G.at_a_glance(by_region, by_region_before, group="North East")
    assert g.group == "North East"
    assert {line.group for line in g.table} == {"North East"}
    # by region, the counts without a split target have no group target; the rates keep theirs
    statuses = {line.id: line.status for line in g.table}
    assert statuses["data_exchanges"] == "no_group_target"
    assert next(c for c in g.counts if c.status == "no_group_target").count == 4
    # single milestones are national only: none for a region
    assert g.milestones.total == 0
    assert g.milestones.text == "No milestones for this scope (they are national)"


def _row(mid, status, unit="count", **kw):
    base = dict(
        id=mid,
        title=mid.title(),
        theme="t",
        theme_title="T",
        unit=unit,
        quarter="2026-Q3",
        value=1.0,
        target=5.0 if unit != "milestone" else "achieved",
        deadline="2030-Q4",
        status=status,
        status_label=None,
    )
    base.update(kw)
    return base


def test_a_milestone_no_longer_achieved_needs_attention():
    now = pd.DataFrame([_row("plan", "not_yet", unit="milestone", value=0.0, previous_value=1.0)])
    before = pd.DataFrame([_row("plan", "achieved", unit="milestone", quarter="2026-Q2")])
    g = G.at_a_glance(now, before)
    assert [(c.before, c.after, c.change) for c in g.changes] == [("achieved", "not_yet", "worse")]
    assert g.attention[0].reason == (
        "Not yet (was achieved in 2026-Q2): the milestone is no longer recorded as achieved "
        "in 2026-Q3."
    )
    assert g.table[0].change_text == "no longer achieved since 2026-Q2"


def test_a_status_outside_the_ranking_changes_but_is_neither_better_nor_worse():
    now = pd.DataFrame([_row("m", "on_track")])
    before = pd.DataFrame([_row("m", "not_enough_data", quarter="2026-Q2")])
    g = G.at_a_glance(now, before)
    assert [(c.change, c.icon) for c in g.changes] == [("changed", "sync_alt")]
    assert g.attention == ()
