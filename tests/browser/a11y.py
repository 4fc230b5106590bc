"""Accessibility checks on a Playwright page: the axe-core scan (axe-playwright-python,
which bundles axe.min.js) against the allow-list, and what axe cannot see: the page
title, the heading order and reflow (no horizontal scroll of the page body).

    report, blocking = axe_scan(page, "theme-data-desktop")   # writes the JSON report
    assert blocking == [], describe(blocking)
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tests.browser.conftest import SCREENSHOTS

HERE = Path(__file__).resolve().parent
ALLOWED_FILE = HERE / "axe_allowed.toml"
REPORTS = SCREENSHOTS / "axe"
BLOCKING_IMPACTS = ("serious", "critical")


@dataclass(frozen=True)
class Allowed:
    """Violations of one rule inside one part of what Streamlit itself renders."""

    rule: str  # the axe rule id
    within: str  # a CSS selector: the failing element is this element or inside it
    reason: str  # why it cannot be fixed in this project
    wcag: str  # the success criterion it fails, as the accessibility statement names it
    exempt: str = ""  # why WCAG itself asks nothing here (then it is no non-compliance)


def allowed(path: Path = ALLOWED_FILE) -> list[Allowed]:
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("allowed", [])
    out = []
    for e in entries:
        missing = {"rule", "within", "reason", "wcag"} - set(e)
        assert not missing, f"{path.name}: an entry misses {sorted(missing)}: {e}"
        assert e["reason"].strip(), f"{path.name}: {e['rule']} needs a reason"
        out.append(Allowed(e["rule"], e["within"], e["reason"], e["wcag"], e.get("exempt", "")))
    return out


def _target(node: dict) -> str:
    return " ".join(str(t) for t in node.get("target", []))


def blocking_violations(page, response: dict, allow: list[Allowed]) -> list[dict]:
    """Serious or critical violations, each with only the nodes the allow-list does not
    cover (a violation whose nodes are all covered is dropped). Whether a node is inside
    an allowed part is asked of the page itself (axe's selectors are Streamlit's
    generated class names, which change between versions)."""
    out = []
    for v in response.get("violations", []):
        if v.get("impact") not in BLOCKING_IMPACTS:
            continue
        selectors = [a.within for a in allow if a.rule == v["id"]]
        covered = page.evaluate(
            """([targets, selectors]) => targets.map(t => {
                const el = document.querySelector(t[t.length - 1]);
                return !!el && selectors.some(s => el.closest(s));
            })""",
            [[n["target"] for n in v["nodes"]], selectors],
        )
        nodes = [n for n, c in zip(v["nodes"], covered) if not c]
        if nodes:
            out.append({**v, "nodes": nodes})
    return out


def axe_scan(page, name: str) -> tuple[dict, list[dict]]:
    """Run axe-core on the page as it is now; write tests/screenshots/axe/<name>.json
    (violations and incomplete checks, with axe's version and the URL); return the full
    response and the blocking violations left after the allow-list."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page, options={"resultTypes": ["violations", "incomplete"]}).response
    REPORTS.mkdir(parents=True, exist_ok=True)
    kept = {k: response.get(k) for k in ("testEngine", "url", "timestamp", "toolOptions")}
    kept["viewport"] = page.viewport_size
    kept["violations"] = response.get("violations", [])
    kept["incomplete"] = response.get("incomplete", [])
    (REPORTS / f"{name}.json").write_text(json.dumps(kept, indent=1), encoding="utf-8")
    return response, blocking_violations(page, response, allowed())


def describe(violations: list[dict]) -> str:
    """One line per violation and node, for an assertion message."""
    lines = []
    for v in violations:
        for n in v["nodes"][:8]:
            lines.append(f"{v['id']} ({v['impact']}): {_target(n)}: {n.get('failureSummary', '')}")
        if len(v["nodes"]) > 8:
            lines.append(f"{v['id']}: ... {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def headings(page, within: str) -> list[tuple[int, str]]:
    """(level, text) of every visible h1-h6 inside ``within`` (a CSS selector), in order."""
    return page.evaluate(
        """(within) => [...document.querySelectorAll(within)].flatMap(root =>
            [...root.querySelectorAll('h1, h2, h3, h4, h5, h6')]
              .filter(h => h.offsetParent !== null || h.getClientRects().length > 0)
              .map(h => [Number(h.tagName[1]), h.textContent.trim()]))""",
        within,
    )


def heading_jumps(found: list[tuple[int, str]], start: int = 0) -> list[str]:
    """Every heading whose level is more than one below the one before it (h1 then h3).
    ``start``: the level the list starts after (0: the first must be an h1)."""
    jumps, previous = [], start
    for level, text in found:
        if level > previous + 1:
            jumps.append(f"h{level} {text!r} after h{previous}")
        previous = level
    return jumps


def body_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scroll).
    Streamlit scrolls inside its main area, so that is measured too."""
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        const widths = [document.documentElement.scrollWidth, document.body.scrollWidth,
                        main ? main.scrollWidth : 0];
        return Math.max(...widths) - document.documentElement.clientWidth;
    }""")


def unnamed_charts(page) -> int:
    """Charts and maps without a text alternative (st.plotly_chart's ``alt`` becomes the
    aria-label of the chart's role=figure element)."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .filter(c => !(c.getAttribute('aria-label') || '').trim()).length""")


def faint_chart_text(page, minimum: float = 4.5) -> list[str]:
    """Text drawn in the charts (SVG, which axe cannot judge) with less than ``minimum``
    contrast against the white chart background: '<class> <colour> <ratio>'."""
    return page.evaluate(
        """(minimum) => {
        const lum = rgb => rgb.map(v => v / 255)
            .map(c => c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4))
            .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
        const found = new Set();
        document.querySelectorAll('.js-plotly-plot svg text').forEach(t => {
            if (!t.textContent.trim()) return;
            const rgb = (getComputedStyle(t).fill.match(/\\d+(\\.\\d+)?/g) || []).map(Number);
            if (rgb.length < 3 || (rgb.length > 3 && rgb[3] === 0)) return;
            const ratio = 1.05 / (lum(rgb.slice(0, 3)) + 0.05);
            if (ratio < minimum) {
                const cls = t.getAttribute('class') || t.parentElement.getAttribute('class');
                found.add(`${cls} ${getComputedStyle(t).fill} ${ratio.toFixed(2)}`);
            }
        });
        return [...found];
    }""",
        minimum,
    )
