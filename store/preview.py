"""A dry run's preview beyond the counts (store.ingest): the first rows of the file as
parsed, and the first stored rows it replaces beside the file's rows of the same key,
value by value. Both read the staging database the file was checked in; the stored rows
come from the database (a few, by key)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from store import kinds as _kinds
from store import schema
from store.plausibility import number_text
from store.validate import TYPED

if TYPE_CHECKING:  # (pandas is imported by the functions: a load needs none of this)
    import pandas as pd

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
