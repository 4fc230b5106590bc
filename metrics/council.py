"""The council profile: one council's returns over time against councils like it (the
same type, nearest in population), its region and England; its core standards; the
returns it has not sent.

"Councils like it": the councils in scope of the same type whose 2020 population
estimate (the reference register's ``pop-2020``, from ONS) is nearest its own, on a
ratio scale (a council of 100,000 is as near one of 50,000 as one of 200,000). Without
population figures (no reference folder) they are all the councils of its type, and the
label says so.
"""

from __future__ import annotations

import csv
import math
import threading
from pathlib import Path

import pandas as pd

from domain import geography
from domain.standards import ADOPTED
from metrics import config as mconfig
from metrics import disclosure
from metrics.coverage import MISSING_SINCE, REPORTING_KINDS
from metrics.progress import number_or_none as _num
from metrics.progress import shown_value as _fmt
from store import paths
from store import quarters as q

LIKE_IT = 5  # how many councils "like it" the profile draws


# ---------------------------------------------------------------- councils like it

_POPULATION: dict[tuple[str, float], dict[str, float]] = {}
_LOCK = threading.Lock()


def populations(reference_dir=None) -> dict[str, float]:
    """GSS code -> 2020 population estimate, from the reference register (cached per file;
    {} when there is no reference folder)."""
    try:
        path = Path(paths.reference_dir(reference_dir)) / paths.COUNCILS_CSV
        key = (str(path), path.stat().st_mtime)
    except (paths.ReferenceDataMissing, OSError):
        return {}
    with _LOCK:
        if key in _POPULATION:
            return _POPULATION[key]
    out: dict[str, float] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pop = _num(row.get("pop-2020"))
            if pop and row.get("gss-code"):
                out[row["gss-code"].strip()] = pop
    with _LOCK:
        _POPULATION.clear()
        _POPULATION[key] = out
    return out


def one_council(kind: str) -> str:
    """A council of a type, in words: 'unitary council', 'London borough'."""
    return {"county": "county council", "district": "district council"}.get(
        kind, "unitary council" if kind == "unitary" else kind
    )


def similar_councils(con, council_code: str, n: int = LIKE_IT) -> tuple[list[str], str]:
    """The ``n`` councils in scope of the same type nearest the council in population, and
    how they were chosen in words ("5 unitary councils nearest in population (2020
    estimates)"). Without population figures: every council of its type."""
    info = council_info(con, council_code) or {}
    kind = str(info.get("council_type") or "")
    plural = geography.COUNCIL_TYPES.get(kind, kind)
    others = [
        r[0]
        for r in con.execute(
            "SELECT council_code FROM councils WHERE end_date IS NULL AND council_type = ? "
            "AND council_code <> ? ORDER BY council_code",
            [kind, council_code],
        ).fetchall()
    ]
    if not others:
        return [], f"no other {one_council(kind)} to compare with"
    pop = populations()
    own = pop.get(council_code)
    sized = [c for c in others if c in pop]
    if own is None or not sized:
        return (
            others,
            f"all {len(others)} other {plural} (no population figures to find the nearest)",
        )
    near = sorted(sized, key=lambda c: (abs(math.log(pop[c] / own)), c))[:n]
    which = f"the {one_council(kind)}" if len(near) == 1 else f"the {len(near)} {plural}"
    return near, f"{which} nearest in population (2020 estimates)"


PROFILE_SERIES = {
    "data_maturity": ("Data maturity (1 to 5)", "score"),
    "standards_adopted": ("Core standards adopted or audited", "count"),
    "sme_share": ("Digital spend with SMEs", "percent"),
    "workforce_share": ("Digital workforce from under-represented groups", "percent"),
}
# The lines of each profile chart: the council, councils like it, its region, England.
SCOPES = ("council", "similar", "region", "england")


PROFILE_SERIES_UNITS = {title: unit for title, unit in PROFILE_SERIES.values()}


def council_names(con, codes: list[str]) -> list[str]:
    """The names of councils, in the order of ``codes``."""
    if not codes:
        return []
    names = dict(
        con.execute(
            "SELECT council_code, name FROM councils WHERE list_contains(?, council_code)",
            [list(codes)],
        ).fetchall()
    )
    return [names[c] for c in codes if c in names]


def council_info(con, council_code: str) -> dict | None:
    rows = con.execute(
        "SELECT council_code, name, official_name, council_type, region_code, region_name, "
        "footprint_code, footprint_name, centre, end_date FROM councils WHERE council_code = ?",
        [council_code],
    ).df()
    return None if rows.empty else rows.iloc[0].to_dict()


def scope_labels(info: dict, similar: int | None = None) -> dict[str, str]:
    """Legend names of the profile lines for a council (from council_info); ``similar``:
    how many councils like it the line rests on."""
    kind = str(info.get("council_type") or "")
    plural = geography.COUNCIL_TYPES.get(kind, kind)
    one = one_council(kind)
    like = (
        f"{similar} {plural if similar != 1 else one} like it"
        if similar
        else f"{plural[:1].upper()}{plural[1:]} like it"
    )
    return {
        "council": str(info.get("name")),
        "similar": like[:1].upper() + like[1:],
        "region": f"{info.get('region_name')} (region)",
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


def council_series(
    con, council_code: str, up_to: str, config=None, similar: list[str] | None = None
) -> pd.DataFrame:
    """The council's returns per quarter against councils like it, its region and England.

    Each point is what was reported in that quarter (no carrying forward): data maturity
    (mean), core standards adopted or audited (mean count per reporting council), SME
    share of digital spend (ratio of sums) and the under-represented share of the digital
    workforce (ratio of sums; "<5" when it rests on fewer than five people).

    ``similar``: the councils like it (default: similar_councils). A quarter in which no
    council of a scope reported has no point (a gap), never 0.

    Long form: series, scope (council/similar/region/england), quarter, value, display,
    reporting (councils the point rests on).
    """
    cfg = config or mconfig.load()
    like = similar_councils(con, council_code)[0] if similar is None else list(similar)
    ids = cfg.core_standard_ids
    scope_sql = (
        "WITH c AS (SELECT council_code, region_code, council_type FROM councils WHERE end_date IS NULL), "
        "me AS (SELECT region_code, council_type FROM councils WHERE council_code = ?), "
        "r AS ({rows}), "
        "scoped AS ("
        " SELECT 'council' AS scope, r.* FROM r WHERE council_code = ? UNION ALL"
        " SELECT 'similar', r.* FROM r WHERE list_contains(?, council_code) UNION ALL"
        " SELECT 'region', r.* FROM r WHERE region_code = (SELECT region_code FROM me) UNION ALL"
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
    s = con.execute(sql, [council_code, list(ADOPTED), ids, up_to, council_code, like or [""]]).df()
    wf_rows = (
        "SELECT w.council_code, c.region_code, c.council_type, w.quarter, "
        "sum(w.underrepresented) AS u, sum(w.headcount) AS h FROM workforce w "
        "JOIN c USING (council_code) WHERE w.quarter <= ? GROUP BY ALL"
    )
    wf_agg = (
        "100.0 * sum(u) / sum(h) AS workforce_share, sum(u) AS u, sum(h) AS h, count(*) AS n_wf"
    )
    w = con.execute(
        scope_sql.format(rows=wf_rows, agg=wf_agg),
        [council_code, up_to, council_code, like or [""]],
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
) -> dict[str, list[tuple[str, float | None]]]:
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
    """One profile series as a table: quarter rows, one column per scope (display text);
    a scope with no return in a quarter says "not reported" (never 0)."""
    part = series[series["series"] == key]
    wide = part.pivot(index="quarter", columns="scope", values="display")
    wide = wide[[s for s in SCOPES if s in wide.columns]].rename(columns=labels)
    return wide.reset_index().rename(columns={"quarter": "Quarter"}).fillna("not reported")


def standards_status(con, council_code: str, as_of: str, config=None) -> pd.DataFrame:
    """The seven core standards with the council's latest status (at or before ``as_of``)
    and the quarter it was reported in; "not reported" when never."""
    cfg = config or mconfig.load()
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
    stale_from = q.shift(as_of, -cfg.staleness_quarters)
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
