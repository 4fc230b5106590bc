"""Each measure method's SQL (the registry in metrics.methods names these builders), and the
pieces they share: the councils in scope, quarter indexes, and the grouping of per-council
rows into England, the groups of a level, or single councils (the level "council").

A query is called with the measures of one batch, as (method, measure) pairs:

    query(con, cfg, batch, qis, levels, totals) -> {measure id: terms}

``terms`` has one row per quarter index ``qi``, ``level`` and group ``grp`` (the council's
code at the council level), with the additive terms the figure rests on (see
metrics.methods). ``totals`` holds the councils in scope per level and group (None at
the council level, where every group is one council).

Identifiers come only from allow-lists (GROUP_COLUMNS, the survey columns of
domain.survey); values are bound parameters.

Rules (visions.md, and the lead's decisions):
- Scope: councils with end_date IS NULL. Council returns (survey, its standards,
  workforce) from councils out of scope are ignored.
- "Latest": a council's most recent non-empty value at or before the quarter, carried
  forward at most cfg.staleness_quarters quarters. Each survey column is carried on its
  own (a blank cell is "not reported"); a ratio's numerator and denominator are carried
  together from the same return; the standards from the latest return that reported
  any core standard.
- Registers (exchanges, milestones) use each item's latest status at or before the
  quarter, however old: a status stands until a later row changes it. Placements count
  from their start_quarter.
- Groups: councils without a footprint form the group NO_FOOTPRINT, without a centre
  NO_CENTRE, so the groups of a level add up to the national figure. Exchanges and
  placements count in the group of their (lead) council; milestones only by region
  (their region_code), and a milestone without region_code in no region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import pandas as pd

from domain.geography import COUNCIL, GROUP_LEVELS, NO_CENTRE, NO_FOOTPRINT, NO_REGION
from domain.milestones import ACHIEVED
from domain.standards import ADOPTED
from domain.survey import SURVEY_COLUMN_NAMES, SURVEY_COLUMNS_BOOL
from store import quarters as Q

# level -> the column of the scoped-councils relation `sc` (allow-list).
LEVELS: dict[str, str] = dict(
    zip(GROUP_LEVELS, ("region_name", "footprint", "centre", "council_type"), strict=True)
)
# The levels above and each council on its own (the Places council level).
GROUP_COLUMNS: dict[str, str] = {**LEVELS, COUNCIL: "council_code"}

_QI = "(CAST(left({c}, 4) AS INTEGER) * 4 + CAST(right({c}, 1) AS INTEGER) - 1)"

_COUNCILS = f"""
    SELECT council_code, region_name,
           COALESCE(footprint_name, '{NO_FOOTPRINT}') AS footprint,
           COALESCE(centre, '{NO_CENTRE}') AS centre,
           council_type
    FROM councils"""
SCOPED = _COUNCILS + " WHERE end_date IS NULL"  # councils in scope: the current ones
ALL_COUNCILS = _COUNCILS  # for registers, whose lead council may have ended since


class Agg(NamedTuple):
    """An aggregate of per-council rows: ``expr`` per cell, then ``combine`` over cells."""

    alias: str
    expr: str
    combine: str = "sum"  # sum (counts and sums add up) or max


def qi(column: str) -> str:
    """SQL for the quarter index of a 'YYYY-Qn' column (same as store.quarters.index)."""
    return _QI.format(c=column)


def grouping(levels: list[str]) -> tuple[str, str, str]:
    """(GROUPING SETS clause, level expression, group expression) for the levels."""
    for lv in levels:
        if lv not in GROUP_COLUMNS:
            raise ValueError(f"unknown level {lv!r}")
    cols = [GROUP_COLUMNS[lv] for lv in levels]
    sets = ["(qi)"] + [f"(qi, {c})" for c in cols]
    level_expr = (
        "CASE "
        + " ".join(f"WHEN GROUPING({c}) = 0 THEN '{lv}'" for lv, c in zip(levels, cols))
        + " ELSE 'national' END"
        if levels
        else "'national'"
    )
    group_expr = (
        "COALESCE(" + ", ".join(f"CASE WHEN GROUPING({c}) = 0 THEN {c} END" for c in cols) + ")"
        if levels
        else "CAST(NULL AS VARCHAR)"
    )
    return "GROUPING SETS (" + ", ".join(sets) + ")", level_expr, group_expr


def rollup(source: str, aggs: list[Agg], levels: list[str]) -> str:
    """The tail of a query: aggregate ``source`` (a CTE with qi and the level columns) first per
    cell (quarter x every requested level column), then combine the cells per grouping set.
    Every aggregate must combine over cells (a count or sum adds up, a max of maxima); two
    stages are far cheaper than grouping sets over the council rows."""
    sets, level_expr, group_expr = grouping(levels)
    dims = ["qi"] + [GROUP_COLUMNS[lv] for lv in levels]
    return (
        ", cell AS (SELECT "
        + ", ".join(dims)
        + ", "
        + ", ".join(f"{a.expr} AS {a.alias}" for a in aggs)
        + " FROM "
        + source
        + " GROUP BY "
        + ", ".join(dims)
        + ")"
        " SELECT qi, "
        + level_expr
        + " AS level, "
        + group_expr
        + " AS grp, "
        + ", ".join(f"{a.combine}({a.alias}) AS {a.alias}" for a in aggs)
        + " FROM cell GROUP BY "
        + sets
    )


def quarter(q: Any) -> str | None:
    """The quarter 'YYYY-Qn' of a quarter index (None for a missing one)."""
    return None if q is None or pd.isna(q) else Q.from_index(int(q))


def _terms(m, wide: pd.DataFrame, cols: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        {"id": m.id, "qi": wide["qi"], "level": wide["level"], "grp": wide["grp"], **cols}
    )


# ------------------------------------------------------------------ survey-based measures


@dataclass(frozen=True)
class Carried:
    """A value each council carries forward from its latest return that reports it."""

    name: str  # the carried struct's alias
    when: str  # SQL: the return reports the value
    fields: tuple[tuple[str, str], ...]  # struct field -> expression over the return
    columns: tuple[str, ...] = ()  # the survey columns it reads
    standards: bool = False  # reads the core standards (survey_standards)
    yesno: bool = False  # the value is a yes/no

    def sql(self) -> str:
        struct = ", ".join(["'q': qi"] + [f"'{k}': {v}" for k, v in self.fields])
        return (
            f"last_value(CASE WHEN {self.when} THEN {{{struct}}} END IGNORE NULLS) "
            f"OVER w AS {self.name}"
        )


def _column(name: str) -> str:
    if name not in SURVEY_COLUMN_NAMES:  # an identifier: only from the allow-list
        raise ValueError(f"{name!r} is not a survey column")
    return name


def carry_column(p) -> Carried:
    c = _column(p["column"])
    return Carried(f"c__{c}", f"{c} IS NOT NULL", (("v", c),), (c,), yesno=c in SURVEY_COLUMNS_BOOL)


def carry_pair(p) -> Carried:
    n, d = _column(p["numerator"]), _column(p["denominator"])
    return Carried(
        f"c__{n}__{d}", f"{n} IS NOT NULL AND {d} IS NOT NULL", (("n", n), ("d", d)), (n, d)
    )


def carry_standards(p) -> Carried:
    """Whether every core standard is adopted or audited, from the latest return that
    reported any core standard."""
    return Carried("c__std", "std_reported", (("v", "std_all"),), standards=True, yesno=True)


def count_flagged(c: Carried, ok: str) -> list[Agg]:
    """Councils reporting, and those of them saying yes (a number: at least 1)."""
    flag = f"{c.name}.v" if c.yesno else f"{c.name}.v >= 1"
    return [
        Agg("rep", f"count(*) FILTER (WHERE {ok})"),
        Agg("num", f"count(*) FILTER (WHERE {ok} AND {flag})"),
    ]


def sum_values(c: Carried, ok: str) -> list[Agg]:
    return [
        Agg("rep", f"count(*) FILTER (WHERE {ok})"),
        Agg("num", f"sum({c.name}.v) FILTER (WHERE {ok})"),
    ]


def sum_pair(c: Carried, ok: str) -> list[Agg]:
    return [
        Agg("rep", f"count(*) FILTER (WHERE {ok})"),
        Agg("num", f"sum({c.name}.n) FILTER (WHERE {ok})"),
        Agg("den", f"sum({c.name}.d) FILTER (WHERE {ok})"),
    ]


def survey(con, cfg, batch, qis, levels, totals=None) -> dict[str, pd.DataFrame]:
    """Every survey measure of the batch in one query: each council's carried values on a
    grid of (council, quarter), then the measures' aggregates per group."""
    stale = int(cfg.staleness_quarters)
    # Only returns that can be carried into the grid matter.
    lo_q, hi_q = Q.from_index(min(qis) - stale), Q.from_index(max(qis))
    carried: dict[str, Carried] = {}
    aggs: list[Agg] = []
    parts = []
    for method, m in batch:
        c = method.carried(m.params)
        carried.setdefault(c.name, c)
        ok = f"(qi - {c.name}.q) <= {stale}"  # stale is an int from the validated config
        mine = method.aggregates(c, ok)
        if COUNCIL in levels:  # the quarter of a council's value
            mine.append(Agg("q", f"max({c.name}.q) FILTER (WHERE {ok})", "max"))
        aggs += [a._replace(alias=f"{m.id}__{a.alias}") for a in mine]
        parts.append((m, c, [a.alias for a in mine]))
    params: list = []
    if any(c.standards for c in carried.values()):
        # (council, quarter, standard_id) is the table's key, so count(*) counts standards.
        std_cte = (
            ", std AS (SELECT council_code, quarter, TRUE AS std_reported, "
            "count(*) FILTER (WHERE list_contains(?, status)) = ? AS std_all "
            "FROM survey_standards WHERE list_contains(?, standard_id) AND quarter >= ? AND quarter <= ? "
            "GROUP BY council_code, quarter)"
        )
        ids = list(cfg.core_standard_ids)
        params += [list(ADOPTED), len(ids), ids, lo_q, hi_q]
        std_join = " LEFT JOIN std ON std.council_code = s.council_code AND std.quarter = s.quarter"
        std_cols = ", COALESCE(std.std_reported, FALSE) AS std_reported, std.std_all"
    else:
        std_cte = std_join = std_cols = ""
    needed_cols = sorted({col for c in carried.values() for col in c.columns})
    sql = (
        "WITH sc AS ("
        + SCOPED
        + ")"
        + std_cte
        + ", s AS (SELECT s.council_code, "
        + qi("s.quarter")
        + " AS qi"
        + "".join(f", s.{col}" for col in needed_cols)
        + std_cols
        + " FROM survey s SEMI JOIN sc ON sc.council_code = s.council_code"
        + std_join
        + " WHERE s.quarter >= ? AND s.quarter <= ?)"
        ", ff AS (SELECT council_code, qi, lead(qi) OVER (PARTITION BY council_code ORDER BY qi) AS next_qi, "
        + ", ".join(c.sql() for c in carried.values())
        + " FROM s WINDOW w AS (PARTITION BY council_code ORDER BY qi "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))"
        ", g AS (SELECT sc.*, gq.qi FROM sc CROSS JOIN (SELECT unnest(?::INTEGER[]) AS qi) gq)"
        # Each council's latest return at or before a grid quarter: the return whose span
        # (its quarter up to the council's next return) holds that quarter. An equi-join on
        # (council, grid quarter), cheaper than an ASOF join carrying the structs.
        ", x AS (SELECT ff.*, unnest(list_filter(?::INTEGER[], lambda v: v >= ff.qi "
        "AND (ff.next_qi IS NULL OR v < ff.next_qi))) AS gq FROM ff)"
        ", j AS (SELECT g.*, "
        + ", ".join(f"x.{name}" for name in carried)
        + " FROM g LEFT JOIN x ON x.council_code = g.council_code AND x.gq = g.qi)"
        + rollup("j", aggs, levels)
    )
    params += [lo_q, hi_q, qis, qis]
    wide = con.execute(sql, params).df()
    out = {}
    for m, c, aliases in parts:
        terms = _terms(m, wide, {a: wide[f"{m.id}__{a}"] for a in aliases})
        if c.standards and totals is not None:  # a share of all councils in scope
            terms = terms.merge(totals[["level", "grp", "total"]], how="left", on=["level", "grp"])
        out[m.id] = terms
    return out


# ------------------------------------------------------------------ workforce uplift


def workforce(con, cfg, batch, qis, levels, totals=None) -> dict[str, pd.DataFrame]:
    return {m.id: _workforce(con, cfg, m, qis, levels) for _, m in batch}


def _workforce(con, cfg, m, qis, levels) -> pd.DataFrame:
    """Under-represented people and headcount now and at the baseline, summed over the
    councils that reported at both (each within the staleness window)."""
    stale = int(cfg.staleness_quarters)
    bqi = Q.index(m.baseline_quarter)
    fresh_t = "(t.qi - t.wq) <= " + str(stale)
    fresh_b = "(b.qi - b.wq) <= " + str(stale)
    aggs = [
        Agg("rep", "count(*)"),
        Agg("ut", "sum(under_t)"),
        Agg("ht", "sum(head_t)"),
        Agg("ub", "sum(under_b)"),
        Agg("hb", "sum(head_b)"),
    ]
    if COUNCIL in levels:
        aggs.append(Agg("q", "max(wq)", "max"))
    sql = (
        "WITH sc AS (" + SCOPED + ")"
        ", w AS (SELECT council_code, " + qi("quarter") + " AS wq, "
        # A council-quarter reports 'all' or a breakdown by family; if both, 'all' wins.
        "COALESCE(sum(headcount) FILTER (WHERE role_family = 'all'), sum(headcount)) AS head, "
        "COALESCE(sum(underrepresented) FILTER (WHERE role_family = 'all'), sum(underrepresented)) AS under "
        "FROM workforce SEMI JOIN sc USING (council_code) WHERE quarter >= ? AND quarter <= ? "
        "GROUP BY council_code, quarter)"
        ", g AS (SELECT sc.*, gq.qi FROM sc CROSS JOIN (SELECT unnest(?::INTEGER[]) AS qi) gq)"
        ", j AS (SELECT g.*, w.wq, w.head, w.under FROM g ASOF LEFT JOIN w "
        "ON g.council_code = w.council_code AND g.qi >= w.wq)"
        ", b AS (SELECT * FROM j WHERE qi = ?)"
        ", l AS (SELECT t.qi, t.council_code, t.region_name, t.footprint, t.centre, "
        "t.council_type, t.wq, t.head AS head_t, t.under AS under_t, b.head AS head_b, "
        "b.under AS under_b FROM j t JOIN b ON b.council_code = t.council_code "
        "WHERE " + fresh_t + " AND " + fresh_b + ")" + rollup("l", aggs, levels)
    )
    grid = sorted(set(qis) | {bqi})
    lo_q, hi_q = Q.from_index(min(grid) - stale), Q.from_index(max(grid))
    wide = con.execute(sql, [lo_q, hi_q, grid, bqi]).df()
    wide = wide[wide["qi"].isin(qis)]
    return _terms(m, wide, {a.alias: wide[a.alias] for a in aggs})


# ------------------------------------------------------------------ registers


def exchanges(con, cfg, batch, qis, levels, totals=None) -> dict[str, pd.DataFrame]:
    """Exchanges whose latest status is successful, with a standard and a partner; ``rep``:
    the councils leading an exchange on the register."""
    sets, level_expr, group_expr = grouping(levels)
    sql = (
        "WITH c AS (" + ALL_COUNCILS + ")"
        ", e AS (SELECT exchange_id, lead_council_code, " + qi("quarter") + " AS eq, "
        "lead(" + qi("quarter") + ") OVER (PARTITION BY exchange_id ORDER BY quarter) AS next_eq, "
        "status = 'successful' "
        "AND len(list_filter(COALESCE(standards, []), lambda x: trim(x) <> '')) > 0 "
        "AND len(list_filter(COALESCE(partners, []), lambda x: trim(x) <> '')) > 0 AS ok "
        "FROM exchanges)"
        ", x AS (SELECT gq.qi, e.*, c.region_name, c.footprint, c.centre, c.council_type "
        "FROM (SELECT unnest(?::INTEGER[]) AS qi) gq "
        "JOIN e ON e.eq <= gq.qi AND (e.next_eq IS NULL OR e.next_eq > gq.qi) "
        "LEFT JOIN c ON c.council_code = e.lead_council_code)"
        " SELECT qi, " + level_expr + " AS level, " + group_expr + " AS grp, "
        "count(*) FILTER (WHERE ok) AS num, count(DISTINCT lead_council_code) AS rep "
        "FROM x GROUP BY " + sets
    )
    wide = con.execute(sql, [qis]).df()
    return {m.id: _terms(m, wide, {"num": wide["num"], "rep": wide["rep"]}) for _, m in batch}


def placements(con, cfg, batch, qis, levels, totals=None) -> dict[str, pd.DataFrame]:
    """Placements started from the measure's baseline quarter up to each quarter."""
    sets, level_expr, group_expr = grouping(levels)
    sql = (
        "WITH c AS (" + ALL_COUNCILS + ")"
        ", p AS (SELECT placement_id, council_code, "
        + qi("start_quarter")
        + " AS sq FROM placements)"
        ", x AS (SELECT gq.qi, p.*, c.region_name, c.footprint, c.centre, c.council_type "
        "FROM (SELECT unnest(?::INTEGER[]) AS qi) gq JOIN p ON p.sq >= ? AND p.sq <= gq.qi "
        "LEFT JOIN c ON c.council_code = p.council_code)"
        " SELECT qi, " + level_expr + " AS level, " + group_expr + " AS grp, "
        "count(*) AS num, count(DISTINCT council_code) AS rep FROM x GROUP BY " + sets
    )
    out = {}
    for _, m in batch:
        wide = con.execute(sql, [qis, Q.index(m.baseline_quarter)]).df()
        out[m.id] = _terms(m, wide, {"num": wide["num"], "rep": wide["rep"]})
    return out


def milestones(con, cfg, batch, qis, levels, totals=None) -> dict[str, pd.DataFrame]:
    """Milestones of each kind whose latest status is achieved (``num``) of those on the
    register (``rep``): nationally, and by the milestone's region where the method allows."""
    sql = (
        "WITH r AS (SELECT region_code, region_name FROM regions)"
        ", ms AS (SELECT milestone_id, kind, region_code, " + qi("quarter") + " AS mq, "
        "lead(" + qi("quarter") + ") OVER (PARTITION BY milestone_id ORDER BY quarter) AS next_mq, "
        "status FROM milestones WHERE list_contains(?, kind))"
        " SELECT gq.qi AS qi, ms.kind AS kind, GROUPING(r.region_name) = 1 AS national, "
        "COALESCE(r.region_name, ?) AS region_name, count(*) FILTER (WHERE ms.status = ?) AS num, "
        "count(*) AS rep FROM (SELECT unnest(?::INTEGER[]) AS qi) gq "
        "JOIN ms ON ms.mq <= gq.qi AND (ms.next_mq IS NULL OR ms.next_mq > gq.qi) "
        "LEFT JOIN r ON r.region_code = ms.region_code "
        "GROUP BY GROUPING SETS ((gq.qi, ms.kind), (gq.qi, ms.kind, r.region_name))"
        " ORDER BY ALL"
    )
    kinds = sorted({m.params["milestone_kind"] for _, m in batch})
    rows = con.execute(sql, [kinds, NO_REGION, ACHIEVED, qis]).df()
    out = {}
    for method, m in batch:
        k = rows[rows["kind"] == m.params["milestone_kind"]]
        parts = [k[k["national"]].assign(level="national", grp=None)]
        if "region" in levels and "region" in method.levels:
            reg = k[~k["national"] & (k["region_name"] != NO_REGION)]
            parts.append(reg.assign(level="region", grp=reg["region_name"]))
        wide = pd.concat(parts, ignore_index=True)
        out[m.id] = _terms(m, wide, {"num": wide["num"], "rep": wide["rep"]})
    return out


# ------------------------------------------------------------------ the quarters with data


@dataclass(frozen=True)
class Own:
    """The quarters in which a measure's own source holds data: ``quarters`` (indexes) for
    the returns councils send (survey, workforce), or ``since`` for a register, whose
    entries stand until a later row changes them (every quarter from its first on).
    A quarter outside them is missing from the measure's series (never 0), even when
    another kind of data fills that quarter."""

    quarters: frozenset[int] = frozenset()
    since: int | None = None

    def holds(self, qi: int) -> bool:
        return qi in self.quarters or (self.since is not None and qi >= self.since)


def survey_own(con, cfg, batch) -> dict[str, Own]:
    """Quarters in which at least one council in scope reported the measure's value
    (its column, both columns of a ratio, or any core standard)."""
    out: dict[str, Own] = {}
    columns: list[tuple[str, str]] = []
    for method, m in batch:
        c = method.carried(m.params)
        if c.standards:
            rows = con.execute(
                "WITH sc AS (" + SCOPED + ") SELECT DISTINCT " + qi("quarter") + " FROM "
                "survey_standards SEMI JOIN sc USING (council_code) "
                "WHERE list_contains(?, standard_id)",
                [list(cfg.core_standard_ids)],
            ).fetchall()
            out[m.id] = Own(frozenset(int(r[0]) for r in rows))
        else:
            columns.append((m.id, c.when))  # c.when reads allow-listed columns only
    if columns:
        counts = ", ".join(f"count(*) FILTER (WHERE {when})" for _, when in columns)
        rows = con.execute(
            "WITH sc AS (" + SCOPED + ") SELECT " + qi("quarter") + ", " + counts + " FROM "
            "survey SEMI JOIN sc USING (council_code) GROUP BY quarter"
        ).fetchall()
        for i, (mid, _) in enumerate(columns, start=1):
            out[mid] = Own(frozenset(int(r[0]) for r in rows if r[i]))
    return out


def workforce_own(con, cfg, batch) -> dict[str, Own]:
    """Quarters in which at least one council in scope sent a workforce return."""
    rows = con.execute(
        "WITH sc AS (" + SCOPED + ") SELECT DISTINCT " + qi("quarter") + " FROM workforce "
        "SEMI JOIN sc USING (council_code)"
    ).fetchall()
    own = Own(frozenset(int(r[0]) for r in rows))
    return {m.id: own for _, m in batch}


def _since(con, table: str, column: str = "quarter") -> int | None:
    """The first quarter of a register (``table`` and ``column`` from the allow-list below)."""
    first = con.execute("SELECT min(" + column + ") FROM " + table).fetchall()[0][0]
    return None if first is None else Q.index(first)


def exchanges_own(con, cfg, batch) -> dict[str, Own]:
    """The exchanges register: every quarter from its first entry on."""
    return {m.id: Own(since=_since(con, "exchanges")) for _, m in batch}


def milestones_own(con, cfg, batch) -> dict[str, Own]:
    """The milestones register: every quarter from its first entry on (a milestone not on
    the register yet is not achieved)."""
    since = _since(con, "milestones")
    return {m.id: Own(since=since) for _, m in batch}


def placements_own(con, cfg, batch) -> dict[str, Own]:
    """The placements register counts placements started from the measure's baseline
    quarter: every quarter from the baseline on, once the register holds any placement
    (before the baseline the measure is not defined)."""
    first = _since(con, "placements", "start_quarter")
    return {
        m.id: Own(since=None if first is None else Q.index(m.baseline_quarter)) for _, m in batch
    }


# Each query's own quarters (metrics.measures asks for them beside the terms).
OWN = {
    survey: survey_own,
    workforce: workforce_own,
    exchanges: exchanges_own,
    placements: placements_own,
    milestones: milestones_own,
}
