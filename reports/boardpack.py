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
"""

from __future__ import annotations

import datetime as _dt
import functools
import html as _html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import plotly.graph_objects as go

from metrics import config as mconfig
from metrics import figures as F
from metrics import glance as G
from metrics import summary as msummary
from metrics import views
from reports import charts, methodology
from reports.scope import ENGLAND, Scope, resolve
from store import batches as sbatches
from store.db import connect

TEMPLATES = Path(__file__).resolve().parent / "templates"
Progress = Callable[[str], None]
TITLE = "Blueprint Tracker board pack"
CHART_WIDTH = 680
CHART_HEIGHT = 270
MILESTONE_HEIGHT = 150
# Fixed margins (CSS px) with room for the axis titles and tick labels: the static image
# must hold everything that plotly's automatic margins would add in a browser.
CHART_MARGIN = dict(l=72, r=28, t=14, b=36)
MILESTONE_MARGIN = dict(l=84, r=28, t=10, b=40)

# Tables that hold returns, each with the column saying which quarter a row is for
# (an allow-list: the only identifiers put into the batches query).
_QUARTER_COLUMNS = {
    "survey": "quarter",
    "survey_standards": "quarter",
    "workforce": "quarter",
    "exchanges": "quarter",
    "placements": "start_quarter",
    "milestones": "quarter",
}


# ---------------------------------------------------------------- content


@dataclass
class MeasureBlock:
    id: str
    title: str
    definition: str
    line: G.MeasureLine  # the scope's figures (England's when national_only)
    national_only: bool  # a scoped pack, and the measure is not cut by the scope's level
    england: G.MeasureLine | None  # England's figures beside a scope's
    formula: str
    facts: list[dict[str, str]]
    workings: list[dict[str, str]]
    chart_key: str
    chart_alt: str
    figure: go.Figure | None = field(default=None, repr=False)
    chart_size: tuple[int, int] = (CHART_WIDTH, CHART_HEIGHT)
    chart_caption: str = ""  # what each line and marker is (so the chart reads without colour)
    chart_svg: str = ""  # inline SVG once rendered


@dataclass
class ThemeBlock:
    id: str
    title: str
    vision: str
    measures: list[MeasureBlock]


@dataclass(frozen=True)
class Cell:
    value: str
    status: str = ""


@dataclass
class PlacesTable:
    caption: str
    corner: str  # heading of the first column
    columns: list[str]
    rows: list[tuple[str, list[Cell]]]  # row heading, one cell per column
    note: str = ""
    emphasis: str | None = None  # the row heading to emphasise (England, the scope)


@dataclass(frozen=True)
class BatchInfo:
    batch_id: int
    kind: str
    file_name: str
    uploaded_at: str
    uploaded_by: str
    demo: bool


@dataclass
class Coverage:
    measures: list[dict[str, str]]  # measure, scope, england
    returns: list[dict[str, str]]  # region, survey, workforce
    returns_quarter: str


@dataclass
class BoardPack:
    title: str
    quarter: str
    previous_quarter: str | None
    scope: Scope
    demo: bool
    made_at: str
    batches: list[BatchInfo]
    glance: G.Glance
    themes: list[ThemeBlock]
    places: PlacesTable
    coverage: Coverage
    bands: list[dict[str, str]]
    sources: list[dict[str, str]]
    baseline_quarter: str
    deadline: str
    not_by_group: list[str]  # titles of the measures shown for England in a scoped pack

    @property
    def scope_label(self) -> str:
        return self.scope.label

    @property
    def batches_text(self) -> str:
        """'25 batches (1 to 25), uploaded 2026-11-29 19:24 to 2026-11-29 19:25'."""
        if not self.batches:
            return "no uploaded batches (reference geography only)"
        ids = sorted(b.batch_id for b in self.batches)
        times = sorted(b.uploaded_at for b in self.batches)
        n = len(ids)
        numbers = f"{ids[0]} to {ids[-1]}" if n > 1 else f"{ids[0]}"
        when = f"uploaded {times[0]}" + (f" to {times[-1]}" if times[-1] != times[0] else "")
        demo = sum(1 for b in self.batches if b.demo)
        kinds = sorted({b.kind for b in self.batches})
        tail = f"; {demo} of them demo data" if demo else ""
        return (
            f"{n} batch{'es' if n != 1 else ''} (number{'s' if n != 1 else ''} {numbers}: "
            f"{', '.join(kinds)}), {when}{tail}"
        )


# ---------------------------------------------------------------- collecting


def collect(
    db=None,
    as_of: str | None = None,
    scope: str | None = None,
    *,
    made_at: _dt.datetime | None = None,
    config: mconfig.Config | None = None,
    extras: Iterable[tuple[str, str]] = (),
) -> BoardPack:
    """Everything the pack shows, read in one short connection (charts not yet rendered).

    ``extras``: (title, reason) pairs added to the glance's "needs attention" list (the
    delivery register's actions that need attention). Raises
    metrics.summary.MetricsError (reports.scope.ScopeError for the scope) with a message
    for people when the quarter or the scope is unknown.
    """
    extras = list(extras)
    cfg = config or mconfig.load()
    with connect(db) as con:
        quarter, where = _check(con, as_of, scope)
        level = where.level
        national = msummary.summary(con, as_of=quarter, config=cfg)
        prev_q: str | None = G.previous_quarter(quarter)
        try:
            national_prev: Any = msummary.summary(con, as_of=prev_q, config=cfg)
        except msummary.MetricsError:
            national_prev, prev_q = None, None
        if level:
            scoped = msummary.summary(con, as_of=quarter, by=level, config=cfg)
            not_by_group = list(scoped.attrs.get("not_by_group") or [])
            scoped = scoped[scoped["group"] == where.group].reset_index(drop=True)
            scoped_prev = None
            if prev_q:
                scoped_prev = msummary.summary(con, as_of=prev_q, by=level, config=cfg)
                scoped_prev = scoped_prev[scoped_prev["group"] == where.group]
            glance = G.at_a_glance(scoped, scoped_prev, extras=extras)
            regions = None
        else:
            scoped, not_by_group = national, []
            glance = G.at_a_glance(national, national_prev, extras=extras)
            regions = msummary.summary(con, as_of=quarter, by="region", config=cfg)
        series = {}
        in_scope = set(scoped["id"])
        for mid in cfg.measures:
            # England's series for a measure the scope's level does not cut
            by = level if mid in in_scope else None
            s = msummary.series(con, mid, by=by, up_to=quarter, config=cfg)
            if by:
                s = s[s["group"] == where.group]
            series[mid] = [
                (q, v) for q, v in zip(s["quarter"], s["value"]) if v is not None and v == v
            ]
        returns = _returns(con, quarter)
        batch_list = _batches(con, quarter)
        demo = sbatches.demo_loaded(con) or any(b.demo for b in batch_list)

    rows = {r["id"]: r for r in scoped.to_dict("records")}
    england_rows = {r["id"]: r for r in national.to_dict("records")}
    themes = []
    for theme in cfg.themes.values():
        blocks = []
        for m in cfg.measures.values():
            if m.theme != theme.id:
                continue
            own = rows.get(m.id)
            row = own if own is not None else england_rows[m.id]
            line = G.measure_line(row)
            blocks.append(
                _measure_block(
                    m,
                    cfg,
                    row,
                    line,
                    national_only=bool(level) and own is None,
                    england=G.measure_line(england_rows[m.id]) if level else None,
                    actual=series.get(m.id, []),
                    scope=where,
                )
            )
        themes.append(ThemeBlock(theme.id, theme.title, theme.vision, blocks))

    places = _places(cfg, quarter, where, regions, rows, england_rows)
    cover = [
        {
            "measure": cfg.measures[mid].title,
            "scope": G.coverage_text(rows[mid]) if mid in rows else "national only",
            "england": G.coverage_text(england_rows[mid]),
        }
        for mid in cfg.measures
    ]
    when = made_at or _dt.datetime.now()
    return BoardPack(
        title=f"{TITLE}: {quarter}, {where.name}",
        quarter=quarter,
        previous_quarter=prev_q,
        scope=where,
        demo=demo,
        made_at=when.strftime("%Y-%m-%d %H:%M"),
        batches=batch_list,
        glance=glance,
        themes=themes,
        places=places,
        coverage=Coverage(cover, returns, quarter),
        bands=methodology.bands(cfg),
        sources=methodology.SOURCES,
        baseline_quarter=cfg.baseline_quarter,
        deadline=cfg.deadline,
        not_by_group=[cfg.measures[m].title for m in not_by_group if m in cfg.measures],
    )


def check(db=None, as_of: str | None = None, scope: str | None = None) -> tuple[str, Scope]:
    """The quarter and the scope a pack would cover, or MetricsError (ScopeError) saying
    why not: cheap, for refusing a request before any browser starts."""
    with connect(db) as con:
        return _check(con, as_of, scope)


def _check(con, as_of: str | None, scope: str | None) -> tuple[str, Scope]:
    quarter = msummary.resolve_quarter(as_of, msummary.quarters(con))
    if quarter is None:
        raise msummary.MetricsError(
            "No data yet: the database holds no returns, so there is no quarter to report."
        )
    return quarter, resolve(con, scope)


def _measure_block(
    m: mconfig.Measure,
    cfg: mconfig.Config,
    row: dict,
    line: G.MeasureLine,
    *,
    national_only: bool,
    england: G.MeasureLine | None,
    actual: list[tuple[str, float]],
    scope: Scope,
) -> MeasureBlock:
    figure: go.Figure | None = None
    size = (CHART_WIDTH, CHART_HEIGHT)
    if actual:
        if m.is_milestone:
            figure = F.milestone_steps(actual, height=MILESTONE_HEIGHT)
            size = (CHART_WIDTH, MILESTONE_HEIGHT)
            figure.update_layout(width=size[0], margin=MILESTONE_MARGIN)
        else:
            figure = F.trajectory(row, actual, height=CHART_HEIGHT)
            figure.update_layout(
                width=size[0], legend=dict(font=dict(size=12)), margin=CHART_MARGIN
            )
            place_labels(figure, actual)
        # Tick labels clear of the axes.
        figure.update_xaxes(automargin=True, ticks="outside", ticklen=6, tickcolor="#FFFFFF")
        figure.update_yaxes(automargin=True)
    where = "" if scope.national else " (England)" if national_only else f" ({scope.name})"
    alt = f"Chart of {m.title}{where}: {line.explanation}"
    return MeasureBlock(
        id=m.id,
        title=m.title,
        definition=m.definition,
        line=line,
        national_only=national_only,
        england=england,
        formula=methodology.formula(m, cfg),
        facts=methodology.facts(m),
        workings=methodology.workings(row, cfg),
        chart_key=f"chart-{m.id}",
        chart_alt=alt,
        figure=figure,
        chart_size=size,
        chart_caption=legend_text(figure),
    )


def place_labels(figure: go.Figure, actual: list[tuple[str, float]]) -> None:
    """Move the 'baseline', 'projected' and 'target' labels of a trajectory to the side of
    their point that the lines do not run through: the lines leave the baseline to the
    right and arrive at the deadline from the left, rising or falling. When the projected
    value and the target are too close for two labels, one label says both."""
    first = actual[0][0] if actual else None
    last = actual[-1][1] if actual else None
    anns = list(figure.layout.annotations or ())
    ys = [float(y) for t in figure.data for y in (t.y or []) if isinstance(y, (int, float))]
    span = (max(ys) - min(ys)) if ys else 0.0
    projected = next((a for a in anns if str(a.text or "").startswith("projected")), None)
    target = next((a for a in anns if str(a.text or "").startswith("target")), None)
    axis = list(figure.layout.xaxis.categoryarray or [])
    plot_width = (figure.layout.width or CHART_WIDTH) - CHART_MARGIN["l"] - CHART_MARGIN["r"]
    step = plot_width / max(len(axis), 1)  # pixels per quarter
    for ann in anns:
        text = str(ann.text or "")
        if text.startswith("baseline"):
            # Above and to the left of the point, where no line runs, when there is room
            # before the y axis (about 7 px a character); else well above, to the right.
            room = (axis.index(ann.x) + 0.5) * step if ann.x in axis else 0.0
            if room >= 7.5 * len(text) + 8 and ann.x != first:
                ann.update(xanchor="right", xshift=-8)
            else:
                ann.update(xanchor="left", yshift=18)
    if projected is None or last is None or not isinstance(projected.y, (int, float)):
        return
    rising = projected.y >= last  # the line comes up from the lower left: write above it
    projected.update(yanchor="bottom" if rising else "top", yshift=8 if rising else -8)
    if target is None or not isinstance(target.y, (int, float)) or not span:
        return
    if abs(projected.y - target.y) < 0.3 * span:
        y = max(projected.y, target.y) if rising else min(projected.y, target.y)
        projected.update(text=f"{target.text} · {projected.text}", y=y, font=dict(color="#000000"))
        figure.layout.annotations = [a for a in anns if a is not target]


def legend_text(figure: go.Figure | None) -> str:
    """What each trace of a chart is and how it is drawn: 'actual (solid line with dots),
    straight path to target (dashed), ...'."""
    if figure is None:
        return ""
    parts = []
    for trace in figure.data:
        name = str(trace.name or "")
        name = name[:1].lower() + name[1:]
        line = getattr(trace, "line", None)
        dash = getattr(line, "dash", None) if line is not None else None
        mode = str(getattr(trace, "mode", "") or "")
        marker = getattr(trace, "marker", None)
        symbol = getattr(marker, "symbol", None) if marker is not None else None
        if name == "achieved?":
            parts.append("achieved (1) or not yet (0), quarter by quarter (solid line with dots)")
        elif mode == "markers":
            shape = {"diamond": "diamond", "star": "star"}.get(str(symbol), "marker")
            parts.append(f"{name} ({shape})")
        elif dash in ("dash", "dot"):
            end = ", ending in a triangle" if name.startswith("projection") else ""
            parts.append(f"{name} ({'dashed' if dash == 'dash' else 'dotted'}{end})")
        else:
            parts.append(f"{name} (solid line with dots)")
    return ", ".join(parts)


def _places(
    cfg: mconfig.Config,
    quarter: str,
    scope: Scope,
    regions,
    rows: dict[str, dict],
    england_rows: dict[str, dict],
) -> PlacesTable:
    if scope.national:
        targeted = [m for m in cfg.measures.values() if not m.is_milestone and not m.tracked]
        by_group: dict[str, dict[str, dict]] = {}
        for r in regions.to_dict("records") if regions is not None else []:
            by_group.setdefault(str(r["group"]), {})[r["id"]] = r
        body = []
        for name in sorted(by_group):
            cells = []
            for m in targeted:
                r = by_group[name].get(m.id)
                cells.append(_cell(r) if r is not None else Cell("not by region"))
            body.append((name, cells))
        body.append(("England", [_cell(england_rows[m.id]) for m in targeted]))
        return PlacesTable(
            caption=f"Every measure with a target by region, {quarter}: value and status",
            corner="Region",
            columns=[m.title for m in targeted],
            rows=body,
            note="A count's national target is not split between regions, so a region's count "
            "shows “No target for this group”; rates keep the national target.",
            emphasis="England",
        )
    body = []
    for m in cfg.measures.values():
        own = rows.get(m.id)
        mine = _cell(own) if own is not None else Cell("national only")
        eng = _cell(england_rows[m.id])
        body.append(
            (
                m.title,
                [Cell(mine.value), Cell("", mine.status), Cell(eng.value), Cell("", eng.status)],
            )
        )
    return PlacesTable(
        caption=f"{scope.name} against England, {quarter}: every measure",
        corner="Measure",
        columns=[
            f"{scope.name}: value",
            f"{scope.name}: status",
            "England: value",
            "England: status",
        ],
        rows=body,
        note="“national only”: the measure is not cut by "
        f"{scope.level}; its England figure is in the last two columns.",
    )


def _cell(row: dict) -> Cell:
    line = G.measure_line(row)
    return Cell(line.value_text, line.status_text)


def _returns(con, quarter: str) -> list[dict[str, str]]:
    """Councils that sent each return for the quarter, by region and for England."""
    out: dict[str, dict[str, str]] = {}
    for kind in views.REPORTING_KINDS:
        df = views.coverage_by_region(con, kind, quarter, since=quarter)
        for region, n, total, pct in zip(df["region"], df["reporting"], df["total"], df["percent"]):
            out.setdefault(str(region), {"region": str(region)})[kind] = (
                f"{int(n)} of {int(total)} ({float(pct):.0f}%)"
            )
    rows = [out[k] for k in sorted(out)]
    england = {"region": "England"}
    for c in views.coverage_at(con, quarter):
        england[c["kind"]] = c["text"]
    return rows + [england]


def _batches(con, quarter: str) -> list[BatchInfo]:
    """The active batches holding rows for the quarter or earlier (and a councils upload)."""
    parts = [
        "SELECT DISTINCT batch_id FROM " + table + " WHERE " + column + " <= ?"
        for table, column in _QUARTER_COLUMNS.items()
    ]
    parts.append("SELECT DISTINCT batch_id FROM councils WHERE batch_id IS NOT NULL")
    sql = (
        "SELECT batch_id, kind, file_name, uploaded_at, uploaded_by, demo FROM batches "
        "WHERE status = 'active' AND batch_id IN (" + " UNION ".join(parts) + ") ORDER BY batch_id"
    )
    rows = con.execute(sql, [quarter] * len(_QUARTER_COLUMNS)).fetchall()
    return [
        BatchInfo(
            int(b),
            str(k),
            str(f),
            at.strftime("%Y-%m-%d %H:%M") if hasattr(at, "strftime") else str(at),
            str(by),
            bool(d),
        )
        for b, k, f, at, by, d in rows
    ]


# ---------------------------------------------------------------- rendering


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


async def _print(browser, pack: BoardPack) -> bytes:
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
                return pack, await _print(browser, pack)
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
    extras: Iterable[tuple[str, str]] = (),
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
    extras: Iterable[tuple[str, str]] = (),
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
    extras: Iterable[tuple[str, str]] = (),
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
    "BoardPack",
    "board_pack_html",
    "board_pack_pdf",
    "collect",
    "file_name",
    "to_html",
    "to_pdf",
]
