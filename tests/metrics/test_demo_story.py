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


def test_projections_rest_on_quarters_with_data_and_stay_within_bounds(demo):
    # The demo's survey returns start in 2025-Q2 (2024-Q4 holds only a placement, 2025-Q1
    # nothing): standards adoption is 38, 43, 48, 53, 58, 63 of 317 councils over 2025-Q2 ..
    # 2026-Q3, five more a quarter. Fitted to those six quarters only, the line reaches
    # (63 + 17 x 5) / 317 = 148 / 317 = 46.7% by 2030-Q4 (17 quarters on), short of the
    # 70% target, as "acceleration needed" says; taking 2024-Q4 and 2025-Q1 as 0% gave 72.1%.
    s = demo.loc["standards_adoption"]
    assert s["projected_at_deadline"] == pytest.approx(100 * 148 / 317)
    assert (s["projection_points"], s["projection_from"]) == (6, "2025-Q2")
    assert s["status"] == "acceleration_needed" and s["projected_quarter_reached"] > "2030-Q4"
    # five Centres of Service Innovation is the vision (max = 5): projected no further
    assert demo.loc["centres_of_service_innovation", "projected_at_deadline"] == 5
    for mid in demo.index:
        row = demo.loc[mid]
        if row["unit"] == "percent" and mid != "underrepresented_uplift":
            assert 0 <= row["projected_at_deadline"] <= 100, mid
