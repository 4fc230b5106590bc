"""What every reader of an upload fills and raises: the staging table ``_stage_raw``
and its view ``_stage`` (names), Staged (what was read: format, headers, header row),
ReadError, the default staging query, and the check that a staging query keeps the
file's order (the spreadsheet row of a record is its rowid + 1)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from store.errors import StoreError

STAGE = "_stage"  # the view validation reads
_RAW = "_stage_raw"  # the table behind it


class ReadError(StoreError):
    """The file cannot be read as a table at all; the message says why and what to do."""


@dataclass
class Staged:
    file_format: str  # 'csv' or 'xlsx'
    headers: list[str]  # the header cells as written
    keys: list[str]  # header_key of each
    header_row: int  # spreadsheet row of the header
    encoding: str = "utf-8"
    delimiter: str = ","
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)  # e.g. "read as Windows-1252"

    def column_of(self, key: str) -> str | None:
        """The file column (c<i>) holding the header ``key``, or None."""
        for i, k in enumerate(self.keys):
            if k == key:
                return f"c{i}"
        return None


def keep_text(source: str) -> str:
    """The default staging query: every column's text as read."""
    return "SELECT * FROM " + source


# Operators that keep the order of their input (the staging plan may use only these).
_IN_ORDER = {
    "CREATE_TABLE_AS",
    "BATCH_CREATE_TABLE_AS",
    "PROJECTION",
    "FILTER",
    "READ_CSV",
    "TABLE_SCAN",
    "SEQ_SCAN",
    "PANDAS_SCAN",
    "ARROW_SCAN",
    "PYTHON_SCAN",
    "DUMMY_SCAN",
}


def _in_file_order(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> None:
    """The spreadsheet row of a record is its rowid + 1, so the staging query must keep
    the file's order: a plan of scans, projections and filters only (DuckDB turns an IN
    list into a join, which reorders rows). A programming error otherwise."""
    import json

    if sql in _ORDER_CHECKED:
        return
    text = con.execute("EXPLAIN (FORMAT json) " + sql, params).fetchall()[-1][-1]
    names: list[str] = []

    def walk(node):
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            names.append(str(node.get("name", "")))
            walk(node.get("children", []))

    walk(json.loads(text))
    bad = sorted({n for n in names if n not in _IN_ORDER})
    if bad:
        raise RuntimeError(
            f"store.read: the staging query would reorder rows ({', '.join(bad)} "
            "in its plan); use list_position instead of IN / list_contains"
        )
    if len(_ORDER_CHECKED) < 512:
        _ORDER_CHECKED.add(sql)


_ORDER_CHECKED: set[str] = (
    set()
)  # staging queries whose plan was checked (the same per kind and header)


def _first_line(msg: str) -> str:
    lines = [ln for ln in msg.strip().splitlines() if ln.strip()]
    first = lines[0] if lines else "unknown error"
    first = re.sub(r"^[A-Za-z ]*Error: ", "", first)
    return first if len(first) <= 200 else first[:197] + "..."
