"""`python -m metrics board-pack`: what it refuses, with which exit code and message.
(The packs it makes are checked in test_boardpack.py.)"""

from __future__ import annotations

import pytest

from tests.reports.conftest import run_metrics


def pack(db, *args):
    return run_metrics("board-pack", "--db", str(db), *args)


def test_unknown_quarter_exits_1_with_a_message(small_db, tmp_path):
    out = pack(small_db, "--as-of", "2031-Q1", "--out", str(tmp_path / "p.pdf"))
    assert out.returncode == 1
    assert out.stderr.startswith("error: No data for 2031-Q1: the database holds quarters ")
    assert not (tmp_path / "p.pdf").exists()


def test_unreadable_quarter_exits_1(small_db, tmp_path):
    out = pack(small_db, "--as-of", "2026-Q9", "--out", str(tmp_path / "p.pdf"))
    assert out.returncode == 1
    assert out.stderr.startswith("error: Unknown quarter")


def test_unknown_scope_exits_1_naming_the_choices(small_db, tmp_path):
    out = pack(
        small_db,
        "--as-of",
        "2026-Q3",
        "--scope",
        "footprint:E47000999",
        "--out",
        str(tmp_path / "p.html"),
    )
    assert out.returncode == 1
    assert out.stderr.strip() == (
        "error: Unknown footprint 'E47000999': the database has no footprint (combined or "
        "strategic authority) with that code or name. Use one of: E47000001 (Greater "
        "Manchester); E47000006 (Tees Valley)."
    )
    assert not (tmp_path / "p.html").exists()


def test_unreadable_scope_exits_1(small_db, tmp_path):
    out = pack(small_db, "--scope", "county:E10000001", "--out", str(tmp_path / "p.pdf"))
    assert out.returncode == 1
    assert "Unknown scope 'county:E10000001': use england, region:<code>" in out.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--out", "pack.docx"], "--out pack.docx: the file name must end in .pdf or .html"),
        ([], "the following arguments are required: --out"),
        (["--out", "p.pdf", "--colour"], "unrecognized arguments: --colour"),
    ],
)
def test_usage_errors_exit_2(small_db, args, message):
    out = pack(small_db, *args)
    assert out.returncode == 2
    assert message in out.stderr


def test_missing_database_exits_1(tmp_path):
    out = pack(tmp_path / "none.duckdb", "--out", str(tmp_path / "p.pdf"))
    assert out.returncode == 1
    assert out.stderr.startswith("error: ")
