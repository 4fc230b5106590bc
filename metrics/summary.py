"""The summary every page and the command line use.

    summary(con, as_of=None, by=None, config=None) -> DataFrame   one row per measure (per group)
    summary_all(con, as_of=None, config=None) -> {None: df, "region": df, ...}   every level at once
    series(con, measure_id, by=None, up_to=None, config=None) -> DataFrame
    quarters(con) -> list[str]

Columns of summary(): id, theme, theme_title, title, unit, kind, quarter, level, group,
value, numerator, denominator, baseline, baseline_quarter, target, deadline, status,
status_label, status_reason, expected_progress (E), expected_now (b + E, where the
straight path is by now), ratio (R), projected_at_deadline, projected_quarter_reached,
direction, direction_change, direction_from, previous_value, quarters_with_data,
coverage_reporting, coverage_total, explanation, method, previous_quarter,
projection_from, projection_from_value, projection_slope, projection_points,
direction_tolerance (a change within it is "stable").

- A quarter in which the measure's own source holds no data has no value (never 0);
  ``previous_value`` is the value of ``previous_quarter``, the latest quarter before the
  one shown that has one.
- The projection is a straight line fitted to the quarters with data among the last
  ``projection_quarters`` up to the one shown (``projection_points`` of them, from
  ``projection_from``, where the line stands at ``projection_from_value``, rising
  ``projection_slope`` a quarter), kept within the measure's bounds (a share 0-100%, a
  count no further than the ``max`` the targets file allows).

- Rates are percentages 0-100. For underrepresented_uplift, numerator and denominator
  are the under-represented share (%) now and at the baseline, like for like.
- Milestones: value 1 (achieved) or 0, status achieved / not_yet.
- Tracked measures (no target): status "tracked", judged only by direction.
- Groups (by=...): rates, scores and the uplift keep the national target. A count's
  target is split only if its config entry says split = "by_councils" (the group's
  share of councils in scope); otherwise the group's status is "no_group_target" and
  it gets a direction of travel. Milestone counts are cut by region only, single
  milestones not at all: at other levels those measures have no rows
  (DataFrame.attrs["not_by_group"] lists them).
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd

from domain.geography import GROUP_LEVELS
from metrics import config as mconfig
from metrics import disclosure, wording
from metrics import measures as M
from metrics import progress as P
from store import quarters as Q

LEVELS = GROUP_LEVELS

COLUMNS = [
    "id",
    "theme",
    "theme_title",
    "title",
    "unit",
    "kind",
    "quarter",
    "level",
    "group",
    "value",
    "numerator",
    "denominator",
    "baseline",
    "baseline_quarter",
    "target",
    "deadline",
    "status",
    "status_label",
    "status_reason",
    "expected_progress",
    "expected_now",
    "ratio",
    "projected_at_deadline",
    "projected_quarter_reached",
    "direction",
    "direction_change",
    "direction_from",
    "previous_value",
    "quarters_with_data",
    "coverage_reporting",
    "coverage_total",
    "explanation",
    "method",
    "previous_quarter",
    "projection_from",
    "projection_from_value",
    "projection_slope",
    "projection_points",
    "direction_tolerance",
]
SERIES_COLUMNS = [
    "quarter",
    "group",
    "value",
    "numerator",
    "denominator",
    "coverage_reporting",
    "coverage_total",
]


class MetricsError(ValueError):
    """A request the metrics cannot answer (unknown quarter, level or measure); for people."""


def quarters(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Quarters that hold any data, oldest first."""
    return M.data_quarters(con)


def check_level(by: str | None) -> str | None:
    if by is None or by == "national":
        return None
    if by not in M.LEVELS:
        raise MetricsError(
            f"Unknown level {by!r}: use one of {', '.join(LEVELS)} (or none for England)."
        )
    return by


def resolve_quarter(as_of: str | None, available: list[str]) -> str | None:
    """The quarter to show: ``as_of`` checked against the data, or the latest quarter with data."""
    if as_of is None:
        return available[-1] if available else None
    try:
        q = Q.parse(as_of)
    except Q.QuarterError as exc:
        raise MetricsError(f"Unknown quarter: {exc}") from None
    if not available:
        raise MetricsError(f"No data for {q}: the database holds no returns yet.")
    last = max(available[-1], Q.current())
    if q < available[0] or q > last:
        raise MetricsError(
            f"No data for {q}: the database holds quarters {available[0]} to "
            f"{available[-1]}; choose one of those (or a later quarter up to {last})."
        )
    return q


def summary(
    con: duckdb.DuckDBPyConnection,
    as_of: str | None = None,
    by: str | None = None,
    config: mconfig.Config | None = None,
) -> pd.DataFrame:
    """One row per measure for the quarter ``as_of`` (default: latest with data), per group if ``by``."""
    by = check_level(by)
    return _summaries(con, as_of, [by] if by else [], config)[by]


def summary_all(
    con: duckdb.DuckDBPyConnection, as_of: str | None = None, config: mconfig.Config | None = None
) -> dict[str | None, pd.DataFrame]:
    """summary() for England and every level, computed in one pass (the fast path)."""
    return _summaries(con, as_of, list(LEVELS), config)


def _summaries(con, as_of, levels: list[str], config) -> dict[str | None, pd.DataFrame]:
    cfg = config or mconfig.load()
    available = quarters(con)
    q = resolve_quarter(as_of, available)
    if q is None:
        return {lv: _empty_rows(cfg, lv) for lv in [None, *levels]}
    t = Q.index(q)
    window = max(cfg.projection_quarters, cfg.direction_quarters, 2)
    grid = {Q.from_index(i) for i in range(t - window + 1, t + 1)}
    grid |= {m.baseline_quarter for m in cfg.measures.values() if m.baseline_quarter <= q}
    long = M.compute(con, cfg, sorted(grid), levels, first_data_quarter=available[0])
    # Plain Python from here on: the result is small and pandas per-row access is slow.
    cols = {c: long[c].tolist() for c in M.OUT_COLUMNS}
    cells: dict[tuple, dict[str, tuple]] = {}
    national_totals: dict[str, float | None] = {}
    for i in range(len(long)):
        mid, lvl, grp, quarter = (
            cols["id"][i],
            cols["level"][i],
            cols["group"][i],
            cols["quarter"][i],
        )
        cell = (
            _num(cols["value"][i]),
            _num(cols["numerator"][i]),
            _num(cols["denominator"][i]),
            _num(cols["coverage_reporting"][i]),
            _num(cols["coverage_total"][i]),
        )
        cells.setdefault((lvl, mid, None if lvl == "national" else grp), {})[quarter] = cell
        if lvl == "national" and quarter == q:
            national_totals[mid] = cell[4]
    out: dict[str | None, pd.DataFrame] = {}
    for lv in [None, *levels]:
        level = lv or "national"
        rows = [
            _row(cfg, cfg.measures[mid], q, lv, grp, by_q, national_totals.get(mid))
            for (lvl, mid, grp), by_q in cells.items()
            if lvl == level
        ]
        df = pd.DataFrame(rows, columns=COLUMNS)
        order = {mid: i for i, mid in enumerate(cfg.measures)}
        df = df.sort_values(
            ["id", "group"], key=lambda s: s.map(order) if s.name == "id" else s, kind="stable"
        ).reset_index(drop=True)
        if lv:
            df.attrs["not_by_group"] = [mid for mid in cfg.measures if mid not in set(df["id"])]
        out[lv] = df
    return disclosure.protect_summary(con, cfg, out, q)  # figures on fewer than 5 people


def _num(x):
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _row(
    cfg, m: mconfig.Measure, q: str, level, group, by_q: dict[str, tuple], national_total
) -> dict:
    """One summary row from the measure's cells {quarter: (value, num, den, reporting, total)}."""
    none = (None, None, None, None, None)
    value, numerator, denominator, reporting, total = by_q.get(q, none)
    baseline = by_q.get(m.baseline_quarter, none)[0]
    series = sorted((Q.index(qq), c[0]) for qq, c in by_q.items() if qq <= q and c[0] is not None)
    n_data = len(series)
    earlier = [(i, v) for i, v in series if i < Q.index(q)]
    prev_q, prev = (Q.from_index(earlier[-1][0]), earlier[-1][1]) if earlier else (None, None)
    row = dict(
        id=m.id,
        theme=m.theme,
        theme_title=cfg.themes[m.theme].title,
        title=m.title,
        unit=m.unit,
        kind=m.kind,
        quarter=q,
        level=level or "national",
        group=group,
        value=value,
        numerator=numerator,
        denominator=denominator,
        baseline=baseline,
        baseline_quarter=m.baseline_quarter,
        target=m.target,
        deadline=m.deadline,
        status=None,
        status_label=None,
        status_reason="",
        expected_progress=None,
        expected_now=None,
        ratio=None,
        projected_at_deadline=None,
        projected_quarter_reached=None,
        direction=None,
        direction_change=None,
        direction_from=None,
        previous_value=prev,
        quarters_with_data=n_data,
        coverage_reporting=reporting,
        coverage_total=total,
        explanation="",
        method=m.method,
        previous_quarter=prev_q,
        projection_from=None,
        projection_from_value=None,
        projection_slope=None,
        projection_points=None,
        direction_tolerance=m.tolerance,
    )
    if m.is_milestone:
        row["status"] = P.milestone_status(bool(value))
        row["target"] = "achieved"
    else:
        target = m.numeric_target
        if target is not None and level is not None and m.unit == "count":
            if m.split == "by_councils" and national_total and total is not None:
                target = target * total / national_total
            elif m.split is None:
                target = None
        row["target"] = target
        deadline = m.deadline or cfg.deadline
        proj = P.projection(
            series,
            deadline,
            target=target,
            direction=m.direction,
            window=cfg.projection_quarters,
            bounds=m.bounds,
            until=q,
        )
        row["projected_at_deadline"] = proj.projected_at_deadline
        row["projected_quarter_reached"] = proj.projected_quarter_reached
        if proj.first is not None:
            row.update(
                projection_from=proj.first,
                projection_from_value=proj.value_at(proj.first),
                projection_slope=proj.slope,
                projection_points=proj.points,
            )
        d, change, frm = P.direction(
            series, tolerance=m.tolerance, better=m.direction, window=cfg.direction_quarters
        )
        row.update(direction=d, direction_change=change, direction_from=frm)
        if target is None:
            row["status"] = "tracked" if m.target is None else "no_group_target"
        else:
            b = cfg.bands
            st = P.status(
                value,
                baseline,
                target,
                quarter=q,
                baseline_quarter=m.baseline_quarter,
                deadline=deadline,
                direction=m.direction,
                quarters_with_data=n_data,
                on_track=b.on_track,
                acceleration_needed=b.acceleration_needed,
                limited_progress=b.limited_progress,
            )
            row.update(
                status=st.status,
                status_reason=st.reason,
                expected_progress=st.expected_progress,
                expected_now=st.expected_now,
                ratio=st.ratio,
            )
    row["status_label"] = P.label(row["status"])
    row["explanation"] = wording.explain(row)
    return row


def _empty_rows(cfg, level) -> pd.DataFrame:
    if level:
        return pd.DataFrame(columns=COLUMNS)
    rows = []
    for m in cfg.measures.values():
        st = "not_yet" if m.is_milestone else ("tracked" if m.target is None else "not_enough_data")
        r: dict[str, object] = {c: None for c in COLUMNS}
        r.update(
            id=m.id,
            theme=m.theme,
            theme_title=cfg.themes[m.theme].title,
            title=m.title,
            unit=m.unit,
            kind=m.kind,
            level="national",
            baseline_quarter=m.baseline_quarter,
            target=m.target,
            deadline=m.deadline,
            status=st,
            status_label=P.label(st),
            status_reason="the database holds no returns yet",
            quarters_with_data=0,
            explanation="No data yet: the database holds no returns.",
        )
        rows.append(r)
    return pd.DataFrame(rows, columns=COLUMNS)


def series(
    con: duckdb.DuckDBPyConnection,
    measure_id: str,
    by: str | None = None,
    up_to: str | None = None,
    config: mconfig.Config | None = None,
) -> pd.DataFrame:
    """One measure per quarter, from the first quarter with data to ``up_to`` (default latest).

    Columns: quarter, group (None nationally), value, numerator, denominator,
    coverage_reporting, coverage_total.
    """
    cfg = config or mconfig.load()
    if measure_id not in cfg.measures:
        raise MetricsError(f"Unknown measure {measure_id!r}: use one of {', '.join(cfg.measures)}.")
    by = check_level(by)
    available = quarters(con)
    last = resolve_quarter(up_to, available)
    if last is None:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    qs = Q.between(min(available[0], last), last)
    long = M.compute(
        con, cfg, qs, [by] if by else [], [measure_id], first_data_quarter=available[0]
    )
    part = long[long["level"] == (by or "national")][SERIES_COLUMNS].reset_index(drop=True)
    return disclosure.protect_series(con, cfg, measure_id, by, part)  # (fewer than 5 people)
