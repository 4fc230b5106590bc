"""One factory for test databases, with named variants (after datasette's fixtures).

    path = factory.build("reference", tmp_path / "t.duckdb")

Add a variant with the @variant("name") decorator: a function taking (con, **options)
that fills a freshly created database. Keep variants small and written out in full, so
a reader can compute every expected figure by hand.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from store.db import connect

VARIANTS: dict[str, Callable] = {}


def variant(name: str):
    def register(fn: Callable) -> Callable:
        VARIANTS[name] = fn
        return fn
    return register


def build(name: str, path: Path, **options) -> Path:
    if name not in VARIANTS:
        raise KeyError(f"no test database variant {name!r}; known: {', '.join(sorted(VARIANTS))}")
    with connect(path, create=True) as con:
        VARIANTS[name](con, **options)
    return path


@variant("empty")
def _empty(con, **_):
    """The schema and nothing else."""
