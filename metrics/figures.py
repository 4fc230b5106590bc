"""The small set of plotly figure builders every page uses.

Builders take plain values (lists, a summary row as a dict, a DataFrame) and return a
``plotly.graph_objects.Figure``; they never read the database. Every series is
distinguishable without colour: line dash, marker symbol and a name in the legend or
an annotation beside it. Colours are the Okabe-Ito colour-blind-safe palette.

- ``trajectory``: baseline, straight path to the target, actual series, projection to
  the deadline, target marker (the theme page, one per measure).
- ``sparkline``: a tiny actual series (the overview cards).
- ``breakdown``: one bar per group, sorted, with the target marked (theme page).
- ``lines``: a generic line chart or small multiples (one line per group).
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import plotly.graph_objects as go

# Okabe-Ito (colour-blind safe). Names say what each colour is used for.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#6B6B6B"
PALETTE = [BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, BLACK, GREY]

FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=14, color="#1F1F1F")

UNIT_AXIS = {
    "percent": "%",
    "count": "count",
    "score": "score (1 to 5)",
    "milestone": "achieved (1) or not yet (0)",
}


def unit_label(unit: str) -> str:
    """The axis or column label of a unit: 'percent' -> '%'."""
    return UNIT_AXIS.get(unit, unit or "")


def format_value(value, unit: str, digits: int | None = None) -> str:
    """A value for people, with its unit: 33.0 percent -> '33%', 4 count -> '4'."""
    if value is None or (isinstance(value, float) and value != value):
        return "no data"
    if unit == "milestone":
        return "achieved" if value >= 1 else "not yet"
    if digits is None:
        digits = 1 if unit in ("percent", "score") else 0
        if unit == "count" and float(value) != int(value):
            digits = 1
    text = f"{float(value):,.{digits}f}"
    return text + ("%" if unit == "percent" else "")


def _layout(fig: go.Figure, *, title: str | None, unit: str, height: int,
            legend: bool = True) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=16)) if title else None,
        font=FONT,
        height=height,
        margin=dict(l=10, r=10, t=50 if title else 10, b=10),
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=legend,
        legend=dict(orientation="h", yanchor="top", y=-0.18, x=0, xanchor="left",
                    font=dict(size=13)),
        hoverlabel=dict(font=dict(size=13)),
    )
    fig.update_yaxes(title_text=unit_label(unit), gridcolor="#E5E5E5", zeroline=True,
                     zerolinecolor="#BDBDBD", ticksuffix="%" if unit == "percent" else None)
    fig.update_xaxes(gridcolor="#F0F0F0")
    return fig


def quarter_axis(first: str, last: str) -> list[str]:
    """Every quarter from first to last: the category order of a time axis."""
    from store.quarters import between

    return between(first, last) if first <= last else [first]


def trajectory(row: Mapping, actual: Sequence[tuple[str, float]], *,
               title: str | None = None, height: int = 380) -> go.Figure:
    """Baseline, straight path to the target, actual series, projection, target.

    ``row`` is one measure's summary row (keys: unit, baseline, baseline_quarter,
    target, deadline, projected_at_deadline, quarter); ``actual`` the (quarter, value)
    pairs of the measure's series, oldest first. Each trace is named so the chart reads
    without colour: path dashed, actual solid with dots, projection dotted, baseline a
    diamond, target a star.
    """
    unit = row.get("unit") or ""
    baseline_q, baseline = row.get("baseline_quarter"), _num(row.get("baseline"))
    deadline, target = row.get("deadline"), _num(row.get("target"))
    projected = _num(row.get("projected_at_deadline"))
    points = [(q, _num(v)) for q, v in actual if _num(v) is not None]
    quarters = [q for q, _ in points] + [q for q in (baseline_q, deadline) if q]
    fig = go.Figure()
    if quarters:
        axis = quarter_axis(min(quarters), max(quarters))
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=axis,
                         range=[-0.5, len(axis) - 0.5], nticks=12, tickangle=0)
    if baseline is not None and target is not None and baseline_q and deadline:
        fig.add_trace(go.Scatter(
            x=[baseline_q, deadline], y=[baseline, target], mode="lines",
            name="Straight path to target", line=dict(color=GREY, dash="dash", width=2),
            hovertemplate="Path to target %{x}: %{y}<extra></extra>"))
    if points:
        fig.add_trace(go.Scatter(
            x=[q for q, _ in points], y=[v for _, v in points], mode="lines+markers",
            name="Actual", line=dict(color=BLUE, width=3),
            marker=dict(symbol="circle", size=8, color=BLUE),
            hovertemplate="Actual %{x}: %{y}<extra></extra>"))
    if points and projected is not None and deadline and points[-1][0] < deadline:
        last_q, last_v = points[-1]
        fig.add_trace(go.Scatter(
            x=[last_q, deadline], y=[last_v, projected], mode="lines+markers",
            name=f"Projection to {deadline} at recent pace",
            line=dict(color=VERMILLION, dash="dot", width=3),
            marker=dict(symbol=["circle-open", "triangle-up"], size=[1, 11], color=VERMILLION),
            hovertemplate="Projection %{x}: %{y}<extra></extra>"))
        fig.add_annotation(x=deadline, y=projected, text=f"projected {format_value(projected, unit)}",
                           showarrow=False, xanchor="right", yanchor="top", yshift=-8,
                           font=dict(color=VERMILLION, size=13))
    if baseline is not None and baseline_q:
        fig.add_trace(go.Scatter(
            x=[baseline_q], y=[baseline], mode="markers", name=f"Baseline {baseline_q}",
            marker=dict(symbol="diamond", size=12, color=BLACK),
            hovertemplate="Baseline %{x}: %{y}<extra></extra>"))
        fig.add_annotation(x=baseline_q, y=baseline, text=f"baseline {format_value(baseline, unit)}",
                           showarrow=False, xanchor="left", yanchor="bottom", yshift=8,
                           font=dict(size=13))
    if target is not None and deadline:
        fig.add_trace(go.Scatter(
            x=[deadline], y=[target], mode="markers", name=f"Target {deadline}",
            marker=dict(symbol="star", size=16, color=GREEN, line=dict(color=BLACK, width=1)),
            hovertemplate="Target %{x}: %{y}<extra></extra>"))
        fig.add_annotation(x=deadline, y=target, text=f"target {format_value(target, unit)}",
                           showarrow=False, xanchor="right", yanchor="bottom", yshift=10,
                           font=dict(color=BLACK, size=13))
    return _layout(fig, title=title, unit=unit, height=height)


def sparkline(values: Sequence[float], *, unit: str = "", height: int = 60) -> go.Figure:
    """A tiny line with the last value marked; no axes, no legend."""
    ys = [_num(v) for v in values]
    xs = list(range(len(ys)))
    fig = go.Figure(go.Scatter(
        x=xs, y=ys, mode="lines", line=dict(color=BLUE, width=2), hoverinfo="skip",
        connectgaps=True))
    if ys and ys[-1] is not None:
        fig.add_trace(go.Scatter(x=[xs[-1]], y=[ys[-1]], mode="markers",
                                 marker=dict(color=BLUE, size=6), hoverinfo="skip"))
    fig.update_layout(height=height, margin=dict(l=2, r=2, t=2, b=2), showlegend=False,
                      plot_bgcolor="white", paper_bgcolor="white")
    fig.update_xaxes(visible=False, fixedrange=True)
    fig.update_yaxes(visible=False, fixedrange=True)
    return fig


def breakdown(groups: Sequence[str], values: Sequence[float], *, unit: str,
              target: float | None = None, title: str | None = None,
              target_label: str = "Target", height: int | None = None) -> go.Figure:
    """One horizontal bar per group, largest at the top, with the target as a dashed line.

    Groups without a value are listed at the bottom as "no data" so they are not lost.
    """
    pairs = [(g, _num(v)) for g, v in zip(groups, values)]
    with_data = sorted([p for p in pairs if p[1] is not None], key=lambda p: p[1])
    without = sorted([p for p in pairs if p[1] is None], key=lambda p: str(p[0]), reverse=True)
    ordered = without + with_data   # plotly draws the first bar at the bottom
    labels = [str(g) for g, _ in ordered]
    ys = [v if v is not None else 0 for _, v in ordered]
    text = [format_value(v, unit) for _, v in ordered]
    fig = go.Figure(go.Bar(
        x=ys, y=labels, orientation="h", marker=dict(color=BLUE), name="Value",
        text=text, textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>"))
    if target is not None:
        fig.add_vline(x=target, line=dict(color=BLACK, dash="dash", width=2))
        fig.add_annotation(x=target, y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"{target_label} {format_value(target, unit)}",
                           font=dict(size=13))
    fig = _layout(fig, title=title, unit=unit, height=height or max(220, 60 + 28 * len(labels)),
                  legend=False)
    fig.update_yaxes(title_text=None, ticksuffix=None, automargin=True)
    fig.update_xaxes(title_text=unit_label(unit), ticksuffix="%" if unit == "percent" else None)
    top = max([v for v in ys] + ([target] if target is not None else []) + [0])
    fig.update_xaxes(range=[0, top * 1.2 if top > 0 else 1])
    if target is not None:
        fig.update_layout(margin=dict(t=(50 if title else 10) + 20))
    return fig


def lines(series: Mapping[str, Sequence[tuple[str, float]]], *, unit: str,
          title: str | None = None, height: int = 360, small_multiples: bool = False,
          columns: int = 3) -> go.Figure:
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
            fig.add_trace(go.Scatter(
                x=[q for q, _ in pts], y=[_num(v) for _, v in pts], mode="lines+markers",
                name=str(name), line=dict(color=PALETTE[i % len(PALETTE)], dash=dashes[i % len(dashes)]),
                marker=dict(symbol=symbols[i % len(symbols)], size=7)))
        if all_q:
            fig.update_xaxes(type="category", categoryorder="array",
                             categoryarray=quarter_axis(all_q[0], all_q[-1]))
        return _layout(fig, title=title, unit=unit, height=height)
    from plotly.subplots import make_subplots

    rows = (len(names) + columns - 1) // columns
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=[str(n) for n in names],
                        shared_yaxes=True, vertical_spacing=0.12 if rows > 1 else 0.2)
    for i, name in enumerate(names):
        pts = series[name]
        fig.add_trace(go.Scatter(
            x=[q for q, _ in pts], y=[_num(v) for _, v in pts], mode="lines+markers",
            name=str(name), line=dict(color=BLUE), marker=dict(size=6)),
            row=i // columns + 1, col=i % columns + 1)
    if all_q:
        fig.update_xaxes(type="category", categoryorder="array",
                         categoryarray=quarter_axis(all_q[0], all_q[-1]), nticks=4)
    fig = _layout(fig, title=title, unit=unit, height=max(height, 220 * rows), legend=False)
    return fig


def _num(v) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def trace_names(fig: go.Figure) -> list[str]:
    """The names of a figure's traces (tests and the table view use them)."""
    return [t.name for t in fig.data if t.name]


def as_rows(pairs: Iterable[tuple[str, float]]) -> list[dict]:
    return [{"quarter": q, "value": v} for q, v in pairs]
