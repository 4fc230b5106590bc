"""viewmodels.overview on pages_small (tests/factory.py): the numbers by hand.

Baseline 2025-Q2 (t0), deadline 2030-Q4: 22 quarters; 2026-Q3 is 5 quarters in.
"""

from __future__ import annotations

import pytest

from viewmodels import overview


@pytest.fixture
def themes(connected):
    return overview.themes(connected("pages_small"), "2026-Q3")


def cards(themes) -> dict:
    return {item.card.id: item for theme in themes for item in theme.cards}


def test_themes_in_configured_order_with_their_measures(themes, cfg):
    assert [t.id for t in themes] == list(cfg.themes)
    for theme in themes:
        assert [i.card.id for i in theme.cards] == [
            m.id for m in cfg.measures.values() if m.theme == theme.id
        ]


def test_card_of_a_count_measure(themes):
    ceos = cards(themes)["digital_ceos"]
    c = ceos.card
    # Hartlepool and City of London report yes in 2026-Q3 -> 2; only Hartlepool in 2026-Q2
    assert c.value == "2"
    assert c.change == "+1 since 2026-Q2"
    assert c.coverage == "4 of 4 councils reporting"
    # E = (10 - 0) x 5 / 22 = 2.27; R = 2 / 2.27 = 0.88 -> acceleration needed
    assert (c.status, c.status_label, c.status_colour) == (
        "acceleration_needed",
        "Acceleration needed",
        "orange",
    )
    assert c.target == "target 10 by 2030-Q4"
    assert c.progress == pytest.approx(0.2)  # 2 of the way from 0 to 10
    # 2025-Q1 .. 2026-Q3: survey returns only in 2025-Q2 (nobody yes), 2026-Q2 (Hartlepool)
    # and 2026-Q3 (and City of London): the other quarters have no figure, never 0
    assert c.spark == (None, 0, None, None, None, 1, 2)
    assert ceos.figure is not None
    # the sparkline starts at the first quarter with data and leaves gaps
    assert list(ceos.figure.data[0].y) == [0, None, None, None, 1, 2]
    assert ceos.figure.data[0].connectgaps is False


def test_card_values_by_hand(themes):
    v = {k: item.card.value for k, item in cards(themes).items()}
    assert v["sme_spend_share"] == "25.0%"  # (40k + 30k + 20k + 10k) / 400k
    assert v["underrepresented_uplift"] == "up 25.0% on the baseline"  # 16/80 = 20% -> 20/80 = 25%
    assert v["data_maturity"] == "3.00"  # (4 + 3 + 3 + 2) / 4
    assert v["coordinating_institute"] == "not yet"


def test_milestones_have_no_sparkline(themes):
    item = cards(themes)["coordinating_institute"]
    assert item.card.spark == () and item.figure is None


def test_an_earlier_quarter(connected):
    found = cards(overview.themes(connected("pages_small"), "2026-Q2"))
    assert found["digital_ceos"].card.value == "1"
    assert found["sme_spend_share"].card.value == "22.5%"  # (30 + 20 + 20 + 20) / 400
    # the change is from the latest quarter before with survey returns: 2025-Q2
    assert found["digital_ceos"].card.change == "+1 since 2025-Q2"


# ---------------------------------------------------------------- the top: the quarter at a glance
#
# pages_small in 2026-Q3 against 2026-Q2 (E = (T - b) x (t - t0) / 22, R = (v - b) / E).
# A measure has a value only in the quarters its own source holds data in (never 0):
#   centres of service innovation  2 (CSI-1, CSI-2)   target 5:  E = 1.14, R = 1.76  on track
#                                  1 in 2026-Q2                  E = 0.91, R = 1.10  on track
#   data exchanges                 1 (EX-1)           target 15: the register starts in
#                                  2026-Q2, after the baseline: no baseline  not enough data
#   digital CEOs                   2                  target 10: E = 2.27, R = 0.88  acceleration needed
#                                  1 in 2026-Q2                  E = 1.82, R = 0.55  acceleration needed
#   placements (from 2025-Q2)      2 (P-1, P-2)       target 10: R = 0.88            acceleration needed
#   workforce uplift               +25% (20% -> 25%)  target +20%                    achieved
#                                  no workforce return in 2026-Q2: no value          not enough data
#   core standards                 25% (1 of 4)       target 70%: standards reported only in
#                                  2026-Q3, so no baseline                           not enough data
#   SME spend                      25.0%              target 33%: R = 1.69           on track
#   four milestones, none achieved; four tracked measures (no status, not counted)
# 7 measures with a target: achieved 1, on track 2, acceleration needed 2, not enough data 2.

NBSP = "\u00a0"


@pytest.fixture
def top(connected):
    return overview.top(connected("pages_small"), "2026-Q3")


def test_top_headline_and_counts_by_status(top):
    assert top.quarter == "2026-Q3" and top.previous_quarter == "2026-Q2"
    assert top.headline == (
        "3 of 7 measures with a target achieved or on track; 0 of 4 milestones in place."
    )
    assert top.headline_markdown == (
        '<span style="font-size: 1.25rem; font-weight: 600; line-height: 1.4">'
        f"{top.headline}</span>"
    )
    assert [(t.status, t.count) for t in top.tallies] == [
        ("achieved", 1),
        ("on_track", 2),
        ("acceleration_needed", 2),
        ("limited_progress", 0),
        ("deteriorating", 0),
        ("not_enough_data", 2),
    ]
    on_track = next(t for t in top.tallies if t.status == "on_track")
    assert on_track.measures == ("Centres of Service Innovation", "Digital spend with SMEs")
    unknown = next(t for t in top.tallies if t.status == "not_enough_data")
    assert unknown.measures == (
        "Successful standards-enabled data exchanges",
        "Councils adopting every core standard",
    )
    # words, a glyph and an icon with every count: never colour alone
    assert on_track.badge == ":green-badge[:material/check_circle: ✓ On track: **2**]"
    assert ":red-badge[:material/trending_down: ▼ Deteriorating: **0**]" in top.tallies_markdown
    assert top.milestones == "0 of 4 milestones in place"


def test_top_needs_attention_with_its_reason(top, connected):
    # pages_small: nothing deteriorating or making limited progress
    assert top.attention_title == "Needs attention: 0 measures" and top.attention == ()
    assert top.attention_empty.startswith("No measure is deteriorating")
    # metrics_small (tests/metrics/test_glance.py works it out): data exchanges 1, down
    # from 2 at the baseline; E = 13 x 5 / 22 = 2.95, b + E = 4.95 (an expected count: one
    # decimal); digital CEOs 2 as at the baseline (R = 0)
    other = overview.top(connected("metrics_small"), "2026-Q3")
    assert other.attention_title == "Needs attention: 2 measures"
    first, second = other.attention
    assert (first.title, first.kind) == (
        "Successful standards-enabled data exchanges",
        "deteriorating",
    )
    assert first.text == (
        "Deteriorating: 1 in 2026-Q3 against 5.0 expected on the straight path to 15 by "
        "2030-Q4 (down 1 since 2025-Q2, away from the target)."
    )
    assert first.markdown.startswith(
        "**Successful standards\\-enabled data exchanges** · ▼ Deteriorating: 1 in 2026\\-Q3"
    )
    assert second.text.endswith("(0% of the pace needed).")
    # no delivery register updates in this database: no actions, and nothing to apologise for
    assert top.actions == () and top.actions_note is None


def test_top_status_changes_since_the_previous_quarter(top):
    assert top.changes_title == "Status changed since 2026-Q2"
    # no workforce return in 2026-Q2: the uplift had no value then (never an invented 0), so
    # its status was "not enough data" and is now known: changed, neither better nor worse
    assert [(c.title, c.text, c.kind) for c in top.changes] == [
        (
            "Under-represented groups in the digital workforce",
            "? Not enough data → ★ Achieved",
            "changed",
        ),
    ]
    assert "(changed)" in top.changes[0].markdown
    assert ":material/sync_alt:" in top.changes[0].markdown


def test_top_table_of_every_measure(top, cfg):
    table = top.table.map(lambda v: v.replace(NBSP, " "))
    assert list(table.columns) == [
        "Theme and measure",
        "Value",
        "Status",
        "Target for 2030-Q4",
        "Change since 2026-Q2",
        "Councils (or register)",
    ]
    # each theme's row (its title, nothing else), then its measures, in configured order
    expected = []
    for t in cfg.themes.values():
        expected += [t.title] + [m.title for m in cfg.measures.values() if m.theme == t.id]
    assert list(table["Theme and measure"]) == expected
    assert [expected[i] for i in top.theme_rows] == [t.title for t in cfg.themes.values()]
    assert all(set(table.iloc[i, 1:]) == {""} for i in top.theme_rows)
    rows = {r["Theme and measure"]: r for r in table.to_dict("records")}
    # SME spend: (40k + 30k + 20k + 10k) / 400k = 25.0%; 22.5% in 2026-Q2
    assert rows["Digital spend with SMEs"] == {
        "Theme and measure": "Digital spend with SMEs",
        "Value": "25.0%",
        "Status": "✓ On track",
        "Target for 2030-Q4": "33%",
        "Change since 2026-Q2": "+2.5 points",
        "Councils (or register)": "4 of 4",
    }
    # a measure without a target: its direction of travel; its target "none"
    assert rows["Data maturity"]["Status"] == "↑ Improving"
    assert rows["Data maturity"]["Target for 2030-Q4"] == "none"
    assert rows["A single coordinating institution"]["Target for 2030-Q4"] == "in place"
    # a register is not "councils reporting"
    assert rows["Centres of Service Innovation"]["Councils (or register)"] == (
        "register: 2 entries"
    )
    # a quarter's change is from the latest earlier quarter with data (the uplift: 2025-Q2);
    # a relative change is 'up 25.0%' (20% -> 25% of the workforce), the caption says on what
    uplift = rows["Under-represented groups in the digital workforce"]
    assert uplift["Change since 2026-Q2"] == "+25.0 points since 2025-Q2"
    assert (uplift["Value"], uplift["Target for 2030-Q4"]) == ("up 25.0%", "up 20%")
    assert top.table_caption.endswith(
        "'Up' or 'down' with a %: a relative change on the baseline (not points)."
    )
    # short cells do not break inside (non-breaking spaces)
    sme = list(top.table.iloc[:, 0]).index("Digital spend with SMEs")
    assert top.table.iloc[sme, 4] == f"+2.5{NBSP}points"


def test_top_download_repeats_every_text_and_says_what_it_is(top):
    d = top.download
    assert d.name == "all-measures-2026-Q3-england"
    sme = d.table[d.table["measure"] == "Digital spend with SMEs"].iloc[0]
    assert (sme["theme"], sme["value"], sme["target"], sme["change"], sme["coverage"]) == (
        "Procurement, contracts & market shaping",
        "25.0%",
        "target 33% by 2030-Q4",
        "+2.5 points since 2026-Q2",
        "4 of 4 councils reporting",
    )
    assert (d.notes.quarter, d.notes.scope, d.notes.demo) == ("2026-Q3", "England", False)


def test_delivery_actions_join_the_attention_list(connected, monkeypatch):
    import pandas as pd

    from metrics import delivery

    found = delivery.Delivery(
        quarter="2026-Q3",
        previous_quarter="2026-Q2",
        actions=pd.DataFrame(
            {"id": ["REC-data-2"], "text": ["Agree a data sharing template, with " + "x" * 100]}
        ),
        counts={},
        by_owner=pd.DataFrame(),
        by_theme=pd.DataFrame(),
        cells=pd.DataFrame(),
        attention=pd.DataFrame(
            {
                "id": ["REC-data-2"],
                "codes": [["off_track", "overdue"]],
                "why": [["Off track: no budget", "Overdue: due 2026-Q2, not completed by 2026-Q3"]],
            }
        ),
        slippage=pd.DataFrame(),
    )
    monkeypatch.setattr(delivery, "quarters", lambda con: ["2026-Q2"])
    monkeypatch.setattr(delivery, "compute", lambda con, as_of: found)
    top = overview.top(connected("pages_small"), "2026-Q3")
    assert top.actions_title == "1 delivery action needs attention"
    [action] = top.actions
    assert action.kind == "extra"
    # the action's text cut at a word (and its comma) under 90 characters
    assert action.title == "REC-data-2: Agree a data sharing template, with…"
    assert action.text == "Off track: no budget; also overdue"
    # the measures' list is unchanged (none needs attention in pages_small)
    assert top.attention == ()


def test_overview_works_when_the_register_cannot_be_read(connected, monkeypatch):
    from metrics import delivery

    def broken(con, as_of):
        raise delivery.MetricsError("the register file is not valid TOML")

    monkeypatch.setattr(delivery, "quarters", lambda con: ["2026-Q3"])
    monkeypatch.setattr(delivery, "compute", broken)
    top = overview.top(connected("pages_small"), "2026-Q3")
    assert top.actions == ()
    assert top.actions_note == (
        "The delivery register could not be read, so no action is listed (the register file "
        "is not valid TOML)."
    )
    assert top.headline.startswith("3 of 7 measures")


def test_no_delivery_updates_up_to_the_quarter_no_actions(connected, monkeypatch):
    from metrics import delivery

    monkeypatch.setattr(delivery, "quarters", lambda con: ["2026-Q4"])  # only later updates
    top = overview.top(connected("pages_small"), "2026-Q3")
    assert top.actions == () and top.actions_note is None
