"""`python -m metrics delivery` and metrics.delivery on a hand-made fixture: every expected
figure below is worked out by hand from the updates listed here.

The register is the real one (66 actions: 18 REC, 5 PRI, 7 NEXT, 36 ROLE) with three
forum edits (a test copy): REC-data-2 owned by mhclg; NEXT-7 due 2025-Q4; ROLE-institute-
skills due 2026-Q4. Today is 2026-11-26 (current quarter 2026-Q4); figures as at 2026-Q3
(previous quarter 2026-Q2). The updates, loaded through the ingest one file per quarter
(batch = the file's number):

  batch quarter  action                  status       conf.  due      reason / evidence
  1     2025-Q3  REC-data-2       (A)    in_progress  medium 2026-Q2  commentary "Working group formed"
  1     2025-Q3  PRI-1            (B)    in_progress  high   2026-Q1
  1     2025-Q3  ROLE-mhclg-data  (C)    not_started  medium 2026-Q4
  1     2025-Q3  NEXT-2           (D)    in_progress  high   2025-Q4
  1     2025-Q3  ROLE-lga-skills  (E)    in_progress  medium 2026-Q1
  2     2025-Q4  NEXT-2           (D)    completed    high   -        evidence https://example.org/forum-notes
  2     2025-Q4  REC-data-2       (A)    in_progress  medium -
  3     2026-Q1  PRI-1            (B)    in_progress  medium 2026-Q3  reason "Consultation extended"
  3     2026-Q1  ROLE-lga-skills  (E)    in_progress  medium -
  4     2026-Q2  REC-skills-3     (F)    dropped      -      -        reason "Merged into PRI-1"
  4     2026-Q2  ROLE-institute-skills (I) in_progress medium 2027-Q2 reason "Waiting for the Institute"
  5     2026-Q3  REC-data-2       (A)    in_progress  low    2027-Q1  reason "Pilot councils withdrew"
  5     2026-Q3  PRI-1            (B)    off_track    low    -        reason "Funding not agreed"
  5     2026-Q3  ROLE-mhclg-data  (C)    in_progress  high   2026-Q4  commentary "Guidance drafted"
  5     2026-Q3  ROLE-councils-standards (G) completed -   -        evidence "Adopted by 40 councils"
  6     2026-Q4  REC-data-2       (A)    completed    high   -        evidence https://example.org/pilot (after 2026-Q3: not counted)

As at 2026-Q3:
- reported: A B C D E F G I (8); not reported 66 - 8 = 58. in_progress A C E I = 4,
  completed D G = 2, off_track B = 1, dropped F = 1, not_started 0.
- A: due 2026-Q2 -> 2027-Q1 in 2026-Q3 (+3): slipped since 2026-Q2; low confidence.
  B: off track; low confidence; due 2026-Q3 is not before 2026-Q3: not overdue; its due
  was already 2026-Q3 at 2026-Q2: not slipped. C: due 2026-Q4 repeated: no revision.
  E: due 2026-Q1 passed: overdue; latest update 2026-Q1, two quarters ago: no recent
  update. I: register 2026-Q4 -> 2027-Q2 in 2026-Q2 (+2), not since 2026-Q2.
  NEXT-7: never reported, register due 2025-Q4 passed: overdue, but not needing
  attention (not reported). Needs attention: A B E = 3. Overdue: E NEXT-7 = 2.
- Unassigned: 30 REC/PRI/NEXT - REC-data-2 = 29.
- Revisions (register order): REC-data-2 2026-Q3 2026-Q2->2027-Q1 +3 (batch 5),
  PRI-1 2026-Q1 2026-Q1->2026-Q3 +2 (batch 3), ROLE-institute-skills 2026-Q2
  2026-Q4->2027-Q2 +2 (batch 4).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from domain import register as dreg
from metrics import delivery as D
from metrics import register as mregister
from store.db import connect
from store.ingest import ingest_file
from tests.conftest import ROOT

HEADER = "action_id,quarter,status,confidence,due_quarter,reason,evidence,commentary\n"
BATCHES = [
    "REC-data-2,2025-Q3,in_progress,medium,2026-Q2,,,Working group formed\n"
    "PRI-1,2025-Q3,in_progress,high,2026-Q1,,,\n"
    "ROLE-mhclg-data,2025-Q3,not_started,medium,2026-Q4,,,\n"
    "NEXT-2,2025-Q3,in_progress,high,2025-Q4,,,\n"
    "ROLE-lga-skills,2025-Q3,in_progress,medium,2026-Q1,,,\n",
    "NEXT-2,2025-Q4,completed,high,,,https://example.org/forum-notes,\n"
    "REC-data-2,2025-Q4,in_progress,medium,,,,\n",
    "PRI-1,2026-Q1,in_progress,medium,2026-Q3,Consultation extended,,\n"
    "ROLE-lga-skills,2026-Q1,in_progress,medium,,,,\n",
    "REC-skills-3,2026-Q2,dropped,,,Merged into PRI-1,,\n"
    "ROLE-institute-skills,2026-Q2,in_progress,medium,2027-Q2,Waiting for the Institute,,\n",
    "REC-data-2,2026-Q3,in_progress,low,2027-Q1,Pilot councils withdrew,,\n"
    "PRI-1,2026-Q3,off_track,low,,Funding not agreed,,\n"
    "ROLE-mhclg-data,2026-Q3,in_progress,high,2026-Q4,,,Guidance drafted\n"
    "ROLE-councils-standards,2026-Q3,completed,,,,Adopted by 40 councils,\n",
    "REC-data-2,2026-Q4,completed,high,,,https://example.org/pilot,\n",
]


def _edit(text: str, block: str, line: str) -> str:
    assert block in text, block
    return text.replace(block, block + line, 1)


@pytest.fixture(scope="module")
def register_path(tmp_path_factory):
    text = dreg.DEFAULT_PATH.read_text(encoding="utf-8")
    text = _edit(text, 'id = "REC-data-2"\nkind = "recommendation"\n', 'owner = "mhclg"\n')
    text = _edit(text, 'id = "NEXT-7"\nkind = "next_step"\n', 'due_quarter = "2025-Q4"\n')
    text = _edit(
        text, 'id = "ROLE-institute-skills"\nkind = "responsibility"\n', 'due_quarter = "2026-Q4"\n'
    )
    path = tmp_path_factory.mktemp("register") / "register.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def db(register_path, tmp_path_factory):
    from tests import factory

    mp = pytest.MonkeyPatch()
    mp.setenv("TRACKER_REGISTER", str(register_path))
    try:
        path = factory.build("reference", tmp_path_factory.mktemp("delivery") / "d.duckdb")
        for n, body in enumerate(BATCHES, start=1):
            report = ingest_file(path, "delivery", (HEADER + body).encode(), f"d{n}.csv", user="t")
            assert report.ok and report.batch_id == n, [str(p) for p in report.problems]
    finally:
        mp.undo()
    return path


@pytest.fixture(scope="module")
def reg(register_path):
    return mregister.load(register_path)


def run(register_path, *args):
    env = {**os.environ, "TRACKER_TODAY": "2026-11-26", "TRACKER_REGISTER": str(register_path)}
    return subprocess.run(
        [sys.executable, "-m", "metrics", "delivery", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def out(db, register_path):
    done = run(register_path, "--db", str(db), "--as-of", "2026-Q3", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def zero(**counts):
    base = {s: 0 for s in D.COUNT_COLUMNS}
    return {**base, **counts}


def test_counts_by_status(out):
    assert (out["quarter"], out["previous_quarter"]) == ("2026-Q3", "2026-Q2")
    assert out["counts"] == {
        **zero(
            total=66,
            in_progress=4,
            completed=2,
            off_track=1,
            dropped=1,
            not_reported=58,
            needs_attention=3,
            overdue=2,
        ),
        "unassigned": 29,
    }


def test_needs_attention_and_why(out):
    got = {r["id"]: [(x["code"], x["why"]) for x in r["reasons"]] for r in out["needs_attention"]}
    assert got == {
        "REC-data-2": [
            ("low_confidence", "Low confidence of finishing by 2027-Q1"),
            (
                "slipped",
                "Slipped 3 quarters since 2026-Q2: due 2026-Q2 -> 2027-Q1 (Pilot councils withdrew)",
            ),
        ],
        "PRI-1": [
            ("off_track", "Off track: Funding not agreed"),
            ("low_confidence", "Low confidence of finishing by 2026-Q3"),
        ],
        "ROLE-lga-skills": [
            ("overdue", "Overdue: due 2026-Q1, not completed by 2026-Q3"),
            ("no_recent_update", "No update for 2 quarters: the latest is for 2026-Q1"),
        ],
    }
    # in register order: recommendations, priorities, next steps, responsibilities
    assert [r["id"] for r in out["needs_attention"]] == ["REC-data-2", "PRI-1", "ROLE-lga-skills"]


def test_slippage_history(out):
    assert out["slippage"] == [
        {
            "id": "REC-data-2",
            "quarter": "2026-Q3",
            "from_due": "2026-Q2",
            "to_due": "2027-Q1",
            "quarters": 3,
            "reason": "Pilot councils withdrew",
            "batch_id": 5,
        },
        {
            "id": "PRI-1",
            "quarter": "2026-Q1",
            "from_due": "2026-Q1",
            "to_due": "2026-Q3",
            "quarters": 2,
            "reason": "Consultation extended",
            "batch_id": 3,
        },
        {
            "id": "ROLE-institute-skills",
            "quarter": "2026-Q2",
            "from_due": "2026-Q4",
            "to_due": "2027-Q2",
            "quarters": 2,
            "reason": "Waiting for the Institute",
            "batch_id": 4,
        },
    ]


def test_counts_by_owner(out):
    got = {r["owner"]: r for r in out["by_owner"]}
    assert list(got) == [*dreg.TABLE_ORGANISATIONS, None]
    assert got["mhclg"] == {
        "owner": "mhclg",
        "owner_name": "Ministry of Housing, Communities and Local Government",
        **zero(total=7, in_progress=2, not_reported=5, needs_attention=1),
    }
    assert got["lga"] == {
        "owner": "lga",
        "owner_name": "Local Government Association",
        **zero(total=6, in_progress=1, not_reported=5, needs_attention=1, overdue=1),
    }
    assert got[None] == {
        "owner": None,
        "owner_name": "Unassigned",
        **zero(
            total=29,
            off_track=1,
            completed=1,
            dropped=1,
            not_reported=26,
            needs_attention=1,
            overdue=1,
        ),
    }
    assert got["centres"]["not_reported"] == got["centres"]["total"] == 6
    assert sum(r["total"] for r in out["by_owner"]) == 66


def test_counts_by_theme(out):
    got = {r["theme"]: {k: v for k, v in r.items() if v and k != "theme"} for r in out["by_theme"]}
    assert got == {
        "infrastructure": {"total": 10, "not_reported": 10, "overdue": 1},
        "data": {"total": 10, "in_progress": 2, "not_reported": 8, "needs_attention": 1},
        "leadership": {"total": 11, "not_reported": 11},
        "skills": {
            "total": 11,
            "in_progress": 2,
            "off_track": 1,
            "dropped": 1,
            "not_reported": 7,
            "needs_attention": 2,
            "overdue": 1,
        },
        "standards": {"total": 10, "completed": 1, "not_reported": 9},
        "procurement": {"total": 10, "not_reported": 10},
        None: {"total": 4, "completed": 1, "not_reported": 3},
    }


def test_organisation_theme_cells(out):
    cells = {(c["organisation"], c["theme"]): c for c in out["cells"]}
    assert len(cells) == 36
    assert cells[("mhclg", "data")] == {
        "organisation": "mhclg",
        "organisation_name": "Ministry of Housing, Communities and Local Government",
        "theme": "data",
        "action_id": "ROLE-mhclg-data",
        "status": "in_progress",
        "status_label": "In progress",
        "confidence": "high",
        "due_quarter": "2026-Q4",
        "needs_attention": False,
        "attention": [],
        "actions": 2,  # its responsibility and REC-data-2
        "actions_needing_attention": 1,
    }
    lga = cells[("lga", "skills")]
    assert (lga["status"], lga["needs_attention"], lga["attention"]) == (
        "in_progress",
        True,
        ["overdue", "no_recent_update"],
    )
    g = cells[("councils", "standards")]
    assert (g["status"], g["confidence"], g["due_quarter"]) == ("completed", None, None)
    unreported = cells[("digital_centre", "procurement")]
    assert (unreported["status"], unreported["status_label"], unreported["actions"]) == (
        "not_reported",
        "Not reported",
        1,
    )


def test_per_action(out):
    a = {r["id"]: r for r in out["actions"]}
    assert len(a) == 66
    rec = a["REC-data-2"]
    assert {
        k: rec[k]
        for k in (
            "status",
            "confidence",
            "last_quarter",
            "updates",
            "original_due",
            "due_quarter",
            "due_source",
            "quarters_slipped",
            "revisions",
            "overdue",
            "reason",
            "commentary",
            "commentary_quarter",
            "owner",
        )
    } == {
        "status": "in_progress",
        "confidence": "low",
        "last_quarter": "2026-Q3",
        "updates": 3,  # 2025-Q3, 2025-Q4, 2026-Q3 (2026-Q4 is after)
        "original_due": "2026-Q2",
        "due_quarter": "2027-Q1",
        "due_source": "update",
        "quarters_slipped": 3,
        "revisions": 1,
        "overdue": False,
        "reason": "Pilot councils withdrew",
        "commentary": "Working group formed",  # the latest given
        "commentary_quarter": "2025-Q3",
        "owner": "mhclg",
    }
    inst = a["ROLE-institute-skills"]
    assert (inst["original_due"], inst["due_quarter"], inst["quarters_slipped"]) == (
        "2026-Q4",
        "2027-Q2",
        2,
    )
    nxt = a["NEXT-7"]
    assert (nxt["status"], nxt["due_source"], nxt["overdue"], nxt["needs_attention"]) == (
        "not_reported",
        "register",
        True,
        False,
    )
    assert (a["NEXT-2"]["evidence"], a["NEXT-2"]["evidence_link"]) == (
        "https://example.org/forum-notes",
        True,
    )
    assert (a["ROLE-councils-standards"]["evidence_link"], a["REC-skills-3"]["status"]) == (
        False,
        "dropped",
    )


def test_default_quarter_is_the_latest_update(db, register_path):
    done = run(register_path, "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["quarter"] == "2026-Q4"
    # REC-data-2 completed in 2026-Q4; ROLE-mhclg-data (due 2026-Q4) is not yet overdue
    assert got["counts"]["completed"] == 3 and got["counts"]["in_progress"] == 3
    ids = [r["id"] for r in got["needs_attention"]]
    # PRI-1 now also overdue (due 2026-Q3); ROLE-institute-skills' latest update (2026-Q2)
    # is now two quarters old
    assert ids == ["PRI-1", "ROLE-institute-skills", "ROLE-lga-skills"]
    assert got["needs_attention"][1]["reasons"] == [
        {
            "code": "no_recent_update",
            "why": "No update for 2 quarters: the latest is for 2026-Q2",
        }
    ]
    assert [x["code"] for x in got["needs_attention"][0]["reasons"]] == [
        "off_track",
        "overdue",
        "low_confidence",
    ]


def test_unknown_quarter_exits_1_with_a_message(db, register_path):
    for bad, says in (
        ("2023-Q1", "No delivery figures for 2023-Q1: choose a quarter from 2025-Q2"),
        ("2027-Q1", "No delivery figures for 2027-Q1"),
        ("soon", "Unknown quarter"),
    ):
        done = run(register_path, "--db", str(db), "--as-of", bad, "--json")
        assert done.returncode == 1 and says in done.stderr and not done.stdout


def test_text_output(db, register_path):
    done = run(register_path, "--db", str(db), "--as-of", "2026-Q3")
    assert done.returncode == 0, done.stderr
    assert "66 actions: 0 not started, 4 in progress, 2 completed, 1 off track" in done.stdout
    assert "3 need attention, 2 overdue, 29 with no owner" in done.stdout


def test_history_of_one_action(db, reg):
    with connect(db) as con:
        h = D.history(con, "PRI-1", register=reg)
        assert h["quarter"].tolist() == ["2025-Q3", "2026-Q1", "2026-Q3"]
        assert h["status"].tolist() == ["in_progress", "in_progress", "off_track"]
        assert h["due_in_force"].tolist() == ["2026-Q1", "2026-Q3", "2026-Q3"]
        assert h["revised_from"].tolist() == [None, "2026-Q1", None]
        assert D.history(con, "REC-data-2", as_of="2026-Q3", register=reg)["batch_id"].tolist() == [
            1,
            2,
            5,
        ]
        with pytest.raises(KeyError):
            D.history(con, "REC-data-99", register=reg)


def test_no_updates_at_all(make_db, reg):
    with connect(make_db("reference")) as con:
        d = D.compute(con, register=reg)
    assert d.quarter == "2026-Q3"  # the last complete quarter
    assert d.counts["not_reported"] == 66 and d.counts["needs_attention"] == 0
    assert d.counts["overdue"] == 1  # NEXT-7, due 2025-Q4 in the test register
    assert len(d.slippage) == 0 and len(d.attention) == 0
