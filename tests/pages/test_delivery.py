"""Delivery page (and the theme page's actions) through AppTest on tests/delivery_small.py:
pages_small's survey (quarters to 2026-Q3) and two files of delivery updates. Expected
figures are worked out by hand there."""

from __future__ import annotations

import html
import re

import pytest

from store import auth
from tests import delivery_small
from tests.delivery_small import HOSTILE
from tests.pages.helpers import texts
from ui import signin

PAGE = "pages/delivery.py"
PASSWORD = "correct horse battery"


@pytest.fixture
def db(tmp_path):
    return delivery_small.build(tmp_path / "delivery.duckdb", "pages_small")


@pytest.fixture(scope="module")
def accounts():
    return {"analysts": {"alice": auth.hash_password(PASSWORD)}}


COLUMNS = {  # the first column of each table (only a table one can select rows of has a key)
    "delivery_table": "id",
    "delivery_history": "quarter",
    "delivery_revisions": "in quarter",
    "delivery_problems": "severity",
}


def rows(at, key):
    found = [d.value for d in at.dataframe if d.value.columns[0] == COLUMNS[key]]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def batches(db):
    from store.db import connect

    with connect(db) as con:
        return con.execute("SELECT count(*) FROM batches").fetchone()[0]


def test_counts_by_status(app_at, db):
    at = app_at(db, PAGE)
    assert at.title[0].value == "Delivery of the blueprint"
    assert [(m.label, m.value) for m in at.metric] == [
        ("Not started", "1"),
        ("In progress", "1"),
        ("Completed", "1"),
        ("Off track", "1"),
        ("Dropped", "1"),
        ("Not reported", "61"),
    ]
    assert [m.proto.icon for m in at.metric][:3] == [
        ":material/hourglass_empty:",
        ":material/autorenew:",
        ":material/check_circle:",
    ]
    assert any("**3** need attention" in t and "**30** nobody owns yet" in t for t in texts(at))
    grid = next(m.value for m in at.markdown if "\n| Who |" in m.value)  # in a scroll box
    assert grid.count('target="_self"') == 36
    assert len(rows(at, "delivery_table")) == 66
    assert [e.label for e in at.expander][0] == "Why 3 actions need attention"
    at.session_state["delivery_why"] = True  # drawn when opened
    at.run()
    why = next(t for t in texts(at) if t.startswith("- <a "))
    assert why.count("\n- ") == 2 and 'href="delivery?action=ROLE-councils-skills' in why
    assert "Overdue: due 2026\\-Q2, not completed by 2026\\-Q3" in why


def test_filters_come_from_and_go_to_the_url(app_at, db):
    at = app_at(db, PAGE, owner="lga", status="completed")
    assert list(rows(at, "delivery_table")["id"]) == ["ROLE-lga-data"]
    assert "1 of 66 actions. Select a row to open that action, or pick it below." in texts(at)
    at.selectbox(key="delivery_status").set_value("all").run()
    assert len(rows(at, "delivery_table")) == 6
    assert "status" not in at.query_params and at.query_params["owner"] == "lga"
    at.text_input(key="delivery_search").input("guidance").run()
    assert at.query_params["search"] == "guidance"
    assert "ROLE-lga-data" in list(rows(at, "delivery_table")["id"])  # its evidence link


def test_search_and_attention_from_the_url(app_at, db):
    at = app_at(db, PAGE, search="withdrew")
    assert list(rows(at, "delivery_table")["id"]) == ["REC-data-1"]
    at = app_at(db, PAGE, attention="yes")
    assert list(rows(at, "delivery_table")["id"]) == [
        "REC-data-1",
        "ROLE-councils-skills",
        "ROLE-mhclg-standards",
    ]


def test_one_action_and_back(app_at, db):
    at = app_at(db, PAGE, action="REC-data-1")
    assert at.title[0].value == "REC-data-1 · Recommendation"
    assert list(rows(at, "delivery_history")["quarter"]) == ["2026-Q3", "2026-Q2"]
    revisions = rows(at, "delivery_revisions")
    assert revisions.to_dict("records") == [
        {
            "in quarter": "2026-Q3",
            "from": "2026-Q3",
            "to": "2027-Q1",
            "quarters moved": 2,
            "reason": "Pilot councils withdrew",
        }
    ]
    shown = texts(at)
    assert any("2026-Q2** :material/autorenew: In progress → **2026-Q3**" in t for t in shown)
    assert any("Slipped 2 quarters since 2026\\-Q2" in t for t in shown)  # escaped
    assert any('href="theme?theme=data&amp;quarter=2026-Q3' in t for t in shown)
    at.button(key="delivery_back").click().run()
    assert "action" not in at.query_params
    assert at.title[0].value == "Delivery of the blueprint"


def test_opening_an_action_from_the_picker(app_at, db):
    at = app_at(db, PAGE)
    at.selectbox(key="delivery_open").set_value("ROLE-lga-data").run()
    assert at.query_params["action"] == "ROLE-lga-data"
    assert at.title[0].value == "ROLE-lga-data · Responsibility"
    assert [b.proto.url for b in at.get("link_button")] == ["https://example.org/lga-guidance"]


def test_hostile_commentary_is_plain_text(app_at, db):
    at = app_at(db, PAGE, action="REC-data-1")
    assert HOSTILE in [t.value for t in at.text]  # st.text: no markdown, no HTML
    assert rows(at, "delivery_history")["commentary"].iloc[0] == HOSTILE
    for shown in texts(at):  # nothing of it reached markdown unescaped
        assert "](http" not in shown and "<b>" not in shown and "material/home" not in shown
    listed = app_at(db, PAGE, search="withdrew")
    for shown in texts(listed):
        assert "<b>" not in shown


def test_unknown_action_says_so_and_shows_the_register(app_at, db):
    at = app_at(db, PAGE, action="REC-nope-9")
    assert at.warning[-1].value.startswith("There is no action REC\\-nope\\-9 in the register")
    assert at.title[0].value == "Delivery of the blueprint"
    assert "action" not in at.query_params


def test_theme_page_lists_its_actions_with_links(app_at, db):
    at = app_at(db, "pages/theme.py", theme="data")
    label = "Actions in this theme: 10, 1 needs attention (as at 2026-Q3)"
    assert [e.label for e in at.expander][0] == label
    assert not any(t.startswith("| Action |") for t in texts(at))  # drawn when opened
    at.session_state["theme-actions-data"] = True
    at.run()
    table = next(t for t in texts(at) if t.startswith("| Action |"))
    assert 'href="delivery?action=REC-data-1&amp;quarter=2026-Q3"' in table
    beside = [t for t in texts(at) if t.startswith("Actions meant to move this measure:")]
    assert len(beside) == 2  # data_exchanges and data_maturity


# ------------------------------------------------------------------ the update form


def open_signed_in(accounts, action):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets.update(accounts)
    at.user = {"is_logged_in": False}
    at.session_state[signin.SESSION_KEY] = {"name": "alice", "via": "password"}
    at.query_params["action"] = action
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def signed_in(db, accounts, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.setenv("TRACKER_SIGNIN_DELAY", "0.05")

    def open_(action="REC-data-1"):
        return open_signed_in(accounts, action)

    return open_


def submit(at, action="REC-data-1"):
    at.button(key=f"FormSubmitter:delivery_update_{action}-Record this update").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_signed_out_no_form(app_at, db):
    at = app_at(db, PAGE, action="REC-data-1")
    assert not at.text_area and not at.get("form")
    assert "Analysts record an update for this action here once signed in" in " ".join(texts(at))


def test_a_valid_update_is_a_batch_and_shows_in_the_history(signed_in, db):
    at = signed_in()
    before = batches(db)
    # the form starts from the 2026-Q3 update (recording it again replaces it)
    assert at.text_input(key="update_reason_REC-data-1").value == "Pilot councils withdrew"
    assert at.text_area(key="update_commentary_REC-data-1").value == HOSTILE
    assert at.selectbox(key="update_due_REC-data-1").value == "2027-Q1"
    at.selectbox(key="update_status_REC-data-1").set_value("in_progress")
    at.selectbox(key="update_confidence_REC-data-1").set_value("medium")
    at.text_area(key="update_commentary_REC-data-1").input("Two new pilot councils found")
    submit(at)
    assert batches(db) == before + 1
    shown = html.unescape(re.sub(r"\\(.)", r"\1", at.success[0].value))  # as a reader sees it
    assert shown.startswith(
        f"Batch {before + 1}: update-REC-data-1-2026-Q3.csv loaded: 1 row, replacing 1 stored row"
    )
    history = rows(at, "delivery_history")
    assert list(history["quarter"]) == ["2026-Q3", "2026-Q2"]
    assert history["commentary"].iloc[0] == "Two new pilot councils found"
    assert (history["status"].iloc[0], history["batch"].iloc[0]) == ("In progress", before + 1)
    assert not any("Off track" in t for t in texts(at) if t.startswith(":"))  # badges redrawn


def test_a_refused_update_shows_the_message_and_writes_nothing(signed_in, db):
    at = signed_in("ROLE-mhclg-standards")
    before = batches(db)
    at.selectbox(key="update_status_ROLE-mhclg-standards").set_value("completed")
    submit(at, "ROLE-mhclg-standards")
    assert batches(db) == before
    assert at.error[0].value.startswith("**1 problem in 1 column.** update\\-ROLE")
    problems = rows(at, "delivery_problems")
    assert list(problems["column"]) == ["evidence"]
    assert problems["what_to_do"].iloc[0].startswith("status is completed, so evidence is required")
    assert not at.success


def test_editing_the_register_changes_the_figures_without_a_batch(
    app_at, db, tmp_path, monkeypatch
):
    from domain import register as dreg

    register = tmp_path / "register.toml"
    text = dreg.DEFAULT_PATH.read_text(encoding="utf-8")
    register.write_text(text, encoding="utf-8")
    monkeypatch.setenv("TRACKER_REGISTER", str(register))
    at = app_at(db, PAGE)
    assert any("**30** nobody owns yet" in t for t in texts(at))
    before = batches(db)
    block = 'id = "REC-data-2"\nkind = "recommendation"\n'
    register.write_text(text.replace(block, block + 'owner = "mhclg"\n', 1), encoding="utf-8")
    at.run()
    assert any("**29** nobody owns yet" in t for t in texts(at))  # the forum set an owner
    assert batches(db) == before
    register.write_text(text.replace(block, block + 'owner = "nobody"\n', 1), encoding="utf-8")
    at.run()
    assert at.error[0].value.startswith("The register of actions cannot be used: register.toml")
    assert "REC-data-2" in at.error[0].value
