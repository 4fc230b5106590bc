"""Demo data for the `delivery` kind: a quarterly history of updates on the register's
actions, one file per quarter from the quarter after the baseline (2025-Q3), written by
store.demo.generate and loaded as demo batches like every other demo file.

The story as of 2026-Q3 (the same whatever the seed; see tests/store/test_demo_delivery.py):
  - 42 of the 66 actions are reported on; 24 never are (mostly recommendations, priority
    areas and next steps nobody owns yet)
  - completed with evidence: the shared workforce plan (REC-skills-2, the LGA's and the
    Institute's skills roles), the sector workshops (NEXT-2), the roles convening (NEXT-3)
  - slipping with reasons: the coordinating institution (REC-infrastructure-2, twice), the
    concise blueprint (NEXT-4), the Institute's responsibilities (it is not set up yet),
    MHCLG's audit regime
  - off track: the measuring function for standards (REC-standards-2) and MHCLG's audit
    regime; dropped: vendor lock-in work folded into PRI-3
  - the Centres' procurement role stops reporting after 2026-Q1; the Digital Centre's
    legislation role reports low confidence
Beyond 2026-Q3, open actions repeat their latest state each quarter.
"""

from __future__ import annotations

import csv
from pathlib import Path

from store import quarters

FIRST = "2025-Q3"  # the first quarter of updates: the one after the baseline
HEADER = [
    "action_id",
    "quarter",
    "status",
    "confidence",
    "due_quarter",
    "reason",
    "evidence",
    "commentary",
]
IP, NS, DONE, OFF, DROP = "in_progress", "not_started", "completed", "off_track", "dropped"
STOP = "stop"  # no more updates from this quarter on

# action -> changes, each (k, status, confidence, due, reason, evidence, commentary), k the
# quarters since 2025-Q3. Between changes an open action repeats its state every quarter
# (the due quarter unchanged, so no reason; off track and dropped keep their reason).
Change = tuple[int, str, str | None, str | None, str | None, str | None, str | None]
STORY: dict[str, list[Change]] = {
    # --- recommendations (the forum's programme office reports on the ones in hand)
    "REC-infrastructure-1": [
        (0, IP, "medium", "2026-Q4", None, None, "Two Centres of Service Innovation in set-up"),
        (2, IP, "high", "2026-Q4", None, None, "North Centre open; a second agreed"),
    ],
    "REC-infrastructure-2": [
        (0, IP, "medium", "2026-Q2", None, None, "Options paper for the institute drafted"),
        (
            2,
            IP,
            "medium",
            "2026-Q4",
            "Funding for the institute agreed a quarter later than planned",
            None,
            None,
        ),
        (4, IP, "low", "2027-Q2", "Host organisation not yet chosen", None, None),
    ],
    "REC-infrastructure-3": [
        (1, NS, "medium", "2027-Q4", None, None, "Waiting for the institute to hold the library"),
    ],
    "REC-data-2": [
        (0, IP, "high", "2026-Q4", None, None, "Test-and-learn pilots with six councils"),
    ],
    "REC-data-3": [(0, IP, "medium", "2027-Q2", None, None, None)],
    "REC-leadership-2": [
        (1, IP, "medium", "2027-Q1", None, None, "Route mapped with SOLACE; first cohort named"),
    ],
    "REC-skills-1": [(0, IP, "medium", "2027-Q4", None, None, None)],
    "REC-skills-2": [
        (0, IP, "high", "2026-Q1", None, None, "Workforce plan drafted with the LGA"),
        (
            2,
            DONE,
            "high",
            None,
            None,
            "https://www.local.gov.uk/digital-workforce-plan",
            "Shared digital workforce plan published",
        ),
    ],
    "REC-standards-1": [(0, IP, "medium", "2026-Q4", None, None, None)],
    "REC-standards-2": [
        (0, NS, "medium", "2026-Q2", None, None, None),
        (3, OFF, "low", "2026-Q2", "No body has agreed to run the audit", None, None),
    ],
    "REC-procurement-1": [(1, IP, "medium", "2027-Q1", None, None, None)],
    "REC-procurement-3": [
        (0, NS, "low", None, None, None, None),
        (4, DROP, None, None, "Folded into the collective buying work of PRI-3", None, None),
    ],
    "PRI-1": [(0, IP, "high", "2026-Q4", None, None, None)],
    "PRI-3": [(1, IP, "medium", "2027-Q2", None, None, "Two regional frameworks in procurement")],
    "PRI-5": [(0, IP, "medium", "2027-Q4", None, None, None)],
    "NEXT-1": [
        (0, IP, "medium", "2026-Q4", None, None, "Apprenticeship pilot with ten councils"),
    ],
    "NEXT-2": [
        (0, IP, "high", "2025-Q4", None, None, None),
        (
            1,
            DONE,
            "high",
            None,
            None,
            "Sector workshops held in Leeds, Bristol and London; summary report circulated",
            None,
        ),
    ],
    "NEXT-3": [
        (0, IP, "high", "2026-Q1", None, None, None),
        (2, DONE, "high", None, None, "https://example.org/roles-and-responsibilities", None),
    ],
    "NEXT-4": [
        (0, IP, "medium", "2026-Q2", None, None, None),
        (
            3,
            IP,
            "medium",
            "2026-Q4",
            "Aligning with the Digital Centre's blueprint, published late",
            None,
            None,
        ),
    ],
    # --- responsibilities, reported by their organisations
    "ROLE-councils-data": [(0, IP, "medium", "2027-Q4", None, None, None)],
    "ROLE-councils-standards": [(0, IP, "medium", "2027-Q4", None, None, None)],
    "ROLE-councils-procurement": [(1, IP, "medium", "2027-Q2", None, None, None)],
    "ROLE-centres-infrastructure": [(1, IP, "high", "2026-Q4", None, None, None)],
    "ROLE-centres-data": [(1, IP, "medium", "2027-Q2", None, None, None)],
    "ROLE-centres-leadership": [(2, NS, "medium", "2027-Q2", None, None, None)],
    "ROLE-centres-procurement": [
        (1, IP, "medium", "2026-Q4", None, None, None),
        (3, STOP, None, None, None, None, None),
    ],
    "ROLE-institute-infrastructure": [
        (0, NS, "medium", "2026-Q2", None, None, "The institute is being set up"),
        (2, NS, "low", "2026-Q4", "The institute is not set up yet", None, None),
        (4, NS, "low", "2027-Q2", "The institute is not set up yet", None, None),
    ],
    "ROLE-institute-data": [
        (0, NS, "medium", "2026-Q4", None, None, None),
        (4, NS, "low", "2027-Q2", "The institute is not set up yet", None, None),
    ],
    "ROLE-institute-skills": [
        (0, IP, "medium", "2026-Q1", None, None, "Shadow team working with the LGA"),
        (
            2,
            DONE,
            "high",
            None,
            None,
            "https://www.local.gov.uk/digital-workforce-plan",
            None,
        ),
    ],
    "ROLE-institute-standards": [
        (0, NS, "medium", "2026-Q3", None, None, None),
        (4, NS, "low", "2027-Q1", "The institute is not set up yet", None, None),
    ],
    "ROLE-lga-infrastructure": [(0, IP, "high", "2026-Q4", None, None, None)],
    "ROLE-lga-data": [(0, IP, "high", "2026-Q4", None, None, "Data training modules piloted")],
    "ROLE-lga-leadership": [(0, IP, "high", "2026-Q4", None, None, None)],
    "ROLE-lga-skills": [
        (0, IP, "high", "2026-Q1", None, None, None),
        (
            2,
            DONE,
            "high",
            None,
            None,
            "https://www.local.gov.uk/digital-workforce-plan",
            "Workforce plan published with the Institute's shadow team",
        ),
    ],
    "ROLE-lga-standards": [(1, IP, "medium", "2027-Q1", None, None, None)],
    "ROLE-lga-procurement": [(1, IP, "medium", "2026-Q4", None, None, None)],
    "ROLE-mhclg-data": [(0, IP, "medium", "2026-Q4", None, None, None)],
    "ROLE-mhclg-leadership": [(0, IP, "high", "2027-Q1", None, None, None)],
    "ROLE-mhclg-skills": [(0, IP, "medium", "2026-Q4", None, None, None)],
    "ROLE-mhclg-standards": [
        (0, NS, "medium", "2026-Q2", None, None, None),
        (2, NS, "low", "2026-Q4", "Audit regime waiting for the standards to settle", None, None),
        (
            4,
            OFF,
            "low",
            "2026-Q4",
            "No budget for the audit regime this spending round",
            None,
            None,
        ),
    ],
    "ROLE-digital_centre-data": [(0, IP, "high", "2026-Q4", None, None, None)],
    "ROLE-digital_centre-procurement": [
        (1, NS, "low", "2027-Q4", None, None, "Needs a legislative slot"),
    ],
}


def rows_for(k: int) -> list[list[str]]:
    """The updates for quarter k (k = quarters since 2025-Q3), in register-file order."""
    out = []
    for action_id, changes in STORY.items():
        past = [c for c in changes if c[0] <= k]
        if not past:
            continue
        start, status, confidence, due, reason, evidence, commentary = past[-1]
        if status == STOP:
            continue
        if status in (DONE, DROP) and start < k:
            continue  # reported once when it closed
        if start < k:  # a repeat: no new commentary, and no reason unless the status needs one
            commentary = None
            if status not in (OFF, DROP):
                reason = None
        out.append(
            [
                action_id,
                "",
                status,
                confidence or "",
                due or "",
                reason or "",
                evidence or "",
                commentary or "",
            ]
        )
    return out


def write_files(out: Path, qs: list[str]) -> list[tuple[str, Path]]:
    """One delivery file per quarter of ``qs`` from FIRST on: [("delivery", path)]."""
    files = []
    for q in qs:
        if quarters.index(q) < quarters.index(FIRST):
            continue
        rows = rows_for(quarters.index(q) - quarters.index(FIRST))
        for r in rows:
            r[1] = q
        path = out / f"delivery_{q}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows(rows)
        files.append(("delivery", path))
    return files
