"""Demo data: a seeded generator of contract-valid upload files for the real 317 councils,
and its load through the same ingest as an upload.

``generate(out_dir, seed=2030, today=None)`` writes CSV files for every kind from 2025-Q2
(the baseline) to the last complete quarter. ``load_demo(db)`` generates into a temporary
folder and ingests every file as a demo batch.

The story as of 2026-Q3 (with the default seed; see tests/store/test_demo.py):
  - Centres of Service Innovation achieved: 0 at baseline, 1 from 2025-Q4, 2 from 2026-Q2
  - coordinating institute in progress; workforce plan achieved 2026-Q1; apprenticeship
    scheme in progress; audit regime not started
  - qualifying data exchanges: 1 at baseline, 2 from 2025-Q4, 3 at 2026-Q3
  - chief executives from a digital background: 2 at baseline; one joins 2026-Q1, one
    leaves 2026-Q2: 2 at 2026-Q3
  - placements started since the baseline: 4 (and one from 2024-Q4, not counted)
  - under-represented share of the digital workforce, like for like: 30.0% -> 31.8% (+6%)
  - councils adopting every core standard: ~12% -> ~20% of 317 (London and the North
    West ahead, the South West and East of England behind)
  - SME share of digital spend: 24% -> 22% (deteriorating)
  - tracked: common components and collective buying rising, data maturity 2.4 -> 2.8,
    outcome-based contracts flat at ~18%
Each quarter a few councils (3-6%) miss their return; three never report.
"""

from __future__ import annotations

from store import ingest
from store.demo_files import generate
from store.errors import StoreError
from store.scratch import Scratch


def load_demo(db, seed: int = 2030, today=None) -> list:
    """Generate the demo files and load them through store.ingest as demo batches (user
    'demo'), as uploads would be, all in one transaction (store.ingest.ingest_files):
    all or nothing, so a killed load leaves no part of the demo. The database must hold
    the reference geography. If any file is refused, nothing is written and StoreError
    names the file and its problems. Returns the ingest reports."""
    with Scratch(db) as s:  # (the generated files: removed after, or by the next run)
        files = generate(s.path("demo"), seed=seed, today=today)
        reports = ingest.ingest_files(
            db,
            [(kind, path.read_bytes(), path.name) for kind, path in files],
            user="demo",
            demo=True,
            meta={"demo": "true"},
        )
    refused = [(k, p, r) for (k, p), r in zip(files, reports) if not r.ok]
    unwritten = [(k, p, r) for (k, p), r in zip(files, reports) if r.batch_id is None]
    for kind, path, report in (refused or unwritten)[:1]:
        problems = "; ".join(f"row {p.row}, {p.column}: {p.message}" for p in report.errors[:5])
        raise StoreError(
            f"The demo file {path.name} ({kind}) was not loaded: {report.summary()} {problems}"
        )
    return reports
