"""Page filters in the URL, so a link reproduces the view (``?quarter=2026-Q3&level=region``).

A link whose value does not exist is never switched silently: ``url_filter`` and
``url_list_filter`` return a sentence saying what was asked for and what is shown
instead ("The link asks for quarter 1999-Q9, which has no data: showing 2026-Q3."), which
the page shows (``refused``) until the person picks another value.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import streamlit as st

_REFUSED = "_url_refused_"


def _say(what: str, wanted: Any, missing: str, shown: str) -> str:
    return f"The link asks for {what} “{wanted}”, which {missing}: showing {shown} instead."


def url_filter(
    key: str,
    options: Collection[Any],
    default: Any,
    param: str | None = None,
    *,
    what: str | None = None,
    label: Callable[[Any], Any] | None = None,
    missing: str = "does not exist",
) -> str | None:
    """Start the widget state ``key`` from ``?param=`` in the URL (``param`` defaults to
    ``key``) on a session's first run, and put it back to ``default`` when it is no longer
    one of ``options``. The caller then writes the chosen value to the URL (set_url).

    Returns what was refused, for the page to show: a sentence naming the value the link
    asked for (``what``: 'quarter', 'council'; ``missing``: why it cannot be shown) and
    the value shown instead (``label`` of it), kept while the default stands; else None."""
    note = _REFUSED + key
    if key not in st.session_state:
        wanted = st.query_params.get(param or key)
        if wanted is not None and wanted not in options:
            shown = "nothing yet" if default is None else (label or str)(default)
            st.session_state[note] = (
                default,
                _say(what or param or key, wanted, missing, str(shown)),
            )
            st.session_state[key] = default
        else:
            st.session_state[key] = wanted if wanted is not None else default
    elif st.session_state[key] not in options:
        st.session_state[key] = default
    refused = st.session_state.get(note)
    if refused is None:
        return None
    if st.session_state.get(key) != refused[0]:
        del st.session_state[note]  # the person chose a value: the note has served
        return None
    return str(refused[1])


def url_list_filter(
    key: str,
    options: Collection[Any],
    limit: int,
    param: str | None = None,
    *,
    what: str = "a value",
) -> str | None:
    """Start the multiselect state ``key`` on a session's first run from the values of
    ``?param=a&param=b`` that are among ``options``, at most ``limit`` of them. Returns a
    sentence naming the values the link asked for that are not among them (first run
    only), else None."""
    if key in st.session_state:
        return None
    asked = st.query_params.get_all(param or key)
    st.session_state[key] = [c for c in asked if c in options][:limit]
    unknown = [c for c in asked if c not in options]
    if not unknown:
        return None
    listed = ", ".join(f"“{c}”" for c in unknown)
    return f"The link asks for {what} {listed}, which cannot be shown here: left out."


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
