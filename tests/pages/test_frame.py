"""The frame (dashboard.py): shared filters in the URL, demo banner, empty states."""

from __future__ import annotations

import pytest

from tests.pages.helpers import has_text

ALL_PAGES = [
    "pages/overview.py",
    "pages/theme.py",
    "pages/places.py",
    "pages/council.py",
    "pages/coverage.py",
    "pages/methodology.py",
    "pages/upload.py",
    "pages/history.py",
]
MINE = ["pages/overview.py", "pages/theme.py", "pages/methodology.py"]
BANNER = "Demo data: generated figures, not real returns"


def test_no_database_says_how_to_create_it_on_every_page(app_at, tmp_path):
    at = app_at(tmp_path / "missing.duckdb")
    for page in ALL_PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert has_text(at, "python -m store init --demo"), page
        assert has_text(at, "make run"), page
    assert not (tmp_path / "missing.duckdb").exists()  # looking did not create it


@pytest.mark.parametrize("page", MINE)
def test_empty_database_pages_have_empty_states(app_at, make_db, page):
    at = app_at(make_db("empty"), page)
    assert not at.exception
    assert at.session_state["quarter"] is None
    if page != "pages/methodology.py":
        assert has_text(at, "No returns have been loaded yet")
    else:  # the methodology still explains every measure from the configuration
        assert has_text(at, "Chief executives from a digital background")
    assert not has_text(at, BANNER)


def test_default_quarter_is_latest_and_both_filters_go_to_the_url(app_at, make_db):
    at = app_at(make_db("pages_small"))
    # quarters with data in pages_small: 2025-Q1 (a placement), 2025-Q2, 2025-Q4, 2026-Q2, 2026-Q3
    assert at.sidebar.selectbox(key="quarter").options[0].startswith("2026-Q3")
    assert len(at.sidebar.selectbox(key="quarter").options) == 5
    assert at.session_state["quarter"] == "2026-Q3"
    assert at.session_state["level"] == "national"
    assert at.query_params["quarter"] == "2026-Q3"
    assert at.query_params["level"] == "national"
    assert has_text(at, "Figures as at **2026-Q3** (Jul-Sep 2026)")
    # the overview shows England (its geography control is not offered): on Themes
    at.switch_page("pages/theme.py").run()
    at.sidebar.selectbox(key="quarter").set_value("2026-Q2")
    at.sidebar.selectbox(key="level").set_value("region").run()
    assert at.query_params["quarter"] == "2026-Q2"
    assert at.query_params["level"] == "region"
    assert has_text(at, "Figures as at **2026-Q2** (Apr-Jun 2026) · Region")


def test_a_link_reproduces_the_view_and_bad_values_are_said(app_at, make_db):
    db = make_db("pages_small")
    at = app_at(db, quarter="2025-Q4", level="council_type")
    assert (at.session_state["quarter"], at.session_state["level"]) == ("2025-Q4", "council_type")
    # nothing refused (the only warning: these figures are not a published release)
    assert [w.icon for w in at.warning] == [":material/unpublished:"]
    at = app_at(db, quarter="1999-Q9", level="galaxy")
    assert (at.session_state["quarter"], at.session_state["level"]) == ("2026-Q3", "national")
    assert not at.exception
    # never switched silently: the page says what the link asked for and what it shows
    warnings = [w.value for w in at.warning]
    assert (
        "The link asks for quarter “1999-Q9”, which has no data: showing 2026-Q3 instead."
        in warnings
    )
    assert (
        "The link asks for level “galaxy”, which does not exist: showing England (all "
        "councils) instead." in warnings
    )
    # once the person picks a value (on Themes: the overview shows England), the note has served
    at.switch_page("pages/theme.py").run()
    at.sidebar.selectbox(key="level").set_value("region").run()
    assert not any("galaxy" in w.value for w in at.warning)


def test_an_unknown_theme_in_the_link_is_said(app_at, make_db):
    at = app_at(make_db("pages_small"), "pages/theme.py", theme="astrology")
    assert at.title[0].value == "Infrastructure, learning & collaboration"
    assert any(
        "theme “astrology”, which does not exist: showing Infrastructure, learning & "
        "collaboration instead." in w.value
        for w in at.warning
    )


def test_filters_survive_switching_pages(app_at, make_db):
    at = app_at(make_db("pages_small"))
    at.sidebar.selectbox(key="quarter").set_value("2026-Q2").run()
    at.switch_page("pages/methodology.py").run()
    assert at.session_state["quarter"] == "2026-Q2"
    assert has_text(at, "Figures as at **2026-Q2**")


def test_demo_banner_on_every_page(app_at, make_db):
    at = app_at(make_db("pages_small", demo=True))
    for page in ALL_PAGES:
        at.switch_page(page).run()
        assert [w.value for w in at.warning if BANNER in w.value], page


def test_no_banner_without_demo_data(app_at, make_db):
    at = app_at(make_db("pages_small"))
    assert not has_text(at, BANNER)
