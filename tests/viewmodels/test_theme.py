"""viewmodels.theme on pages_small: breakdown order, targets and notes by hand."""

from __future__ import annotations

import pytest

from viewmodels import theme


def measure(view, measure_id):
    return next(m for m in view.measures if m.id == measure_id)


def test_choices_follow_the_configuration(cfg):
    picker = theme.choices(cfg)
    assert picker.ids == tuple(cfg.themes)
    assert picker.titles["leadership"] == "Organisational & political leadership"
    assert picker.visions["leadership"] == cfg.themes["leadership"].vision


def test_national_view_has_no_breakdown(connected):
    view = theme.measures(connected("pages_small"), "leadership", "2026-Q3", "national")
    assert view.level_name == "england (all councils)"
    assert [m.id for m in view.measures] == ["digital_ceos", "lg_placements"]
    ceos = measure(view, "digital_ceos")
    assert ceos.groups is None and ceos.breakdown is None and ceos.group_table is None
    assert ceos.note is None and ceos.group_file is None
    assert ceos.sentence == (
        "We have 2 of the 2.3 expected by 2026-Q3 on the straight path from 0 in 2025-Q2 to "
        "10 by 2030-Q4: 88% of the pace needed: acceleration needed."
    )
    assert ceos.trend_file == "digital_ceos-2026-Q3-trajectory"
    actual = ceos.trend_table[ceos.trend_table["series"] == "Actual"]
    # survey returns in 2025-Q2, 2026-Q2 and 2026-Q3 only: the quarters between are not
    # reported (empty), never 0
    assert actual["quarter or group"].tolist() == [
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    assert actual["value (count)"].tolist()[:1] + actual["value (count)"].tolist()[-2:] == [
        0,
        1,
        2,
    ]
    assert actual["value (count)"].iloc[1:4].isna().all()
    assert actual["note"].tolist() == ["", "not reported", "not reported", "not reported", "", ""]
    # the title says the finding, the subtitle the measure, scope and period
    assert ceos.trend.layout.title.text.replace("<br>", " ") == (
        "Chief executives from a digital background: behind the pace needed for 10 by 2030-Q4"
    )
    assert ceos.trend.layout.title.subtitle.text == "Number, England, 2025-Q2 to 2026-Q3"
    # fitted to the three quarters with data: slope 5/14 a quarter, 1 + 5/14 x 19 = 7.79
    assert ceos.projection == (
        "At the pace of the 3 quarters with data from 2025-Q2 to 2026-Q3: 7.8 by 2030-Q4 "
        "(target 10)."
    )


def test_breakdown_largest_first_with_the_national_target(connected):
    view = theme.measures(connected("pages_small"), "procurement", "2026-Q3", "council_type")
    assert view.level_name == "council type"
    sme = measure(view, "sme_spend_share")
    # unitary (40k + 30k) / 200k = 35%, city corporation 20%, district 10%
    assert list(sme.groups["group"]) == ["unitary", "city corporation", "district"]
    assert list(sme.group_table["value (%)"]) == [35.0, 20.0, 10.0]
    assert list(sme.group_table.columns[:3]) == ["group", "value (%)", "target (%)"]
    assert list(sme.breakdown.data[0].y) == ["district", "city corporation", "unitary"]
    assert sme.note == (
        "The dashed line is the national target (33% by 2030-Q4); it applies to every group."
    )
    assert sme.group_file == "sme_spend_share-2026-Q3-by-council_type"


def test_count_breakdown_has_no_group_target(connected):
    view = theme.measures(connected("pages_small"), "leadership", "2026-Q3", "region")
    ceos = measure(view, "digital_ceos")
    # North East 1 (Hartlepool), London 1 (City of London), South East 0; ties by name
    assert list(ceos.groups["group"]) == ["London", "North East", "South East"]
    assert list(ceos.group_table["status"]) == ["No target for this group"] * 3
    assert ceos.note == (
        "No target for a single group: the national target (10 by 2030-Q4) is not "
        "split between groups of this level (region)."
    )


def test_group_target_one_number_one_per_group_or_none():
    import pandas as pd

    same = pd.DataFrame({"target": [33.0, 33.0]})
    assert theme.group_target(same, is_milestone=False) == 33.0
    split = pd.DataFrame({"target": [2.0, None, 4.0]})
    assert theme.group_target(split, is_milestone=False) == [2.0, None, 4.0]
    assert theme.group_target(pd.DataFrame({"target": [None, None]}), is_milestone=False) is None
    assert theme.group_target(same, is_milestone=True) is None


def test_every_chart_draws_the_projection_the_status_rests_on(connected, cfg):
    """On the demo: each trajectory's projection ends at the summary's projected value
    (the number the status sentence and the tables give), inside the measure's bounds,
    and no actual point sits in a quarter its source holds no data in."""
    import math

    from metrics import summary

    con = connected("demo")
    rows = summary.summary(con, "2026-Q3").set_index("id")
    checked = 0
    for theme_id in cfg.themes:
        for m in theme.measures(con, theme_id, "2026-Q3", "national").measures:
            if cfg.measures[m.id].is_milestone:
                continue
            series = summary.series(con, m.id, up_to="2026-Q3").set_index("quarter")["value"]
            actual = next(t for t in m.trend.data if t.name == "Actual")
            for q, v in zip(actual.x, actual.y):
                assert (v is None) == math.isnan(series[q]), (m.id, q)
            projected = rows.loc[m.id, "projected_at_deadline"]
            drawn = [t for t in m.trend.data if (t.name or "").startswith("Projection")]
            if cfg.measures[m.id].target is None:
                assert not drawn  # a tracked measure has no deadline to project to
                continue
            assert drawn[0].y[-1] == pytest.approx(projected), m.id
            lo, hi = cfg.measures[m.id].bounds
            assert all((lo is None or y >= lo) and (hi is None or y <= hi) for y in drawn[0].y)
            checked += 1
    assert checked == 7  # the measures with a numeric target
