"""AppTest through dashboard.py, the way `streamlit run` serves it (every run goes
through the frame: see _entry_script_always in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def app_at(monkeypatch):
    """app_at(db, page=None, **query) -> an AppTest of dashboard.py reading ``db``."""
    from tests.pages.helpers import open_dashboard

    def start(db: Path, page: str | None = None, **query):
        return open_dashboard(db, page, monkeypatch, **query)

    return start
