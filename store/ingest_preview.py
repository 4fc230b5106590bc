"""What an upload would change, per quarter and region: its replace-by keys (KEYS), the
rows it adds, and the stored rows they replace (the preview every check and load
reports, counted again inside the write transaction)."""

from __future__ import annotations

import pandas as pd

from store import kinds as _kinds
from store.ingest_report import Report
from store.keys import KEY_GROUPS
from store.typed import TYPED

KEYS = "_upload_keys"
_ADDED = "_upload_added"

# For the preview: which column gives a row's quarter, and which its region.
# (quarter column, council column, region-code column)
_PREVIEW = {
    "survey": ("quarter", "council_code", None),
    "workforce": ("quarter", "council_code", None),
    "exchanges": ("quarter", "lead_council_code", None),
    "placements": ("start_quarter", "council_code", None),
    "milestones": ("quarter", None, "region_code"),
    "councils": (None, None, "region_code"),
    "delivery": ("quarter", None, None),  # an action has no region
}


def _count(report: Report) -> None:
    report.rows_added = int(report.changes["rows_added"].sum()) if len(report.changes) else 0
    report.rows_replaced = int(report.changes["rows_replaced"].sum()) if len(report.changes) else 0


def _match(kind: _kinds.Kind, alias: str) -> str:
    """SQL condition: a stored row (alias) is replaced by some row of the upload."""
    if kind.replaces_all:
        return "true"
    cond = " AND ".join(f"n.{c} = {alias}.{c}" for c in kind.replace_by)
    return f"EXISTS (SELECT 1 FROM {KEYS} n WHERE {cond})"


def _counted(kind: _kinds.Kind) -> bool:
    """Is the preview's quarter and council part of the replace-by key (survey,
    workforce)? Then the key table counts the upload's rows and the preview reads it,
    not every row again."""
    qcol, ccol, rcol = _PREVIEW[kind.name]
    return rcol is None and qcol in kind.replace_by and ccol in kind.replace_by


def _make_keys(con, kind: _kinds.Kind, key_groups: bool = False) -> None:
    """The distinct replace-by keys of the upload (far fewer than its rows), with the
    number of rows of each (_n). When validation grouped the rows by exactly these
    columns (store.validate.KEY_GROUPS, workforce), from those groups."""
    cols = ", ".join(kind.replace_by)
    if key_groups and list(kind.replace_by) == kind.key[:-1]:
        sql = (
            f"CREATE OR REPLACE TEMP TABLE {KEYS} AS SELECT {cols}, _rows AS _n FROM {KEY_GROUPS} "
            "WHERE _rows > 0"
        )
    else:
        sql = f"CREATE OR REPLACE TEMP TABLE {KEYS} AS SELECT {cols}, count(*) AS _n FROM {TYPED} GROUP BY ALL"
    con.execute(sql)


def _grouped(kind: _kinds.Kind, src: str, alias: str, n: str = "count(*)") -> str:
    """Rows of ``src`` counted per quarter and region (the preview's grouping)."""
    qcol, ccol, rcol = _PREVIEW[kind.name]
    q = f"{alias}.{qcol}" if qcol else "CAST(NULL AS VARCHAR)"
    if ccol:
        region = "c.region_name"
        join = f"LEFT JOIN councils c ON c.council_code = {alias}.{ccol}"
    elif rcol is None:
        region, join = "CAST(NULL AS VARCHAR)", ""
    else:
        region = (
            f"coalesce(g.region_name, {alias}.region_code)"
            if kind.name != "councils"
            else f"{alias}.region_name"
        )
        join = f"LEFT JOIN regions g ON g.region_code = {alias}.{rcol}"
    return (
        f"SELECT {q} AS quarter, coalesce({region}, '(no region)') AS region_name, "
        f"{n} AS n FROM {src} {alias} {join} GROUP BY ALL"
    )


def _added_sql(kind: _kinds.Kind) -> str:
    """The upload's rows per quarter and region (run where the file was checked)."""
    return _grouped(kind, KEYS, "t", "sum(t._n)") if _counted(kind) else _grouped(kind, TYPED, "t")


def _preview(con, kind: _kinds.Kind) -> pd.DataFrame:
    """What the upload will change, per quarter and region (with the upload's keys and
    added rows in ``con``'s temp tables: see _put)."""
    replaced = _grouped(kind, f"(SELECT * FROM {kind.table} s WHERE {_match(kind, 's')})", "r")
    sql = (
        f"SELECT coalesce(a.quarter, b.quarter) AS quarter, "
        f"coalesce(a.region_name, b.region_name) AS region_name, "
        f"CAST(coalesce(a.n, 0) AS BIGINT) AS rows_added, CAST(coalesce(b.n, 0) AS BIGINT) AS rows_replaced "
        f"FROM {_ADDED} a FULL OUTER JOIN ({replaced}) b "
        f"ON a.quarter IS NOT DISTINCT FROM b.quarter AND a.region_name = b.region_name "
        f"ORDER BY quarter NULLS FIRST, region_name"
    )
    return con.execute(sql).df()
