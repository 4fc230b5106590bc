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


# ---------------------------------------------------------------- reference and demo (H3)

@variant("reference")
def _reference(con, **_):
    """The schema and the full real reference geography: 9 regions, 5 centres, 317
    councils, council_names (read from the shared reference folder, about 0.1 s)."""
    from store.reference import load_reference

    load_reference(con)


_CACHE_DIR: list[Path] = []


def _cache_dir() -> Path:
    """One folder per test process for expensive databases, removed at exit."""
    if not _CACHE_DIR:
        import atexit
        import shutil
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="tracker-factory-"))
        atexit.register(shutil.rmtree, folder, True)
        _CACHE_DIR.append(folder)
    return _CACHE_DIR[0]


def _copy_tables(con, source: Path) -> None:
    """Fill the open database ``con`` with every table of the database file ``source``."""
    from store import schema
    from store.db import transaction

    tables = ["meta", "regions", "centres", "council_names", "batches"]
    for table in schema.DATA_TABLES:
        tables += [table, f"{table}_replaced"]
    con.execute("ATTACH ? AS factory_cache (READ_ONLY)", [str(source)])
    try:
        with transaction(con):
            for table in tables:   # identifiers from the allow-list above
                delete = "DELETE FROM main." + table
                insert = "INSERT INTO main." + table + " SELECT * FROM factory_cache.main." + table
                con.execute(delete)
                con.execute(insert)
    finally:
        con.execute("DETACH factory_cache")


@variant("demo")
def _demo(con, **_):
    """Reference geography + the full demo data (seed 2030, TRACKER_TODAY's quarters),
    loaded through store.ingest exactly as `python -m store init --demo` does. Built once
    per test process and copied (the batches' stored_file paths point into that copy's
    cache folder)."""
    cached = _cache_dir() / "demo.duckdb"
    if not cached.exists():
        from store.demo import load_demo
        from store.reference import load_reference

        building = cached.with_suffix(".building")
        with connect(building, create=True) as src:
            load_reference(src)
        load_demo(building)
        building.rename(cached)
    _copy_tables(con, cached)
