"""ui.cache outside a script run (Streamlit's bare mode): view-models found by module and
name, computed once per data version; tables converted to Arrow once."""

from __future__ import annotations

import gc
import logging
import subprocess
import sys

import pandas as pd
import pytest

from tests.conftest import ROOT
from ui import cache, downloads
from viewmodels import council, overview


@pytest.fixture
def fresh(monkeypatch, make_db):
    """A pages_small database as the dashboard's, every cache empty."""
    import streamlit as st

    logging.disable(logging.WARNING)  # "no runtime" warnings: no script is running
    db = make_db("pages_small")
    monkeypatch.setenv("TRACKER_DB", str(db))
    cache.clear()
    st.cache_data.clear()
    st.cache_resource.clear()
    yield db
    cache.clear()
    logging.disable(logging.NOTSET)


def test_builder_found_by_its_module_and_name():
    assert cache._builder("viewmodels.overview", "themes") is overview.themes
    with pytest.raises(AttributeError):
        cache._builder("viewmodels.overview", "no_such_builder")
    with pytest.raises(TypeError):
        cache._builder("viewmodels.council", "MISSING_SINCE")


def test_page_values_once_per_data_version(fresh):
    from store import schema
    from store.db import connect

    first = cache.page_values(overview.themes, "2026-Q3")
    assert cache.page_values(overview.themes, "2026-Q3") is first  # the same objects
    card = next(i.card for t in first for i in t.cards if i.card.id == "digital_ceos")
    assert card.value == "2"
    assert cache.page_values(overview.themes, "2026-Q2") is not first  # other arguments
    assert cache.page_values(council.choices)["E06000001"] == "Hartlepool (unitary)"
    with connect(fresh) as con:
        schema.bump_data_version(con)  # what every batch and rollback does
    again = cache.page_values(overview.themes, "2026-Q3")
    assert again is not first and again == first  # recomputed: same figures, new data version


def test_config_values_need_no_database(monkeypatch, tmp_path):
    from viewmodels import theme

    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "missing.duckdb"))
    cache.clear()
    picker = cache.config_values(theme.choices)
    assert cache.config_values(theme.choices) is picker
    assert "leadership" in picker.ids
    assert not (tmp_path / "missing.duckdb").exists()


def test_arrow_table_once_per_dataframe():
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    table = downloads.arrow_table(df)
    assert table.column_names == ["a", "b"] and table.num_rows == 2
    assert downloads.arrow_table(df) is table
    other = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    assert downloads.arrow_table(other) is not table
    key = id(df)
    del df
    gc.collect()
    assert key not in downloads._ARROW  # dropped with its DataFrame


def test_view_models_and_store_auth_import_no_streamlit():
    code = (
        "import sys, importlib, pkgutil, viewmodels, store.auth; "
        "[importlib.import_module('viewmodels.' + m.name) "
        " for m in pkgutil.iter_modules(viewmodels.__path__)]; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
