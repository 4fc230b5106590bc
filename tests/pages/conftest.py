"""AppTest through dashboard.py, the way `streamlit run` serves it (every run goes
through the frame: see _entry_script_always in tests/conftest.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_at(monkeypatch):
    """app_at(db) -> an AppTest of dashboard.py reading ``db`` (first run done)."""
    from streamlit.testing.v1 import AppTest

    def start(db: Path, page: str | None = None, **query):
        monkeypatch.setenv("TRACKER_DB", str(db))
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.user = {"is_logged_in": False}
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(page).run()
        return at

    return start
