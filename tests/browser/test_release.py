"""Releases with real servers: two dashboard processes read one release; a load changes
neither; after a publish each shows the new release on its next rerun (no reload)."""

from __future__ import annotations

import pytest

from store import ingest, publishing
from tests.browser.conftest import page_errors, wait_for_app

pytestmark = pytest.mark.browser

# Middlesbrough now has a chief executive from a digital background: digital_ceos 2 -> 3.
CEO = b"council_code,quarter,ceo_digital_background\nE06000002,2026-Q3,yes\n"


def no_open_data(snapshot, out, release):
    out.mkdir(parents=True)


def rerun(page, link: str) -> None:
    page.get_by_role("link", name=link).click()
    wait_for_app(page)


def test_two_processes_show_one_release_and_both_pick_up_the_next(browser, start_server, make_db):
    db = make_db("pages_small")
    first = publishing.publish(db, note="q3", user="alice", open_data=no_open_data)
    servers = [start_server(db), start_server(db)]
    pages = []
    for server in servers:
        context = browser.new_context()
        p = context.new_page()
        p.goto(server.url)
        wait_for_app(p)
        assert p.get_by_text(first.label).is_visible()
        pages.append(p)

    ingest.ingest_file(db, "survey", CEO, "ceo.csv", user="bob")  # loaded, not published
    for p in pages:
        rerun(p, "Themes")
        assert p.get_by_text(first.label).is_visible()
        assert p.get_by_text("Nothing has been published yet").count() == 0

    second = publishing.publish(db, note="Middlesbrough", user="alice", open_data=no_open_data)
    for p in pages:
        rerun(p, "Overview")  # the same session's next rerun: no reload
        assert p.get_by_text(second.label).is_visible()
        assert page_errors(p) == []
    for p in pages:
        p.context.close()
