"""Which copies of the declarative files (the targets file, the register) a computation
reads: the project's own, or the copies a release was published with.

A release keeps the targets and register it was published with beside its snapshot
(store.publishing), so what viewers see never changes when a file is edited later: a
computation run inside ``reading(folder)`` (store.releases.connect enters it for a
release's connection) finds ``targets.toml`` and ``register.toml`` there first.

    with declared.reading(release_dir):
        declared.copy("targets.toml")   # release_dir/targets.toml, or None
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

TARGETS = "targets.toml"
REGISTER = "register.toml"
FILES = (TARGETS, REGISTER)

_FOLDER: ContextVar[Path | None] = ContextVar("declared_folder", default=None)


@contextmanager
def reading(folder: Path | None) -> Iterator[None]:
    """Inside the block, the files of ``folder`` (where present) are the ones read."""
    token = _FOLDER.set(folder)
    try:
        yield
    finally:
        _FOLDER.reset(token)


def copy(name: str) -> Path | None:
    """The copy of ``name`` the current block reads, or None (read the project's own)."""
    folder = _FOLDER.get()
    if folder is None:
        return None
    p = folder / name
    return p if p.is_file() else None
