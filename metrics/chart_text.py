"""Text alternatives of charts and maps, generated from the figure itself so they always
say what the picture shows (WCAG 1.1.1). ``figures.frozen`` gives every finished figure
one (``.alt``); st.plotly_chart shows it as the chart's accessible name. A view-model
can give a better one (the status sentence of a measure) instead.

    describe(fig)  ->  'Chart: Data maturity (score). Actual: 2.4 in 2025-Q2 to 2.82 in
                        2026-Q3. Baseline 2025-Q2: 2.4.'

Every chart keeps its table one click away (a Table tab or a Numbers expander) or beside
it (the map's ranking): this is the short version, not the only one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MAX_LINES = 6  # more series than this are summarised (highest and lowest last value)


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _fmt(v: float, suffix: str = "") -> str:
    text = f"{v:,.0f}" if float(v).is_integer() else f"{v:,.3g}" if abs(v) < 10 else f"{v:,.1f}"
    return text + suffix


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _title(fig: Any) -> str:
    title = fig.layout.title.text if fig.layout.title else None
    return str(title).replace("<br>", " ") if title else ""


def _suffix(axis: Any) -> str:
    return "%" if axis is not None and axis.ticksuffix == "%" else ""


def _points(trace: Any) -> list[tuple[str, float]]:
    """(quarter or group, value) of each point that has a value."""
    horizontal = getattr(trace, "orientation", None) == "h"
    xs, ys = list(trace.x or []), list(trace.y or [])
    where, values = (ys, xs) if horizontal else (xs, ys)
    return [(str(w), v) for w, v in zip(where, map(_num, values)) if v is not None]


def _line(name: str, points: Sequence[tuple[str, float]], suffix: str) -> str:
    if len(points) == 1:
        return f"{name}: {_fmt(points[0][1], suffix)} in {points[0][0]}"
    (q0, v0), (q1, v1) = points[0], points[-1]
    return f"{name}: {_fmt(v0, suffix)} in {q0} to {_fmt(v1, suffix)} in {q1}"


def _lines(fig: Any, suffix: str) -> list[str]:
    named = [(str(t.name or "Values"), _points(t)) for t in fig.data if t.type == "scatter"]
    named = [(n, p) for n, p in named if p]
    if len(named) <= MAX_LINES:
        return [_line(n, p, suffix) for n, p in named]
    last = sorted(((n, p[-1]) for n, p in named), key=lambda item: item[1][1])
    (low, (lq, lv)), (high, (hq, hv)) = last[0], last[-1]
    return [
        f"{len(named)} lines",
        f"highest latest value {high} ({_fmt(hv, suffix)} in {hq})",
        f"lowest latest value {low} ({_fmt(lv, suffix)} in {lq})",
    ]


def _bars(trace: Any, suffix: str) -> list[str]:
    points = sorted(_points(trace), key=lambda p: p[1])
    blank = len(trace.y or []) - len(points)
    if not points:
        return ["no group has a value"]
    out = [_count(len(points), "group"), f"highest {points[-1][0]} ({_fmt(points[-1][1], suffix)})"]
    if len(points) > 1:
        out.append(f"lowest {points[0][0]} ({_fmt(points[0][1], suffix)})")
    if blank:
        out.append(f"{blank} without data")
    return out


def _heatmap(trace: Any) -> list[str]:
    values = [_num(v) for row in (trace.z or []) for v in row]
    known = [v for v in values if v is not None]
    rows, columns = [str(r) for r in trace.y or []], [str(c) for c in trace.x or []]
    suffix = "%" if trace.colorbar and trace.colorbar.ticksuffix == "%" else ""
    shape = f"{len(rows)} rows ({', '.join(rows[:3])}{', ...' if len(rows) > 3 else ''})"
    if columns:
        shape += f" by {len(columns)} columns ({columns[0]} to {columns[-1]})"
    out = [shape]
    if known:
        out.append(f"values from {_fmt(min(known), suffix)} to {_fmt(max(known), suffix)}")
    return out


def _map(fig: Any) -> list[str]:
    """A classed map (metrics.maps): a trace per class, each area's label and value in
    its customdata; the no-data areas in a trace of their own (meta "no data")."""
    shown, blank = [], 0
    for trace in fig.data:
        custom = [c if isinstance(c, (list, tuple)) else [c] for c in trace.customdata or []]
        if trace.name == "no data" or trace.meta == "no data":
            blank += len(trace.locations or custom)
            continue
        labels = [str(c[0]) if c else "" for c in custom]
        values = [_num(c[1]) if len(c) > 1 else None for c in custom] or [
            _num(z) for z in trace.z or []
        ]
        names = list(trace.text or [])
        shown += [(v, n, lbl) for v, n, lbl in zip(values, names, labels) if v is not None]
    if not shown:
        return [f"no area has a value ({_count(blank, 'area')} without data)"]
    shown.sort(key=lambda s: s[0])
    out = [
        f"{_count(len(shown), 'area')} with a value",
        f"highest {shown[-1][1]} ({shown[-1][2]})",
        f"lowest {shown[0][1]} ({shown[0][2]})",
    ]
    if blank:
        out.append(f"{_count(blank, 'area')} without data, drawn light grey")
    return out


def describe(fig: Any, what: str | None = None) -> str:
    """A short text alternative of a plotly figure: what it is (``what``, else its
    title), then its values in words (each line from its first to its last point; bars,
    map areas and heatmaps by their highest and lowest)."""
    kinds = {t.type for t in fig.data}
    title = what or _title(fig)
    if not fig.data:
        return f"Chart: {title}. Nothing to draw." if title else "Empty chart."
    if kinds & {"choroplethmap", "choropleth"}:
        parts, noun = _map(fig), "Map"
    elif "heatmap" in kinds:
        parts, noun = _heatmap(next(t for t in fig.data if t.type == "heatmap")), "Heatmap"
    elif "bar" in kinds:
        bar = next(t for t in fig.data if t.type == "bar")
        horizontal = getattr(bar, "orientation", None) == "h"
        suffix = _suffix(fig.layout.xaxis if horizontal else fig.layout.yaxis)
        parts, noun = _bars(bar, suffix), "Bar chart"
    else:
        parts, noun = _lines(fig, _suffix(fig.layout.yaxis)), "Chart"
        if not title and len(fig.layout.annotations or ()) > 0 and len(parts) > 1:
            noun = "Small multiples"
    head = f"{noun}: {title}." if title else f"{noun}."
    return " ".join([head] + [p[0].upper() + p[1:] + "." for p in parts if p])
