"""Text from an upload shown in the pages that render HTML (st.markdown with
unsafe_allow_html: the Delivery page's attention list, an action's page, a theme's
actions) stays text in a real browser: no element, script, link or image comes of it."""

from __future__ import annotations

import csv
import io

import pytest

from store import ingest
from store.delivery import COLUMNS
from tests.browser.conftest import page_errors, wait_for_app

pytestmark = pytest.mark.browser

# An off-track update whose reason (shown in the attention list as "Off track: <reason>")
# and commentary try markup of every kind.
REASON = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"
COMMENTARY = "**bold** [link](javascript:alert(1)) <a href='javascript:alert(2)'>a</a> :red[x]"


def csv_file() -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerow(["REC-data-1", "2026-Q3", "off_track", "low", "2027-Q1", REASON, "", COMMENTARY])
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def server(start_server, tmp_path_factory):
    from tests import factory

    db = factory.build("reference", tmp_path_factory.mktemp("hostile") / "tracker.duckdb")
    report = ingest.ingest_file(db, "delivery", csv_file(), "hostile.csv", user="setup")
    assert report.ok, [str(p) for p in report.problems]
    return start_server(db)


def injected(pg) -> dict:
    return pg.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            return {
                title: document.title,
                images: main.querySelectorAll('img[src="x"], img[onerror]').length,
                scripts: main.querySelectorAll('script').length,
                js_links: main.querySelectorAll('a[href^="javascript"]').length,
                text: main.innerText,
            };
        }"""
    )


@pytest.mark.parametrize(
    "path",
    ["delivery?quarter=2026-Q3", "delivery?action=REC-data-1&quarter=2026-Q3", "theme?theme=data"],
)
def test_uploaded_markup_is_shown_as_text(page, server, path):
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)
    if path.startswith("delivery?quarter"):  # the attention list, in its expander
        page.get_by_text("Why 1 action needs attention").click()
        page.locator("li", has_text="Off track: <img").wait_for(timeout=30_000)
        wait_for_app(page)
    assert page_errors(page) == []
    found = injected(page)
    assert found["title"] != "pwned"
    assert (found["images"], found["scripts"], found["js_links"]) == (0, 0, 0)
    if path.startswith("delivery"):  # the reason, literally
        assert "<img src=x onerror=" in found["text"]
    if "action=" in path:
        assert "[link](javascript:alert(1))" in found["text"]
    assert page.outside_requests == []
