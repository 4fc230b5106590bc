"""Real-browser harness: a real `streamlit run` server and Debian's Chromium via Playwright.

In CI (CI=true) a missing Chromium is a failure, never a skip. Locally it skips with
the command that installs it. Screenshots go to tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_executable() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """`streamlit run dashboard.py` on a free loopback port, against one database file."""

    def __init__(self, db: Path, log_dir: Path, extra_env: dict[str, str] | None = None):
        self.db = Path(db)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"streamlit-{self.port}.log"
        env = {**os.environ, "TRACKER_DB": str(self.db), **(extra_env or {})}
        self._log = open(self.log, "w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard.py",
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit not healthy in {timeout}s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_executable()
    if path is None:
        message = "Chromium not found: run `make test` (it installs Debian's chromium) or apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """One demo database for the whole browser session, built by the real command."""
    path = tmp_path_factory.mktemp("demo") / "tracker.duckdb"
    subprocess.run(
        [sys.executable, "-m", "store", "init", "--demo", "--db", str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return path


@pytest.fixture(scope="session")
def start_server(tmp_path_factory, request):
    """start_server(db, **env) -> a running StreamlitServer; all are stopped at the end.

    The server has served its root page once before it is handed out (``warm=False``
    skips that): Streamlit treats an app with a pages/ folder as a v1 multipage app until
    the entry script has run st.navigation once in the process, so a deep link as the
    very first request would show a page without the frame.
    """
    servers: list[StreamlitServer] = []
    logs = tmp_path_factory.mktemp("streamlit-logs")

    def start(db: Path, warm: bool = True, **env: str) -> StreamlitServer:
        server = StreamlitServer(db, logs, env)
        servers.append(server)
        if warm:
            context = request.getfixturevalue("browser").new_context()
            try:
                first = context.new_page()
                first.goto(server.url)
                wait_for_app(first)
            finally:
                context.close()
        return server

    yield start
    for server in servers:
        server.stop()


# The analyst account of the session's demo server (its secrets file); an administrator,
# so that the accessibility scan opens the Analyst accounts page too.
ANALYST = "alice"
ANALYST_PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def analyst_secrets(tmp_path_factory) -> Path:
    """A secrets file with one analyst account (ANALYST, ANALYST_PASSWORD), an
    administrator."""
    from store import auth

    path = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    auth.set_account(path, ANALYST, auth.hash_password(ANALYST_PASSWORD))
    auth.set_role(path, ANALYST, True)
    return path


@pytest.fixture(scope="session")
def demo_server(start_server, demo_db, analyst_secrets) -> StreamlitServer:
    """One server on the demo database for the session; ANALYST can sign in."""
    return start_server(demo_db, STREAMLIT_SECRETS_FILES=str(analyst_secrets))


def _is_loopback(url: str) -> bool:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return True
    host = parsed.hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _new_page(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.outside_requests = []  # every request that left loopback
    page.console_errors = []
    page.on(
        "request", lambda r: None if _is_loopback(r.url) else page.outside_requests.append(r.url)
    )
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    return context, page


@pytest.fixture
def page(browser):
    """A desktop-sized page (1366x900) that records requests leaving loopback."""
    context, p = _new_page(browser, 1366, 900)
    yield p
    context.close()


@pytest.fixture
def mobile_page(browser):
    """A phone-sized page (390x844)."""
    context, p = _new_page(browser, 390, 844)
    yield p
    context.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script for the current view.

    The frame says whether its script runs (``data-test-script-state``, which
    Streamlit's own end-to-end tests wait on). A rerun that a click asked for shows as
    running only once the server has started it, so first up to half a second for the
    state to leave "notRunning" (at once after a page load, whose state starts
    "initial"; a rerun that has come and gone by then is simply waited out). Then: the
    app connected and its script not running, something drawn in the main area, no
    "running" status and no skeleton (a chart or element still loading) left, checked
    again 100 ms later.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    begun = """() => document.querySelector('[data-testid="stApp"]')
        ?.getAttribute('data-test-script-state') !== 'notRunning'"""
    try:
        page.wait_for_function(begun, timeout=500)
    except PlaywrightTimeout:
        pass  # no rerun began (or it began and ended between two looks)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
        '[data-test-script-state="notRunning"]',
        state="attached",
        timeout=timeout,
    )
    idle = """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const main = document.querySelector('[data-testid="stMain"]');
            return !!main && !!main.querySelector('[data-testid="stElementContainer"]')
                && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-testid="stStatusWidget"]')
                && !document.querySelector('[data-testid="stSkeleton"]');
        }"""
    page.wait_for_function(idle, timeout=timeout)
    page.wait_for_timeout(100)
    page.wait_for_function(idle, timeout=timeout)


def choose(page, combobox, text: str, attempts: int = 3) -> None:
    """Type ``text`` into a select box and click the option that holds it. On a loaded
    machine the list can close before its options are drawn (a rerun redraws the box):
    then it is closed, the run waited for, and the box opened and typed into again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    option = page.get_by_role("option").filter(has_text=text).first
    for _ in range(attempts):
        combobox.click()
        combobox.fill(text)
        try:
            option.wait_for(state="visible", timeout=10_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait_for_app(page)
            continue
        option.click()
        return
    raise AssertionError(f"no option holding {text!r} appeared in {combobox}")


def settle(page) -> None:
    """After a resize: let Streamlit and plotly lay the page out again (two frames, then
    plotly's resize handler; no rerun)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_timeout(250)


def screenshot(page, name: str) -> Path:
    """Save the whole page: Streamlit scrolls inside its main area, so the viewport is
    stretched to the content's height for the picture and put back afterwards."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        return main ? main.scrollHeight : 0;
    }""")
    if size and height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(height, 12_000)})
        settle(page)
    page.screenshot(path=str(path), full_page=True)
    if size and height > size["height"]:
        page.set_viewport_size(size)
    return path


def page_errors(page) -> list[str]:
    """Exception or error text Streamlit put on the page."""
    found = []
    for sel in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
        found += [el.inner_text() for el in page.query_selector_all(sel)]
    return found
