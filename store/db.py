"""Connections to the tracker's DuckDB file, and the store's domain exceptions.

One rule for every caller (dashboard, command line, tests): open a connection for one
unit of work and close it straight after, with ``with connect(path) as con:``. DuckDB
lets only one process hold the file at a time, so a connection that finds the file
locked by another process (a running dashboard, a command-line ingest) waits and
retries for up to ``TRACKER_LOCK_WAIT`` seconds (default 20) before raising
StoreBusy. Inside one process, connections to the same file share one database, and
each thread must use its own connection or cursor (never share one across threads).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from store import paths, schema
from store.errors import SchemaError, StoreBusy, StoreError, StoreMissing

__all__ = [
    "SchemaError",
    "StoreBusy",
    "StoreError",
    "StoreMissing",
    "connect",
    "db_file",
    "lock_wait_seconds",
    "open_connection",
    "transaction",
    "write_lock",
]


def _is_lock_error(exc: Exception) -> bool:
    """Another process holds the file (its lock), or another connection of this process
    has it attached for a load's write (store.ingest_write.writer)."""
    text = str(exc)
    return (
        "Could not set lock" in text
        or "Conflicting lock" in text
        or "Unique file handle conflict" in text
    )


def lock_wait_seconds() -> float:
    try:
        return float(os.environ.get("TRACKER_LOCK_WAIT", "20"))
    except ValueError:
        return 20.0


def open_connection(
    db: str | os.PathLike | None = None, *, create: bool = False, wait: float | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the database (read-write), retrying while another process holds the lock.

    Raises StoreMissing when the file does not exist and ``create`` is false, and
    StoreBusy when the lock is not released within ``wait`` seconds.
    """
    path = paths.db_path(db)
    if not create and not path.exists():
        raise StoreMissing(
            f"No database at {path}. Create it with: python -m store init --db {path} "
            "(add --demo for demo data)."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + (lock_wait_seconds() if wait is None else wait)
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path))
        except (duckdb.IOException, duckdb.ResourceInUseException) as exc:
            if not _is_lock_error(exc):
                raise StoreError(f"Could not open the database {path}: {exc}") from exc
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"The database {path} is in use by another process (an upload or a "
                    "command-line load) and was not released in time. Try again in a minute."
                ) from exc
            time.sleep(delay + random.random() * delay)
            delay = min(delay * 2, 0.5)


@contextmanager
def connect(
    db: str | os.PathLike | None = None, *, create: bool = False, wait: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """``with connect(db) as con:`` a short-lived connection, upgraded to the current schema."""
    con = open_connection(db, create=create, wait=wait)
    try:
        schema.ensure(con)
        yield con
    finally:
        con.close()


# Write transactions of one process run one at a time. DuckDB lets two connections of one
# process write at once but then fails the later commit ("Conflict on update!": both bump
# data_version and take the next batch id), which would lose a batch when two analysts
# upload through the same dashboard. Other processes are kept out by DuckDB's file lock.
_WRITE_LOCK = threading.RLock()


@contextmanager
def write_lock() -> Iterator[None]:
    """Hold this process's write lock (what ``transaction`` takes): for work that must
    not interleave with another thread's write, such as moving a committed batch's
    original into place or cleaning up after a killed load (store.scratch)."""
    if not _WRITE_LOCK.acquire(timeout=lock_wait_seconds()):
        raise StoreBusy(
            "Another load or rollback in this process did not finish in time; "
            "nothing was written. Try again in a minute."
        )
    try:
        yield
    finally:
        _WRITE_LOCK.release()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All-or-nothing: commit when the block ends normally, roll back on any exception.

    Waits (up to TRACKER_LOCK_WAIT seconds, then StoreBusy) while another thread of this
    process is inside a write transaction.
    """
    with write_lock():
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        else:
            con.execute("COMMIT")


def db_file(db: str | os.PathLike | None = None) -> Path:
    return paths.db_path(db)
