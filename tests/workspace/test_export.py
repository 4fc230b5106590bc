"""metrics.export: every download survives any character an upload can hold, and no cell
of it runs as a formula in a spreadsheet (CSV and Excel)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from metrics import export
from store.unsafe import formula_like

# Every character below U+0020, and the other characters a workbook cannot hold.
EVERY_CONTROL = "".join(chr(c) for c in range(0x20)) + "\ufffe\uffff\u200b\u00a0\u2028"

HOSTILE = [
    '=HYPERLINK("http://x")',
    "\t=1+1",
    "\u00a0=1+1",
    "\n=1+1",
    "\x0b=1+1",
    "\u200b@SUM(1)",
    "-2+3+cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "NHS Tees; =HYPERLINK(1)",
    "Tees;\t-1+1;ok",
    "Foot\x0bprint",
    "nul\x00byte",
    EVERY_CONTROL,
    "![p](http://host/p.png)",
    "<script>alert(1)</script>",
    "a" * 5000,
]
PLAIN = ["-5", "+1.5%", "Care records, phase 2", "£1,234", "Hartlepool"]


def table() -> pd.DataFrame:
    values = HOSTILE + PLAIN
    return pd.DataFrame(
        {
            "group": values,
            "value": [float(i) for i in range(len(values))],
            "partners": [["NHS", "=1+1"] if i % 2 else None for i in range(len(values))],
        }
    )


def cells_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_neutralises_every_formula_and_keeps_plain_values():
    rows = cells_csv(export.to_csv_bytes(table()))
    assert rows[0] == ["group", "value", "partners"]
    groups = [r[0] for r in rows[1:]]
    for cell in groups:
        for item in cell.split(";"):
            assert not formula_like(item, items=False) or item.startswith("'"), repr(cell)
    assert groups[len(HOSTILE) :] == PLAIN
    assert groups[0] == '\'=HYPERLINK("http://x")'
    assert groups[8] == "NHS Tees;' =HYPERLINK(1)"
    assert rows[2][2] == "NHS;' =1+1"
    # Control characters are shown, not dropped: a vertical tab is U+240B.
    assert groups[10] == "Foot\u240bprint"


@pytest.mark.parametrize("value", HOSTILE + PLAIN)
def test_excel_download_survives_every_value(value):
    df = pd.DataFrame({"footprint": [value], "share": [50.0]})
    data = export.to_xlsx_bytes(df, sheet="Themes: [workforce]")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    got = ws["A2"].value
    assert ws["B2"].value == 50.0
    assert ws.title == "Themes_ _workforce_"
    assert ws["A2"].data_type == "s"  # text, never a formula
    # (XML reads a carriage return as a line feed: the workbook's own rule)
    assert got == export.safe_text(value).replace("\r\n", "\n").replace("\r", "\n")


def test_excel_and_csv_agree():
    df = table()
    rows = cells_csv(export.to_csv_bytes(df))
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(df)))
    excel = [[c.value for c in r] for r in wb.active.iter_rows(min_row=2, max_col=1)]
    as_csv = [r[0].replace("\r\n", "\n").replace("\r", "\n") for r in rows[1:]]
    assert as_csv == [r[0] or "" for r in excel]


def test_column_names_are_neutralised_too():
    df = pd.DataFrame({"=cmd": [1], "ok": [2]})
    assert cells_csv(export.to_csv_bytes(df))[0] == ["'=cmd", "ok"]
