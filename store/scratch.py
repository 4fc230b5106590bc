"""Temporary files of a load, kept where a killed process's leftovers are found and removed.

Every temporary file a load makes (the copy of the upload DuckDB reads, the original
bytes waiting to be kept, DuckDB's own spill files while a file is checked) lives in one
folder beside the database, ``.tracker-tmp/``, and is named after a *claim*: a token
(``<pid>-<random>``) whose lock file ``<token>.lock`` the owner holds locked (flock)
for as long as it works. The operating system lets go of the lock when the process
ends, however it ends (SIGKILL included), so at the start of the next load, rollback or
``store init`` (``clean``) a claim whose lock can be taken is a dead one: its files are
removed. An original whose batch was committed but that was not yet moved into
``uploads/`` when the process died is moved there instead (the batch refers to it).

Originals are moved into ``uploads/`` only after their batch is committed, so a kill
never leaves a file there that no batch refers to. ``clean`` also removes such files
(left by earlier versions, which moved them in before the commit) when the database is
the only one in its folder (``uploads/`` is shared by the databases of a folder).

``handover`` moves rows from one DuckDB to another (the private database a file is
checked in, the database file) as a Parquet file of a claim.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path

from store import paths

try:  # POSIX; elsewhere a claim is alive while its process id is
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

FOLDER = ".tracker-tmp"
UPLOADS = "uploads"
ORIGINAL = "orig"  # <token>.orig.<sha256><ext>: an original waiting for its batch's commit


def folder(db) -> Path:
    return paths.db_path(db).resolve().parent / FOLDER


def _lock(fd: int, block: bool) -> bool:
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
        return True
    except OSError:
        return False


class Scratch:
    """One claim on the scratch folder: ``with Scratch(db) as s: s.path("csv")``.

    Leaving the block removes the claim's files (a kill leaves them to ``clean``)."""

    def __init__(self, db) -> None:
        self.dir = folder(db)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = None
        self._n = 0
        for _ in range(10):
            token = f"{os.getpid()}-{secrets.token_hex(4)}"
            new = self.dir / f"{token}.lock-new"
            try:
                fd = os.open(new, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileNotFoundError:  # (another claim's close removed the empty folder)
                self.dir.mkdir(parents=True, exist_ok=True)
                continue
            _lock(fd, block=True)
            try:  # (a cleaner may have taken it for a dead one before it was locked)
                os.rename(new, self.dir / f"{token}.lock")
            except FileNotFoundError:
                os.close(fd)
                continue
            self.token, self._fd = token, fd
            return
        raise OSError(f"could not claim a scratch name in {self.dir}")

    def path(self, what: str) -> Path:
        """A new file name of this claim: ``<token>.<n>.<what>``."""
        self._n += 1
        return self.dir / f"{self.token}.{self._n}.{what}"

    def original(self, name: str) -> Path:
        """Where an original waits for its batch's commit (see ``clean``)."""
        return self.dir / f"{self.token}.{ORIGINAL}.{name}"

    def close(self) -> None:
        if self._fd is None:
            return
        for entry in _entries_of(self.dir, self.token):
            if not entry.name.endswith(".lock"):
                _remove(entry)
        with contextlib.suppress(OSError):
            os.unlink(self.dir / f"{self.token}.lock")
        os.close(self._fd)
        self._fd = None
        with contextlib.suppress(OSError):
            self.dir.rmdir()  # (only when no other claim has files there)

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _entries_of(d: Path, token: str) -> list[Path]:
    try:
        return [p for p in d.iterdir() if p.name.split(".", 1)[0] == token]
    except FileNotFoundError:
        return []


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _alive(lock: Path) -> bool:
    """Is the claim of this lock file held? (Taking the lock of a dead one holds it
    until the returned descriptor is closed: see ``clean``.)"""
    if fcntl is None:  # pragma: no cover
        pid = lock.name.split("-", 1)[0]
        try:
            os.kill(int(pid), 0)
            return True
        except (ValueError, ProcessLookupError):
            return False
        except PermissionError:
            return True
    try:
        fd = os.open(lock, os.O_RDONLY)
    except FileNotFoundError:
        return True  # (removed meanwhile: nothing to do)
    if _lock(fd, block=False):
        os.close(fd)
        return False
    os.close(fd)
    return True


def clean(db, referenced: Iterable[str] = ()) -> list[Path]:
    """Remove what killed loads left: the files of dead claims in ``.tracker-tmp/``,
    files of earlier versions (``.tracker-*.upload-part`` beside the database, ``*.part``
    in ``uploads/``) and, when the database is alone in its folder, files in
    ``uploads/`` that no batch refers to. ``referenced``: every batch's stored_file
    (``uploads/<sha256><ext>``). An original of a dead claim that a batch refers to and
    that is missing from ``uploads/`` is moved there. Returns what was removed."""
    db_folder = paths.db_path(db).resolve().parent
    wanted = {str(r) for r in referenced if r}
    removed: list[Path] = []
    d = db_folder / FOLDER
    if d.is_dir():
        entries = list(d.iterdir())
        tokens = {p.name.split(".", 1)[0] for p in entries}
        live = set()
        for token in tokens:
            locks = [d / f"{token}.lock", d / f"{token}.lock-new"]
            held = [lk for lk in locks if lk.exists() and _alive(lk)]
            if held:
                live.add(token)
        for p in entries:
            token = p.name.split(".", 1)[0]
            if token in live or not p.exists():
                continue
            parts = p.name.split(".", 2)
            if len(parts) == 3 and parts[1] == ORIGINAL:
                rel = f"{UPLOADS}/{parts[2]}"
                target = db_folder / rel
                if rel in wanted and not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(p, target)
                    continue
            if p.name.endswith((".lock", ".lock-new")):
                continue  # (after the claim's files)
            _remove(p)
            removed.append(p)
        for p in entries:
            if p.name.split(".", 1)[0] not in live and p.name.endswith((".lock", ".lock-new")):
                _remove(p)
                removed.append(p)
        with contextlib.suppress(OSError):
            d.rmdir()  # (only when empty)
    for p in db_folder.glob(".tracker-*.upload-part"):
        _remove(p)
        removed.append(p)
    up = db_folder / UPLOADS
    if up.is_dir():
        alone = len([p for p in db_folder.glob("*.duckdb") if p.is_file()]) <= 1
        for p in up.iterdir():
            rel = f"{UPLOADS}/{p.name}"
            if p.name.endswith(".part") or (alone and rel not in wanted):
                if p.is_file():
                    _remove(p)
                    removed.append(p)
    return removed


def referenced_files(con) -> list[str]:
    """Every batch's stored original (``uploads/...``), for ``clean``."""
    rows = con.execute("SELECT DISTINCT stored_file FROM batches WHERE stored_file IS NOT NULL")
    return [r[0] for r in rows.fetchall()]


# --- rows handed from one DuckDB to another ------------------------------------------------


def literal(path: Path) -> str:
    """A file path as an SQL string literal (COPY ... TO takes no parameter)."""
    return "'" + str(path).replace("'", "''") + "'"


def handover(con, sql: str, path: Path) -> Path:
    """The rows of ``sql`` written by ``con`` into a Parquet file at ``path`` (a file of a
    claim: Scratch.path), for another DuckDB (the staging database and the database file
    are separate instances): no row passes through Python, and a load needs neither
    pyarrow nor pandas. Read them with ``parquet_source(path)``."""
    con.execute(f"COPY ({sql}) TO {literal(path)} (FORMAT parquet)")
    return path


def parquet_source(path: Path) -> str:
    """A FROM item reading the rows ``handover`` wrote to ``path``."""
    return f"read_parquet({literal(path)})"
