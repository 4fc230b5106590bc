"""Ingest speed: a 1,000,000-row workforce CSV through store.ingest.ingest_file (read,
validate, commit) against DuckDB's bare read_csv of the same file into a table.

    .venv/bin/python benchmarks/ingest.py [--rows 1000000] [--repeat 3]

Two ratios, both with a target of 2.0:

- in-process: ingest_file against read_csv, each timed inside its own process once the
  modules are imported (the work itself);
- whole-process: `python -m store ingest workforce FILE` against
  `python -c "import duckdb; ...read_csv..."`, each timed from outside as a user runs
  them: interpreter start-up and imports included.

Prints the times (best of --repeat runs each, alternating), both ratios, the ratio of
each run's pair, the peak memory (ru_maxrss) of each in-process phase and the load
average (the machine is shared); every run is its own process, so the figures do not mix.

A valid workforce file has one row per council, quarter and role family. The 317 real
councils give at most 317 x 11 quarters (2024-Q1..2026-Q3) x 8 families = 27,896 rows, so
a million-row file needs more councils: the file uses every real council code first and
then synthetic codes E99xxxxxx, which the benchmark adds to the benchmark database's
councils table (a copy of the real reference geography plus those rows). Not part of
the test suite. Files go to benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"
os.environ.setdefault("TRACKER_TODAY", "2026-11-26")

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


def quarters_list() -> list[str]:
    from store import quarters

    return quarters.between("2024-Q1", quarters.last_complete())


def make_reference_db(path: Path, extra_codes: list[str]) -> None:
    from store.db import connect, transaction
    from store.reference import load_reference

    with connect(path, create=True) as con:
        load_reference(con)
        if extra_codes:
            with transaction(con):
                con.execute(
                    "INSERT INTO councils (council_code, name, council_type, region_code, region_name) "
                    "SELECT code, 'Synthetic ' || code, 'district', 'E12000008', 'South East' "
                    "FROM (SELECT unnest(?) AS code)",
                    [extra_codes],
                )


def make_csv(path: Path, rows: int, real_codes: list[str]) -> list[str]:
    """Write the file with DuckDB (fast); return the synthetic codes it needed."""
    import duckdb

    qs = quarters_list()
    per_council = len(qs) * len(FAMILIES)
    councils_needed = -(-rows // per_council)
    extra = [f"E99{i:06d}" for i in range(max(0, councils_needed - len(real_codes)))]
    codes = (real_codes + extra)[:councils_needed]
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT c.code AS council_code, q.quarter, f.family AS role_family, "
        " 20 + (hash(c.code || q.quarter || f.family) % 80) AS headcount, "
        " (hash(c.code || q.quarter || f.family) % 20) AS underrepresented, "
        " (hash(q.quarter || c.code) % 10) AS ethnic_minority, "
        " (hash(f.family || c.code) % 5) AS disabled, "
        " (hash(c.code || f.family || q.quarter) % 20) AS women, "
        " (hash(q.quarter || f.family) % 6) AS lower_socioeconomic, "
        " (hash(f.family) % 3) AS apprentices "
        " FROM (SELECT unnest(?) AS code, generate_subscripts(?, 1) AS ci) c, "
        "      (SELECT unnest(?) AS quarter) q, (SELECT unnest(?) AS family) f "
        " ORDER BY c.ci, q.quarter, f.family LIMIT ?) TO '"
        + str(path).replace("'", "''")
        + "' (HEADER, DELIMITER ',')",
        [codes, codes, qs, FAMILIES, rows],
    )
    con.close()
    return [c for c in codes if c.startswith("E99")]


def phase_bare(csv_path: Path, db_path: Path) -> dict:
    import duckdb

    db_path.unlink(missing_ok=True)
    start = time.perf_counter()
    con = duckdb.connect(str(db_path))
    con.execute("CREATE TABLE bare AS SELECT * FROM read_csv(?)", [str(csv_path)])
    con.close()
    return {"seconds": time.perf_counter() - start}


def phase_ingest(csv_path: Path, db_path: Path) -> dict:
    from store.ingest import ingest_file

    start = time.perf_counter()
    data = csv_path.read_bytes()
    report = ingest_file(db_path, "workforce", data, csv_path.name, user="benchmark")
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "ok": report.ok,
        "batch_id": report.batch_id,
        "rows": report.rows_added,
        "problems": [str(p) for p in report.problems[:5]],
    }


# The bare load as a user would run it: a fresh interpreter, DuckDB imported, the file
# read into a table of a new database.
BARE_SCRIPT = (
    "import sys, duckdb; con = duckdb.connect(sys.argv[2]); "
    "con.execute('CREATE TABLE bare AS SELECT * FROM read_csv(?)', [sys.argv[1]]); con.close()"
)


def run_whole(name: str, csv_path: Path, db_path: Path) -> float:
    """Seconds of one whole process (start-up included), timed from outside."""
    if name == "bare":
        db_path.unlink(missing_ok=True)
        cmd = [sys.executable, "-c", BARE_SCRIPT, str(csv_path), str(db_path)]
    else:
        cmd = [
            sys.executable,
            "-m",
            "store",
            "ingest",
            "workforce",
            str(csv_path),
            "--db",
            str(db_path),
            "--user",
            "benchmark",
        ]
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:5])} failed:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    return seconds


def run_phase(name: str, csv_path: Path, db_path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--csv", str(csv_path), "--db", str(db_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each phase; the best time counts (the machine is shared)",
    )
    parser.add_argument("--phase", choices=["bare", "ingest"])
    parser.add_argument("--csv")
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.phase:
        fn = phase_bare if args.phase == "bare" else phase_ingest
        result = fn(Path(args.csv), Path(args.db))
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    import shutil

    from store.db import connect

    OUT.mkdir(parents=True, exist_ok=True)
    csv_path = OUT / f"workforce_{args.rows}.csv"
    ref = OUT / "reference.duckdb"
    ref.unlink(missing_ok=True)
    make_reference_db(ref, [])
    with connect(ref) as con:
        real = [
            r[0]
            for r in con.execute(
                "SELECT council_code FROM councils WHERE end_date IS NULL ORDER BY council_code"
            ).fetchall()
        ]
    t = time.perf_counter()
    extra = make_csv(csv_path, args.rows, real)
    gen = time.perf_counter() - t
    ref.unlink()
    make_reference_db(ref, extra)
    target = OUT / "ingest.duckdb"
    size = csv_path.stat().st_size / 1e6
    print(
        f"file: {csv_path} ({args.rows:,} rows, {size:.1f} MB, generated in {gen:.1f} s; "
        f"{len(real)} real councils + {len(extra):,} synthetic codes)"
    )
    load_before = os.getloadavg()
    bares, ings = [], []
    whole_bare, whole_ingest = [], []
    for _ in range(args.repeat):
        bares.append(run_phase("bare", csv_path, OUT / "bare.duckdb"))
        shutil.copy(ref, target)
        shutil.rmtree(OUT / "uploads", ignore_errors=True)
        ings.append(run_phase("ingest", csv_path, target))
        whole_bare.append(run_whole("bare", csv_path, OUT / "bare.duckdb"))
        shutil.copy(ref, target)
        shutil.rmtree(OUT / "uploads", ignore_errors=True)
        whole_ingest.append(run_whole("ingest", csv_path, target))
    print(
        "runs (s): bare "
        + ", ".join(f"{b['seconds']:.2f}" for b in bares)
        + "; ingest "
        + ", ".join(f"{i['seconds']:.2f}" for i in ings)
    )
    bare = min(bares, key=lambda r: r["seconds"])
    ing = min(ings, key=lambda r: r["seconds"])
    if not ing["ok"]:
        print("ingest refused the file:", *ing["problems"], sep="\n  ")
    print(
        f"bare read_csv into a table : {bare['seconds']:.2f} s   peak RSS {bare['peak_rss_mb']:.0f} MB"
    )
    print(
        f"ingest_file (validate+commit): {ing['seconds']:.2f} s   peak RSS {ing['peak_rss_mb']:.0f} MB"
        f"   batch {ing['batch_id']}, {ing['rows']:,} rows"
    )
    ratio = ing["seconds"] / bare["seconds"]
    print(
        f"in-process ratio ingest / bare read   : {ratio:.2f}  "
        f"(target <= 2.0: {'met' if ratio <= 2.0 else 'NOT met'})"
    )
    pairs = sorted(i["seconds"] / b["seconds"] for b, i in zip(bares, ings))
    print(
        f"  ratio of each run's pair            : {', '.join(f'{r:.2f}' for r in pairs)} "
        f"(median {pairs[len(pairs) // 2]:.2f})"
    )
    print(
        "whole-process runs (s): python -c read_csv "
        + ", ".join(f"{t:.2f}" for t in whole_bare)
        + "; python -m store ingest "
        + ", ".join(f"{t:.2f}" for t in whole_ingest)
    )
    whole = min(whole_ingest) / min(whole_bare)
    print(
        f"whole-process ratio ingest / read_csv : {whole:.2f}  "
        f"(best {min(whole_ingest):.2f} s / {min(whole_bare):.2f} s; "
        f"target <= 2.0: {'met' if whole <= 2.0 else 'NOT met'})"
    )
    wpairs = sorted(i / b for b, i in zip(whole_bare, whole_ingest))
    print(
        f"  ratio of each run's pair            : {', '.join(f'{r:.2f}' for r in wpairs)} "
        f"(median {wpairs[len(wpairs) // 2]:.2f})"
    )
    print(
        "load average (1, 5, 15 min): before "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    )


if __name__ == "__main__":
    main()
