"""Places page through dashboard.py (AppTest) on the places_small variant.

Quarter shown 2026-Q3 (the latest with data). Data maturity by region: North East
(4 + 3) / 2 = 3.5 (Newcastle's 2025-Q2 value is too old), South East (4 + 2) / 2 = 3.0,
London 1.0 (City of London).
"""

from __future__ import annotations

import pytest

from tests.pages.helpers import figures_of, open_dashboard


@pytest.fixture
def db(make_db):
    return make_db("places_small")


def test_region_map_ranking_and_trends(db, monkeypatch):
    at = open_dashboard(
        db, "pages/places.py", monkeypatch, measure="data_maturity", places_level="region"
    )
    ranking = at.dataframe[0].value
    # England first, then the regions, best first
    assert list(ranking["group"]) == ["England", "North East", "South East", "London"]
    assert list(ranking["display"]) == ["2.80", "3.50", "3.00", "1.00"]  # two decimals
    assert list(ranking["coverage"]) == [
        "5 of 7 councils reporting",
        "2 of 3 councils reporting",
        "2 of 2 councils reporting",
        "1 of 2 councils reporting",
    ]
    assert list(ranking.columns) == ["rank", "group", "display", "coverage", "target", "status"]
    assert [b.label for b in at.get("download_button")] == ["CSV", "Excel"]
    figs = figures_of(at)
    mapfig = figs[0]
    # classes with ranges in the legend, and a keyed "No data"
    classes = {t["name"]: t["locations"] for t in mapfig["data"]}
    assert classes["1.0 to under 1.5"] == ["E12000007"]
    assert classes["3.0 to 3.5"] == ["E12000001", "E12000008"]
    assert len(classes["No data"]) == 6
    assert mapfig["layout"]["map"]["style"] == "white-bg"
    assert any("Contains OS data © Crown copyright" in c.value for c in at.caption)
    # small multiples: one chart, a panel per region (in name order) on one scale; North East ends at 3.5
    trends = figs[1]
    assert [t["name"] for t in trends["data"]] == ["London", "North East", "South East"]
    assert [a["text"] for a in trends["layout"]["annotations"]] == [
        "London",
        "North East",
        "South East",
    ]
    assert trends["data"][1]["y"][-1] == 3.5
    # one shared y range: a score on its whole 1 to 5 scale (padded 4%), so panels compare
    y_axes = {k: v for k, v in trends["layout"].items() if k.startswith("yaxis")}
    assert len(y_axes) == 4  # two rows of two panels (the fourth panel is empty)
    lo, hi = trends["layout"]["yaxis"]["range"]
    assert lo == pytest.approx(1.0 - 0.16) and hi == pytest.approx(5.0 + 0.16)
    assert all(axis["range"] == [lo, hi] for axis in y_axes.values())
    assert at.query_params["measure"] == "data_maturity"


def test_changing_level_to_council_and_layer(db, monkeypatch):
    at = open_dashboard(
        db, "pages/places.py", monkeypatch, measure="data_maturity", places_level="region"
    )
    at.radio(key="places_level").set_value("council").run()
    assert not at.exception
    ranking = at.dataframe[0].value
    assert list(ranking["group"][:3]) == ["England", "Hampshire", "Hartlepool"]  # both 4.0
    assert list(ranking["coverage"][1:3]) == ["2026-Q2 return", "2026-Q3 return"]
    assert at.query_params["places_level"] == "council"
    mapfig = figures_of(at)[0]
    located = {c for t in mapfig["data"] for c in t["locations"]}
    assert "E10000014" not in located and "E07000085" in located  # districts layer
    at.radio(key="places_layer").set_value("upper_tier").run()
    mapfig = figures_of(at)[0]
    # each council's whole score is a class of its own: Hampshire county 4
    classes = {t["name"]: t["locations"] for t in mapfig["data"]}
    assert "E10000014" in classes["4"]
    assert at.query_params["layer"] == "upper_tier"


def test_footprint_comparison_against_england(db, monkeypatch):
    at = open_dashboard(
        db, "pages/places.py", monkeypatch, measure="data_maturity", places_level="footprint"
    )
    assert any("Choose two to four footprints" in i.value for i in at.info)
    at.multiselect(key="places_compare_footprint").set_value(["E47000006", "E61000001"]).run()
    assert not at.exception
    chart = figures_of(at)[-1]
    assert [t["name"] for t in chart["data"]] == [
        "Tees Valley",
        "Greater London Authority",
        "England",
    ]
    # England 2026-Q3: (4 + 3 + 1 + 4 + 2) / 5 = 2.8; Tees Valley 2025-Q2: (2 + 3) / 2 = 2.5
    assert chart["data"][2]["y"][-1] == pytest.approx(2.8)
    assert chart["data"][0]["y"][0] == 2.5
    assert at.query_params["compare"] == ["E47000006", "E61000001"]


def test_regions_compared_from_the_url(db, monkeypatch):
    at = open_dashboard(
        db,
        "pages/places.py",
        monkeypatch,
        measure="data_maturity",
        places_level="region",
        compare=["E12000001", "E12000007"],
    )
    chart = figures_of(at)[-1]
    assert [t["name"] for t in chart["data"]] == ["North East", "London", "England"]


def test_compare_from_url_and_empty_states(db, monkeypatch):
    at = open_dashboard(
        db,
        "pages/places.py",
        monkeypatch,
        measure="digital_ceos",
        places_level="council",
        compare=["E06000001", "E09000001", "E47000006"],
    )
    # nobody in places_small reports ceo_digital_background
    assert any("No data yet for 2026-Q3" in i.value for i in at.info)
    assert [t["name"] for t in figures_of(at)[-1]["data"]][-1] == "England"
    # the footprint code is not a council: said, and left out
    assert any("“E47000006”" in w.value and "left out" in w.value for w in at.warning)


def test_values_in_the_link_that_do_not_exist_are_said(db, monkeypatch):
    at = open_dashboard(
        db, "pages/places.py", monkeypatch, measure="no_such_measure", places_level="bogus"
    )
    warnings = [w.value for w in at.warning]
    assert any("level “bogus”, which does not exist: showing Region instead" in w for w in warnings)
    assert any(
        "measure “no_such_measure”, which does not exist: showing "
        "Councils adopting every core standard instead" in w
        for w in warnings
    )


def test_no_returns_yet(make_db, monkeypatch):
    at = open_dashboard(make_db("reference"), "pages/places.py", monkeypatch)
    assert any("No returns have been loaded yet" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_ranking_downloads_say_what_they_are(db, monkeypatch, downloads):
    from metrics.export import read_csv_notes

    at = open_dashboard(
        db, "pages/places.py", monkeypatch, measure="data_maturity", places_level="region"
    )
    csv = next(b for b in at.main.download_button if b.label == "CSV")
    assert csv.key == "dl-data_maturity-2026-Q3-by-region-CSV"
    notes, table = read_csv_notes(downloads(csv))
    assert (notes["Measure"], notes["Quarter"], notes["Scope"]) == (
        "Data maturity",
        "2026-Q3",
        "England and every region",
    )
    assert table[["region", "value (score, 1 to 5)"]].values.tolist() == [
        ["England", 2.8],
        ["North East", 3.5],
        ["South East", 3.0],
        ["London", 1.0],
    ]


@pytest.mark.parametrize(
    "level, label, options",
    [
        ("footprint", "Footprint", ["Greater London Authority", "North East MCA", "Tees Valley"]),
        ("region", "Region", ["London", "North East", "South East"]),
        ("council", "Footprint", ["Greater London Authority", "North East MCA", "Tees Valley"]),
    ],
)
def test_board_pack_for_a_group_of_the_level_shown(db, monkeypatch, level, label, options):
    at = open_dashboard(
        db, "pages/places.py", monkeypatch, measure="data_maturity", places_level=level
    )
    pick = at.main.selectbox(key=f"places_pack_{label.lower()}_scope")
    assert pick.label == label and pick.options == options
    assert [b.label for b in at.main.button if b.key == f"places_pack_{label.lower()}_make"] == [
        "Make the board pack (PDF)"
    ]
