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
    # the page opens on a measure that varies by place (a share each council has, with a
    # target), not on a count that is 0 or 1 per region
    assert region.default == council.default == "standards_adoption"


def test_region_view(con):
    view = places.view(con, "data_maturity", "region", "2026-Q3", "score")
    assert list(view.table.columns) == ["rank", "group", "display", "coverage", "target", "status"]
    # England first (no rank): (4 + 3 + 1 + 4 + 2) / 5 = 2.80 in 2026-Q3
    england = view.table.iloc[0].to_dict()
    assert england.pop("rank") == ""  # England is not ranked
    # England 2026-Q1: Hartlepool 2 and Newcastle 5 (both carried), Middlesbrough 3 -> 3.33;
    # 2026-Q3 2.80: -0.53 over the year, beyond the 0.1 tolerance
    assert england == {
        "group": "England",
        "display": "2.80",
        "coverage": "5 of 7 councils reporting",
        "target": "none (tracked)",
        "status": "↓ Worsening",
    }
    assert list(view.table["group"][1:]) == ["North East", "South East", "London"]
    assert list(view.table["display"][1:]) == ["3.50", "3.00", "1.00"]
    assert list(view.table["rank"][1:]) == ["1", "2", "3"]
    # North East: 3.33 in 2026-Q1 and 2026-Q2 (Hartlepool 2, Middlesbrough 3, Newcastle 5
    # carried), 3.50 in 2026-Q3: +0.17 over the year, beyond the 0.1 tolerance
    assert view.table["status"][1] == "↑ Improving"
    d = view.download
    assert list(d.table.columns) == [
        "rank",
        "region",
        "code",
        "value (score, 1 to 5)",  # never "(score (1 to 5))"
        "based on",
        "target",
        "status",
    ]
    # England first, unranked; values rounded as on screen
    assert d.table.iloc[0][["rank", "region", "value (score, 1 to 5)"]].tolist() == [
        "",
        "England",
        2.8,
    ]
    assert list(d.table["value (score, 1 to 5)"][1:]) == [3.5, 3.0, 1.0]
    assert d.name == "data_maturity-2026-Q3-by-region"
    assert (d.notes.measure, d.notes.quarter) == ("Data maturity", "2026-Q3")
    assert [t for t in view.trends_table.columns] == [
        "Region",
        "quarter or group",
        "value (score, 1 to 5)",
        "note",
    ]
    assert not view.empty and view.has_values
    assert [t.name for t in view.trends.data] == ["London", "North East", "South East"]
    assert view.trends.data[1].y[-1] == 3.5
    assert view.groups == {
        "E12000007": "London (2 councils)",
        "E12000001": "North East (3 councils)",
        "E12000008": "South East (2 councils)",
    }
    assert (view.level_name, view.group_name, view.short_name, view.unit_label) == (
        "region",
        "region",
        "Region",
        "score, 1 to 5",
    )
    assert view.compare_heading == "Compare regions with England"
    assert view.is_map and "no value" in view.map_note


def test_a_count_by_region_is_drawn_as_bars(con):
    view = places.view(con, "data_exchanges", "region", "2026-Q3", "count")
    assert not view.is_map and "bars" in view.map_note
    fig = places.map_figure(
        con, "data_exchanges", "region", "2026-Q3", "council", "Data exchanges", "count"
    )
    assert {t.type for t in fig.data} == {"bar"}
    assert fig.layout.xaxis.range[0] == 0  # a count from zero


def test_footprint_and_council_level_texts(con):
    view = places.view(con, "data_maturity", "footprint", "2026-Q3", "score")
    assert view.level_name == "footprint (combined or strategic authority)"
    assert view.group_name == "footprint" and view.short_name == "Footprint"
    councils = places.view(con, "data_maturity", "council", "2026-Q3", "score")
    assert councils.trends is None  # trends are drawn by group


def test_compare_footprints_with_england(con):
    fig = places.compare(
        con,
        "data_maturity",
        "footprint",
        ("E47000006", "E61000001"),
        "2026-Q3",
        "Data maturity",
        "score",
    )
    assert [t.name for t in fig.data] == ["Tees Valley", "Greater London Authority", "England"]
    assert fig.layout.title.text.replace("<br>", " ") == (
        "Data maturity: Tees Valley, Greater London Authority and England"
    )


def test_compare_regions_centres_and_councils(con):
    regions = places.compare(
        con, "data_maturity", "region", ("E12000001", "E12000007"), "2026-Q3", "DM", "score"
    )
    assert [t.name for t in regions.data] == ["North East", "London", "England"]
    # London: City of London's 1 in 2026-Q3 only; the quarters before are gaps
    assert list(regions.data[1].y)[-1] == 1.0 and regions.data[1].y[0] is None
    centres = places.compare(
        con, "data_maturity", "centre", ("North", "South"), "2026-Q3", "DM", "score"
    )
    assert [t.name for t in centres.data] == ["North", "South", "England"]
    councils = places.compare(
        con, "data_maturity", "council", ("E06000001", "E06000002"), "2026-Q3", "DM", "score"
    )
    assert [t.name for t in councils.data] == ["Hartlepool", "Middlesbrough", "England"]
    # Hartlepool's own value: 2 (2025-Q2, carried while fresh), 4 in 2026-Q3
    by_q = dict(zip(councils.data[0].x, councils.data[0].y))
    assert by_q["2025-Q2"] == 2.0 and by_q["2026-Q3"] == 4.0
    # a quarter whose source holds no data is a gap for a council too (2025-Q3)
    assert by_q["2025-Q3"] is None


def test_map_of_regions(con):
    fig = places.map_figure(
        con, "data_maturity", "region", "2026-Q3", "council", "Data maturity", "score"
    )
    assert fig.layout.title.text.replace("<br>", " ") == (
        "Data maturity by region, 2026-Q3: from 1.00 (London) to 3.50 (North East)"
    )
    assert fig.layout.title.subtitle.text == "Mean score, 1 to 5; England 2.80"
    # classes of a round width (0.5 between 1.0 and 3.5), each a legend entry with its
    # range, and "No data" for the six regions of England without a value here
    classes = {t.name: list(t.locations) for t in fig.data}
    assert list(classes) == [
        "1.0 to under 1.5",
        "1.5 to under 2.0",  # empty classes are keyed too: the scale is whole
        "2.0 to under 2.5",
        "2.5 to under 3.0",
        "3.0 to 3.5",
        "No data",
    ]
    assert classes["1.0 to under 1.5"] == ["E12000007"]
    assert classes["3.0 to 3.5"] == ["E12000001", "E12000008"]
    assert classes["2.0 to under 2.5"] == ["key-only"]  # keyed, no area drawn
    assert len(classes["No data"]) == 6
    assert not {"E12000001", "E12000007", "E12000008"} & set(classes["No data"])
    assert all(t.showlegend for t in fig.data)
    no_data = fig.data[-1]
    assert no_data.colorscale[0][1] == "#E6E6E6" and no_data.marker.line.color == "#505050"


def test_yes_no_at_council_level_is_two_classes(con):
    fig = places.map_figure(
        con, "standards_adoption", "council", "2026-Q3", "council", "Standards", "percent"
    )
    # Hartlepool adopted all seven (yes), Middlesbrough reported one (no)
    names = {t.name: set(t.locations) for t in fig.data}
    assert "E06000001" in names["Yes"] and "E06000002" in names["No"]
    assert set(names) == {"Yes", "No", "No data"}


def test_a_map_of_whole_scores_names_the_most_common_score_as_a_whole_number():
    import pandas as pd

    ranking = pd.DataFrame(
        {
            "group": ["A", "B", "C", "D", "E"],
            "value": [3.0, 3.0, 2.0, 3.0, None],
            "display": ["3.00", "3.00", "2.00", "3.00", "no data"],
        }
    )
    # four councils with a value; the score 3 thrice
    assert places._spread(ranking, "council", False) == "most often 3 (3 of 4 councils)"
    # a region's mean score keeps its decimals and names the extremes
    assert places._spread(ranking.iloc[:3], "region", False) == ("from 2.00 (C) to 3.00 (A and B)")
