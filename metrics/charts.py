"""Chart builders beside the trajectory (metrics.figures has the palette, the layout and
the axes they share): the sparkline, the breakdown bars, line charts and small
multiples, the coverage heatmap, and the table view of any chart.

They follow the same rules as metrics.figures: a rate from zero, a score on its whole
scale, a count from zero in whole numbers; a quarter without data is a gap, never 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from metrics.figures import (
    DARK_BLUE,
    HEAT,
    PALETTE,
    TEMPLATE,
    TEXT,
    count_dtick,
    data_span,
    layout,
    on_axis,
    quarter_axis,
    target_value,
    time_axis,
    unit_label,
    value_axis,
    value_label,
    value_range,
    wrap,
)
from metrics.progress import number_or_none

if TYPE_CHECKING:
    import pandas as pd

NOT_REPORTED = "not reported"


def sparkline(values: Sequence[float | None], *, unit: str = "", height: int = 60) -> go.Figure:
    """A tiny line with the last value marked; no axes, no legend. A quarter without data
    is a gap (a lone quarter a dot). Built in one pass (a dozen sit on the overview, so
    each must be cheap)."""
    ys = [number_or_none(v) for v in values]
    while ys and ys[0] is None:  # start at the first quarter with data
        ys.pop(0)
    xs = list(range(len(ys)))
    data = [
        dict(
            type="scatter",
            x=xs,
            y=ys,
            mode="lines+markers",
            line=dict(color=DARK_BLUE, width=2),
            marker=dict(color=DARK_BLUE, size=3),
            hoverinfo="skip",
            connectgaps=False,
        )
    ]
    if ys and ys[-1] is not None:
        data.append(
            dict(
                type="scatter",
                x=[xs[-1]],
                y=[ys[-1]],
                mode="markers",
                marker=dict(color=DARK_BLUE, size=6),
                hoverinfo="skip",
            )
        )
    axis: dict[str, object] = dict(visible=False, fixedrange=True)
    yaxis = dict(axis)
    r = value_range(unit, ys)
    if r is not None:
        yaxis["range"] = r  # a rate from 0, a score on its scale: no invented drama
    return go.Figure(
        dict(
            data=data,
            layout=dict(
                template=TEMPLATE,
                height=height,
                margin=dict(l=2, r=2, t=2, b=2),
                showlegend=False,
                plot_bgcolor="white",
                paper_bgcolor="white",
                xaxis=axis,
                yaxis=yaxis,
            ),
        )
    )


def breakdown(
    groups: Sequence[str],
    values: Sequence[float | None],
    *,
    unit: str,
    target: float | Sequence[float | None] | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    target_label: str = "Target",
    height: int | None = None,
    relative: bool = False,
) -> go.Figure:
    """One horizontal bar per group, largest at the top, with the target marked.

    ``target``: one number (a dashed line across all bars) or one per group (a dark
    diamond on each bar, named "Group target"). Groups without a value are listed at the
    bottom with the text "no data" so they are not lost. The value axis starts at zero.
    """
    targets: list[float | None] = [None] * len(groups)
    single: float | None = None
    if target is None or isinstance(target, (int, float)):
        per_group, single = False, target
    else:
        per_group, targets = True, list(target)
    rows = [
        (str(g), number_or_none(v), number_or_none(t)) for g, v, t in zip(groups, values, targets)
    ]
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
            text=[value_label(v, unit, relative) if v is not None else "no data" for v in xs],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    top = max([x for x in xs if x is not None] + [0])
    low = min([x for x in xs if x is not None] + [0])
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
            text=f"{target_label} {target_value(single, unit, relative)}",
            font=dict(size=13),
        )
        top = max(top, float(single))
    fig = layout(
        fig,
        title=title,
        unit=unit,
        height=height or max(220, 90 + 30 * len(labels)),
        legend=per_group,
        subtitle=subtitle,
        relative=relative,
    )
    fig.update_yaxes(title_text=None, ticksuffix=None, automargin=True, showgrid=False)
    hi = top * 1.25 if top > 0 else 1
    lo = low * 1.25 if low < 0 else 0
    if unit == "percent" and not relative and top <= 100:
        hi = min(hi, 125)  # room for the labels beyond 100%
    fig.update_xaxes(
        title_text=unit_label(unit, relative=relative),
        ticksuffix="%" if unit == "percent" else None,
        range=[lo, hi],
        dtick=count_dtick(hi) if unit == "count" else None,
        zeroline=True,
        zerolinecolor="#BDBDBD",
    )
    if target is not None and not per_group:
        fig.update_layout(margin=dict(t=fig.layout.margin.t + 24))
    return fig


# ---------------------------------------------------------------- line charts

DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon"]


def lines(
    series: Mapping[str, Sequence[tuple[str, float | None]]],
    *,
    unit: str,
    title: str | None = None,
    subtitle: str | None = None,
    height: int = 360,
    small_multiples: bool = False,
    columns: int = 3,
    panel_height: int = 220,
    bounds: tuple[float | None, float | None] = (None, None),
    relative: bool = False,
) -> go.Figure:
    """One line per named series of (quarter, value); or small multiples, one panel each.

    Every line runs on one axis of quarters from the first to the last with data; a
    quarter a series has no data for is a gap in its line, never 0. The value axis
    follows the unit (a rate from 0, a score on its whole scale, a count from 0); small
    multiples share it, so panels compare. Lines differ by dash and marker symbol as well
    as colour, and each is named in the legend (small multiples name each panel instead).
    """
    names = list(series)
    spans = [s for s in (data_span(series[n]) for n in names) if s]
    axis = quarter_axis(min(a for a, _ in spans), max(b for _, b in spans)) if spans else []
    values = [v for n in names for _, v in series[n]]
    if not small_multiples or len(names) <= 1:
        fig = go.Figure()
        for i, name in enumerate(names):
            fig.add_trace(
                go.Scatter(
                    x=axis,
                    y=on_axis(series[name], axis),
                    mode="lines+markers",
                    name=str(name),
                    line=dict(color=PALETTE[i % len(PALETTE)], dash=DASHES[i % len(DASHES)]),
                    marker=dict(symbol=SYMBOLS[i % len(SYMBOLS)], size=7),
                    connectgaps=False,
                )
            )
        fig = layout(
            fig, title=title, unit=unit, height=height, subtitle=subtitle, relative=relative
        )
        time_axis(fig, axis)
        value_axis(fig, unit, values, bounds=bounds, relative=relative)
        return fig
    from plotly.subplots import make_subplots

    rows = (len(names) + columns - 1) // columns
    titles = [wrap(str(n)) for n in names]
    lines = max(t.count("<br>") + 1 for t in titles)  # a panel title's lines (room above)
    head = 16 * lines + 8
    total = max(height, (panel_height + head) * rows)
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=titles,
        shared_yaxes=True,
        horizontal_spacing=0.06,
        vertical_spacing=min(0.3, (head + 50) / total) if rows > 1 else 0.2,
    )
    for i, name in enumerate(names):
        fig.add_trace(
            go.Scatter(
                x=axis,
                y=on_axis(series[name], axis),
                mode="lines+markers",
                name=str(name),
                line=dict(color=DARK_BLUE),
                marker=dict(size=6),
                connectgaps=False,
            ),
            row=i // columns + 1,
            col=i % columns + 1,
        )
    fig.update_annotations(font_size=12)
    fig = layout(
        fig,
        title=title,
        unit=unit,
        height=total,
        legend=False,
        subtitle=subtitle,
        relative=relative,
    )
    if not title:
        fig.update_layout(margin=dict(t=head + 4))
    time_axis(fig, axis, most=6)
    value_axis(fig, unit, values, bounds=bounds, relative=relative)
    return fig


def chart_table(fig: go.Figure, *, unit: str = "") -> pd.DataFrame:
    """The table view of a chart: one row per point on its axis (series, x, value, note),
    read from the figure itself so the table always shows exactly what the chart shows. A
    quarter without data has an empty value and the note "not reported" (never 0)."""
    import pandas as pd

    rows = []
    for trace in fig.data:
        name = trace.name or ""
        horizontal = getattr(trace, "orientation", None) == "h"
        xs, ys = list(trace.x or []), list(trace.y or [])
        for x, y in zip(xs, ys):
            where, value = (y, x) if horizontal else (x, y)
            value = None if number_or_none(value) is None else value  # a count stays whole
            note = NOT_REPORTED if value is None else ""
            rows.append({"series": name, "quarter or group": where, "value": value, "note": note})
    table = pd.DataFrame(rows, columns=["series", "quarter or group", "value", "note"])
    if unit:
        table = table.rename(columns={"value": f"value ({unit_label(unit)})"})
    return table


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    z: Sequence[Sequence[float]],
    text: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    colour_title: str = "% reporting",
    height: int | None = None,
) -> go.Figure:
    """A grid of percentages (0-100) with each cell's text written in it, so the numbers
    read without colour (coverage by region and quarter)."""
    fig = go.Figure(
        go.Heatmap(
            x=list(columns),
            y=list(rows),
            z=[list(r) for r in z],
            text=[list(r) for r in text],
            texttemplate="%{text}",
            textfont=dict(size=12, color=TEXT),
            zmin=0,
            zmax=100,
            colorscale=HEAT,
            xgap=2,
            ygap=2,
            colorbar=dict(title=dict(text=colour_title), ticksuffix="%", thickness=12),
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        )
    )
    fig = layout(
        fig, title=title, unit="", height=height or max(260, 70 + 42 * len(rows)), legend=False
    )
    fig.update_yaxes(title_text=None, autorange="reversed", automargin=True, gridcolor=None)
    fig.update_xaxes(type="category", title_text=None, tickangle=0)
    return fig
