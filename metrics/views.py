"""Page-shaped data for the Places, Council profile and Data coverage pages.

Every function takes a connection first and hashable values after it, so
``metrics.app.read(views.fn, ...)`` can cache it per data version. Values are bound
parameters; the only identifiers put into SQL come from allow-lists in code. A
measure's figures (by group or per council) come from its method's one SQL
(metrics.methods, metrics.sql), through metrics.summary and metrics.measures.

Definitions shared with metrics.summary (targets.toml, spec/visions.md):

- Councils in scope: ``councils.end_date IS NULL``.
- "Latest" value of a council at quarter q: its most recent reported value at or
  before q, carried forward at most ``staleness_quarters`` quarters (default 4).
- A council's own value of a measure ("level: council") is the measure computed over
  that one council: a share of councils is 100 (yes) or 0 (no), a mean is the council's
  value, a count of councils is 1 or 0, a ratio of sums is the council's own ratio, the
  workforce uplift is the council's own like-for-like relative change; a council
  without a value (nothing reported in the window, a zero denominator) has none.
  Measures that count things that do not belong to one council (milestones,
  exchanges, placements) have no council level.
- Workforce figures resting on fewer than five people are "<5" (metrics.disclosure).
"""

from __future__ import annotations

import pandas as pd

from domain import geography
from domain.standards import ADOPTED
from metrics import config as mconfig
from metrics import disclosure, measures
from metrics.methods import COUNCIL_METHODS
from store import quarters as q

REPORTING_KINDS = ("survey", "workforce")  # the returns every council sends each quarter
PLACE_LEVELS = geography.PLACE_LEVELS
PLACE_LEVEL_SHORT = geography.PLACE_LEVEL_SHORT
MISSING_SINCE = "2025-Q2"


def _cfg(config):
    return config or mconfig.load()


def _window_start(as_of: str, config) -> str:
    return q.shift(as_of, -_cfg(config).staleness_quarters)


# ---------------------------------------------------------------- councils


def councils(con) -> pd.DataFrame:
    """The councils in scope, by name: code, name, type, region, footprint, centre."""
    return con.execute(
        "SELECT council_code, name, council_type, region_code, region_name, footprint_code, "
        "footprint_name, centre FROM councils WHERE end_date IS NULL ORDER BY name, council_code"
    ).df()


def footprints(con) -> pd.DataFrame:
    """Footprints (combined or strategic authorities) with their number of councils in scope."""
    return con.execute(
        "SELECT footprint_code, footprint_name, count(*) AS councils FROM councils "
        "WHERE end_date IS NULL AND footprint_code IS NOT NULL "
        "GROUP BY footprint_code, footprint_name ORDER BY footprint_name"
    ).df()


# ---------------------------------------------------------------- places: council level


def measures_for_places(config=None) -> pd.DataFrame:
    """Measures the Places page offers: id, title, unit, and whether they have a council level."""
    cfg = _cfg(config)
    rows = [
        {
            "id": m.id,
            "title": m.title,
            "unit": m.unit,
            "theme": m.theme,
            "council_level": m.method in COUNCIL_METHODS,
        }
        for m in cfg.measures.values()
        if not m.is_milestone
    ]
    return pd.DataFrame(rows, columns=["id", "title", "unit", "theme", "council_level"])


def place_measure_options(level: str, config=None) -> dict[str, str]:
    """Measure id -> title for the Places picker at ``level`` (council level: only the
    measures that have a council value)."""
    m = measures_for_places(config)
    if level == "council":
        m = m[m["council_level"]]
    return dict(zip(m["id"], m["title"]))


def measure_unit(measure_id: str, config=None) -> str:
    return _cfg(config).measure(measure_id).unit


def council_values(con, measure_id: str, as_of: str, config=None) -> pd.DataFrame:
    """Each council's own value of a measure at ``as_of`` (metrics.measures.council_values:
    the measure's own SQL at the council level).

    Columns: council_code, name, council_type, region_name, footprint_name, centre,
    value (float or NaN), quarter (of the value used, or None), numerator, denominator,
    display (text for people: "62.5%", "<5", "no data").
    """
    cfg = _cfg(config)
    m = cfg.measure(measure_id)
    if m.method not in COUNCIL_METHODS:
        raise ValueError(
            f"The measure {m.title!r} counts things that do not belong to one council; "
            "it has no council level."
        )
    scoped = con.execute(
        "SELECT council_code, name, council_type, region_name, footprint_name, centre "
        "FROM councils WHERE end_date IS NULL ORDER BY name"
    ).df()
    df = scoped.merge(measures.council_values(con, cfg, m, as_of), on="council_code", how="left")
    if "base_u" in df:  # workforce uplift: disclosed only if it rests on five people or more
        df["display"] = [
            disclosure.disclose(_fmt(v, m.unit), rests_on=(a, b, c, d))
            if pd.notna(v)
            else "no data"
            for v, a, b, c, d in zip(
                df["value"], df["numerator"], df["denominator"], df["base_u"], df["base_h"]
            )
        ]
        # A suppressed figure must not be drawn either (its colour would give it away).
        df.loc[df["display"] == disclosure.SUPPRESSED, "value"] = float("nan")
        df = df.drop(columns=["base_u", "base_h"])
    else:
        df["display"] = [_fmt(v, m.unit) for v in df["value"]]
    df["quarter"] = df["quarter"].astype(object).where(df["quarter"].notna(), None)
    return df[
        [
            "council_code",
            "name",
            "council_type",
            "region_name",
            "footprint_name",
            "centre",
            "value",
            "quarter",
            "numerator",
            "denominator",
            "display",
        ]
    ]


def _fmt(value, unit: str) -> str:
    """A value as every page shows it (metrics.progress.format_value): scores with two
    decimals (2.82), percentages with one (20.4%), whole counts without decimals."""
    from metrics.progress import format_value

    if value is None or pd.isna(value):
        return "no data"
    return format_value(float(value), unit)


# ---------------------------------------------------------------- places: any level

_LEVEL_COLUMN = {"region": "region_name", "footprint": "footprint_name", "centre": "centre"}


def place_values(con, measure_id: str, level: str, as_of: str, config=None) -> pd.DataFrame:
    """The ranking: one row per group of ``level`` (or per council), best first.

    Columns: group, value, display, coverage (text "reporting of total", or the quarter
    of a council's value), rank. Groups without a value come last with "no data".
    """
    cfg = _cfg(config)
    m = cfg.measure(measure_id)
    if level == "council":
        df = council_values(con, measure_id, as_of, cfg)
        out = pd.DataFrame(
            {
                "group": df["name"],
                "code": df["council_code"],
                "value": df["value"],
                "display": df["display"],
                "coverage": [f"{x} return" if x else "not reported" for x in df["quarter"]],
            }
        )
    elif level in _LEVEL_COLUMN:
        from metrics import summary as msummary

        s = msummary.summary(con, as_of=as_of, by=level, config=cfg)
        s = s[s["id"] == measure_id]
        groups = _level_groups(con, level)
        s = groups.merge(
            s[["group", "value", "coverage_reporting", "coverage_total"]], on="group", how="left"
        )
        out = pd.DataFrame(
            {
                "group": s["group"],
                "code": s["code"],
                "value": pd.to_numeric(s["value"], errors="coerce"),
                "display": [_fmt(v, m.unit) for v in pd.to_numeric(s["value"], errors="coerce")],
                "coverage": [
                    f"{int(r)} of {int(t)} councils" if pd.notna(r) and pd.notna(t) else ""
                    for r, t in zip(s["coverage_reporting"], s["coverage_total"])
                ],
            }
        )
    else:
        raise ValueError(f"unknown level {level!r}; known: {', '.join(PLACE_LEVELS)}")
    ascending = m.direction == "decrease"
    out = out.sort_values(["value", "group"], ascending=[ascending, True], na_position="last")
    out["rank"] = out["value"].rank(ascending=ascending, method="min")
    return out.reset_index(drop=True)[["rank", "group", "code", "value", "display", "coverage"]]


def has_values(ranking: pd.DataFrame) -> bool:
    """True when at least one group (or council) of a ranking has a value."""
    return bool(ranking["value"].notna().any())


def _level_groups(con, level: str) -> pd.DataFrame:
    """Every group of a level that has councils in scope: group (name) and code."""
    if level == "region":
        sql = (
            'SELECT DISTINCT region_name AS "group", region_code AS code FROM councils '
            "WHERE end_date IS NULL"
        )
    elif level == "footprint":
        sql = (
            'SELECT DISTINCT footprint_name AS "group", footprint_code AS code FROM councils '
            "WHERE end_date IS NULL AND footprint_code IS NOT NULL"
        )
    else:
        sql = (
            'SELECT DISTINCT centre AS "group", centre AS code FROM councils '
            "WHERE end_date IS NULL AND centre IS NOT NULL"
        )
    return con.execute(sql + " ORDER BY 1").df()


def map_values(
    con, measure_id: str, level: str, as_of: str, layer: str = "council", config=None
) -> pd.DataFrame:
    """What the choropleth draws: code (on the map layer), name, value, label.

    - region: the regions layer, each region its own value.
    - footprint / centre: the council layer, each council coloured by its group's value
      (footprints are drawn by their member councils); councils in no footprint have none.
    - council: ``layer`` 'council' (districts and unitaries, their own values) or
      'upper_tier' (counties and unitaries: the county councils' own values).
    """
    cfg = _cfg(config)
    ranking = place_values(con, measure_id, level, as_of, cfg)
    if level == "region":
        return pd.DataFrame(
            {
                "code": ranking["code"],
                "name": ranking["group"],
                "value": ranking["value"],
                "label": ranking["display"],
            }
        )
    if level == "council":
        c = councils(con)
        if layer == "upper_tier":
            keep = c["council_type"] != "district"
        else:
            keep = c["council_type"] != "county"
        merged = c[keep][["council_code", "name"]].merge(
            ranking[["code", "value", "display"]],
            left_on="council_code",
            right_on="code",
            how="left",
        )
        return pd.DataFrame(
            {
                "code": merged["council_code"],
                "name": merged["name"],
                "value": merged["value"],
                "label": merged["display"].fillna("no data"),
            }
        )
    column = "footprint_code" if level == "footprint" else "centre"
    rows = con.execute(
        "SELECT council_code, name, "
        + column
        + " AS gcode, "
        + _LEVEL_COLUMN[level]
        + " AS gname FROM councils WHERE end_date IS NULL AND council_type <> 'county'"
    ).df()
    merged = rows.merge(
        ranking[["code", "value", "display"]], left_on="gcode", right_on="code", how="left"
    )
    label = [
        f"{g}: {d}" if isinstance(g, str) else "not in a " + level
        for g, d in zip(merged["gname"], merged["display"].fillna("no data"))
    ]
    return pd.DataFrame(
        {
            "code": merged["council_code"],
            "name": merged["name"],
            "value": merged["value"],
            "label": label,
        }
    )


def group_trends(
    con, measure_id: str, level: str, up_to: str, config=None
) -> dict[str, list[tuple[str, float]]]:
    """Each group's series of the measure, oldest first: {group: [(quarter, value)]}."""
    from metrics import summary as msummary

    if level not in _LEVEL_COLUMN:
        raise ValueError(f"trends are by region, footprint or centre, not {level!r}")
    s = msummary.series(con, measure_id, by=level, up_to=up_to, config=_cfg(config))
    out: dict[str, list[tuple[str, float]]] = {}
    for group, part in s.sort_values("quarter").groupby("group", sort=True):
        out[str(group)] = [(qq, _num(v)) for qq, v in zip(part["quarter"], part["value"])]
    return out


def series_range(
    series: dict[str, list[tuple[str, float]]], floor_zero: bool = False
) -> list[float] | None:
    """One y range for small multiples (so panels compare), padded by 5%; None without values."""
    values = [v for pts in series.values() for _, v in pts if v is not None]
    if not values:
        return None
    lo, hi = min(values), max(values)
    if floor_zero:
        lo = min(lo, 0.0)
    pad = (hi - lo) * 0.05 or max(abs(hi) * 0.05, 0.5)
    return [lo - pad, hi + pad]


def compare_footprints(
    con, measure_id: str, footprint_codes: tuple, up_to: str, config=None
) -> dict[str, list[tuple[str, float]]]:
    """Two to four footprints' series against England: {name: [(quarter, value)]}."""
    from metrics import summary as msummary

    cfg = _cfg(config)
    names = dict(
        con.execute(
            "SELECT DISTINCT footprint_code, footprint_name FROM councils WHERE end_date IS NULL "
            "AND list_contains(?, footprint_code)",
            [list(footprint_codes)],
        ).fetchall()
    )
    by_group = msummary.series(con, measure_id, by="footprint", up_to=up_to, config=cfg)
    national = msummary.series(con, measure_id, up_to=up_to, config=cfg)
    out: dict[str, list[tuple[str, float]]] = {}
    for code in footprint_codes:
        name = names.get(code)
        if name is None:
            continue
        part = by_group[by_group["group"] == name].sort_values("quarter")
        out[name] = [(qq, _num(v)) for qq, v in zip(part["quarter"], part["value"])]
    national = national.sort_values("quarter")
    out["England"] = [(qq, _num(v)) for qq, v in zip(national["quarter"], national["value"])]
    return out


def _num(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


# ---------------------------------------------------------------- council profile

PROFILE_SERIES = {
    "data_maturity": ("Data maturity (1 to 5)", "score"),
    "standards_adopted": ("Core standards adopted or audited", "count"),
    "sme_share": ("Digital spend with SMEs", "percent"),
    "workforce_share": ("Digital workforce from under-represented groups", "percent"),
}
SCOPES = ("council", "region", "type", "england")


def council_info(con, council_code: str) -> dict | None:
    rows = con.execute(
        "SELECT council_code, name, official_name, council_type, region_code, region_name, "
        "footprint_code, footprint_name, centre, end_date FROM councils WHERE council_code = ?",
        [council_code],
    ).df()
    return None if rows.empty else rows.iloc[0].to_dict()


def scope_labels(info: dict) -> dict[str, str]:
    """Legend names of the four profile lines for a council (from council_info)."""
    kind = str(info.get("council_type") or "")
    plural = geography.COUNCIL_TYPES
    return {
        "council": str(info.get("name")),
        "region": f"{info.get('region_name')} (region)",
        "type": f"All {plural.get(kind, kind)}",
        "england": "England",
    }


def council_options(con) -> dict[str, str]:
    """Council code -> "Name (type)" for the searchable picker, by name."""
    rows = con.execute(
        "SELECT council_code, name, council_type FROM councils WHERE end_date IS NULL "
        "ORDER BY name, council_code"
    ).fetchall()
    return {code: f"{name} ({kind})" for code, name, kind in rows}


def footprint_options(con) -> dict[str, str]:
    """Footprint code -> "Name (n councils)"."""
    rows = con.execute(
        "SELECT footprint_code, footprint_name, count(*) FROM councils WHERE end_date IS NULL "
        "AND footprint_code IS NOT NULL GROUP BY ALL ORDER BY footprint_name"
    ).fetchall()
    return {code: f"{name} ({n} councils)" for code, name, n in rows}


def council_series(con, council_code: str, up_to: str, config=None) -> pd.DataFrame:
    """The council's returns per quarter against its region, councils of its type and England.

    Each point is what was reported in that quarter (no carrying forward): data maturity
    (mean), core standards adopted or audited (mean count per reporting council), SME
    share of digital spend (ratio of sums) and the under-represented share of the digital
    workforce (ratio of sums; "<5" when it rests on fewer than five people).

    Long form: series, scope (council/region/type/england), quarter, value, display,
    reporting (councils the point rests on).
    """
    cfg = _cfg(config)
    ids = cfg.core_standard_ids
    scope_sql = (
        "WITH c AS (SELECT council_code, region_code, council_type FROM councils WHERE end_date IS NULL), "
        "me AS (SELECT region_code, council_type FROM councils WHERE council_code = ?), "
        "r AS ({rows}), "
        "scoped AS ("
        " SELECT 'council' AS scope, r.* FROM r WHERE council_code = ? UNION ALL"
        " SELECT 'region', r.* FROM r WHERE region_code = (SELECT region_code FROM me) UNION ALL"
        " SELECT 'type', r.* FROM r WHERE council_type = (SELECT council_type FROM me) UNION ALL"
        " SELECT 'england', r.* FROM r) "
        "SELECT scope, quarter, {agg} FROM scoped GROUP BY scope, quarter ORDER BY scope, quarter"
    )
    survey_rows = (
        "SELECT s.council_code, c.region_code, c.council_type, s.quarter, s.data_maturity, "
        "CASE WHEN s.digital_spend_gbp > 0 AND s.sme_spend_gbp IS NOT NULL THEN s.sme_spend_gbp END AS sme, "
        "CASE WHEN s.digital_spend_gbp > 0 AND s.sme_spend_gbp IS NOT NULL THEN s.digital_spend_gbp END AS dig, "
        "st.n AS standards FROM survey s JOIN c USING (council_code) LEFT JOIN ("
        " SELECT council_code, quarter, count(*) FILTER (WHERE list_contains(?, status) "
        " AND list_contains(?, standard_id)) AS n FROM survey_standards GROUP BY ALL) st "
        "USING (council_code, quarter) WHERE s.quarter <= ?"
    )
    survey_agg = (
        "avg(data_maturity) AS data_maturity, count(data_maturity) AS n_dm, "
        "avg(standards) AS standards_adopted, count(standards) AS n_std, "
        "100.0 * sum(sme) / sum(dig) AS sme_share, count(sme) AS n_sme"
    )
    sql = scope_sql.format(rows=survey_rows, agg=survey_agg)
    s = con.execute(sql, [council_code, list(ADOPTED), ids, up_to, council_code]).df()
    wf_rows = (
        "SELECT w.council_code, c.region_code, c.council_type, w.quarter, "
        "sum(w.underrepresented) AS u, sum(w.headcount) AS h FROM workforce w "
        "JOIN c USING (council_code) WHERE w.quarter <= ? GROUP BY ALL"
    )
    wf_agg = (
        "100.0 * sum(u) / sum(h) AS workforce_share, sum(u) AS u, sum(h) AS h, count(*) AS n_wf"
    )
    w = con.execute(
        scope_sql.format(rows=wf_rows, agg=wf_agg), [council_code, up_to, council_code]
    ).df()
    parts = []
    for key, count_col in (
        ("data_maturity", "n_dm"),
        ("standards_adopted", "n_std"),
        ("sme_share", "n_sme"),
    ):
        part = s[s[count_col] > 0]
        unit = PROFILE_SERIES[key][1]
        parts.append(
            pd.DataFrame(
                {
                    "series": key,
                    "scope": part["scope"],
                    "quarter": part["quarter"],
                    "value": part[key].astype(float),
                    "display": [_fmt(v, unit) for v in part[key]],
                    "reporting": part[count_col].astype(int),
                }
            )
        )
    wp = w[w["h"] > 0]
    display = [
        disclosure.disclose(_fmt(v, "percent"), rests_on=(u, h))
        for v, u, h in zip(wp["workforce_share"], wp["u"], wp["h"])
    ]
    values = [
        float("nan") if d == disclosure.SUPPRESSED else float(v)
        for v, d in zip(wp["workforce_share"], display)
    ]
    parts.append(
        pd.DataFrame(
            {
                "series": "workforce_share",
                "scope": wp["scope"],
                "quarter": wp["quarter"],
                "value": values,
                "display": display,
                "reporting": wp["n_wf"].astype(int),
            }
        )
    )
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["series", "scope", "quarter"]).reset_index(drop=True)


def profile_lines(
    series: pd.DataFrame, key: str, labels: dict[str, str]
) -> dict[str, list[tuple[str, float]]]:
    """One profile series as {scope label: [(quarter, value)]}, in the order of SCOPES,
    for metrics.figures.lines (suppressed points are gaps)."""
    part = series[series["series"] == key]
    out = {}
    for scope in SCOPES:
        p = part[part["scope"] == scope]
        if len(p):
            out[labels[scope]] = [(qq, _num(v)) for qq, v in zip(p["quarter"], p["value"])]
    return out


def profile_table(series: pd.DataFrame, key: str, labels: dict[str, str]) -> pd.DataFrame:
    """One profile series as a table: quarter rows, one column per scope (display text)."""
    part = series[series["series"] == key]
    wide = part.pivot(index="quarter", columns="scope", values="display")
    wide = wide[[s for s in SCOPES if s in wide.columns]].rename(columns=labels)
    return wide.reset_index().rename(columns={"quarter": "Quarter"}).fillna("")


def standards_status(con, council_code: str, as_of: str, config=None) -> pd.DataFrame:
    """The seven core standards with the council's latest status (at or before ``as_of``)
    and the quarter it was reported in; "not reported" when never."""
    cfg = _cfg(config)
    std = pd.DataFrame(
        {
            "standard_id": [s.id for s in cfg.core_standards],
            "standard": [s.title for s in cfg.core_standards],
        }
    )
    latest = con.execute(
        "SELECT standard_id, status, quarter FROM ("
        " SELECT standard_id, status, quarter, row_number() OVER (PARTITION BY standard_id ORDER BY quarter DESC) rn"
        " FROM survey_standards WHERE council_code = ? AND quarter <= ?) WHERE rn = 1",
        [council_code, as_of],
    ).df()
    out = std.merge(latest, on="standard_id", how="left")
    out["status"] = out["status"].fillna("not reported")
    out["quarter"] = out["quarter"].astype(object).where(out["quarter"].notna(), "")
    stale_from = _window_start(as_of, cfg)
    out["note"] = [
        "" if not qq else ("older than the staleness window" if qq < stale_from else "")
        for qq in out["quarter"]
    ]
    return out[["standard_id", "standard", "status", "quarter", "note"]]


def missing_returns(con, council_code: str, as_of: str, since: str = MISSING_SINCE) -> pd.DataFrame:
    """The survey and workforce returns the council has not sent, from ``since`` to ``as_of``."""
    if as_of < since:
        return pd.DataFrame(columns=["kind", "quarter"])
    got = con.execute(
        "SELECT DISTINCT 'survey' AS kind, quarter FROM survey WHERE council_code = ? UNION "
        "SELECT DISTINCT 'workforce', quarter FROM workforce WHERE council_code = ?",
        [council_code, council_code],
    ).fetchall()
    have = set(got)
    rows = [
        {"kind": k, "quarter": qq}
        for k in REPORTING_KINDS
        for qq in q.between(since, as_of)
        if (k, qq) not in have
    ]
    return pd.DataFrame(rows, columns=["kind", "quarter"])


# ---------------------------------------------------------------- coverage

_KIND_TABLE = {"survey": "survey", "workforce": "workforce"}


def coverage(con, up_to: str, since: str = MISSING_SINCE) -> pd.DataFrame:
    """Per kind and quarter: councils in scope that reported, of all councils in scope.

    Columns: kind, quarter, reporting, total, percent.
    """
    total = con.execute("SELECT count(*) FROM councils WHERE end_date IS NULL").fetchall()[0][0]
    got = con.execute(
        "SELECT 'survey' AS kind, quarter, count(DISTINCT council_code) AS reporting FROM survey "
        "WHERE quarter BETWEEN ? AND ? AND council_code IN (SELECT council_code FROM councils WHERE end_date IS NULL) "
        "GROUP BY quarter UNION ALL "
        "SELECT 'workforce', quarter, count(DISTINCT council_code) FROM workforce "
        "WHERE quarter BETWEEN ? AND ? AND council_code IN (SELECT council_code FROM councils WHERE end_date IS NULL) "
        "GROUP BY quarter",
        [since, up_to, since, up_to],
    ).df()
    grid = (
        pd.DataFrame(
            [(k, qq) for k in REPORTING_KINDS for qq in q.between(since, up_to)],
            columns=["kind", "quarter"],
        )
        if up_to >= since
        else pd.DataFrame(columns=["kind", "quarter"])
    )
    out = grid.merge(got, on=["kind", "quarter"], how="left")
    out["reporting"] = out["reporting"].fillna(0).astype(int)
    out["total"] = int(total)
    out["percent"] = (100.0 * out["reporting"] / total) if total else float("nan")
    return out


def coverage_by_region(con, kind: str, up_to: str, since: str = MISSING_SINCE) -> pd.DataFrame:
    """Coverage of one kind by region and quarter (long form): region, quarter, reporting,
    total, percent. Every region and quarter appears, with 0 when nobody reported."""
    table = _KIND_TABLE[kind]
    regions = con.execute(
        "SELECT region_name AS region, count(*) AS total FROM councils WHERE end_date IS NULL "
        "GROUP BY region_name ORDER BY region_name"
    ).df()
    got = con.execute(
        "SELECT c.region_name AS region, t.quarter, count(DISTINCT t.council_code) AS reporting FROM "
        + table
        + " t JOIN councils c USING (council_code) WHERE c.end_date IS NULL "
        "AND t.quarter BETWEEN ? AND ? GROUP BY ALL",
        [since, up_to],
    ).df()
    quarters = q.between(since, up_to) if up_to >= since else []
    grid = regions.merge(pd.DataFrame({"quarter": quarters}), how="cross")
    out = grid.merge(got, on=["region", "quarter"], how="left")
    out["reporting"] = out["reporting"].fillna(0).astype(int)
    out["percent"] = 100.0 * out["reporting"] / out["total"]
    return out[["region", "quarter", "reporting", "total", "percent"]]


def coverage_grid(
    by_region: pd.DataFrame,
) -> tuple[list[str], list[str], list[list[float]], list[list[str]]]:
    """The heatmap's axes and cells from coverage_by_region: (regions, quarters,
    percent[region][quarter], text[region][quarter] like '67%'; short enough to read in
    a phone's narrow cells; the counts are in coverage_by_region's table)."""
    regions = sorted(by_region["region"].unique())
    quarters = sorted(by_region["quarter"].unique())
    cell = {
        (r, qq): (p, n, t)
        for r, qq, p, n, t in zip(
            by_region["region"],
            by_region["quarter"],
            by_region["percent"],
            by_region["reporting"],
            by_region["total"],
        )
    }
    z = [[cell[(r, qq)][0] for qq in quarters] for r in regions]
    text = [[f"{cell[(r, qq)][0]:.0f}%" for qq in quarters] for r in regions]
    return regions, quarters, z, text


def coverage_at(con, quarter: str) -> list[dict]:
    """The quarter shown, one dict per kind: kind, reporting, total, percent, text
    ("237 of 317 (75%)")."""
    df = coverage(con, quarter, since=quarter)
    out = []
    for k, r, t, p in zip(df["kind"], df["reporting"], df["total"], df["percent"]):
        pct = float(p) if p == p else 0.0
        out.append(
            {
                "kind": k,
                "reporting": int(r),
                "total": int(t),
                "percent": pct,
                "text": f"{int(r)} of {int(t)} ({pct:.0f}%)",
            }
        )
    return out


def coverage_lines(
    con, up_to: str, since: str = MISSING_SINCE
) -> dict[str, list[tuple[str, float]]]:
    """Percent of councils reporting, per kind: {kind: [(quarter, percent)]}."""
    df = coverage(con, up_to, since)
    return {
        k: [(qq, float(p)) for qq, p in zip(part["quarter"], part["percent"])]
        for k, part in df.groupby("kind", sort=False)
    }


def coverage_heatmap(con, kind: str, up_to: str, since: str = MISSING_SINCE):
    """coverage_grid(coverage_by_region(...)): (regions, quarters, percent, text)."""
    by_region = coverage_by_region(con, kind, up_to, since)
    if by_region.empty:
        return [], [], [], []
    return coverage_grid(by_region)


def missing_for_quarter(con, kind: str, quarter: str) -> pd.DataFrame:
    """Councils in scope with no ``kind`` return for ``quarter``, and their latest one."""
    table = _KIND_TABLE[kind]
    return con.execute(
        "SELECT c.name AS council, c.council_code, c.council_type, c.region_name AS region, "
        "(SELECT max(t.quarter) FROM " + table + " t WHERE t.council_code = c.council_code "
        " AND t.quarter <= ?) AS latest_return "
        "FROM councils c WHERE c.end_date IS NULL AND NOT EXISTS ("
        " SELECT 1 FROM " + table + " t WHERE t.council_code = c.council_code AND t.quarter = ?) "
        "ORDER BY c.region_name, c.name",
        [quarter, quarter],
    ).df()


def stale_values(con, kind: str, as_of: str, config=None) -> pd.DataFrame:
    """Councils whose latest ``kind`` return is older than ``as_of``.

    Columns: council, council_code, region, latest_return, quarters_old, state
    ('carried forward' when within the staleness window, 'too old: not counted' beyond
    it, 'never reported'), oldest first.
    """
    cfg = _cfg(config)
    df = missing_for_quarter(con, kind, as_of)
    ages = [
        q.index(as_of) - q.index(x) if isinstance(x, str) else None for x in df["latest_return"]
    ]
    df["quarters_old"] = pd.array(ages, dtype="Int64")
    df["state"] = [
        "never reported"
        if a is None
        else ("carried forward" if a <= cfg.staleness_quarters else "too old: not counted")
        for a in ages
    ]
    df["latest_return"] = df["latest_return"].astype(object).where(df["latest_return"].notna(), "")
    order = {"carried forward": 0, "too old: not counted": 1, "never reported": 2}
    df = df.sort_values(
        by=["state", "quarters_old", "council"],
        key=lambda s: s.map(order) if s.name == "state" else s,
    )
    return df[
        ["council", "council_code", "region", "latest_return", "quarters_old", "state"]
    ].reset_index(drop=True)


def data_quarters(con) -> list[str]:
    """Quarters that hold any survey or workforce return, oldest first."""
    rows = con.execute(
        "SELECT DISTINCT quarter FROM survey UNION SELECT DISTINCT quarter FROM workforce "
        "ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]
