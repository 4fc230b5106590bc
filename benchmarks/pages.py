"""Page speed: every dashboard page against a bare Streamlit page with one plotly chart.

    .venv/bin/python benchmarks/pages.py [--db PATH] [--repeat 9] [--no-browser] [--only NAME]

Server side (AppTest through dashboard.py, on the demo database): for each view of each
page, the time of a cold run (every st.cache_data / st.cache_resource emptied first) and
the median of --repeat warm reruns (the same page rerun with the same filters, as a
viewer's second look). The bare page is rerun in the same process right before each of
those reruns (bare, page, bare, page, ...), so both sides of every ratio are timed the
same way under the same machine load; the load average (os.getloadavg) is printed at the
start and the end. Script time is measured around the entry script itself, so AppTest's
own polling is not counted.

Browser (Debian's Chromium against `streamlit run`): the time from navigation to the
first plotly chart drawn on the overview, and on the bare page; each server has served
its page once before, so this is a viewer arriving at a running dashboard. Median of
--repeat loads in fresh browser contexts.

Prints every figure and the ratios against their targets, for every view:
warm rerun <= 3x the bare page; first chart visible <= 2x the bare page.
The demo database is built once in benchmarks/out/ (git-ignored) unless --db is given.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"
os.environ.setdefault("TRACKER_TODAY", "2026-11-26")
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # clearing caches outside a run warns

PAGES = [
    "pages/overview.py",
    "pages/theme.py",
    "pages/delivery.py",
    "pages/places.py",
    "pages/council.py",
    "pages/coverage.py",
    "pages/methodology.py",
    "pages/upload.py",
    "pages/history.py",
]
BARE = """import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3, 4], y=[1, 3, 2, 4], mode="lines+markers")))
"""
FIRST_CHART = """() => [...document.querySelectorAll('.js-plotly-plot')].some(
    p => p.querySelector('.main-svg') && p.querySelectorAll('.scatterlayer path, .barlayer path').length > 0)"""
WARM_TARGET, FIRST_CHART_TARGET = 3.0, 2.0
# (page, URL query) for every view timed: each page as opened from the menu, and the views
# behind a choice (a council picked, the council-level map, a theme cut by region).
VIEWS = [(p, None) for p in PAGES] + [
    ("pages/theme.py", {"theme": "data", "level": "region"}),
    ("pages/places.py", {"places_level": "council"}),
    # A measure with values by footprint, so the trends (one chart per footprint) and the
    # comparison are drawn and timed, not an empty state.
    (
        "pages/places.py",
        {
            "places_level": "footprint",
            "measure": "data_maturity",
            "compare": ["E47000006", "E61000001"],
        },
    ),
    ("pages/council.py", {"council": "E06000001"}),
    # one action with its history and measures; the register filtered and searched
    ("pages/delivery.py", {"action": "REC-infrastructure-2"}),
    ("pages/delivery.py", {"owner": "institute", "search": "institute"}),
]


def demo_db(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    path = OUT / "pages-demo.duckdb"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        print(f"building the demo database {path} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "store", "init", "--demo", "--db", str(path)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
    return path


# ---------------------------------------------------------------- server side


class ScriptTimer:
    """Makes AppTest run scripts as `streamlit run` does, and records how long each run of
    the entry script took.

    - The entry script runs on every run (the server does so once it has seen
      st.navigation; see tests/pages/conftest.py).
    - Compiled scripts are kept between runs, as the server's ScriptCache keeps them
      (AppTest makes a new ScriptCache for every run and would recompile every page).
    """

    def __init__(self):
        from streamlit.runtime.scriptrunner import script_runner
        from streamlit.runtime.scriptrunner.script_cache import ScriptCache
        from streamlit.testing.v1 import app_test

        self.times: list[float] = []
        self._code: dict[str, object] = {}
        shared = ScriptCache()
        app_test.ScriptCache = lambda: shared
        script_runner._mpa_v1 = self._run

    def _run(self, main_script_path: str) -> None:
        code = self._code.get(main_script_path)
        if code is None:
            code = compile(
                Path(main_script_path).read_text(encoding="utf-8"), main_script_path, "exec"
            )
            self._code[main_script_path] = code
        start = time.perf_counter()
        try:
            exec(code, {"__name__": "__main__", "__file__": main_script_path})  # noqa: S102
        finally:
            self.times.append(time.perf_counter() - start)


def clear_caches() -> None:
    import logging

    import streamlit as st

    logging.disable(logging.WARNING)  # "no runtime" warnings: we are between runs
    try:
        st.cache_data.clear()
        st.cache_resource.clear()
    finally:
        logging.disable(logging.NOTSET)
    from ui import cache

    cache.clear()  # the per-process data versions, memo and targets-file states


def new_app(script: Path, page: str | None, query: dict | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=120)
    at.user = {"is_logged_in": False}
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    return at


def run_once(at, timer: ScriptTimer) -> tuple[float, float | None]:
    """(AppTest wall s, entry script s) of one run."""
    timer.times.clear()
    start = time.perf_counter()
    at.run()
    return time.perf_counter() - start, (timer.times[-1] if timer.times else None)


def time_view(page: str, query: dict | None, bare_at, repeat: int, timer: ScriptTimer) -> dict:
    """A cold run of the view (caches emptied), then ``repeat`` warm reruns, each right
    after a rerun of the bare page: medians of both sides, and any exception's text."""
    clear_caches()
    at = new_app(ROOT / "dashboard.py", page, query)
    cold, _ = run_once(at, timer)
    pairs = []
    for _ in range(repeat):
        bare = run_once(bare_at, timer)
        pairs.append((bare, run_once(at, timer)))
    med = lambda xs: statistics.median(xs) if xs else None  # noqa: E731
    return {
        "cold": cold,
        "warm": med([p[0] for _, p in pairs]),
        "script": med([p[1] for _, p in pairs if p[1]]),
        "bare": med([b[0] for b, _ in pairs]),
        "bare_script": med([b[1] for b, _ in pairs if b[1]]),
        "error": at.exception[0].message if at.exception else "",
    }


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f} (1, 5, 15 min) on {} cores".format(
        *os.getloadavg(), os.cpu_count()
    )


# ---------------------------------------------------------------- browser


def start(args: list[str], env: dict, log: Path):
    from tests.browser.conftest import free_port

    port = free_port()
    handle = open(log, "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            *args,
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    import urllib.request

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}")


def stop(proc) -> None:
    import signal

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def first_chart_seconds(browser, url: str, repeat: int) -> float:
    times = []
    for i in range(repeat + 1):  # the first load warms the server; not counted
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        start_t = time.perf_counter()
        page.goto(url)
        page.wait_for_function(FIRST_CHART, timeout=60_000, polling=20)
        if i:
            times.append(time.perf_counter() - start_t)
        context.close()
    return statistics.median(times)


def browser_times(db: Path, bare: Path, repeat: int) -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS, chromium_executable

    servers = []
    try:
        app_proc, app_url = start(["dashboard.py"], {"TRACKER_DB": str(db)}, OUT / "pages-app.log")
        servers.append(app_proc)
        bare_proc, bare_url = start([str(bare)], {}, OUT / "pages-bare.log")
        servers.append(bare_proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS
            )
            try:
                overview = first_chart_seconds(browser, app_url, repeat)
                bare_s = first_chart_seconds(browser, bare_url, repeat)
            finally:
                browser.close()
        return overview, bare_s
    finally:
        for proc in servers:
            stop(proc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database to time against (default: a demo database)")
    parser.add_argument(
        "--repeat", type=int, default=9, help="warm reruns / browser loads (median)"
    )
    parser.add_argument("--no-browser", action="store_true", help="server side only")
    parser.add_argument("--only", help="time only the views whose name contains this text")
    args = parser.parse_args(argv)

    db = demo_db(args.db)
    os.environ["TRACKER_DB"] = str(db)
    OUT.mkdir(parents=True, exist_ok=True)
    bare = OUT / "bare" / "bare_page.py"
    # an (empty) pages/ folder beside it makes AppTest run it through ScriptTimer too, so
    # its script time is taken exactly as the dashboard's
    (bare.parent / "pages").mkdir(parents=True, exist_ok=True)
    bare.write_text(BARE, encoding="utf-8")

    timer = ScriptTimer()
    print(f"database: {db}")
    print(f"before: {load()}")
    bare_at = new_app(bare, None)
    bare_cold, _ = run_once(bare_at, timer)
    print("server side, per view: AppTest wall time of a cold run (caches emptied) and the median")
    print(
        f"of {args.repeat} warm reruns; the bare page's median over reruns interleaved with that view's;"
    )
    print(
        "the ratios; the entry script's own time (what a rerun costs the server without AppTest's"
    )
    print(
        "parsing) and its ratio. Judged on the AppTest ratio: the bare script alone takes about a"
    )
    print("millisecond, so the script-time ratio mostly measures that millisecond.")
    print(
        f"{'view':<64}{'cold s':>7}{'warm s':>8}{'bare s':>8}{'ratio':>6}{'script s':>9}{'ratio':>6}"
    )
    print(f"{'bare page (one plotly chart), cold':<64}{bare_cold:>7.3f}")
    missed = []
    all_views = [
        (
            page,
            query,
            page.removeprefix("pages/")
            + (
                " ?"
                + "&".join(
                    f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in query.items()
                )
                if query
                else ""
            ),
        )
        for page, query in VIEWS
    ]
    views = [v for v in all_views if not args.only or args.only in v[2]]
    if not views:
        print(
            f"error: no view's name contains {args.only!r}; the views are: "
            + "; ".join(v[2] for v in all_views),
            file=sys.stderr,
        )
        return 2
    for page, query, name in views:
        r = time_view(page, query, bare_at, args.repeat, timer)
        ratio = r["warm"] / r["bare"]
        script_ratio = (r["script"] or 0) / r["bare_script"] if r["bare_script"] else 0
        print(
            f"{name:<64}{r['cold']:>7.3f}{r['warm']:>8.3f}{r['bare']:>8.3f}{ratio:>6.1f}"
            f"{r['script'] or 0:>9.4f}{script_ratio:>6.1f}"
            + (f"  ERROR: {r['error'][:60]}" if r["error"] else ""),
            flush=True,
        )
        if ratio > WARM_TARGET or r["error"]:
            missed.append(f"{name} {ratio:.1f}x")
    print(
        f"warm rerun <= {WARM_TARGET:g}x the bare page: "
        + ("met on every view" if not missed else "NOT met: " + ", ".join(missed))
    )
    print(f"after: {load()}")

    if not args.no_browser:
        overview_s, bare_s = browser_times(db, bare, args.repeat)
        ratio = overview_s / bare_s
        print(
            f"first chart visible: overview {overview_s:.2f} s, bare page {bare_s:.2f} s: "
            f"{ratio:.1f}x (target <= {FIRST_CHART_TARGET:g}x): "
            f"{'met' if ratio <= FIRST_CHART_TARGET else 'NOT met'}"
        )
        print(f"after the browser runs: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
