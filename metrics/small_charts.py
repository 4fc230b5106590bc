"""Small charts: a card's sparkline and the coverage heatmap (moved out of
metrics.figures, which keeps the trajectory, breakdown and line charts)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from metrics.figures import DARK_BLUE, HEAT, TEMPLATE, TEXT, _layout, _num


def sparkline(values: Sequence[float], *, unit: str = "", height: int = 60) -> go.Figure:
    """A tiny line with the last value marked; no axes, no legend. Built in one pass
    (a dozen sit on the overview, so each must be cheap)."""
    ys = [_num(v) for v in values]
    xs = list(range(len(ys)))
    data = [
        dict(
            type="scatter",
            x=xs,
            y=ys,
            mode="lines",
            line=dict(color=DARK_BLUE, width=2),
            hoverinfo="skip",
            connectgaps=True,
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
    axis = dict(visible=False, fixedrange=True)
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
                yaxis=axis,
            ),
        )
    )


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
    fig = _layout(
        fig, title=title, unit="", height=height or max(260, 70 + 42 * len(rows)), legend=False
    )
    fig.update_yaxes(title_text=None, autorange="reversed", automargin=True, gridcolor=None)
    fig.update_xaxes(type="category", title_text=None, tickangle=0)
    return fig
