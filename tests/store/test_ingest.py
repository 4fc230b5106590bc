"""store.ingest: replacing by key, survey standards, previews, duplicates, dry runs,
councils uploads, kind detection, the quarter parser's SQL twin, templates."""

from __future__ import annotations

import duckdb
import pytest

from store import kinds, quarters, templates
from store.ingest import detect_kind, ingest_file, validate_file
from store.problems import MAX_LISTED
from store.value_sql import quarter_index_sql
from tests.store.conftest import content_digest, rows

WF = "council_code,quarter,role_family,headcount,underrepresented\n"
SV = "council_code,quarter,digital_spend_gbp,sme_spend_gbp,standard_service_standard,standard_open_referral\n"


def load(db, kind, text, name="f.csv", **kw):
    report = ingest_file(db, kind, text.encode(), name, user="ana", **kw)
    assert report.ok, [str(p) for p in report.problems]
    return report


def test_survey_row_replaces_stored_row_and_its_standards(ref_db):
    load(
        ref_db,
        "survey",
        SV + "E06000001,2025-Q3,100,10,adopted,planned\nE06000002,2025-Q3,50,5,none,\n",
    )
    second = load(ref_db, "survey", SV + "E06000001,2025-Q3,200,20,audited,\n", "g.csv")
    # one stored survey row replaced; both its standards rows go with it
    assert (second.batch_id, second.rows_added, second.rows_replaced) == (2, 1, 1)
    assert rows(
        ref_db, "SELECT council_code, digital_spend_gbp, batch_id FROM survey ORDER BY 1"
    ) == [("E06000001", 200.0, 2), ("E06000002", 50.0, 1)]
    assert rows(
        ref_db, "SELECT council_code, standard_id, status FROM survey_standards ORDER BY 1, 2"
    ) == [("E06000001", "service_standard", "audited"), ("E06000002", "service_standard", "none")]
    assert rows(
        ref_db, "SELECT standard_id, status, replaced_by FROM survey_standards_replaced ORDER BY 1"
    ) == [("open_referral", "planned", 2), ("service_standard", "adopted", 2)]
    assert rows(ref_db, "SELECT digital_spend_gbp, batch_id, replaced_by FROM survey_replaced") == [
        (100.0, 1, 2)
    ]
    assert rows(
        ref_db, "SELECT batch_id, rows_added, rows_replaced, uploaded_by FROM batches ORDER BY 1"
    ) == [(1, 2, 0, "ana"), (2, 1, 1, "ana")]


def test_workforce_upload_replaces_the_whole_council_quarter(ref_db):
    """A breakdown by family is stored; a new 'all' row for the same council-quarter
    replaces all three family rows, so stored and new rows never mix."""
    load(
        ref_db,
        "workforce",
        WF + "E06000001,2025-Q3,data,10,2\nE06000001,2025-Q3,architecture,5,1\n"
        "E06000001,2025-Q3,cyber_security,3,0\nE06000002,2025-Q3,all,7,1\n",
    )
    report = load(ref_db, "workforce", WF + "E06000001,2025-Q3,all,20,4\n", "g.csv")
    assert (report.rows_added, report.rows_replaced) == (1, 3)
    assert rows(
        ref_db, "SELECT council_code, role_family, headcount FROM workforce ORDER BY 1"
    ) == [("E06000001", "all", 20), ("E06000002", "all", 7)]
    assert rows(ref_db, "SELECT count(*), min(replaced_by) FROM workforce_replaced") == [(3, 2)]


def test_preview_counts_per_quarter_and_region(ref_db):
    load(ref_db, "survey", SV + "E06000001,2025-Q3,1,,,\n")
    # Hartlepool (North East) 2025-Q3 replaces the stored row; Camden (London) is new
    report = validate_file(
        ref_db,
        "survey",
        (SV + "E06000001,2025-Q3,2,,,\nE09000007,2025-Q2,3,,,\n").encode(),
        "p.csv",
    )
    assert report.ok and report.batch_id is None
    got = [tuple(r) for r in report.changes.itertuples(index=False)]
    assert got == [("2025-Q2", "London", 1, 0), ("2025-Q3", "North East", 1, 1)]
    assert (report.rows_added, report.rows_replaced) == (2, 1)


def test_dry_run_and_validate_write_nothing(ref_db):
    before = content_digest(ref_db)
    report = ingest_file(
        ref_db,
        "survey",
        (SV + "E06000001,2025-Q3,1,,,\n").encode(),
        "d.csv",
        user="a",
        dry_run=True,
    )
    assert report.ok and report.batch_id is None and report.rows_added == 1
    assert "Nothing was written" in report.summary()
    validate_file(ref_db, "survey", (SV + "E06000001,2025-Q3,1,,,\n").encode(), "d.csv")
    assert content_digest(ref_db) == before


def test_same_file_twice_is_recognised_and_writes_nothing(ref_db):
    data = SV + "E06000001,2025-Q3,1,,,\n"
    first = load(ref_db, "survey", data)
    before = content_digest(ref_db)
    again = ingest_file(ref_db, "survey", data.encode(), "renamed.csv", user="bo")
    assert again.ok and again.batch_id is None and again.duplicate_of == first.batch_id
    assert "identical to batch 1" in again.summary()
    assert content_digest(ref_db) == before
    # validate_file gives the one outcome too: nothing to load (no warning, no preview)
    check = validate_file(ref_db, "survey", data.encode(), "x.csv")
    assert check.duplicate_of == 1 and check.problems == []
    assert check.summary().startswith("x.csv is identical to batch 1, loaded on ")
    assert check.summary().endswith(" by ana: nothing to load.")


def test_original_file_is_kept_by_hash(ref_db):
    import hashlib

    data = (SV + "E06000001,2025-Q3,1,,,\n").encode()
    report = ingest_file(ref_db, "survey", data, "q3 return.csv", user="a")
    sha = hashlib.sha256(data).hexdigest()
    assert report.sha256 == sha
    stored = ref_db.parent / "uploads" / f"{sha}.csv"
    assert stored.read_bytes() == data
    assert [p.name for p in ref_db.parent.iterdir() if p.name.startswith(".")] == []
    assert rows(ref_db, "SELECT file_name, file_sha256, stored_file FROM batches") == [
        ("q3 return.csv", sha, f"uploads/{sha}.csv")
    ]


def test_problem_list_is_capped_with_a_count_of_the_rest(ref_db):
    n = MAX_LISTED + 50
    text = (
        WF
        + "".join(f"E06000001,2025-Q3,all,{-i - 1},0\n" for i in range(1))
        + "".join(f"E06000002,2025-Q{1 + i % 3},data,5,{9 + i}\n" for i in range(n))
    )
    before = content_digest(ref_db)
    report = ingest_file(ref_db, "workforce", text.encode(), "big.csv", user="a")
    assert not report.ok
    # row 2: negative headcount (1); each of the 250 E06000002 rows: underrepresented >
    # headcount (250); those rows share 3 keys (quarters Q1-Q3): 3 duplicate-key problems.
    # 1 + 250 + 3 = 254 problems, 200 listed, 54 counted.
    assert len(report.problems) == MAX_LISTED
    assert report.hidden == 54
    assert f"and {report.hidden} more problems not listed" in report.summary()
    assert content_digest(ref_db) == before


def test_council_by_name_and_code_resolve_to_the_same_key(ref_db):
    report = ingest_file(
        ref_db,
        "survey",
        (SV + "E06000001,2025-Q3,1,,,\nhartlepool,2025q3,2,,,\n").encode(),
        "d.csv",
        user="a",
    )
    assert [(p.row, p.message[:20]) for p in report.errors] == [(3, "rows 2 and 3 have th")]


def test_standards_columns_follow_the_configuration(ref_db, monkeypatch):
    monkeypatch.setattr(kinds, "standard_ids", lambda: ["service_standard"])
    report = load(ref_db, "survey", SV + "E06000001,2025-Q3,1,,adopted,planned\n")
    # open_referral is not a core standard in this configuration: warning, ignored
    assert [(w.column, "not a core standard" in w.message) for w in report.warnings] == [
        ("standard_open_referral", True)
    ]
    assert rows(ref_db, "SELECT standard_id, status FROM survey_standards") == [
        ("service_standard", "adopted")
    ]


def test_councils_upload_replaces_the_list_and_rebuilds_names(ref_db):
    text = (
        "council_code,name,official_name,council_type,region_code,region_name\n"
        "E06000001,Hartlepool,Hartlepool Borough Council,unitary,E12000001,North East\n"
        "E06099999,Newtown,Newtown Council,unitary,E12000001,North East\n"
    )
    before = rows(ref_db, "SELECT count(*) FROM councils")[0][0]
    report = load(ref_db, "councils", text)
    assert report.rows_replaced == before
    # 2 councils listed against 317 stored: a warning, not a refusal
    assert [
        "the file lists 2 councils but 317 current councils are stored" in w.message
        for w in report.warnings
    ] == [True]
    assert rows(ref_db, "SELECT council_code FROM councils ORDER BY 1") == [
        ("E06000001",),
        ("E06099999",),
    ]
    assert rows(ref_db, "SELECT council_code FROM council_names WHERE name_key = 'newtown'") == [
        ("E06099999",)
    ]
    # a survey can now name the new council, and no longer an old one
    ok = ingest_file(ref_db, "survey", (SV + "Newtown,2025-Q3,1,,,\n").encode(), "n.csv", user="a")
    assert ok.ok
    gone = ingest_file(
        ref_db, "survey", (SV + "E09000007,2025-Q3,1,,,\n").encode(), "c.csv", user="a"
    )
    assert [p.column for p in gone.errors] == ["council_code"]


@pytest.mark.parametrize(
    "text",
    [
        "2025-Q3",
        "2025Q3",
        "2025 q3",
        " 2025 - Q3 ",
        "Q3 2025",
        "q1-2024",
        "2025/26 Q1",
        "2025/26 Q4",
        "2025/2026 q2",
        "1999/00 Q1",
        "2025/27 Q1",
        "2025-Q5",
        "Q0 2025",
        "25-Q3",
        "2025/26",
        "",
        "x",
        "2025-Q3x",
        "0999-Q1",
    ],
)
def test_quarter_sql_twin_agrees_with_python(text):
    con = duckdb.connect()
    sql = "SELECT " + quarter_index_sql("$t")
    got = con.execute(sql, {"t": text}).fetchall()[0][0]
    try:
        expected = quarters.index(quarters.parse(text))
    except quarters.QuarterError as exc:
        # a malformed financial year is -1 in SQL (its own message), anything else NULL
        expected = -1 if "not a financial year" in str(exc) else None
    assert got == expected


@pytest.mark.parametrize("kind", list(kinds.KINDS))
def test_committed_template_is_generated_and_accepted(ref_db, kind):
    committed = (templates.TEMPLATES_DIR / f"{kind}.csv").read_bytes()
    assert committed == templates.template_bytes(kind), (
        "data/templates is stale: run .venv/bin/python -m store.templates"
    )
    report = validate_file(ref_db, kind, committed, f"{kind}.csv")
    assert report.ok, [str(p) for p in report.problems]
    assert report.rows_in_file == 1
    assert detect_kind(committed, f"{kind}.csv")[0] == kind


def test_detect_kind_explains_itself():
    kind, why = detect_kind(WF.encode() + b"E06000001,2025-Q3,all,1,0\n", "w.csv")
    assert kind == "workforce" and "required columns" in why
    # council_code and quarter are all a survey needs
    assert detect_kind(b"Council Code;Quarter\nE06000001;2025-Q3\n", "x.csv")[0] == "survey"
    # Clearly placements (two of its columns, no other kind as close), with required
    # columns missing: recognised, so that the check names the missing columns.
    kind, why = detect_kind(b"placement_id,council_code\nP1,E06000001\n", "x.csv")
    assert kind == "placements"
    assert why == (
        "the headers look like the placements upload (2 of its columns), but its required "
        "columns 'destination', 'destination_type', 'kind', 'start_quarter' are missing"
    )
    kind, why = detect_kind(b"placement_id,foo\nP1,x\n", "x.csv")
    assert kind is None and "closest is placements, which also needs: council_code" in why
    kind, why = detect_kind(b"", "x.csv")
    assert kind is None and "empty" in why


@pytest.mark.parametrize(
    "header,personal",
    [
        ("first_name", True),
        ("Last Name", True),
        ("full-name", True),
        ("Surname", True),
        ("contact_name", True),
        ("person_name", True),
        ("Email", True),
        ("e-mail address", True),
        ("NI number", True),
        ("nino", True),
        ("National Insurance Number", True),
        ("DOB", True),
        ("date of birth", True),
        ("name", False),
        ("official_name", False),
        ("region_name", False),
        ("footprint_name", False),
        ("destination", False),
        ("evidence", False),
    ],
)
def test_personal_data_headers(header, personal):
    from store.normalise import header_key
    from store.unsafe import personal_header

    assert personal_header(header_key(header)) is personal


def test_blank_line_inside_a_quoted_cell_is_kept_as_written(ref_db):
    """A blank line inside a quoted multi-line cell belongs to the cell (no delimiters
    are inserted into it); a blank line between records still counts as a row."""
    head = "exchange_id,quarter,name,lead_council_code,partners,partner_types,standards,status,evidence\n"
    text = (
        head
        + 'EX-1,2025-Q3,Care records,Hartlepool,,,,live,"first paragraph\n\nsecond paragraph"\n'
        + "\n"
        + "EX-2,2025-Q3,Bins,Hartlepool,,,,liv,\n"
    )
    before = content_digest(ref_db)
    report = ingest_file(ref_db, "exchanges", text.encode(), "x.csv", user="a")
    # header = row 1; EX-1 is row 2 (its cell spans three lines but is one row); the blank
    # line is row 3; EX-2 is row 4 and its status 'liv' is refused there.
    assert [(p.row, p.column) for p in report.errors] == [(4, "status")]
    assert content_digest(ref_db) == before
    good = text.replace(",liv,", ",live,")
    load(ref_db, "exchanges", good, "y.csv")
    assert rows(ref_db, "SELECT exchange_id, evidence FROM exchanges ORDER BY 1") == [
        ("EX-1", "first paragraph\n\nsecond paragraph"),
        ("EX-2", None),
    ]
