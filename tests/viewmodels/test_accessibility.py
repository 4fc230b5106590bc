"""viewmodels.accessibility: the statement in GOV.UK's format, with every item the axe
allow-list accepts named in it."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import ROOT
from viewmodels import accessibility


def test_statement_has_govuk_sections_and_filled_placeholders(monkeypatch):
    monkeypatch.setenv(accessibility.CONTACT_ENV, "digital@example.gov.uk")
    s = accessibility.statement()
    assert s.title == "Accessibility statement for Blueprint Tracker"
    headings = re.findall(r"^(#+) (.+)$", s.body, flags=re.M)
    assert [h for _, h in headings if _ == "##"] == [
        "How accessible this dashboard is",
        "Feedback and contact information",
        "Reporting accessibility problems with this dashboard",
        "Enforcement procedure",
        "Technical information about this dashboard's accessibility",
        "Non-accessible content",
        "What we are doing to improve accessibility",
        "Preparation of this accessibility statement",
    ]
    assert "{" not in s.body and "digital@example.gov.uk" in s.body
    assert "last tested on 29 November 2026" in s.body
    assert "partially compliant" in s.body


def test_headings_never_jump():
    levels = [len(h) for h in re.findall(r"^(#+) ", accessibility.statement().body, flags=re.M)]
    previous = 1  # the page's h1 is the title
    for level in levels:
        assert level <= previous + 1
        previous = level


def test_every_allowed_violation_is_in_the_statement():
    allowed = tomllib.loads((ROOT / "tests/browser/axe_allowed.toml").read_text())["allowed"]
    body = accessibility.statement().body
    non_compliance = body.split("### Non-compliance with the accessibility regulations")[1]
    for entry in allowed:
        if entry.get("exempt"):  # WCAG asks nothing there: no non-compliance to state
            continue
        assert f"success criterion {entry['wcag']}" in non_compliance, entry["rule"]


def test_axe_version_is_the_bundled_one():
    from axe_playwright_python.base import AXE_SCRIPT

    assert AXE_SCRIPT.startswith(f"/*! axe v{accessibility.AXE_VERSION}")
