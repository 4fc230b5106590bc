"""metrics.config: the targets file is validated; a bad entry is named with its field."""

from __future__ import annotations

import os
import time

import pytest

from metrics import config as C
from tests.fixtures import TARGETS

GOOD = TARGETS.read_text(encoding="utf-8")


def test_default_file_loads_with_the_spec_values():
    cfg = C.load()
    assert (
        cfg.baseline_quarter == "2025-Q2"
        and cfg.deadline == "2030-Q4"
        and cfg.staleness_quarters == 4
    )
    assert cfg.core_standard_ids == [
        "service_standard",
        "tech_code_of_practice",
        "local_digital_declaration",
        "open_referral",
        "planning_data",
        "accessibility",
        "cyber_assessment_framework",
    ]
    assert all(s.title for s in cfg.core_standards)
    assert (cfg.bands.on_track, cfg.bands.acceleration_needed, cfg.bands.limited_progress) == (
        0.95,
        0.5,
        -0.1,
    )
    assert list(cfg.measures) == [
        "centres_of_service_innovation",
        "coordinating_institute",
        "common_components",
        "data_exchanges",
        "data_maturity",
        "digital_ceos",
        "lg_placements",
        "underrepresented_uplift",
        "workforce_plan",
        "apprenticeship_scheme",
        "standards_adoption",
        "audit_regime",
        "sme_spend_share",
        "outcome_based_contracts",
        "collective_buying",
    ]
    targets = {m.id: m.target for m in cfg.measures.values()}
    assert targets["centres_of_service_innovation"] == 5 and targets["data_exchanges"] == 15
    assert targets["digital_ceos"] == 10 and targets["lg_placements"] == 10
    assert targets["underrepresented_uplift"] == 20 and targets["standards_adoption"] == 70
    assert targets["sme_spend_share"] == 33 and targets["coordinating_institute"] == "achieved"
    assert {m for m, t in targets.items() if t is None} == {
        "common_components",
        "data_maturity",
        "outcome_based_contracts",
        "collective_buying",
    }
    assert len(cfg.themes) == 6


def test_load_is_cached_until_the_file_changes(tmp_path):
    path = tmp_path / "targets.toml"
    path.write_text(GOOD, encoding="utf-8")
    first = C.load(path)
    assert C.load(path) is first
    path.write_text(GOOD.replace("target = 33", "target = 40"), encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    again = C.load(path)
    assert again is not first and again.measures["sme_spend_share"].target == 40


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "target = 33\n",
            'target = "a third"\n',
            "measure 'sme_spend_share', field target: expected a number, got 'a third'",
        ),
        (
            "target = 33\n",
            "target = 330\n",
            "measure 'sme_spend_share', field target: a percentage from 0 to 100",
        ),
        (
            'theme = "data"\ntitle = "Successful',
            'theme = "dat"\ntitle = "Successful',
            "measure 'data_exchanges', field theme: expected one of the themes",
        ),
        (
            'unit = "score"',
            'unit = "points"',
            "measure 'data_maturity', field unit: expected one of",
        ),
        (
            'method = "placements_started"',
            'method = "guess"',
            "measure 'lg_placements', field method",
        ),
        (
            'column = "ceo_digital_background"',
            'column = "ceo; DROP TABLE survey"',
            "measure 'digital_ceos', field column: method councils_yes needs column = one of",
        ),
        (
            'milestone_kind = "audit_regime"',
            'milestone_kind = "audit"',
            "measure 'audit_regime', field milestone_kind",
        ),
        (
            'target = "achieved"\nmethod = "milestone"\nmilestone_kind = "workforce_plan"',
            'target = 1\nmethod = "milestone"\nmilestone_kind = "workforce_plan"',
            "measure 'workforce_plan', field target: a milestone's target must be \"achieved\"",
        ),
        (
            'baseline_quarter = "2025-Q2"',
            'baseline_quarter = "Q2 2025"',
            "baseline_quarter: expected a quarter",
        ),
        (
            "staleness_quarters = 4",
            "staleness_quarters = -1",
            "staleness_quarters: expected a whole number",
        ),
        ("on_track = 0.95", "on_track = 0.4", "status: band edges must satisfy"),
        ('title = "Open Referral UK"', 'title = ""', "core standard 'open_referral', field title"),
        ('id = "planning_data"', 'id = "Planning Data"', "core_standards entry 5, field id"),
        (
            'direction = "increase"\ntarget = 15',
            'direction = "up"\ntarget = 15',
            "measure 'data_exchanges', field direction",
        ),
        (
            'target = 10\nmethod = "placements_started"',
            'target = 10\nsplit = "evenly"\nmethod = "placements_started"',
            "measure 'lg_placements', field split",
        ),
        (
            'method = "exchanges_qualifying"',
            'method = "exchanges_qualifying"\ncolour = "red"',
            "measure 'data_exchanges', field colour: unknown field",
        ),
        # max: the most the vision allows, checked with the method's bounds and the target
        ("max = 5 ", "max = 4 ", "measure 'centres_of_service_innovation', field max: 4 is below"),
        ("max = 5 ", "max = -1 ", "field max: a count cannot be negative, got -1"),
        ("max = 5 ", 'max = "five" ', "field max: expected a number, got 'five'"),
        (
            "target = 33\n",
            "target = 33\nmax = 120\n",
            "measure 'sme_spend_share', field max: a percentage from 0 to 100",
        ),
        (
            'method = "milestone"\nmilestone_kind = "workforce_plan"',
            'method = "milestone"\nmilestone_kind = "workforce_plan"\nmax = 1',
            "measure 'workforce_plan', field max: a milestone is achieved or not",
        ),
    ],
)
def test_bad_entry_is_named(old, new, message):
    assert old in GOOD, old
    with pytest.raises(C.ConfigError) as err:
        C.loads(GOOD.replace(old, new, 1))
    assert message in str(err.value)
    assert str(err.value).startswith("targets.toml: ")


def test_not_toml_and_missing_file(tmp_path):
    with pytest.raises(C.ConfigError, match="not valid TOML"):
        C.loads("baseline_quarter = ")
    with pytest.raises(C.ConfigError, match="cannot be read"):
        C.load(tmp_path / "nope.toml")


def test_max_caps_the_bounds_a_projection_stays_in():
    cfg = C.loads(GOOD)
    centres = cfg.measures["centres_of_service_innovation"]
    assert centres.max == 5.0 and centres.bounds == (0.0, 5.0)  # a count from 0, five at most
    assert cfg.measures["sme_spend_share"].bounds == (0.0, 100.0)  # a share: 0 to 100
    assert cfg.measures["data_maturity"].bounds == (1.0, 5.0)  # a score on its 1 to 5 scale
    assert cfg.measures["lg_placements"].bounds == (0.0, None)  # "at least ten": no cap


def test_split_rule_accepted_for_a_count_only():
    cfg = C.loads(
        GOOD.replace(
            'target = 10\nmethod = "councils_yes"',
            'target = 10\nsplit = "by_councils"\nmethod = "councils_yes"',
        )
    )
    assert cfg.measures["digital_ceos"].split == "by_councils"
    with pytest.raises(C.ConfigError, match="measure 'sme_spend_share', field split: only a count"):
        C.loads(GOOD.replace("target = 33\n", 'target = 33\nsplit = "by_councils"\n'))


def test_config_imports_no_database_code():
    import subprocess
    import sys

    code = "import sys, metrics.config; sys.exit(1 if 'duckdb' in sys.modules or 'store.db' in sys.modules else 0)"
    assert (
        subprocess.run([sys.executable, "-c", code], cwd=C.DEFAULT_PATH.parent.parent).returncode
        == 0
    )
