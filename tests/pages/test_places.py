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
    assert list(ranking["group"]) == ["North East", "South East", "London"]
    assert list(ranking["display"]) == ["3.50", "3.00", "1.00"]  # two decimals, as on the overview
    assert list(ranking["coverage"]) == ["2 of 3 councils", "2 of 2 councils", "1 of 2 councils"]
    figs = figures_of(at)
    mapfig = figs[0]
    coloured = [
        t for t in mapfig["data"] if t.get("colorscale") != [[0, "#e6e6e6"], [1, "#e6e6e6"]]
    ][0]
    assert dict(zip(coloured["locations"], coloured["z"])) == {
        "E12000001": 3.5,
        "E12000008": 3.0,
        "E12000007": 1.0,
    }
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
    # shared y range: values 1.0 (London) to 10/3 (North East 2025-Q2) and 4.0 (South East 2026-Q2), padded 5%
    y_axes = {k: v for k, v in trends["layout"].items() if k.startswith("yaxis")}
    assert len(y_axes) == 4  # two rows of two panels (the fourth panel is empty)
    lo, hi = trends["layout"]["yaxis"]["range"]
    assert lo == pytest.approx(1.0 - 0.15) and hi == pytest.approx(4.0 + 0.15)
    assert all(axis["range"] == [lo, hi] for axis in y_axes.values())
    assert at.query_params["measure"] == "data_maturity"


def test_changing_level_to_council_and_layer(db, monkeypatch):
    at = open_dashboard(
        db, "pages/places.py", monkeypatch, measure="data_maturity", places_level="region"
    )
    at.radio(key="places_level").set_value("council").run()
    assert not at.exception
    ranking = at.dataframe[0].value
    assert list(ranking["group"][:2]) == ["Hampshire", "Hartlepool"]  # both 4.0
    assert list(ranking["coverage"][:2]) == ["2026-Q2 return", "2026-Q3 return"]
    assert at.query_params["places_level"] == "council"
    mapfig = figures_of(at)[0]
    located = {c for t in mapfig["data"] for c in t["locations"]}
    assert "E10000014" not in located and "E07000085" in located  # districts layer
    at.radio(key="places_layer").set_value("upper_tier").run()
    mapfig = figures_of(at)[0]
    coloured = mapfig["data"][-1]
    assert dict(zip(coloured["locations"], coloured["z"]))["E10000014"] == 4.0  # Hampshire county
    assert at.query_params["layer"] == "upper_tier"


def test_footprint_comparison_against_england(db, monkeypatch):
    at = open_dashboard(
        db, "pages/places.py", monkeypatch, measure="data_maturity", places_level="footprint"
    )
    assert any("Choose two to four footprints" in i.value for i in at.info)
    at.multiselect(key="places_compare").set_value(["E47000006", "E61000001"]).run()
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


def test_compare_from_url_and_empty_states(db, monkeypatch):
    at = open_dashboard(
        db,
        "pages/places.py",
        monkeypatch,
        measure="digital_ceos",
        places_level="council",
        compare=["E47000006", "E61000001"],
    )
    # nobody in places_small reports ceo_digital_background
    assert any("No data yet for 2026-Q3" in i.value for i in at.info)
    assert [t["name"] for t in figures_of(at)[-1]["data"]][-1] == "England"


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
        "every region",
    )
    assert table[["region", "value (score (1 to 5))"]].values.tolist() == [
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
