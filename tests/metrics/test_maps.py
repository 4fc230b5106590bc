"""metrics.maps: the ONS layers load, simplify and draw without the internet."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from metrics import maps
from store import paths


def test_layers_match_the_reference_counts_and_are_smaller():
    # README of the reference data: 9 regions, 296 LADs, 153 counties and unitaries
    for layer, n in (("region", 9), ("council", 296), ("upper_tier", 153)):
        g = maps.load_layer(layer)
        assert len(g["features"]) == n
        assert len({f["id"] for f in g["features"]}) == n
        raw = paths.boundary_file(layer).stat().st_size
        assert maps.payload_bytes(g) < raw * 0.5, layer  # at least halved for phones
    assert maps.payload_bytes(maps.load_layer("council")) < 320_000
    codes = maps.layer_codes("council")
    assert "E09000001" in codes and "E06000053" in codes  # City of London, Isles of Scilly kept
    assert not any(c.startswith("E10") for c in codes)  # counties only on upper_tier
    assert "E10000014" in maps.layer_codes("upper_tier")


def test_load_layer_is_cached_per_file():
    assert maps.load_layer("region") is maps.load_layer("region")


def test_simplify_ring_keeps_shape_closed_and_drops_collinear_points():
    # a 1 x 1 degree square with extra points along its edges (collinear): only corners remain
    ring = [[0, 0], [0, 0.5], [0, 1], [0.5, 1], [1, 1], [1, 0.5], [1, 0], [0.5, 0], [0, 0]]
    out = maps.simplify_ring(ring)
    assert out[0] == out[-1]
    assert sorted(map(tuple, out[:-1])) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    # a triangle smaller than the tolerance collapses to None
    assert maps.simplify_ring([[0, 0], [0.0001, 0], [0, 0.0001], [0, 0]]) is None


def test_simplify_geometry_never_loses_a_whole_feature():
    tiny = {"type": "Polygon", "coordinates": [[[0, 0], [0.0001, 0], [0, 0.0001], [0, 0]]]}
    out = maps.simplify_geometry(tiny)
    assert out["type"] == "Polygon" and len(out["coordinates"][0]) == 4
    with pytest.raises(maps.BoundaryError, match="expected Polygon or MultiPolygon"):
        maps.simplify_geometry({"type": "Point", "coordinates": [0, 0]})


def test_unreadable_boundary_file_names_the_file(tmp_path, monkeypatch):
    bad = tmp_path / "ref"
    (bad / "local_authorities").mkdir(parents=True)
    (bad / "local_authorities" / "uk_local_authorities.csv").write_text("x\n")
    (bad / "boundaries").mkdir()
    (bad / "boundaries" / "england_regions_dec2023_buc.geojson").write_text("{not json")
    monkeypatch.setenv("TRACKER_REFERENCE_DIR", str(bad))
    monkeypatch.setattr(paths, "DEFAULT_REFERENCE_DIR", bad)
    with pytest.raises(
        maps.BoundaryError, match="england_regions_dec2023_buc.geojson could not be read"
    ):
        maps.load_layer("region")
    (bad / "boundaries" / "england_regions_dec2023_buc.geojson").write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": [{"properties": {}, "geometry": None}]}
        )
    )
    with pytest.raises(maps.BoundaryError, match="Feature 1 .* has no RGN23CD"):
        maps.load_layer("region")


def test_choropleth_is_offline_classed_and_keys_missing_areas():
    values = pd.DataFrame(
        {
            "code": ["E12000001", "E12000007", "E12000008", "E99999999"],
            "name": ["North East", "London", "South East", "Nowhere"],
            "value": [3.5, 1.0, None, 9.0],
            "label": ["3.5", "1.0", "no data", "9.0"],
        }
    )
    fig = maps.choropleth(values, "region", title="Data maturity", unit_label="score", unit="score")
    spec = json.loads(fig.to_json())
    assert {t["type"] for t in spec["data"]} == {"choroplethmap"}  # MapLibre, not geo + CDN
    assert spec["layout"]["map"]["style"] == "white-bg"  # no tiles, no glyphs
    # 1.0 and 3.5 (the unknown code's 9.0 dropped): classes 0.5 wide from 1.0 to 3.5, each
    # a legend entry with its range
    low, *empty, high, grey = spec["data"]
    assert [t["name"] for t in empty] == [
        "1.5 to under 2.0",
        "2.0 to under 2.5",
        "2.5 to under 3.0",
    ]
    # keyed in the legend (plotly keys no trace without an area: a speck out of view), no
    # area of England drawn, no hover
    assert all(t["locations"] == [maps.KEY_ONLY] for t in empty)
    assert all(t["hoverinfo"] == "skip" for t in empty)
    assert (low["name"], low["locations"]) == ("1.0 to under 1.5", ["E12000007"])
    assert (high["name"], high["locations"]) == ("3.0 to 3.5", ["E12000001"])
    assert low["colorscale"][0][1] != high["colorscale"][0][1]
    # the other seven regions, including South East (no value), are "No data": pale grey with
    # a dark outline, in the legend, and the hover says so
    assert grey["name"] == "No data" and grey["showlegend"] is True
    assert len(grey["locations"]) == 7 and "E12000008" in grey["locations"]
    assert grey["colorscale"][0][1] == maps.NO_DATA_FILL == "#E6E6E6"
    assert grey["marker"]["line"]["color"] == "#505050"
    assert ["no data"] in grey["customdata"]
    assert spec["layout"]["legend"]["title"]["text"] == "score"
    assert "http" not in json.dumps(spec["layout"]["map"])


def test_classes_are_round_ranges_with_units():
    # 12% .. 80%: classes 20 points wide (the smallest round width giving at most five)
    c = maps.classify([11.9, 44.6, 80.0], "percent")
    assert [x.label for x in c] == [
        "0% to under 20%",
        "20% to under 40%",
        "40% to under 60%",
        "60% to 80%",
    ]
    assert [maps.class_index(v, c) for v in (11.9, 44.6, 80.0, None)] == [0, 2, 3, None]
    # light to dark, and none of them the white of "no data"
    assert len(set(x.colour for x in c)) == 4 and "#FFFFFF" not in {x.colour for x in c}
    # a score between 2.51 and 3.1: steps of 0.2, one decimal in every label
    assert [x.label for x in maps.classify([2.51, 2.83, 3.1], "score")] == [
        "2.4 to under 2.6",
        "2.6 to under 2.8",
        "2.8 to under 3.0",
        "3.0 to 3.2",
    ]
    # each council's 1 to 5 score: a class per whole value
    assert [x.label for x in maps.classify([1, 2, 3, 3, 5], "score")] == ["1", "2", "3", "5"]
    # yes/no figures of single councils: two classes, never a scale
    yes_no = maps.classify([0, 100, 100], "percent", yes_no=True)
    assert [x.label for x in yes_no] == ["No", "Yes"]
    assert [maps.class_index(v, yes_no) for v in (0, 100, 1)] == [0, 1, 1]
    assert maps.classify([], "percent") == []


def test_choropleth_carries_each_boundary_once():
    # North East and London have values, the other seven regions are grey: each trace
    # holds exactly the features of its own locations, 2 + 7 = 9 in all, none twice
    values = pd.DataFrame(
        {
            "code": ["E12000001", "E12000007"],
            "name": ["North East", "London"],
            "value": [3.5, 1.0],
            "label": ["3.50", "1.00"],
        }
    )
    spec = json.loads(maps.choropleth(values, "region", title="t", unit_label="score").to_json())
    for trace in spec["data"]:
        assert [f["id"] for f in trace["geojson"]["features"]] == trace["locations"]
    ids = [f["id"] for t in spec["data"] for f in t["geojson"]["features"]]
    ids = [i for i in ids if i != maps.KEY_ONLY]  # the empty classes' stand-ins
    assert len(ids) == len(set(ids)) == 9


def test_frozen_figure_is_the_same_figure_worked_out_once():
    from metrics import charts, figures

    fig = charts.lines({"a": [("2025-Q1", 1.0), ("2025-Q2", 2.0)]}, unit="score", title="t")
    frozen = figures.frozen(fig)
    assert frozen.to_dict() == fig.to_dict()
    assert (
        frozen.to_dict() is frozen.to_dict()
    )  # no copy per call (st.plotly_chart calls it per rerun)
    assert json.loads(frozen.to_json()) == json.loads(fig.to_json())
    assert list(frozen.data[0].y) == [1.0, 2.0]
