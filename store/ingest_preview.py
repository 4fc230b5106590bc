"""What an upload would change: the preview of a check or a load.

Every check and load: per quarter and region, the rows the upload adds and the stored
rows they replace (through its replace-by keys, KEYS; counted again inside the write
transaction). A dry run also looks closer (look_closer): the first rows of the file as
parsed (sample), the first stored rows it replaces beside the file's rows of the same
key, value by value (compare), and the checks against each council's previous return
(store.plausibility). Those read the staging database the file was checked in; the
stored rows come from the database (a few, by key). pandas only where a frame is built:
a load needs none of this.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.plausibility import PlausibilityError
from store import kinds as _kinds
from store import plausibility, schema
from store.ingest_report import Report
from store.keys import KEY_GROUPS
from store.plausibility import number_text
from store.problems import Problem
from store.scratch import handover, parquet_source
from store.typed import TYPED

if TYPE_CHECKING:  # (pandas is imported by the functions that build frames)
    import pandas as pd

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
    report.rows_added = sum(int(r[2]) for r in report.change_rows)
    report.rows_replaced = sum(int(r[3]) for r in report.change_rows)


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


def _preview(con, kind: _kinds.Kind) -> list[tuple]:
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
    return con.execute(sql).fetchall()


# --- a dry run looks closer ------------------------------------------------------------

SAMPLE_ROWS = 20  # rows of the file shown as parsed
COMPARE_ROWS = 20  # replaced stored rows compared value by value with the file's
REMOVED = "(not in the file: removed)"
EMPTY = "(empty)"


def sample(stage, kind: _kinds.Kind, council: str | None) -> pd.DataFrame:
    """The first rows of the file as parsed (typed, councils resolved), with the
    spreadsheet row and, beside a council column, the council's name."""
    import pandas as pd  # noqa: F401 (DuckDB's .df() needs it)

    out = ["t._row AS row"]
    for c in kind.all_columns():
        out.append(f"t.{c.name}")
        if c.name == council:
            out.append("n.name AS council_name")
    join = f"LEFT JOIN councils n ON n.council_code = t.{council}" if council else ""
    sql = (
        f"SELECT {', '.join(out)} FROM (SELECT * FROM {TYPED} ORDER BY _row "
        f"LIMIT {SAMPLE_ROWS}) t {join} ORDER BY t._row"
    )
    return stage.sql(sql).df()


def value_text(v: Any) -> str:
    """A stored or parsed value for people: empty, yes/no, 1,200, a; b."""
    if v is None:
        return EMPTY
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return number_text(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, (list, tuple)):
        return "; ".join(str(x) for x in v) or EMPTY
    return str(v)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return list(a or []) == list(b or [])
    return a == b


def compare(con, stage, kind: _kinds.Kind, replaced: str) -> tuple[pd.DataFrame, int, int]:
    """The first stored rows the file replaces (``replaced``: the SQL condition on a
    stored row ``s``), by key, each beside the file's row of the same key: (a line per
    value that changes: row, key, column, stored, new; rows compared; rows unchanged)."""
    import pandas as pd

    key = kind.key
    stored = [c for c in schema.columns(kind.table) if c != "batch_id"]
    old = con.execute(
        f"SELECT {', '.join(stored)} FROM {kind.table} s WHERE {replaced} "
        f"ORDER BY {', '.join(key)} LIMIT {COMPARE_ROWS}"
    ).fetchall()
    old_rows = [dict(zip(stored, r)) for r in old]
    columns = [c for c in stored if c not in key]
    if kind.has_standards and old_rows:
        std = con.execute(
            "SELECT council_code, quarter, standard_id, status FROM survey_standards "
            "WHERE list_contains(?, council_code || '|' || quarter)",
            [[f"{r['council_code']}|{r['quarter']}" for r in old_rows]],
        ).fetchall()
        ids = _kinds.standard_ids()
        found = {(c, q, sid): status for c, q, sid, status in std}
        for r in old_rows:
            for sid in ids:
                r[f"standard_{sid}"] = found.get((r["council_code"], r["quarter"], sid))
        columns += [f"standard_{sid}" for sid in ids]
    if not old_rows:
        return pd.DataFrame(columns=["row", "key", "column", "stored", "new"]), 0, 0
    keys = pd.DataFrame([{c: r[c] for c in key} for r in old_rows])
    stage.register("_compare_keys", keys)
    try:
        cond = " AND ".join(f"t.{c} = k.{c}" for c in key)
        typed = [c for c in columns if c in {x.name for x in kind.all_columns()}]
        new = stage.execute(
            f"SELECT t._row, {', '.join(f't.{c}' for c in key + typed)} FROM {TYPED} t "
            f"JOIN _compare_keys k ON {cond}"
        ).fetchall()
    finally:
        stage.unregister("_compare_keys")
    new_by_key = {
        tuple(r[1 : 1 + len(key)]): (r[0], dict(zip(typed, r[1 + len(key) :]))) for r in new
    }
    names: dict[str, str] = {}
    if "council_code" in key:
        codes = sorted({r["council_code"] for r in old_rows})
        names = dict(
            con.execute(
                "SELECT council_code, name FROM councils WHERE list_contains(?, council_code)",
                [codes],
            ).fetchall()
        )
    lines = []
    unchanged = 0
    for r in old_rows:
        k = tuple(r[c] for c in key)
        parts = []
        for c in key:
            v = r[c]
            if c == "council_code" and (r.get("name") or names.get(v)):
                parts.append(f"{r.get('name') or names.get(v)} ({v})")
            else:
                parts.append(str(v))
        label = ", ".join(parts)
        if k not in new_by_key:
            lines.append(
                {
                    "row": None,
                    "key": label,
                    "column": key[-1],
                    "stored": value_text(r[key[-1]]),
                    "new": REMOVED,
                }
            )
            continue
        row, values = new_by_key[k]
        diffs = [c for c in typed if not _same(r.get(c), values.get(c))]
        if not diffs:
            unchanged += 1
        for c in diffs:
            lines.append(
                {
                    "row": row,
                    "key": label,
                    "column": c,
                    "stored": value_text(r.get(c)),
                    "new": value_text(values.get(c)),
                }
            )
    frame = pd.DataFrame(lines, columns=["row", "key", "column", "stored", "new"])
    frame["row"] = frame["row"].astype("Int64")
    return frame, len(old_rows), unchanged


_PLAUSIBLE = "_plausible_upload"  # the upload's rows the plausibility checks read


def look_closer(con, stage, kind: _kinds.Kind, report: Report, path: Path) -> None:
    """A dry run's preview beyond the counts (with the upload's keys in ``con``): the first
    rows as parsed, the values that change in the first stored rows the file replaces,
    and the checks against each council's previous return (store.plausibility; the
    upload's rows handed over through the Parquet file ``path``)."""
    report.sample = sample(stage, kind, _PREVIEW[kind.name][1])
    if report.rows_replaced:
        report.comparison, report.compared, report.unchanged = compare(
            con, stage, kind, _match(kind, "s")
        )
    try:
        cols = plausibility.upload_columns(kind)
        if not cols:
            return
        handover(stage, f"SELECT _row, {', '.join(cols)} FROM {TYPED}", path)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_PLAUSIBLE} AS SELECT * FROM {parquet_source(path)}"
        )
        found, hidden = plausibility.check(con, kind, _PLAUSIBLE, KEYS)
    except PlausibilityError as exc:
        message = f"the checks against each council's previous return could not run: {exc}"
        found, hidden = [Problem("warning", None, None, None, message)], 0
    report.problems += found
    report.hidden += hidden
