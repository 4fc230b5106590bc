"""Shared fixtures. Databases for tests come from tests/factory.py (named variants)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixtures import TARGETS

# Every test sees the same "today", so quarters and demo data are reproducible.
os.environ.setdefault("TRACKER_TODAY", "2026-11-26")
os.environ.setdefault("TRACKER_LOCK_WAIT", "20")
# ...and the test copy of the targets file, never the live metrics/targets.toml.
os.environ["TRACKER_TARGETS"] = str(TARGETS)

ROOT = Path(__file__).resolve().parent.parent


# Streamlit treats an app with a pages/ folder as an old-style multipage app until the
# entry script has called st.navigation once per process, and AppTest resets that flag on
# every run: each run would first execute the page file alone and only then (through
# ui.frame.ensure_frame's rerun) the frame. Every AppTest run goes straight through the
# entry script instead, as the server does once st.navigation has been seen.
@pytest.fixture(autouse=True)
def _entry_script_always(monkeypatch):
    from streamlit.runtime.scriptrunner import script_runner  # noqa: PLC0415

    def run_entry(main_script_path: str) -> None:
        source = Path(main_script_path).read_text(encoding="utf-8")
        exec(
            compile(source, main_script_path, "exec"),  # noqa: S102
            {"__name__": "__main__", "__file__": main_script_path},
        )

    monkeypatch.setattr(script_runner, "_mpa_v1", run_entry)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a new database file in the test's own folder (nothing exists yet)."""
    return tmp_path / "tracker.duckdb"


@pytest.fixture
def make_db(tmp_path: Path):
    """make_db('variant') -> path of a database built from a named variant in tests/factory.py."""
    from tests import factory

    def build(variant: str = "empty", **options) -> Path:
        return factory.build(variant, tmp_path / f"{variant}.duckdb", **options)

    return build


@pytest.fixture
def downloads(monkeypatch):
    """downloads(at.download_button[i]) -> the bytes that button would download."""
    from streamlit.testing.v1 import app_test

    stores = []

    class Recording(app_test.MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)

    def content(button) -> bytes:
        name = button.proto.url.rsplit("/", 1)[-1]
        for store in reversed(stores):
            try:
                return store.get_file(name).content
            except Exception:
                continue
        raise KeyError(f"no media file {name}")

    return content
