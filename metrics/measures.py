"""Each measure's SQL: every measure, for a set of quarters and grouping levels, in a few
queries (one per source table), with coverage.

    compute(con, cfg, quarters=[...], levels=["region"]) -> DataFrame

returns one row per measure, quarter, level and group: ``id, quarter, level, group,
value, numerator, denominator, coverage_reporting, coverage_total``. ``level`` is
"national" (group None) or a key of LEVELS. Values are bound as parameters;
identifiers (survey columns, grouping columns) come only from the allow-lists in
metrics/config.py and LEVELS below.

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
- Counts (exchanges, placements, milestones) are 0, not missing, from the first quarter
  that holds any data in the database.
- Groups: councils without a footprint form the group NO_FOOTPRINT, without a centre
  NO_CENTRE, so the groups of a level add up to the national figure. Exchanges and
  placements count in the group of their (lead) council; milestones only by region
  (their region_code), and a milestone without region_code in no region.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from metrics.config import SURVEY_COLUMNS_BOOL, Config
from store import quarters as Q

NO_FOOTPRINT = "No combined or strategic authority"
NO_CENTRE = "No Centre of Service Innovation"
NO_REGION = "No region"

# level -> the column of the scoped-councils relation `sc` (allow-list).
LEVELS = {
    "region": "region_name",
    "footprint": "footprint",
    "centre": "centre",
    "council_type": "council_type",
}

SURVEY_METHODS = (
    "share_of_councils",
    "mean_of_councils",
    "councils_yes",
    "ratio_of_sums",
    "standards_all_core",
)
# Methods whose figures can be cut by each level.
MILESTONE_LEVELS = ("region",)

_QI = "(CAST(left({c}, 4) AS INTEGER) * 4 + CAST(right({c}, 1) AS INTEGER) - 1)"

_SCOPED = f"""
    SELECT council_code, region_name,
           COALESCE(footprint_name, '{NO_FOOTPRINT}') AS footprint,
           COALESCE(centre, '{NO_CENTRE}') AS centre,
           council_type
    FROM councils WHERE end_date IS NULL"""
_ALL_COUNCILS = f"""
    SELECT council_code, region_name,
           COALESCE(footprint_name, '{NO_FOOTPRINT}') AS footprint,
           COALESCE(centre, '{NO_CENTRE}') AS centre,
           council_type
    FROM councils"""

OUT_COLUMNS = [
    "id",
    "quarter",
    "level",
    "group",
    "value",
    "numerator",
    "denominator",
    "coverage_reporting",
    "coverage_total",
]


def qi(column: str) -> str:
    """SQL for the quarter index of a 'YYYY-Qn' column (same as store.quarters.index)."""
    return _QI.format(c=column)


def _grouping(levels: list[str]) -> tuple[str, str, str]:
    """(GROUPING SETS clause, level expression, group expression) for the levels."""
    for lv in levels:
        if lv not in LEVELS:
            raise ValueError(f"unknown level {lv!r}")
    sets = ["(qi)"] + [f"(qi, {LEVELS[lv]})" for lv in levels]
    level_expr = (
        "CASE "
        + " ".join(f"WHEN GROUPING({LEVELS[lv]}) = 0 THEN '{lv}'" for lv in levels)
        + " ELSE 'national' END"
        if levels
        else "'national'"
    )
    group_expr = (
        "COALESCE("
        + ", ".join(f"CASE WHEN GROUPING({LEVELS[lv]}) = 0 THEN {LEVELS[lv]} END" for lv in levels)
        + ")"
        if levels
        else "CAST(NULL AS VARCHAR)"
    )
    return "GROUPING SETS (" + ", ".join(sets) + ")", level_expr, group_expr


def _rollup(source: str, aggs: list[tuple[str, str]], levels: list[str]) -> str:
    """The tail of a query: aggregate ``source`` (a CTE with qi and the level columns) first per
    cell (quarter x every requested level column), then sum the cells per grouping set. Every
    aggregate must be additive (count or sum); two stages are far cheaper than grouping sets
    over the council rows."""
    sets, level_expr, group_expr = _grouping(levels)
    dims = ["qi"] + [LEVELS[lv] for lv in levels]
    return (
        ", cell AS (SELECT "
        + ", ".join(dims)
        + ", "
        + ", ".join(f"{expr} AS {alias}" for alias, expr in aggs)
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
        + ", ".join(f"sum({alias}) AS {alias}" for alias, _ in aggs)
        + " FROM cell GROUP BY "
        + sets
    )


def group_totals(con: duckdb.DuckDBPyConnection, levels: list[str]) -> pd.DataFrame:
    """Councils in scope per level and group (level 'national', group None for England)."""
    sets, level_expr, group_expr = _grouping(levels)
    sql = (
        "WITH sc AS (" + _SCOPED + "), g AS (SELECT *, 0 AS qi FROM sc) "
        "SELECT " + level_expr + " AS level, " + group_expr + " AS grp, count(*) AS total "
        "FROM g GROUP BY " + sets
    )
    return con.execute(sql).df()


def first_quarter(con: duckdb.DuckDBPyConnection) -> str | None:
    qs = data_quarters(con)
    return qs[0] if qs else None


def data_quarters(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Quarters that hold any data (survey, workforce, exchanges, milestones, placement starts)."""
    rows = con.execute("""
        SELECT DISTINCT q FROM (
            SELECT DISTINCT quarter AS q FROM survey
            UNION SELECT DISTINCT quarter FROM workforce
            UNION SELECT DISTINCT quarter FROM exchanges
            UNION SELECT DISTINCT quarter FROM milestones
            UNION SELECT DISTINCT start_quarter FROM placements)
        WHERE q IS NOT NULL ORDER BY q""").fetchall()
    return [r[0] for r in rows]


def compute(
    con: duckdb.DuckDBPyConnection,
    cfg: Config,
    quarters: list[str],
    levels: list[str] | None = None,
    measure_ids: list[str] | None = None,
    first_data_quarter: str | None = None,
) -> pd.DataFrame:
    """Every (or the named) measure for each quarter in ``quarters``, nationally and by ``levels``."""
    levels = list(levels or [])
    wanted = [cfg.measures[m] for m in (measure_ids or list(cfg.measures))]
    qis = sorted({Q.index(q) for q in quarters})
    if not qis or not wanted:
        return pd.DataFrame(columns=OUT_COLUMNS)
    first = first_data_quarter if first_data_quarter is not None else first_quarter(con)
    first_qi = Q.index(first) if first else None
    totals = group_totals(con, levels)
    frames = []
    methods = {m.method for m in wanted}
    if methods & set(SURVEY_METHODS):
        frames.append(
            _survey(
                con, cfg, [m for m in wanted if m.method in SURVEY_METHODS], qis, levels, totals
            )
        )
    if "workforce_uplift" in methods:
        frames += [
            _workforce(con, cfg, m, qis, levels) for m in wanted if m.method == "workforce_uplift"
        ]
    if "exchanges_qualifying" in methods:
        frames += [
            _exchanges(con, m, qis, levels) for m in wanted if m.method == "exchanges_qualifying"
        ]
    if "placements_started" in methods:
        frames += [
            _placements(con, m, qis, levels) for m in wanted if m.method == "placements_started"
        ]
    ms = [m for m in wanted if m.method in ("milestones_achieved", "milestone")]
    if ms:
        frames.append(_milestones(con, ms, qis, [lv for lv in levels if lv in MILESTONE_LEVELS]))
    out = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else pd.DataFrame(
            columns=[
                "id",
                "qi",
                "level",
                "grp",
                "value",
                "numerator",
                "denominator",
                "coverage_reporting",
            ]
        )
    )
    out = _complete(out, wanted, qis, levels, totals, first_qi)
    out["quarter"] = [Q.from_index(int(i)) for i in out["qi"]]
    out = out.rename(columns={"grp": "group"})
    order = {m.id: i for i, m in enumerate(wanted)}
    out["_o"] = out["id"].map(order)
    out = out.sort_values(["_o", "level", "group", "qi"], na_position="first", kind="stable")
    return out[OUT_COLUMNS].reset_index(drop=True)


def _complete(
    df: pd.DataFrame, wanted, qis, levels, totals: pd.DataFrame, first_qi
) -> pd.DataFrame:
    """Fill in every (measure, quarter, level, group): counts are 0 where nothing was
    counted (from the first quarter with data), other measures None; attach coverage_total."""
    keys = totals[["level", "grp", "total"]]
    rows = []
    for m in wanted:
        lvls = ["national"] + [
            lv
            for lv in levels
            if m.method not in ("milestone", "milestones_achieved")
            or lv in MILESTONE_LEVELS
            and m.method == "milestones_achieved"
        ]
        k = keys[keys["level"].isin(lvls)]
        grid = k.merge(pd.DataFrame({"qi": qis}), how="cross")
        grid["id"] = m.id
        rows.append(grid)
    grid = pd.concat(rows, ignore_index=True)
    out = grid.merge(df, how="left", on=["id", "qi", "level", "grp"])
    counts = {m.id for m in wanted if m.unit in ("count", "milestone")}
    is_count = out["id"].isin(counts)
    started = out["qi"] >= first_qi if first_qi is not None else pd.Series(False, index=out.index)
    fill = is_count & out["value"].isna() & started
    out.loc[fill, "value"] = 0.0
    out.loc[fill & out["numerator"].isna(), "numerator"] = 0.0
    out.loc[fill & out["coverage_reporting"].isna(), "coverage_reporting"] = 0
    out.loc[is_count & ~started, "value"] = None
    out = out.rename(columns={"total": "coverage_total"})
    ms = {m.id for m in wanted if m.method in ("milestone", "milestones_achieved")}
    out.loc[out["id"].isin(ms), "coverage_total"] = None
    return out


# ------------------------------------------------------------------ survey-based measures


def _survey(
    con, cfg: Config, measures, qis, levels, totals: pd.DataFrame | None = None
) -> pd.DataFrame:
    stale = int(cfg.staleness_quarters)
    singles: list[str] = []  # survey columns carried on their own
    pairs: list[tuple[str, str]] = []
    want_std = False
    # Only returns that can be carried into the grid matter.
    lo_q, hi_q = Q.from_index(min(qis) - stale), Q.from_index(max(qis))
    for m in measures:
        p = m.params
        if m.method in ("share_of_councils", "mean_of_councils", "councils_yes"):
            if p["column"] not in singles:
                singles.append(p["column"])
        elif m.method == "ratio_of_sums":
            if (p["numerator"], p["denominator"]) not in pairs:
                pairs.append((p["numerator"], p["denominator"]))
        elif m.method == "standards_all_core":
            want_std = True
    carry = []  # one window function per carried value: a struct of (quarter index, value(s))
    for c in singles:
        carry.append(
            f"last_value(CASE WHEN {c} IS NOT NULL THEN {{'q': qi, 'v': {c}}} END IGNORE NULLS) "
            f"OVER w AS c__{c}"
        )
    for n, d in pairs:
        carry.append(
            f"last_value(CASE WHEN {n} IS NOT NULL AND {d} IS NOT NULL THEN "
            f"{{'q': qi, 'n': {n}, 'd': {d}}} END IGNORE NULLS) OVER w AS c__{n}__{d}"
        )
    params: list = []
    if want_std:
        carry.append(
            "last_value(CASE WHEN std_reported THEN {'q': qi, 'v': std_all} END IGNORE NULLS) "
            "OVER w AS c__std"
        )
        # (council, quarter, standard_id) is the table's key, so count(*) counts standards.
        std_cte = (
            ", std AS (SELECT council_code, quarter, TRUE AS std_reported, "
            "count(*) FILTER (WHERE status IN ('adopted', 'audited')) = ? AS std_all "
            "FROM survey_standards WHERE list_contains(?, standard_id) AND quarter >= ? AND quarter <= ? "
            "GROUP BY council_code, quarter)"
        )
        params += [len(cfg.core_standard_ids), cfg.core_standard_ids, lo_q, hi_q]
        std_join = " LEFT JOIN std ON std.council_code = s.council_code AND std.quarter = s.quarter"
        std_cols = ", COALESCE(std.std_reported, FALSE) AS std_reported, std.std_all"
    else:
        std_cte = std_join = std_cols = ""
    needed_cols = sorted(set(singles) | {c for p in pairs for c in p})
    base_cols = "".join(f", s.{c}" for c in needed_cols)
    fresh = "(qi - {q}) <= " + str(stale)  # stale is an int from the validated config

    aggs = []
    for m in measures:
        p, mid = m.params, m.id
        if m.method in ("share_of_councils", "mean_of_councils", "councils_yes"):
            c = p["column"]
            ok = fresh.format(q=f"c__{c}.q")
            flag = f"c__{c}.v" if c in SURVEY_COLUMNS_BOOL else f"c__{c}.v >= 1"
            aggs.append((f"{mid}__rep", f"count(*) FILTER (WHERE {ok})"))
            if m.method == "mean_of_councils":
                aggs.append((f"{mid}__num", f"sum(c__{c}.v) FILTER (WHERE {ok})"))
            else:
                aggs.append((f"{mid}__num", f"count(*) FILTER (WHERE {ok} AND {flag})"))
        elif m.method == "ratio_of_sums":
            n, d = p["numerator"], p["denominator"]
            ok = fresh.format(q=f"c__{n}__{d}.q")
            aggs.append((f"{mid}__rep", f"count(*) FILTER (WHERE {ok})"))
            aggs.append((f"{mid}__num", f"sum(c__{n}__{d}.n) FILTER (WHERE {ok})"))
            aggs.append((f"{mid}__den", f"sum(c__{n}__{d}.d) FILTER (WHERE {ok})"))
        elif m.method == "standards_all_core":
            ok = fresh.format(q="c__std.q")
            aggs.append((f"{mid}__rep", f"count(*) FILTER (WHERE {ok})"))
            aggs.append((f"{mid}__num", f"count(*) FILTER (WHERE {ok} AND c__std.v)"))
    sets, level_expr, group_expr = _grouping(levels)
    carried_names = ", ".join(
        [f"ff.c__{c}" for c in singles]
        + [f"ff.c__{n}__{d}" for n, d in pairs]
        + (["ff.c__std"] if want_std else [])
    )
    sql = (
        "WITH sc AS ("
        + _SCOPED
        + ")"
        + std_cte
        + ", s AS (SELECT s.council_code, "
        + qi("s.quarter")
        + " AS qi"
        + base_cols
        + std_cols
        + " FROM survey s SEMI JOIN sc ON sc.council_code = s.council_code"
        + std_join
        + " WHERE s.quarter >= ? AND s.quarter <= ?)"
        ", ff AS (SELECT council_code, qi, lead(qi) OVER (PARTITION BY council_code ORDER BY qi) AS next_qi, "
        + ", ".join(carry)
        + " FROM s WINDOW w AS (PARTITION BY council_code ORDER BY qi "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))"
        ", g AS (SELECT sc.*, gq.qi FROM sc CROSS JOIN (SELECT unnest(?::INTEGER[]) AS qi) gq)"
        # Each council's latest return at or before a grid quarter: the return whose span
        # (its quarter up to the council's next return) holds that quarter. An equi-join on
        # (council, grid quarter), cheaper than an ASOF join carrying the structs.
        ", x AS (SELECT ff.*, unnest(list_filter(?::INTEGER[], lambda v: v >= ff.qi "
        "AND (ff.next_qi IS NULL OR v < ff.next_qi))) AS gq FROM ff)"
        ", j AS (SELECT g.*, "
        + carried_names.replace("ff.", "x.")
        + " FROM g LEFT JOIN x ON x.council_code = g.council_code AND x.gq = g.qi)"
        + _rollup("j", aggs, levels)
    )
    params += [lo_q, hi_q, qis, qis]
    wide = con.execute(sql, params).df()
    out = []
    for m in measures:
        mid = m.id
        rep = wide[f"{mid}__rep"].astype("float64")
        num = wide[f"{mid}__num"].astype("float64")
        if m.method == "share_of_councils":
            den, value = rep, 100.0 * num / rep.where(rep > 0)
        elif m.method == "mean_of_councils":
            den, value = rep, num / rep.where(rep > 0)
        elif m.method == "councils_yes":
            den, value = pd.Series(float("nan"), index=wide.index), num.where(rep >= 0)
        elif m.method == "ratio_of_sums":
            den = wide[f"{mid}__den"].astype("float64")
            value = 100.0 * num / den.where(den > 0)
        else:  # standards_all_core: share of ALL councils in scope
            den = None
            value = None
        frame = pd.DataFrame(
            {
                "id": mid,
                "qi": wide["qi"],
                "level": wide["level"],
                "grp": wide["grp"],
                "numerator": num,
                "coverage_reporting": rep,
            }
        )
        if m.method == "standards_all_core":
            frame["denominator"] = float("nan")  # filled from coverage_total below
            frame["value"] = float("nan")
            frame["_std"] = True
        else:
            frame["denominator"] = den.values
            frame["value"] = value.values
        out.append(frame)
    df = pd.concat(out, ignore_index=True)
    if "_std" in df:
        df = _std_share(df, totals if totals is not None else group_totals(con, levels))
    return df


def _std_share(df: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    totals = totals.rename(columns={"total": "_t"})
    df = df.merge(totals, how="left", on=["level", "grp"])
    mask = df["_std"].fillna(False).astype(bool)
    df.loc[mask, "denominator"] = df.loc[mask, "_t"].astype("float64")
    df.loc[mask, "value"] = (
        100.0 * df.loc[mask, "numerator"] / df.loc[mask, "_t"].where(df.loc[mask, "_t"] > 0)
    )
    return df.drop(columns=["_t", "_std"])


# ------------------------------------------------------------------ workforce uplift


def _workforce(con, cfg: Config, m, qis, levels) -> pd.DataFrame:
    stale = int(cfg.staleness_quarters)
    bqi = Q.index(m.baseline_quarter)
    sets, level_expr, group_expr = _grouping(levels)
    fresh_t = "(t.qi - t.wq) <= " + str(stale)
    fresh_b = "(b.qi - b.wq) <= " + str(stale)
    sql = (
        "WITH sc AS (" + _SCOPED + ")"
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
        ", l AS (SELECT t.qi, t.region_name, t.footprint, t.centre, t.council_type, "
        "t.head AS head_t, t.under AS under_t, b.head AS head_b, b.under AS under_b "
        "FROM j t JOIN b ON b.council_code = t.council_code "
        "WHERE "
        + fresh_t
        + " AND "
        + fresh_b
        + ")"
        + _rollup(
            "l",
            [
                ("rep", "count(*)"),
                ("ut", "sum(under_t)"),
                ("ht", "sum(head_t)"),
                ("ub", "sum(under_b)"),
                ("hb", "sum(head_b)"),
            ],
            levels,
        )
    )
    grid = sorted(set(qis) | {bqi})
    lo_q, hi_q = Q.from_index(min(grid) - stale), Q.from_index(max(grid))
    wide = con.execute(sql, [lo_q, hi_q, grid, bqi]).df()
    wide = wide[wide["qi"].isin(qis)]
    ut, ht = wide["ut"].astype("float64"), wide["ht"].astype("float64")
    ub, hb = wide["ub"].astype("float64"), wide["hb"].astype("float64")
    share_t = 100.0 * ut / ht.where(ht > 0)
    share_b = 100.0 * ub / hb.where(hb > 0)
    value = (share_t / share_b.where(share_b > 0) - 1.0) * 100.0
    # numerator / denominator: the under-represented share (%) now and at the baseline, like for like.
    return pd.DataFrame(
        {
            "id": m.id,
            "qi": wide["qi"],
            "level": wide["level"],
            "grp": wide["grp"],
            "value": value,
            "numerator": share_t,
            "denominator": share_b,
            "coverage_reporting": wide["rep"],
        }
    )


# ------------------------------------------------------------------ registers


def _exchanges(con, m, qis, levels) -> pd.DataFrame:
    sets, level_expr, group_expr = _grouping(levels)
    sql = (
        "WITH c AS (" + _ALL_COUNCILS + ")"
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
    return pd.DataFrame(
        {
            "id": m.id,
            "qi": wide["qi"],
            "level": wide["level"],
            "grp": wide["grp"],
            "value": wide["num"].astype("float64"),
            "numerator": wide["num"].astype("float64"),
            "denominator": float("nan"),
            "coverage_reporting": wide["rep"],
        }
    )


def _placements(con, m, qis, levels) -> pd.DataFrame:
    sets, level_expr, group_expr = _grouping(levels)
    sql = (
        "WITH c AS (" + _ALL_COUNCILS + ")"
        ", p AS (SELECT placement_id, council_code, "
        + qi("start_quarter")
        + " AS sq FROM placements)"
        ", x AS (SELECT gq.qi, p.*, c.region_name, c.footprint, c.centre, c.council_type "
        "FROM (SELECT unnest(?::INTEGER[]) AS qi) gq JOIN p ON p.sq >= ? AND p.sq <= gq.qi "
        "LEFT JOIN c ON c.council_code = p.council_code)"
        " SELECT qi, " + level_expr + " AS level, " + group_expr + " AS grp, "
        "count(*) AS num, count(DISTINCT council_code) AS rep FROM x GROUP BY " + sets
    )
    wide = con.execute(sql, [qis, Q.index(m.baseline_quarter)]).df()
    return pd.DataFrame(
        {
            "id": m.id,
            "qi": wide["qi"],
            "level": wide["level"],
            "grp": wide["grp"],
            "value": wide["num"].astype("float64"),
            "numerator": wide["num"].astype("float64"),
            "denominator": float("nan"),
            "coverage_reporting": wide["rep"],
        }
    )


def _milestones(con, measures, qis, levels) -> pd.DataFrame:
    region_level = "region" in levels
    sql = (
        "WITH r AS (SELECT region_code, region_name FROM regions)"
        ", ms AS (SELECT milestone_id, kind, region_code, " + qi("quarter") + " AS mq, "
        "lead(" + qi("quarter") + ") OVER (PARTITION BY milestone_id ORDER BY quarter) AS next_mq, "
        "status FROM milestones WHERE list_contains(?, kind))"
        " SELECT gq.qi AS qi, ms.kind AS kind, GROUPING(r.region_name) = 1 AS national, "
        "COALESCE(r.region_name, ?) AS region_name, count(*) FILTER (WHERE ms.status = 'achieved') AS num, "
        "count(*) AS rep FROM (SELECT unnest(?::INTEGER[]) AS qi) gq "
        "JOIN ms ON ms.mq <= gq.qi AND (ms.next_mq IS NULL OR ms.next_mq > gq.qi) "
        "LEFT JOIN r ON r.region_code = ms.region_code "
        "GROUP BY GROUPING SETS ((gq.qi, ms.kind), (gq.qi, ms.kind, r.region_name))"
        " ORDER BY ALL"
    )
    kinds = sorted({m.params["milestone_kind"] for m in measures})
    rows = con.execute(sql, [kinds, NO_REGION, qis]).df()
    out = []
    for m in measures:
        k = rows[rows["kind"] == m.params["milestone_kind"]]
        nat = k[k["national"]]
        value = nat["num"].astype("float64")
        if m.method == "milestone":
            value = (value > 0).astype("float64")
        out.append(
            pd.DataFrame(
                {
                    "id": m.id,
                    "qi": nat["qi"],
                    "level": "national",
                    "grp": None,
                    "value": value.values,
                    "numerator": nat["num"].astype("float64").values,
                    "denominator": float("nan"),
                    "coverage_reporting": nat["rep"].values,
                }
            )
        )
        if region_level and m.method == "milestones_achieved":
            reg = k[~k["national"] & (k["region_name"] != NO_REGION)]
            out.append(
                pd.DataFrame(
                    {
                        "id": m.id,
                        "qi": reg["qi"],
                        "level": "region",
                        "grp": reg["region_name"],
                        "value": reg["num"].astype("float64"),
                        "numerator": reg["num"].astype("float64"),
                        "denominator": float("nan"),
                        "coverage_reporting": reg["rep"],
                    }
                )
            )
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()
