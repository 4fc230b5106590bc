"""The small set of plotly figure builders every page uses.

Builders take plain values (lists, a summary row as a dict, a DataFrame) and return a
``plotly.graph_objects.Figure``; they never read the database. Every series is
distinguishable without colour: line dash, marker symbol and a name in the legend or
an annotation beside it. Colours come from PALETTE (the Analysis Function's palette,
checked for contrast); every frozen figure carries a text alternative (``.alt``).

- ``trajectory``: baseline, straight path to the target, actual series, projection to
  the deadline, target marker (the theme page, one per measure).
- ``sparkline``: a tiny actual series (the overview cards).
- ``breakdown``: one bar per group, sorted, with the target marked (theme page).
- ``lines``: a generic line chart or small multiples (one line per group).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from metrics.progress import format_value

if TYPE_CHECKING:
    pass

# Colours, in one place (maps.py uses them too): the Government Analysis Function's
# palette. tests/metrics/test_palette.py checks each against white: marks need 3:1
# (WCAG 1.4.11), text 4.5:1 (1.4.3). Turquoise, orange and plum pass for marks only:
# text is drawn in TEXT_COLOURS (ORANGE_TEXT is orange darkened for text).
DARK_BLUE, TURQUOISE, DARK_PINK = "#12436D", "#28A197", "#801650"
ORANGE, DARK_GREY, PLUM = "#F46A25", "#3D3D3D", "#A285D1"
PALETTE = [DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, PLUM]  # categorical, in order
TEXT, ORANGE_TEXT = "#0B0C0C", "#B3461A"
TEXT_COLOURS = [TEXT, DARK_BLUE, DARK_PINK, DARK_GREY, ORANGE_TEXT]
# Maps: light to dark blue, every step 3:1 or more against white, so an area with a value
# always stands apart from an area without one (NO_DATA, light grey, named in the key).
SEQUENTIAL = [[0.0, "#5694CA"], [1.0, "#0B2A45"]]
NO_DATA = "#e6e6e6"
# Heatmaps write each cell's number in it (TEXT: 4.5:1 or more on every step).
HEAT = [[0.0, "#F3F8FC"], [1.0, "#5694CA"]]

# Plotly's default template adds about 7 kB to every figure's JSON (and its copy to every
# rerun); Streamlit's theme styles the chart in the browser, so the figures carry none.
TEMPLATE = "none"

FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=14, color=TEXT)

UNIT_AXIS = {
    "percent": "%",
    "count": "count",
    "score": "score (1 to 5)",
    "milestone": "achieved (1) or not yet (0)",
}


def unit_label(unit: str) -> str:
    """The axis or column label of a unit: 'percent' -> '%'."""
    return UNIT_AXIS.get(unit, unit or "")


TITLE_WIDTH = 34  # characters per line of a chart title (plotly does not wrap titles)


def _layout(
    fig: go.Figure, *, title: str | None, unit: str, height: int, legend: bool = True
) -> go.Figure:
    shown = _wrap(title, TITLE_WIDTH) if title else None  # a 320 px screen shows it all
    fig.update_layout(
        template=TEMPLATE,
        title=dict(text=shown, x=0, xanchor="left", font=dict(size=16)) if shown else None,
        font=FONT,
        height=height,
        margin=dict(l=10, r=10, t=50 + 20 * shown.count("<br>") if shown else 10, b=10),
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=legend,
        legend=dict(
            orientation="h", yanchor="top", y=-0.18, x=0, xanchor="left", font=dict(size=13)
        ),
        hoverlabel=dict(font=dict(size=13)),
    )
    fig.update_yaxes(
        title_text=unit_label(unit),
        gridcolor="#E5E5E5",
        zeroline=True,
        zerolinecolor="#BDBDBD",
        ticksuffix="%" if unit == "percent" else None,
    )
    fig.update_xaxes(gridcolor="#F0F0F0")
    # Streamlit's chart theme draws tick labels and axis titles in a 3.8:1 grey: set them.
    axis_text = dict(color=DARK_GREY, tickfont_color=DARK_GREY, title_font_color=DARK_GREY)
    fig.update_xaxes(**axis_text)
    fig.update_yaxes(**axis_text)
    return fig


def quarter_axis(first: str, last: str) -> list[str]:
    """Every quarter from first to last: the category order of a time axis."""
    from store.quarters import between

    return between(first, last) if first <= last else [first]


def trajectory(
    row: Mapping,
    actual: Sequence[tuple[str, float]],
    *,
    title: str | None = None,
    height: int = 380,
) -> go.Figure:
    """Baseline, straight path to the target, actual series, projection, target.

    ``row`` is one measure's summary row (keys: unit, baseline, baseline_quarter,
    target, deadline, projected_at_deadline, quarter); ``actual`` the (quarter, value)
    pairs of the measure's series, oldest first. Each trace is named so the chart reads
    without colour: path dashed, actual solid with dots, projection dotted, baseline a
    diamond, target a star.
    """
    unit = row.get("unit") or ""
    baseline_q, baseline = _quarter(row.get("baseline_quarter")), _num(row.get("baseline"))
    deadline, target = _quarter(row.get("deadline")), _num(row.get("target"))
    projected = _num(row.get("projected_at_deadline"))
    points = [(q, _num(v)) for q, v in actual if _num(v) is not None]
    quarters = [q for q, _ in points] + [q for q in (baseline_q, deadline) if q]
    fig = go.Figure()
    if quarters:
        axis = quarter_axis(min(quarters), max(quarters))
        fig.update_xaxes(
            type="category",
            categoryorder="array",
            categoryarray=axis,
            range=[-0.5, len(axis) - 0.5],
            nticks=4,  # level labels that fit a 320 px screen
            tickangle=0,
        )
    if baseline is not None and target is not None and baseline_q and deadline:
        fig.add_trace(
            go.Scatter(
                x=[baseline_q, deadline],
                y=[baseline, target],
                mode="lines",
                name="Straight path to target",
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
                hovertemplate="Actual %{x}: %{y}<extra></extra>",
            )
        )
    if points and projected is not None and deadline and points[-1][0] < deadline:
        last_q, last_v = points[-1]
        fig.add_trace(
            go.Scatter(
                x=[last_q, deadline],
                y=[last_v, projected],
                mode="lines+markers",
                name=f"Projection to {deadline} at recent pace",
                line=dict(color=ORANGE, dash="dot", width=3),
                marker=dict(symbol=["circle-open", "triangle-up"], size=[1, 11], color=ORANGE),
                hovertemplate="Projection %{x}: %{y}<extra></extra>",
            )
        )
        fig.add_annotation(
            x=deadline,
            y=projected,
            text=f"projected {format_value(projected, unit)}",
            showarrow=False,
            xanchor="right",
            yanchor="top",
            yshift=-8,
            font=dict(color=ORANGE_TEXT, size=13),
        )
    if baseline is not None and baseline_q:
        fig.add_trace(
            go.Scatter(
                x=[baseline_q],
                y=[baseline],
                mode="markers",
                name=f"Baseline {baseline_q}",
                marker=dict(symbol="diamond", size=12, color=DARK_GREY),
                hovertemplate="Baseline %{x}: %{y}<extra></extra>",
            )
        )
        fig.add_annotation(
            x=baseline_q,
            y=baseline,
            text=f"baseline {format_value(baseline, unit)}",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            yshift=8,
            font=dict(size=13),
        )
    if target is not None and deadline:
        fig.add_trace(
            go.Scatter(
                x=[deadline],
                y=[target],
                mode="markers",
                name=f"Target {deadline}",
                marker=dict(
                    symbol="star", size=16, color=TURQUOISE, line=dict(color=TEXT, width=1)
                ),
                hovertemplate="Target %{x}: %{y}<extra></extra>",
            )
        )
        fig.add_annotation(
            x=deadline,
            y=target,
            text=f"target {format_value(target, unit)}",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            yshift=10,
            font=dict(color=TEXT, size=13),
        )
    fig = _layout(fig, title=title, unit=unit, height=height)
    if unit == "count":
        ys = [y for t in fig.data for y in (t.y or []) if _num(y) is not None]
        fig.update_yaxes(dtick=count_dtick(max(ys + [0])), rangemode="tozero")
    return fig


def count_dtick(top: float) -> int:
    """Whole-number tick spacing for a count axis up to ``top`` (about five ticks)."""
    import math

    return max(1, math.ceil(top / 5))


def milestone_steps(
    actual: Sequence[tuple[str, float]], *, title: str | None = None, height: int = 260
) -> go.Figure:
    """A milestone over time: a step line at 'not yet' (0) or 'achieved' (1)."""
    points = [(q, _num(v)) for q, v in actual if _num(v) is not None]
    fig = go.Figure(
        go.Scatter(
            x=[q for q, _ in points],
            y=[v for _, v in points],
            mode="lines+markers",
            name="Achieved?",
            line=dict(color=DARK_BLUE, width=3, shape="hv"),
            marker=dict(size=9, symbol="circle"),
            customdata=[format_value(v, "milestone") for _, v in points],
            hovertemplate="%{x}: %{customdata}<extra></extra>",
        )
    )
    if points:
        fig.update_xaxes(
            type="category",
            categoryorder="array",
            nticks=4,  # level labels that fit a 320 px screen
            tickangle=0,
            categoryarray=quarter_axis(points[0][0], points[-1][0]),
        )
    fig = _layout(fig, title=title, unit="milestone", height=height, legend=False)
    fig.update_yaxes(
        range=[-0.15, 1.15], tickvals=[0, 1], ticktext=["not yet", "achieved"], title_text=None
    )
    return fig


def breakdown(
    groups: Sequence[str],
    values: Sequence[float],
    *,
    unit: str,
    target: float | Sequence[float | None] | None = None,
    title: str | None = None,
    target_label: str = "Target",
    height: int | None = None,
) -> go.Figure:
    """One horizontal bar per group, largest at the top, with the target marked.

    ``target``: one number (a dashed line across all bars) or one per group (a black
    diamond on each bar, named "Group target"). Groups without a value are listed at the
    bottom with the text "no data" so they are not lost.
    """
    targets: list[float | None] = [None] * len(groups)
    single: float | None = None
    if target is None or isinstance(target, (int, float)):
        per_group, single = False, target
    else:
        per_group, targets = True, list(target)
    rows = [(str(g), _num(v), _num(t)) for g, v, t in zip(groups, values, targets)]
    with_data = sorted([r for r in rows if r[1] is not None], key=lambda r: (r[1], r[0]))
    without = sorted([r for r in rows if r[1] is None], key=lambda r: r[0], reverse=True)
    ordered = without + with_data  # plotly draws the first bar at the bottom
    labels = [g if v is not None else f"{g} (no data)" for g, v, _ in ordered]
    xs = [v for _, v, _ in ordered]
    fig = go.Figure(
        go.Bar(
            x=xs,
            y=labels,
            orientation="h",
            marker=dict(color=DARK_BLUE),
            name="Value",
            text=[format_value(v, unit) for _, v, _ in ordered],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    top = max([x for x in xs if x is not None] + [0])
    if per_group and any(t is not None for _, _, t in ordered):
        fig.add_trace(
            go.Scatter(
                x=[t for _, _, t in ordered],
                y=labels,
                mode="markers",
                name="Group target",
                orientation="h",
                marker=dict(symbol="diamond", size=12, color=TEXT),
                hovertemplate="%{y} target: %{x}<extra></extra>",
            )
        )
        top = max([top] + [t for _, _, t in ordered if t is not None])
    elif single is not None:
        fig.add_vline(x=single, line=dict(color=TEXT, dash="dash", width=2))
        fig.add_annotation(
            x=single,
            y=1,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text=f"{target_label} {format_value(single, unit)}",
            font=dict(size=13),
        )
        top = max(top, float(single))
    fig = _layout(
        fig,
        title=title,
        unit=unit,
        height=height or max(220, 90 + 30 * len(labels)),
        legend=per_group,
    )
    fig.update_yaxes(title_text=None, ticksuffix=None, automargin=True, showgrid=False)
    fig.update_xaxes(
        title_text=unit_label(unit),
        ticksuffix="%" if unit == "percent" else None,
        range=[0, top * 1.25 if top > 0 else 1],
        dtick=count_dtick(top * 1.25) if unit == "count" else None,
    )
    if target is not None and not per_group:
        fig.update_layout(margin=dict(t=fig.layout.margin.t + 24))
    return fig


def lines(
    series: Mapping[str, Sequence[tuple[str, float]]],
    *,
    unit: str,
    title: str | None = None,
    height: int = 360,
    small_multiples: bool = False,
    columns: int = 3,
    panel_height: int = 220,
) -> go.Figure:
    """One line per named series of (quarter, value); or small multiples, one panel each.

    Lines differ by dash and marker symbol as well as colour, and each is named in the
    legend (small multiples name each panel instead).
    """
    names = list(series)
    dashes = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
    symbols = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon"]
    all_q = sorted({q for pts in series.values() for q, _ in pts})
    if not small_multiples or len(names) <= 1:
        fig = go.Figure()
        for i, name in enumerate(names):
            pts = series[name]
            fig.add_trace(
                go.Scatter(
                    x=[q for q, _ in pts],
                    y=[_num(v) for _, v in pts],
                    mode="lines+markers",
                    name=str(name),
                    line=dict(color=PALETTE[i % len(PALETTE)], dash=dashes[i % len(dashes)]),
                    marker=dict(symbol=symbols[i % len(symbols)], size=7),
                )
            )
        if all_q:
            fig.update_xaxes(
                type="category",
                categoryorder="array",
                nticks=4,
                tickangle=0,
                categoryarray=quarter_axis(all_q[0], all_q[-1]),
            )
        return _layout(fig, title=title, unit=unit, height=height)
    from plotly.subplots import make_subplots

    rows = (len(names) + columns - 1) // columns
    total = max(height, panel_height * rows)
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[_wrap(str(n)) for n in names],
        shared_yaxes=True,
        horizontal_spacing=0.06,
        vertical_spacing=min(0.3, 90 / total) if rows > 1 else 0.2,
    )
    for i, name in enumerate(names):
        pts = series[name]
        fig.add_trace(
            go.Scatter(
                x=[q for q, _ in pts],
                y=[_num(v) for _, v in pts],
                mode="lines+markers",
                name=str(name),
                line=dict(color=DARK_BLUE),
                marker=dict(size=6),
            ),
            row=i // columns + 1,
            col=i % columns + 1,
        )
    if all_q:
        fig.update_xaxes(
            type="category",
            categoryorder="array",
            categoryarray=quarter_axis(all_q[0], all_q[-1]),
            nticks=4,
        )
    fig.update_annotations(font_size=12)
    fig = _layout(fig, title=title, unit=unit, height=total, legend=False)
    return fig


def _wrap(text: str, width: int = 26) -> str:
    """A title on lines of at most ``width`` characters (plotly does not wrap)."""
    import textwrap

    return "<br>".join(textwrap.wrap(text, width)) or text


class FrozenFigure(go.Figure):
    """A finished figure shown on many reruns: its ``to_dict()`` and its JSON are worked
    out once and shared. st.plotly_chart calls plotly.io.to_json on every rerun, which
    deep-copies every value and encodes it again (for a map, every boundary coordinate:
    about 1.3 ms). Make one with ``frozen(fig)`` after the last change; change it no
    more, and never change what to_dict() returns. ``alt``: its text alternative (a
    summary metrics.chart_text makes from the figure, unless the builder gave one)."""

    _alt = ""

    @property
    def alt(self) -> str:
        return self._alt

    def to_dict(self):
        if self._frozen is None:
            self._frozen = FrozenDict(super().to_dict())
        return self._frozen


class FrozenDict(dict):
    """What FrozenFigure.to_dict() returns (st.plotly_chart encodes that dict, not the
    figure): a dict that keeps its JSON once encoded (``frozen_json``)."""

    __slots__ = ("json",)
    json: str | None


def frozen(fig: go.Figure, alt: str | None = None, what: str | None = None) -> FrozenFigure:
    """``fig`` as a FrozenFigure (its values are not validated again), with ``alt`` as
    its text alternative (default: metrics.chart_text.describe of the figure, which says
    what it shows with ``what`` or else the figure's title)."""
    from metrics.chart_text import describe

    out = FrozenFigure(fig.to_dict(), _validate=False)
    out._frozen = None
    out.to_dict().json = None
    out._alt = alt or describe(fig, what)
    return out


def frozen_json(spec: FrozenDict) -> str:
    """The JSON of a frozen figure's dict, as ``plotly.io.to_json(spec, validate=False)``
    gives it (plotly's own encoder), worked out on the first call and kept in ``spec``.
    Nothing here changes plotly: ui.plotly_json hands this string to st.plotly_chart."""
    if getattr(spec, "json", None) is None:
        from plotly.io.json import to_json  # plotly's encoder, never a replacement

        spec.json = to_json(spec, validate=False)
    return spec.json or ""


def _quarter(v) -> str | None:
    return v if isinstance(v, str) and v else None


def _num(v) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f
