"""Releases: what viewers read, published at a moment an analyst chooses.

    publish(db, note=..., user=..., open_data=...) -> Release   `python -m store publish`
    withdraw(db, user=...) -> (withdrawn, back_to)               `python -m store withdraw`
    listing(db) -> [Listed], newest first                        `python -m store releases`
    current(db) -> Release | None      the release viewers read (the pointer CURRENT)
    current_cached(folder)             the same, read again only when CURRENT changed
    connect(path)                      ``with connect(release.path) as con:`` read-only
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

A publish copies the live database into a temporary file (holding the live file only for
the copy), seals it (checkpoint, fsync, read-only), writes the open data beside it, moves
both into place and only then switches CURRENT (write a temporary file, fsync,
os.replace). Killed at any moment, CURRENT still names the previous release and nothing
of the new one is listed; the next publish removes what was left. The newest
TRACKER_KEEP_RELEASES releases (default 5) are kept, and never the current one or the one
a withdrawal would go back to.
"""

from __future__ import annotations

import datetime as _dt
import fcntl
import getpass
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb

from store import paths, schema
from store.db import StoreBusy, StoreError, lock_wait_seconds
from store.db import connect as connect_live

POINTER = "CURRENT"
KEEP_DEFAULT = 5
_NUMBERED = re.compile(r"^(\d+)(?:-.*\.duckdb(?:\.wal)?)?$")


def keep_releases() -> int:
    """How many releases to keep: TRACKER_KEEP_RELEASES (default 5, at least 2)."""
    try:
        n = int(os.environ.get("TRACKER_KEEP_RELEASES", str(KEEP_DEFAULT)))
    except ValueError:
        n = KEEP_DEFAULT
    return max(n, 2)


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def _iso(t: _dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


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


def _load(at: Path, number: int) -> Release | None:
    try:
        rec = json.loads((at / str(number) / "release.json").read_text(encoding="utf-8"))
        return Release.from_record(rec, at)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _withdrawn(at: Path, number: int) -> dict[str, Any] | None:
    try:
        return json.loads((at / str(number) / "withdrawn.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _numbers(at: Path) -> list[int]:
    """Numbers of the complete releases in the folder (their release.json and file exist)."""
    if not at.is_dir():
        return []
    out = []
    for p in at.iterdir():
        if p.is_dir() and p.name.isdigit() and (p / "release.json").is_file():
            rel = _load(at, int(p.name))
            if rel is not None and rel.path.is_file():
                out.append(rel.number)
    return sorted(out)


def _previous(at: Path, cur: Release) -> Release | None:
    """What a withdrawal of ``cur`` goes back to: the newest earlier release not withdrawn."""
    for n in reversed(_numbers(at)):
        if n < cur.number and _withdrawn(at, n) is None:
            return _load(at, n)
    return None


def previous(db: str | os.PathLike | None = None, *, at: Path | None = None) -> Release | None:
    """What a withdrawal of the current release would go back to (None: nothing)."""
    where = Path(at) if at is not None else folder(db)
    cur = current(at=where)
    return _previous(where, cur) if cur else None


def listing(db: str | os.PathLike | None = None) -> list[Listed]:
    """Every release kept, newest first (not one whose publish is still running or was
    killed: those are numbered above the current one and were never withdrawn)."""
    at = folder(db)
    cur = current(at=at)
    top = cur.number if cur else 0
    out = []
    for n in reversed(_numbers(at)):
        gone = _withdrawn(at, n)
        if n > top and gone is None:
            continue
        rel = _load(at, n)
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


# ------------------------------------------------------------------ writing

OpenData = Callable[[Path, Path, Release], None]


@contextmanager
def _lock(at: Path) -> Iterator[None]:
    """One publish or withdrawal at a time, across processes (flock on .lock)."""
    at.mkdir(parents=True, exist_ok=True)
    fd = os.open(at / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + lock_wait_seconds()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        "Another publish or withdrawal is running and did not finish in "
                        "time; nothing was changed. Try again in a minute."
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json(path: Path, rec: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(rec, f, indent=2, ensure_ascii=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _remove_release(at: Path, number: int) -> None:
    _remove(at / str(number))
    for p in at.glob(f"{number}-*.duckdb*"):
        _remove(p)


def _clean(at: Path, cur: Release | None) -> list[str]:
    """Remove what a killed publish left: temporary files, and releases numbered above
    the current one that were never withdrawn (their pointer was never switched)."""
    removed = []
    top = cur.number if cur else 0
    complete = set(_numbers(at))
    for p in sorted(at.iterdir()):
        name = p.name
        m = _NUMBERED.match(name)
        stray = False
        if name.startswith((".tmp-", ".CURRENT.")):
            stray = True
        elif m:
            n = int(m.group(1))
            if n > top and _withdrawn(at, n) is None:
                stray = True  # published halfway, never current
            elif n not in complete and (cur is None or n != cur.number):
                stray = True  # half removed by a killed prune
        if stray:
            _remove(p)
            removed.append(name)
    return removed


def _next_number(at: Path) -> int:
    found = [int(m.group(1)) for p in at.iterdir() if (m := _NUMBERED.match(p.name))]
    return max(found, default=0) + 1


def _snapshot(live: Path, tmp: Path, release: Release) -> Release:
    """Copy the whole live database into ``tmp`` in one transaction: a consistent state,
    whatever loads run at the same time. Holds the live file only for the copy."""
    with connect_live(live) as con:
        name = con.execute("SELECT current_database()").fetchall()[0][0]
        source = '"' + str(name).replace('"', '""') + '"'  # DuckDB's own catalog name
        con.execute("ATTACH ? AS release_snapshot", [str(tmp)])
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                version = schema.data_version(con)
                demo = con.execute(
                    "SELECT count(*) FROM batches WHERE demo AND status = 'active'"
                ).fetchall()[0][0]
                active = con.execute(
                    "SELECT batch_id FROM batches WHERE status = 'active' ORDER BY batch_id"
                ).fetchall()
                con.execute("COPY FROM DATABASE " + source + " TO release_snapshot")
                release = replace(
                    release,
                    data_version=version,
                    demo=bool(demo),
                    batches=tuple(r[0] for r in active),
                )
                con.execute(
                    "INSERT OR REPLACE INTO release_snapshot.meta VALUES ('release', ?)",
                    [json.dumps(release.record())],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        finally:
            con.execute("DETACH release_snapshot")
    return release


def _seal(path: Path) -> None:
    """Nothing left in a write-ahead log, on disk, read-only."""
    if path.with_name(path.name + ".wal").exists():
        con = duckdb.connect(str(path))
        con.execute("CHECKPOINT")
        con.close()
    _fsync(path)
    path.chmod(0o444)


def _zip(source: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for p in sorted(source.rglob("*")):
            if p.is_file():
                z.write(p, Path(source.name) / p.relative_to(source))


def _switch(at: Path, release: Release, **extra: Any) -> None:
    """Point CURRENT at ``release``: a new file written and fsync'd, then os.replace."""
    tmp = at / f".CURRENT.{os.getpid()}.tmp"
    _write_json(tmp, {**release.record(), **extra})
    os.replace(tmp, at / POINTER)
    _fsync(at)


def _prune(at: Path, cur: Release) -> list[int]:
    numbers = sorted(_numbers(at), reverse=True)
    prev = _previous(at, cur)
    keep = set(numbers[: keep_releases()]) | {cur.number} | ({prev.number} if prev else set())
    gone = [n for n in numbers if n not in keep]
    for n in gone:
        _remove_release(at, n)
    return gone


def publish(
    db: str | os.PathLike | None = None,
    *,
    note: str,
    user: str,
    open_data: OpenData | None = None,
) -> Release:
    """Publish what is loaded now as the next release and switch viewers to it.

    ``open_data(snapshot, out_dir, release)`` writes the release's open data (the
    dashboard passes metrics.opendata.write; by default the command
    ``python -m metrics.opendata`` runs). Raises StoreError (nothing changes) when any
    step fails, StoreBusy while another publish runs.
    """
    note = " ".join(note.split())
    if not note:
        raise StoreError(
            "Say what is in the release (a note, e.g. '2026-Q3 returns'): nothing was published."
        )
    live = paths.db_path(db)
    at = folder(db)
    writer = open_data or run_open_data_command
    with _lock(at):
        cur = current(at=at)
        _clean(at, cur)
        n = _next_number(at)
        stamp = _now()
        release = Release(
            number=n,
            file=f"{n}-{stamp:%Y%m%dT%H%M%SZ}.duckdb",
            note=note,
            user=user or "unknown",
            time=_iso(stamp),
            data_version=0,
            demo=False,
            folder=str(at),
        )
        tmp = at / f".tmp-{n}-{os.getpid()}.duckdb"
        staging = at / f".tmp-{n}-{os.getpid()}"
        try:
            release = _snapshot(live, tmp, release)
            _seal(tmp)
            staging.mkdir()
            writer(tmp, staging / "open-data", release)
            _zip(staging / "open-data", staging / "open-data.zip")
            _write_json(staging / "release.json", release.record())
            for p in staging.rglob("*"):
                _fsync(p)
            os.replace(tmp, at / release.file)
            os.replace(staging, release.dir)
            _fsync(at)
        except BaseException:
            for p in (tmp, tmp.with_name(tmp.name + ".wal"), staging):
                _remove(p)
            raise
        _switch(at, release, current_since=release.time)
        _prune(at, release)
    return release


def withdraw(db: str | os.PathLike | None = None, *, user: str) -> tuple[Release, Release]:
    """Withdraw the current release: viewers go back to the previous one (returned second)."""
    at = folder(db)
    with _lock(at):
        cur = current(at=at)
        if cur is None:
            raise StoreError("Nothing has been published yet, so there is nothing to withdraw.")
        prev = _previous(at, cur)
        if prev is None:
            raise StoreError(
                f"Release {cur.number} is the only release kept, so there is none to go back "
                "to; it stays. Publish a corrected release instead."
            )
        when = _iso(_now())
        _write_json(
            cur.dir / "withdrawn.json",
            {"user": user or "unknown", "time": when, "back_to": prev.number},
        )
        _switch(at, prev, current_since=when, withdrawn=cur.number)
    return cur, prev


def run_open_data_command(snapshot: Path, out: Path, release: Release) -> None:
    """The open data through the metrics command line (the store imports no metrics)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "metrics.opendata",
            "--db",
            str(snapshot),
            "--out",
            str(out),
            "--release",
            json.dumps(release.record()),
        ],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise StoreError(
            f"The open data of release {release.number} could not be written, so nothing "
            f"was published: {(done.stderr or done.stdout).strip()[-1500:]}"
        )


# ------------------------------------------------------------------ command line


def cli_publish(args) -> int:
    """`python -m store publish --note TEXT [--user NAME] [--db PATH]`."""
    user = args.user or getpass.getuser()
    before = current(args.db)
    release = publish(args.db, note=args.note, user=user)
    since = f" (release {before.number} had data version {before.data_version})" if before else ""
    demo = " It holds DEMO data." if release.demo else ""
    print(
        f"Published release {release.number}: data version {release.data_version}{since}, "
        f"{len(release.batches)} active batches.{demo}\n"
        f"  snapshot  {release.path}\n  open data {release.open_data_dir}\n"
        "Every dashboard shows it on its next rerun."
    )
    return 0


def cli_withdraw(args) -> int:
    """`python -m store withdraw [--user NAME] [--db PATH]`."""
    gone, back = withdraw(args.db, user=args.user or getpass.getuser())
    print(
        f"Release {gone.number} withdrawn: viewers see release {back.number} again "
        f"({back.label.split('(', 1)[1].rstrip(')')}, note: {back.note})."
    )
    return 0


def cli_releases(args) -> int:
    """`python -m store releases [--db PATH] [--json] [--current]`."""
    if args.current:
        cur = current(args.db)
        if cur is None:
            print("Nothing has been published yet.", file=sys.stderr)
            return 1
        print(cur.path)
        return 0
    rows = listing(args.db)
    if args.json:
        out = []
        for r in rows:
            rec = r.release.record()
            rec.update(current=r.current, withdrawn=r.withdrawn, path=str(r.release.path))
            out.append(rec)
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("Nothing has been published yet. Publish with: python -m store publish --note TEXT")
        return 0
    for r in rows:
        rel = r.release
        state = "current" if r.current else ("withdrawn" if r.withdrawn else "")
        print(
            f"{rel.number:>4}  {rel.time}  {state:<9}  data version {rel.data_version:<5}  "
            f"{'demo  ' if rel.demo else ''}{rel.user}: {rel.note}"
        )
    return 0
