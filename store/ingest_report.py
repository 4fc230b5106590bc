"""What a check or a load of an upload says (Report): its problems, the rows it adds and
replaces per quarter and region, the batch it became or the identical batch already
loaded, and one line for people."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from store.problems import Problem

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
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

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
        if self.duplicate_of is not None and self.batch_id is None and not self.dry_run:
            return (
                f"{name} is identical to batch {self.duplicate_of}, already loaded: "
                "nothing was written."
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
