"""Tables leaving the tracker as CSV or Excel: safe to open in a spreadsheet, whatever an
upload held.

- Formulas: a text cell that a spreadsheet would run as a formula (=, +, -, @ first, after
  anything invisible: spaces of any kind, tabs, line breaks, control and format
  characters) gets an apostrophe in front; so does every such item of a ';'-separated
  list (a spreadsheet set to ';' as its delimiter makes each item a cell of its own). A
  sign followed by a plain number ("-5", "+1.5%") is a number, and is left alone. The rule
  is the one uploads are checked with (store.unsafe.formula_like).
- Characters a workbook cannot hold (the control characters below U+0020 other than tab,
  line feed and carriage return; U+FFFE and U+FFFF) are shown as their Unicode control
  pictures (a vertical tab becomes ␋), in the CSV as in the Excel file, so the two agree
  and neither download fails.
- Lists (a list column read from the database) become '; '-joined text.
- Column names get the same treatment as cells. Numbers are left as numbers.

A table can carry ``Notes`` (what it is: the measure, the quarter, the scope, the source
and whether the figures are demo data). In a CSV file they are a title block of
``item,value`` rows above the table's header, then one empty row; in an Excel file, a
sheet named "Notes" after the data sheet. ``rounded`` / ``round_column`` round values as
the screen shows them (metrics.progress.format_value): percentages to one decimal place,
scores to two, counts whole (two places for a fraction, such as a path's point).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from store.unsafe import formula_like

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _picture(m: re.Match) -> str:
    c = ord(m.group(0))
    return chr(0x2400 + c) if c < 0x20 else "\ufffd"


def safe_text(value: str) -> str:
    """One text cell made safe: characters a workbook cannot hold shown as pictures, and
    an apostrophe before the cell, or before each ';' item, that would be a formula."""
    text = _ILLEGAL.sub(_picture, value)
    if not formula_like(text):
        return text
    items = text.split(";")
    return ";".join("'" + item if formula_like(item, items=False) else item for item in items)


def _safe(value):
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        return safe_text("; ".join("" if v is None else str(v) for v in value))
    return value


# Decimal places as on screen (metrics.progress.format_value).
DECIMALS = {"percent": 1, "score": 2, "count": 2, "milestone": 0}
DEMO_YES = "YES: generated demonstration figures, not real returns. Do not quote them."
DEMO_NO = "no: returns as uploaded by the forum's analysts"
NOTES_SHEET = "Notes"


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            # one value at a time, the column's type kept (map would turn 3 into 3.0)
            out[col] = pd.Series([_safe(v) for v in out[col]], index=out.index, dtype=object)
    # A header is a cell too.
    out.columns = [safe_text(c) if isinstance(c, str) else c for c in out.columns]
    return out


@dataclass(frozen=True)
class Notes:
    """What a downloaded table is (one row each in the title block / the Notes sheet)."""

    title: str  # 'Digital spend with SMEs: trajectory, England'
    measure: str  # the measure's title, or what the rows are ('Missing survey returns')
    quarter: str  # the quarter shown: '2026-Q3'
    scope: str  # 'England', 'by region', 'every council'
    source: str  # where the figures come from
    demo: bool  # demo data is loaded
    values: str = ""  # how the values are written: units and rounding
    more: tuple[tuple[str, str], ...] = field(default=())  # further (item, value) rows

    def rows(self) -> list[tuple[str, str]]:
        out = [
            ("Table", self.title),
            ("Measure", self.measure),
            ("Quarter", self.quarter),
            ("Scope", self.scope),
            ("Source", self.source),
            ("Demo data", DEMO_YES if self.demo else DEMO_NO),
        ]
        if self.values:
            out.append(("Values", self.values))
        return out + [(str(k), str(v)) for k, v in self.more]


def _notes_csv(notes: Notes) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for item, value in notes.rows():
        writer.writerow([_safe(item), _safe(value)])
    writer.writerow([])
    return buf.getvalue()


def to_csv_bytes(df: pd.DataFrame, notes: Notes | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows £ and accents correctly; the notes
    (if any) as a title block above the header."""
    head = _notes_csv(notes) if notes is not None else ""
    return (head + neutralise(df).to_csv(index=False)).encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "data", notes: Notes | None = None) -> bytes:
    """The table on ``sheet``; the notes (if any) on a second sheet named "Notes"."""
    buf = io.BytesIO()
    name = _SHEET_CHARS.sub("_", safe_text(str(sheet))).strip("'")[:31] or "data"
    if name == NOTES_SHEET:
        name = "data"
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        neutralise(df).to_excel(writer, sheet_name=name, index=False)
        if notes is not None:
            rows = pd.DataFrame(notes.rows(), columns=["Item", "Value"])
            neutralise(rows).to_excel(writer, sheet_name=NOTES_SHEET, index=False)
            ws = writer.sheets[NOTES_SHEET]
            ws.column_dimensions["A"].width = 14
            ws.column_dimensions["B"].width = 100
    return buf.getvalue()


# ---------------------------------------------------------------- values as on screen


def rounded(value: Any, unit: str) -> float | int | None:
    """``value`` rounded as the screen shows it in ``unit`` (None for no value); a whole
    count stays a whole number (3, not 3.0)."""
    if value is None or value is pd.NA or isinstance(value, str):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(v):
        return None
    r = round(v, DECIMALS.get(unit, 2))
    if unit in ("count", "milestone") and r.is_integer():
        return int(r)
    return r


def round_column(values: Iterable[Any], unit: str) -> pd.Series:
    """A column of values rounded as on screen (object dtype when whole counts and
    fractions mix, so 3 is written 3 and 2.27 is written 2.27)."""
    out = [rounded(v, unit) for v in values]
    if any(isinstance(v, int) for v in out) and not all(isinstance(v, int) for v in out):
        return pd.Series(out, dtype=object)
    return pd.Series(out, dtype="Int64" if out and all(isinstance(v, int) for v in out) else float)


def read_csv_notes(data: bytes) -> tuple[dict[str, str], pd.DataFrame]:
    """A CSV written by to_csv_bytes with notes, read back: ({item: value}, the table)."""
    text = data.decode("utf-8-sig")
    head, sep, body = text.partition("\n\n")
    if not sep:
        return {}, pd.read_csv(io.StringIO(text))
    notes = {row[0]: row[1] for row in csv.reader(io.StringIO(head)) if row}
    return notes, pd.read_csv(io.StringIO(body))
