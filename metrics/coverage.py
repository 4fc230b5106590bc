"""Data coverage: which councils sent each kind of return in each quarter, by region;
the missing returns of a quarter; the values carried forward (the Data coverage page and
the board pack's coverage section).

Councils in scope: ``councils.end_date IS NULL``. A council's latest value is carried
forward at most ``staleness_quarters`` quarters (metrics.config). Coverage is a count of
councils that sent a return: 0 of 317 in a quarter nobody reported is a real 0 (the
returns were due), unlike a measure's value, which has none in such a quarter.
"""

from __future__ import annotations

import pandas as pd

from metrics import config as mconfig
from store import quarters as q

REPORTING_KINDS = ("survey", "workforce")  # the returns every council sends each quarter
MISSING_SINCE = "2025-Q2"


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
    cfg = config or mconfig.load()
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
