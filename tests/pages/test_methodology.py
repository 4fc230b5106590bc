"""Methodology page: generated from the configuration, with the exact numbers."""
from __future__ import annotations

from pathlib import Path

from tests.pages.helpers import has_text

PAGE = "pages/methodology.py"


def workings(at, after_title: str) -> dict:
    """The workings table of the measure whose heading is ``after_title``."""
    titles = [m.value for m in at.markdown if m.value.startswith("#### ")]
    index = titles.index(f"#### {after_title}")
    tables = [d.value for d in at.dataframe if list(d.value.columns) == ["step", "value"]]
    # with a quarter shown every measure has a workings table, in heading order
    return dict(zip(tables[index]["step"], tables[index]["value"]))


def test_every_measure_with_definition_formula_and_exact_numbers(app_at, make_db):
    at = app_at(make_db("pages_small"), PAGE)
    assert not at.exception
    from metrics import config

    for m in config.load().measures.values():
        assert has_text(at, f"#### {m.title}")
        assert has_text(at, m.definition)
    w = workings(at, "Chief executives from a digital background")
    assert w["Value in 2026-Q3 (v)"] == "2"
    assert w["Baseline in 2025-Q2 (b)"] == "0"
    assert w["Quarters from baseline to deadline (D − t0)"] == "22"
    assert w["Quarters from baseline to 2026-Q3 (t − t0)"] == "5"
    # E = (10 - 0) x 5 / 22 = 2.27; R = 2 / 2.27 = 0.88
    assert w["Expected progress by now E = (T − b) × (t − t0) ÷ (D − t0)"] == "(10 − 0) × 5 ÷ 22 = 2.27"
    assert w["Progress ratio R = (v − b) ÷ E"] == "(2 − 0) ÷ 2.27 = 0.88"
    assert w["Status"] == "Acceleration needed: 0.5 ≤ R < 0.95"
    sme = workings(at, "Digital spend with SMEs")
    # E = (33 - 20) x 5 / 22 = 2.95; R = (25 - 20) / 2.95 = 1.69
    assert sme["Expected progress by now E = (T − b) × (t − t0) ÷ (D − t0)"] == \
        "(33.0% − 20.0%) × 5 ÷ 22 = 2.95%"
    assert sme["Expected value by now (b + E)"] == "22.95%"
    assert sme["Progress ratio R = (v − b) ÷ E"] == "(25.0% − 20.0%) ÷ 2.95% = 1.69"
    assert sme["Status"] == "On track: R ≥ 0.95"
    assert has_text(at, "**Formula:** sum of `sme_spend_gbp` ÷ sum of `digital_spend_gbp` × 100")


def test_sources_and_licences(app_at, make_db):
    at = app_at(make_db("pages_small"), PAGE)
    sources = at.dataframe[-1].value
    licences = " ".join(sources["licence"])
    attributions = " ".join(sources["attribution"])
    assert "CC BY 4.0" in licences and "Open Government Licence v3.0" in licences
    assert "© mySociety" in attributions
    assert "Contains OS data © Crown copyright and database right 2024" in attributions


def test_generated_from_the_configuration(app_at, make_db, monkeypatch, tmp_path):
    """Change a target and a band in the config file: the page follows, nothing to edit."""
    from metrics import config

    text = Path(config.DEFAULT_PATH).read_text(encoding="utf-8")
    changed = text.replace("target = 33\n", "target = 40\n").replace("on_track = 0.95", "on_track = 0.9")
    assert changed != text
    (tmp_path / "targets.toml").write_text(changed, encoding="utf-8")
    monkeypatch.setenv("TRACKER_TARGETS", str(tmp_path / "targets.toml"))
    at = app_at(make_db("pages_small"), PAGE)
    assert has_text(at, "**On track**: R ≥ 0.9\n")
    sme = workings(at, "Digital spend with SMEs")
    assert sme["Target by 2030-Q4 (T)"] == "40.0%"
    facts = [d.value for d in at.dataframe if list(d.value.columns) == ["item", "value"]]
    assert "40% by 2030-Q4" in [v for f in facts for v in f["value"]]


def test_without_data_it_still_explains_every_measure(app_at, make_db):
    at = app_at(make_db("empty"), PAGE)
    assert not at.exception
    assert has_text(at, "No returns are loaded yet")
    assert not [d for d in at.dataframe if list(d.value.columns) == ["step", "value"]]
