"""The demo's upload files: every kind's CSV for every quarter from the baseline to the
last complete one, written from the seeded world and the story's events (generate)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from domain.survey import SURVEY_COLUMN_NAMES
from store import quarters
from store.demo_events import EXCHANGES, MILESTONES, PLACEMENTS, _at
from store.demo_story import FIRST_QUARTER, STANDARDS
from store.demo_world import _survey_rows, _workforce_rows, _World
from store.errors import StoreError
from store.reference import read_councils


def _quarter_list(today) -> list[str]:
    if isinstance(today, str):
        today = dt.date.fromisoformat(today)
    last = quarters.last_complete(today)
    if quarters.index(last) < quarters.index(FIRST_QUARTER):
        raise StoreError(
            f"Demo data starts at {FIRST_QUARTER}; the last complete quarter is {last}."
        )
    return quarters.between(FIRST_QUARTER, last)


def _write(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def generate(out_dir, seed: int = 2030, today=None, reference_dir=None) -> list[tuple[str, Path]]:
    """Write the demo upload files into ``out_dir``; return [(kind, path)] in load order.

    Deterministic for a seed and a last complete quarter (from ``today``, a date or
    'YYYY-MM-DD', default store.quarters.today()).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    qs = _quarter_list(today)
    frame = read_councils(reference_dir)
    councils = [
        {"code": r.council_code, "name": r.name, "type": r.council_type, "region": r.region_code}
        for r in frame.itertuples(index=False)
    ]
    w = _World(councils, seed, len(qs))
    names = {c["code"]: c["name"] for c in councils}
    files: list[tuple[str, Path]] = []
    survey_header = (
        ["council_code", "quarter"]
        + [f"standard_{s}" for s in STANDARDS]
        + list(SURVEY_COLUMN_NAMES)
    )
    workforce_header = [
        "council_code",
        "quarter",
        "role_family",
        "headcount",
        "underrepresented",
        "ethnic_minority",
        "disabled",
        "women",
        "lower_socioeconomic",
        "apprentices",
    ]
    for k, q in enumerate(qs):
        rng = random.Random(f"{seed}:survey:{q}")
        rows = _survey_rows(w, k, rng)
        for r in rows:
            r[1] = q
        files.append(("survey", _write(out / f"survey_{q}.csv", survey_header, rows)))
        rng = random.Random(f"{seed}:workforce:{q}")
        rows = _workforce_rows(w, k, rng)
        for r in rows:
            r[1] = q
        files.append(("workforce", _write(out / f"workforce_{q}.csv", workforce_header, rows)))
        rows = []
        for ex_id, name, lead, partners, types, standards, statuses, evidence in EXCHANGES:
            status = _at(statuses, k)
            if status is None:
                continue
            rows.append(
                [
                    ex_id,
                    q,
                    name,
                    lead,
                    "; ".join(partners),
                    "; ".join(types),
                    "; ".join(standards),
                    status,
                    evidence if status in ("successful", "stopped") else "",
                ]
            )
        files.append(
            (
                "exchanges",
                _write(
                    out / f"exchanges_{q}.csv",
                    [
                        "exchange_id",
                        "quarter",
                        "name",
                        "lead_council_code",
                        "partners",
                        "partner_types",
                        "standards",
                        "status",
                        "evidence",
                    ],
                    rows,
                ),
            )
        )
        rows = [
            [m_id, q, kind, title, region, _at(statuses, k)]
            for m_id, kind, title, region, statuses in MILESTONES
        ]
        files.append(
            (
                "milestones",
                _write(
                    out / f"milestones_{q}.csv",
                    ["milestone_id", "quarter", "kind", "title", "region_code", "status"],
                    rows,
                ),
            )
        )
    last = qs[-1]
    placements = [p for p in PLACEMENTS if quarters.index(p[5]) <= quarters.index(last)]
    extra_from = quarters.index("2026-Q4")  # beyond the story: one more every second quarter
    for n, i in enumerate(
        range(extra_from, quarters.index(last) + 1, 2), start=len(PLACEMENTS) + 1
    ):
        code = random.Random(f"{seed}:placement:{n}").choice(w.codes)
        placements.append(
            (
                f"PL-{n:03d}",
                code,
                "Department for Science, Innovation and Technology",
                "central_department",
                "secondment",
                quarters.from_index(i),
                "",
            )
        )
    rows = [
        [
            p_id,
            names[code],
            dest,
            dest_type,
            kind,
            start,
            end if end and quarters.index(end) <= quarters.index(last) else "",
        ]
        for p_id, code, dest, dest_type, kind, start, end in placements
    ]
    files.append(
        (
            "placements",
            _write(
                out / f"placements_register_{last}.csv",
                [
                    "placement_id",
                    "council_code",
                    "destination",
                    "destination_type",
                    "kind",
                    "start_quarter",
                    "end_quarter",
                ],
                rows,
            ),
        )
    )
    from store.demo_delivery import write_files as delivery_files

    files += delivery_files(out, qs)  # the blueprint's actions: one file per quarter
    return files
