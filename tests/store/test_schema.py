"""Schema versions: an older file is upgraded in place; a newer or foreign file is refused
and left exactly as it was."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from store import schema
from store.db import SchemaError, connect


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_v1(path) -> None:
    con = duckdb.connect(str(path))
    for statement in schema.MIGRATIONS[1]:
        con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1'), ('data_version', '5')")
    con.execute(
        "INSERT INTO batches (batch_id, kind, file_name, file_sha256, rows_in_file, rows_added, "
        "rows_replaced, uploaded_by, uploaded_at) VALUES (1, 'survey', 'survey_2025-Q2.csv', "
        "'abc', 2, 2, 0, 'ana', TIMESTAMP '2025-07-01 10:00:00')"
    )
    con.execute(
        "INSERT INTO survey (council_code, quarter, data_maturity, batch_id) "
        "VALUES ('E06000001', '2025-Q2', 3, 1), ('E06000002', '2025-Q2', 4, 1)"
    )
    con.close()


def test_version_1_file_is_upgraded_in_place(db_path):
    make_v1(db_path)
    with connect(db_path) as con:
        assert schema.version(con) == schema.SCHEMA_VERSION == 3
        cols = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'batches'"
            ).fetchall()
        ]
        assert "stored_file" in cols
        # v3: the delivery updates and their replaced rows
        assert con.execute("SELECT count(*) FROM delivery").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM delivery_replaced").fetchall() == [(0,)]
        # the data and the counters survive the upgrade
        assert con.execute("SELECT batch_id, file_name, stored_file FROM batches").fetchall() == [
            (1, "survey_2025-Q2.csv", None)
        ]
        assert con.execute("SELECT sum(data_maturity) FROM survey").fetchall() == [(7,)]  # 3 + 4
        assert schema.data_version(con) == 5
    # and a second connection finds nothing left to do
    with connect(db_path) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [
            ("3",)
        ]


def test_newer_file_is_refused_and_unchanged(db_path):
    make_v1(db_path)
    con = duckdb.connect(str(db_path))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    before = sha(db_path)
    with pytest.raises(
        SchemaError,
        match=r"newer Blueprint Tracker \(schema version 99\).*up to version 3.*not changed",
    ):
        with connect(db_path):
            pass
    assert sha(db_path) == before
    con = duckdb.connect(str(db_path))
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [
        ("99",)
    ]
    assert "stored_file" not in [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'batches'"
        ).fetchall()
    ]
    con.close()


def test_foreign_duckdb_file_is_refused_and_unchanged(db_path):
    con = duckdb.connect(str(db_path))
    con.execute("CREATE TABLE orders (id INTEGER, total DOUBLE)")
    con.execute("INSERT INTO orders VALUES (1, 9.5)")
    con.close()
    before = sha(db_path)
    with pytest.raises(SchemaError, match=r"not a Blueprint Tracker database .*orders"):
        with connect(db_path):
            pass
    assert sha(db_path) == before
    con = duckdb.connect(str(db_path))
    assert [
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    ] == ["orders"]
    con.close()


def test_new_file_gets_the_current_schema(db_path):
    with connect(db_path, create=True) as con:
        assert schema.version(con) == schema.SCHEMA_VERSION
        assert schema.data_version(con) == 0
        tables = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    assert {
        "councils",
        "council_names",
        "regions",
        "centres",
        "survey_standards",
        "milestones_replaced",
        "batches",
        "meta",
    } <= tables
