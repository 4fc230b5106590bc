"""Every measure for a set of quarters and grouping levels, with coverage, in a few
queries (one per source table), and a measure per council at one quarter.

    compute(con, cfg, quarters=[...], levels=["region"]) -> DataFrame
    council_values(con, cfg, measure, quarter) -> DataFrame

compute() returns one row per measure, quarter, level and group: ``id, quarter, level,
group, value, numerator, denominator, coverage_reporting, coverage_total``. ``level`` is
"national" (group None) or a key of LEVELS.

How each measure is computed is its method's (metrics.methods: the registry; the SQL is
in metrics.sql, which also states the rules: scope, carrying forward, registers, groups).

A measure has a value only in the quarters its OWN source holds data in
(metrics.sql.Own): a quarter in which no council reported the survey column (or sent a
workforce return) is missing, never 0, and so is a quarter that holds only another
kind's data. A register (exchanges, placements, milestones) has a value in every quarter
from its first entry on, 0 for a group with no entry. Every (measure, quarter, group)
gets a row.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from domain.geography import COUNCIL
from metrics import methods
from metrics.config import Config, Measure
from metrics.sql import LEVELS, OWN, SCOPED, Own, grouping
from store import quarters as Q

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
_CELL_COLUMNS = [
    "id",
    "qi",
    "level",
    "grp",
    "value",
    "numerator",
    "denominator",
    "coverage_reporting",
]


def group_totals(con: duckdb.DuckDBPyConnection, levels: list[str]) -> pd.DataFrame:
    """Councils in scope per level and group (level 'national', group None for England)."""
    sets, level_expr, group_expr = grouping(levels)
    sql = (
        "WITH sc AS (" + SCOPED + "), g AS (SELECT *, 0 AS qi FROM sc) "
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


def _terms(
    con, cfg: Config, wanted: list[Measure], qis: list[int], levels: list[str], totals
) -> tuple[dict[str, pd.DataFrame], dict[str, Own]]:
    """Each measure's terms (metrics.sql), one query per batch of measures, and the
    quarters its own source holds data in."""
    out: dict[str, pd.DataFrame] = {}
    own: dict[str, Own] = {}
    for query, batch in methods.batches(wanted):
        allowed = {lv for method, _ in batch for lv in (*method.levels, COUNCIL)}
        out.update(query(con, cfg, batch, qis, [lv for lv in levels if lv in allowed], totals))
        own.update(OWN[query](con, cfg, batch))
    return out, own


def own_quarters(con: duckdb.DuckDBPyConnection, cfg: Config, measure: Measure) -> Own:
    """The quarters in which ``measure``'s own source holds data (metrics.sql.Own)."""
    method = methods.get(measure.method)
    return OWN[method.query](con, cfg, [(method, measure)])[measure.id]


def compute(
    con: duckdb.DuckDBPyConnection,
    cfg: Config,
    quarters: list[str],
    levels: list[str] | None = None,
    measure_ids: list[str] | None = None,
    first_data_quarter: str | None = None,
) -> pd.DataFrame:
    """Every (or the named) measure for each quarter in ``quarters``, nationally and by
    ``levels``. ``first_data_quarter`` is not needed any more (each measure's own source
    says which quarters hold its data); it is accepted for callers that pass it."""
    levels = list(levels or [])
    for lv in levels:
        if lv not in LEVELS:
            raise ValueError(f"unknown level {lv!r}")
    wanted = [cfg.measures[m] for m in (measure_ids or list(cfg.measures))]
    qis = sorted({Q.index(q) for q in quarters})
    if not qis or not wanted:
        return pd.DataFrame(columns=OUT_COLUMNS)
    totals = group_totals(con, levels)
    terms, own = _terms(con, cfg, wanted, qis, levels, totals)
    frames = [methods.get(m.method).finish(terms[m.id], m) for m in wanted]
    frames = [f for f in frames if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_CELL_COLUMNS)
    out = _complete(out, wanted, qis, levels, totals, own)
    out["quarter"] = [Q.from_index(int(i)) for i in out["qi"]]
    out = out.rename(columns={"grp": "group"})
    order = {m.id: i for i, m in enumerate(wanted)}
    out["_o"] = out["id"].map(order)
    out = out.sort_values(["_o", "level", "group", "qi"], na_position="first", kind="stable")
    return out[OUT_COLUMNS].reset_index(drop=True)


def _complete(
    df: pd.DataFrame, wanted: list[Measure], qis, levels, totals: pd.DataFrame, own: dict[str, Own]
) -> pd.DataFrame:
    """Fill in every (measure, quarter, level, group): a register's count is 0 for a group
    with no entry in a quarter the register holds; every figure is None in a quarter its
    own source holds no data in; attach coverage_total (None for registers)."""
    keys = totals[["level", "grp", "total"]]
    rows = []
    for m in wanted:
        cut = methods.get(m.method).levels
        k = keys[keys["level"].isin(["national"] + [lv for lv in levels if lv in cut])]
        grid = k.merge(pd.DataFrame({"qi": qis}), how="cross")
        grid["id"] = m.id
        rows.append(grid)
    grid = pd.concat(rows, ignore_index=True)
    out = grid.merge(df, how="left", on=["id", "qi", "level", "grp"])
    records = {m.id for m in wanted if not methods.get(m.method).coverage_of_councils}
    holds = pd.Series(
        [own[i].holds(int(q)) for i, q in zip(out["id"], out["qi"])], index=out.index, dtype=bool
    )
    fill = out["id"].isin(records) & out["value"].isna() & holds
    out.loc[fill, "value"] = 0.0
    out.loc[fill & out["numerator"].isna(), "numerator"] = 0.0
    out.loc[fill & out["coverage_reporting"].isna(), "coverage_reporting"] = 0
    for column in ("value", "numerator", "denominator", "coverage_reporting"):
        out[column] = out[column].astype("float64").where(holds)
    out = out.rename(columns={"total": "coverage_total"})
    out.loc[out["id"].isin(records), "coverage_total"] = None
    return out


def council_values(
    con: duckdb.DuckDBPyConnection, cfg: Config, measure: Measure, quarter: str
) -> pd.DataFrame:
    """Each council's own value of ``measure`` at ``quarter``: the measure's query at the
    level "council" (one group per council in scope), finished by its method's council rule.

    Columns: council_code, quarter (of the value used), numerator, denominator, value (all
    empty for a council without a value); the workforce uplift adds base_u and base_h.
    Councils the query does not group (the uplift: those without a return now and at the
    baseline) have no row. In a quarter the measure's own source holds no data in, no
    council has a value (as England has none). Raises ValueError for a method without a
    council level.
    """
    method = methods.get(measure.method)
    if method.council is None:
        raise ValueError(f"the method {method.name} has no council level")
    terms = method.query(con, cfg, [(method, measure)], [Q.index(quarter)], [COUNCIL], None)
    t = terms[measure.id]
    out = method.council(t[t["level"] == COUNCIL].reset_index(drop=True), measure)
    if not own_quarters(con, cfg, measure).holds(Q.index(quarter)):
        for column in ("numerator", "denominator", "value", *_EXTRA_COUNCIL_COLUMNS):
            if column in out:
                out[column] = float("nan")
        out["quarter"] = None
    return out


_EXTRA_COUNCIL_COLUMNS = ("base_u", "base_h")
