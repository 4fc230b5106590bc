"""The board pack: one document for a quarter, for England or one region, footprint or centre.

    pdf = board_pack_pdf(db, "2026-Q3", "footprint:E47000001")    # bytes (A4, tagged PDF)
    page = board_pack_html(db, "2026-Q3")                          # bytes (self-contained HTML)
    pack = collect(db, "2026-Q3", "region:E12000001")              # the content, as dataclasses

Contents: a cover (title, quarter, scope, a DEMO label when demo data is in it, when it
was made, the batches it rests on); the quarter at a glance (metrics.glance); one section
per theme with its vision and, per measure, its figures, its chart (baseline, straight
path to the target, actual, projection; vector SVG through kaleido, its alternative
text the status sentence) and the status sentence; the places table (every measure with
a target by region or, for a scoped pack, the scope against England); data coverage; a
methodology appendix with the numbers behind each status; sources and licences.

A scoped pack's figures are metrics.summary.summary(by=level) filtered to the scope's
group: exactly what `python -m metrics summary --by LEVEL` says for that group. Measures
that are not cut by that level (single milestones; milestone counts below region) are
shown for England and say so.

The HTML is made with Jinja2 (reports/templates/); the PDF is Chromium's print of it
through Playwright (tagged, with an outline, running header and page numbers).

The modules: reports.pack (the content, as dataclasses), reports.collect (reading it),
reports.charts (the charts as SVG), reports.render (the HTML and the PDF's header and
footer), this one (making a pack, the quickest way, with its progress).
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable, Iterable
from typing import Any

from metrics import config as mconfig
from reports import charts
from reports.collect import check, collect
from reports.pack import TITLE, BoardPack, MeasureBlock
from reports.render import BROWSER_ARGS, charts_of, print_pdf, render_charts, to_html, with_charts
from reports.scope import ENGLAND, Scope

Progress = Callable[[str], None]


async def _make_async(
    pack_or_args: BoardPack | dict[str, Any], fmt: str, progress: Progress | None = None
) -> tuple[BoardPack, bytes]:
    """Chromium for the print (Playwright) and for the charts (kaleido) start while the
    figures are read (in a worker thread); then the charts, the HTML and the print."""
    import asyncio

    from playwright.async_api import async_playwright

    renderer = charts.Renderer()
    launch = None
    async with async_playwright() as p:
        try:
            ready = isinstance(pack_or_args, BoardPack) and all(
                b.chart_svg for b in charts_of(pack_or_args)
            )
            if not ready:
                renderer.start()
            if fmt == "pdf":
                launch = asyncio.ensure_future(
                    p.chromium.launch(
                        executable_path=charts.chromium_path(), args=BROWSER_ARGS, headless=True
                    )
                )
            say = progress or (lambda step: None)
            if isinstance(pack_or_args, BoardPack):
                pack = pack_or_args
            else:
                say("Reading the figures")
                pack = await asyncio.to_thread(functools.partial(collect, **pack_or_args))
            blocks = [b for b in charts_of(pack) if not b.chart_svg]  # not rendered yet
            if blocks:
                say(f"Drawing {len(blocks)} charts")
            svgs = (
                await renderer.render([(b.figure, *b.chart_size) for b in blocks]) if blocks else []
            )
            await renderer.close()
            for block, svg in zip(blocks, svgs):
                block.chart_svg = charts.inline(svg, block.chart_key, alt=block.chart_alt)
            if launch is None:
                return pack, to_html(pack).encode("utf-8")
            say("Printing the PDF")
            browser = await launch
            try:
                return pack, await print_pdf(browser, pack)
            finally:
                await browser.close()
        except BaseException:
            await renderer.close()
            if launch is not None:
                try:
                    await (await launch).close()
                except Exception:  # it never started: nothing to close
                    pass
            raise


def make(
    db=None,
    as_of: str | None = None,
    scope: str | None = None,
    fmt: str = "pdf",
    *,
    made_at: _dt.datetime | None = None,
    config: mconfig.Config | None = None,
    extras: Iterable[tuple[str, str]] | None = None,
    progress: Progress | None = None,
) -> tuple[BoardPack, bytes]:
    """The pack and its bytes as ``fmt`` ("pdf" or "html"), the quickest way: the quarter
    and the scope are checked first (MetricsError / ScopeError before anything starts),
    then both Chromiums start while the figures are read.

    ``progress``: called with a short sentence as each step starts ("Reading the
    figures", "Drawing 15 charts", "Printing the PDF"), in the caller's thread when no
    event loop runs there (as in a Streamlit script)."""
    if fmt not in ("pdf", "html"):
        raise ValueError(f"fmt must be pdf or html, not {fmt!r}")
    check(db, as_of, scope)
    args = dict(db=db, as_of=as_of, scope=scope, made_at=made_at, config=config, extras=extras)
    return charts.run(_make_async(args, fmt, progress))


def to_pdf(pack: BoardPack) -> bytes:
    """The pack as an A4 PDF (tagged, outline, running header, page numbers); renders the
    charts not rendered yet (render_charts) while Chromium starts."""
    return charts.run(_make_async(pack, "pdf"))[1]


def board_pack_pdf(
    db=None,
    as_of: str | None = None,
    scope: str | None = None,
    *,
    made_at: _dt.datetime | None = None,
    config: mconfig.Config | None = None,
    extras: Iterable[tuple[str, str]] | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The board pack of quarter ``as_of`` (default: latest) for ``scope`` (default England)
    as PDF bytes. MetricsError (ScopeError) with a message for an unknown quarter or scope."""
    return make(
        db, as_of, scope, "pdf", made_at=made_at, config=config, extras=extras, progress=progress
    )[1]


def board_pack_html(
    db=None,
    as_of: str | None = None,
    scope: str | None = None,
    *,
    made_at: _dt.datetime | None = None,
    config: mconfig.Config | None = None,
    extras: Iterable[tuple[str, str]] | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The same pack as one self-contained HTML file (UTF-8 bytes)."""
    return make(
        db, as_of, scope, "html", made_at=made_at, config=config, extras=extras, progress=progress
    )[1]


def file_name(
    pack_or_quarter: BoardPack | str, scope: Scope | None = None, ext: str = "pdf"
) -> str:
    """'board-pack_2026-Q3_footprint-E47000001.pdf'."""
    if isinstance(pack_or_quarter, BoardPack):
        quarter, scope = pack_or_quarter.quarter, pack_or_quarter.scope
    else:
        quarter = pack_or_quarter
    where = (scope or ENGLAND).text.replace(":", "-")
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in where)
    return f"board-pack_{quarter}_{safe}.{ext}"


__all__ = [
    "TITLE",
    "BoardPack",
    "MeasureBlock",
    "board_pack_html",
    "board_pack_pdf",
    "charts_of",
    "check",
    "collect",
    "file_name",
    "make",
    "render_charts",
    "to_html",
    "to_pdf",
    "with_charts",
]
