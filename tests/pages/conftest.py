"""AppTest through dashboard.py, the way `streamlit run` serves it.

Streamlit treats an app with a ``pages/`` folder as a v1 multipage app until the entry
script has called st.navigation once per process; AppTest resets that flag on every run,
so from the second run on it would execute the page file alone, without the frame
(filters, banner). The fixture below runs the entry script on every run, as the server
does once st.navigation has been seen.
"""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _entry_script_always(monkeypatch):
    from streamlit.runtime.scriptrunner import script_runner

    def run_entry(main_script_path: str) -> None:
        source = Path(main_script_path).read_text(encoding="utf-8")
        exec(compile(source, main_script_path, "exec"),  # noqa: S102
             {"__name__": "__main__", "__file__": main_script_path})

    monkeypatch.setattr(script_runner, "_mpa_v1", run_entry)


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
