"""What an upload gets back before it is loaded (issue 14): title rows above the header
(CSV and Excel), a missing column found whatever recognised the kind, only the header
read to recognise it, the parsed rows, old and new values of replaced rows, and one
outcome for a file already loaded."""

from __future__ import annotations

import io

import openpyxl
import pytest

from store import read, read_xlsx
from store.ingest import detect_kind, ingest_file, validate_file
from store.ingest_preview import REMOVED
from tests.store.conftest import rows

WF = "council_code,quarter,role_family,headcount,underrepresented\n"
SV = "council_code,quarter,data_maturity,digital_spend_gbp,standard_open_referral\n"


def xlsx(*table) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Return"
    for line in table:
        ws.append(list(line))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- title rows above the header -------------------------------------------------------

TITLED_CSV = (
    "Digital workforce return: 2026 Q3,,,,\n"
    "Prepared by the digital team; figures as at 30 September,,,,\n"
    + WF
    + "E06000001,2026-Q3,all,40,12\n"
    "E06000002,2026-Q3,all,x,3\n"
)


def test_csv_title_rows_are_skipped_and_rows_keep_their_numbers(shared_ref_db):
    report = validate_file(shared_ref_db, "workforce", TITLED_CSV.encode(), "t.csv")
    assert report.notes == [
        "skipped 2 title rows above the header, which is row 3: row numbers below are the "
        "spreadsheet's"
    ]
    # The header is row 3, so the bad headcount is on row 5 as the spreadsheet shows it.
    assert [(p.row, p.column, p.value) for p in report.errors] == [(5, "headcount", "x")]


def test_csv_title_row_longer_than_the_header_is_no_trouble(ref_db):
    data = "Return of the council, for the quarter, 2026, Q3, as agreed, with the team\n" + WF
    data += "E06000001,2026-Q3,all,40,12\n"
    report = ingest_file(ref_db, "workforce", data.encode(), "t.csv", user="ana")
    assert report.ok and report.batch_id == 1, [str(p) for p in report.problems]
    assert "skipped 1 title row above the header, which is row 2" in report.notes[0]
    assert rows(ref_db, "SELECT council_code, headcount FROM workforce") == [("E06000001", 40)]


def test_xlsx_title_rows_are_skipped_too(shared_ref_db):
    data = xlsx(
        ["Digital workforce return"],
        [],
        ["Council of Hartlepool", None, "2026 Q3"],
        WF.strip().split(","),
        ["E06000001", "2026-Q3", "all", 40, 12],
        ["E06000002", "2026-Q3", "all", -1, 3],
    )
    report = validate_file(shared_ref_db, "workforce", data, "t.xlsx")
    assert report.notes == [
        "skipped 2 title rows above the header, which is row 4: row numbers below are the "
        "spreadsheet's"
    ]
    assert [(p.row, p.column, p.value) for p in report.errors] == [(6, "headcount", "-1")]
    assert detect_kind(data, "t.xlsx")[0] == "workforce"


def test_a_header_row_is_two_of_the_kinds_columns_within_ten_rows(shared_ref_db):
    # No row among the first ten has two workforce columns: the first row is the header,
    # and the check names the columns it lacks (as before title rows were looked for).
    data = "Title,,,,\n" + "\n".join(f"note {i},,,," for i in range(12)) + "\n" + WF
    data += "E06000001,2026-Q3,all,40,12\n"
    report = validate_file(shared_ref_db, "workforce", data.encode(), "t.csv")
    assert not report.notes
    assert "the required column 'council_code' is missing" in report.errors[0].message


# --- a missing column is reported as such ------------------------------------------------


def test_missing_quarter_column_is_reported_as_a_missing_column_when_recognised():
    data = b"council_code,role_family,headcount,underrepresented\nE06000001,all,40,12\n"
    kind, why = detect_kind(data, "w.csv")
    assert kind == "workforce"
    assert why == (
        "the headers look like the workforce upload (4 of its columns), but its required "
        "column 'quarter' is missing"
    )


def test_the_check_of_that_kind_names_the_missing_column(shared_ref_db):
    data = b"council_code,role_family,headcount,underrepresented\nE06000001,all,40,12\n"
    report = validate_file(shared_ref_db, "workforce", data, "w.csv")
    assert [(p.row, p.column) for p in report.errors] == [(None, "quarter")]
    assert report.errors[0].message.startswith("the required column 'quarter' is missing")


# --- only the header is read to recognise a kind ------------------------------------------


def test_recognising_an_xlsx_parses_only_its_first_rows(monkeypatch):
    data = xlsx(
        ["Workforce return"],
        WF.strip().split(","),
        *[["E06000001", "2026-Q3", "all", i, 0] for i in range(5000)],
    )
    parsed = []
    real = read_xlsx._xlsx_rows

    def counting(ws):
        for item in real(ws):
            parsed.append(item[0])
            yield item

    monkeypatch.setattr(read_xlsx, "_xlsx_rows", counting)
    assert detect_kind(data, "w.xlsx")[0] == "workforce"
    assert parsed == [1, 2]  # the title row and the header: none of the 5,000 data rows
    staged = read.header_only(data, "w.xlsx")
    assert staged.header_row == 2 and staged.notes[-1].startswith("skipped 1 title row")


def test_recognising_a_csv_reads_only_its_first_lines():
    big = (WF + "E06000001,2026-Q3,all,40,12\n" * 100_000).encode()
    broken = big + b"\xff\xfe not text at the end"  # never decoded: only the head is
    assert detect_kind(broken, "w.csv")[0] == "workforce"


# --- the preview: parsed rows, old and new values -------------------------------------------


def test_the_preview_shows_the_first_rows_as_parsed(shared_ref_db):
    data = (
        SV
        + 'Hartlepool,Q3 2026,3,"£1,200",adopted\n'
        + "".join(f"E0600000{i},2026-Q3,2,100,\n" for i in range(2, 10))
    )
    report = validate_file(shared_ref_db, "survey", data.encode(), "s.csv")
    sample = report.sample
    assert sample is not None and len(sample) == 9
    first = sample.iloc[0]
    assert first["row"] == 2 and first["council_code"] == "E06000001"
    assert first["council_name"] == "Hartlepool" and first["quarter"] == "2026-Q3"
    assert first["digital_spend_gbp"] == 1200.0 and first["standard_open_referral"] == "adopted"
    assert list(sample.columns[:4]) == ["row", "council_code", "council_name", "quarter"]


def test_the_preview_holds_at_most_twenty_rows(shared_ref_db):
    codes = [
        r[0]
        for r in rows(
            shared_ref_db,
            "SELECT council_code FROM councils WHERE end_date IS NULL ORDER BY 1 LIMIT 30",
        )
    ]
    data = WF + "".join(f"{c},2026-Q3,all,10,1\n" for c in codes)
    report = validate_file(shared_ref_db, "workforce", data.encode(), "w.csv")
    assert report.ok, [str(p) for p in report.problems[:3]]
    assert report.sample is not None and len(report.sample) == 20
    assert report.sample["row"].tolist() == list(range(2, 22))
    assert report.sample["council_code"].tolist() == codes[:20]


def test_replaced_rows_show_stored_and_new_values_side_by_side(ref_db):
    first = SV + "E06000001,2026-Q3,3,1000,planned\nE06000002,2026-Q3,4,500,\n"
    assert ingest_file(ref_db, "survey", first.encode(), "a.csv", user="ana").batch_id == 1
    second = SV + "E06000001,2026-Q3,4,1000,adopted\nE06000002,2026-Q3,4,500,\n"
    report = validate_file(ref_db, "survey", second.encode(), "b.csv")
    assert report.rows_replaced == 2 and report.compared == 2 and report.unchanged == 1
    assert report.comparison is not None
    assert report.comparison.to_dict("records") == [
        {
            "row": 2,
            "key": "Hartlepool (E06000001), 2026-Q3",
            "column": "data_maturity",
            "stored": "3",
            "new": "4",
        },
        {
            "row": 2,
            "key": "Hartlepool (E06000001), 2026-Q3",
            "column": "standard_open_referral",
            "stored": "planned",
            "new": "adopted",
        },
    ]


def test_a_workforce_family_the_file_drops_is_shown_as_removed(ref_db):
    first = WF + "E06000001,2026-Q3,data,10,2\nE06000001,2026-Q3,architecture,5,1\n"
    assert ingest_file(ref_db, "workforce", first.encode(), "a.csv", user="ana").batch_id == 1
    report = validate_file(
        ref_db, "workforce", (WF + "E06000001,2026-Q3,data,12,2\n").encode(), "b.csv"
    )
    records = report.comparison.to_dict("records")
    assert records[0]["key"] == "Hartlepool (E06000001), 2026-Q3, architecture"
    assert (records[0]["column"], records[0]["stored"], records[0]["new"]) == (
        "role_family",
        "architecture",
        REMOVED,
    )
    assert pd_na(records[0]["row"])
    assert records[1] == {
        "row": 2,
        "key": "Hartlepool (E06000001), 2026-Q3, data",
        "column": "headcount",
        "stored": "10",
        "new": "12",
    }


def pd_na(value) -> bool:
    import pandas as pd

    return value is None or value is pd.NA


def test_a_load_writes_no_preview(ref_db):
    report = ingest_file(
        ref_db, "workforce", (WF + "E06000001,2026-Q3,all,1,0\n").encode(), "a.csv", user="ana"
    )
    assert report.batch_id == 1 and report.sample is None and report.comparison is None


# --- a file already loaded: one outcome -------------------------------------------------------


@pytest.mark.parametrize("validate", [True, False])
def test_a_file_already_loaded_has_one_outcome(ref_db, validate):
    data = (WF + "E06000001,2026-Q3,all,40,12\n").encode()
    ingest_file(ref_db, "workforce", data, "a.csv", user="ana")
    if validate:
        again = validate_file(ref_db, "workforce", data, "copy.csv")
    else:
        again = ingest_file(ref_db, "workforce", data, "copy.csv", user="bo")
    assert again.duplicate_of == 1 and again.batch_id is None
    assert again.problems == [] and again.duplicate_loaded_by == "ana"
    at = again.duplicate_loaded_at
    assert again.summary() == (
        f"copy.csv is identical to batch 1, loaded on {at:%Y-%m-%d %H:%M} by ana: nothing to "
        "load" + ("." if validate else "; nothing was written.")
    )
    assert again.sample is None and again.changes.empty
