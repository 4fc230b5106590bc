"""viewmodels.delivery and viewmodels.delivery_action on tests/delivery_small.py: every
expected figure is worked out by hand from the updates listed there (as at 2026-Q3)."""

from __future__ import annotations

import pytest

from domain import register as dreg
from store.db import connect
from tests import delivery_small
from tests.delivery_small import HOSTILE
from viewmodels import delivery as V
from viewmodels import delivery_action as A
from viewmodels import theme

REGISTER = (str(dreg.DEFAULT_PATH), 0, 0)  # what ui.cache.register_state() hands over


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = delivery_small.build(tmp_path_factory.mktemp("delivery") / "d.duckdb", "pages_small")
    with connect(path) as c:
        yield c


@pytest.fixture(scope="module")
def view(con):
    return V.view(con, "2026-Q3", REGISTER)


def ids(table):
    return list(table["id"])


def test_counts_by_status_in_words_and_icons(view):
    assert view.quarter == "2026-Q3" and view.problem is None
    assert [(c.status, c.label, c.n) for c in view.counts] == [
        ("not_started", "Not started", 1),  # C
        ("in_progress", "In progress", 1),  # E
        ("completed", "Completed", 1),  # A
        ("off_track", "Off track", 1),  # B
        ("dropped", "Dropped", 1),  # D
        ("not_reported", "Not reported", 61),  # 66 - 5
    ]
    assert all(c.icon.startswith(":material/") for c in view.counts)
    assert (view.total, view.needs_attention, view.overdue, view.unassigned) == (66, 3, 1, 30)
    assert "**3** need attention" in view.flags and "**1** overdue" in view.flags
    assert "**30** nobody owns yet" in view.flags
    assert view.attention == (
        "REC-data-1",
        "ROLE-councils-skills",
        "ROLE-mhclg-standards",
    )


def test_the_organisation_by_theme_table(view):
    lines = view.grid.splitlines()
    assert len(lines) == 2 + 6  # header, rule, one row per organisation
    assert lines[0].startswith("| Who | Infrastructure, learning & collaboration |")
    assert view.grid.count('target="_self"') == 36  # every cell links to its action
    lga = next(line for line in lines if line.startswith("| **Local Government Association**"))
    data_cell = lga.split(" | ")[2]  # Who, infrastructure, data
    assert 'href="delivery?action=ROLE-lga-data&amp;quarter=2026-Q3"' in data_cell
    assert ":material/check_circle: Completed</a><br>high confidence" in data_cell
    mhclg = next(line for line in lines if line.startswith("| **Ministry of Housing"))
    standards = mhclg.split(" | ")[5]
    assert "Not started</a><br>low confidence<br>:red[:material/flag: needs attention]" in (
        standards
    )
    # a cell nobody reported on says so, with no confidence
    assert "Not reported</a> |" in lga
    cells = view.cells.set_index("action_id")
    assert cells.loc["ROLE-councils-skills", "needs_attention"]  # E: overdue


@pytest.mark.parametrize(
    "filters, expected",
    [
        (V.Filters(owner="lga"), [f"ROLE-lga-{t}" for t in dreg.targets_vocabulary()[0]]),
        (V.Filters(owner="lga", status="completed"), ["ROLE-lga-data"]),
        (
            V.Filters(attention="yes"),
            ["REC-data-1", "ROLE-councils-skills", "ROLE-mhclg-standards"],
        ),
        (V.Filters(kind="next_step", status="dropped"), ["NEXT-2"]),
        (V.Filters(search="withdrew"), ["REC-data-1"]),  # the reason is searched
        (V.Filters(search="  WITHDREW pilot "), ["REC-data-1"]),  # every word, any case
        (
            V.Filters(theme="data", status="not_reported"),
            [
                "REC-data-2",
                "REC-data-3",
                "PRI-5",
                "ROLE-councils-data",
                "ROLE-centres-data",
                "ROLE-institute-data",
                "ROLE-mhclg-data",
                "ROLE-digital_centre-data",
            ],
        ),  # fmt: skip
    ],
)
def test_filters(view, filters, expected):
    assert ids(V.filter_table(view, filters)) == expected


def test_filter_counts_and_no_filter_is_the_table_itself(view):
    assert V.filter_table(view, V.Filters()) is view.table
    assert V.filter_table(view, V.Filters(search="   ")) is view.table
    assert len(V.filter_table(view, V.Filters(owner="unassigned"))) == 30
    assert len(V.filter_table(view, V.Filters(status="not_reported"))) == 61
    assert len(V.filter_table(view, V.Filters(attention="no"))) == 63
    # the next steps that serve the blueprint as a whole
    assert ids(V.filter_table(view, V.Filters(theme="none"))) == [
        "NEXT-2",
        "NEXT-3",
        "NEXT-4",
        "NEXT-6",
    ]
    assert V.row_id(V.filter_table(view, V.Filters(owner="lga")), 1) == "ROLE-lga-data"


def test_table_words(view):
    row = view.table.set_index("id").loc["REC-data-1"]
    assert row["status"] == "Off track" and row["confidence"] == "low"
    assert row["owner"] == "Unassigned: nobody owns this yet"
    assert row["due"] == "2027-Q1" and row["last update"] == "2026-Q3"
    assert row["needs attention"].startswith("Off track: Pilot councils withdrew; Low confidence")
    assert view.table.set_index("id").loc["REC-data-2", "last update"] == "never"


def test_one_action_with_its_history(con):
    a = A.action(con, "REC-data-1", "2026-Q3", "national", REGISTER)
    assert a.heading == "REC-data-1 · Recommendation"
    assert a.attention == (
        "Off track: Pilot councils withdrew",
        "Low confidence of finishing by 2027-Q1",
        "Slipped 2 quarters since 2026-Q2: due 2026-Q3 -> 2027-Q1 (Pilot councils withdrew)",
    )
    assert "**Due:** 2027-Q1 (2 quarters later than the original 2026-Q3)" in a.facts
    assert a.original_due == "Original due quarter 2026-Q3, first given in the update for 2026-Q2."
    assert a.timeline == (
        "**2026-Q2** :material/autorenew: In progress → **2026-Q3** :material/warning: Off track"
    )
    assert list(a.history["quarter"]) == ["2026-Q3", "2026-Q2"]  # newest first
    assert list(a.history["due moved"]) == ["2026-Q3 -> 2027-Q1 (+2)", ""]
    assert a.revisions.to_dict("records") == [
        {
            "in quarter": "2026-Q3",
            "from": "2026-Q3",
            "to": "2027-Q1",
            "quarters moved": 2,
            "reason": "Pilot councils withdrew",
        }
    ]
    assert (a.reason, a.commentary, a.commentary_quarter) == (
        "Pilot councils withdrew",
        HOSTILE,
        "2026-Q3",
    )
    assert a.unowned and a.later == 0
    # the form starts from where the action stands
    f = a.form
    assert (f.quarter, f.status, f.confidence, f.due) == ("2026-Q3", "off_track", "low", "2027-Q1")
    assert f.quarters[0] == "2026-Q4" and f.quarters[-1] == "2025-Q2"  # to the current quarter
    assert f.dues[0] == "" and "2027-Q1" in f.dues


def test_user_text_is_escaped_wherever_it_meets_markdown(con, view):
    a = A.action(con, "REC-data-1", "2026-Q3", "national", REGISTER)
    assert "Pilot councils withdrew" in a.attention_markdown
    hostile = A.plain(HOSTILE)
    assert "](" not in hostile and "<b>" not in hostile and ":material/" not in hostile
    assert hostile == (r"\!\[x\]\(http&#58;//evil/x\.png\) \<b\>hi\</b\> &#58;material/home:")
    assert A.plain("Tom & Jerry: <i>") == r"Tom & Jerry: \<i\>"


def test_evidence_is_a_link_only_when_http(con):
    done = A.action(con, "ROLE-lga-data", "2026-Q3", "national", REGISTER)
    assert done.evidence_url == "https://example.org/lga-guidance"
    assert list(done.history["evidence link"]) == ["https://example.org/lga-guidance", None]
    words = A.action(con, "ROLE-councils-skills", "2026-Q3", "national", REGISTER)
    assert (words.evidence, words.evidence_url) == ("Adopted by 40 councils", None)
    assert words.original_due == (
        "Original due quarter 2026-Q2, first given in the update for 2026-Q3."
    )
    assert A.evidence_url("javascript:alert(1)") is None
    assert A.evidence_url("http://") is None


def test_measures_it_is_meant_to_move_link_to_their_theme_page(con):
    a = A.action(con, "REC-data-1", "2026-Q3", "region", REGISTER)
    (m,) = a.measures
    assert (m.id, m.theme) == ("data_exchanges", "data")
    # pages_small: the exchanges register starts in 2026-Q2, after the baseline (2025-Q2),
    # so there is no baseline to judge progress from (never an invented 0)
    assert m.status == "Not enough data"
    assert (
        'href="theme?theme=data&amp;quarter=2026-Q3&amp;level=region#data_exchanges"' in m.markdown
    )


def test_an_action_before_any_update_and_an_unknown_id(con):
    a = A.action(con, "REC-data-1", "2026-Q2", "national", REGISTER)
    assert a.form.status == "in_progress" and list(a.history["quarter"]) == [
        "2026-Q3 (after the quarter shown)",
        "2026-Q2",
    ]
    assert a.later == 1 and a.attention == ()
    never = A.action(con, "PRI-1", "2026-Q3", "national", REGISTER)
    assert never.timeline == "" and len(never.history) == 0 and never.form.status == "not_started"
    assert "No due quarter set yet" in never.original_due
    assert A.action(con, "REC-nope-1", "2026-Q3", "national", REGISTER) is None


def test_a_quarter_before_the_baseline_is_explained(con):
    v = V.view(con, "2024-Q4", REGISTER)
    assert v.quarter is None and "tracked from 2025-Q2" in (v.problem or "")


def test_actions_beside_a_theme(con):
    t = theme.actions(con, "data", "2026-Q3", REGISTER)
    assert t.n == 10 and t.label == "Actions in this theme: 10, 1 needs attention (as at 2026-Q3)"
    assert t.table.count('target="_self"') == 10
    assert 'href="delivery?action=REC-data-1&amp;quarter=2026-Q3"' in t.table
    assert sorted(t.by_measure) == ["data_exchanges", "data_maturity"]
    exchanges = t.by_measure["data_exchanges"]
    assert exchanges.startswith("Actions meant to move this measure: ")
    assert exchanges.count("<a ") == 7  # REC-data-1, REC-data-2, PRI-5 and four roles
