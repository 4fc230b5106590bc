"""One council's profile: its facts, its returns over time against its region, its type
and England, its standards and the returns it has not sent (moved out of metrics.views,
which keeps the places shapes)."""

from __future__ import annotations

import pandas as pd

from domain import geography
from domain.standards import ADOPTED
from metrics import disclosure
from metrics.views import MISSING_SINCE, REPORTING_KINDS, _cfg, _fmt, _num, _window_start
from store import quarters as q

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
