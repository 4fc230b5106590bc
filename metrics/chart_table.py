"""The table view of any chart: one row per plotted point, read from the figure itself
(moved out of metrics.figures)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics.figures import _num, unit_label


def chart_table(fig: go.Figure, *, unit: str = "") -> pd.DataFrame:
    """The table view of a chart: one row per plotted point (series, x, value), read from
    the figure itself so the table always shows exactly what the chart shows."""
    import pandas as pd

    rows = []
    for trace in fig.data:
        name = trace.name or ""
        horizontal = getattr(trace, "orientation", None) == "h"
        xs, ys = list(trace.x or []), list(trace.y or [])
        for x, y in zip(xs, ys):
            where, value = (y, x) if horizontal else (x, y)
            rows.append({"series": name, "quarter or group": where, "value": _num(value)})
    table = pd.DataFrame(rows, columns=["series", "quarter or group", "value"])
    if unit:
        table = table.rename(columns={"value": f"value ({unit_label(unit)})"})
    return table


# ---------------------------------------------------------------- added by H4b (coverage page)
