"""Number cells: the fast path (text exactly as DuckDB writes the integer) and the slow
path (sign, £, thousands separators, .0) give the same values, and text that DuckDB's own
integer cast accepts but the contract does not (+, exponent, hex, underscores, decimals
in a whole-number column) is refused with the column's expectation."""

from __future__ import annotations

from store.ingest import ingest_file, validate_file
from tests.store.conftest import content_digest, rows

WF = "council_code,quarter,role_family,headcount,underrepresented\n"


def test_whole_numbers_as_written_and_with_separators(ref_db):
    # headcount cells and the value each stands for (worked by hand):
    #   '12' -> 12 (fast path), ' 12 ' -> 12 (trimmed), '012' -> 12 (leading zero),
    #   '1,200' -> 1200 (separator), '£40' -> 40 (a leading £ is fine), '7.0' -> 7,
    #   '0' -> 0, '99999' -> 99999
    cells = ["12", " 12 ", "012", '"1,200"', "£40", "7.0", "0", "99999"]
    families = [
        "architecture",
        "data",
        "it_operations",
        "product_delivery",
        "quality_assurance",
        "software_development",
        "user_centred_design",
        "cyber_security",
    ]
    text = WF + "".join(f"E06000001,2025-Q3,{f},{c},0\n" for f, c in zip(families, cells))
    report = ingest_file(ref_db, "workforce", text.encode("utf-8"), "n.csv", user="a")
    assert report.ok, [str(p) for p in report.problems]
    got = rows(ref_db, "SELECT role_family, headcount FROM workforce")
    assert sorted(got) == sorted(zip(families, [12, 12, 12, 1200, 40, 7, 0, 99999]))


def test_integer_cast_spellings_the_contract_refuses(ref_db):
    # DuckDB's CAST('+12' AS BIGINT) is 12, '1e2' is 100, '0x10' is 16, '1_000' is 1000
    # and '1.5' rounds to 2: none is a whole number as the contract writes one.
    bad = ["+12", "1e2", "0x10", "1_000", "1.5", "12e2"]
    text = WF + "".join(
        f"E06000001,2025-Q{1 + i % 3},{'data' if i < 3 else 'architecture'},{c},0\n"
        for i, c in enumerate(bad)
    )
    before = content_digest(ref_db)
    report = ingest_file(ref_db, "workforce", text.encode(), "b.csv", user="a")
    assert not report.ok and report.batch_id is None
    assert [(p.row, p.column, p.value, p.message) for p in report.errors] == [
        (i + 2, "headcount", c, "expected a whole number from 0 to 100,000")
        for i, c in enumerate(bad)
    ]
    assert content_digest(ref_db) == before


def test_negative_fast_and_slow_paths_agree(ref_db):
    # '-5' (as DuckDB writes it) and '- 5' (slow path: a sign, a space) are both -5: refused
    # as negative, each once, with the cell as written.
    report = validate_file(
        ref_db,
        "workforce",
        (WF + "E06000001,2025-Q3,data,-5,0\nE06000001,2025-Q3,architecture,- 5,0\n").encode(),
        "m.csv",
    )
    assert [(p.row, p.value, p.message) for p in report.errors] == [
        (2, "-5", "a count or amount cannot be negative"),
        (3, "- 5", "a count or amount cannot be negative"),
    ]


# --- workforce keys: grouped once by council and quarter as written, then by the
# resolved council and quarter (store.keys._group_keys / _regroup_keys) ---


def test_workforce_repeat_across_spellings_of_council_and_quarter(ref_db):
    # rows 2 and 3 are the same council (code, then name) and quarter (2025-Q3, then
    # 2025q3) with the same family: one repeated key, reported at the later row.
    text = (
        WF + "E06000001,2025-Q3,data,5,1\nHartlepool,2025q3,data,6,1\nE06000002,2025-Q3,data,4,0\n"
    )
    before = content_digest(ref_db)
    report = ingest_file(ref_db, "workforce", text.encode(), "r.csv", user="a")
    assert [(p.row, p.column, p.message) for p in report.errors] == [
        (
            3,
            "council_code, quarter, role_family",
            "rows 2 and 3 have the same council_code, quarter, role_family; each must appear once in a file",
        )
    ]
    assert content_digest(ref_db) == before


def test_workforce_all_and_family_across_spellings(ref_db):
    # 'all' for Hartlepool by name (row 2) and a family for it by code (row 3), same quarter
    report = validate_file(
        ref_db,
        "workforce",
        (WF + "hartlepool,Q3 2025,all,5,1\nE06000001,2025-Q3,data,3,1\n").encode(),
        "m.csv",
    )
    assert [(p.row, p.column) for p in report.errors] == [(3, "role_family")]
    assert "both an 'all' row (row 2) and a breakdown by family (row 3)" in report.errors[0].message


def test_workforce_keys_by_resolved_council_replace_stored_rows(ref_db):
    # stored: Hartlepool 2025-Q3 (2 families) and Darlington 2025-Q3 (1)
    load = "E06000001,2025-Q3,data,5,1\nE06000001,2025-Q3,architecture,2,0\nE06000005,2025-Q3,all,9,2\n"
    assert ingest_file(ref_db, "workforce", (WF + load).encode(), "a.csv", user="a").ok
    # the new file names Hartlepool by name and by code (two families, one key) and a blank
    # line: it replaces Hartlepool's 2 stored rows, adds 2, leaves Darlington alone.
    text = WF + "Hartlepool,2025-Q3,data,6,1\n\nE06000001,2025 Q3,cyber_security,1,0\n"
    report = ingest_file(ref_db, "workforce", text.encode(), "b.csv", user="a")
    assert report.ok, [str(p) for p in report.problems]
    assert (report.rows_added, report.rows_replaced) == (2, 2)
    assert [tuple(r) for r in report.changes.itertuples(index=False)] == [
        ("2025-Q3", "North East", 2, 2)
    ]
    assert rows(
        ref_db, "SELECT council_code, role_family, headcount FROM workforce ORDER BY 1, 2"
    ) == [("E06000001", "cyber_security", 1), ("E06000001", "data", 6), ("E06000005", "all", 9)]


def test_failed_insert_rolls_back_and_raises_its_own_error(ref_db, monkeypatch):
    # The batch's rows are inserted with preserve_insertion_order off; when that insert
    # fails, the transaction is rolled back, the setting is put back outside it, and the
    # caller sees the insert's own error (not "transaction is aborted" from the reset).
    import duckdb
    import pytest

    from store import ingest_write

    monkeypatch.setattr(ingest_write, "TYPED", "_no_such_view")
    before = content_digest(ref_db)
    with pytest.raises(duckdb.CatalogException, match="_no_such_view"):
        ingest_file(
            ref_db, "workforce", (WF + "E06000001,2025-Q3,all,5,1\n").encode(), "x.csv", user="a"
        )
    assert content_digest(ref_db) == before
    uploads = ref_db.parent / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    assert not list(ref_db.parent.glob(".*upload-part"))
