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

import hashlib
import os
import threading
from pathlib import Path

import duckdb

from store import kinds as _kinds
from store import scratch
from store.db import connect, write_lock
from store.delivery import rules as delivery_rules
from store.ingest_preview import _make_keys
from store.ingest_report import Report
from store.ingest_write import _fingerprint, _finish, _Prepared, _stored_ext, writer
from store.problems import Problem
from store.read import headers_only, precheck, read
from store.scratch import Scratch, handover, parquet_source
from store.stage import ReadError
from store.typed import staging_query
from store.validate import validate

# A kind's own rules beyond its columns' (store.validate.validate's ``rules``).
_RULES = {"delivery": delivery_rules}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def _reference(con, s: Scratch) -> tuple[dict[str, Path], tuple]:
    """The reference tables (handed over as Parquet files of the load's scratch folder)
    and their fingerprint, read from the database."""
    tables = {
        t: handover(con, "SELECT * FROM " + t, s.path(f"{t}.parquet")) for t in _REFERENCE_TABLES
    }
    return tables, _fingerprint(con)


def _load_reference(stage, tables: dict[str, Path]) -> None:
    for name, path in tables.items():
        stage.execute(f"CREATE TABLE {name} AS SELECT * FROM {parquet_source(path)}")


def _clean(db, con) -> None:
    """What killed loads left behind (store.scratch.clean), under the write lock."""
    with write_lock():
        scratch.clean(db, scratch.referenced_files(con))


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
                with writer(db, prepared, write=write) as con:
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
    tables: dict[str, Path],
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
