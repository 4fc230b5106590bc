"""The write side of an ingest, with the database: a checked file ready to be written
(_Prepared), whether it is identical to a loaded batch, its preview, and every valid file
written as one batch each in one transaction under the write lock (retried when a
concurrent upload got in the way); then the originals move into uploads/."""

from __future__ import annotations

import datetime as _dt
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from store import kinds as _kinds
from store import paths, schema, scratch
from store.db import _is_lock_error, connect, transaction, write_lock
from store.ingest_preview import _ADDED, KEYS, _added_sql, _count, _match, _preview, look_closer
from store.ingest_report import Report
from store.problems import Problem
from store.read import suffix
from store.reference import rebuild_names
from store.scratch import Scratch, handover, parquet_source
from store.typed import TYPED

UPLOADS = scratch.UPLOADS  # folder beside the database file


def _active_duplicate(con, kind: str, sha: str) -> int | None:
    rows = con.execute(
        "SELECT min(batch_id) FROM batches WHERE kind = ? AND file_sha256 = ? "
        "AND status = 'active'",
        [kind, sha],
    ).fetchall()
    return rows[0][0]


def _note_duplicate(con, report: Report, batch_id: int) -> None:
    """The identical batch on the report: its number, when and by whom it was loaded."""
    report.duplicate_of = batch_id
    rows = con.execute(
        "SELECT uploaded_at, uploaded_by FROM batches WHERE batch_id = ?", [batch_id]
    ).fetchall()
    if rows:
        report.duplicate_loaded_at, report.duplicate_loaded_by = rows[0]


def _fingerprint(con) -> tuple:
    """Changes whenever the reference data the checks used changes (a councils upload)."""
    sql = (
        "SELECT (SELECT count(*) FROM councils), (SELECT sum(CAST(hash(c) AS HUGEINT)) FROM councils c), "
        "(SELECT sum(CAST(hash(n) AS HUGEINT)) FROM council_names n), "
        "(SELECT sum(CAST(hash(r) AS HUGEINT)) FROM regions r)"
    )
    return tuple(con.execute(sql).fetchall()[0])


@dataclass
class _Prepared:
    """A checked file, ready to be written: its report, and the staging database holding
    its typed rows (or, once frozen, those rows handed over as Parquet files)."""

    kind: _kinds.Kind
    report: Report
    data: bytes
    file_format: str
    stage: duckdb.DuckDBPyConnection | None
    fingerprint: tuple
    original: Path | None = None  # the bytes, in the scratch folder, for uploads/
    frozen: dict[str, Path] = field(default_factory=dict)  # name -> its Parquet file
    owns_stage: bool = True  # (else shared by several files: ingest_files)
    scratch: Scratch | None = None
    direct: bool = False  # the write runs in the staging database itself (see writer)

    def source(self, name: str) -> str:
        """A FROM item (in the connection the write runs in) for the rows to write:
        'rows', 'keys', 'added', or 'standard:<id>'. When the write runs in the staging
        database (``direct``), the staged rows themselves; else a Parquet file the
        staging database writes once (store.scratch.handover)."""
        if self.direct:
            return f"({self._sql(name)})"
        if name not in self.frozen:
            assert self.stage is not None and self.scratch is not None
            path = self.scratch.path(name.replace(":", "-") + ".parquet")
            self.frozen[name] = handover(self.stage, self._sql(name), path)
        return parquet_source(self.frozen[name])

    def _sql(self, name: str) -> str:
        kind = self.kind
        if name == "rows":
            cols = [c for c in schema.columns(kind.table) if c != "batch_id"]
            return f"SELECT {', '.join(cols)} FROM {TYPED}"
        if name == "keys":
            return f"SELECT * FROM {KEYS}"
        if name == "added":
            return _added_sql(kind)
        sid = name.split(":", 1)[1]
        if sid not in _kinds.standard_ids():
            raise ValueError(f"unknown standard {sid!r}")
        col = f"standard_{sid}"
        return (
            f"SELECT council_code, quarter, status FROM (SELECT council_code, quarter, {col} AS status "
            f"FROM {TYPED}) WHERE status IS NOT NULL"
        )

    def names(self) -> list[str]:
        out = ["rows", "keys", "added"]
        if self.kind.has_standards:
            out += [f"standard:{sid}" for sid in _kinds.standard_ids()]
        return out

    def freeze(self) -> None:
        """Hand every set of rows over (Parquet files) and let the staging database go."""
        if self.stage is None:
            return
        for name in self.names():
            self.source(name)
        self.close()

    def close(self) -> None:
        if self.stage is not None and self.owns_stage:
            self.stage.close()
        self.stage = None


TARGET = "tracker_db"  # the database file, attached to a staging database for its write


@contextmanager
def writer(db, p: _Prepared, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """The connection a file's write runs in: ``with writer(db, p, write=True) as con:``.

    For a load of one file, the staging database the file was checked in, with the
    database file attached (as TARGET, its default catalog): the checked rows go from
    memory straight into the file, with nothing handed over (a third of a large load's
    time went on handing them over through Parquet). The file can be attached only when
    nothing else holds it: no other connection of this process (the dashboard's other
    sessions) and no other process. Then, without waiting, a connection of its own
    (store.db.connect, which waits for the file) and the rows handed over as Parquet
    files. A check (not ``write``) always uses a connection of its own."""
    stage = p.stage
    path = paths.db_path(db)
    # (a missing file is left to connect, which says so: ATTACH would create one)
    if write and p.owns_stage and stage is not None and p.report.ok and path.is_file():
        try:
            stage.execute(f"ATTACH ? AS {TARGET}", [str(path)])
        except (duckdb.IOException, duckdb.ResourceInUseException) as exc:
            if not _is_lock_error(exc):  # (held: by this process or another)
                raise
        else:
            try:
                stage.execute(f"USE {TARGET}")
                schema.ensure(stage)
                p.direct = True
                yield stage
            finally:
                p.direct = False
                if p.stage is stage:  # (else closed, and the file with it: a duplicate)
                    stage.execute("USE memory")
                    stage.execute(f"DETACH {TARGET}")  # (writes the file's checkpoint)
            return
    with connect(db) as con:
        yield con


def _stored_ext(file_name: str, file_format: str) -> str:
    ext = suffix(file_name)
    if ext not in (".csv", ".xlsx", ".xlsm", ".txt", ".tsv"):
        ext = ".xlsx" if file_format == "xlsx" else ".csv"
    return ext


def _finish(
    con,
    db,
    items: list[_Prepared],
    *,
    write: bool,
    user: str,
    demo: bool,
    meta: dict[str, str] | None = None,
) -> None:
    """With the database: say whether each file is identical to an active batch, count
    what it would replace, and (``write``) write every valid one as a batch, all in one
    transaction."""
    todo = []
    for p in items:
        report = p.report
        dup = _active_duplicate(con, p.kind.name, report.sha256)
        if dup is not None:
            # One outcome: the file is loaded already, so there is nothing to load (its
            # problems, if any, were accepted with it).
            _note_duplicate(con, report, dup)
            report.problems = [x for x in report.problems if x.severity != "error"]
            report.hidden = 0
            if write:
                report.notes.append(
                    f"identical to batch {dup}, already loaded: nothing was written"
                )
            p.close()
            continue
        if not report.ok or p.stage is None and not p.frozen:
            continue
        _put(con, p, "keys", KEYS)
        _put(con, p, "added", _ADDED)
        report.change_rows = _preview(con, p.kind)
        _count(report)
        if write:
            for name in p.names():  # (handed over before the write lock is taken)
                p.source(name)
            todo.append(p)
        elif p.stage is not None:
            assert p.scratch is not None
            look_closer(con, p.stage, p.kind, report, p.scratch.path("plausible.parquet"))
    if todo:
        _write_with_retry(con, db, todo, user, demo, meta or {})


def _put(con, p: _Prepared, name: str, table: str) -> None:
    """A small staged table (keys, the preview's added rows) into ``con``'s temp tables."""
    if p.direct and table == KEYS:
        return  # (``con`` is the staging database: the keys are its own temp table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {p.source(name)}")


def _db_folder(db) -> Path:
    return paths.db_path(db).resolve().parent


class _ReferenceChanged(Exception):
    pass


def _write_with_retry(
    con, db, items: list[_Prepared], user: str, demo: bool, meta: dict[str, str]
) -> None:
    """Write the batches; retry when a concurrent upload's transaction got in the way."""
    for attempt in range(6):
        try:
            _write(con, db, items, user, demo, meta)
            return
        except _ReferenceChanged:
            for p in items:
                p.report.problems.append(
                    Problem(
                        "error",
                        None,
                        None,
                        None,
                        "the reference geography (the council list) changed while this file "
                        "was being checked, so it was not loaded. Upload it again.",
                    )
                )
            return
        except (duckdb.TransactionException, duckdb.ConstraintException):
            if attempt == 5:
                raise
            time.sleep(0.05 * (attempt + 1) + random.random() * 0.05)


def _write(con, db, items: list[_Prepared], user: str, demo: bool, meta: dict[str, str]) -> None:
    """Every prepared file as one batch each, all in one transaction; then (still under
    the write lock, so that no cleaning interleaves) each original moves into uploads/.
    Counted again inside the transaction: another upload may have committed since the
    preview (two analysts at once), and the same file may have landed meanwhile."""
    folder = _db_folder(db)
    done: list[tuple[_Prepared, int]] = []
    with write_lock():
        try:
            with transaction(con):
                if _fingerprint(con) != items[0].fingerprint:
                    raise _ReferenceChanged
                for p in items:
                    dup = _active_duplicate(con, p.kind.name, p.report.sha256)
                    if dup is not None:
                        p.report.duplicate_of = dup
                        p.report.notes.append(
                            f"identical to batch {dup}, already loaded: nothing was written"
                        )
                        continue
                    done.append((p, _write_one(con, p, user, demo)))
                for name, value in meta.items():
                    schema.set_meta(con, name, value)
        finally:
            con.execute("RESET SESSION preserve_insertion_order")  # (outside the transaction)
        for p, batch_id in done:
            p.report.batch_id = batch_id
            if p.original is not None and p.original.exists():
                target = (
                    folder
                    / f"{UPLOADS}/{p.report.sha256}{_stored_ext(p.report.file_name, p.file_format)}"
                )
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():
                    p.original.unlink()
                else:
                    os.replace(p.original, target)


def _write_one(con, p: _Prepared, user: str, demo: bool) -> int:
    kind, report = p.kind, p.report
    table = kind.table
    cols = schema.columns(table)
    data_cols = [c for c in cols if c != "batch_id"]
    rel = f"{UPLOADS}/{report.sha256}{_stored_ext(report.file_name, p.file_format)}"
    _put(con, p, "keys", KEYS)
    _put(con, p, "added", _ADDED)
    report.change_rows = _preview(con, kind)
    _count(report)
    batch_id = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM batches").fetchall()[0][0]
    con.execute(
        "INSERT INTO batches (batch_id, kind, file_name, file_sha256, rows_in_file, rows_added, "
        "rows_replaced, warnings, uploaded_by, uploaded_at, status, demo, stored_file) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
        [
            batch_id,
            kind.name,
            report.file_name,
            report.sha256,
            report.rows_in_file,
            report.rows_added,
            report.rows_replaced,
            len(report.warnings),
            user or "unknown",
            _dt.datetime.now().replace(microsecond=0),
            demo,
            rel,
        ],
    )
    # survey_standards are replaced with the survey row of the same council and quarter
    for t in [table] + (["survey_standards"] if kind.has_standards else []):
        col_list = ", ".join(schema.columns(t))
        statement = (
            f"INSERT INTO {t}_replaced SELECT {col_list}, ? FROM {t} s WHERE {_match(kind, 's')}"
        )
        con.execute(statement, [batch_id])
        statement = f"DELETE FROM {t} s WHERE {_match(kind, 's')}"
        con.execute(statement)
    # The stored rows need no order (a row's place in the file is not stored): without it
    # DuckDB inserts in parallel and writes finished, compressed row groups straight away,
    # so the checkpoint when the connection closes has next to nothing left to do. Only for
    # this statement, and for this connection only (SET SESSION): the plain SET is
    # database-wide. Should the insert fail, the transaction refuses every statement until
    # rolled back, so the setting is also put back after it (see _write).
    con.execute("SET SESSION preserve_insertion_order = false")  # this connection only
    statement = (
        f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(data_cols)}, ? "
        f"FROM {p.source('rows')}"
    )
    con.execute(statement, [batch_id])
    con.execute("RESET SESSION preserve_insertion_order")
    if kind.has_standards:
        for sid in _kinds.standard_ids():
            statement = (
                "INSERT INTO survey_standards (council_code, quarter, standard_id, status, "
                f"batch_id) SELECT council_code, quarter, ?, status, ? FROM {p.source('standard:' + sid)}"
            )
            con.execute(statement, [sid, batch_id])
    if kind.replaces_all:
        rebuild_names(con)
    schema.bump_data_version(con)
    return batch_id
