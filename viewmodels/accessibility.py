"""The accessibility statement (GOV.UK's format): its text lives in docs/accessibility.md;
this fills in who runs the dashboard, whom to contact, the test date and the axe-core
version, and splits off the title (the page's h1)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from store.paths import ROOT

STATEMENT_FILE = ROOT / "docs" / "accessibility.md"
TESTED_ON = date(2026, 11, 29)  # the last full test (automated scan and by hand)
AXE_VERSION = "4.12.1"  # axe-core, as bundled by axe-playwright-python 0.1.8

# Who runs the dashboard and how to reach them: set per deployment (environment).
OPERATOR_ENV = "TRACKER_OPERATOR"
CONTACT_ENV = "TRACKER_CONTACT"
DEFAULT_OPERATOR = "the Blueprint Tracker team"
DEFAULT_CONTACT = "the Blueprint Tracker team"


@dataclass(frozen=True)
class Statement:
    title: str  # the page's h1
    body: str  # markdown: h2 sections, h3 parts


def long_date(d: date) -> str:
    """29 November 2026 (GOV.UK's date style)."""
    return f"{d.day} {d:%B %Y}"


def statement(path: Path = STATEMENT_FILE) -> Statement:
    text = path.read_text(encoding="utf-8")
    first, _, body = text.partition("\n")
    values = {
        "operator": os.environ.get(OPERATOR_ENV, "").strip() or DEFAULT_OPERATOR,
        "contact": os.environ.get(CONTACT_ENV, "").strip() or DEFAULT_CONTACT,
        "tested_on": long_date(TESTED_ON),
        "axe_version": AXE_VERSION,
    }
    for key, value in values.items():
        body = body.replace("{" + key + "}", value)
    return Statement(title=first.lstrip("# ").strip(), body=body.strip())
