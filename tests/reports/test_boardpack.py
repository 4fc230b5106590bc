"""The board pack, made for real (kaleido + Chromium) and read back as a reader gets it.

For England and for one footprint, on the demo database and on the small hand-made one:
the PDF's text (pdftotext -layout) and the HTML's text hold every measure's value and
status exactly as `python -m metrics summary --json` gives them for that quarter and
scope, next to the measure's title. The pages are drawn to
tests/screenshots/boardpack/*.png (look at them: nothing cut off, legible in greyscale).
"""

from __future__ import annotations

import re

import pytest

from metrics import wording
from reports import boardpack as B
from tests.reports.conftest import (
    MADE_AT,
    html_text,
    near,
    page_images,
    pdf_info,
    pdf_text,
    run_metrics,
    squash,
    summary_json,
)

QUARTER = "2026-Q3"
GM = "Greater Manchester Combined Authority"


def value_text(rec: dict) -> str:
    """The value as the summary's JSON gives it, written as every figure is written (a
    relative change as one: "up 5.5% on the baseline")."""
    return wording.value_text(rec)


def assert_every_measure(text: str, records: list[dict], where: str) -> None:
    assert records, "no records to look for"
    missing = [
        (r["id"], r["title"], value_text(r), r["status_label"])
        for r in records
        if not near(text, r["title"], value_text(r), r["status_label"])
    ]
    assert not missing, f"{where}: measures without their value and status: {missing}"


# ---------------------------------------------------------------- England, demo


@pytest.fixture(scope="module")
def national(demo_db, tmp_path_factory):
    """One rendering of the national pack: the same pack as HTML and as PDF."""
    folder = tmp_path_factory.mktemp("national")
    pack = B.render_charts(B.collect(demo_db, QUARTER, made_at=MADE_AT))
    html = B.to_html(pack)
    pdf = B.to_pdf(pack)
    (folder / "national.html").write_text(html, encoding="utf-8")
    (folder / "national.pdf").write_bytes(pdf)
    return pack, folder / "national.html", folder / "national.pdf"


def test_national_pdf_has_every_measure_as_the_summary_says(national, demo_db):
    pack, _, pdf = national
    text = pdf_text(pdf)
    records = summary_json(demo_db, QUARTER)
    assert len(records) == 15
    assert_every_measure(text, records, "national PDF")
    flat = squash(text)
    # the cover: title, quarter, scope, demo label, when made, the batches
    assert "Progress towards the 2030 visions: 2026-Q3, England" in flat
    # (pdftotext puts a space where the larger bold type of the label ends)
    assert re.search(
        r"DEMO DATA ?: the figures in this pack are generated demonstration data", flat
    )
    assert "Made 2026-11-26 09:30" in flat
    # the returns' 25 batches and, since the glance lists the delivery register's
    # actions that need attention, the register's 5 updates
    assert (
        "30 batches (numbers 1 to 30: delivery, exchanges, milestones, placements, survey, "
        "workforce)" in flat
    )
    assert pack.glance.headline in flat
    # the glance ends with the delivery register's actions that need attention, as the
    # Overview lists them
    from metrics import delivery
    from store.db import connect

    with connect(demo_db) as con:
        actions = delivery.compute(con, QUARTER).attention
    extras = [a for a in pack.glance.attention if a.kind == "extra"]
    assert len(extras) == len(actions) > 0
    assert [a.title.split(":")[0] for a in extras] == list(actions["id"])
    assert squash(extras[0].title)[:40] in flat
    # the running header and the page numbers on every page
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert all("Blueprint Tracker board pack · 2026-Q3 · England · DEMO DATA" in p for p in pages)
    assert all(re.search(rf"Page {i} of {len(pages)}", p) for i, p in enumerate(pages, 1))
    # every section
    for heading in (
        "The quarter at a glance: 2026-Q3, England",
        "All measures: 2026-Q3, England",
        "Places: every measure with a target by region",
        "Data coverage",
        "Methodology: the numbers behind each status",
        "Sources and licences",
        "UK Local Authority Names and Codes, © mySociety, licensed under CC BY 4.0",
        "Source: Office for National Statistics licensed under the Open Government Licence v.3.0.",
    ):
        assert heading in flat, heading
    for theme in pack.themes:
        assert f"The vision for 2030: {theme.vision}"[:80] in flat


def test_national_pdf_is_tagged_a4_with_title_and_language(national):
    _, _, pdf = national
    info = pdf_info(pdf)
    assert info["Title"] == "Blueprint Tracker board pack: 2026-Q3, England (demo data)"
    assert info["Tagged"] == "yes"
    assert info["Page size"].startswith("595.92 x 842.88 pts (A4)")
    raw = pdf.read_bytes()
    assert b"/Lang (en-GB)" in raw and b"/Outlines" in raw
    # every chart is a figure with alternative text
    assert raw.count(b"/Alt") >= 15


def test_national_pages_drawn_for_looking_at(national):
    _, _, pdf = national
    pages = int(pdf_info(pdf)["Pages"])
    images = page_images(pdf, "national")
    assert len(images) == pages and 15 <= pages <= 30
    assert all(p.stat().st_size > 2000 for p in images)


def test_national_places_table_has_every_region_and_england(national, demo_db):
    pack, _, pdf = national
    regions = summary_json(demo_db, QUARTER, by="region")
    names = sorted({r["group"] for r in regions})
    assert [name for name, _ in pack.places.rows] == names + ["England"]
    targeted = [
        r["title"]
        for r in summary_json(demo_db, QUARTER)
        if r["unit"] != "milestone" and r["target"] is not None
    ]
    assert pack.places.columns == targeted
    # each region's cell is the region's value as `summary --by region` says it
    rec = {(r["group"], r["id"]): r for r in regions}
    col = pack.places.columns.index("Digital spend with SMEs")
    for name, cells in pack.places.rows[:-1]:
        r = rec[(name, "sme_spend_share")]
        assert cells[col].value.removeprefix("+") == value_text(r)
        assert cells[col].status.startswith(r["status_label"])


def test_national_html_has_every_measure_and_is_self_contained(national, demo_db):
    pack, html_path, _ = national
    html = html_path.read_text(encoding="utf-8")
    assert_every_measure(html_text(html), summary_json(demo_db, QUARTER), "national HTML")
    # nothing fetched: no scripts, links, images, frames or imports from elsewhere
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", html, re.I)
    assert not re.search(r"\b(src|href)\s*=\s*[\"']?(https?:)?//", html, re.I)
    assert "@import" not in html and not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert html.count("<svg") == 15


def test_html_is_accessible(national):
    _, html_path, _ = national
    html = html_path.read_text(encoding="utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert "<title>Blueprint Tracker board pack: 2026-Q3, England (demo data)</title>" in html
    # headings: one h1, and no level skipped on the way down
    levels = [int(h) for h in re.findall(r"<h([1-6])\b", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    # every chart is one image named by its status sentence
    svgs = re.findall(r"<svg\b[^>]*>", html)
    assert svgs and all('role="img"' in s and "aria-label=" in s for s in svgs)
    # every table has a caption and header cells with a scope
    tables = re.findall(r"<table\b.*?</table>", html, re.S)
    assert len(tables) >= 6
    for t in tables:
        assert re.search(r"<table[^>]*>\s*<caption>", t), t[:200]
        ths = re.findall(r"<th\b[^>]*>", t)
        assert ths and all("scope=" in th for th in ths), t[:200]


def test_alt_text_is_the_status_sentence(national, demo_db):
    pack, html_path, _ = national
    html = html_path.read_text(encoding="utf-8")
    for rec in summary_json(demo_db, QUARTER):
        alt = f"Chart of {rec['title']}: {rec['explanation']}"
        escaped = alt.replace("&", "&amp;").replace('"', "&quot;")
        assert f'aria-label="{escaped}"' in html, rec["id"]


# ---------------------------------------------------------------- a footprint, demo, CLI


@pytest.fixture(scope="module")
def footprint(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("footprint")
    out = run_metrics(
        "board-pack",
        "--db",
        str(demo_db),
        "--as-of",
        QUARTER,
        "--scope",
        "footprint:E47000001",
        "--out",
        str(folder / "gm.pdf"),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"Wrote {folder / 'gm.pdf'}: board pack for 2026-Q3, {GM} ")
    html = B.board_pack_html(demo_db, QUARTER, "footprint:E47000001", made_at=MADE_AT)
    (folder / "gm.html").write_bytes(html)
    return folder / "gm.pdf", folder / "gm.html"


def footprint_records(demo_db) -> tuple[list[dict], list[dict]]:
    """The footprint's records from `summary --by footprint`, and England's for the
    measures not cut by footprint (the pack shows those for England, and says so)."""
    mine = [r for r in summary_json(demo_db, QUARTER, by="footprint") if r["group"] == GM]
    ids = {r["id"] for r in mine}
    england = [r for r in summary_json(demo_db, QUARTER) if r["id"] not in ids]
    return mine, england


def test_footprint_pdf_has_the_footprint_figures(footprint, demo_db):
    pdf, _ = footprint
    text = pdf_text(pdf)
    mine, england = footprint_records(demo_db)
    assert len(mine) >= 10 and england
    assert_every_measure(text, mine, "footprint PDF")
    for r in england:
        assert near(text, f"{r['title']} (England: not cut by footprint)", value_text(r))
    flat = squash(text)
    assert f"Progress towards the 2030 visions: 2026-Q3, {GM}" in flat
    assert f"{GM} (footprint E47000001)" in flat
    assert f"Places: {GM} against England" in flat
    assert "DEMO DATA" in flat
    assert f"Blueprint Tracker board pack · 2026-Q3 · {GM} · DEMO DATA" in text
    page_images(pdf, "footprint")


def test_footprint_html_has_the_footprint_figures(footprint, demo_db):
    _, html_path = footprint
    text = html_text(html_path.read_text(encoding="utf-8"))
    mine, england = footprint_records(demo_db)
    assert_every_measure(text, mine, "footprint HTML")
    for r in england:
        assert near(text, f"{r['title']} (England: not cut by footprint)", value_text(r))


def test_footprint_places_table_is_the_footprint_against_england(demo_db):
    pack = B.collect(demo_db, QUARTER, "footprint:E47000001", made_at=MADE_AT)
    mine, england = footprint_records(demo_db)
    rows = dict(pack.places.rows)
    assert pack.places.columns == [
        f"{GM}: value",
        f"{GM}: status",
        "England: value",
        "England: status",
    ]
    assert len(rows) == 15
    for r in mine:
        cells = rows[r["title"]]
        assert cells[0].value == value_text(r)
        assert cells[1].status.startswith(r["status_label"])
    for r in england:
        assert rows[r["title"]][0].value == "national only"
        assert rows[r["title"]][2].value == value_text(r)


# ---------------------------------------------------------------- the small hand-made fixture


def test_small_pack_contents(small_db):
    pack = B.collect(small_db, QUARTER, made_at=MADE_AT)
    assert (pack.quarter, pack.previous_quarter, pack.scope.label, pack.demo) == (
        "2026-Q3",
        "2026-Q2",
        "England",
        False,
    )
    assert pack.made_at == "2026-11-26 09:30"
    # one survey batch in the factory (its rows are all at or before 2026-Q3)
    assert [(b.batch_id, b.kind, b.file_name) for b in pack.batches] == [
        (1, "survey", "metrics_small.csv")
    ]
    assert pack.batches_text == ("1 batch (number 1: survey), uploaded 2026-10-01 09:00")
    # the glance of tests/metrics/test_glance.py
    assert pack.glance.headline == (
        "4 of 7 measures with a target achieved or on track; 1 of 4 milestones in place."
    )
    # (2026-Q2 holds no survey return: SME spend had no status then, so it did not get worse)
    assert [a.measure_id for a in pack.glance.attention] == ["data_exchanges", "digital_ceos"]
    assert [t.title for t in pack.themes] == [
        "Infrastructure, learning & collaboration",
        "Data exchange & maturity",
        "Organisational & political leadership",
        "Capacity, capability & skills",
        "Standards",
        "Procurement, contracts & market shaping",
    ]
    sme = next(b for t in pack.themes for b in t.measures if b.id == "sme_spend_share")
    # b = 24.29% (170 / 700), E = (33 - 24.29) x 5 / 22 = 1.98, R = (26 - 24.29) / 1.98 = 0.87
    assert {w.step: w.value for w in sme.workings}[
        "Progress ratio R = (v − b) ÷ E"
    ] == "(26.0% − 24.3%) ÷ 1.98% = 0.87"
    assert sme.chart_caption == (
        "straight path to the target (dashed), actual (solid line with dots), projection: "
        "30.9% by 2030-Q4 (dotted, ending in a triangle), baseline 2025-Q2: 24.3% (diamond), "
        "target 2030-Q4: 33% (star)"
    )
    # the places table: the regions of the fixture, then England
    assert [name for name, _ in pack.places.rows] == [
        "London",
        "North East",
        "North West",
        "South East",
        "England",
    ]


def test_small_pack_pdf_and_html(small_db, tmp_path):
    pack = B.render_charts(B.collect(small_db, QUARTER, made_at=MADE_AT))
    html = B.to_html(pack)
    pdf = tmp_path / "small.pdf"
    pdf.write_bytes(B.to_pdf(pack))
    records = summary_json(small_db, QUARTER)
    text = pdf_text(pdf)
    assert_every_measure(text, records, "small PDF")
    assert_every_measure(html_text(html), records, "small HTML")
    assert "DEMO" not in text and "demo data" not in html.lower()
    # the worked example of the glance, on the glance page
    assert (
        "Limited progress: 2 in 2026-Q3 against 3.8 expected on the straight path to 10 by "
        "2030-Q4 (0% of the pace needed)."
    ) in squash(text)
    page_images(pdf, "small")


def test_file_names():
    assert B.file_name("2026-Q3") == "board-pack_2026-Q3_england.pdf"
    from reports.scope import Scope

    scope = Scope("footprint", "E47000001", GM, GM)
    assert B.file_name("2026-Q3", scope, "html") == "board-pack_2026-Q3_footprint-E47000001.html"


def test_make_from_a_worker_thread_with_progress_and_extra_actions(small_db):
    """As the dashboard will call it: from a script thread, saying each step, with the
    delivery register's actions that need attention added to the glance."""
    import threading

    steps: list[tuple[str, str]] = []
    out: dict = {}

    def work():
        out["pack"], out["html"] = B.make(
            small_db,
            QUARTER,
            "region:E12000001",
            "html",
            made_at=MADE_AT,
            extras=[("Action 3: data sharing agreement", "due 2026-09-30 and not done")],
            progress=lambda step: steps.append((step, threading.current_thread().name)),
        )

    thread = threading.Thread(target=work, name="script-thread")
    thread.start()
    thread.join(timeout=300)
    assert steps == [
        ("Reading the figures", "script-thread"),
        # every measure has its chart: the region's, or England's for the single milestones
        ("Drawing 15 charts", "script-thread"),
    ], steps
    pack, html = out["pack"], out["html"].decode("utf-8")
    assert pack.scope.label == "North East (region E12000001)"
    assert pack.glance.attention[-1].kind == "extra"
    text = squash(html_text(html))
    assert "Action 3: data sharing agreement due 2026-09-30 and not done" in text
