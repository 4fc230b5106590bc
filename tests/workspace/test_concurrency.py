"""Running together: uploads at the same time in one process (two analysts on one
dashboard) and in two processes (two command-line loads). No batch may be lost and no
lock error may reach a person."""

import subprocess
import sys
import threading

import pytest

from store import ingest
from tests.conftest import ROOT
from tests.workspace.conftest import query

HEADER = b"council_code,quarter,data_maturity\n"
# Four files; A and B both send Hartlepool (E06000001), so one of them replaces the other.
FILES = {
    "a.csv": HEADER + b"E06000001,2026-Q3,3\nE06000002,2026-Q3,4\n",
    "b.csv": HEADER + b"E06000001,2026-Q3,5\nE06000003,2026-Q3,2\n",
    "c.csv": HEADER + b"E06000004,2026-Q3,1\n",
    "d.csv": HEADER + b"E06000005,2026-Q3,2\nE06000006,2026-Q3,3\n",
}


@pytest.fixture
def db(make_db):
    return make_db("reference")


def upload_together(db, names, files=FILES):
    """Start one thread per file, released together; return {name: Report or exception}."""
    gate = threading.Barrier(len(names))
    out = {}

    def run(name):
        gate.wait()
        try:
            out[name] = ingest.ingest_file(db, "survey", files[name], name, user=name[0])
        except Exception as exc:  # recorded, so the test names it
            out[name] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def test_four_uploads_in_one_process_at_once_all_land(db):
    version = int(query(db, "SELECT value FROM meta WHERE key = 'data_version'")[0][0])
    out = upload_together(db, list(FILES))
    failures = {n: r for n, r in out.items() if isinstance(r, Exception) or r.batch_id is None}
    assert failures == {}
    assert sorted(r.batch_id for r in out.values()) == [1, 2, 3, 4]
    assert query(db, "SELECT count(*) FROM batches WHERE status = 'active'") == [(4,)]
    # 7 rows sent for 6 councils: Hartlepool comes from whichever of A and B loaded last.
    later = "a.csv" if out["a.csv"].batch_id > out["b.csv"].batch_id else "b.csv"
    rows = dict(query(db, "SELECT council_code, data_maturity FROM survey"))
    assert rows == {
        "E06000001": 3 if later == "a.csv" else 5,
        "E06000002": 4,
        "E06000003": 2,
        "E06000004": 1,
        "E06000005": 2,
        "E06000006": 3,
    }
    assert query(db, "SELECT count(*), min(replaced_by) FROM survey_replaced") == [
        (1, out[later].batch_id)
    ]
    # Every batch bumped the data version once.
    assert int(query(db, "SELECT value FROM meta WHERE key = 'data_version'")[0][0]) == version + 4


def test_rows_replaced_is_recorded_right_when_uploads_overlap(db):
    # (H1: store.ingest now counts the rows to replace inside its write transaction.)
    files = dict(FILES)
    for _ in range(3):
        out = upload_together(db, ["a.csv", "b.csv"], files)
        later = max(out.values(), key=lambda r: r.batch_id)
        recorded = query(
            db, "SELECT rows_replaced FROM batches WHERE batch_id = ?", [later.batch_id]
        )
        kept = query(
            db, "SELECT count(*) FROM survey_replaced WHERE replaced_by = ?", [later.batch_id]
        )
        assert recorded == kept
        from store import batches

        for r in sorted(out.values(), key=lambda r: -r.batch_id):
            batches.rollback(db, r.batch_id, user="t")
        files["a.csv"] += b"\n"  # a new hash each round, so it is not a duplicate
        files["b.csv"] += b"\n"


def _cli(db, path, user):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "store",
            "ingest",
            "survey",
            str(path),
            "--db",
            str(db),
            "--user",
            user,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_command_line_loads_at_once_both_land(db, tmp_path):
    paths = []
    for name in ("a.csv", "d.csv"):
        paths.append(tmp_path / name)
        paths[-1].write_bytes(FILES[name])
    procs = [_cli(db, p, p.stem) for p in paths]
    results = [(p.wait(120), *p.communicate()) for p in procs]
    for code, out, err in results:
        assert code == 0, (out, err)
        assert "lock" not in (out + err).lower()
    assert sorted(query(db, "SELECT file_name, uploaded_by FROM batches")) == [
        ("a.csv", "a"),
        ("d.csv", "d"),
    ]
    assert query(db, "SELECT count(*) FROM survey") == [(4,)]


def test_a_load_that_waits_too_long_says_busy_and_writes_nothing(db, tmp_path):
    """Another process holds the database past TRACKER_LOCK_WAIT: a clear message, exit 1."""
    import os

    path = tmp_path / "c.csv"
    path.write_bytes(FILES["c.csv"])
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('held', flush=True); time.sleep(30)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        done = subprocess.run(
            [sys.executable, "-m", "store", "ingest", "survey", str(path), "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "TRACKER_LOCK_WAIT": "1"},
            timeout=60,
        )
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    assert "is in use by another process" in done.stderr and "Try again in a minute" in done.stderr
    assert "Could not set lock" not in done.stderr
    assert query(db, "SELECT count(*) FROM batches") == [(0,)]
