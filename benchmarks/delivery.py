"""Benchmark: `metrics delivery` (metrics.delivery.compute and its JSON) on the demo's
delivery updates and at 100x them.

    .venv/bin/python benchmarks/delivery.py [--repeat 7]

1x:   the reference geography and the demo's delivery files (store/demo_delivery.py,
      2025-Q3..2026-Q3: 184 updates on 42 of the 66 actions), loaded through the ingest.
100x: the same history for 100 copies of every action (6,600 actions, 18,400 updates),
      written straight into the table with SQL; the register is the real one with each
      action copied 100 times (ids <id>~<k>, built in memory: such ids would not pass the
      register file's id rules).
Prints, per scale, the cold (first) and warm (best and median of --repeat) time of
compute(con, as_of) on an open connection, and of compute + as_json + json.dumps (what
the command line does after connecting); and the command line's wall time at 1x
(`python -m metrics delivery --json`, a new process: imports and connection included).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRACKER_TODAY", "2026-11-26")

from domain.register import Register  # noqa: E402
from metrics import delivery as D  # noqa: E402
from metrics import register as mregister  # noqa: E402
from store import demo_delivery  # noqa: E402
from store.db import connect  # noqa: E402
from store.ingest import ingest_file  # noqa: E402
from store.quarters import between  # noqa: E402
from store.reference import load_reference  # noqa: E402

AS_OF = "2026-Q3"
COPIES = 100


def build_1x(path: Path) -> None:
    with connect(path, create=True) as con:
        load_reference(con)
    folder = path.parent / "files"
    folder.mkdir()
    for kind, f in demo_delivery.write_files(folder, between("2025-Q2", AS_OF)):
        report = ingest_file(path, kind, f.read_bytes(), f.name, user="bench", demo=True)
        assert report.ok, [str(p) for p in report.problems[:3]]


def build_100x(source: Path, path: Path) -> None:
    with connect(path, create=True) as con:
        con.execute("ATTACH ? AS src (READ_ONLY)", [str(source)])
        con.execute(
            "INSERT INTO delivery SELECT d.action_id || '~' || k, d.quarter, d.status, "
            "d.confidence, d.due_quarter, d.reason, d.evidence, d.commentary, d.batch_id "
            "FROM src.delivery d, range(?) t(k)",
            [COPIES],
        )
        con.execute("DETACH src")


def copied(reg: Register) -> Register:
    actions = tuple(replace(a, id=f"{a.id}~{k}") for k in range(COPIES) for a in reg.actions)
    return replace(reg, actions=actions)


def timed(fn, repeat: int) -> tuple[float, float, float]:
    """(first, best, median) seconds."""
    times = []
    for _ in range(repeat + 1):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times[0], min(times[1:]), statistics.median(times[1:])


def measure(path: Path, reg: Register, label: str, repeat: int) -> None:
    with connect(path) as con:
        rows = con.execute("SELECT count(*), count(DISTINCT action_id) FROM delivery").fetchall()
        n, actions = rows[0]

        def compute():
            return D.compute(con, as_of=AS_OF, register=reg)

        def cli_body():
            return json.dumps(D.as_json(compute()), ensure_ascii=False)

        c = timed(compute, repeat)
        j = timed(cli_body, repeat)
        d = compute()
    print(
        f"{label:>5}: {len(reg.actions):>5} actions, {n:>6} updates ({actions} reported); "
        f"needs attention {d.counts['needs_attention']}, revisions {len(d.slippage)}"
    )
    print(
        f"       compute: first {c[0] * 1000:7.1f} ms, warm best {c[1] * 1000:7.1f} ms, "
        f"median {c[2] * 1000:7.1f} ms"
    )
    print(
        f"       compute + JSON: first {j[0] * 1000:7.1f} ms, warm best {j[1] * 1000:7.1f} ms, "
        f"median {j[2] * 1000:7.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    reg = mregister.load()
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    print(f"metrics delivery benchmark, as at {AS_OF} (load average {load:.1f})")
    with tempfile.TemporaryDirectory(prefix="tracker-bench-delivery-") as tmp:
        one = Path(tmp) / "1x" / "d.duckdb"
        one.parent.mkdir()
        build_1x(one)
        hundred = Path(tmp) / "100x.duckdb"
        build_100x(one, hundred)
        measure(one, reg, "1x", args.repeat)
        measure(hundred, copied(reg), "100x", args.repeat)
        env = {**os.environ}
        walls = []
        for _ in range(3):
            t = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "metrics", "delivery", "--db", str(one), "--json"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            walls.append(time.perf_counter() - t)
            assert done.returncode == 0, done.stderr
        print(
            f"   1x: python -m metrics delivery --json (new process): best {min(walls):.2f} s, "
            f"median {statistics.median(walls):.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
