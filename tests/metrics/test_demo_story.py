"""The demo database tells the intended story (as of 2026-Q3; baseline 2025-Q2, deadline
2030-Q4: t - t0 = 5, D - t0 = 22)."""

from __future__ import annotations

import pytest

from metrics import summary as S
from store.db import connect

STORY = {
    "centres_of_service_innovation": "on_track",  # 0 -> 2: E = 1.14, R = 1.76
    "coordinating_institute": "not_yet",
    "workforce_plan": "achieved",  # achieved 2026-Q1
    "apprenticeship_scheme": "not_yet",
    "audit_regime": "not_yet",
    "data_exchanges": "acceleration_needed",  # 1 -> 3: E = 3.18, R = 0.63
    "digital_ceos": "limited_progress",  # 2 -> 2: R = 0
    "lg_placements": "on_track",  # 0 -> 4: E = 2.27, R = 1.76
    "underrepresented_uplift": "on_track",  # ~+6%: E = 4.55, R ~ 1.3
    "standards_adoption": "acceleration_needed",  # ~12% -> ~20%: E = 13.2, R ~ 0.6
    "sme_spend_share": "deteriorating",  # ~24% -> ~22%
}
DIRECTIONS = {
    "common_components": "improving",
    "data_maturity": "improving",
    "outcome_based_contracts": "stable",
    "collective_buying": "improving",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from tests import factory

    if "demo" not in factory.VARIANTS:
        pytest.skip("the demo factory variant does not exist yet")
    path = factory.build("demo", tmp_path_factory.mktemp("demo") / "demo.duckdb")
    with connect(path) as con:
        return S.summary(con, as_of="2026-Q3").set_index("id")


def test_every_measure_present(demo):
    assert set(demo.index) == set(STORY) | set(DIRECTIONS)


@pytest.mark.parametrize("measure, status", STORY.items())
def test_story_status(demo, measure, status):
    assert demo.loc[measure, "status"] == status, demo.loc[measure, "explanation"]


@pytest.mark.parametrize("measure, direction", DIRECTIONS.items())
def test_story_direction(demo, measure, direction):
    assert demo.loc[measure, "status"] == "tracked"
    assert demo.loc[measure, "direction"] == direction


def test_story_numbers(demo):
    ex = demo.loc["data_exchanges"]
    assert (ex["value"], ex["baseline"]) == (3, 1)
    assert ex["expected_progress"] == pytest.approx(14 * 5 / 22) and ex["ratio"] == pytest.approx(
        2 / (70 / 22)
    )
    assert (demo.loc["lg_placements", "value"], demo.loc["lg_placements", "baseline"]) == (4, 0)
    assert demo.loc["centres_of_service_innovation", "value"] == 2
    assert demo.loc["underrepresented_uplift", "value"] == pytest.approx(6, abs=1)
    assert demo.loc["standards_adoption", "baseline"] == pytest.approx(12, abs=1.5)
    assert demo.loc["standards_adoption", "value"] == pytest.approx(20, abs=1.5)
