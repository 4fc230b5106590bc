"""View-models called directly (no Streamlit) on small databases from tests/factory.py."""

from __future__ import annotations

import pytest

from store.db import connect


@pytest.fixture
def connected(make_db):
    """connected('variant') -> an open connection to a new database of that variant
    (closed after the test)."""
    opened = []

    def open_(variant: str):
        ctx = connect(make_db(variant))
        opened.append(ctx)
        return ctx.__enter__()

    yield open_
    for ctx in opened:
        ctx.__exit__(None, None, None)


@pytest.fixture
def cfg():
    from metrics import config

    return config.load()
