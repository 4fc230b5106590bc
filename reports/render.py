"""Writing a board pack out: the HTML (Jinja2, reports/templates/: CSS and SVG inline,
nothing fetched) and the page furniture of its PDF (running header, page numbers)."""

from __future__ import annotations

import html as _html
from pathlib import Path
from typing import Any

import jinja2

from reports import charts
from reports.pack import TITLE, BoardPack, MeasureBlock

TEMPLATES = Path(__file__).resolve().parent / "templates"


def charts_of(pack: BoardPack) -> list[MeasureBlock]:
    return [b for t in pack.themes for b in t.measures if b.figure is not None]


def with_charts(pack: BoardPack, svgs: list[str]) -> BoardPack:
    """The pack with each chart's SVG (in charts_of order) inlined."""
    blocks = charts_of(pack)
    for block, svg in zip(blocks, svgs):
        block.chart_svg = charts.inline(svg, block.chart_key, alt=block.chart_alt)
    return pack


def render_charts(pack: BoardPack) -> BoardPack:
    blocks = charts_of(pack)
    svgs = charts.render_svgs([(b.figure, *b.chart_size) for b in blocks])
    return with_charts(pack, svgs)


_env: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    global _env
    if _env is None:
        _env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=jinja2.select_autoescape(["html", "j2"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _env


def to_html(pack: BoardPack, *, for_pdf: bool = False) -> str:
    """The pack as one self-contained HTML page (CSS and SVG inline, nothing fetched).

    ``for_pdf``: leave the running header and page numbers to the PDF's header and
    footer templates (else CSS page margin boxes print them)."""
    env = environment()
    css = (TEMPLATES / "boardpack.css").read_text(encoding="utf-8")
    return env.get_template("boardpack.html.j2").render(
        pack=pack,
        css=css,
        for_pdf=for_pdf,
        running_css=css_string(running_header(pack)),
        made_css=css_string(f"Made {pack.made_at}"),
    )


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end the string or the <style> element."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):X} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def running_header(pack: BoardPack) -> str:
    demo = " · DEMO DATA" if pack.demo else ""
    return f"{TITLE} · {pack.quarter} · {pack.scope.name}{demo}"


def header_template(pack: BoardPack) -> str:
    text = _html.escape(running_header(pack))
    return (
        '<div style="font-family: Liberation Sans, Arial, sans-serif; font-size: 8pt; '
        'color: #333; width: 100%; padding: 0 16mm; display: flex; justify-content: space-between;">'
        f"<span>{text}</span></div>"
    )


def footer_template(pack: BoardPack) -> str:
    made = _html.escape(f"Made {pack.made_at}")
    return (
        '<div style="font-family: Liberation Sans, Arial, sans-serif; font-size: 8pt; '
        'color: #333; width: 100%; padding: 0 16mm; display: flex; justify-content: space-between;">'
        f"<span>{made}</span>"
        '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>'
        "</div>"
    )


PDF_MARGIN: Any = {"top": "20mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


async def print_pdf(browser, pack: BoardPack) -> bytes:
    page = await browser.new_page()
    # Nothing may be fetched: the page is self-contained.
    await page.route("**/*", lambda route: route.abort())
    await page.set_content(to_html(pack, for_pdf=True), wait_until="load")
    return await page.pdf(
        format="A4",
        print_background=True,
        tagged=True,
        outline=True,
        display_header_footer=True,
        header_template=header_template(pack),
        footer_template=footer_template(pack),
        margin=PDF_MARGIN,
    )
