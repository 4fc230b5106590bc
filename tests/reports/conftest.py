"""Fixtures for the board pack tests: databases, the pack's text as a reader gets it
(pdftotext from Debian's poppler-utils; the HTML's text), and page images in
tests/screenshots/boardpack/ (git-ignored) to look at."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCREENSHOTS = ROOT / "tests" / "screenshots" / "boardpack"
MADE_AT = dt.datetime(2026, 11, 26, 9, 30)


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(
            f"{tool} is missing: install Debian's poppler-utils (apt-get install poppler-utils; "
            "make test does it)"
        )
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo database, as `python -m store init --demo` builds it (tests/factory.py)."""
    from tests import factory

    return factory.build("demo", tmp_path_factory.mktemp("pack-demo") / "demo.duckdb")


@pytest.fixture(scope="session")
def small_db(tmp_path_factory) -> Path:
    """The hand-made "metrics_small" database (five councils, one batch, no demo data)."""
    from tests import factory

    return factory.build("metrics_small", tmp_path_factory.mktemp("pack-small") / "small.duckdb")


def run_metrics(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def summary_json(db: Path, quarter: str, by: str | None = None) -> list[dict]:
    """What `python -m metrics summary --json` says (the figures the pack must show)."""
    args = ["summary", "--db", str(db), "--as-of", quarter, "--json"]
    if by:
        args += ["--by", by]
    out = run_metrics(*args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def pdf_text(pdf: Path) -> str:
    out = subprocess.run(
        [need("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out.stdout


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(
        [need("pdfinfo"), str(pdf)], capture_output=True, text=True, timeout=60, check=True
    )
    info = {}
    for line in out.stdout.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def page_images(pdf: Path, name: str) -> list[Path]:
    """Every page as a PNG at 60 dpi: tests/screenshots/boardpack/<name>-NN.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(
        [need("pdftoppm"), "-r", "60", "-png", str(pdf), str(SCREENSHOTS / name)],
        check=True,
        timeout=300,
    )
    return sorted(SCREENSHOTS.glob(f"{name}-*.png"))


class _Text(HTMLParser):
    """The text a reader gets from an HTML page (no <style>, <title> or <head>)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "head", "script"):
            self._skip += 1
        elif tag in ("br", "p", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "div"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "head", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def squash(text: str) -> str:
    """Runs of white space as one space (pdftotext -layout pads columns with spaces)."""
    return re.sub(r"\s+", " ", text)


def near(text: str, anchor: str, *needles: str, span: int = 600) -> bool:
    """True when some occurrence of ``anchor`` is followed, within ``span`` characters, by
    every one of ``needles`` (all compared with white space squashed)."""
    flat, anchor = squash(text), squash(anchor)
    start = flat.find(anchor)
    while start >= 0:
        window = flat[start : start + len(anchor) + span]
        if all(squash(n) in window for n in needles):
            return True
        start = flat.find(anchor, start + 1)
    return False
