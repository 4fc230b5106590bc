"""metrics.export: tables leave safe to open and saying what they are (read back)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from metrics import export

NOTES = export.Notes(
    title="Digital spend with SMEs by region, 2026-Q3",
    measure="Digital spend with SMEs",
    quarter="2026-Q3",
    scope="every region",
    source="Blueprint Tracker: the councils' quarterly survey returns, as uploaded",
    demo=True,
    values="percentages (%), to one decimal place as on screen",
)


def test_csv_title_block_then_the_table():
    df = pd.DataFrame({"region": ["North East", "=cmd()"], "value (%)": [35.0, 12.5]})
    data = export.to_csv_bytes(df, NOTES)
    text = data.decode("utf-8-sig")
    assert text.splitlines()[:9] == [
        'Table,"Digital spend with SMEs by region, 2026-Q3"',
        "Measure,Digital spend with SMEs",
        "Quarter,2026-Q3",
        "Scope,every region",
        'Source,"Blueprint Tracker: the councils\' quarterly survey returns, as uploaded"',
        'Demo data,"YES: generated demonstration figures, not real returns. Do not quote them."',
        'Values,"percentages (%), to one decimal place as on screen"',
        "",
        "region,value (%)",
    ]
    notes, table = export.read_csv_notes(data)
    assert notes["Quarter"] == "2026-Q3" and notes["Demo data"].startswith("YES")
    assert list(table["value (%)"]) == [35.0, 12.5]
    assert list(table["region"]) == ["North East", "'=cmd()"]  # formula neutralised


def test_no_notes_no_title_block():
    text = export.to_csv_bytes(pd.DataFrame({"a": [1]})).decode("utf-8-sig")
    assert text == "a\n1\n"


def test_title_block_cells_are_neutralised_too():
    notes = export.Notes("t", '=HYPERLINK("x")', "2026-Q3", "England", "s", demo=False)
    got, _ = export.read_csv_notes(export.to_csv_bytes(pd.DataFrame({"a": [1]}), notes))
    assert got["Measure"] == '\'=HYPERLINK("x")'
    assert got["Demo data"] == "no: returns as uploaded by the forum's analysts"


def test_excel_has_a_notes_sheet():
    df = pd.DataFrame({"region": ["North East"], "value (%)": [35.0]})
    book = pd.read_excel(io.BytesIO(export.to_xlsx_bytes(df, "sme", NOTES)), sheet_name=None)
    assert list(book) == ["sme", "Notes"]
    assert book["sme"].to_dict("records") == [{"region": "North East", "value (%)": 35.0}]
    notes = dict(zip(book["Notes"]["Item"], book["Notes"]["Value"]))
    assert notes["Measure"] == "Digital spend with SMEs"
    assert notes["Scope"] == "every region"
    assert notes["Demo data"].startswith("YES")


@pytest.mark.parametrize(
    "value, unit, shown",
    [
        (11.987381703470032, "percent", 12.0),
        (22.954545454545453, "percent", 23.0),
        (2.8249, "score", 2.82),
        (3.0, "count", 3),
        (2.2727272727, "count", 2.27),
        (1.0, "milestone", 1),
        (None, "percent", None),
        (float("nan"), "score", None),
        ("<5", "percent", None),
    ],
)
def test_rounded_as_on_screen(value, unit, shown):
    got = export.rounded(value, unit)
    assert got == shown and type(got) is type(shown)


def test_round_column_keeps_whole_counts_whole():
    col = export.round_column([0, 2.2727, 10.0, None], "count")
    assert list(col) == [0, 2.27, 10, None]
    text = export.to_csv_bytes(pd.DataFrame({"q": list("abcd"), "v": col})).decode("utf-8-sig")
    assert text == "q,v\na,0\nb,2.27\nc,10\nd,\n"
