"""Fixtures for the analyst's workspace: AppTest runs of the dashboard's pages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from store import auth
from tests.conftest import ROOT
from ui import signin

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def alice_hash() -> str:
    return auth.hash_password(PASSWORD)


@pytest.fixture
def accounts(alice_hash) -> dict:
    """Secrets with one analyst account: alice / PASSWORD."""
    return {"analysts": {"alice": alice_hash}}


@pytest.fixture(autouse=True)
def _fresh_throttle(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_SIGNIN_DELAY", "0.05")
    # The secrets file the sign-in reads afresh and the account page writes: none yet
    # (a test that wants one writes it here), never the developer's own.
    monkeypatch.setenv("TRACKER_SECRETS_FILE", str(tmp_path / "secrets.toml"))
    monkeypatch.delenv("TRACKER_REQUIRE_SIGN_IN", raising=False)
    auth.THROTTLE.reset()
    yield
    auth.THROTTLE.reset()


@pytest.fixture
def run_page(monkeypatch):
    """run_page(db, 'pages/x.py', secrets=..., user=..., analyst='alice') -> AppTest after one run.

    Every run goes through the frame (dashboard.py), as the server serves it;
    page=None opens the frame's default page (the overview).
    """

    def run(
        db,
        page: str | None,
        *,
        secrets: dict | None = None,
        user: dict | None = None,
        analyst: str | None = None,
    ) -> AppTest:
        monkeypatch.setenv("TRACKER_DB", str(db))
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.secrets.update(secrets or {})
        if user is not None:
            at.user = user
        if analyst:
            at.session_state[signin.SESSION_KEY] = {"name": analyst, "via": "password"}
        if page:  # file pages keep their file name as url path, so
            at.switch_page(page)  # switching before the first run finds them
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def texts(elements) -> list[str]:
    return [e.value for e in elements]


# The frame's banner when the figures shown are not a published release (ui.publish).
RELEASE_BANNERS = ("**Nothing has been published yet.**", "**Not yet published.**")


def page_warnings(at: AppTest) -> list[str]:
    """The page's own warnings: every warning but the frame's release banner."""
    return [w for w in texts(at.warning) if not w.startswith(RELEASE_BANNERS)]


def all_text(at: AppTest) -> str:
    """Every markdown, alert, caption and title on the page, one string."""
    parts = []
    for group in (
        at.title,
        at.header,
        at.subheader,
        at.markdown,
        at.caption,
        at.info,
        at.warning,
        at.error,
        at.success,
    ):
        parts += [str(e.value) for e in group]
    return "\n".join(parts)


def download(at, label_start: str):
    """The download button whose label starts with ``label_start``."""
    found = [b for b in at.download_button if b.label.startswith(label_start)]
    assert len(found) == 1, [b.label for b in at.download_button]
    return found[0]


def query(db, sql: str, params=()):
    from store.db import connect

    with connect(db) as con:
        return con.execute(sql, list(params)).fetchall()


def frame(at, *columns: str):
    """The one dataframe on the page whose first columns are ``columns``."""
    found = [
        d.value for d in at.dataframe if list(d.value.columns[: len(columns)]) == list(columns)
    ]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def html_blocks(at) -> list[str]:
    """The bodies of the page's own st.html elements, in order (not the frame's focus
    ring: ui.frame.accessible_focus)."""
    from ui.frame import FOCUS_STYLE

    return [e.proto.body for e in at.get("html") if e.proto.body != FOCUS_STYLE]


def problem_table(at, n: int = 0) -> list[dict]:
    """The ``n``-th problem table (viewmodels.upload.problems_html) as rows:
    {id, problem, row, column, value, what_to_do}, cells as the browser shows them."""
    return html_table(
        at, "tracker-problems", ["problem", "row", "column", "value", "what_to_do"], n
    )


def html_table(at, css: str, keys: list[str], n: int = 0) -> list[dict]:
    """The ``n``-th HTML table of class ``css`` as rows ({id, key: cell text})."""
    from html.parser import HTMLParser

    tables = [b for b in html_blocks(at) if f'{css}"' in b and "<table" in b]
    assert len(tables) > n, tables

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows: list[dict] = []
            self.cell: list[str] | None = None
            self.cells: list[str] = []
            self.row_id = None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.row_id, self.cells = dict(attrs).get("id"), []
            elif tag == "td":
                self.cell = []

        def handle_endtag(self, tag):
            if tag == "td" and self.cell is not None:
                self.cells.append("".join(self.cell).strip())
                self.cell = None
            elif tag == "tr" and self.cells:
                self.rows.append({"id": self.row_id, **dict(zip(keys, self.cells))})

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Rows()
    parser.feed(tables[n])
    return parser.rows


def summary_links(at, n: int = 0) -> tuple[str, list[tuple[str, str]]]:
    """The ``n``-th problem summary: (its heading, [(link target, link text)])."""
    import re
    from html import unescape

    boxes = [b for b in html_blocks(at) if "tracker-summary" in b and "<h2" in b]
    assert len(boxes) > n, boxes
    box = boxes[n]
    heading = unescape(re.search(r"<h2[^>]*>(.*?)</h2>", box).group(1))
    links = [(t, unescape(x)) for t, x in re.findall(r'<a href="#([^"]+)">(.*?)</a>', box)]
    return heading, links
