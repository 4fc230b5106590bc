"""Ingest: read -> validate -> one batch in one transaction.

    report = validate_file(db, "survey", data, "q3.csv")          # writes nothing
    report = ingest_file(db, "survey", data, "q3.csv", user="ana")
    kind, why = detect_kind(data, "q3.csv")

The whole file is checked before anything is written; any error and nothing is written.
An accepted file becomes one batch: stored rows with the same key (for workforce: the
same council and quarter) move to ``<table>_replaced`` with ``replaced_by`` = the batch,
the new rows go in, data_version is bumped, and the original bytes are kept at
``<db folder>/uploads/<sha256><ext>``, all in one transaction.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import hashlib
import os
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from store import kinds as _kinds
from store import schema
from store.db import connect, transaction
from store.delivery import rules as delivery_rules
from store.read import ReadError, headers_only, read, suffix
from store.validate import KEY_GROUPS, TYPED, Problem, staging_query, validate

UPLOADS = "uploads"  # folder beside the database file
KEYS = "_upload_keys"

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
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

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
        if self.duplicate_of is not None and self.batch_id is None and not self.dry_run:
            return (
                f"{name} is identical to batch {self.duplicate_of}, already loaded: "
                "nothing was written."
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


def _run(
    db, kind_name: str, data: bytes, file_name: str, *, write: bool, user: str, demo: bool
) -> Report:
    kind = _kinds.get(kind_name)
    file_name = Path(str(file_name or "upload.csv")).name
    # The hash (is this file already loaded?) is worked out beside the read: hashlib and
    # DuckDB both let go of the GIL. A file found identical to an active batch is then
    # reported exactly as if that had been known first (nothing read is kept).
    hashed: dict[str, str] = {}
    hasher = threading.Thread(target=lambda: hashed.update(sha=_sha(data)), daemon=True)
    hasher.start()

    def sha() -> str:
        hasher.join()
        return hashed["sha"]

    try:
        with connect(db) as con:
            part = None
            if write and suffix(file_name) not in (".xlsx", ".xlsm"):
                # The original bytes, written once: read from here, and renamed into
                # uploads/ if the batch is written (deleted below otherwise).
                fd, name = tempfile.mkstemp(
                    prefix=".tracker-", suffix=".upload-part", dir=_db_folder(db)
                )
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                part = Path(name)
            try:
                return _checked(con, kind, file_name, sha, data, db, write, user, demo, part)
            finally:
                if part is not None:
                    part.unlink(missing_ok=True)
    finally:
        hasher.join()


def _known(con, kind, file_name: str, sha: str, write: bool) -> Report:
    """A new report, saying whether the file is identical to an active batch."""
    report = Report(kind.name, file_name, sha, dry_run=not write)
    dup = _active_duplicate(con, kind.name, sha)
    if dup is not None:
        report.duplicate_of = dup
        if write:
            report.notes.append(f"identical to batch {dup}, already loaded: nothing was written")
        else:
            report.problems.append(
                Problem(
                    "warning",
                    None,
                    None,
                    None,
                    f"this file is identical to batch {dup}, already loaded; loading it again "
                    "would write nothing",
                )
            )
    return report


def _checked(
    con,
    kind,
    file_name: str,
    sha,
    data: bytes,
    db,
    write: bool,
    user: str,
    demo: bool,
    part: Path | None,
) -> Report:
    """Read and validate; write the batch when asked and there is no error. ``sha()``:
    the file's hash (waits for it)."""
    try:
        staged = read(con, data, file_name, kind.name, original=part, query=staging_query(kind))
    except ReadError as exc:
        report = _known(con, kind, file_name, sha(), write)
        if not (write and report.duplicate_of is not None):
            report.problems.append(Problem("error", None, None, None, str(exc)))
        return report
    v = validate(con, kind, staged, _RULES.get(kind.name))
    report = _known(con, kind, file_name, sha(), write)
    if write and report.duplicate_of is not None:
        return report
    report.notes += staged.notes
    report.problems += v.problems
    report.hidden = v.hidden
    report.rows_in_file = v.rows
    if not v.ok:
        return report
    _make_keys(con, kind, v.key_groups)
    if not write or report.duplicate_of is not None:
        report.changes = _preview(con, kind)  # (a write counts inside its transaction)
    if kind.replaces_all:
        stored = con.execute("SELECT count(*) FROM councils WHERE end_date IS NULL").fetchall()[0][
            0
        ]
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
    report.rows_added = int(report.changes["rows_added"].sum()) if len(report.changes) else 0
    report.rows_replaced = int(report.changes["rows_replaced"].sum()) if len(report.changes) else 0
    if not write or report.duplicate_of is not None:
        return report
    report.batch_id = _write_with_retry(
        con, kind, report, data, staged.file_format, db, user, demo, part
    )
    return report


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


def _preview(con, kind: _kinds.Kind) -> pd.DataFrame:
    """What the upload will change, per quarter and region."""
    qcol, ccol, rcol = _PREVIEW[kind.name]
    table = kind.table

    def grouped(src: str, alias: str, n: str = "count(*)") -> str:
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

    added = grouped(KEYS, "t", "sum(t._n)") if _counted(kind) else grouped(TYPED, "t")
    replaced = grouped(f"(SELECT * FROM {table} s WHERE {_match(kind, 's')})", "r")
    sql = (
        f"SELECT coalesce(a.quarter, b.quarter) AS quarter, "
        f"coalesce(a.region_name, b.region_name) AS region_name, "
        f"CAST(coalesce(a.n, 0) AS BIGINT) AS rows_added, CAST(coalesce(b.n, 0) AS BIGINT) AS rows_replaced "
        f"FROM ({added}) a FULL OUTER JOIN ({replaced}) b "
        f"ON a.quarter IS NOT DISTINCT FROM b.quarter AND a.region_name = b.region_name "
        f"ORDER BY quarter NULLS FIRST, region_name"
    )
    return con.execute(sql).df()


def _db_folder(db) -> Path:
    from store import paths

    return paths.db_path(db).resolve().parent


class _Duplicate(Exception):
    def __init__(self, batch_id: int):
        super().__init__(batch_id)
        self.batch_id = batch_id


def _write_with_retry(
    con,
    kind: _kinds.Kind,
    report: Report,
    data: bytes,
    file_format: str,
    db,
    user: str,
    demo: bool,
    part: Path | None = None,
) -> int | None:
    """Write the batch; retry when a concurrent upload's transaction got in the way."""
    import random
    import time

    import duckdb

    for attempt in range(6):
        try:
            return _write(con, kind, report, data, file_format, db, user, demo, part)
        except _Duplicate as dup:
            report.duplicate_of = dup.batch_id
            report.notes.append(
                f"identical to batch {dup.batch_id}, already loaded: nothing was written"
            )
            return None
        except (duckdb.TransactionException, duckdb.ConstraintException):
            if attempt == 5:
                raise
            time.sleep(0.05 * (attempt + 1) + random.random() * 0.05)
    return None


def _write(
    con,
    kind: _kinds.Kind,
    report: Report,
    data: bytes,
    file_format: str,
    db,
    user: str,
    demo: bool,
    part: Path | None = None,
) -> int:
    table = kind.table
    cols = schema.columns(table)
    data_cols = [c for c in cols if c != "batch_id"]
    ext = suffix(report.file_name)
    if ext not in (".csv", ".xlsx", ".xlsm", ".txt", ".tsv"):
        ext = ".xlsx" if file_format == "xlsx" else ".csv"
    rel = f"{UPLOADS}/{report.sha256}{ext}"
    target = _db_folder(db) / rel
    created = False
    try:
        with transaction(con):
            # Counted again inside the transaction: another upload may have committed since
            # the preview (two analysts at once), and the same file may have landed meanwhile.
            dup = _active_duplicate(con, kind.name, report.sha256)
            if dup is not None:
                raise _Duplicate(dup)
            report.changes = _preview(con, kind)
            report.rows_added = (
                int(report.changes["rows_added"].sum()) if len(report.changes) else 0
            )
            report.rows_replaced = (
                int(report.changes["rows_replaced"].sum()) if len(report.changes) else 0
            )
            batch_id = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM batches").fetchall()[
                0
            ][0]
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
                statement = f"INSERT INTO {t}_replaced SELECT {col_list}, ? FROM {t} s WHERE {_match(kind, 's')}"
                con.execute(statement, [batch_id])
                statement = f"DELETE FROM {t} s WHERE {_match(kind, 's')}"
                con.execute(statement)
            statement = (
                f"INSERT INTO {table} ({', '.join(cols)}) "
                f"SELECT {', '.join(data_cols)}, ? FROM {TYPED}"
            )
            # The stored rows need no order (a row's place in the file is not stored):
            # without it DuckDB inserts in parallel and writes finished, compressed row
            # groups straight away, so the checkpoint when the connection closes has next
            # to nothing left to do (1M workforce rows: insert + close 0.6 -> 0.2 s). Only
            # for this statement, and for this connection only (SET SESSION): the plain SET
            # is database-wide, and another thread's upload numbers its rows by the order
            # its file is read in. Should the insert fail, the transaction refuses every
            # statement until rolled back, so the setting is also put back after it (finally below).
            con.execute("SET SESSION preserve_insertion_order = false")  # this connection only
            con.execute(statement, [batch_id])
            con.execute("RESET SESSION preserve_insertion_order")
            if kind.has_standards:
                for sid in _kinds.standard_ids():
                    col = f"standard_{sid}"
                    statement = (
                        "INSERT INTO survey_standards (council_code, quarter, standard_id, status, "
                        f"batch_id) SELECT council_code, quarter, ?, {col}, ? FROM {TYPED} "
                        f"WHERE {col} IS NOT NULL"
                    )
                    con.execute(statement, [sid, batch_id])
            if kind.replaces_all:
                from store.reference import rebuild_names

                rebuild_names(con)
            schema.bump_data_version(con)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                if part is not None and part.exists():
                    os.replace(part, target)
                else:
                    tmp = target.with_name(target.name + f".{os.getpid()}.part")
                    tmp.write_bytes(data)
                    tmp.replace(target)
                created = True
    except BaseException:
        if created:
            target.unlink(missing_ok=True)
        raise
    finally:
        con.execute("RESET SESSION preserve_insertion_order")  # (outside the transaction)
    return batch_id


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
    name, _, missing = max(scored, key=lambda s: (s[1], -len(s[2])))
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
    if report.ok and len(report.changes):
        print("what changes (quarter, region, rows added, stored rows replaced):", file=out)
        for r in report.changes.itertuples(index=False):
            print(
                f"  {r.quarter or '-':8} {r.region_name:28} +{r.rows_added:<8,} replaces {r.rows_replaced:,}",
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
