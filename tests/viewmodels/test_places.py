"""viewmodels.places on places_small. Data maturity by region in 2026-Q3: North East
(4 + 3) / 2 = 3.5 (Newcastle's 2025-Q2 value is too old), South East (4 + 2) / 2 = 3.0,
London 1.0 (City of London)."""

from __future__ import annotations

import pytest

from viewmodels import places


@pytest.fixture
def con(connected):
    return connected("places_small")


def test_measure_options_by_level(cfg):
    region = places.options(cfg, "region")
    council = places.options(cfg, "council")
    assert region.options["data_maturity"] == "Data maturity"
    assert region.units["data_maturity"] == "score"
    assert set(council.options) < set(region.options)  # council level: council values only
    assert not any(cfg.measures[m].is_milestone for m in region.options)


def test_region_view(con):
    view = places.view(con, "data_maturity", "region", "2026-Q3", "score")
    assert list(view.table.columns) == ["rank", "group", "display", "coverage"]
    assert list(view.table["group"]) == ["North East", "South East", "London"]
    assert list(view.table["display"]) == ["3.50", "3.00", "1.00"]
    assert not view.empty and view.has_values
    assert [t.name for t in view.trends.data] == ["London", "North East", "South East"]
    assert view.trends.data[1].y[-1] == 3.5
    assert view.footprints == {
        "E61000001": "Greater London Authority (2 councils)",
        "E47000014": "North East MCA (1 councils)",
        "E47000006": "Tees Valley (2 councils)",
    }
    assert (view.level_name, view.group_name, view.short_name, view.unit_label) == (
        "region",
        "region",
        "Region",
        "score (1 to 5)",
    )


def test_footprint_and_council_level_texts(con):
    view = places.view(con, "data_maturity", "footprint", "2026-Q3", "score")
    assert view.level_name == "footprint (combined or strategic authority)"
    assert view.group_name == "footprint" and view.short_name == "Footprint"
    councils = places.view(con, "data_maturity", "council", "2026-Q3", "score")
    assert councils.trends is None  # trends are drawn by group


def test_compare_footprints_with_england(con):
    fig = places.compare(
        con, "data_maturity", ("E47000006", "E61000001"), "2026-Q3", "Data maturity", "score"
    )
    assert [t.name for t in fig.data] == ["Tees Valley", "Greater London Authority", "England"]
    assert fig.layout.title.text.replace("<br>", " ") == "Data maturity: footprints and England"


def test_map_of_regions(con):
    fig = places.map_figure(
        con, "data_maturity", "region", "2026-Q3", "council", "Data maturity", "score"
    )
    assert fig.layout.title.text == "Data maturity by region"
    coloured = [t for t in fig.data if t.z is not None and len(t.z) == 3][0]
    assert dict(zip(coloured.locations, coloured.z)) == {
        "E12000001": 3.5,
        "E12000008": 3.0,
        "E12000007": 1.0,
    }
