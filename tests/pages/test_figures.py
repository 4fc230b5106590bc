"""metrics.figures builders on small inputs (values by hand)."""

from __future__ import annotations

from metrics import chart_table as mchart_table
from metrics import figures, small_charts


def test_breakdown_keeps_groups_without_data_and_marks_each_group_target():
    fig = figures.breakdown(["a", "b", "c"], [3, None, 5], unit="count", target=[4, 2, None])
    bars, marks = fig.data
    # ascending from the bottom; the group without data is listed at the bottom, named so
    assert list(bars.y) == ["b (no data)", "a", "c"]
    assert list(bars.x) == [None, 3, 5]
    assert list(bars.text) == ["no data", "3", "5"]
    assert marks.name == "Group target" and list(marks.x) == [2, 4, None]
    # x axis to 1.25 x the largest of values and targets (5): 6.25, whole-number ticks of 2
    assert fig.layout.xaxis.range == (0, 6.25)
    assert fig.layout.xaxis.dtick == 2
    table = mchart_table.chart_table(fig, unit="count")
    assert list(table.columns) == ["series", "quarter or group", "value (count)"]
    assert table.iloc[1].tolist() == ["Value", "a", 3.0]


def test_trajectory_without_target_draws_no_path_projection_or_target():
    row = {
        "unit": "score",
        "baseline": 2.4,
        "baseline_quarter": "2025-Q2",
        "target": None,
        "deadline": float("nan"),
        "projected_at_deadline": 4.0,
    }
    fig = figures.trajectory(row, [("2025-Q2", 2.4), ("2025-Q3", 2.5)])
    assert [t.name for t in fig.data] == ["Actual", "Baseline 2025-Q2"]
    assert fig.layout.yaxis.title.text == "score (1 to 5)"


def test_sparkline_is_small_and_carries_no_template():
    fig = small_charts.sparkline([1, None, 3])
    assert list(fig.data[0].y) == [1, None, 3]
    assert list(fig.data[1].x) == [2]  # the last value is marked
    assert len(fig.to_json()) < 1000  # plotly's default template is ~7 kB


def test_count_ticks_are_whole_numbers():
    assert [figures.count_dtick(t) for t in (0, 2, 5, 6, 23)] == [1, 1, 1, 2, 5]


def test_frozen_figure_keeps_its_json_and_changes_nothing_in_plotly():
    import json

    import plotly.io as pio
    import plotly.io.json as pjson

    to_json = pio.to_json
    fig = figures.lines(
        {"England": [("2025-Q2", 1.0), ("2025-Q3", 2.5)]}, unit="percent", title="t"
    )
    frozen = figures.frozen(fig)
    first = figures.frozen_json(frozen.to_dict())
    assert first == pjson.to_json(frozen, validate=False)  # as plotly encodes it
    assert json.loads(first) == json.loads(pjson.to_json(fig, validate=False))
    assert figures.frozen_json(frozen.to_dict()) is first  # kept: not encoded again
    assert json.loads(first)["data"][0]["y"] == [1.0, 2.5]
    assert pio.to_json is to_json  # making and encoding a frozen figure patches nothing
