"""Page filters in the URL, so a link reproduces the view (``?quarter=2026-Q3&level=region``)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import streamlit as st


def url_filter(key: str, options: Collection[Any], default: Any, param: str | None = None) -> None:
    """Start the widget state ``key`` from ``?param=`` in the URL (``param`` defaults to
    ``key``) on a session's first run, and put it back to ``default`` when it is no longer
    one of ``options``. The caller then writes the chosen value to the URL (set_url)."""
    if key not in st.session_state:
        wanted = st.query_params.get(param or key)
        st.session_state[key] = wanted if wanted in options else default
    elif st.session_state[key] not in options:
        st.session_state[key] = default


def url_list_filter(
    key: str, options: Collection[Any], limit: int, param: str | None = None
) -> None:
    """Start the multiselect state ``key`` on a session's first run from the values of
    ``?param=a&param=b`` that are among ``options``, at most ``limit`` of them."""
    if key not in st.session_state:
        wanted = [c for c in st.query_params.get_all(param or key) if c in options][:limit]
        st.session_state[key] = wanted


def url_text(key: str, param: str | None = None, limit: int = 200) -> None:
    """Start the text widget state ``key`` on a session's first run from ``?param=`` (at
    most ``limit`` characters; empty when absent)."""
    if key not in st.session_state:
        st.session_state[key] = str(st.query_params.get(param or key) or "")[:limit]


def set_url(key: str, value: Any) -> None:
    """Put a page filter in the URL (``?key=value``; a list repeats the key), only when it
    differs from what the URL holds: every write sends a message to the browser."""
    if isinstance(value, (list, tuple)):
        if st.query_params.get_all(key) != list(value):
            st.query_params[key] = list(value)
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def clear_url(key: str) -> None:
    """Take a page filter out of the URL (when the view no longer has it)."""
    if key in st.query_params:
        del st.query_params[key]
