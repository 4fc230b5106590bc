"""The small set of plotly figure builders every page uses.

Builders take plain values (lists, a summary row as a dict, a DataFrame) and return a
``plotly.graph_objects.Figure``; they never read the database. Every series is
distinguishable without colour: line dash, marker symbol and a name in the legend or
an annotation beside it. Colours come from PALETTE (the Analysis Function's palette,
checked for contrast); every frozen figure carries a text alternative (``.alt``).

- ``trajectory``: baseline, straight path to the target, actual series, projection to
  the deadline, target marker (the theme page, one per measure).
- ``milestone_steps``: a milestone's 'not yet' / 'achieved' over time.

The Government Analysis Function's chart guidance, applied by every builder: a rate on
an axis from zero, a score on its whole scale (1 to 5), a count from zero in whole
numbers; ticks on whole quarters (a short series) or whole years; a quarter without data
is a gap in the line (never 0); a title that says the finding and a subtitle with the
measure, scope and period; the values of the baseline, target and projection in the
legend, so no label sits on a line. metrics.charts has the sparkline, breakdown bars,
line charts, the heatmap and the table view of a chart; metrics.frozen the frozen figures
(re-exported here), metrics.chart_text their text alternatives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from metrics.frozen import FrozenDict, FrozenFigure, frozen, frozen_json
from metrics.progress import format_value, number_or_none
from store.quarters import between
from store.quarters import index as quarter_index

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["FrozenDict", "FrozenFigure", "frozen", "frozen_json"]

# Colours, in one place (maps.py uses them too): the Government Analysis Function's
# palette. tests/metrics/test_palette.py checks each against white: marks need 3:1
# (WCAG 1.4.11), text 4.5:1 (1.4.3). Turquoise, orange and plum pass for marks only:
# text is drawn in TEXT_COLOURS (ORANGE_TEXT is orange darkened for text).
DARK_BLUE, TURQUOISE, DARK_PINK = "#12436D", "#28A197", "#801650"
ORANGE, DARK_GREY, PLUM = "#F46A25", "#3D3D3D", "#A285D1"
PALETTE = [DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, PLUM]  # categorical, in order
TEXT, ORANGE_TEXT = "#0B0C0C", "#B3461A"
TEXT_COLOURS = [TEXT, DARK_BLUE, DARK_PINK, DARK_GREY, ORANGE_TEXT]
# Heatmaps write each cell's number in it (TEXT: 4.5:1 or more on every step).
HEAT = [[0.0, "#F3F8FC"], [1.0, "#5694CA"]]

# Plotly's default template adds about 7 kB to every figure's JSON (and its copy to every
# rerun); Streamlit's theme styles the chart in the browser, so the figures carry none.
TEMPLATE = "none"

# Maps (metrics.maps): classes of a sequential blue scale, light to dark (the Analysis
# Function's mid and dark blues with steps between, the darkest near black; colour-blind
# safe: lightness alone orders them, 10 to 19 points of lightness apart, wider at the dark
# end where the eye tells blues apart less well), two classes for yes/no, and "no
# data": a pale neutral grey with a dark outline and its own legend entry. Every class
# has 3:1 against white and 2.5:1 against the no-data grey, so an area with a value never
# looks like one without (tests/metrics/test_palette.py).
MAP_CLASSES = ["#5694CA", "#2073BC", "#195B95", "#12436D", "#061A2E"]
MAP_YES_NO = ["#5694CA", "#12436D"]  # no, yes
NO_DATA = "#E6E6E6"
NO_DATA_LINE = "#505050"

FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=14, color=TEXT)

UNIT_AXIS = {
    "percent": "%",
    "count": "count",
    "score": "score, 1 to 5",
    "milestone": "achieved (1) or not yet (0)",
}


def unit_label(unit: str, *, relative: bool = False) -> str:
    """The axis or column label of a unit: 'percent' -> '%' ('% change on the baseline'
    for a relative change)."""
    if relative:
        return "% change on the baseline"
    return UNIT_AXIS.get(unit, unit or "")


# ---------------------------------------------------------------- layout and axes


def wrap(text: str, width: int = 26) -> str:
    """Text on lines of at most ``width`` characters (plotly does not wrap)."""
    import textwrap

    return "<br>".join(textwrap.wrap(text, width)) or text


TITLE_WIDTH = 34  # characters per line of a chart title (plotly does not wrap titles)
SUBTITLE_WIDTH = 42  # the subtitle's smaller type


def layout(
    fig: go.Figure,
    *,
    title: str | None,
    unit: str,
    height: int,
    legend: bool = True,
    subtitle: str | None = None,
    relative: bool = False,
) -> go.Figure:
    """The common look; a title (the finding) and a subtitle (measure, scope, period),
    wrapped to fit a phone; the height grows by what they take."""
    title_text = wrap(title, TITLE_WIDTH) if title else None  # a 320 px screen shows it all
    sub_text = wrap(subtitle, SUBTITLE_WIDTH) if subtitle else None
    lines = title_text.count("<br>") + 1 if title_text else 0
    sub_lines = sub_text.count("<br>") + 1 if sub_text else 0
    extra = (22 * lines + 18 * sub_lines + 16) if lines else 0
    title_spec = None
    if title_text:
        # automargin: plotly makes the top margin as tall as the title and subtitle need
        # (a title of several lines placed by hand is cut at the top)
        title_spec = dict(
            text=title_text,
            x=0,
            xanchor="left",
            xref="container",
            yref="paper",
            automargin=True,
            # a subtitle's further lines go down towards the plot: room for them
            pad=dict(b=26 + 17 * max(0, sub_lines - 1)),
            font=dict(size=16),
        )
        if sub_text:
            title_spec["subtitle"] = dict(text=sub_text, font=dict(size=13, color=DARK_GREY))
    fig.update_layout(
        template=TEMPLATE,
        title=title_spec,
        font=FONT,
        height=height + extra,
        margin=dict(l=10, r=10, t=10, b=10),
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=legend,
        legend=dict(
            orientation="h", yanchor="top", y=-0.18, x=0, xanchor="left", font=dict(size=13)
        ),
        hoverlabel=dict(font=dict(size=13)),
    )
    fig.update_yaxes(
        title_text=unit_label(unit, relative=relative),
        gridcolor="#E5E5E5",
        zeroline=True,
        zerolinecolor="#BDBDBD",
        ticksuffix="%" if unit == "percent" else None,
        automargin=True,
    )
    fig.update_xaxes(gridcolor="#F0F0F0", automargin=True)
    # Streamlit's chart theme draws tick labels and axis titles in a 3.8:1 grey: set them.
    axis_text = dict(color=DARK_GREY, tickfont_color=DARK_GREY, title_font_color=DARK_GREY)
    fig.update_xaxes(**axis_text)
    fig.update_yaxes(**axis_text)
    return fig


def quarter_axis(first: str, last: str) -> list[str]:
    """Every quarter from first to last: the category order of a time axis."""
    return between(first, last) if first <= last else [first]


def quarter_ticks(axis: Sequence[str], most: int = 8) -> tuple[list[str], list[str]]:
    """Ticks on whole quarters or whole years: every quarter of a short axis ('Q2' under
    the first and each year's first quarter its year), else each year at its first
    quarter (every second year on a long axis)."""
    axis = list(axis)
    if len(axis) <= most:
        text = [
            f"{q[5:]}<br>{q[:4]}" if i == 0 or q.endswith("Q1") else q[5:]
            for i, q in enumerate(axis)
        ]
        return axis, text
    years = [q for q in axis if q.endswith("Q1")]
    step = 1 if len(years) <= most else 2
    years = years[::step]
    return years, [q[:4] for q in years]


def time_axis(fig: go.Figure, axis: Sequence[str], *, most: int = 8, **kw) -> None:
    """A category axis of quarters with ticks on whole quarters or years."""
    if not axis:
        return
    vals, text = quarter_ticks(axis, most)
    if any("<br>" in t for t in text) and fig.layout.showlegend is not False:
        fig.update_layout(legend_y=-0.3)  # below two lines of tick labels, not on them
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=list(axis),
        range=[-0.5, len(axis) - 0.5],
        tickmode="array",
        tickvals=vals,
        ticktext=text,
        tickangle=0,
        **kw,
    )


def value_range(
    unit: str,
    values: Iterable[float | None],
    *,
    bounds: tuple[float | None, float | None] = (None, None),
    relative: bool = False,
) -> list[float] | None:
    """The value axis: a rate from 0 (to a little above its highest value, at most just
    over 100%), a relative change around 0, a score on its whole scale, a count from 0.
    None for a unit without a rule."""
    vs = [v for v in (number_or_none(x) for x in values) if v is not None]
    top = max(vs) if vs else 0.0
    low = min(vs) if vs else 0.0
    if unit == "score":
        lo, hi = bounds
        lo = 1.0 if lo is None else lo
        hi = 5.0 if hi is None else hi
        pad = (hi - lo) * 0.04
        return [min(lo, low) - pad, max(hi, top) + pad]
    if unit == "percent" and relative:
        span = max(top, 0.0) - min(low, 0.0) or 1.0
        return [min(low, 0.0) - 0.1 * span, max(top, 0.0) + 0.1 * span]
    if unit == "percent":
        hi = max(top * 1.15, 1.0)
        return [0.0, 103.0 if hi > 100 and top <= 100 else hi]
    if unit == "count":
        return [0.0, max(top * 1.15, 1.0)]
    return None


def value_axis(fig, unit: str, values, *, bounds=(None, None), relative=False, **kw) -> None:
    r = value_range(unit, values, bounds=bounds, relative=relative)
    if r is None:
        return
    if unit == "count":
        vs = [v for v in (number_or_none(x) for x in values) if v is not None]
        kw.setdefault("dtick", count_dtick(max(vs + [1.0])))
        kw.setdefault("tick0", 0)
    elif unit == "score":
        kw.setdefault("dtick", 1)
        kw.setdefault("tick0", 1)
    fig.update_yaxes(range=r, **kw)


def count_dtick(top: float) -> int:
    """Whole-number tick spacing for a count axis up to ``top`` (about five ticks)."""
    import math

    return max(1, math.ceil(top / 5))


def on_axis(points: Sequence[tuple[str, float | None]], axis: Sequence[str]) -> list:
    """The values of ``points`` on every quarter of ``axis``: None where a quarter has no
    data (plotly then leaves a gap in the line)."""
    by_q = {q: number_or_none(v) for q, v in points}
    return [by_q.get(q) for q in axis]


def data_span(points: Sequence[tuple[str, float | None]]) -> tuple[str, str] | None:
    """First and last quarter with a value."""
    have = [q for q, v in points if number_or_none(v) is not None]
    return (min(have), max(have)) if have else None


# ---------------------------------------------------------------- the trajectory


DEFAULT_BOUNDS = {"percent": (0.0, 100.0), "count": (0.0, None), "score": (1.0, 5.0)}


def _clip(v: float, bounds: tuple[float | None, float | None]) -> float:
    lo, hi = bounds
    return max(lo, v) if lo is not None and v < lo else (min(hi, v) if hi is not None else v)


def _projection_points(
    row: Mapping,
    last: tuple[str, float] | None,
    bounds: tuple[float | None, float | None] = (None, None),
) -> list[tuple[str, float]]:
    """The projection as drawn: the fitted straight line (the summary's own numbers) from
    the first quarter fitted to the deadline, bending flat where it meets the measure's
    bound (a share at 100%, a count at what the vision allows): what is drawn is what the
    status sentence and the table say."""
    deadline = _quarter(row.get("deadline"))
    projected = number_or_none(row.get("projected_at_deadline"))
    if deadline is None or projected is None:
        return []
    start, start_v = (
        _quarter(row.get("projection_from")),
        number_or_none(row.get("projection_from_value")),
    )
    slope = number_or_none(row.get("projection_slope"))
    if start is None or start_v is None or slope is None:
        if last is None or last[0] >= deadline:
            return []
        return [last, (deadline, projected)]
    pts = [(start, start_v)]
    line_end = start_v + slope * (quarter_index(deadline) - quarter_index(start))
    if abs(line_end - projected) > 1e-6 * max(1.0, abs(projected)) and slope:
        # clipped at a bound: the line runs to the quarter it meets it, then flat
        steps = (projected - start_v) / slope
        meet = quarter_index(start) + max(0, int(steps))
        if quarter_index(start) < meet < quarter_index(deadline):
            from store.quarters import from_index

            q = from_index(meet)
            pts.append((q, start_v + slope * (meet - quarter_index(start))))
            pts.append((from_index(meet + 1), projected))
    pts.append((deadline, projected))
    return [(q, _clip(v, bounds)) for q, v in pts if q <= deadline]


def trajectory(
    row: Mapping,
    actual: Sequence[tuple[str, float | None]],
    *,
    title: str | None = None,
    subtitle: str | None = None,
    height: int = 380,
    bounds: tuple[float | None, float | None] = (None, None),
    relative: bool | None = None,
) -> go.Figure:
    """Baseline, straight path to the target, actual series, projection, target.

    ``row`` is one measure's summary row (keys: unit, baseline, baseline_quarter, target,
    deadline, projected_at_deadline, projection_from, projection_from_value,
    projection_slope, quarter); ``actual`` the (quarter, value) pairs of the measure's
    series, oldest first, None for a quarter without data (a gap: never drawn as 0).
    Each trace is named with its value so the chart reads without colour and without a
    label on a line: path dashed, actual solid with dots, projection dotted ending in a
    triangle, baseline a diamond, target a star.
    """
    unit = row.get("unit") or ""
    if relative is None:  # a relative change (the uplift) is drawn around zero
        from metrics.wording import is_relative

        relative = is_relative(row)
    baseline_q, baseline = (
        _quarter(row.get("baseline_quarter")),
        number_or_none(row.get("baseline")),
    )
    deadline, target = _quarter(row.get("deadline")), number_or_none(row.get("target"))
    shown = _quarter(row.get("quarter"))
    span = data_span(actual)
    if span is not None:
        end = max(span[1], shown) if shown else span[1]
        points = list(zip(quarter_axis(span[0], end), on_axis(actual, quarter_axis(span[0], end))))
    else:
        points = []
    with_value = [(q, v) for q, v in points if v is not None]
    if bounds == (None, None) and not relative:
        bounds = DEFAULT_BOUNDS.get(unit, bounds)
    projection = _projection_points(row, with_value[-1] if with_value else None, bounds)
    quarters = [q for q, _ in points] + [q for q, _ in projection]
    quarters += [
        q for q in (baseline_q, deadline if (target is not None or projection) else None) if q
    ]
    axis = quarter_axis(min(quarters), max(quarters)) if quarters else []
    f = lambda v: value_label(v, unit, relative)  # noqa: E731
    fig = go.Figure()
    if baseline is not None and target is not None and baseline_q and deadline:
        fig.add_trace(
            go.Scatter(
                x=[baseline_q, deadline],
                y=[baseline, target],
                mode="lines",
                name="Straight path to the target",
                line=dict(color=DARK_GREY, dash="dash", width=2),
                hovertemplate="Path to target %{x}: %{y}<extra></extra>",
            )
        )
    if points:
        fig.add_trace(
            go.Scatter(
                x=[q for q, _ in points],
                y=[v for _, v in points],
                mode="lines+markers",
                name="Actual",
                line=dict(color=DARK_BLUE, width=3),
                marker=dict(symbol="circle", size=8, color=DARK_BLUE),
                connectgaps=False,
                hovertemplate="Actual %{x}: %{y}<extra></extra>",
            )
        )
    if projection:
        fig.add_trace(
            go.Scatter(
                x=[q for q, _ in projection],
                y=[v for _, v in projection],
                mode="lines+markers",
                name=f"Projection: {f(projection[-1][1])} by {deadline}",
                line=dict(color=ORANGE, dash="dot", width=3),
                marker=dict(
                    symbol=["circle-open"] * (len(projection) - 1) + ["triangle-up"],
                    size=[1] * (len(projection) - 1) + [11],
                    color=ORANGE,
                ),
                hovertemplate="Projection %{x}: %{y}<extra></extra>",
            )
        )
    if baseline is not None and baseline_q:
        fig.add_trace(
            go.Scatter(
                x=[baseline_q],
                y=[baseline],
                mode="markers",
                name=f"Baseline {baseline_q}" + ("" if relative else f": {f(baseline)}"),
                marker=dict(symbol="diamond", size=12, color=DARK_GREY),
                cliponaxis=False,  # drawn whole at the axis's end, even on a phone
                hovertemplate="Baseline %{x}: %{y}<extra></extra>",
            )
        )
    if target is not None and deadline:
        fig.add_trace(
            go.Scatter(
                x=[deadline],
                y=[target],
                mode="markers",
                name=f"Target {deadline}: {target_value(target, unit, relative)}",
                marker=dict(
                    symbol="star", size=16, color=TURQUOISE, line=dict(color=TEXT, width=1)
                ),
                cliponaxis=False,
                hovertemplate="Target %{x}: %{y}<extra></extra>",
            )
        )
    fig = layout(fig, title=title, unit=unit, height=height, subtitle=subtitle, relative=relative)
    time_axis(fig, axis)
    ys = [y for t in fig.data for y in (t.y or [])]
    value_axis(fig, unit, ys, bounds=bounds, relative=relative)
    return fig


def value_label(v: float | None, unit: str, relative: bool = False) -> str:
    """A value in a legend or on a bar: a relative change with its sign ('+6.0%'; the axis
    says it is a change on the baseline), a projected count with one decimal."""
    if relative and v is not None:
        return f"{'+' if v >= 0 else '-'}{abs(v):.1f}%"
    if unit == "count" and v is not None and not float(v).is_integer():
        return f"{v:.1f}"
    return format_value(v, unit)


def target_value(t: float, unit: str, relative: bool = False) -> str:
    if relative:
        return f"{'+' if t >= 0 else '-'}{abs(t):g}%"
    return f"{t:g}%" if unit == "percent" else format_value(t, unit)


def milestone_steps(
    actual: Sequence[tuple[str, float | None]],
    *,
    title: str | None = None,
    subtitle: str | None = None,
    height: int = 260,
) -> go.Figure:
    """A milestone over time: a step line at 'not yet' (0) or 'achieved' (1), from the
    register's first entry (no quarter before it is drawn as 'not yet')."""
    span = data_span(actual)
    axis = quarter_axis(*span) if span else []
    ys = on_axis(actual, axis)
    fig = go.Figure(
        go.Scatter(
            x=axis,
            y=ys,
            mode="lines+markers",
            name="Achieved?",
            line=dict(color=DARK_BLUE, width=3, shape="hv"),
            marker=dict(size=9, symbol="circle"),
            connectgaps=False,
            customdata=[format_value(v, "milestone") for v in ys],
            hovertemplate="%{x}: %{customdata}<extra></extra>",
        )
    )
    fig = layout(fig, title=title, unit="milestone", height=height, legend=False, subtitle=subtitle)
    time_axis(fig, axis)
    fig.update_yaxes(
        range=[-0.15, 1.15], tickvals=[0, 1], ticktext=["not yet", "achieved"], title_text=None
    )
    return fig


def _quarter(v) -> str | None:
    return v if isinstance(v, str) and v else None
