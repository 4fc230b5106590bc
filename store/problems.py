"""A problem found in an upload (Problem: severity, spreadsheet row, column, value, what
was expected), how many are listed (MAX_LISTED), and the helpers every check reports its
problems with (one query's rows as problems; values shown short)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_LISTED = 200  # problems listed in a report; the rest are counted


@dataclass
class Problem:
    severity: str  # 'error' or 'warning'
    row: int | None  # spreadsheet row (header = 1); None = the whole file
    column: str | None
    value: str | None
    message: str  # what was expected

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        if self.column:
            where += f", column {self.column}"
        val = f" value '{self.value}':" if self.value not in (None, "") else ""
        return f"{self.severity}: {where}:{val} {self.message}"


def _collect(con, sql: str, params, make) -> list[tuple[int, Problem]]:
    """Run a check returning (_row, value, n_total, ...) ordered by row; build problems.
    The first row stands for every match beyond the listed ones."""
    out = []
    rows = con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall()
    for r in rows:
        out.append((1, make(r)))
    if rows:
        total = rows[0][2]
        if total > len(rows):
            n, first = out[0]
            out[0] = (n + total - len(rows), first)
    return out


def _num(v) -> str:
    """A stored number for people: 100.0 -> '100', 1234567.5 -> '1234567.5'."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


_SHOWN = 1000  # characters of a refused cell fetched to report it (it is shown shorter: _short)


def _short(v) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s if len(s) <= 80 else s[:77] + "..."
