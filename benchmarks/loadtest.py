"""Load test: simulated viewers that speak Streamlit's own websocket protocol, against one
dashboard process and against two replicas behind nginx, while a 1,000,000-row load and
a publish happen.

    .venv/bin/python benchmarks/loadtest.py [--viewers 5,10,20,40] [--seconds 20]
        [--load-viewers 10] [--rows 1000000] [--fresh]

A viewer is what a browser does, without the browser: it opens /_stcore/stream (through
nginx: after GET / for the sticky-route cookie), sends BackMsg rerun_script (a
ClientState with the page's page_script_hash, its url path, the sidebar filters' widget
states and the hashes of the messages it has cached, as the frontend's message cache
does), reads ForwardMsgs until script_finished, and notes the time, any exception or
error box, and the release the frame's caption names. Then it waits 0.5 to
1.5 s (a person reading) and either opens another page or changes the quarter or the
geography. Everything runs on 127.0.0.1, every loop stops after a fixed time, and the
whole run gives up after --max-minutes.

It prints, per setup and number of concurrent viewers, the reruns, their time at p50,
p95 and the worst, and the errors; then, for the load: the worst rerun while idle and
while the 1,000,000-row workforce file loads into the live database (viewers read
release 1 all along), and how long each replica took to show release 2 after CURRENT
switched. Files go to benchmarks/out/loadtest/ (git-ignored). Needs nginx (`make bench`
installs it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out" / "loadtest"
os.environ.setdefault("TRACKER_TODAY", "2026-11-26")
PY = sys.executable
HOST = "127.0.0.1"  # every server and every request of this test: loopback only

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetStates  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

VIEWER_PAGES = ("", "theme", "places", "council", "coverage", "methodology")
RELEASE = re.compile(r"Release (\d+) \(published")
FILTERS = ("quarter", "level")
QUARTERS_USED = 3  # the latest three quarters: what people look at, and a warm-up that ends
LEVELS_USED = 3  # England, region, footprint
RERUN_TIMEOUT = 60.0
ALERT_ERROR = 1  # streamlit.proto.Alert.Format.ERROR


# ------------------------------------------------------------------ one simulated viewer


@dataclass
class Run:
    seconds: float
    error: str | None
    release: int | None


@dataclass
class Viewer:
    base: str  # http://127.0.0.1:PORT (nginx or a replica)
    rng: random.Random
    pages: dict[str, str] = field(default_factory=dict)  # url path -> page_script_hash
    widgets: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # key -> (id, options)
    values: dict[str, str] = field(default_factory=dict)  # widget id -> chosen option
    page: str = ""
    ws: object = None
    # The browser's message cache: hash -> the run it was last seen in. A browser sends
    # the hashes it holds with each rerun and the server sends big elements it already
    # has as references (ref_hash), as Streamlit's frontend does.
    cache: dict[str, int] = field(default_factory=dict)
    runs: int = 0

    async def open(self) -> None:
        headers = {}
        # Like a browser: GET / first (nginx sets the sticky-route cookie there).
        cookie = await asyncio.to_thread(self._get_cookie)
        if cookie:
            headers["Cookie"] = cookie
        url = self.base.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = await connect(
            url,
            subprotocols=["streamlit"],  # type: ignore[list-item]
            origin=self.base,  # type: ignore[arg-type]
            additional_headers=headers,
            max_size=None,
            open_timeout=30,
            ping_interval=None,
        )

    def _get_cookie(self) -> str:
        with urllib.request.urlopen(self.base + "/", timeout=30) as r:
            r.read()
            got = r.headers.get_all("Set-Cookie") or []
        return "; ".join(c.split(";", 1)[0] for c in got)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()  # type: ignore[attr-defined]

    async def rerun(self, page: str | None = None) -> Run:
        """One script run: page (url path; None keeps the page) with the filters chosen."""
        if page is not None:
            self.page = page
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = ""
        cs.page_name = self.page
        cs.page_script_hash = self.pages.get(self.page, "")
        states = WidgetStates()
        for wid, value in self.values.items():
            w = states.widgets.add()
            w.id = wid
            w.string_value = value
        cs.widget_states.CopyFrom(states)
        self.runs += 1
        self.cache = {h: r for h, r in self.cache.items() if self.runs - r <= 2}
        cs.cached_message_hashes.extend(self.cache)
        start = time.monotonic()
        error = None
        release = None
        try:
            await self.ws.send(msg.SerializeToString())  # type: ignore[attr-defined]
            while True:
                data = await asyncio.wait_for(self.ws.recv(), RERUN_TIMEOUT)  # type: ignore[attr-defined]
                fm = ForwardMsg()
                fm.ParseFromString(data)
                kind = fm.WhichOneof("type")
                if fm.metadata.cacheable and fm.hash:
                    self.cache[fm.hash] = self.runs
                if kind == "ref_hash":
                    self.cache[fm.ref_hash] = self.runs
                elif kind == "navigation":
                    for p in fm.navigation.app_pages:
                        self.pages[p.url_pathname] = p.page_script_hash
                elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                    el = fm.delta.new_element
                    ek = el.WhichOneof("type")
                    if ek == "exception":
                        error = error or f"exception: {el.exception.message[:120]}"
                    elif ek == "alert" and el.alert.format == ALERT_ERROR:
                        error = error or f"error box: {el.alert.body[:120]}"
                    elif ek == "selectbox":
                        key = el.selectbox.id.rsplit("-", 1)[-1]
                        if key in FILTERS:
                            self.widgets[key] = (el.selectbox.id, list(el.selectbox.options))
                    elif ek == "markdown" and el.markdown.body.startswith("Figures as at"):
                        m = RELEASE.search(el.markdown.body)
                        release = int(m.group(1)) if m else None
                elif kind == "script_finished":
                    if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue
                    if fm.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                        error = error or f"script finished with status {fm.script_finished}"
                    break
        except TimeoutError:
            error = f"no answer in {RERUN_TIMEOUT:.0f} s"
        except Exception as exc:  # a closed connection, a proxy error
            error = f"{type(exc).__name__}: {exc}"[:160]
        return Run(time.monotonic() - start, error, release)

    def change_filter(self) -> None:
        known = [k for k in FILTERS if k in self.widgets]
        if not known:
            return
        key = self.rng.choice(known)
        wid, options = self.widgets[key]
        used = options[: QUARTERS_USED if key == "quarter" else LEVELS_USED]
        self.values[wid] = self.rng.choice(used)

    def next_step(self) -> str | None:
        """Half the time another page, otherwise a filter on this page."""
        if self.rng.random() < 0.5:
            return self.rng.choice([p for p in VIEWER_PAGES if p != self.page])
        self.change_filter()
        return None


async def viewer_loop(base: str, until: float, seed: int, out: list[tuple[float, Run]]) -> None:
    v = Viewer(base, random.Random(seed))
    try:
        await v.open()
    except Exception as exc:
        out.append((time.monotonic(), Run(0.0, f"connect: {exc}"[:160], None)))
        return
    try:
        run = await v.rerun(v.rng.choice(VIEWER_PAGES))
        out.append((time.monotonic(), run))
        while time.monotonic() < until:
            await asyncio.sleep(v.rng.uniform(0.5, 1.5))
            if time.monotonic() >= until:
                break
            run = await v.rerun(v.next_step())
            out.append((time.monotonic(), run))
            if run.error and "Connection" in run.error:
                break
    finally:
        await v.close()


async def crowd(base: str, n: int, seconds: float, seed: int = 0) -> list[tuple[float, Run]]:
    out: list[tuple[float, Run]] = []
    until = time.monotonic() + seconds
    await asyncio.gather(*(viewer_loop(base, until, seed + i, out) for i in range(n)))
    return out


async def warm(base: str, budget: float) -> int:
    """One viewer through every viewer page x the quarters and levels the crowd uses, so
    the figures are cached before anything is timed (a replica caches on its own)."""
    v = Viewer(base, random.Random(0))
    await v.open()
    runs = 0
    deadline = time.monotonic() + budget
    try:
        await v.rerun("")
        runs += 1
        q_id, q_opts = v.widgets["quarter"]
        l_id, l_opts = v.widgets["level"]
        for page in VIEWER_PAGES:
            for q in q_opts[:QUARTERS_USED]:
                for lv in l_opts[:LEVELS_USED]:
                    if time.monotonic() > deadline:
                        return runs
                    v.values = {q_id: q, l_id: lv}
                    await v.rerun(page)
                    runs += 1
    finally:
        await v.close()
    return runs


def stats(runs: list[Run]) -> dict:
    times = sorted(r.seconds for r in runs if not r.error)
    errors = [r.error for r in runs if r.error]

    def pct(p: float) -> float:
        if not times:
            return float("nan")
        return times[min(len(times) - 1, int(round(p * (len(times) - 1))))]

    return {
        "reruns": len(runs),
        "p50": pct(0.50),
        "p95": pct(0.95),
        "max": times[-1] if times else float("nan"),
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
    }


# ------------------------------------------------------------------ servers


def free_base(count: int) -> int:
    """A port with ``count`` free ports from it on 127.0.0.1."""
    rng = random.Random()
    for _ in range(200):
        base = rng.randint(20000, 60000)
        ok = True
        for p in range(base, base + count):
            with socket.socket() as s:
                try:
                    s.bind((HOST, p))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise SystemExit("no free ports on 127.0.0.1")


def wait_ok(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {timeout:.0f} s")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes used so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def streamlit_children(parent: int) -> list[int]:
    """The streamlit processes deploy/run-replicas.sh started."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (d / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"streamlit" in cmd:
            found.append(int(d.name))
    return found


class Setup:
    """One process, or N replicas behind nginx (deploy/run-replicas.sh)."""

    def __init__(self, name: str, db: Path, replicas: int):
        self.name = name
        self.replicas = replicas
        env = {**os.environ, "TRACKER_DB": str(db)}
        env.pop("TRACKER_RELEASES_DIR", None)
        self.log = open(db.parent / f"{name.replace(' ', '_')}.log", "w")
        if replicas == 1:
            port = free_base(1)
            self.url = f"http://{HOST}:{port}"
            self.replica_urls = [self.url]
            cmd = [PY, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true"]
            cmd += ["--server.address", HOST, "--server.port", str(port)]
            cmd += ["--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
            self.proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=env,
                stdout=self.log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            wait_ok(self.url + "/_stcore/health")
            self.server_pids = [self.proc.pid]
        else:
            base = free_base(replicas + 1)
            self.url = f"http://{HOST}:{base}"
            self.replica_urls = [f"http://{HOST}:{base + i}" for i in range(1, replicas + 1)]
            self.proc = subprocess.Popen(
                ["bash", str(ROOT / "deploy" / "run-replicas.sh"), str(replicas), str(base)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=self.log,
                text=True,
                start_new_session=True,
            )
            line = self.proc.stdout.readline() if self.proc.stdout else ""
            if not line.startswith("ready"):
                self.stop()
                raise SystemExit(f"deploy/run-replicas.sh did not start: {line!r}")
            wait_ok(self.url + "/_stcore/health")
            self.server_pids = streamlit_children(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# ------------------------------------------------------------------ the database


def base_database(rows: int, fresh: bool) -> tuple[Path, Path]:
    """benchmarks/out/loadtest/base: the demo database published as release 1, and the
    1,000,000-row workforce file (benchmarks/ingest.py makes it)."""
    import ingest as bench_ingest  # benchmarks/ingest.py

    base = OUT / "base"
    db = base / "tracker.duckdb"
    csv_path = OUT / f"workforce_{rows}.csv"
    if fresh:
        shutil.rmtree(base, ignore_errors=True)
    if not (base / "releases" / "CURRENT").is_file():
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        t = time.monotonic()
        subprocess.run(
            [PY, "-m", "store", "init", "--demo", "--db", str(db)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                PY,
                "-m",
                "store",
                "publish",
                "--db",
                str(db),
                "--note",
                "Demo data",
                "--user",
                "loadtest",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        print(f"built {db} (demo data, release 1) in {time.monotonic() - t:.0f} s", flush=True)
    if fresh or not csv_path.is_file():
        from store.db import connect

        with connect(db) as con:
            real = [
                r[0]
                for r in con.execute(
                    "SELECT council_code FROM councils WHERE end_date IS NULL ORDER BY council_code"
                ).fetchall()
            ]
        extra = bench_ingest.make_csv(csv_path, rows, real)
        (OUT / f"workforce_{rows}.extra").write_text("\n".join(extra))
        print(f"made {csv_path} ({rows:,} rows, {len(extra):,} synthetic councils)", flush=True)
    return db, csv_path


def working_copy(base_db: Path, name: str) -> Path:
    target = OUT / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(base_db.parent, target)
    return target / base_db.name


def add_synthetic_councils(db: Path, csv_path: Path) -> None:
    """The councils the 1,000,000-row file names beyond the real 317 (part of the load:
    release 1 has only the real ones)."""
    from store import schema
    from store.db import connect, transaction

    codes = (csv_path.with_suffix(".extra")).read_text().split()
    with connect(db) as con, transaction(con):
        con.execute(
            "INSERT INTO councils (council_code, name, council_type, region_code, region_name) "
            "SELECT code, 'Synthetic ' || code, 'district', 'E12000008', 'South East' "
            "FROM (SELECT unnest(?) AS code)",
            [codes],
        )
        schema.bump_data_version(con)


# ------------------------------------------------------------------ scenarios


def sweep(setup: Setup, counts: list[int], seconds: float) -> list[dict]:
    rows = []
    for n in counts:
        server0, client0 = cpu_seconds(setup.server_pids), time.process_time()
        got = asyncio.run(crowd(setup.url, n, seconds, seed=1000 * n))
        s = stats([r for _, r in got])
        server = cpu_seconds(setup.server_pids) - server0
        client = time.process_time() - client0
        s.update(
            setup=setup.name,
            viewers=n,
            load=os.getloadavg()[0],
            server_cpu=server / max(s["reruns"], 1),
            server_share=server / seconds,
            client_share=client / seconds,
        )
        rows.append(s)
        print(
            f"  {setup.name:<12} {n:>3} viewers  {s['reruns']:>5} reruns  "
            f"p50 {s['p50'] * 1000:>6.0f} ms  p95 {s['p95'] * 1000:>6.0f} ms  "
            f"max {s['max'] * 1000:>6.0f} ms  errors {s['errors']}  "
            f"server CPU {s['server_cpu'] * 1000:.0f} ms/rerun ({s['server_share']:.2f} cores), "
            f"client {s['client_share']:.2f} cores, load avg {s['load']:.1f}  {s['first_error']}",
            flush=True,
        )
    return rows


async def _probe(url: str, want: int, until: float, seen: dict[str, float]) -> None:
    v = Viewer(url, random.Random(7))
    await v.open()
    try:
        while time.monotonic() < until:
            run = await v.rerun("")
            if run.release == want:
                seen[url] = time.monotonic()
                return
            await asyncio.sleep(0.25)
    finally:
        await v.close()


async def _load_scenario(setup: Setup, db: Path, csv_path: Path, viewers: int, idle: float) -> dict:
    out: list[tuple[float, Run]] = []
    until = time.monotonic() + idle + 900
    stop = asyncio.Event()

    async def crowd_until_stopped() -> None:
        async def one(i: int) -> None:
            v = Viewer(setup.url, random.Random(50_000 + i))
            await v.open()
            try:
                out.append((time.monotonic(), await v.rerun(v.rng.choice(VIEWER_PAGES))))
                while not stop.is_set() and time.monotonic() < until:
                    await asyncio.sleep(v.rng.uniform(0.5, 1.5))
                    out.append((time.monotonic(), await v.rerun(v.next_step())))
            finally:
                await v.close()

        await asyncio.gather(*(one(i) for i in range(viewers)))

    crowd_task = asyncio.create_task(crowd_until_stopped())
    t_idle = time.monotonic()
    await asyncio.sleep(idle)
    t_load = time.monotonic()
    add_synthetic_councils(db, csv_path)
    load = await asyncio.create_subprocess_exec(
        PY,
        "-m",
        "store",
        "ingest",
        "workforce",
        str(csv_path),
        "--db",
        str(db),
        "--user",
        "loadtest",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    load_out, load_err = await load.communicate()
    t_loaded = time.monotonic()
    pointer = db.parent / "releases" / "CURRENT"
    before = pointer.stat().st_mtime_ns
    seen: dict[str, float] = {}
    probes = [
        asyncio.create_task(_probe(u, 2, time.monotonic() + 900, seen)) for u in setup.replica_urls
    ]
    publish = await asyncio.create_subprocess_exec(
        PY,
        "-m",
        "store",
        "publish",
        "--db",
        str(db),
        "--note",
        "1M-row load",
        "--user",
        "loadtest",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    switched = None
    while publish.returncode is None:
        if switched is None and pointer.stat().st_mtime_ns != before:
            switched = time.monotonic()
        try:
            await asyncio.wait_for(publish.wait(), 0.02)
        except TimeoutError:
            pass
    pub_out, pub_err = await publish.communicate()
    if switched is None and pointer.stat().st_mtime_ns != before:
        switched = time.monotonic()
    t_published = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*probes), 900)
    stop.set()
    await crowd_task
    idle_runs = [r for t, r in out if t_idle + 3 <= t < t_load]
    load_runs = [r for t, r in out if t_load <= t < t_loaded]
    after_runs = [r for t, r in out if t >= t_published]
    return {
        "setup": setup.name,
        "viewers": viewers,
        "load_seconds": t_loaded - t_load,
        "load_ok": load.returncode == 0,
        "load_said": (load_out or load_err).decode()[-300:].strip(),
        "publish_seconds": t_published - t_loaded,
        "publish_ok": publish.returncode == 0,
        "publish_said": (pub_out or pub_err).decode()[-300:].strip(),
        "idle": stats(idle_runs),
        "during_load": stats(load_runs),
        "after_publish": stats(after_runs),
        "pickup": {
            u: (seen[u] - switched) if (u in seen and switched) else None
            for u in setup.replica_urls
        },
    }


def load_scenario(setup: Setup, db: Path, csv_path: Path, viewers: int) -> dict:
    r = asyncio.run(_load_scenario(setup, db, csv_path, viewers, idle=15))
    print(
        f"  {setup.name}: {viewers} viewers; load {'ok' if r['load_ok'] else 'FAILED'} in "
        f"{r['load_seconds']:.0f} s, publish {'ok' if r['publish_ok'] else 'FAILED'} in "
        f"{r['publish_seconds']:.0f} s",
        flush=True,
    )
    for part in ("idle", "during_load", "after_publish"):
        s = r[part]
        print(
            f"    {part:<14} {s['reruns']:>5} reruns  p50 {s['p50'] * 1000:>6.0f} ms  "
            f"p95 {s['p95'] * 1000:>6.0f} ms  worst {s['max'] * 1000:>6.0f} ms  "
            f"errors {s['errors']}  {s['first_error']}",
            flush=True,
        )
    for i, (u, sec) in enumerate(r["pickup"].items(), 1):
        shown = f"{sec:.2f} s" if sec is not None else "never"
        print(f"    replica {i} ({u}) showed release 2 {shown} after CURRENT switched", flush=True)
    if not r["load_ok"]:
        print("    load said:", r["load_said"])
    if not r["publish_ok"]:
        print("    publish said:", r["publish_said"])
    return r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", default="5,10,20,40", help="numbers of concurrent viewers")
    parser.add_argument("--seconds", type=float, default=20, help="time per number of viewers")
    parser.add_argument("--load-viewers", type=int, default=10, help="viewers during the load")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--fresh", action="store_true", help="rebuild the database and file")
    parser.add_argument("--max-minutes", type=float, default=45, help="give up after this")
    args = parser.parse_args()
    counts = [int(x) for x in args.viewers.split(",") if x.strip()]
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        raise SystemExit("nginx is missing: apt-get install nginx (make bench does)")
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(SystemExit("time is up")))
    signal.alarm(int(args.max_minutes * 60))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    base_db, csv_path = base_database(args.rows, args.fresh)
    results: dict[str, object] = {}

    # One process.
    db = working_copy(base_db, "one")
    one = Setup("1 process", db, 1)
    try:
        print(f"warm-up: {asyncio.run(warm(one.url, 300))} reruns", flush=True)
        rows_one = sweep(one, counts, args.seconds)
        results["load_one"] = load_scenario(one, db, csv_path, args.load_viewers)
    finally:
        one.stop()
    held = max([r["viewers"] for r in rows_one if r["p95"] < 1.0 and not r["errors"]], default=0)

    # Two replicas behind nginx, up to twice what one process held.
    db = working_copy(base_db, "two")
    two = Setup("2 replicas", db, 2)
    try:
        for u in two.replica_urls:
            print(f"warm-up {u}: {asyncio.run(warm(u, 300))} reruns", flush=True)
        counts_two = sorted(set(counts) | ({2 * held} if held else set()))
        rows_two = sweep(two, counts_two, args.seconds)
        results["load_two"] = load_scenario(two, db, csv_path, 2 * args.load_viewers)
    finally:
        two.stop()

    print(
        "\nviewers  setup        reruns   p50 ms   p95 ms   max ms  errors  "
        "server CPU ms/rerun  load avg"
    )
    for r in rows_one + rows_two:
        print(
            f"{r['viewers']:>7}  {r['setup']:<11} {r['reruns']:>6} {r['p50'] * 1000:>8.0f} "
            f"{r['p95'] * 1000:>8.0f} {r['max'] * 1000:>8.0f} {r['errors']:>7}  "
            f"{r['server_cpu'] * 1000:>19.0f}  {r['load']:>8.1f}"
        )
    at_twice = [r for r in rows_two if held and r["viewers"] == 2 * held]
    print(f"\none process held {held} viewers with p95 under 1 s and no errors")
    if at_twice:
        print(
            f"two replicas at {2 * held} viewers: errors {at_twice[0]['errors']}, p95 {at_twice[0]['p95'] * 1000:.0f} ms"
        )
    for key in ("load_one", "load_two"):
        r = results[key]  # type: ignore[assignment]
        print(
            f"{r['setup']}: worst rerun idle {r['idle']['max'] * 1000:.0f} ms, during the "  # type: ignore[index]
            f"{args.rows:,}-row load {r['during_load']['max'] * 1000:.0f} ms"  # type: ignore[index]
        )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
