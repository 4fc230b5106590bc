"""Cached reads and view-models, keyed on the database's data version.

Every read opens its own short-lived connection (``store.db.connect``), so no connection
is shared between Streamlit's threads. Results are cached per ``(db path, data_version)``:
every batch and rollback bumps the data version inside its transaction, so viewers see
new figures on their next rerun after an upload, and a cache never serves figures of an
older upload. A StoreError or ConfigError stops the page with a message (ui.boundary).

    from ui import cache
    from viewmodels import overview

    for theme in cache.page_values(overview.themes, quarter):   # builder(con, quarter)
        ...
    table = cache.read(batches.history)                        # any fn(con, ...)

``page_values`` finds the builder again by its module and name (importlib), so a new
page's view-model needs no edit here.
"""

from __future__ import annotations

import importlib
import os
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from store.db import connect
from ui import boundary, frame

T = TypeVar("T")

# ------------------------------------------------------------------ data version


def _read_version(path: str) -> int:
    from store import schema

    with connect(path) as con:
        return schema.data_version(con)


def _file_state(path: Path) -> tuple[tuple[int, int] | None, ...]:
    """Size and modification time of the database file and its write-ahead log: every
    committed write changes one of them (DuckDB appends the commit to the .wal, and a
    checkpoint rewrites the file)."""
    state: list[tuple[int, int] | None] = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st_ = p.stat()
            state.append((st_.st_mtime_ns, st_.st_size))
        except FileNotFoundError:
            state.append(None)
    return tuple(state)


_VERSIONS: dict[str, tuple[tuple[tuple[int, int] | None, ...], int]] = {}


def data_version() -> int:
    """The database's data version: the cache key of every read.

    Read from the database only when the file or its log changed since the last read (a
    rerun that changes nothing then opens no connection)."""
    path = frame.db_path()
    state = _file_state(path)
    known = _VERSIONS.get(str(path))
    if known and known[0] == state:
        return known[1]
    version = boundary.guard(_read_version, str(path))
    _VERSIONS[str(path)] = (state, version)  # the state before the read: a write during it re-reads
    return version


# ------------------------------------------------------------------ cached reads


@st.cache_data(show_spinner=False, max_entries=512)
def _call(
    path: str, version: int, module: str, name: str, args: tuple[Any, ...], kwargs: tuple[Any, ...]
) -> Any:
    fn = getattr(importlib.import_module(module), name)
    with connect(path) as con:
        return fn(con, *args, **dict(kwargs))


def read(fn: Callable[..., T], *args: Any, version: int | None = None, **kwargs: Any) -> T:
    """``fn(con, *args, **kwargs)`` on a fresh connection, cached per data version (each
    caller gets its own copy).

    ``fn`` must be a module-level function of a metrics or store module whose first
    argument is the connection and whose other arguments are hashable values.
    """
    v = data_version() if version is None else version
    return boundary.guard(
        _call,
        str(frame.db_path()),
        v,
        fn.__module__,
        fn.__name__,
        args,
        tuple(sorted(kwargs.items())),
    )


# Values every rerun needs (the frame's quarters and demo flag, the pages' page_values),
# kept per process in a plain dict in front of the st.cache_* functions: a hit costs a
# dict lookup instead of Streamlit's hashing of every argument (about a tenth of a
# millisecond against a quarter). Keys hold the database path and data version, so a
# new upload is never served old values; st.cache_* still computes each value once.
_MEMO: dict[tuple[Any, ...], Any] = {}
_MEMO_MAX = 256


def _memo(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    try:
        return _MEMO[key]
    except KeyError:
        pass
    value = compute()
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.pop(next(iter(_MEMO)), None)  # the oldest entry
    _MEMO[key] = value
    return value


def clear() -> None:
    """Forget the per-process values (the data versions and the memo); st.cache_* are
    cleared with st.cache_data.clear() / st.cache_resource.clear()."""
    _VERSIONS.clear()
    _MEMO.clear()
    _CONFIG_STATES.clear()
    _REGISTER_STATES.clear()
    _DERIVED.clear()


def quarters(version: int | None = None) -> list[str]:
    """Quarters that hold any data, oldest first (metrics.summary.quarters)."""
    from metrics import summary as msummary

    v = data_version() if version is None else version
    return list(
        _memo(
            ("quarters", str(frame.db_path()), v),
            lambda: tuple(read(msummary.quarters, version=v)),
        )
    )


def demo_loaded(version: int | None = None) -> bool:
    """True while any active batch holds demo data."""
    from store import batches

    v = data_version() if version is None else version
    return _memo(
        ("demo_loaded", str(frame.db_path()), v),
        lambda: bool(read(batches.demo_loaded, version=v)),
    )


# ------------------------------------------------------------------ view-models

_CONFIG_STATES: set[tuple[str, int, int]] = set()


def _config_state() -> tuple[str, int, int]:
    """The targets file's path, modification time and size: part of every view-model's
    key. One stat per call; the file is loaded (and validated: a broken file stops the
    page with its message) only when this state has not been seen loading well before."""
    from metrics import config as mconfig

    path = os.environ.get("TRACKER_TARGETS") or str(mconfig.DEFAULT_PATH)
    try:
        st_ = os.stat(path)
    except OSError:
        boundary.config()  # says what is wrong with the file and stops
        raise
    state = (path, st_.st_mtime_ns, st_.st_size)
    if state not in _CONFIG_STATES:
        boundary.config()
        _CONFIG_STATES.add(state)
    return state


_REGISTER_STATES: set[tuple[str, int, int]] = set()


def register_state() -> tuple[str, int, int]:
    """The register file's path, modification time and size ($TRACKER_REGISTER or
    metrics/register.toml): pass it to the view-models that read the register, so their
    cached values follow an edit of the file without any upload. One stat per call; the
    file is read (and validated: a broken register stops the page with its message, which
    names the entry) only when this state has not been seen reading well before."""
    from domain import register as dregister

    path = str(dregister.path())
    try:
        st_ = os.stat(path)
    except OSError:
        boundary.register()  # says what is wrong with the file and stops
        raise
    state = (path, st_.st_mtime_ns, st_.st_size)
    if state not in _REGISTER_STATES:
        boundary.register()
        _REGISTER_STATES.add(state)
    return state


def targets_state() -> tuple[str, int, int]:
    """The targets file's state (path, modification time, size): part of a cache key."""
    return _config_state()


def _builder(module: str, name: str) -> Callable[..., Any]:
    fn = getattr(importlib.import_module(module), name)
    if not callable(fn):
        raise TypeError(f"{module}.{name} is not a view-model builder")
    return fn


@st.cache_resource(show_spinner=False, max_entries=128)
def _page_values(
    module: str, name: str, path: str, version: int, targets: tuple[Any, ...], args: tuple[Any, ...]
) -> Any:
    with connect(path) as con:
        return _builder(module, name)(con, *args)


def page_values(builder: Callable[..., T], *args: Any, version: int | None = None) -> T:
    """``builder(con, *args)`` (a view-model: a module-level function of a viewmodels
    module) on a fresh connection, computed once per data version, targets file and
    arguments, figures included, and shared by every session: a rerun that changes
    nothing is one dict lookup. ``args`` must be hashable. Pages only read what this
    returns (never change it)."""
    v = data_version() if version is None else version
    key = (builder.__module__, builder.__name__, str(frame.db_path()), v, _config_state(), args)
    return _memo(("page_values",) + key, lambda: boundary.guard(_page_values, *key))


def config_values(builder: Callable[..., T], *args: Any) -> T:
    """``builder(config, *args)`` (a view-model of the targets configuration alone, such as
    a picker's options) computed once per targets file and arguments; no database."""
    key = (builder.__module__, builder.__name__, _config_state(), args)
    return _memo(
        ("config_values",) + key,
        lambda: boundary.guard(_builder(key[0], key[1]), boundary.config(), *args),
    )


# Values worked out from a view-model's value by a pure function (a table filtered by the
# page's widgets), per process, by the value's identity and the arguments: page_values
# hands every rerun the same object, so a rerun with the same filters gets the same
# result (and ui.downloads.arrow_table's conversion of it) for a dict lookup. A weak
# reference checks the identity still names the same value.
_DERIVED: dict[tuple[Any, ...], tuple[weakref.ref[Any], Any]] = {}
_DERIVED_MAX = 256


def derived(fn: Callable[..., T], value: Any, *args: Any) -> T:
    """``fn(value, *args)`` for a ``value`` that page_values returned (``fn`` pure,
    ``args`` hashable), computed once per value and arguments. Never change the result."""
    key = (fn.__module__, fn.__qualname__, id(value), args)
    hit = _DERIVED.get(key)
    if hit is not None and hit[0]() is value:
        return hit[1]
    result = fn(value, *args)
    if len(_DERIVED) >= _DERIVED_MAX:
        _DERIVED.pop(next(iter(_DERIVED)), None)  # the oldest entry
    _DERIVED[key] = (weakref.ref(value), result)
    return result
