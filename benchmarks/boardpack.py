"""Benchmark: the board pack (PDF) for England and for one footprint, on the demo database.

    .venv/bin/python benchmarks/boardpack.py [--db PATH] [--as-of 2026-Q3]
                                             [--scope footprint:E47000001] [--repeat 1]

Builds the demo database (as `python -m store init --demo`) in a temporary folder unless
--db names one, then times reports.boardpack.board_pack_pdf end to end: the summaries and
series, every chart through one kaleido session, the HTML, Chromium's print through
Playwright. Prints seconds per pack (best and each run), the time of each step of the
last run, the ratio to a baseline measured in the same run (Playwright starting Chromium
and printing a one-line page: the engine's floor), pages and size, and the load average.
Target: under 15 s each on this machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRACKER_TODAY", "2026-11-26")

from reports import boardpack  # noqa: E402

TARGET_SECONDS = 15.0


def pages(pdf: bytes) -> int | None:
    """Pages, from pdfinfo (poppler-utils) when it is there."""
    try:
        out = subprocess.run(
            ["pdfinfo", "-"], input=pdf, capture_output=True, timeout=60, check=True
        ).stdout.decode()
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def time_pack(
    db: Path, as_of: str, scope: str | None, repeat: int
) -> tuple[list[float], bytes, list[tuple[str, float]]]:
    """Seconds per run, the last PDF, and the last run's steps (when each began)."""
    runs: list[float] = []
    pdf = b""
    steps: list[tuple[str, float]] = []
    for _ in range(repeat):
        start = time.perf_counter()
        steps = [("Checking the quarter and scope", 0.0)]

        def began(step: str, steps=steps, start=start) -> None:
            steps.append((step, time.perf_counter() - start))

        pdf = boardpack.board_pack_pdf(db, as_of, scope, progress=began)
        runs.append(time.perf_counter() - start)
    return runs, pdf, steps


async def _print_floor() -> None:
    from playwright.async_api import async_playwright

    from reports import charts
    from reports.render import BROWSER_ARGS

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=charts.chromium_path(), args=BROWSER_ARGS, headless=True
        )
        page = await browser.new_page()
        await page.set_content("<!doctype html><html lang=en><title>x</title><p>Floor</p>")
        await page.pdf(format="A4", tagged=True)
        await browser.close()


def time_floor(repeat: int) -> float:
    """The engine's floor, the baseline: Playwright starts Chromium and prints a one-line
    page to PDF, nothing of the pack (best of ``repeat`` runs)."""
    from reports import charts

    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        charts.run(_print_floor())
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing database (default: build the demo)")
    parser.add_argument("--as-of", default="2026-Q3")
    parser.add_argument("--scope", default="footprint:E47000001", help="the scoped pack")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-boardpack-") as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "demo.duckdb"
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "store", "init", "--demo", "--db", str(db)],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            print(f"demo database built in {time.perf_counter() - start:.1f} s")
        load = os.getloadavg()
        floor = time_floor(max(args.repeat, 2))
        print(f"baseline: Chromium started by Playwright printing a one-line page: {floor:.2f} s")
        results = []
        for label, scope in (("England", None), (args.scope, args.scope)):
            runs, pdf, steps = time_pack(db, args.as_of, scope, args.repeat)
            best = min(runs)
            results.append(best)
            each = ", ".join(f"{r:.1f}" for r in runs)
            verdict = "ok" if best < TARGET_SECONDS else f"OVER the {TARGET_SECONDS:.0f} s target"
            print(
                f"board pack {args.as_of}, {label}: {best:.1f} s (runs: {each}), "
                f"{best / floor:.1f}x the baseline; {pages(pdf) or '?'} pages, "
                f"{len(pdf) / 1024:.0f} kB: {verdict}"
            )
            ends = [t for _, t in steps[1:]] + [runs[-1]]
            for (step, began), end in zip(steps, ends):
                print(f"    {step:<32} {end - began:5.1f} s")
        print(
            "load average before / after: "
            + ", ".join(f"{x:.2f}" for x in load)
            + " / "
            + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        )
    return 0 if all(r < TARGET_SECONDS for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
