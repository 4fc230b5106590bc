"""metrics.figures and metrics.charts builders on small inputs (values by hand): the
Analysis Function's rules (axes from zero, a score on its whole scale, ticks on whole
quarters or years, gaps for quarters without data, titles and subtitles)."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import charts, figures

# A rate whose source skips 2025-Q3 and 2025-Q4: the three real points only.
RATE = [
    ("2025-Q2", 12.0),
    ("2025-Q3", None),
    ("2025-Q4", None),
    ("2026-Q1", 16.7),
    ("2026-Q2", 18.3),
]
ROW = {
    "title": "Councils adopting every core standard",
    "unit": "percent",
    "quarter": "2026-Q2",
    "baseline": 12.0,
    "baseline_quarter": "2025-Q2",
    "target": 70.0,
    "deadline": "2030-Q4",
    "projected_at_deadline": 46.7,
    "projection_from": "2025-Q2",
    "projection_from_value": 12.0,
    "projection_slope": (46.7 - 12.0) / 22,
    "projection_points": 3,
}


def _value(fig, name, quarter):
    trace = next(t for t in fig.data if (t.name or "").startswith(name))
    return dict(zip(trace.x, trace.y)).get(quarter, "absent")


def test_breakdown_keeps_groups_without_data_and_marks_each_group_target():
    fig = charts.breakdown(["a", "b", "c"], [3, None, 5], unit="count", target=[4, 2, None])
    bars, marks = fig.data
    # ascending from the bottom; the group without data is listed at the bottom, named so
    assert list(bars.y) == ["b (no data)", "a", "c"]
    assert list(bars.x) == [None, 3, 5]
    assert list(bars.text) == ["no data", "3", "5"]
    assert marks.name == "Group target" and list(marks.x) == [2, 4, None]
    # x axis from 0 to 1.25 x the largest of values and targets (5): 6.25, whole-number ticks
    assert fig.layout.xaxis.range == (0, 6.25)
    assert fig.layout.xaxis.dtick == 2
    table = charts.chart_table(fig, unit="count")
    assert list(table.columns) == ["series", "quarter or group", "value (count)", "note"]
    assert table.iloc[1].tolist() == ["Value", "a", 3.0, ""]
    assert pd.isna(table.iloc[0, 2]) and table.iloc[0, 3] == "not reported"


def test_trajectory_draws_gaps_not_zeros_and_the_summarys_projection():
    fig = figures.trajectory(ROW, RATE, title="A finding", subtitle="Per cent, England")
    # every quarter on the axis, None (a gap) where the source holds no data
    assert _value(fig, "Actual", "2025-Q3") is None and _value(fig, "Actual", "2025-Q4") is None
    actual = next(t for t in fig.data if t.name == "Actual")
    assert actual.connectgaps is False
    assert [v for v in actual.y if v is not None] == [12.0, 16.7, 18.3]
    # the projection drawn is the summary's fitted line: from the first quarter fitted to
    # exactly the projected value at the deadline (what the status sentence says)
    projection = next(t for t in fig.data if t.name.startswith("Projection"))
    assert list(projection.x) == ["2025-Q2", "2030-Q4"]
    assert projection.y[0] == 12.0 and projection.y[1] == pytest.approx(46.7)
    assert projection.name == "Projection: 46.7% by 2030-Q4"
    # values in the legend, none written on the plot (no label over a line)
    names = [t.name for t in fig.data]
    assert "Baseline 2025-Q2: 12.0%" in names and "Target 2030-Q4: 70%" in names
    assert not fig.layout.annotations
    # a rate from zero; the title and the subtitle
    lo, hi = fig.layout.yaxis.range
    assert lo == 0 and 70 <= hi <= 103
    assert fig.layout.title.text == "A finding"
    assert fig.layout.title.subtitle.text == "Per cent, England"


def test_trajectory_ticks_are_whole_years_on_a_long_axis():
    fig = figures.trajectory(ROW, RATE)
    axis = list(fig.layout.xaxis.categoryarray)
    assert (axis[0], axis[-1]) == ("2025-Q2", "2030-Q4") and len(axis) == 23
    assert list(fig.layout.xaxis.tickvals) == [f"{y}-Q1" for y in range(2026, 2031)]
    assert list(fig.layout.xaxis.ticktext) == [str(y) for y in range(2026, 2031)]


def test_a_projection_kept_within_a_bound_bends_flat():
    # a count rising 1 a quarter from 2 in 2026-Q3, capped at 5 (the vision's five centres)
    row = dict(
        ROW,
        unit="count",
        quarter="2026-Q3",
        baseline=0.0,
        target=5.0,
        projected_at_deadline=5.0,
        projection_from="2026-Q2",
        projection_from_value=1.0,
        projection_slope=1.0,
    )
    fig = figures.trajectory(row, [("2026-Q2", 1.0), ("2026-Q3", 2.0)], bounds=(0, 5))
    projection = next(t for t in fig.data if t.name.startswith("Projection"))
    # 1 in 2026-Q2, 5 four quarters on (2027-Q2), then flat at 5 to the deadline
    assert list(projection.x) == ["2026-Q2", "2027-Q2", "2027-Q3", "2030-Q4"]
    assert list(projection.y) == [1.0, 5.0, 5.0, 5.0]
    assert max(projection.y) <= 5
    # a count from zero in whole numbers
    assert fig.layout.yaxis.range[0] == 0 and fig.layout.yaxis.dtick == 1  # 0 to 5


def test_a_score_is_drawn_on_its_whole_scale():
    row = {"unit": "score", "baseline": 2.4, "baseline_quarter": "2025-Q2", "quarter": "2025-Q3"}
    fig = figures.trajectory(row, [("2025-Q2", 2.4), ("2025-Q3", 2.5)], bounds=(1, 5))
    lo, hi = fig.layout.yaxis.range
    assert lo <= 1 and hi >= 5 and fig.layout.yaxis.dtick == 1
    assert [t.name for t in fig.data] == ["Actual", "Baseline 2025-Q2: 2.40"]
    assert fig.layout.yaxis.title.text == "score, 1 to 5"
    # a short axis: a tick on every quarter, the year under the first
    assert list(fig.layout.xaxis.tickvals) == ["2025-Q2", "2025-Q3"]
    assert list(fig.layout.xaxis.ticktext) == ["Q2<br>2025", "Q3"]


def test_a_flat_rate_is_not_magnified():
    # outcome-based contracts: 17.9% to 18.0%, "stable": drawn from zero, not 17.88 to 18.00
    fig = charts.lines({"England": [("2025-Q2", 17.9), ("2025-Q3", 18.0)]}, unit="percent")
    lo, hi = fig.layout.yaxis.range
    assert lo == 0 and hi == pytest.approx(18.0 * 1.15)


def test_lines_share_one_axis_and_leave_gaps():
    fig = charts.lines(
        {"A": [("2025-Q2", 10.0), ("2025-Q4", 30.0)], "B": [("2025-Q3", 20.0)]}, unit="percent"
    )
    a, b = fig.data
    assert list(a.x) == list(b.x) == ["2025-Q2", "2025-Q3", "2025-Q4"]
    assert list(a.y) == [10.0, None, 30.0] and list(b.y) == [None, 20.0, None]
    assert a.connectgaps is False and a.line.dash != b.line.dash
    # small multiples share the value axis (so panels compare) and tick whole quarters
    sm = charts.lines(
        {"A": [("2025-Q2", 1.0)], "B": [("2025-Q3", 40.0)]}, unit="percent", small_multiples=True
    )
    assert sm.layout.yaxis.range == sm.layout.yaxis2.range and sm.layout.yaxis.range[0] == 0


def test_a_relative_change_is_drawn_around_zero():
    fig = charts.lines(
        {"England": [("2025-Q2", 0.0), ("2025-Q3", -4.0)]}, unit="percent", relative=True
    )
    lo, hi = fig.layout.yaxis.range
    assert lo < -4 and hi > 0
    assert fig.layout.yaxis.title.text == "% change on the baseline"


def test_sparkline_is_small_starts_at_data_and_carries_no_template():
    fig = charts.sparkline([None, 1, None, 3], unit="percent")
    assert list(fig.data[0].y) == [1, None, 3]  # from the first quarter with data; a gap
    assert list(fig.data[1].x) == [2]  # the last value is marked
    assert fig.layout.yaxis.range[0] == 0  # a rate from zero, even this small
    assert len(fig.to_json()) < 1200  # plotly's default template is ~7 kB


def test_quarter_ticks():
    assert figures.quarter_ticks(["2025-Q4", "2026-Q1", "2026-Q2"]) == (
        ["2025-Q4", "2026-Q1", "2026-Q2"],
        ["Q4<br>2025", "Q1<br>2026", "Q2"],
    )
    long = figures.quarter_axis("2020-Q1", "2030-Q4")
    vals, text = figures.quarter_ticks(long)
    assert text == ["2020", "2022", "2024", "2026", "2028", "2030"]  # every second year


def test_count_ticks_are_whole_numbers():
    assert [figures.count_dtick(t) for t in (0, 2, 5, 6, 23)] == [1, 1, 1, 2, 5]


def test_frozen_figure_keeps_its_json_and_changes_nothing_in_plotly():
    import json

    import plotly.io as pio
    import plotly.io.json as pjson

    to_json = pio.to_json
    fig = charts.lines({"England": [("2025-Q2", 1.0), ("2025-Q3", 2.5)]}, unit="percent", title="t")
    frozen = figures.frozen(fig)
    first = figures.frozen_json(frozen.to_dict())
    assert first == pjson.to_json(frozen, validate=False)  # as plotly encodes it
    assert json.loads(first) == json.loads(pjson.to_json(fig, validate=False))
    assert figures.frozen_json(frozen.to_dict()) is first  # kept: not encoded again
    assert json.loads(first)["data"][0]["y"] == [1.0, 2.5]
    assert pio.to_json is to_json  # making and encoding a frozen figure patches nothing
