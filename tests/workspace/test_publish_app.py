"""Releases in the dashboard through AppTest: a viewer's session open across a load sees
no change until publish; analysts see the loaded data marked "Not yet published" and can
switch; Publish and Withdraw on the upload history page."""

from __future__ import annotations

import re

import pytest

from store import ingest, publishing, releases
from tests.workspace.conftest import RELEASE_BANNERS, all_text, texts

# Middlesbrough now has a chief executive from a digital background: digital_ceos 2 -> 3.
CEO = b"council_code,quarter,ceo_digital_background\nE06000002,2026-Q3,yes\n"
VALUE = re.compile(r'<span style="font-size: 2.25rem; line-height: 1.25">(.*?)</span>')


def no_open_data(snapshot, out, release):
    out.mkdir(parents=True)


def publish(db, note="q3"):
    return publishing.publish(db, note=note, user="alice", open_data=no_open_data)


def ceos_card(at) -> str:
    cards = [m.value for m in at.markdown if VALUE.search(m.value)]
    found = [c for c in cards if "Chief executives from a digital background" in c]
    assert len(found) == 1, cards
    return VALUE.search(found[0]).group(1)


def banners(at) -> list[str]:
    return [w for w in texts(at.warning) if w.startswith(RELEASE_BANNERS)]


def caption(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Figures as at"))


@pytest.fixture
def db(make_db):
    return make_db("pages_small")


def test_a_viewer_sees_no_change_until_publish_then_the_new_figures(db, run_page):
    first = publish(db)
    at = run_page(db, None)  # a viewer on the overview
    assert ceos_card(at) == "2"
    assert caption(at).endswith(f"· {first.label}")
    assert not banners(at)

    ingest.ingest_file(db, "survey", CEO, "ceo.csv", user="bob")  # a load, not published
    at.run()
    assert ceos_card(at) == "2" and caption(at).endswith(first.label)
    assert not banners(at)

    second = publish(db, note="Middlesbrough")
    at.run()
    assert ceos_card(at) == "3" and caption(at).endswith(second.label)
    assert "Release 2 (published" in caption(at)

    publishing.withdraw(db, user="carol")  # back to release 1
    at.run()
    assert ceos_card(at) == "2" and caption(at).endswith(first.label)


def test_without_any_release_viewers_see_the_loaded_data_and_say_so(db, run_page):
    at = run_page(db, None)
    assert ceos_card(at) == "2"
    assert texts(at.warning)[-1].startswith("**Nothing has been published yet.**")
    assert "Loaded data, not yet published (data version" in caption(at)
    assert not [b for b in at.download_button if b.label.startswith("Open data")]


def test_analysts_see_the_loaded_data_marked_and_can_switch(db, run_page, accounts):
    first = publish(db)
    ingest.ingest_file(db, "survey", CEO, "ceo.csv", user="bob")
    at = run_page(db, None, secrets=accounts, analyst="alice")
    assert ceos_card(at) == "3"  # loaded, not yet published
    banner = banners(at)
    assert len(banner) == 1 and banner[0].startswith("**Not yet published.**")
    assert len(banner) == 1 and "1 batch loaded since release 1" in banner[0]
    assert "viewers see release 1" in banner[0]
    assert "Loaded data, not yet published" in caption(at)

    at.sidebar.radio(key="tracker_view_choice").set_value("published").run()
    assert ceos_card(at) == "2" and caption(at).endswith(first.label)
    assert not banners(at)
    assert [b.label for b in at.download_button if b.label.startswith("Open data")] == [
        "Open data, release 1 (ZIP)"
    ]


def test_publish_and_withdraw_on_the_history_page(db, run_page, accounts, monkeypatch):
    from ui import actions

    monkeypatch.setattr(actions, "_open_data", no_open_data)
    publish(db)
    ingest.ingest_file(db, "survey", CEO, "ceo.csv", user="bob")
    at = run_page(db, "pages/history.py", secrets=accounts, analyst="alice")
    text = all_text(at)
    assert "Viewers see **release 1**" in text
    assert "loaded since: batch 2 (survey, ceo\\.csv)" in text

    at.text_input(key="publish_note").input("Middlesbrough's return")
    next(b for b in at.button if b.label == "Publish release 2").click().run()
    assert not at.exception
    assert texts(at.success) == [
        f"Release 2 published: every viewer sees it on their next click (data version "
        f"{releases.current(db).data_version})."
    ]
    made = releases.current(db)
    assert (made.number, made.note, made.user) == (2, "Middlesbrough's return", "alice")
    assert "Nothing has changed since release 2 was published" in all_text(at)

    at.button(key="withdraw_ask").click().run()
    assert any(
        "Withdraw release 2? Every viewer sees release 1 again" in w for w in texts(at.warning)
    )
    assert releases.current(db).number == 2  # not yet
    at.button(key="withdraw_yes").click().run()
    assert texts(at.success) == ["Release 2 withdrawn: viewers see release 1 again."]
    assert releases.current(db).number == 1


def test_publish_without_a_note_says_why(db, run_page, accounts):
    at = run_page(db, "pages/history.py", secrets=accounts, analyst="alice")
    assert "Nothing has been published yet" in all_text(at)
    next(b for b in at.button if b.label == "Publish release 1").click().run()
    assert "Say what is in the release" in texts(at.error)[0]
    assert releases.current(db) is None


def test_the_board_pack_is_made_from_the_release_shown(db, run_page, monkeypatch):
    from reports import boardpack
    from ui import boardpack as ui_pack

    asked = []

    def no_browser(source, *args, **kwargs):
        asked.append(str(source))
        raise RuntimeError("no browser in this test")

    monkeypatch.setattr(boardpack, "make", no_browser)
    ui_pack._PACKS.clear()
    first = publish(db)
    ingest.ingest_file(db, "survey", CEO, "ceo.csv", user="bob")  # not published
    at = run_page(db, None)
    at.main.button(key="overview_pack_make").click().run()
    assert asked == [str(first.path)]  # never the live database a viewer must not see
