"""Collecting a board pack: everything it shows, read in one short connection (the
charts as plotly figures, not yet rendered).

A scoped pack's figures are metrics.summary.summary(by=level) filtered to the scope's
group: exactly what `python -m metrics summary --by LEVEL` says for that group. Measures
that are not cut by that level (single milestones; milestone counts below region) are
shown for England and say so. The national pack's "needs attention" list ends with the
delivery register's actions that need attention (viewmodels.overview, as the Overview
shows them) unless ``extras`` are given.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Any

import plotly.graph_objects as go

from metrics import config as mconfig
from metrics import coverage as mcoverage
from metrics import figures as F
from metrics import glance as G
from metrics import summary as msummary
from reports.charts import (
    CHART_HEIGHT,
    CHART_MARGIN,
    CHART_WIDTH,
    MILESTONE_HEIGHT,
    MILESTONE_MARGIN,
    legend_text,
)
from reports.pack import (
    TITLE,
    BatchInfo,
    BoardPack,
    Cell,
    Coverage,
    MeasureBlock,
    PlacesTable,
    ThemeBlock,
)
from reports.scope import Scope, resolve
from store import batches as sbatches
from store.releases import connect_reading as connect  # a release file: read-only
from viewmodels import methodology
from viewmodels.overview import delivery_attention

# Where the pack's sources say the batches are listed.
BATCHES_LISTED = "the batches this pack rests on are listed below"


def collect(
    db=None,
    as_of: str | None = None,
    scope: str | None = None,
    *,
    made_at: _dt.datetime | None = None,
    config: mconfig.Config | None = None,
    extras: Iterable[tuple[str, str]] | None = None,
) -> BoardPack:
    """Everything the pack shows, read in one short connection (charts not yet rendered).

    ``extras``: (title, reason) pairs added to the glance's "needs attention" list; by
    default, for England, the delivery register's actions that need attention (none for
    a scoped pack: the register's actions are national). Raises
    metrics.summary.MetricsError (reports.scope.ScopeError for the scope) with a message
    for people when the quarter or the scope is unknown.
    """
    cfg = config or mconfig.load()
    with connect(db) as con:
        quarter, where = _check(con, as_of, scope)
        level = where.level
        from_register = extras is None and not level
        if extras is None:
            extras = delivery_attention(con, quarter)[0] if from_register else ()
        extras = list(extras)
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
        batch_list = _batches(con, quarter, delivery=from_register and bool(extras))
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
        sources=methodology.sources(BATCHES_LISTED),
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
            # values in the legend, none on a line; a quarter without data a gap
            figure = F.trajectory(row, actual, height=CHART_HEIGHT, bounds=m.bounds)
            figure.update_layout(
                width=size[0], legend=dict(font=dict(size=12)), margin=CHART_MARGIN
            )
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
        formula=methodology.formula(m, cfg).replace("`", ""),
        facts=methodology.facts(m),
        workings=methodology.workings(row, cfg),
        chart_key=f"chart-{m.id}",
        chart_alt=alt,
        figure=figure,
        chart_size=size,
        chart_caption=legend_text(figure),
    )


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
    for kind in mcoverage.REPORTING_KINDS:
        df = mcoverage.coverage_by_region(con, kind, quarter, since=quarter)
        for region, n, total, pct in zip(df["region"], df["reporting"], df["total"], df["percent"]):
            out.setdefault(str(region), {"region": str(region)})[kind] = (
                f"{int(n)} of {int(total)} ({float(pct):.0f}%)"
            )
    rows = [out[k] for k in sorted(out)]
    england = {"region": "England"}
    for c in mcoverage.coverage_at(con, quarter):
        england[c["kind"]] = c["text"]
    return rows + [england]


def _batches(con, quarter: str, *, delivery: bool = False) -> list[BatchInfo]:
    """The active batches holding rows for the quarter or earlier (and a councils upload;
    ``delivery``: the register's updates too)."""
    rows = sbatches.active_up_to(con, quarter, delivery=delivery)
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
