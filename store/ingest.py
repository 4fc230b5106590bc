"""Ingest: read -> validate -> one batch in one transaction.

    report = validate_file(db, "survey", data, "q3.csv")          # writes nothing
    report = ingest_file(db, "survey", data, "q3.csv", user="ana")
    kind, why = detect_kind(data, "q3.csv")

The whole file is checked before anything is written; any error and nothing is written.
An accepted file becomes one batch: stored rows with the same key (for workforce: the
same council and quarter) move to ``<table>_replaced`` with ``replaced_by`` = the batch,
the new rows go in and data_version is bumped, all in one transaction; once it is
committed, the original bytes move to ``<db folder>/uploads/<sha256><ext>`` (until then
they wait in the scratch folder: store.scratch, which also cleans up after a killed load).
The file is checked against store.limits first, and read and checked without holding
the database (see _run): only the final transaction does.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import hashlib
import os
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from domain.plausibility import PlausibilityError
from store import kinds as _kinds
from store import paths, plausibility, preview, schema, scratch
from store.db import connect, transaction, write_lock
from store.delivery import rules as delivery_rules
from store.read import ReadError, headers_only, precheck, read, suffix
from store.reference import rebuild_names
from store.scratch import Scratch
from store.validate import KEY_GROUPS, TYPED, Problem, staging_query, validate

if TYPE_CHECKING:  # (pandas only when a DataFrame is asked for: a load needs none)
    import pandas as pd

UPLOADS = scratch.UPLOADS  # folder beside the database file
KEYS = "_upload_keys"
_ADDED = "_upload_added"

# For the preview: which column gives a row's quarter, and which its region.
# (quarter column, council column, region-code column)
_PREVIEW = {
    "survey": ("quarter", "council_code", None),
    "workforce": ("quarter", "council_code", None),
    "exchanges": ("quarter", "lead_council_code", None),
    "placements": ("start_quarter", "council_code", None),
    "milestones": ("quarter", None, "region_code"),
    "councils": (None, None, "region_code"),
    "delivery": ("quarter", None, None),  # an action has no region
}
# A kind's own rules beyond its columns' (store.validate.validate's ``rules``).
_RULES = {"delivery": delivery_rules}
CHANGE_COLUMNS = ["quarter", "region_name", "rows_added", "rows_replaced"]


@dataclass
class Report:
    kind: str
    file_name: str
    sha256: str
    rows_in_file: int = 0
    problems: list[Problem] = field(default_factory=list)
    hidden: int = 0  # problems beyond the listed ones
    batch_id: int | None = None
    rows_added: int = 0
    rows_replaced: int = 0
    duplicate_of: int | None = None
    # what the file changes: (quarter, region_name, rows_added, rows_replaced) per row
    change_rows: list[tuple] = field(default_factory=list)
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)
    # the identical batch already loaded: when and by whom (with duplicate_of)
    duplicate_loaded_at: _dt.datetime | None = None
    duplicate_loaded_by: str | None = None
    # A dry run's preview: the first rows as parsed (row = the spreadsheet's), and, for
    # the first stored rows the file replaces, each value that changes: row, key,
    # column, stored, new (a stored row with no row of the same key in the file: its key
    # column with new "(not in the file: removed)").
    sample: pd.DataFrame | None = None
    comparison: pd.DataFrame | None = None
    compared: int = 0  # replaced rows the comparison looked at (the first, by key)
    unchanged: int = 0  # ... of which the file repeats unchanged

    @property
    def changes(self) -> pd.DataFrame:
        """change_rows as a DataFrame (columns CHANGE_COLUMNS)."""
        import pandas as pd

        return pd.DataFrame(self.change_rows, columns=CHANGE_COLUMNS)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """One line for people."""
        name = self.file_name
        if self.duplicate_of is not None and self.batch_id is None:
            when = (
                f", loaded on {self.duplicate_loaded_at:%Y-%m-%d %H:%M}"
                if self.duplicate_loaded_at
                else ""
            )
            who = f" by {self.duplicate_loaded_by}" if self.duplicate_loaded_by else ""
            return (
                f"{name} is identical to batch {self.duplicate_of}{when}{who}: nothing to load"
                + ("." if self.dry_run else "; nothing was written.")
            )
        if not self.ok:
            more = f" (and {self.hidden:,} more problems not listed)" if self.hidden else ""
            return f"{name} was refused: {_plural(len(self.errors), 'error')}{more}; nothing was written."
        warn = f" with {_plural(len(self.warnings), 'warning')}" if self.warnings else ""
        counts = (
            f"{_plural(self.rows_added, 'row')}, replacing "
            f"{_plural(self.rows_replaced, 'stored row')}"
        )
        if self.batch_id is None:
            return f"{name} is valid{warn}: loading it would write {counts}. Nothing was written."
        return (
            f"Batch {self.batch_id}: {name} loaded{warn}: {counts} (the replaced rows are "
            "kept, so the batch can be rolled back)."
        )


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def validate_file(db, kind: str, data: bytes, file_name: str) -> Report:
    """Check a file and preview what it would change; writes nothing."""
    return _run(db, kind, data, file_name, write=False, user="", demo=False)


def ingest_file(
    db,
    kind: str,
    data: bytes,
    file_name: str,
    *,
    user: str,
    dry_run: bool = False,
    demo: bool = False,
) -> Report:
    """Validate and, when there is no error (and not dry_run), load as one batch."""
    return _run(db, kind, data, file_name, write=not dry_run, user=user, demo=demo)


# --- the three steps: reference data (short), the check (no database), the write (short)
#
# The database file is held only for two short moments: to copy the reference data the
# rules need (councils, their names, regions: a few thousand rows) and, at the end, to
# look for an identical batch, count what would be replaced and write the batch in one
# transaction. Reading and checking the file, however long it takes, happens in a
# private in-memory DuckDB (its spill files in the load's scratch folder), so a dry
# run or a large check never keeps another process (a command-line load, the dashboard)
# out of the database.

# delivery: the due quarters in force, which the delivery rules compare with (small).
_REFERENCE_TABLES = ("councils", "council_names", "regions", "delivery")


def _check_memory_mb() -> int:
    try:
        return max(64, int(os.environ.get("TRACKER_CHECK_MEMORY_MB", "1024")))
    except ValueError:
        return 1024


def _staging(scratch: Scratch) -> duckdb.DuckDBPyConnection:
    """A private in-memory database for reading and checking one file."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "temp_directory": str(scratch.path("duckdb-tmp")),
        "memory_limit": f"{_check_memory_mb()}MB",
    }
    return duckdb.connect(":memory:", config=config)


def _literal(path: Path) -> str:
    """A file path as an SQL string literal (COPY ... TO takes no parameter)."""
    return "'" + str(path).replace("'", "''") + "'"


def _handover(con, sql: str, path: Path) -> Path:
    """The rows of ``sql`` written by ``con`` into a Parquet file at ``path``, for another
    DuckDB (the staging database and the database file are separate instances): no row
    passes through Python, and a load needs neither pyarrow nor pandas."""
    con.execute(f"COPY ({sql}) TO {_literal(path)} (FORMAT parquet)")
    return path


def _reference(con, s: Scratch) -> tuple[dict[str, Path], tuple]:
    """The reference tables (handed over as Parquet files of the load's scratch folder)
    and their fingerprint, read from the database."""
    tables = {
        t: _handover(con, "SELECT * FROM " + t, s.path(f"{t}.parquet")) for t in _REFERENCE_TABLES
    }
    return tables, _fingerprint(con)


def _fingerprint(con) -> tuple:
    """Changes whenever the reference data the checks used changes (a councils upload)."""
    sql = (
        "SELECT (SELECT count(*) FROM councils), (SELECT sum(CAST(hash(c) AS HUGEINT)) FROM councils c), "
        "(SELECT sum(CAST(hash(n) AS HUGEINT)) FROM council_names n), "
        "(SELECT sum(CAST(hash(r) AS HUGEINT)) FROM regions r)"
    )
    return tuple(con.execute(sql).fetchall()[0])


def _load_reference(stage, tables: dict[str, Path]) -> None:
    for name, path in tables.items():
        stage.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet({_literal(path)})")


def _clean(db, con) -> None:
    """What killed loads left behind (store.scratch.clean), under the write lock."""
    with write_lock():
        scratch.clean(db, scratch.referenced_files(con))


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

    def source(self, name: str) -> str:
        """A FROM item (in the database's connection) for the rows to write: 'rows',
        'keys', 'added', or 'standard:<id>': a Parquet file the staging database writes
        once (see _handover)."""
        if name not in self.frozen:
            assert self.stage is not None and self.scratch is not None
            path = self.scratch.path(name.replace(":", "-") + ".parquet")
            self.frozen[name] = _handover(self.stage, self._sql(name), path)
        return f"read_parquet({_literal(self.frozen[name])})"

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


def _run(
    db, kind_name: str, data: bytes, file_name: str, *, write: bool, user: str, demo: bool
) -> Report:
    kind = _kinds.get(kind_name)
    file_name = Path(str(file_name or "upload.csv")).name
    # The hash (is this file already loaded?) is worked out beside the read: hashlib and
    # DuckDB both let go of the GIL.
    hashed: dict[str, str] = {}
    hasher = threading.Thread(target=lambda: hashed.update(sha=_sha(data)), daemon=True)
    hasher.start()

    def sha() -> str:
        hasher.join()
        return hashed["sha"]

    try:
        try:
            fmt = precheck(data, file_name)  # the limits, before anything else
        except ReadError as exc:
            report = Report(kind.name, file_name, sha(), dry_run=not write)
            report.problems.append(Problem("error", None, None, None, str(exc)))
            return report
        with Scratch(db) as s:
            with connect(db) as con:
                _clean(db, con)
                tables, fingerprint = _reference(con, s)
            prepared = _prepare(kind, data, file_name, fmt, sha, write, s, tables, fingerprint)
            try:
                with connect(db) as con:
                    _finish(con, db, [prepared], write=write, user=user, demo=demo)
            finally:
                prepared.close()
            return prepared.report
    finally:
        hasher.join()


def _prepare(
    kind: _kinds.Kind,
    data: bytes,
    file_name: str,
    fmt: str,
    sha,
    write: bool,
    s: Scratch,
    tables: dict,
    fingerprint: tuple,
    stage: duckdb.DuckDBPyConnection | None = None,
) -> _Prepared:
    """Read and check the file in a staging database (its own, or ``stage`` holding the
    reference tables already); no database file is held."""
    report = Report(kind.name, file_name, "", dry_run=not write)
    owns = stage is None
    if stage is None:
        stage = _staging(s)
    prepared = _Prepared(kind, report, data, fmt, stage, fingerprint, owns_stage=owns, scratch=s)
    try:
        if owns:
            _load_reference(stage, tables)
        original = None
        if write and fmt == "csv":
            # The original bytes, written once: DuckDB reads them from here, and they are
            # moved into uploads/ once the batch is committed (removed otherwise).
            original = s.path("upload")
            with open(original, "wb") as f:
                f.write(data)
        try:
            staged = read(
                stage,
                data,
                file_name,
                kind.name,
                original=original,
                query=staging_query(kind),
                scratch=s.path,
                fmt=fmt,
            )
        except ReadError as exc:
            report.sha256 = sha()
            report.problems.append(Problem("error", None, None, None, str(exc)))
            prepared.close()
            return prepared
        v = validate(stage, kind, staged, _RULES.get(kind.name))
        report.sha256 = sha()
        report.notes += staged.notes
        report.problems += v.problems
        report.hidden = v.hidden
        report.rows_in_file = v.rows
        if not v.ok:
            prepared.close()
            return prepared
        _make_keys(stage, kind, v.key_groups)
        if kind.replaces_all:
            stored = stage.execute(
                "SELECT count(*) FROM councils WHERE end_date IS NULL"
            ).fetchall()[0][0]
            if v.rows < stored / 2:
                report.problems.append(
                    Problem(
                        "warning",
                        None,
                        None,
                        None,
                        f"the file lists {v.rows:,} councils but {stored:,} current councils are stored: "
                        "a councils upload replaces the whole list. Check that the file is complete "
                        "(the old list is kept, so the batch can be rolled back)",
                    )
                )
        if write:
            ext = _stored_ext(report.file_name, fmt)
            prepared.original = s.original(f"{report.sha256}{ext}")
            if original is not None:
                os.replace(original, prepared.original)
            else:
                with open(prepared.original, "wb") as f:
                    f.write(data)
        return prepared
    except BaseException:
        prepared.close()
        raise


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
            _look_closer(con, p)
    if todo:
        _write_with_retry(con, db, todo, user, demo, meta or {})


_PLAUSIBLE = "_plausible_upload"  # the upload's rows the plausibility checks read


def _look_closer(con, p: _Prepared) -> None:
    """A dry run's preview beyond the counts (with the upload's keys in ``con``): the first
    rows as parsed, the values that change in the first stored rows the file replaces,
    and the checks against each council's previous return (store.plausibility)."""
    report, kind, stage = p.report, p.kind, p.stage
    assert stage is not None
    report.sample = preview.sample(stage, kind, _PREVIEW[kind.name][1])
    if report.rows_replaced:
        compared = preview.compare(con, stage, kind, _match(kind, "s"))
        report.comparison, report.compared, report.unchanged = compared
    try:
        cols = plausibility.upload_columns(kind)
        if not cols:
            return
        assert p.scratch is not None
        path = _handover(
            stage,
            f"SELECT _row, {', '.join(cols)} FROM {TYPED}",
            p.scratch.path("plausible.parquet"),
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_PLAUSIBLE} AS SELECT * FROM read_parquet({_literal(path)})"
        )
        found, hidden = plausibility.check(con, kind, _PLAUSIBLE, KEYS)
    except PlausibilityError as exc:
        found, hidden = (
            [
                Problem(
                    "warning",
                    None,
                    None,
                    None,
                    f"the checks against each council's previous return could not run: {exc}",
                )
            ],
            0,
        )
    report.problems += found
    report.hidden += hidden


def _count(report: Report) -> None:
    report.rows_added = sum(int(r[2]) for r in report.change_rows)
    report.rows_replaced = sum(int(r[3]) for r in report.change_rows)


def _put(con, p: _Prepared, name: str, table: str) -> None:
    """A small staged table (keys, the preview's added rows) into ``con``'s temp tables."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {p.source(name)}")


def _match(kind: _kinds.Kind, alias: str) -> str:
    """SQL condition: a stored row (alias) is replaced by some row of the upload."""
    if kind.replaces_all:
        return "true"
    cond = " AND ".join(f"n.{c} = {alias}.{c}" for c in kind.replace_by)
    return f"EXISTS (SELECT 1 FROM {KEYS} n WHERE {cond})"


def _counted(kind: _kinds.Kind) -> bool:
    """Is the preview's quarter and council part of the replace-by key (survey,
    workforce)? Then the key table counts the upload's rows and the preview reads it,
    not every row again."""
    qcol, ccol, rcol = _PREVIEW[kind.name]
    return rcol is None and qcol in kind.replace_by and ccol in kind.replace_by


def _make_keys(con, kind: _kinds.Kind, key_groups: bool = False) -> None:
    """The distinct replace-by keys of the upload (far fewer than its rows), with the
    number of rows of each (_n). When validation grouped the rows by exactly these
    columns (store.validate.KEY_GROUPS, workforce), from those groups."""
    cols = ", ".join(kind.replace_by)
    if key_groups and list(kind.replace_by) == kind.key[:-1]:
        sql = (
            f"CREATE OR REPLACE TEMP TABLE {KEYS} AS SELECT {cols}, _rows AS _n FROM {KEY_GROUPS} "
            "WHERE _rows > 0"
        )
    else:
        sql = f"CREATE OR REPLACE TEMP TABLE {KEYS} AS SELECT {cols}, count(*) AS _n FROM {TYPED} GROUP BY ALL"
    con.execute(sql)


def _grouped(kind: _kinds.Kind, src: str, alias: str, n: str = "count(*)") -> str:
    """Rows of ``src`` counted per quarter and region (the preview's grouping)."""
    qcol, ccol, rcol = _PREVIEW[kind.name]
    q = f"{alias}.{qcol}" if qcol else "CAST(NULL AS VARCHAR)"
    if ccol:
        region = "c.region_name"
        join = f"LEFT JOIN councils c ON c.council_code = {alias}.{ccol}"
    elif rcol is None:
        region, join = "CAST(NULL AS VARCHAR)", ""
    else:
        region = (
            f"coalesce(g.region_name, {alias}.region_code)"
            if kind.name != "councils"
            else f"{alias}.region_name"
        )
        join = f"LEFT JOIN regions g ON g.region_code = {alias}.{rcol}"
    return (
        f"SELECT {q} AS quarter, coalesce({region}, '(no region)') AS region_name, "
        f"{n} AS n FROM {src} {alias} {join} GROUP BY ALL"
    )


def _added_sql(kind: _kinds.Kind) -> str:
    """The upload's rows per quarter and region (run where the file was checked)."""
    return _grouped(kind, KEYS, "t", "sum(t._n)") if _counted(kind) else _grouped(kind, TYPED, "t")


def _preview(con, kind: _kinds.Kind) -> list[tuple]:
    """What the upload will change, per quarter and region (with the upload's keys and
    added rows in ``con``'s temp tables: see _put)."""
    replaced = _grouped(kind, f"(SELECT * FROM {kind.table} s WHERE {_match(kind, 's')})", "r")
    sql = (
        f"SELECT coalesce(a.quarter, b.quarter) AS quarter, "
        f"coalesce(a.region_name, b.region_name) AS region_name, "
        f"CAST(coalesce(a.n, 0) AS BIGINT) AS rows_added, CAST(coalesce(b.n, 0) AS BIGINT) AS rows_replaced "
        f"FROM {_ADDED} a FULL OUTER JOIN ({replaced}) b "
        f"ON a.quarter IS NOT DISTINCT FROM b.quarter AND a.region_name = b.region_name "
        f"ORDER BY quarter NULLS FIRST, region_name"
    )
    return con.execute(sql).fetchall()


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


def ingest_files(
    db,
    files: list[tuple[str, bytes, str]],
    *,
    user: str,
    demo: bool = False,
    meta: dict[str, str] | None = None,
) -> list[Report]:
    """Check several files and, when every one is valid, load each as a batch, all in
    one transaction: all or nothing (store.demo's load). ``files``: (kind, bytes, file
    name) in load order; ``meta``: entries of the meta table set in that transaction.
    Returns the reports; when any is refused, nothing is written."""
    items: list[_Prepared] = []
    with Scratch(db) as s:
        with connect(db) as con:
            _clean(db, con)
            tables, fingerprint = _reference(con, s)
        stage = _staging(s)  # (one for every file: each file's rows are frozen in turn)
        try:
            _load_reference(stage, tables)
            for kind_name, data, file_name in files:
                kind = _kinds.get(kind_name)
                name = Path(str(file_name or "upload.csv")).name
                try:
                    fmt = precheck(data, name)
                except ReadError as exc:
                    report = Report(kind.name, name, _sha(data))
                    report.problems.append(Problem("error", None, None, None, str(exc)))
                    items.append(_Prepared(kind, report, data, "csv", None, fingerprint))
                    continue

                def sha(data: bytes = data) -> str:
                    return _sha(data)

                p = _prepare(kind, data, name, fmt, sha, True, s, tables, fingerprint, stage)
                items.append(p)
                if p.report.ok and p.stage is not None:
                    p.freeze()
            if all(p.report.ok for p in items):
                with connect(db) as con:
                    _finish(con, db, items, write=True, user=user, demo=demo, meta=meta)
        finally:
            for p in items:
                p.close()
            stage.close()
    return [p.report for p in items]


def detect_kind(data: bytes, file_name: str) -> tuple[str | None, str]:
    """Recognise the upload kind from the file's headers: (kind or None, why)."""
    try:
        keys = set(headers_only(data, file_name))
    except ReadError as exc:
        return None, str(exc)
    scored = []
    for k in _kinds.KINDS.values():
        required = {c.name for c in k.columns if c.required}
        names = {c.name for c in k.all_columns()}
        if k.has_standards:
            names |= {x for x in keys if x.startswith("standard_")}
        scored.append((k.name, len(keys & names), required - keys))
    complete = sorted((s for s in scored if not s[2]), key=lambda s: -s[1])
    if complete:
        if len(complete) > 1 and complete[0][1] == complete[1][1]:
            return (
                None,
                f"the headers fit both {complete[0][0]} and {complete[1][0]}; choose the kind yourself",
            )
        return complete[0][0], (
            f"the headers match the {complete[0][0]} upload (all its required columns are present)"
        )
    best = max(scored, key=lambda s: (s[1], -len(s[2])))
    name, matched, missing = best
    rivals = [s for s in scored if s[1] == matched and len(s[2]) == len(missing)]
    if matched >= 2 and len(rivals) == 1:
        # Clearly this kind, with a required column missing: check it as this kind, so
        # that the missing column is reported as such (not as an unknown kind).
        gone = ", ".join(f"'{m}'" for m in sorted(missing))
        return name, (
            f"the headers look like the {name} upload ({matched} of its columns), but its "
            f"required column{'s' if len(missing) > 1 else ''} {gone} "
            f"{'are' if len(missing) > 1 else 'is'} missing"
        )
    return None, (
        f"the headers match no upload kind; the closest is {name}, which also needs: "
        f"{', '.join(sorted(missing))}"
    )


# --- command line ------------------------------------------------------------------------


def print_report(report: Report, out=None) -> None:
    out = out or sys.stdout
    for note in report.notes:
        print(f"note: {note}", file=out)
    for p in report.problems:
        print(str(p), file=out)
    if report.hidden:
        print(f"... and {report.hidden:,} more problems like these, not listed", file=out)
    print(report.summary(), file=out)
    if report.ok and report.change_rows:
        print("what changes (quarter, region, rows added, stored rows replaced):", file=out)
        for quarter, region, added, replaced in report.change_rows:
            print(
                f"  {quarter or '-':8} {region:28} +{added:<8,} replaces {replaced:,}",
                file=out,
            )


def cli_ingest(args) -> int:
    """`python -m store ingest KIND FILE [--db PATH] [--dry-run] [--user NAME]`."""
    path = Path(args.file)
    if not path.exists():
        print(f"error: no file at {path}", file=sys.stderr)
        return 2
    if not path.is_file():
        print(f"error: {path} is a folder, not a file", file=sys.stderr)
        return 2
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {path}: {exc}", file=sys.stderr)
        return 1
    user = args.user or getpass.getuser()
    report = ingest_file(args.db, args.kind, data, path.name, user=user, dry_run=args.dry_run)
    print_report(report)
    return 0 if report.ok else 1
