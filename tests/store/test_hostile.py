"""Hostile and unlucky files (tests/store/hostile.py): each is refused in under 10 s and
under 500 MB, with a message naming the row, the column or the limit, and the database
is unchanged. The corpus runs in a process of its own, so its memory is measured alone
(sampled per file, and the process's peak overall).

Also here: what the limits must not refuse (CR-only line ends, -0, formulas that are
plain numbers), the Python and SQL formula rules agreeing, and a check that reading and
checking a file never holds the database (a dry run does not keep a command-line load
out)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from store import ingest, limits
from store.ingest import ingest_file, validate_file
from store.unsafe import formula_like, formula_sql
from tests.conftest import ROOT
from tests.store import hostile
from tests.store.conftest import content_digest, rows

SECONDS = 10
MEGABYTES = 500


@pytest.fixture(scope="module")
def corpus_run(shared_ref_db):
    """Every file of the corpus against a copy of the reference database, in a process of
    its own: {name: result}, and the process's summary."""
    env = {**os.environ, "TRACKER_TODAY": os.environ.get("TRACKER_TODAY", "2026-11-26")}
    done = subprocess.run(
        [sys.executable, "-m", "tests.store.hostile", str(shared_ref_db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [json.loads(x) for x in done.stdout.splitlines() if x.strip()]
    results = {d["name"]: d for d in lines if "name" in d}
    summary = next(d for d in lines if "max_rss_mb" in d)
    return results, summary


NAMES = [h.name for h in hostile.corpus()]


def test_the_corpus_covers_every_class():
    assert len(NAMES) >= 35
    assert len(set(NAMES)) == len(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_hostile_file_is_refused_quickly_cheaply_and_clearly(corpus_run, name):
    results, _ = corpus_run
    r = results[name]
    assert r["batch_id"] is None
    assert r["unchanged"], "the database changed"
    assert any(r["fragment"] in e for e in r["errors"]), r["errors"]
    # Where: a row, a column, a limit; for a workbook, the part of it (a DTD), or the
    # password that keeps the whole file shut.
    words = ("row", "column", "limit", "its part", "password")
    assert any(word in e for e in r["errors"] for word in words), r["errors"]
    assert r["seconds"] < SECONDS, f"{r['seconds']:.1f} s"
    assert r["peak_mb"] < MEGABYTES, f"{r['peak_mb']:.0f} MB"


def test_the_corpus_process_stayed_small_and_left_nothing(corpus_run):
    results, summary = corpus_run
    assert summary["max_rss_mb"] < MEGABYTES
    assert summary["leftovers"] == []  # no scratch folder, no uploads/, no temporary files
    worst = max(results.values(), key=lambda r: r["seconds"])
    heaviest = max(results.values(), key=lambda r: r["peak_mb"])
    print(
        f"\n{len(results)} hostile files; slowest {worst['name']!r} {worst['seconds']:.2f} s; "
        f"heaviest {heaviest['name']!r} {heaviest['peak_mb']:.0f} MB; process peak "
        f"{summary['max_rss_mb']:.0f} MB"
    )


# --- what the limits must not refuse ---------------------------------------------------

WF = hostile.WF


def test_cr_only_line_ends_load_with_spreadsheet_rows(ref_db):
    data = (WF + "E06000001,2025-Q3,all,5,1\n\nE06000002,2025-Q3,all,7,2\n").replace("\n", "\r")
    report = ingest_file(ref_db, "workforce", data.encode(), "mac.csv", user="t")
    assert report.ok, [str(p) for p in report.problems]
    assert rows(ref_db, "SELECT council_code, headcount FROM workforce ORDER BY 1") == [
        ("E06000001", 5),
        ("E06000002", 7),
    ]


def test_mixed_line_ends_keep_row_numbers(ref_db):
    data = (
        WF + "E06000001,2025-Q3,all,5,1\r\nE06000002,2025-Q3,all,5,1\rE06000003,2025-Q3,all,-1,0\n"
    )
    report = validate_file(ref_db, "workforce", data.encode(), "mixed.csv")
    assert [(p.row, p.column) for p in report.errors] == [(4, "headcount")]


def test_minus_zero_is_stored_as_zero(ref_db):
    data = hostile.SV + "E06000001,2025-Q3,3,-0\nE06000002,2025-Q3,3,-£0.00\n"
    report = ingest_file(ref_db, "survey", data.encode(), "zero.csv", user="t")
    assert report.ok, [str(p) for p in report.problems]
    got = rows(ref_db, "SELECT digital_spend_gbp, CAST(digital_spend_gbp AS VARCHAR) FROM survey")
    assert got == [(0.0, "0.0"), (0.0, "0.0")]


def test_minus_zero_in_a_workbook_is_zero(ref_db):
    data = hostile.xlsx(
        hostile._row(1, ["council_code", "quarter", "data_maturity", "digital_spend_gbp"])
        + hostile._row(2, ["E06000001", "2025-Q3", 3, -0.0])
    )
    report = ingest_file(ref_db, "survey", data, "zero.xlsx", user="t")
    assert report.ok, [str(p) for p in report.problems]
    assert rows(ref_db, "SELECT CAST(digital_spend_gbp AS VARCHAR) FROM survey") == [("0.0",)]


def test_text_that_is_a_plain_number_or_words_is_not_a_formula(ref_db):
    ex = hostile.EX
    data = ex + 'X1,2025-Q3,-5,E06000001,"NHS Tees; +1.5%",,,live,see the report\n'
    report = validate_file(ref_db, "exchanges", data.encode(), "ok.csv")
    assert report.ok, [str(p) for p in report.problems]


FORMULA_CASES = [
    ("=1+1", True),
    ("\t=1", True),
    ("\u00a0\u200b@x", True),
    ("\n+cmd", True),
    ("\x0b-1+1", True),
    ("-2+3+cmd|' /C calc'!A0", True),
    ("ok; =1", True),
    ("ok;\u3000-x", True),
    ("-5", False),
    ("+1,234.50", False),
    ("- £1,000", False),
    ("-", False),
    ("- see the report", True),  # (Excel reads a leading minus as a formula)
    ("Care; records", False),
    ("e@x", False),
    ("a=b", False),
]


@pytest.mark.parametrize("value, expected", FORMULA_CASES)
def test_python_and_sql_formula_rules_agree(value, expected):
    assert formula_like(value) is expected
    con = duckdb.connect()
    try:
        assert con.execute(f"SELECT {formula_sql('?', True)}", [value]).fetchall()[0][0] is expected
    finally:
        con.close()


def test_the_limits_are_stated():
    assert limits.max_upload_mb() == 50
    assert limits.MAX_COLUMNS == 200


# --- the database is held only for the write --------------------------------------------


def test_checking_a_file_does_not_hold_the_database(ref_db, monkeypatch):
    """While a file is being checked, another process can open the database read-write
    at once (DuckDB lets one process hold the file): the check holds nothing."""
    seen = {}
    real = ingest.validate

    def check_then_probe(con, kind, staged, rules=None):
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
                "c.execute('SELECT count(*) FROM batches'); c.close(); print('opened')",
                str(ref_db),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        seen["probe"] = (probe.returncode, probe.stdout.strip(), probe.stderr[-500:])
        return real(con, kind, staged, rules)

    monkeypatch.setattr(ingest, "validate", check_then_probe)
    before = content_digest(ref_db)
    report = ingest_file(
        ref_db,
        "workforce",
        (WF + "E06000001,2025-Q3,all,5,1\n").encode(),
        "w.csv",
        user="t",
        dry_run=True,
    )
    assert report.ok
    assert seen["probe"][:2] == (0, "opened"), seen["probe"]
    assert content_digest(ref_db) == before


def test_a_dtd_in_a_part_not_named_xml_is_refused(ref_db):
    laughs = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>\n'
    data = hostile.xlsx(
        hostile._row(1, ["council_code", "quarter"]) + hostile._row(2, ["&a;", "2025-Q3"]),
        prologue=laughs,
    )
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            content = src.read(info.filename)
            name = info.filename
            if name == "xl/worksheets/sheet1.xml":
                name = "xl/worksheets/sheet1.dat"
            elif name == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"sheet1.xml", b"sheet1.dat")
            z.writestr(name, content)
    report = validate_file(ref_db, "survey", buf.getvalue(), "dat.xlsx")
    assert "declares an XML document type" in report.errors[0].message


def test_openpyxl_reads_through_defusedxml(monkeypatch):
    """Behind the check of every part, openpyxl itself refuses entities (defusedxml)."""
    from store import read

    monkeypatch.setattr(read, "_check_xlsx", lambda data, file_name: None)
    data = hostile.xlsx(
        hostile._row(1, ["council_code", "quarter"]) + hostile._row(2, ["&a;", "2025-Q3"]),
        prologue='<!DOCTYPE x [<!ENTITY a "expanded">]>\n',
    )
    con = duckdb.connect()
    try:
        with pytest.raises(read.ReadError, match="EntitiesForbidden"):
            read.read(con, data, "e.xlsx", "survey")
    finally:
        con.close()
