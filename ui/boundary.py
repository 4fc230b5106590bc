"""The error boundary: a missing, busy or unusable database, a broken targets file
(or register of actions) reaches a page as a message that says what to do, never as a
traceback.

Pages catch the store's exceptions by these names (``boundary.StoreBusy``) when they
write (upload, roll back) and say more than ``stop_with`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn, TypeVar

import streamlit as st

from metrics import config as mconfig
from metrics import register as mregister
from store.db import StoreBusy, StoreError, StoreMissing
from ui import frame

__all__ = ["StoreBusy", "StoreError", "StoreMissing", "config", "guard", "stop_with"]

T = TypeVar("T")


def stop_with(exc: Exception) -> NoReturn:
    """Show a StoreError (busy, missing, unusable file) as a message and stop this run."""
    if isinstance(exc, StoreMissing):
        st.info(
            f"There is no database yet at `{frame.db_path()}`. {frame.CREATE_HINT}",
            icon=":material/database:",
        )
    elif isinstance(exc, StoreBusy):
        st.warning(
            "The database is busy with an upload or a command-line load right now. "
            "Reload the page in a minute; nothing is lost.",
            icon=":material/hourglass_top:",
        )
    else:
        st.error(
            f"The dashboard could not read the database `{frame.db_path()}`: {exc}",
            icon=":material/error:",
        )
    st.stop()


def stop_with_config_error(exc: mconfig.ConfigError) -> NoReturn:
    """A targets file that cannot be used: its loader's message (it names the entry)."""
    st.error(f"The targets configuration cannot be used: {exc}", icon=":material/error:")
    st.stop()


def stop_with_register_error(exc: mregister.RegisterError) -> NoReturn:
    """A register of actions that cannot be used: its loader's message (it names the entry)."""
    st.error(f"The register of actions cannot be used: {exc}", icon=":material/error:")
    st.stop()


def guard(fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    """``fn(*args, **kwargs)``; a StoreError, ConfigError or RegisterError stops the run
    with its message."""
    try:
        return fn(*args, **kwargs)
    except StoreError as exc:
        stop_with(exc)
    except mconfig.ConfigError as exc:
        stop_with_config_error(exc)
    except mregister.RegisterError as exc:
        stop_with_register_error(exc)


def config() -> mconfig.Config:
    """The validated targets configuration (metrics.config caches it until the file changes).

    A broken targets file stops the page with the loader's message (it names the entry)."""
    try:
        return mconfig.load()
    except mconfig.ConfigError as exc:
        stop_with_config_error(exc)


def register() -> mregister.Register:
    """The validated register of actions (metrics.register, cached until the file changes).

    A broken register (or targets file) stops the page with the loader's message."""
    try:
        return mregister.load()
    except mregister.RegisterError as exc:
        stop_with_register_error(exc)
    except mconfig.ConfigError as exc:
        stop_with_config_error(exc)
