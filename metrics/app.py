"""The Streamlit side of the metrics: cached reads every page uses.

Every read opens its own short-lived connection (``store.db.connect``), so no
connection is shared between Streamlit's threads. Results are cached with
``st.cache_data`` keyed on ``(db path, data_version)``: every batch and rollback bumps
the data version inside its transaction, so viewers see new figures on their next rerun
after an upload, and the cache never serves figures of an older upload.

A missing, busy or unusable database never reaches a page as a traceback: the public
accessors show a message that says what to do and stop the script run.

    from metrics import app
    rows = app.summary(st.session_state["quarter"], app.by(st.session_state["level"]))
    table = app.read(views.council_profile, "E06000001", as_of=quarter)   # any fn(con, ...)
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import streamlit as st

from store import paths
from store.db import StoreBusy, StoreError, StoreMissing, connect

# The geography levels of the shared filter: key -> label. "national" means no cut.
LEVELS: dict[str, str] = {
    "national": "England (all councils)",
    "region": "Region",
    "footprint": "Footprint (combined or strategic authority)",
    "centre": "Centre of Service Innovation",
    "council_type": "Council type",
}

CREATE_HINT = ("Create it with `make run` (builds a demo database and starts the dashboard) "
               "or `python -m store init --demo`, then reload this page.")


def db_path() -> Path:
    """The database file the dashboard reads: TRACKER_DB or data/tracker.duckdb."""
    return paths.db_path()


def db_exists() -> bool:
    return db_path().is_file()


def by(level: str | None) -> str | None:
    """The ``by`` argument of metrics.summary for a level of the shared filter."""
    return None if level in (None, "national") else level


def stop_with(exc: Exception) -> None:
    """Show a StoreError (busy, missing, unusable file) as a message and stop this run."""
    if isinstance(exc, StoreMissing):
        st.info(f"There is no database yet at `{db_path()}`. {CREATE_HINT}",
                icon=":material/database:")
    elif isinstance(exc, StoreBusy):
        st.warning("The database is busy with an upload or a command-line load right now. "
                   "Reload the page in a minute; nothing is lost.", icon=":material/hourglass_top:")
    else:
        st.error(f"The dashboard could not read the database `{db_path()}`: {exc}",
                 icon=":material/error:")
    st.stop()


def _guard(fn: Callable, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except StoreError as exc:
        stop_with(exc)


# ------------------------------------------------------------------ data version

def _read_version(path: str) -> int:
    from store import schema

    with connect(path) as con:
        return schema.data_version(con)


def data_version() -> int:
    """The database's data version (read fresh on every call: it is the cache key)."""
    return _guard(_read_version, str(db_path()))


# ------------------------------------------------------------------ configuration

@st.cache_resource(show_spinner=False)
def _config(mtime: float):
    from metrics import config as mconfig

    return mconfig.load()


def config():
    """The validated targets configuration (re-read when metrics/targets.toml changes)."""
    toml = Path(__file__).with_name("targets.toml")
    return _config(toml.stat().st_mtime if toml.exists() else 0.0)


# ------------------------------------------------------------------ cached reads

@st.cache_data(show_spinner=False, max_entries=512)
def _call(path: str, version: int, module: str, name: str, args: tuple, kwargs: tuple):
    fn = getattr(importlib.import_module(module), name)
    with connect(path) as con:
        return fn(con, *args, **dict(kwargs))


def read(fn: Callable, *args, version: int | None = None, **kwargs) -> Any:
    """``fn(con, *args, **kwargs)`` on a fresh connection, cached per data version.

    ``fn`` must be a module-level function of a metrics or store module whose first
    argument is the connection and whose other arguments are hashable values.
    """
    v = data_version() if version is None else version
    return _guard(_call, str(db_path()), v, fn.__module__, fn.__name__, args,
                  tuple(sorted(kwargs.items())))


def quarters(version: int | None = None) -> list[str]:
    """Quarters that hold any data, oldest first (metrics.summary.quarters)."""
    try:
        from metrics import summary as msummary
    except ImportError:   # ADAPTER until metrics/summary.py lands (H2): remove then
        return list(read(_adapter_quarters, version=version))
    return list(read(msummary.quarters, version=version))


def latest_quarter(version: int | None = None) -> str | None:
    qs = quarters(version)
    return qs[-1] if qs else None


def demo_loaded(version: int | None = None) -> bool:
    """True while any active batch holds demo data."""
    try:
        from store import batches
    except ImportError:   # ADAPTER until store/batches.py lands (H1): remove then
        return bool(read(_adapter_demo_loaded, version=version))
    return bool(read(batches.demo_loaded, version=version))


def summary(as_of: str | None, by: str | None = None, version: int | None = None) -> pd.DataFrame:
    """metrics.summary.summary for the quarter shown, national (by=None) or cut by a level."""
    from metrics import summary as msummary

    return read(msummary.summary, as_of=as_of, by=by, version=version)


def series(measure_id: str, by: str | None = None, up_to: str | None = None,
           version: int | None = None) -> pd.DataFrame:
    """metrics.summary.series: one measure's value per quarter (per group when ``by``)."""
    from metrics import summary as msummary

    return read(msummary.series, measure_id, by=by, up_to=up_to, version=version)


# ------------------------------------------------------------------ temporary adapters
# ADAPTER: used only while metrics/summary.py and store/batches.py are missing.

_ADAPTER_QUARTERS = ("SELECT quarter FROM survey UNION SELECT quarter FROM workforce "
                     "UNION SELECT quarter FROM exchanges UNION SELECT quarter FROM milestones "
                     "ORDER BY 1")


def _adapter_quarters(con) -> list[str]:
    return [r[0] for r in con.execute(_ADAPTER_QUARTERS).fetchall()]


def _adapter_demo_loaded(con) -> bool:
    return bool(con.execute("SELECT count(*) FROM batches WHERE demo AND status = 'active'")
                .fetchall()[0][0])
