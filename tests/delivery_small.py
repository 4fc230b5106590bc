"""A small delivery fixture for the Delivery page's tests (tests/viewmodels, tests/pages):
two quarterly files of updates loaded through the ingest (one batch each) on top of a
factory database, with the real register (66 actions; no owner for the 30 REC/PRI/NEXT,
no due quarter set). Today is 2026-11-26 (tests/conftest.py); figures as at 2026-Q3,
the previous quarter 2026-Q2.

  quarter  action                      status       conf.   due      reason / evidence / commentary
  2026-Q2  ROLE-lga-data         (A)   in_progress  high    2026-Q4
  2026-Q2  REC-data-1            (B)   in_progress  medium  2026-Q3  commentary "Trust framework drafted"
  2026-Q2  ROLE-mhclg-standards  (C)   not_started  low     2027-Q1
  2026-Q3  REC-data-1            (B)   off_track    low     2027-Q1  reason "Pilot councils withdrew",
                                                                     commentary HOSTILE
  2026-Q3  ROLE-lga-data         (A)   completed    high    -        evidence https://example.org/lga-guidance
  2026-Q3  NEXT-2                (D)   dropped      -       -        reason "Merged into NEXT-3"
  2026-Q3  ROLE-councils-skills  (E)   in_progress  medium  2026-Q2  evidence "Adopted by 40 councils"

As at 2026-Q3, by hand:
- one action in each status: C not started, E in progress, A completed, B off track,
  D dropped; 66 - 5 = 61 not reported.
- needs attention: B (off track; low confidence; due 2026-Q3 -> 2027-Q1 since 2026-Q2,
  +2), C (low confidence), E (overdue: due 2026-Q2 before 2026-Q3) = 3; overdue: E = 1.
- nobody owns: the 30 recommendations, priority areas and next steps (B and D among them).
- B's due quarter: original 2026-Q3 (first given for 2026-Q2), now 2027-Q1: one revision.
"""

from __future__ import annotations

from pathlib import Path

HOSTILE = "![x](http://evil/x.png) <b>hi</b> :material/home:"
HEADER = "action_id,quarter,status,confidence,due_quarter,reason,evidence,commentary\n"
FILES = [
    "ROLE-lga-data,2026-Q2,in_progress,high,2026-Q4,,,\n"
    "REC-data-1,2026-Q2,in_progress,medium,2026-Q3,,,Trust framework drafted\n"
    "ROLE-mhclg-standards,2026-Q2,not_started,low,2027-Q1,,,\n",
    f"REC-data-1,2026-Q3,off_track,low,2027-Q1,Pilot councils withdrew,,{HOSTILE}\n"
    "ROLE-lga-data,2026-Q3,completed,high,,,https://example.org/lga-guidance,\n"
    "NEXT-2,2026-Q3,dropped,,,Merged into NEXT-3,,\n"
    "ROLE-councils-skills,2026-Q3,in_progress,medium,2026-Q2,,Adopted by 40 councils,\n",
]


def build(path: Path, base: str = "reference") -> Path:
    """The factory database ``base`` at ``path`` with the two files above loaded."""
    from store.ingest import ingest_file
    from tests import factory

    factory.build(base, path)
    for n, body in enumerate(FILES, start=1):
        report = ingest_file(path, "delivery", (HEADER + body).encode(), f"d{n}.csv", user="t")
        assert report.ok and report.batch_id is not None, [str(p) for p in report.problems]
    return path
