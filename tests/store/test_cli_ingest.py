"""`python -m store ingest|history|rollback` through a real subprocess: exit codes 0, 1, 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT
from tests.store.conftest import BROKEN, content_digest, rows


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TRACKER_TODAY": "2026-11-26"}
    return subprocess.run(
        [sys.executable, "-m", "store", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """The same command line in-process (fast), for the many steps of a round trip."""
    from store.cli import main

    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ingest_subprocess_exit_0(ref_db, tmp_path):
    f = tmp_path / "q3.csv"
    f.write_text("council_code,quarter,digital_spend_gbp\nE06000001,2025-Q3,100\n")
    done = run("ingest", "survey", str(f), "--db", str(ref_db), "--user", "ana")
    assert done.returncode == 0, done.stderr
    assert "Batch 1: q3.csv loaded: 1 row, replacing 0 stored rows" in done.stdout
    assert rows(ref_db, "SELECT council_code, digital_spend_gbp FROM survey") == [
        ("E06000001", 100.0)
    ]


def test_ingest_history_rollback_round_trip(ref_db, tmp_path, capsys):
    f = tmp_path / "q3.csv"
    f.write_text("council_code,quarter,digital_spend_gbp\nE06000001,2025-Q3,100\n")
    code, out, _ = cli(capsys, "ingest", "survey", str(f), "--db", str(ref_db), "--dry-run")
    assert code == 0 and "would write 1 row" in out and "Nothing was written" in out
    assert rows(ref_db, "SELECT count(*) FROM batches") == [(0,)]

    code, out, _ = cli(capsys, "ingest", "survey", str(f), "--db", str(ref_db), "--user", "ana")
    assert code == 0 and "Batch 1: q3.csv loaded" in out
    assert "2025-Q3  North East" in out

    code, out, _ = cli(capsys, "ingest", "survey", str(f), "--db", str(ref_db))
    assert code == 0 and "identical to batch 1" in out

    code, out, _ = cli(capsys, "history", "--db", str(ref_db), "--json")
    assert code == 0
    assert [(b["batch_id"], b["uploaded_by"], b["status"]) for b in json.loads(out)] == [
        (1, "ana", "active")
    ]
    code, out, _ = cli(capsys, "history", "--db", str(ref_db))
    assert "q3.csv" in out and "batch_id" in out

    code, out, _ = cli(capsys, "rollback", "1", "--db", str(ref_db), "--user", "bo")
    assert code == 0
    assert "Batch 1 (survey, q3.csv) rolled back: removed 1 row and restored 0 rows" in out
    code, _, err = cli(capsys, "rollback", "1", "--db", str(ref_db))
    assert code == 1 and "already rolled back" in err


def test_refused_file_exits_1_listing_every_problem(ref_db):
    before = content_digest(ref_db)
    out = run("ingest", "survey", str(BROKEN / "survey__future_quarter.csv"), "--db", str(ref_db))
    assert out.returncode == 1
    assert (
        "error: row 3, column quarter: value '2027-Q1': 2027-Q1 is after the current quarter"
        in out.stdout
    )
    assert "nothing was written" in out.stdout
    assert content_digest(ref_db) == before


def test_missing_file_or_bad_kind_is_a_usage_error(ref_db, tmp_path):
    out = run("ingest", "survey", str(tmp_path / "nope.csv"), "--db", str(ref_db))
    assert out.returncode == 2 and "no file at" in out.stderr

    import pytest

    from store.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["ingest", "nonsense", str(tmp_path / "nope.csv")])
    assert exc.value.code == 2
