"""What a downloaded table says about itself: its measure, quarter, scope, source and the
demo flag (metrics.export.Notes), its values rounded as on screen and its units in the
headers. Every page's CSV/Excel download is a ``Download`` made here. Pure but for
``demo_loaded`` (one query).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from metrics import config as mconfig
from metrics import export, figures, methods
from store import batches

# The return a method's figures come from (its query's source table).
RETURNS = {
    "survey": "the councils' quarterly survey returns",
    "workforce": "the councils' quarterly workforce returns",
    "exchanges": "the data exchange returns (one record per exchange)",
    "placements": "the placement returns (one record per placement)",
    "milestones": "the milestone returns (one record per milestone)",
}
TRACKER = "Blueprint Tracker"
ROUNDING = {
    "percent": "percentages (%), to one decimal place as on screen",
    "score": "scores (1 to 5), to two decimal places as on screen",
    "count": "counts (a point on a path to two decimal places), as on screen",
    "milestone": "milestones: 1 achieved, 0 not yet",
}


@dataclass(frozen=True)
class Download:
    """A table ready to leave as CSV and Excel: ``name`` is the file name without its
    extension; ``notes`` the title block / Notes sheet."""

    table: pd.DataFrame
    name: str
    notes: export.Notes


def demo_loaded(con: Any) -> bool:
    return batches.demo_loaded(con)


def source_of(m: mconfig.Measure) -> str:
    """'Blueprint Tracker: the councils' quarterly survey returns, as uploaded; computed
    as the Methodology page sets out (metrics/targets.toml)'."""
    method = methods.METHODS.get(m.method)
    table = getattr(getattr(method, "query", None), "__name__", "")
    what = RETURNS.get(table, "the forum's quarterly returns")
    return (
        f"{TRACKER}: {what}, as uploaded; computed as the Methodology page sets out "
        f"(measure {m.id} in metrics/targets.toml)"
    )


def values_text(unit: str) -> str:
    return ROUNDING.get(unit, "as on screen")


def measure_notes(
    m: mconfig.Measure, quarter: str, scope: str, title: str, *, demo: bool
) -> export.Notes:
    return export.Notes(
        title=title,
        measure=m.title,
        quarter=quarter,
        scope=scope,
        source=source_of(m),
        demo=demo,
        values=values_text(m.unit),
    )


def rounded_table(table: pd.DataFrame, units: dict[str, str]) -> pd.DataFrame:
    """``table`` with the columns named in ``units`` (column -> unit) rounded as on screen."""
    out = table.copy()
    for column, unit in units.items():
        if column in out.columns:
            out[column] = export.round_column(out[column], unit).set_axis(out.index)
    return out


def unit_header(name: str, unit: str, relative: bool = False) -> str:
    """'value' -> 'value (%)'; a relative change: 'value (% change on the baseline)'."""
    return f"{name} ({figures.unit_label(unit, relative=relative)})"
