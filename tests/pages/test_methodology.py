"""Methodology page: generated from the configuration, with the exact numbers."""

from __future__ import annotations

from tests.fixtures import TARGETS
from tests.pages.helpers import has_text

PAGE = "pages/methodology.py"


def section(at, title: str) -> str:
    """The markdown block of the measure whose heading is ``title``."""
    found = [m.value for m in at.markdown if m.value.startswith(f"### {title}\n")]
    assert len(found) == 1, title
    return found[0]


def row(block: str, step: str) -> str:
    """The value in the table row that starts with ``step``."""
    for line in block.splitlines():
        if line.startswith(f"| {step} |"):
            return line.split(" | ")[-1].rstrip(" |")
    raise AssertionError(f"no row {step!r} in:\n{block}")


def test_every_measure_with_definition_formula_and_exact_numbers(app_at, make_db):
    at = app_at(make_db("pages_small"), PAGE)
    assert not at.exception
    from metrics import config

    for m in config.load().measures.values():
        assert m.definition in section(at, m.title)
    ceos = section(at, "Chief executives from a digital background")
    assert row(ceos, "Value in 2026-Q3 (v)") == "2"
    assert row(ceos, "Baseline in 2025-Q2 (b)") == "0"
    assert row(ceos, "Quarters from baseline to deadline (D − t0)") == "22"
    assert row(ceos, "Quarters from baseline to 2026-Q3 (t − t0)") == "5"
    # E = (10 - 0) x 5 / 22 = 2.27; R = 2 / 2.27 = 0.88
    assert (
        row(ceos, "Expected progress by now E = (T − b) × (t − t0) ÷ (D − t0)")
        == "(10 − 0) × 5 ÷ 22 = 2.27"
    )
    assert row(ceos, "Progress ratio R = (v − b) ÷ E") == "(2 − 0) ÷ 2.27 = 0.88"
    assert row(ceos, "Status") == "Acceleration needed: 0.5 ≤ R < 0.95"
    sme = section(at, "Digital spend with SMEs")
    # E = (33 - 20) x 5 / 22 = 2.95; R = (25 - 20) / 2.95 = 1.69
    assert (
        row(sme, "Expected progress by now E = (T − b) × (t − t0) ÷ (D − t0)")
        == "(33.0% − 20.0%) × 5 ÷ 22 = 2.95%"
    )
    assert row(sme, "Expected value by now (b + E)") == "22.95%"
    assert row(sme, "Progress ratio R = (v − b) ÷ E") == "(25.0% − 20.0%) ÷ 2.95% = 1.69"
    assert row(sme, "Status") == "On track: R ≥ 0.95"
    assert "**Formula:** sum of `sme_spend_gbp` ÷ sum of `digital_spend_gbp` × 100" in sme


def test_sources_and_licences(app_at, make_db):
    at = app_at(make_db("pages_small"), PAGE)
    assert has_text(
        at,
        "licence: Creative Commons Attribution 4.0 (CC BY 4.0). UK Local Authority "
        "Names and Codes, © mySociety, licensed under CC BY 4.0",
    )
    assert has_text(at, "licence: Open Government Licence v3.0")
    assert has_text(at, "Contains OS data © Crown copyright and database right 2024")


def test_generated_from_the_configuration(app_at, make_db, monkeypatch, tmp_path):
    """Change a target and a band in the config file: the page follows, nothing to edit."""
    text = TARGETS.read_text(encoding="utf-8")
    changed = text.replace("target = 33\n", "target = 40\n").replace(
        "on_track = 0.95", "on_track = 0.9"
    )
    assert changed != text
    (tmp_path / "targets.toml").write_text(changed, encoding="utf-8")
    monkeypatch.setenv("TRACKER_TARGETS", str(tmp_path / "targets.toml"))
    at = app_at(make_db("pages_small"), PAGE)
    assert has_text(at, "**On track**: R ≥ 0.9\n")
    sme = section(at, "Digital spend with SMEs")
    assert row(sme, "Target by 2030-Q4 (T)") == "40.0%"
    assert row(sme, "Target") == "40% by 2030-Q4"


def test_without_data_it_still_explains_every_measure(app_at, make_db):
    at = app_at(make_db("empty"), PAGE)
    assert not at.exception
    assert has_text(at, "No returns are loaded yet")
    assert "The numbers behind the status" not in section(at, "Digital spend with SMEs")
    assert row(section(at, "Digital spend with SMEs"), "Target") == "33% by 2030-Q4"
