"""The batch log: history, rollback, the original files.

    history(con)                      -> DataFrame, newest first (with the quarters each covers)
    rollback(db, batch_id, user=...)  -> RollbackResult (StoreError says why not)
    remove_demo(db, user=...)         -> DemoRemoval: every demo batch rolled back at once
    demo_loaded(con)                  -> any active demo batch?
    demo_summary(con)                 -> DemoSummary: its batches, rows and quarters
    active_up_to(con, "2026-Q3")      -> the active batches holding rows up to a quarter
    original_file(con, batch_id)      -> the uploaded file as it was, or None

A rollback deletes the batch's rows, puts back the rows it replaced, marks the batch
rolled back and bumps data_version, in one transaction. It is refused while a later
active batch has replaced some of the batch's rows (roll that one back first).

Removing the demo rolls back every active demo batch in one transaction: the demo's rows
go, whether in force or replaced by a real upload since (so rolling that upload back
later brings no demo row back), and the meta flag ``demo`` with them.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from store import kinds as _kinds
from store import quarters, schema, scratch
from store.db import StoreError, connect, transaction, write_lock
from store.reference import rebuild_names

HISTORY_COLUMNS = [
    "batch_id",
    "kind",
    "file_name",
    "quarters",
    "rows_in_file",
    "rows_added",
    "rows_replaced",
    "warnings",
    "uploaded_by",
    "uploaded_at",
    "status",
    "rolled_back_at",
    "rolled_back_by",
    "demo",
    "file_sha256",
    "stored_file",
]


@dataclass
class RollbackResult:
    batch_id: int
    kind: str
    file_name: str
    rows_removed: int
    rows_restored: int

    def summary(self) -> str:
        return (
            f"Batch {self.batch_id} ({self.kind}, {self.file_name}) rolled back: removed "
            f"{self.rows_removed:,} row{'s' if self.rows_removed != 1 else ''} and restored "
            f"{self.rows_restored:,} row{'s' if self.rows_restored != 1 else ''} it had replaced."
        )


def _quarter_column(table: str) -> str | None:
    cols = schema.columns(table)
    return "quarter" if "quarter" in cols else "start_quarter" if "start_quarter" in cols else None


def batch_quarters(con: duckdb.DuckDBPyConnection) -> dict[int, list[str]]:
    """The quarters of each batch's rows, oldest first, from its rows in force and those a
    later batch replaced (a rolled-back batch has none left: it is not in the result).
    Placements count by their start quarter; a councils batch has no quarter."""
    parts = []
    for table in schema.DATA_TABLES:
        col = _quarter_column(table)
        if col is None or table == "survey_standards":
            continue
        for t in (table, table + "_replaced"):
            parts.append(f"SELECT DISTINCT batch_id, {col} AS quarter FROM {t}")
    sql = (
        "SELECT batch_id, list(DISTINCT quarter ORDER BY quarter) FROM ("
        + " UNION ALL ".join(parts)
        + ") GROUP BY batch_id"
    )
    return {int(b): list(q) for b, q in con.execute(sql).fetchall()}


def history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every batch, newest first; ``quarters``: the quarters its rows cover, as text
    ("2026-Q2, 2026-Q3", "2024-Q1 to 2026-Q3"; empty for a councils batch or a rolled-back
    one: its rows are gone)."""
    cols = [c for c in HISTORY_COLUMNS if c != "quarters"]
    sql = "SELECT " + ", ".join(cols) + " FROM batches ORDER BY batch_id DESC"
    frame = con.execute(sql).df()
    covered = batch_quarters(con)
    frame.insert(
        HISTORY_COLUMNS.index("quarters"),
        "quarters",
        [quarters.span_text(covered.get(int(b), [])) for b in frame["batch_id"]],
    )
    return frame


def demo_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    rows = con.execute("SELECT count(*) FROM batches WHERE demo AND status = 'active'").fetchall()
    return rows[0][0] > 0


@dataclass(frozen=True)
class DemoSummary:
    """The demo data in force: its active batches, the rows they hold, the quarters."""

    batches: tuple[int, ...]
    rows: int  # rows of the demo in force (not counting rows a real upload replaced)
    first_quarter: str | None
    last_quarter: str | None


def _demo_ids(con: duckdb.DuckDBPyConnection) -> list[int]:
    rows = con.execute(
        "SELECT batch_id FROM batches WHERE demo AND status = 'active' ORDER BY batch_id"
    ).fetchall()
    return [int(r[0]) for r in rows]


def demo_summary(con: duckdb.DuckDBPyConnection) -> DemoSummary:
    ids = _demo_ids(con)
    if not ids:
        return DemoSummary((), 0, None, None)
    rows = 0
    quarters: set[str] = set()
    for table in schema.DATA_TABLES:
        if table == "survey_standards":
            continue
        rows += con.execute(
            f"SELECT count(*) FROM {table} WHERE list_contains(?, batch_id)", [ids]
        ).fetchall()[0][0]
    covered = batch_quarters(con)
    for b in ids:
        quarters.update(covered.get(b, []))
    ordered = sorted(quarters)
    return DemoSummary(
        tuple(ids), int(rows), ordered[0] if ordered else None, ordered[-1] if ordered else None
    )


@dataclass
class DemoRemoval:
    batches: list[int]
    rows_removed: int  # rows of the demo that were in force

    def summary(self) -> str:
        n = len(self.batches)
        return (
            f"The demo data was removed: {n} demo batch{'es' if n != 1 else ''} rolled back "
            f"in one step ({self.rows_removed:,} row{'s' if self.rows_removed != 1 else ''} of "
            "generated figures). The loaded figures now hold only the returns uploaded; viewers "
            "see the change with the next release."
        )


def remove_demo(db, *, user: str) -> DemoRemoval:
    """Roll back every active demo batch in one transaction (see the module's text)."""
    with connect(db) as con:
        with write_lock():  # (what a killed load left behind: store.scratch)
            scratch.clean(db, scratch.referenced_files(con))
        ids = _demo_ids(con)
        if not ids:
            raise StoreError("There is no demo data to remove; nothing was changed.")
        kinds_in = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT kind FROM batches WHERE list_contains(?, batch_id)", [ids]
            ).fetchall()
        }
        tables: list[str] = []
        for name in sorted(kinds_in):
            tables += [t for t in _tables(_kinds.get(name)) if t not in tables]
        for t in tables:
            # A demo batch that replaced rows of a real upload (the demo is only ever
            # loaded into a database without real data, so this is a foreign file):
            # those rows would have to come back; roll the batches back one by one.
            mixed = con.execute(
                f"SELECT min(replaced_by) FROM {t}_replaced WHERE list_contains(?, replaced_by) "
                "AND NOT list_contains(?, batch_id)",
                [ids, ids],
            ).fetchall()[0][0]
            if mixed is not None:
                raise StoreError(
                    f"Demo batch {mixed} replaced rows of a real upload, so the demo cannot be "
                    "removed in one step; roll its batches back one at a time, newest first. "
                    "Nothing was changed."
                )
        removed = 0
        with transaction(con):
            for t in tables:
                if t != "survey_standards":
                    removed += con.execute(
                        f"SELECT count(*) FROM {t} WHERE list_contains(?, batch_id)", [ids]
                    ).fetchall()[0][0]
                con.execute(f"DELETE FROM {t} WHERE list_contains(?, batch_id)", [ids])
                con.execute(f"DELETE FROM {t}_replaced WHERE list_contains(?, batch_id)", [ids])
            con.execute(
                "UPDATE batches SET status = 'rolled_back', rolled_back_at = ?, "
                "rolled_back_by = ? WHERE list_contains(?, batch_id)",
                [_dt.datetime.now().replace(microsecond=0), user or "unknown", ids],
            )
            con.execute("DELETE FROM meta WHERE key = 'demo'")
            if any(_kinds.get(k).replaces_all for k in kinds_in):
                rebuild_names(con)
            schema.bump_data_version(con)
    return DemoRemoval(ids, int(removed))


# Tables that hold returns, each with the column saying which quarter a row is for (an
# allow-list: the only identifiers active_up_to puts into its query).
QUARTER_COLUMNS = {
    "survey": "quarter",
    "survey_standards": "quarter",
    "workforce": "quarter",
    "exchanges": "quarter",
    "placements": "start_quarter",
    "milestones": "quarter",
}
UP_TO_COLUMNS = ["batch_id", "kind", "file_name", "uploaded_at", "uploaded_by", "demo"]


def active_up_to(
    con: duckdb.DuckDBPyConnection, quarter: str, *, delivery: bool = False
) -> list[tuple]:
    """The active batches holding rows for ``quarter`` or earlier in the returns' tables
    (``delivery``: the delivery register's updates too), and any councils upload; one
    tuple of UP_TO_COLUMNS each, by batch number."""
    columns = dict(QUARTER_COLUMNS)
    if delivery:
        columns["delivery"] = "quarter"
    parts = [
        "SELECT DISTINCT batch_id FROM " + table + " WHERE " + column + " <= ?"
        for table, column in columns.items()
    ]
    parts.append("SELECT DISTINCT batch_id FROM councils WHERE batch_id IS NOT NULL")
    sql = (
        "SELECT " + ", ".join(UP_TO_COLUMNS) + " FROM batches WHERE status = 'active' "
        "AND batch_id IN (" + " UNION ".join(parts) + ") ORDER BY batch_id"
    )
    return con.execute(sql, [quarter] * len(columns)).fetchall()


def _db_folder(con: duckdb.DuckDBPyConnection) -> Path | None:
    rows = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return Path(rows[0][0]).resolve().parent if rows and rows[0][0] else None


def original_file(con: duckdb.DuckDBPyConnection, batch_id: int) -> Path | None:
    """The file as uploaded for ``batch_id``, if it is still there."""
    rows = con.execute("SELECT stored_file FROM batches WHERE batch_id = ?", [batch_id]).fetchall()
    if not rows or not rows[0][0]:
        return None
    stored = Path(rows[0][0])
    if not stored.is_absolute():
        folder = _db_folder(con)
        if folder is None:
            return None
        stored = folder / stored
    return stored if stored.is_file() else None


def _tables(kind: _kinds.Kind) -> list[str]:
    return [kind.table] + (["survey_standards"] if kind.has_standards else [])


def rollback(db, batch_id: int, *, user: str) -> RollbackResult:
    """Undo a batch: delete its rows and restore the rows it replaced (one transaction)."""
    with connect(db) as con:
        with write_lock():  # (what a killed load left behind: store.scratch)
            scratch.clean(db, scratch.referenced_files(con))
        rows = con.execute(
            "SELECT kind, file_name, status, rolled_back_at, rolled_back_by "
            "FROM batches WHERE batch_id = ?",
            [batch_id],
        ).fetchall()
        if not rows:
            last = con.execute("SELECT max(batch_id) FROM batches").fetchall()[0][0]
            known = f"the batches are numbered 1 to {last}" if last else "there are no batches yet"
            raise StoreError(
                f"There is no batch {batch_id} ({known}); nothing was changed. "
                "See `python -m store history`."
            )
        kind_name, file_name, status, at, by = rows[0]
        if status != "active":
            raise StoreError(
                f"Batch {batch_id} ({kind_name}, {file_name}) was already rolled back "
                f"on {at:%Y-%m-%d %H:%M} by {by}; nothing was changed."
            )
        kind = _kinds.get(kind_name)
        later: set[int] = set()
        for t in _tables(kind):
            sql = "SELECT DISTINCT replaced_by FROM " + t + "_replaced WHERE batch_id = ?"
            later |= {r[0] for r in con.execute(sql, [batch_id]).fetchall()}
        if later:
            order = sorted(later, reverse=True)
            raise StoreError(
                f"Batch {batch_id} cannot be rolled back yet: later batch"
                f"{'es' if len(order) > 1 else ''} {', '.join(map(str, order))} replaced some of "
                f"its rows. Roll back batch {order[0]} first; nothing was changed."
            )
        removed = restored = 0
        with transaction(con):
            for i, t in enumerate(_tables(kind)):
                cols = ", ".join(schema.columns(t))
                count = "SELECT count(*) FROM " + t + " WHERE batch_id = ?"
                n_removed = con.execute(count, [batch_id]).fetchall()[0][0]
                con.execute("DELETE FROM " + t + " WHERE batch_id = ?", [batch_id])
                count = "SELECT count(*) FROM " + t + "_replaced WHERE replaced_by = ?"
                n_restored = con.execute(count, [batch_id]).fetchall()[0][0]
                restore = (
                    "INSERT INTO "
                    + t
                    + " ("
                    + cols
                    + ") SELECT "
                    + cols
                    + " FROM "
                    + t
                    + "_replaced WHERE replaced_by = ?"
                )
                con.execute(restore, [batch_id])
                con.execute("DELETE FROM " + t + "_replaced WHERE replaced_by = ?", [batch_id])
                if i == 0:
                    removed, restored = n_removed, n_restored
            con.execute(
                "UPDATE batches SET status = 'rolled_back', rolled_back_at = ?, "
                "rolled_back_by = ? WHERE batch_id = ?",
                [_dt.datetime.now().replace(microsecond=0), user or "unknown", batch_id],
            )
            if kind.replaces_all:
                rebuild_names(con)
            schema.bump_data_version(con)
    return RollbackResult(batch_id, kind_name, file_name, removed, restored)


# --- command line ------------------------------------------------------------------------


def cli_history(args) -> int:
    """`python -m store history [--db PATH] [--json]`."""
    with connect(args.db) as con:
        frame = history(con)
    if args.json:
        records = []
        for rec in frame.to_dict(orient="records"):
            records.append({k: _jsonable(v) for k, v in rec.items()})
        print(json.dumps(records, indent=2))
        return 0
    if frame.empty:
        print("No batches yet. Load a file with: python -m store ingest KIND FILE")
        return 0
    show = frame[
        [
            "batch_id",
            "kind",
            "file_name",
            "quarters",
            "rows_added",
            "rows_replaced",
            "warnings",
            "uploaded_by",
            "uploaded_at",
            "status",
            "demo",
        ]
    ].copy()
    show["uploaded_at"] = show["uploaded_at"].map(lambda t: f"{t:%Y-%m-%d %H:%M}")
    show["demo"] = show["demo"].map(lambda d: "demo" if d else "")
    print(show.to_string(index=False))
    return 0


def _jsonable(v):
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, (pd.Timestamp, _dt.datetime, _dt.date)):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v


def cli_remove_demo(args) -> int:
    """`python -m store remove-demo [--db PATH] [--user NAME]`."""
    result = remove_demo(args.db, user=args.user or getpass.getuser())
    print(result.summary(), file=sys.stdout)
    return 0


def cli_rollback(args) -> int:
    """`python -m store rollback BATCH_ID [--db PATH] [--user NAME]`."""
    result = rollback(args.db, args.batch_id, user=args.user or getpass.getuser())
    print(result.summary(), file=sys.stdout)
    return 0
