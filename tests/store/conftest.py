"""Fixtures for the ingest tests: the real reference geography built once per session
(plus one abolished council, so 'ended' can be tested), copied for each test."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from tests import factory

HERE = Path(__file__).resolve().parent
BROKEN = HERE / "broken"
AWKWARD = HERE / "awkward"

# Forest Heath: abolished on 2019-03-31 (merged into West Suffolk). Added to the test
# database so that an upload naming it can be refused as not current.
ENDED = ("E07000201", "Forest Heath", "2019-03-31")


@pytest.fixture(scope="session")
def _reference_file(tmp_path_factory) -> Path:
    path = factory.build("reference", tmp_path_factory.mktemp("ingest-ref") / "reference.duckdb")
    con = duckdb.connect(str(path))
    try:
        code, name, ended = ENDED
        con.execute(
            "INSERT INTO councils (council_code, name, council_type, region_code, region_name, "
            "end_date) VALUES (?, ?, 'district', 'E12000006', 'East of England', ?)",
            [code, name, ended],
        )
        con.execute(
            "INSERT INTO council_names VALUES (lower(?), ?, 'gss'), ('forestheath', ?, 'name')",
            [code, code, code],
        )
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def shared_ref_db(_reference_file, tmp_path_factory) -> Path:
    """One copy per test module, for tests that must write nothing (they check it)."""
    target = tmp_path_factory.mktemp("shared") / "tracker.duckdb"
    shutil.copy(_reference_file, target)
    return target


@pytest.fixture
def ref_db(_reference_file, tmp_path) -> Path:
    """A fresh copy of the reference database in the test's own folder."""
    target = tmp_path / "tracker.duckdb"
    shutil.copy(_reference_file, target)
    return target


def content_digest(db: Path) -> str:
    """A digest of every table's content, not of the file's bytes: per table the row
    count and the sum of the rows' hashes (order does not matter, duplicates count)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = sorted(
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        )
        h = hashlib.sha256()
        for t in tables:
            quoted = '"' + t.replace('"', '""') + '"'
            sql = "SELECT count(*), sum(CAST(hash(t) AS HUGEINT)) FROM " + quoted + " t"
            h.update(repr((t, con.execute(sql).fetchall())).encode())
        return h.hexdigest()
    finally:
        con.close()


def rows(db: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
