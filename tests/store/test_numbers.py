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
    families = ["architecture", "data", "it_operations", "product_delivery",
                "quality_assurance", "software_development", "user_centred_design", "cyber_security"]
    text = WF + "".join(f"E06000001,2025-Q3,{f},{c},0\n" for f, c in zip(families, cells))
    report = ingest_file(ref_db, "workforce", text.encode("utf-8"), "n.csv", user="a")
    assert report.ok, [str(p) for p in report.problems]
    got = rows(ref_db, "SELECT role_family, headcount FROM workforce")
    assert sorted(got) == sorted(zip(families, [12, 12, 12, 1200, 40, 7, 0, 99999]))


def test_integer_cast_spellings_the_contract_refuses(ref_db):
    # DuckDB's CAST('+12' AS BIGINT) is 12, '1e2' is 100, '0x10' is 16, '1_000' is 1000
    # and '1.5' rounds to 2: none is a whole number as the contract writes one.
    bad = ["+12", "1e2", "0x10", "1_000", "1.5", "12e2"]
    text = WF + "".join(f"E06000001,2025-Q{1 + i % 3},{'data' if i < 3 else 'architecture'},{c},0\n"
                        for i, c in enumerate(bad))
    before = content_digest(ref_db)
    report = ingest_file(ref_db, "workforce", text.encode(), "b.csv", user="a")
    assert not report.ok and report.batch_id is None
    assert [(p.row, p.column, p.value, p.message) for p in report.errors] == [
        (i + 2, "headcount", c, "expected a whole number from 0 to 100,000") for i, c in enumerate(bad)]
    assert content_digest(ref_db) == before


def test_negative_fast_and_slow_paths_agree(ref_db):
    # '-5' (as DuckDB writes it) and '- 5' (slow path: a sign, a space) are both -5: refused
    # as negative, each once, with the cell as written.
    report = validate_file(ref_db, "workforce", (WF + "E06000001,2025-Q3,data,-5,0\n"
                                                 "E06000001,2025-Q3,architecture,- 5,0\n").encode(), "m.csv")
    assert [(p.row, p.value, p.message) for p in report.errors] == [
        (2, "-5", "a count or amount cannot be negative"),
        (3, "- 5", "a count or amount cannot be negative")]
