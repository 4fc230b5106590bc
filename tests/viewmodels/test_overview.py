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
    # 2025-Q1 .. 2026-Q3: nobody until Hartlepool in 2026-Q2, City of London in 2026-Q3
    assert c.spark == (0, 0, 0, 0, 0, 1, 2)
    assert ceos.figure is not None
    assert list(ceos.figure.data[0].y) == [0, 0, 0, 0, 0, 1, 2]


def test_card_values_by_hand(themes):
    v = {k: item.card.value for k, item in cards(themes).items()}
    assert v["sme_spend_share"] == "25.0%"  # (40k + 30k + 20k + 10k) / 400k
    assert v["underrepresented_uplift"] == "+25.0%"  # 16/80 = 20% -> 20/80 = 25%
    assert v["data_maturity"] == "3.00"  # (4 + 3 + 3 + 2) / 4
    assert v["coordinating_institute"] == "not yet"


def test_milestones_have_no_sparkline(themes):
    item = cards(themes)["coordinating_institute"]
    assert item.card.spark == () and item.figure is None


def test_an_earlier_quarter(connected):
    found = cards(overview.themes(connected("pages_small"), "2026-Q2"))
    assert found["digital_ceos"].card.value == "1"
    assert found["sme_spend_share"].card.value == "22.5%"  # (30 + 20 + 20 + 20) / 400
    assert found["digital_ceos"].card.change == "+1 since 2026-Q1"


# ---------------------------------------------------------------- the top: the quarter at a glance
#
# pages_small in 2026-Q3 against 2026-Q2 (E = (T - b) x (t - t0) / 22, R = (v - b) / E):
#   centres of service innovation  2 (CSI-1, CSI-2)   target 5:  E = 1.14, R = 1.76  on track
#                                  1 in 2026-Q2                  E = 0.91, R = 1.10  on track
#   data exchanges                 1 (EX-1)           target 15: E = 3.41, R = 0.29  limited progress
#                                  0 in 2026-Q2                           R = 0     limited progress
#   digital CEOs                   2                  target 10: E = 2.27, R = 0.88  acceleration needed
#                                  1 in 2026-Q2                  E = 1.82, R = 0.55  acceleration needed
#   placements (from 2025-Q2)      2 (P-1, P-2)       target 10: R = 0.88            acceleration needed
#   workforce uplift               +25% (20% -> 25%)  target +20%                    achieved
#                                  0 in 2026-Q2 (no workforce return then)           limited progress
#   core standards                 25% (1 of 4)       target 70%: E = 15.9, R = 1.57 on track
#                                  0% in 2026-Q2                                     limited progress
#   SME spend                      25.0%              target 33%: R = 1.69           on track
#   four milestones, none achieved; four tracked measures (no status, not counted)
# 7 measures with a target: achieved 1, on track 3, acceleration needed 2, limited progress 1.

NBSP = "\u00a0"


@pytest.fixture
def top(connected):
    return overview.top(connected("pages_small"), "2026-Q3")


def test_top_headline_and_counts_by_status(top):
    assert top.quarter == "2026-Q3" and top.previous_quarter == "2026-Q2"
    assert top.headline == (
        "4 of 7 measures with a target achieved or on track; 0 of 4 milestones in place."
    )
    assert top.headline_markdown == (
        '<span style="font-size: 1.25rem; font-weight: 600; line-height: 1.4">'
        f"{top.headline}</span>"
    )
    assert [(t.status, t.count) for t in top.tallies] == [
        ("achieved", 1),
        ("on_track", 3),
        ("acceleration_needed", 2),
        ("limited_progress", 1),
        ("deteriorating", 0),
    ]
    on_track = next(t for t in top.tallies if t.status == "on_track")
    assert on_track.measures == (
        "Centres of Service Innovation",
        "Councils adopting every core standard",
        "Digital spend with SMEs",
    )
    # words, a glyph and an icon with every count: never colour alone
    assert on_track.badge == ":green-badge[:material/check_circle: ✓ On track: **3**]"
    assert ":red-badge[:material/trending_down: ▼ Deteriorating: **0**]" in top.tallies_markdown
    assert top.milestones == "0 of 4 milestones in place"


def test_top_needs_attention_with_its_reason(top):
    assert top.attention_title == "Needs attention: 1 measure"
    [line] = top.attention
    assert (line.title, line.kind) == (
        "Successful standards-enabled data exchanges",
        "limited_progress",
    )
    # E = 15 x 5 / 22 = 3.41; R = 1 / 3.41 = 0.29
    assert line.text == (
        "Limited progress: 1 in 2026-Q3 against 3.41 expected on the straight path to 15 by "
        "2030-Q4 (29% of the pace needed)."
    )
    assert line.markdown.startswith(
        "**Successful standards\\-enabled data exchanges** · ■ Limited progress: 1 in 2026\\-Q3"
    )
    # no delivery register updates in this database: no actions, and nothing to apologise for
    assert top.actions == () and top.actions_note is None


def test_top_status_changes_since_the_previous_quarter(top):
    assert top.changes_title == "Status changed since 2026-Q2"
    assert [(c.title, c.text, c.kind) for c in top.changes] == [
        (
            "Under-represented groups in the digital workforce",
            "■ Limited progress → ★ Achieved",
            "better",
        ),
        ("Councils adopting every core standard", "■ Limited progress → ✓ On track", "better"),
    ]
    assert all(
        "(better)" in c.markdown and ":material/arrow_upward:" in c.markdown for c in top.changes
    )


def test_top_table_of_every_measure(top, cfg):
    table = top.table.map(lambda v: v.replace(NBSP, " "))
    assert list(table.columns) == [
        "Theme and measure",
        "Value",
        "Status",
        "Target for 2030-Q4",
        "Change since 2026-Q2",
        "Councils (or records)",
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
        "Councils (or records)": "4 of 4",
    }
    # a measure without a target: its direction of travel; its target "none"
    assert rows["Data maturity"]["Status"] == "↑ Improving"
    assert rows["Data maturity"]["Target for 2030-Q4"] == "none"
    assert rows["A single coordinating institution"]["Target for 2030-Q4"] == "in place"
    assert rows["Centres of Service Innovation"]["Councils (or records)"] == "2 records"
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
        "4 of 4 councils",
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
    # the measures' list is unchanged
    assert [a.title for a in top.attention] == ["Successful standards-enabled data exchanges"]


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
    assert top.headline.startswith("4 of 7 measures")


def test_no_delivery_updates_up_to_the_quarter_no_actions(connected, monkeypatch):
    from metrics import delivery

    monkeypatch.setattr(delivery, "quarters", lambda con: ["2026-Q4"])  # only later updates
    top = overview.top(connected("pages_small"), "2026-Q3")
    assert top.actions == () and top.actions_note is None
