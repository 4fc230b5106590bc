"""Publishing and withdrawing releases (store.releases holds the record and reads them).

    publish(db, note=..., user=..., open_data=...) -> Release   `python -m store publish`
    withdraw(db, user=...) -> (withdrawn, back_to)               `python -m store withdraw`
    cli_releases                                                 `python -m store releases`

A publish copies the live database into a temporary file in one transaction (holding the
live file only for the copy), seals it (checkpoint, fsync, read-only), writes the open
data beside it, moves both into place and only then switches CURRENT (a temporary file,
fsync, os.replace). Killed at any moment, CURRENT still names the previous release and
nothing of the new one is listed; the next publish removes what was left. The newest
TRACKER_KEEP_RELEASES releases (default 5) are kept, and never the current one or the one
a withdrawal would go back to. One publish or withdrawal runs at a time (a lock file).
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
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb

from store import paths, releases, schema
from store.db import StoreBusy, StoreError, lock_wait_seconds
from store.db import connect as connect_live
from store.releases import POINTER, Release

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
    complete = set(releases.numbers(at))
    for p in sorted(at.iterdir()):
        name = p.name
        m = _NUMBERED.match(name)
        stray = False
        if name.startswith((".tmp-", ".CURRENT.")):
            stray = True
        elif m:
            n = int(m.group(1))
            if n > top and releases.withdrawn(at, n) is None:
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
    numbers = sorted(releases.numbers(at), reverse=True)
    prev = releases.previous_of(at, cur)
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
    at = releases.folder(db)
    writer = open_data or run_open_data_command
    with _lock(at):
        cur = releases.current(at=at)
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
    at = releases.folder(db)
    with _lock(at):
        cur = releases.current(at=at)
        if cur is None:
            raise StoreError("Nothing has been published yet, so there is nothing to withdraw.")
        prev = releases.previous_of(at, cur)
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
    before = releases.current(args.db)
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
        cur = releases.current(args.db)
        if cur is None:
            print("Nothing has been published yet.", file=sys.stderr)
            return 1
        print(cur.path)
        return 0
    rows = releases.listing(args.db)
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
