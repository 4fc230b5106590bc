"""viewmodels.methodology on pages_small: the workings behind a status, by hand.

Baseline 2025-Q2 (t0), deadline 2030-Q4 (D): D - t0 = 22 quarters; 2026-Q3 is t - t0 = 5.
"""

from __future__ import annotations

import pytest

from viewmodels import methodology


@pytest.fixture
def themes(connected):
    return methodology.themes(connected("pages_small"), "2026-Q3")


def measure(themes, measure_id):
    return next(m for t in themes for m in t.measures if m.id == measure_id)


def steps(m) -> dict[str, str]:
    return {s.step: s.value for s in m.workings}


def test_workings_of_a_count_measure(themes):
    ceos = steps(measure(themes, "digital_ceos"))
    assert ceos["Value in 2026-Q3 (v)"] == "2"
    assert ceos["What the value rests on"] == "4 of 4 councils reporting"
    assert ceos["Baseline in 2025-Q2 (b)"] == "0"
    assert ceos["Target by 2030-Q4 (T)"] == "10"
    assert ceos["Quarters from baseline to deadline (D − t0)"] == "22"
    assert ceos["Quarters from baseline to 2026-Q3 (t − t0)"] == "5"
    # E = (10 - 0) x 5 / 22 = 2.27; R = 2 / 2.27 = 0.88
    assert ceos["Expected progress by now E = (T − b) × (t − t0) ÷ (D − t0)"] == (
        "(10 − 0) × 5 ÷ 22 = 2.27"
    )
    assert ceos["Progress ratio R = (v − b) ÷ E"] == "(2 − 0) ÷ 2.27 = 0.88"
    assert ceos["Status"] == "Acceleration needed: 0.5 ≤ R < 0.95"


def test_workings_of_a_percent_measure(themes):
    sme = measure(themes, "sme_spend_share")
    # E = (33 - 20) x 5 / 22 = 2.95; b + E = 22.95; R = (25 - 20) / 2.95 = 1.69
    s = steps(sme)
    assert s["Expected progress by now E = (T − b) × (t − t0) ÷ (D − t0)"] == (
        "(33.0% − 20.0%) × 5 ÷ 22 = 2.95%"
    )
    assert s["Expected value by now (b + E)"] == "22.95%"
    assert s["Progress ratio R = (v − b) ÷ E"] == "(25.0% − 20.0%) ÷ 2.95% = 1.69"
    assert s["Status"] == "On track: R ≥ 0.95"
    assert sme.formula.startswith("sum of `sme_spend_gbp` ÷ sum of `digital_spend_gbp` × 100")
    assert {f.item: f.value for f in sme.facts}["Target"] == "33% by 2030-Q4"
    assert "**The numbers behind the status in 2026-Q3:**" in sme.markdown
    assert "| Progress ratio R = (v − b) ÷ E | (25.0% − 20.0%) ÷ 2.95% = 1.69 |" in sme.markdown


def test_milestone_workings_stop_at_the_status(themes):
    inst = steps(measure(themes, "coordinating_institute"))
    assert inst == {
        "Value in 2026-Q3 (v)": "not yet",
        "What the value rests on": "the milestones register",
        "Status": "Not yet",
    }


def test_every_measure_in_configured_order(themes, cfg):
    assert [t.id for t in themes] == list(cfg.themes)
    assert [m.id for t in themes for m in t.measures] == [
        m.id for t in cfg.themes for m in cfg.measures.values() if m.theme == t
    ]


def test_without_a_quarter_no_workings(connected):
    themes = methodology.themes(connected("empty"), None)
    sme = measure(themes, "sme_spend_share")
    assert sme.workings is None
    assert "The numbers behind the status" not in sme.markdown
    assert methodology.caption(None).startswith("No returns are loaded yet")
    assert methodology.caption("2026-Q3") == (
        "The numbers below are those behind the figures for 2026-Q3, England as a whole."
    )


def test_intro_carries_the_configured_bands(cfg):
    intro = methodology.intro(cfg)
    assert f"**{cfg.baseline_quarter}**" in intro.definitions
    assert f"- **On track**: R ≥ {cfg.bands.on_track:g}\n" in intro.status_rules
    assert f"last {cfg.direction_quarters} quarters" in intro.status_rules


def test_tracked_row_workings_give_the_direction(cfg):
    row = {
        "id": "data_maturity",
        "unit": "score",
        "quarter": "2026-Q3",
        "value": 3.0,
        "baseline": 2.0,
        "baseline_quarter": "2025-Q2",
        "target": None,
        "direction": "improving",
        "status": "tracked",
    }
    s = {x.step: x.value for x in methodology.workings(row, cfg)}
    assert s["Target"] == "none: tracked measure"
    step = (
        f"Direction of travel over the last {cfg.direction_quarters} quarters "
        "(change within 0.10 points is stable)"  # data_maturity's tolerance 0.1, a score
    )
    assert s[step] == "Improving"
