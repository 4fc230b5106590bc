"""metrics.chart_text: every frozen figure carries a text alternative made from its data."""

from __future__ import annotations

import pandas as pd

from metrics import chart_text, charts, figures, maps


def test_lines_from_first_to_last_point():
    fig = charts.lines(
        {"Hartlepool": [("2025-Q2", 2), ("2026-Q3", 4)], "England": [("2026-Q3", 2.5)]},
        unit="score",
        title="Data maturity",
    )
    assert chart_text.describe(fig) == (
        "Chart: Data maturity. Hartlepool: 2 in 2025-Q2 to 4 in 2026-Q3. England: 2.5 in 2026-Q3."
    )


def test_percent_axis_and_many_lines_summarised():
    series = {f"Group {i}": [("2025-Q2", i), ("2026-Q3", 10 + i)] for i in range(9)}
    fig = charts.lines(series, unit="percent", small_multiples=True, columns=2)
    text = chart_text.describe(fig, what="One small chart per region")
    assert text == (
        "Chart: One small chart per region. 9 lines. Highest latest value Group 8 "
        "(18% in 2026-Q3). Lowest latest value Group 0 (10% in 2026-Q3)."
    )


def test_bars_highest_lowest_and_without_data():
    fig = charts.breakdown(["a", "b", "c"], [30.5, None, 12], unit="percent", target=33)
    assert chart_text.describe(fig, what="By region") == (
        "Bar chart: By region. 2 groups. Highest a (30.5%). Lowest c (12%). 1 without data."
    )


def test_heatmap():
    fig = charts.heatmap(["North", "South"], ["2026-Q1", "2026-Q2"], [[50, 75], [100, None]], [])
    assert chart_text.describe(fig) == (
        "Heatmap. 2 rows (North, South) by 2 columns (2026-Q1 to 2026-Q2). Values from 50% to 100%."
    )


def test_map_names_highest_lowest_and_no_data(monkeypatch):
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    layer = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": c, "properties": {"code": c, "name": n}, "geometry": square}
            for c, n in (("E1", "North"), ("E2", "South"), ("E3", "East"))
        ],
    }
    monkeypatch.setattr(maps, "load_layer", lambda _layer: layer)
    values = pd.DataFrame(
        {
            "code": ["E1", "E2", "E3"],
            "name": ["North", "South", "East"],
            "value": [3.0, 1.5, None],
            "label": ["3.00", "1.50", "no data"],
        }
    )
    fig = maps.choropleth(values, "region", title="Data maturity by region", unit_label="score")
    assert chart_text.describe(fig) == (
        "Map: Data maturity by region. 2 areas with a value. Highest North (3.00). "
        "Lowest South (1.50). 1 area without data, drawn light grey."
    )


def test_frozen_figures_carry_it_unless_given():
    fig = charts.lines({"A": [("2025-Q2", 1)]}, unit="count", title="T")
    assert figures.frozen(fig).alt == "Chart: T. A: 1 in 2025-Q2."
    assert figures.frozen(fig, alt="Said better").alt == "Said better"
    assert chart_text.describe(charts.lines({}, unit="count")) == "Empty chart."
