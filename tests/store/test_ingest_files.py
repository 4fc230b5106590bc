"""Every file in tests/store/broken is refused with the expected message at the expected
place, and nothing is written; every file in tests/store/awkward is accepted.

File names are <kind>__<what is wrong or awkward>.<ext>."""

from __future__ import annotations

import pytest

from store.ingest import ingest_file
from tests.store.conftest import AWKWARD, BROKEN, content_digest, rows
from tests.store.delivery_broken import DELIVERY_BROKEN

# file -> (message fragment, row, column). row None = about the whole file.
BROKEN_EXPECTED = {
    "councils__bad_gss_code.csv": ("expected a GSS code", 2, "council_code"),
    "councils__missing_name.csv": ("a value is required", 2, "name"),
    "exchanges__bad_partner_type.csv": ("aliens is not allowed", 2, "partner_types"),
    "exchanges__email_in_evidence.csv": ("looks like an e-mail address", 2, "evidence"),
    "exchanges__missing_status.csv": ("a value is required: one of: planned", 2, "status"),
    "exchanges__ni_number_in_partners.csv": ("National Insurance number", 2, "partners"),
    "exchanges__unknown_lead_council.csv": (
        "no council has this GSS code or name",
        2,
        "lead_council_code",
    ),
    "milestones__bad_status.csv": ("one of: not_started, in_progress, achieved", 2, "status"),
    "milestones__unknown_region.csv": ("English region", 2, "region_code"),
    "placements__bad_destination_type.csv": (
        "one of: central_department, arms_length_body",
        2,
        "destination_type",
    ),
    "placements__date_of_birth_column.csv": ("looks like personal data", 1, "Date of Birth"),
    "placements__end_before_start.csv": ("is before start_quarter (2025-Q3)", 2, "end_quarter"),
    "survey__bad_yes_no.csv": ("expected yes or no", 3, "ceo_digital_background"),
    "survey__binary_garbage.csv": ("is not a text file", None, None),
    # blank lines are rows 3 and 4, the ',,,' row is 5: the bad row is 6 as in a spreadsheet
    "survey__blank_rows_then_error.csv": (
        "expected one of: none, planned",
        6,
        "standard_service_standard",
    ),
    "survey__data_maturity_7.csv": ("a whole number from 1 to 5", 2, "data_maturity"),
    "survey__duplicate_key.csv": (
        "rows 2 and 4 have the same council_code, quarter",
        4,
        "council_code, quarter",
    ),
    "survey__email_in_council_column.csv": ("looks like an e-mail address", 2, "council_code"),
    "survey__empty.csv": ("is empty", None, None),
    "survey__ended_council.csv": ("ended on 2019-03-31", 3, "council_code"),
    "survey__financial_year_not_consecutive.csv": ("not a financial year", 3, "quarter"),
    "survey__formula_hyperlink.csv": ("spreadsheet formula", 3, "council_code"),
    "survey__future_quarter.csv": ("2027-Q1 is after the current quarter (2026-Q4)", 3, "quarter"),
    "survey__header_only.csv": ("no data rows", None, None),
    "survey__huge_spend.csv": ("larger than 10,000,000,000", 2, "digital_spend_gbp"),
    "survey__negative_spend.csv": ("cannot be negative", 2, "digital_spend_gbp"),
    "survey__not_utf8_or_cp1252.csv": ("neither UTF-8 nor Windows-1252", None, None),
    "survey__outcome_contracts_more_than_total.csv": (
        "larger than contracts_total (5)",
        3,
        "contracts_outcome_based",
    ),
    "survey__personal_data_column.csv": ("looks like personal data", 1, "contact_name"),
    "survey__png_renamed.csv": ("image", None, None),
    "survey__quarter_before_2024.csv": ("2023-Q4 is before 2024-Q1", 2, "quarter"),
    "survey__ragged_row.csv": ("at row 3: the row has 12 cells but the header has 11", None, None),
    "survey__sme_more_than_digital.csv": (
        "larger than digital_spend_gbp (100)",
        2,
        "sme_spend_gbp",
    ),
    "survey__unknown_council_near_name.csv": (
        "did you mean Hartlepool (E06000001)",
        2,
        "council_code",
    ),
    "survey__unknown_standard_status.csv": (
        "one of: none, planned, adopting, adopted, audited",
        2,
        "standard_service_standard",
    ),
    "survey__zip_renamed.csv": ("ZIP archive", None, None),
    "workforce__all_mixed_with_families.csv": (
        "both an 'all' row (row 2) and a breakdown by family (row 3)",
        3,
        "role_family",
    ),
    "workforce__bad_role_family.csv": ("one of: architecture", 3, "role_family"),
    "workforce__bom_with_error.csv": ("expected a quarter such as 2025-Q3", 2, "quarter"),
    "workforce__email_column.csv": ("looks like personal data", 1, "E-mail"),
    "workforce__excel_export_error.xlsx": ("cannot be negative", 3, "disabled"),
    "workforce__huge_headcount.csv": ("larger than 100,000", 2, "headcount"),
    "workforce__missing_required_column.csv": (
        "the required column 'headcount' is missing",
        None,
        "headcount",
    ),
    "workforce__negative_headcount.csv": ("cannot be negative", 3, "headcount"),
    "workforce__ni_number_column.csv": ("looks like personal data", 1, "NI Number"),
    "workforce__semicolons_with_error.csv": ("larger than headcount (12)", 3, "women"),
    "workforce__underrepresented_more_than_headcount.csv": (
        "larger than headcount (40)",
        2,
        "underrepresented",
    ),
    "workforce__utf16.csv": ("UTF-16", None, None),
}
BROKEN_EXPECTED.update(DELIVERY_BROKEN)


def test_every_broken_file_has_an_expectation():
    on_disk = {p.name for p in BROKEN.iterdir()}
    assert on_disk == set(BROKEN_EXPECTED)
    assert len(on_disk) >= 30


@pytest.mark.parametrize("name", sorted(BROKEN_EXPECTED))
def test_broken_file_is_refused_and_nothing_is_written(shared_ref_db, name):
    ref_db = shared_ref_db
    fragment, row, column = BROKEN_EXPECTED[name]
    kind = name.split("__")[0]
    before = content_digest(ref_db)
    report = ingest_file(ref_db, kind, (BROKEN / name).read_bytes(), name, user="test")
    assert not report.ok
    assert report.batch_id is None
    matching = [p for p in report.errors if fragment in p.message]
    assert matching, f"no error containing {fragment!r}; got: {[str(p) for p in report.problems]}"
    assert (matching[0].row, matching[0].column) == (row, column)
    assert content_digest(ref_db) == before
    assert not (ref_db.parent / "uploads").exists()
    assert not list(ref_db.parent.glob(".*upload-part"))
    assert "nothing was written" in report.summary()


# file -> (rows loaded, SQL whose result is checked, expected result)
AWKWARD_EXPECTED = {
    # Windows-1252 £ and thousands separator: £1,234 -> 1234
    "survey__cp1252_pound.csv": (
        1,
        "SELECT digital_spend_gbp, sme_spend_gbp FROM survey",
        [(1234.0, 200.0)],
    ),
    "workforce__semicolon.csv": (
        1,
        "SELECT council_code, headcount FROM workforce",
        [("E06000001", 40)],
    ),
    "workforce__tab.csv": (2, "SELECT sum(headcount) FROM workforce", [(52,)]),  # 40 + 12
    "survey__bom.csv": (1, "SELECT council_code, quarter FROM survey", [("E06000001", "2025-Q3")]),
    "survey__mixed_case_headers.csv": (
        1,
        "SELECT council_code, quarter, data_maturity, ceo_digital_background, digital_spend_gbp FROM survey",
        [("E06000001", "2025-Q3", 3, True, 1000.0)],
    ),
    "survey__blank_rows.csv": (2, "SELECT count(*) FROM survey", [(2,)]),
    "survey__council_names_punctuation.csv": (
        5,
        "SELECT council_code, digital_spend_gbp FROM survey ORDER BY digital_spend_gbp",
        [
            ("E06000001", 1.0),
            ("E06000010", 2.0),
            ("E08000013", 3.0),
            ("E06000043", 4.0),
            ("E06000023", 5.0),
        ],
    ),
    # 2025/26 Q1 = Apr-Jun 2025 = 2025-Q2; 2025/26 Q4 = Jan-Mar 2026 = 2026-Q1
    "survey__fy_quarters.csv": (
        4,
        "SELECT quarter, digital_spend_gbp FROM survey ORDER BY digital_spend_gbp",
        [("2025-Q2", 1.0), ("2026-Q1", 2.0), ("2025-Q3", 3.0), ("2024-Q4", 4.0)],
    ),
    "survey__pound_thousands.csv": (
        1,
        "SELECT digital_spend_gbp, sme_spend_gbp FROM survey",
        [(1234567.5, 1000.0)],
    ),
    "survey__unknown_extra_column.csv": (1, "SELECT count(*) FROM survey", [(1,)]),
    "survey__crlf.csv": (2, "SELECT count(*) FROM survey_standards", [(2,)]),
    "exchanges__quoted_commas.csv": (
        1,
        "SELECT name, lead_council_code, partners, partner_types, status, evidence FROM exchanges",
        [
            (
                "Care records, phase 2",
                "E06000001",
                ["NHS Tees", "Cleveland Police, North"],
                ["health", "police"],
                "live",
                "see report, p. 4",
            )
        ],
    ),
    "milestones__region_by_name.csv": (
        1,
        "SELECT kind, region_code, status FROM milestones",
        [("workforce_plan", "E12000001", "in_progress")],
    ),
    "placements__open_ended.csv": (
        1,
        "SELECT council_code, destination_type, kind, start_quarter, end_quarter FROM placements",
        [("E06000001", "central_department", "secondment", "2025-Q2", None)],
    ),
    "workforce__xlsx_leading_empty_rows.xlsx": (
        2,
        "SELECT council_code, quarter, role_family, headcount FROM workforce ORDER BY council_code",
        [("E06000001", "2025-Q3", "all", 40), ("E06000002", "2025-Q3", "data", 12)],
    ),
    "workforce__xlsx_named_sheet.xlsx": (1, "SELECT headcount FROM workforce", [(40,)]),
}


def test_every_awkward_file_has_an_expectation():
    assert {p.name for p in AWKWARD.iterdir()} == set(AWKWARD_EXPECTED)


@pytest.mark.parametrize("name", sorted(AWKWARD_EXPECTED))
def test_awkward_file_is_accepted(ref_db, name):
    n, sql, expected = AWKWARD_EXPECTED[name]
    kind = name.split("__")[0]
    report = ingest_file(ref_db, kind, (AWKWARD / name).read_bytes(), name, user="test")
    assert report.ok, [str(p) for p in report.problems]
    assert report.batch_id == 1
    assert report.rows_added == n
    assert rows(ref_db, sql) == expected


def test_unknown_column_is_a_warning_naming_it(ref_db):
    name = "survey__unknown_extra_column.csv"
    report = ingest_file(ref_db, "survey", (AWKWARD / name).read_bytes(), name, user="test")
    assert report.ok
    assert [(w.row, w.column) for w in report.warnings] == [(1, "notes")]
    assert "has no column 'notes'; it was ignored" in report.warnings[0].message
    assert rows(ref_db, "SELECT warnings FROM batches") == [(1,)]


def test_xlsx_header_row_counts_leading_empty_rows(ref_db):
    """Two empty rows, header on row 3, data on rows 4 and 6 (row 5 empty): an error in
    the second data row is reported at row 6."""
    import io

    import openpyxl

    wb = openpyxl.load_workbook(AWKWARD / "workforce__xlsx_leading_empty_rows.xlsx")
    wb.active["D6"] = -1
    buf = io.BytesIO()
    wb.save(buf)
    report = ingest_file(ref_db, "workforce", buf.getvalue(), "w.xlsx", user="test")
    assert [(p.row, p.column) for p in report.errors] == [(6, "headcount")]
