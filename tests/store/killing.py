"""Work for tests/store/test_kill.py to do in a process of its own, and to be killed
(SIGKILL) part-way: a load, a rollback, `store init --demo`; and the checks made on the
database and the folder beside it afterwards.

The processes are forked from a server that has imported the store already
(multiprocessing's forkserver), so each starts in milliseconds and the kill lands in the
work, not in Python's start-up."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import time
from pathlib import Path

import duckdb

from store import kinds, schema, scratch

_CONTEXT = None


def context():
    """The forkserver context, its server preloaded with the store (once per process)."""
    global _CONTEXT
    if _CONTEXT is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["tests.store.killing", "store.init", "store.ingest"])
        _CONTEXT = ctx
    return _CONTEXT


# --- the work ----------------------------------------------------------------------------


def load(db: str, kind: str, path: str) -> None:
    from store.ingest import ingest_file

    data = Path(path).read_bytes()
    report = ingest_file(db, kind, data, Path(path).name, user="killed")
    assert report.ok, [str(p) for p in report.problems]


def rollback(db: str, batch_id: int) -> None:
    from store.batches import rollback as undo

    undo(db, batch_id, user="killed")


def init_demo(db: str, today: str | None = None) -> None:
    """`store init --demo` (``today``: TRACKER_TODAY, which sets the demo's quarters)."""
    from store.init import cli_init

    if today:
        os.environ["TRACKER_TODAY"] = today
    with open(os.devnull, "w") as out:
        os.dup2(out.fileno(), 1)
    cli_init(argparse.Namespace(db=db, demo=True, reference_dir=None))


def nothing() -> None:
    pass


def warm() -> None:
    """Start the fork server (it imports the store once) before anything is timed."""
    run(nothing)


def run(target, *args) -> float:
    """Run to the end (seconds taken)."""
    start = time.perf_counter()
    p = context().Process(target=target, args=args)
    p.start()
    p.join(120)
    assert p.exitcode == 0, f"{target.__name__} failed: exit code {p.exitcode}"
    return time.perf_counter() - start


def run_and_kill(target, *args, after: float) -> bool:
    """Start, SIGKILL after ``after`` seconds; True when the kill landed (not finished)."""
    p = context().Process(target=target, args=args)
    p.start()
    p.join(after)
    landed = p.exitcode is None
    if landed:
        os.kill(p.pid, signal.SIGKILL)
    p.join(60)
    assert p.exitcode is not None
    if not landed:
        assert p.exitcode == 0, f"{target.__name__} failed: exit code {p.exitcode}"
    return landed


# --- the checks ----------------------------------------------------------------------------


def check_database(db: Path, demo_batches: int = 30) -> dict:
    """Every batch whole or absent: an active batch's rows are all there (in force or
    replaced by a later one), a rolled-back batch has none, no row belongs to no batch,
    and the demo is all there (30 batches and the flag) or not at all."""
    con = duckdb.connect(str(db))  # (a killed writer's log is replayed here)
    try:
        batches = con.execute(
            "SELECT batch_id, kind, status, rows_added, demo FROM batches ORDER BY batch_id"
        ).fetchall()
        ids = [b[0] for b in batches]
        for batch_id, kind, status, added, _demo in batches:
            table = kinds.get(kind).table
            live = con.execute(f"SELECT count(*) FROM {table} WHERE batch_id = ?", [batch_id])
            n_live = live.fetchall()[0][0]
            gone = con.execute(
                f"SELECT count(*) FROM {table}_replaced WHERE batch_id = ?", [batch_id]
            ).fetchall()[0][0]
            if status == "active":
                assert n_live + gone == added, (batch_id, kind, n_live, gone, added)
            else:
                assert n_live == 0 and gone == 0, (batch_id, kind, n_live, gone)
                back = con.execute(
                    f"SELECT count(*) FROM {table}_replaced WHERE replaced_by = ?", [batch_id]
                ).fetchall()[0][0]
                assert back == 0, (batch_id, "rows it replaced were not restored")
        for table in schema.DATA_TABLES:
            if table == "councils":
                continue
            stray = con.execute(
                f"SELECT count(*) FROM {table} WHERE NOT list_contains(?, batch_id)", [ids]
            ).fetchall()[0][0]
            assert stray == 0, (table, stray, "rows of no batch")
        demo = sum(1 for b in batches if b[4] and b[2] == "active")
        flag = con.execute("SELECT count(*) FROM meta WHERE key = 'demo'").fetchall()[0][0]
        assert (demo, flag) in ((0, 0), (demo_batches, 1)), (demo, flag, "part of a demo")
        return {
            "batches": len(batches),
            "active": sum(b[2] == "active" for b in batches),
            "demo": demo,
        }
    finally:
        con.close()


def next_run(db: Path) -> None:
    """What the next load, rollback or init does first: clean up after a killed one."""
    from store.db import connect, write_lock

    with connect(db) as con:
        with write_lock():
            scratch.clean(db, scratch.referenced_files(con))


def check_folder(db: Path) -> list[str]:
    """The folder beside the database after the next run: the database, and uploads/
    holding exactly the originals the batches refer to (each one there). Returns what
    else is there (should be nothing)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        referenced = set(scratch.referenced_files(con))
    finally:
        con.close()
    folder = db.parent
    stored = {f"uploads/{p.name}" for p in (folder / "uploads").glob("*")}
    missing = sorted(referenced - stored)
    assert not missing, ("originals missing", missing)
    extra = sorted(stored - referenced)
    others = sorted(p.name for p in folder.iterdir() if p.name not in (db.name, "uploads"))
    return extra + others


def newest_active(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT max(batch_id) FROM batches WHERE status = 'active'").fetchall()[
            0
        ][0]
    finally:
        con.close()
