"""`python -m store init`: creates the database, refreshes the reference geography, leaves
uploaded data alone, and refuses what it must (missing reference data; demo over real data)."""

from __future__ import annotations

from store import paths, schema
from store.cli import main
from store.db import connect


def add_batch(db, *, demo: bool) -> None:
    with connect(db) as con:
        con.execute(
            "INSERT INTO batches (batch_id, kind, file_name, file_sha256, rows_in_file, rows_added, "
            "rows_replaced, uploaded_by, uploaded_at, demo) VALUES (1, 'survey', 'q.csv', 'abc', 1, 1, 0, "
            "'ana', TIMESTAMP '2026-10-01 09:00:00', ?)",
            [demo],
        )
        con.execute(
            "INSERT INTO survey (council_code, quarter, data_maturity, batch_id) "
            "VALUES ('E06000001', '2026-Q3', 4, 1)"
        )


def test_init_creates_the_database(db_path, capsys):
    assert main(["init", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert f"Created {db_path}" in out
    assert "317 councils, 9 regions, 5 Centres of Service Innovation" in out
    with connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM councils").fetchall() == [(317,)]
        assert con.execute("SELECT count(*) FROM batches").fetchall() == [(0,)]
        assert schema.get_meta(con, "demo") is None


def test_rerun_refreshes_reference_and_keeps_data(db_path, capsys):
    assert main(["init", "--db", str(db_path)]) == 0
    add_batch(db_path, demo=False)
    with connect(db_path) as con:
        con.execute("DELETE FROM councils WHERE council_code = 'E06000002'")  # damage the reference
        before = schema.data_version(con)
    assert main(["init", "--db", str(db_path)]) == 0
    assert f"Refreshed {db_path}" in capsys.readouterr().out
    with connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM councils").fetchall() == [(317,)]
        assert con.execute("SELECT council_code, data_maturity FROM survey").fetchall() == [
            ("E06000001", 4)
        ]
        assert con.execute("SELECT count(*) FROM batches").fetchall() == [(1,)]
        assert schema.data_version(con) == before + 1


def test_demo_refused_over_real_data(db_path, capsys):
    assert main(["init", "--db", str(db_path)]) == 0
    add_batch(db_path, demo=False)
    with connect(db_path) as con:
        before = schema.data_version(con)
    capsys.readouterr()
    assert main(["init", "--demo", "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert (
        "Refused" in err
        and "1 uploaded batch(es) of real data" in err
        and "Nothing was changed" in err
    )
    with connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM batches").fetchall() == [(1,)]
        assert schema.data_version(con) == before
        assert schema.get_meta(con, "demo") is None


def test_missing_reference_data_exits_1_and_creates_nothing(db_path, tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("TRACKER_REFERENCE_DIR", str(empty))
    monkeypatch.setattr(paths, "DEFAULT_REFERENCE_DIR", tmp_path / "moved")
    assert main(["init", "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "error: The reference geography (the mySociety council list) was not found."
    )
    assert str(empty / paths.COUNCILS_CSV) in err
    assert str(tmp_path / "moved" / paths.COUNCILS_CSV) in err
    assert not db_path.exists()


def test_reference_dir_option(db_path, tmp_path, monkeypatch, capsys):
    # --reference-dir wins over a broken environment
    monkeypatch.setenv("TRACKER_REFERENCE_DIR", str(tmp_path / "nothing"))
    real = paths.reference_dir(paths.DEFAULT_REFERENCE_DIR)
    assert main(["init", "--db", str(db_path), "--reference-dir", str(real)]) == 0
    assert f"Reference source: {real} (" in capsys.readouterr().out
