"""Tables leaving the tracker as CSV or Excel: safe to open in a spreadsheet, whatever an
upload held.

- Formulas: a text cell that a spreadsheet would run as a formula (=, +, -, @ first, after
  anything invisible: spaces of any kind, tabs, line breaks, control and format
  characters) gets an apostrophe in front; so does every such item of a ';'-separated
  list (a spreadsheet set to ';' as its delimiter makes each item a cell of its own). A
  sign followed by a plain number ("-5", "+1.5%") is a number, and is left alone. The rule
  is the one uploads are checked with (store.validate.formula_like).
- Characters a workbook cannot hold (the control characters below U+0020 other than tab,
  line feed and carriage return; U+FFFE and U+FFFF) are shown as their Unicode control
  pictures (a vertical tab becomes ␋), in the CSV as in the Excel file, so the two agree
  and neither download fails.
- Lists (a list column read from the database) become '; '-joined text.
- Column names get the same treatment as cells. Numbers are left as numbers.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from store.validate import formula_like

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


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_safe)
    out.columns = [safe_text(c) if isinstance(c, str) else c for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows £ and accents correctly."""
    return neutralise(df).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "data") -> bytes:
    buf = io.BytesIO()
    name = _SHEET_CHARS.sub("_", safe_text(str(sheet))).strip("'")[:31] or "data"
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        neutralise(df).to_excel(writer, sheet_name=name, index=False)
    return buf.getvalue()
