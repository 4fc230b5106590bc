"""Benchmark: the full metrics summary (every measure, England and every grouping level) at
1x, 10x and 100x the demo volume.

    .venv/bin/python benchmarks/metrics.py [--scales 1,10,100] [--repeat 3] [--keep DIR]

Synthetic data is written straight into the tables with SQL (not through the ingest):
  1x   ~320 councils x  6 quarters; survey + 7 standards rows per council-quarter,
       8 workforce rows (role families) per council-quarter, ~1 exchange per 10 councils,
       ~1 placement per 30 councils, 25 milestones.
  10x  5x the councils and 2x the quarters (12).
  100x 50x the councils (16,000) and 2x the quarters: ~1.5M workforce rows, ~1.3M standards rows.
Prints, per scale, the cold and warm (best of --repeat) time of summary_all() (one pass
for England and all four levels) and of the five separate summary() calls, and the
100x/1x ratio. Target: warm summary at 100x under 0.5 s; 100x/1x <= 10.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TRACKER_TODAY", "2026-11-26")

from metrics import config as mconfig  # noqa: E402
from metrics import summary as msummary  # noqa: E402
from store.db import connect  # noqa: E402

BASE_COUNCILS = 320
SCALES = {1: (1, 6), 10: (5, 12), 100: (50, 12)}  # scale -> (council multiplier, quarters)
TYPES = [
    "county",
    "district",
    "unitary",
    "metropolitan district",
    "London borough",
    "city corporation",
]
FAMILIES = [
    "architecture",
    "data",
    "it_operations",
    "product_delivery",
    "quality_assurance",
    "software_development",
    "user_centred_design",
    "cyber_security",
]


def build(path: Path, scale: int) -> dict:
    mult, n_q = SCALES[scale]
    n = BASE_COUNCILS * mult
    last_qi = 2026 * 4 + 2  # 2026-Q3
    first_qi = last_qi - n_q + 1
    core = mconfig.load().core_standard_ids
    with connect(path, create=True) as con:
        con.execute("SELECT setseed(0.2030)")
        con.execute(
            "INSERT INTO regions SELECT 'E1200000' || i, 'Region ' || i FROM range(1, 10) t(i)"
        )
        con.execute(
            "INSERT INTO centres SELECT 'c' || i, 'Centre ' || i, ['E1200000' || (i + 1)] FROM range(5) t(i)"
        )
        con.execute(
            """
            INSERT INTO councils (council_code, name, official_name, council_type, region_code, region_name,
                                  footprint_code, footprint_name, centre, start_date, end_date, batch_id)
            SELECT printf('E%08d', i), 'Council ' || i, NULL, ?[1 + i % 6],
                   'E1200000' || (1 + i % 9), 'Region ' || (1 + i % 9),
                   CASE WHEN i % 20 < 15 THEN 'E4700' || (i % 20) END,
                   CASE WHEN i % 20 < 15 THEN 'Footprint ' || (i % 20) END,
                   CASE WHEN i % 6 < 5 THEN 'Centre ' || (i % 6) END,
                   NULL, CASE WHEN i % 97 = 0 THEN DATE '2025-04-01' END, NULL
            FROM range(?) t(i)""",
            [TYPES, n],
        )
        con.execute(
            """
            CREATE TEMP TABLE cq AS
            SELECT printf('E%08d', c.i) AS council_code, q.qi,
                   (q.qi // 4) || '-Q' || (q.qi % 4 + 1) AS quarter, c.i
            FROM range(?) c(i) CROSS JOIN range(?, ?) q(qi)
            WHERE random() < 0.85""",
            [n, first_qi, last_qi + 1],
        )
        con.execute("""
            INSERT INTO survey
            SELECT council_code, quarter,
                   CASE WHEN random() < 0.9 THEN 1 + CAST(floor(random() * 5) AS INTEGER) END,
                   CASE WHEN random() < 0.9 THEN random() < 0.02 END,
                   d, CASE WHEN d IS NULL THEN NULL ELSE round(d * (0.15 + random() * 0.15)) END,
                   tot, CASE WHEN tot IS NULL THEN NULL ELSE CAST(floor(tot * random() * 0.3) AS INTEGER) END,
                   CASE WHEN random() < 0.9 THEN random() < 0.3 END,
                   CASE WHEN random() < 0.9 THEN CAST(floor(random() * 3) AS INTEGER) END,
                   1
            FROM (SELECT *, CASE WHEN random() < 0.9 THEN round(100000 + random() * 900000) END AS d,
                            CASE WHEN random() < 0.9 THEN 5 + CAST(floor(random() * 40) AS INTEGER) END AS tot
                  FROM cq)""")
        con.execute(
            """
            INSERT INTO survey_standards
            SELECT council_code, quarter, s.sid,
                   ['none', 'planned', 'adopting', 'adopted', 'audited'][1 + CAST(floor(random() * 5) AS INTEGER)], 1
            FROM cq CROSS JOIN (SELECT unnest(?) AS sid) s""",
            [core],
        )
        con.execute(
            """
            INSERT INTO workforce (council_code, quarter, role_family, headcount, underrepresented, batch_id)
            SELECT council_code, quarter, f.fam, h, CAST(floor(h * (0.2 + random() * 0.2)) AS INTEGER), 1
            FROM (SELECT cq.*, f.fam, 1 + CAST(floor(random() * 30) AS INTEGER) AS h
                  FROM cq CROSS JOIN (SELECT unnest(?) AS fam) f) f""",
            [FAMILIES],
        )
        con.execute(
            """
            INSERT INTO exchanges
            SELECT 'EX-' || e.i, (q.qi // 4) || '-Q' || (q.qi % 4 + 1), 'Exchange ' || e.i,
                   printf('E%08d', (e.i * 7) % ?),
                   CASE WHEN random() < 0.8 THEN ['Partner ' || e.i] ELSE [] END, ['health'],
                   CASE WHEN random() < 0.7 THEN ['open_referral'] ELSE [] END,
                   ['planned', 'pilot', 'live', 'successful', 'stopped'][1 + CAST(floor(random() * 5) AS INTEGER)],
                   NULL, 1
            FROM range(?) e(i) CROSS JOIN range(?, ?) q(qi)""",
            [n, max(n // 10, 1), first_qi, last_qi + 1],
        )
        con.execute(
            """
            INSERT INTO placements
            SELECT 'P-' || p.i, printf('E%08d', (p.i * 13) % ?), 'Department ' || (p.i % 7),
                   'central_department', 'secondment',
                   ((? + p.i % ?) // 4) || '-Q' || ((? + p.i % ?) % 4 + 1), NULL, 1
            FROM range(?) p(i)""",
            [n, first_qi, n_q, first_qi, n_q, max(n // 30, 1)],
        )
        kinds = ["centre_of_service_innovation"] * 5 + [
            "coordinating_institute",
            "workforce_plan",
            "apprenticeship_scheme",
            "audit_regime",
        ]
        con.execute(
            """
            INSERT INTO milestones
            SELECT 'M-' || m.i, (q.qi // 4) || '-Q' || (q.qi % 4 + 1), ?[1 + m.i % 9], 'Milestone ' || m.i,
                   'E1200000' || (1 + m.i % 9),
                   CASE WHEN q.qi - ? > m.i % 7 THEN 'achieved' ELSE 'in_progress' END, 1
            FROM range(?) m(i) CROSS JOIN range(?, ?) q(qi)""",
            [kinds, first_qi, 9 * max(1, mult // 10 + 1), first_qi, last_qi + 1],
        )
        counts = {
            t: con.execute("SELECT count(*) FROM " + t).fetchall()[0][0]  # names from this list
            for t in (
                "councils",
                "survey",
                "survey_standards",
                "workforce",
                "exchanges",
                "placements",
                "milestones",
            )
        }
        con.execute("CHECKPOINT")
    return counts


def time_it(path: Path, repeat: int) -> dict:
    cfg = mconfig.load()
    with connect(path) as con:
        t0 = time.perf_counter()
        msummary.summary_all(con, config=cfg)
        cold = time.perf_counter() - t0
        warm, cpu = [], []
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            res = msummary.summary_all(con, config=cfg)
            warm.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)  # all threads; steadier on a shared machine
        separate = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            for by in (None, *msummary.LEVELS):
                msummary.summary(con, by=by, config=cfg)
            separate.append(time.perf_counter() - t0)
    rows = sum(len(df) for df in res.values())
    return {
        "cold": cold,
        "warm": min(warm),
        "cpu": min(cpu),
        "separate": min(separate),
        "rows": rows,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="1,10,100")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", metavar="DIR", help="build the databases here and keep them")
    args = ap.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",")]
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="metrics-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    print(
        f"{'scale':>5} {'councils':>8} {'survey':>8} {'standards':>9} {'workforce':>9} "
        f"{'build s':>7} {'cold s':>7} {'warm s':>7} {'warm cpu':>8} {'5 calls s':>9} {'rows':>5}"
    )
    for s in scales:
        path = folder / f"bench-{s}x.duckdb"
        t0 = time.perf_counter()
        if not path.exists():
            counts = build(path, s)
        else:
            with connect(path) as con:
                counts = {
                    t: con.execute("SELECT count(*) FROM " + t).fetchall()[0][0]
                    for t in ("councils", "survey", "survey_standards", "workforce")
                }
        built = time.perf_counter() - t0
        r = time_it(path, args.repeat)
        results[s] = r
        print(
            f"{s:>4}x {counts['councils']:>8} {counts['survey']:>8} {counts['survey_standards']:>9} "
            f"{counts['workforce']:>9} {built:>7.2f} {r['cold']:>7.3f} {r['warm']:>7.3f} "
            f"{r['separate']:>9.3f} {r['rows']:>5}"
        )
    if 1 in results and 100 in results:
        ratio = results[100]["warm"] / results[1]["warm"]
        ok = results[100]["warm"] < 0.5 and ratio <= 10
        print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(
            f"100x/1x warm ratio: {ratio:.1f} (target <= 10); warm at 100x "
            f"{results[100]['warm']:.3f} s (target < 0.5 s): {'MET' if ok else 'NOT MET'}"
        )
    if not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
