"""Releases: what viewers read, published at a moment an analyst chooses (the record,
the pointer, reading; store.publishing writes them).

    current(db) -> Release | None      the release viewers read (the pointer CURRENT)
    current_cached(folder)             the same, read again only when CURRENT changed
    previous(db) -> Release | None     what a withdrawal would go back to
    listing(db) -> [Listed]            every release kept, newest first
    connect(path)                      ``with connect(release.path) as con:`` read-only
    connect_reading(db)                a release file read-only, else the live database
    of(con) -> Release | None          the release a connection reads (None: the live file)
    label_of(con) -> str               "Release 3 (published ...)" or "Loaded data, ..."

Uploads and command-line loads write the live database; viewers read the current
release, an immutable copy of the whole live database taken in one transaction. A
release is a DuckDB file because every measure's SQL then runs on it unchanged, one
file is switched atomically, and any number of processes may open one file read-only
at once (DuckDB refuses a read-only open only while another process holds the file
read-write, which is why viewers never read the live file a load is writing).

The releases folder (store.paths.releases_dir: data/releases beside the database):

    CURRENT                      JSON: the release viewers read; replaced whole (os.replace)
    3-20261126T140203Z.duckdb    the snapshot, read-only (mode 0444), never changed
    3/release.json               its record (number, file, note, user, time, data version,
                                 demo flag, the batches in it)
    3/open-data/, 3/open-data.zip   every measure as CSV + datapackage.json + index.json
    3/withdrawn.json             only once it was withdrawn
    .lock                        held while publishing or withdrawing (one at a time)
    .tmp-*                       a publish in progress, or one that was killed
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from store import paths, schema
from store.db import StoreError
from store.db import connect as connect_live

POINTER = "CURRENT"


def live_label(data_version: int) -> str:
    """How the live database is named where a release would be."""
    return f"Loaded data, not yet published (data version {data_version})"


@dataclass(frozen=True)
class Release:
    """One published release; ``folder`` is the releases folder it lives in."""

    number: int
    file: str  # the snapshot's file name in the releases folder
    note: str
    user: str
    time: str  # when it was published, ISO 8601 UTC
    data_version: int  # the live database's data version it copies
    demo: bool  # demo batches are in it
    batches: tuple[int, ...] = ()  # the active batches it holds
    schema_version: int = schema.SCHEMA_VERSION
    folder: str = field(default="", compare=False)

    @property
    def path(self) -> Path:
        return Path(self.folder) / self.file

    @property
    def dir(self) -> Path:
        return Path(self.folder) / str(self.number)

    @property
    def open_data_dir(self) -> Path:
        return self.dir / "open-data"

    @property
    def open_data_zip(self) -> Path:
        return self.dir / "open-data.zip"

    @property
    def published(self) -> _dt.datetime:
        return _dt.datetime.strptime(self.time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_dt.UTC)

    @property
    def label(self) -> str:
        """'Release 3 (published 26 Nov 2026 14:02 UTC)': every page, download and pack."""
        t = self.published
        return f"Release {self.number} (published {t.day} {t:%b %Y %H:%M} UTC)"

    @property
    def tag(self) -> str:
        """'release-3': for file names."""
        return f"release-{self.number}"

    def record(self) -> dict[str, Any]:
        rec = asdict(self)
        rec.pop("folder")
        rec["batches"] = list(self.batches)
        return rec

    @classmethod
    def from_record(cls, rec: dict[str, Any], folder: str | os.PathLike = "") -> Release:
        return cls(
            number=int(rec["number"]),
            file=str(rec["file"]),
            note=str(rec.get("note") or ""),
            user=str(rec.get("user") or ""),
            time=str(rec["time"]),
            data_version=int(rec["data_version"]),
            demo=bool(rec.get("demo")),
            batches=tuple(int(b) for b in rec.get("batches") or ()),
            schema_version=int(rec.get("schema_version") or schema.SCHEMA_VERSION),
            folder=str(folder),
        )


@dataclass(frozen=True)
class Listed:
    release: Release
    current: bool
    withdrawn: dict[str, Any] | None  # {"user", "time", "back_to"} once withdrawn


# ------------------------------------------------------------------ reading


def folder(db: str | os.PathLike | None = None) -> Path:
    return paths.releases_dir(db)


def current(db: str | os.PathLike | None = None, *, at: Path | None = None) -> Release | None:
    """The release viewers read now, or None when nothing has been published."""
    where = Path(at) if at is not None else folder(db)
    try:
        text = (where / POINTER).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return Release.from_record(json.loads(text), where)
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(
            f"The release pointer {where / POINTER} cannot be read ({exc}). Publish again "
            "(python -m store publish) to write a new one."
        ) from exc


_SEEN: dict[str, tuple[tuple[int, int, int] | None, Release | None]] = {}


def current_cached(at: Path) -> Release | None:
    """current() read again only when CURRENT changed (one stat per call): the check every
    dashboard rerun makes, so a new release is picked up on the next rerun."""
    try:
        s = os.stat(at / POINTER)
        key: tuple[int, int, int] | None = (s.st_ino, s.st_mtime_ns, s.st_size)
    except FileNotFoundError:
        key = None
    seen = _SEEN.get(str(at))
    if seen is not None and seen[0] == key:
        return seen[1]
    release = current(at=at) if key is not None else None
    _SEEN[str(at)] = (key, release)
    return release


def forget_cached() -> None:
    """Drop what current_cached() remembers (tests; a process that moved the folder)."""
    _SEEN.clear()


def load(at: Path, number: int) -> Release | None:
    try:
        rec = json.loads((at / str(number) / "release.json").read_text(encoding="utf-8"))
        return Release.from_record(rec, at)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def withdrawn(at: Path, number: int) -> dict[str, Any] | None:
    try:
        return json.loads((at / str(number) / "withdrawn.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def numbers(at: Path) -> list[int]:
    """Numbers of the complete releases in the folder (their release.json and file exist)."""
    if not at.is_dir():
        return []
    out = []
    for p in at.iterdir():
        if p.is_dir() and p.name.isdigit() and (p / "release.json").is_file():
            rel = load(at, int(p.name))
            if rel is not None and rel.path.is_file():
                out.append(rel.number)
    return sorted(out)


def previous_of(at: Path, cur: Release) -> Release | None:
    """What a withdrawal of ``cur`` goes back to: the newest earlier release not withdrawn."""
    for n in reversed(numbers(at)):
        if n < cur.number and withdrawn(at, n) is None:
            return load(at, n)
    return None


def previous(db: str | os.PathLike | None = None, *, at: Path | None = None) -> Release | None:
    """What a withdrawal of the current release would go back to (None: nothing)."""
    where = Path(at) if at is not None else folder(db)
    cur = current(at=where)
    return previous_of(where, cur) if cur else None


def listing(db: str | os.PathLike | None = None) -> list[Listed]:
    """Every release kept, newest first (not one whose publish is still running or was
    killed: those are numbered above the current one and were never withdrawn)."""
    at = folder(db)
    cur = current(at=at)
    top = cur.number if cur else 0
    out = []
    for n in reversed(numbers(at)):
        gone = withdrawn(at, n)
        if n > top and gone is None:
            continue
        rel = load(at, n)
        if rel is not None:
            out.append(Listed(rel, cur is not None and n == cur.number, gone))
    return out


@contextmanager
def connect(path: str | os.PathLike) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to a release file. Any number of processes may hold one."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except (duckdb.IOException, duckdb.InvalidInputException) as exc:
        raise StoreError(f"The release file {path} cannot be opened: {exc}") from exc
    try:
        found = schema.version(con)
        if found != schema.SCHEMA_VERSION:
            raise StoreError(
                f"The release file {path} has schema version {found}; this code reads "
                f"version {schema.SCHEMA_VERSION}. Publish again (python -m store publish)."
            )
        yield con
    finally:
        con.close()


_RELEASE_FILE = re.compile(r"^\d+-\d{8}T\d{6}Z\.duckdb$")


def is_release_file(path: str | os.PathLike) -> bool:
    """A release's snapshot, by its name ('3-20261126T140203Z.duckdb')."""
    return bool(_RELEASE_FILE.match(Path(path).name))


@contextmanager
def connect_reading(db: str | os.PathLike | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for reading what ``db`` names: a release file read-only (connect),
    anything else as the live database (store.db.connect). The board pack and the command
    lines read through this, so ``--db $(python -m store releases --current)`` works."""
    path = paths.db_path(db)
    opener = connect if is_release_file(path) else connect_live
    with opener(path) as con:
        yield con


def of(con: duckdb.DuckDBPyConnection) -> Release | None:
    """The release this connection reads, or None for the live database."""
    rows = con.execute("SELECT value FROM meta WHERE key = 'release'").fetchall()
    if not rows:
        return None
    where = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    at = Path(where[0][0]).parent if where and where[0][0] else ""
    return Release.from_record(json.loads(rows[0][0]), at)


def label_of(con: duckdb.DuckDBPyConnection) -> str:
    """What a connection shows, for a page, a download or the board pack."""
    rel = of(con)
    return rel.label if rel else live_label(schema.data_version(con))
