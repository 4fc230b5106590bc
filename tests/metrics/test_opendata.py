"""The open data of a release (metrics.opendata): the real `frictionless validate` passes
it, and its figures are those of `python -m metrics summary --json`."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from domain.geography import GROUP_LEVELS
from metrics import __main__ as metrics_cli
from metrics import config as mconfig
from store import publishing

FRICTIONLESS = Path(sys.executable).with_name("frictionless")
NUMBERS = {
    "value",
    "numerator",
    "denominator",
    "baseline",
    "expected_progress",
    "expected_now",
    "ratio",
    "projected_at_deadline",
    "previous_value",
}
TEXTS = {"id", "unit", "quarter", "baseline_quarter", "deadline", "status", "status_label"}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """pages_small with its batch marked demo, published once through the command line's
    path (python -m metrics.opendata in a subprocess)."""
    from tests import factory

    db = factory.build("pages_small", tmp_path_factory.mktemp("od") / "t.duckdb", demo=True)
    release = publishing.publish(db, note="open data", user="t")  # default: the command
    return db, release


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def summary_json(db, capsys, by=None) -> list[dict]:
    argv = ["summary", "--json", "--db", str(db)] + (["--by", by] if by else [])
    assert metrics_cli.main(argv) == 0
    return json.loads(capsys.readouterr().out)


def num(text: str) -> float | str | None:
    if text == "<5":  # withheld by the disclosure rule, as in the JSON
        return text
    return float(text) if text != "" else None


def test_the_package_passes_frictionless_validate(published):
    _, release = published
    folder = release.open_data_dir
    done = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", "datapackage.json"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(done.stdout)
    errors = [e for t in report.get("tasks", []) for e in t.get("errors", [])]
    assert report["valid"] is True and done.returncode == 0, (report.get("errors"), errors[:5])
    cfg = mconfig.load()
    assert len(report["tasks"]) == 1 + len(cfg.measures)


def test_descriptor_index_and_demo_flag(published):
    _, release = published
    folder = release.open_data_dir
    package = json.loads((folder / "datapackage.json").read_text())
    index = json.loads((folder / "index.json").read_text())
    assert package["name"] == "blueprint-tracker-release-1" and package["version"] == "1"
    assert package["demo"] is True and "DEMO DATA" in package["description"]
    assert package["licenses"][0]["name"] == "OGL-UK-3.0"
    assert any("mySociety" in s["title"] for s in package["sources"])
    value = {f["name"]: f for f in package["resources"][1]["schema"]["fields"]}["value"]
    assert value["type"] == "number" and "count" in value["description"]  # the unit
    summary_fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert (
        "percentage from 0 to 100" in summary_fields["unit"]["description"]
        or "percent" in (summary_fields["unit"]["description"])
    )
    assert index["release"]["number"] == 1 and index["demo"] is True
    assert {f["path"] for f in index["files"]} == {r["path"] for r in package["resources"]}
    assert release.open_data_zip.is_file()


def test_figures_equal_metrics_summary_json(published, capsys):
    db, release = published
    table = rows(release.open_data_dir / "summary.csv")
    for by in (None, *GROUP_LEVELS):
        expected = summary_json(db, capsys, by)
        got = [r for r in table if r["level"] == (by or "national")]
        assert len(got) == len(expected) and expected, by
        for want, have in zip(expected, got):
            assert (have["group"] or None) == want.get("group"), by
            for k in NUMBERS:
                assert num(have[k]) == want[k], (by, want["id"], k)
            for k in TEXTS:
                assert have[k] == (want[k] or ""), (by, want["id"], k)
            target = want["target"]
            assert num(have["target"]) == (None if isinstance(target, str) else target)
            assert num(have["coverage_reporting"]) == want["coverage_reporting"]
            assert num(have["coverage_total"]) == want["coverage_total"]


def test_metrics_summary_reads_a_release_file(published, capsys):
    db, release = published
    assert summary_json(release.path, capsys) == summary_json(db, capsys)


def test_each_series_ends_at_the_summary_figure(published, capsys):
    db, release = published
    latest = {r["id"]: r for r in summary_json(db, capsys)}
    for mid, want in latest.items():
        series = rows(release.open_data_dir / "measures" / f"{mid}.csv")
        national = [r for r in series if r["level"] == "national"]
        assert national[-1]["quarter"] == want["quarter"]
        assert num(national[-1]["value"]) == want["value"], mid
    by_region = [
        r
        for r in rows(release.open_data_dir / "measures" / "digital_ceos.csv")
        if r["level"] == "region"
    ]
    assert {r["group"] for r in by_region} >= {"North East", "London", "South East"}
