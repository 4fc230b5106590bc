"""The targets file: the suite reads its test copy (tests/fixtures/targets.toml, set by
tests/conftest.py); the live metrics/targets.toml is only checked to be valid. Editing
the file needs no code change: a changed target, or a changed list of core standards,
flows through to the figures and to the upload's columns."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from domain import standards
from metrics import config as C
from metrics import summary as S
from store import kinds
from store.db import connect
from tests.fixtures import TARGETS

GOOD = TARGETS.read_text(encoding="utf-8")


def test_the_suite_reads_the_test_copy():
    assert Path(os.environ["TRACKER_TARGETS"]) == TARGETS
    assert C.load().path == TARGETS
    assert standards.targets_path() == TARGETS


def test_the_live_file_is_valid_and_both_readers_agree():
    live = C.load(C.DEFAULT_PATH)  # raises ConfigError naming the entry if not
    assert C.DEFAULT_PATH == standards.DEFAULT_PATH
    assert [s.id for s in standards.load(C.DEFAULT_PATH)] == live.core_standard_ids


def _copy(tmp_path: Path, monkeypatch, text: str) -> Path:
    path = tmp_path / "targets.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("TRACKER_TARGETS", str(path))
    return path


def test_a_changed_target_in_a_copy_flows_through(make_db, tmp_path, monkeypatch):
    db = make_db("metrics_small")
    with connect(db) as con:
        before = S.summary(con).set_index("id").loc["sme_spend_share"]
        # 26.0% now, 24.3% at the baseline, target 33% -> acceleration needed
        assert (before["value"], before["target"], before["status"]) == (
            26.0,
            33.0,
            "acceleration_needed",
        )
        _copy(tmp_path, monkeypatch, GOOD.replace("target = 33\n", "target = 25\n", 1))
        after = S.summary(con).set_index("id").loc["sme_spend_share"]
    assert (after["value"], after["target"], after["status"]) == (26.0, 25.0, "achieved")


def test_changed_core_standards_flow_to_uploads_and_figures(make_db, tmp_path, monkeypatch):
    db = make_db("metrics_small")  # built with the seven core standards of the test copy
    with connect(db) as con:
        assert S.summary(con).set_index("id").loc["standards_adoption", "value"] == 40.0
    dropped = GOOD.replace(
        '[[core_standards]]\nid = "cyber_assessment_framework"\n'
        'title = "Cyber Assessment Framework"\n',
        "",
    )
    assert dropped != GOOD
    _copy(tmp_path, monkeypatch, dropped)
    assert "cyber_assessment_framework" not in kinds.standard_ids()
    names = [c.name for c in kinds.get("survey").all_columns()]
    assert "standard_open_referral" in names
    assert "standard_cyber_assessment_framework" not in names
    with connect(db) as con:
        # C had only cyber_assessment_framework planned: now it adopts every core
        # standard -> A, B, C of the 5 councils = 60%
        r = S.summary(con).set_index("id").loc["standards_adoption"]
    assert (r["value"], r["numerator"], r["denominator"]) == (60.0, 3.0, 5.0)


def test_a_broken_standards_list_is_named(tmp_path, monkeypatch):
    _copy(tmp_path, monkeypatch, GOOD.replace('id = "planning_data"', 'id = "Planning Data"'))
    with pytest.raises(standards.StandardsError, match="core_standards entry 5, field id"):
        kinds.standard_ids()
    with pytest.raises(C.ConfigError, match="core_standards entry 5, field id"):
        C.load()
