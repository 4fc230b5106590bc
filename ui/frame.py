"""What every page needs from the frame: the frame workaround, the database file, the
server's upload limit and the empty state of a page without data."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import streamlit as st

from store import paths
from viewmodels.text import error_title, page_title

CREATE_HINT = (
    "Create it with `make run` (builds a demo database and starts the dashboard) "
    "or `python -m store init --demo`, then reload this page."
)


def ensure_frame() -> None:
    """Call first in every page: make sure the page runs inside the frame (dashboard.py).

    Streamlit treats a folder named pages/ beside the entry script as an old-style
    multipage app until st.navigation has run once in the server process. So a deep link
    (/theme?quarter=...) as the very first request after a start would run the page file
    on its own: no filters, no demo label. Switching that mode off and rerunning sends the
    same request through dashboard.py, which lands on the same page (the page's hash comes
    from its URL path in both modes).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


# WCAG 2.4.7 (focus visible): Streamlit marks a focused sidebar link or tab only by a faint
# background tint. Every control reached by the keyboard gets a solid ring in GOV.UK's
# text colour instead (only for keyboard focus: :focus-visible). A style-only st.html
# takes no space on the page.
# The main area starts nearer the top and notices are tighter than Streamlit's defaults,
# so the Overview's headline, what needs attention and more of the table of every
# measure fit on a laptop's first screen (1366x768).
FOCUS_STYLE = """<style>
:focus-visible { outline: 3px solid #0b0c0c !important; outline-offset: 2px !important; }
[data-testid="stMainBlockContainer"] { padding-top: 4.25rem; }
[data-testid="stAlertContainer"] { padding-top: 0.5rem; padding-bottom: 0.5rem; }
</style>"""


def accessible_focus() -> None:
    """The focus ring (FOCUS_STYLE); the frame calls it on every run."""
    st.html(FOCUS_STYLE)


def set_title(*parts: str | None, error: bool = False) -> None:
    """The browser tab's title of the view shown, most specific part first:
    set_title("Hartlepool", "Council profile") -> 'Hartlepool – Council profile –
    Blueprint Tracker'; ``error``: the view shows an error message ('Error: ' in front).
    The frame sets the page's own title; a page calls this for a view behind a choice."""
    st.set_page_config(page_title=(error_title if error else page_title)(*parts))


def db_path() -> Path:
    """The database file the dashboard reads: TRACKER_DB or data/tracker.duckdb."""
    return paths.db_path()


def db_exists() -> bool:
    """The database file exists, or a release has been published (a viewers-only replica
    on another machine may have only the releases folder: docs/deployment.md)."""
    path = db_path()
    return path.is_file() or (paths.releases_dir(path) / "CURRENT").is_file()


def no_data_yet() -> NoReturn:
    """The empty state of a page that needs a quarter: nothing loaded yet. Stops the run."""
    st.info(
        "No returns have been loaded yet, so there are no figures to show. Analysts can "
        "load the quarterly returns on the **Upload returns** page, or with "
        "`python -m store ingest KIND FILE`.",
        icon=":material/inbox:",
    )
    st.stop()


def upload_limit_mb() -> int:
    """The largest file the server accepts, in MB: Streamlit's server.maxUploadSize (set
    in .streamlit/config.toml, the environment or the command line; default 50)."""
    try:
        from streamlit import config

        return int(config.get_option("server.maxUploadSize"))
    except Exception:
        return 50
