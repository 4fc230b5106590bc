"""What a check or a load of an upload says (Report): its problems, the rows it adds and
replaces per quarter and region, the batch it became or the identical batch already
loaded (when, by whom), a dry run's preview (store.ingest_preview), and one line for
people. pandas only when a DataFrame is asked for: a load needs none."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from store.problems import Problem

if TYPE_CHECKING:  # (pandas only when a DataFrame is asked for: a load needs none)
    import pandas as pd

CHANGE_COLUMNS = ["quarter", "region_name", "rows_added", "rows_replaced"]


@dataclass
class Report:
    kind: str
    file_name: str
    sha256: str
    rows_in_file: int = 0
    problems: list[Problem] = field(default_factory=list)
    hidden: int = 0  # problems beyond the listed ones
    batch_id: int | None = None
    rows_added: int = 0
    rows_replaced: int = 0
    duplicate_of: int | None = None
    # what the file changes: (quarter, region_name, rows_added, rows_replaced) per row
    change_rows: list[tuple] = field(default_factory=list)
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)
    # the identical batch already loaded: when and by whom (with duplicate_of)
    duplicate_loaded_at: _dt.datetime | None = None
    duplicate_loaded_by: str | None = None
    # A dry run's preview: the first rows as parsed (row = the spreadsheet's), and, for
    # the first stored rows the file replaces, each value that changes: row, key,
    # column, stored, new (a stored row with no row of the same key in the file: its key
    # column with new "(not in the file: removed)").
    sample: pd.DataFrame | None = None
    comparison: pd.DataFrame | None = None
    compared: int = 0  # replaced rows the comparison looked at (the first, by key)
    unchanged: int = 0  # ... of which the file repeats unchanged

    @property
    def changes(self) -> pd.DataFrame:
        """change_rows as a DataFrame (columns CHANGE_COLUMNS)."""
        import pandas as pd

        return pd.DataFrame(self.change_rows, columns=CHANGE_COLUMNS)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """One line for people."""
        name = self.file_name
        if self.duplicate_of is not None and self.batch_id is None:
            when = (
                f", loaded on {self.duplicate_loaded_at:%Y-%m-%d %H:%M}"
                if self.duplicate_loaded_at
                else ""
            )
            who = f" by {self.duplicate_loaded_by}" if self.duplicate_loaded_by else ""
            return (
                f"{name} is identical to batch {self.duplicate_of}{when}{who}: nothing to load"
                + ("." if self.dry_run else "; nothing was written.")
            )
        if not self.ok:
            more = f" (and {self.hidden:,} more problems not listed)" if self.hidden else ""
            return f"{name} was refused: {_plural(len(self.errors), 'error')}{more}; nothing was written."
        warn = f" with {_plural(len(self.warnings), 'warning')}" if self.warnings else ""
        counts = (
            f"{_plural(self.rows_added, 'row')}, replacing "
            f"{_plural(self.rows_replaced, 'stored row')}"
        )
        if self.batch_id is None:
            return f"{name} is valid{warn}: loading it would write {counts}. Nothing was written."
        return (
            f"Batch {self.batch_id}: {name} loaded{warn}: {counts} (the replaced rows are "
            "kept, so the batch can be rolled back)."
        )


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"
