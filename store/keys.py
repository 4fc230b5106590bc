"""A key that ends in a choice column (workforce: council, quarter, role family): the
staged rows grouped once by the rest of the key as written, then by the resolved values
(KEY_GROUPS), so that no other pass groups all the rows."""

from __future__ import annotations

from store.columns import Column
from store.kinds import Kind
from store.stage import STAGE
from store.value_sql import _lit

KEY_GROUPS = "_key_groups"  # see _group_keys
_KEY_RAW = "_key_raw"


def _groupable(kind: Kind, columns: list[Column], col_of: dict[str, str]) -> Column | None:
    """The key's last column when the key ends in a choice column (workforce:
    role_family) and every key column is required and in the file; else None."""
    key = kind.key
    last = next((c for c in columns if c.name == key[-1]), None) if key else None
    if (
        last is None
        or last.type != "enum"
        or not 0 < len(last.choices) <= 63
        or len(key) < 2
        or not all(k in col_of for k in key)
    ):
        return None
    by_name = {c.name: c for c in columns}
    if not all(by_name[k].required for k in key):
        return None
    return last


def _group_keys(con, kind: Kind, columns: list[Column], col_of: dict[str, str]) -> bool:
    """For a key ending in a choice column: the staged rows grouped once by the rest of
    the key as written (_KEY_RAW: _rows data rows, _n of them with a valid choice, _b a
    bit per choice seen). The maps take their spellings from it and _regroup_keys turns
    it into KEY_GROUPS by the resolved values, so no other pass groups all the rows."""
    last = _groupable(kind, columns, col_of)
    if last is None:
        return False
    choices = "[" + ", ".join(_lit(x) for x in last.choices) + "]"
    bit = f"(CAST(1 AS UBIGINT) << (list_position({choices}, {last.name}) - 1))"
    rest = ", ".join(kind.key[:-1])
    sql = (
        f"CREATE OR REPLACE TEMP TABLE {_KEY_RAW} AS SELECT {rest}, "
        f"count(*) FILTER (WHERE NOT _blank) AS _rows, "
        f"count({last.name}) FILTER (WHERE NOT _blank) AS _n, "
        f"bit_or({bit}) FILTER (WHERE NOT _blank) AS _b FROM {STAGE} GROUP BY {rest}"
    )
    con.execute(sql)
    return True


_MAPPED = {
    "council": ("_cmap", "code"),
    "quarter": ("_qmap", "CASE WHEN {m}.status = 'ok' THEN {m}.q END"),
    "region": ("_rmap", "code"),
}


def _regroup_keys(con, kind: Kind, columns: list[Column], changed: set[str]) -> None:
    """KEY_GROUPS: _KEY_RAW by the resolved values of its columns (those that do not
    resolve left out, as the rules over _typed leave them out). ``changed``: the columns
    _resolve changed; when none of these is, every value resolved to itself and the
    groups are _KEY_RAW's."""
    by_name = {c.name: c for c in columns}
    if not changed & set(kind.key[:-1]):
        rest = kind.key[:-1]
        sql = (
            f"CREATE OR REPLACE TEMP VIEW {KEY_GROUPS} AS SELECT {', '.join(rest)}, _rows, _n, _b "
            f"FROM {_KEY_RAW} WHERE {' AND '.join(f'{k} IS NOT NULL' for k in rest)}"
        )
        con.execute(sql)
        return
    sel, joins, where = [], [], []
    for i, k in enumerate(kind.key[:-1]):
        c = by_name[k]
        if c.type in _MAPPED:
            table, value = _MAPPED[c.type]
            m = f"m{i}"
            expr = value.format(m=m) if "{m}" in value else f"{m}.{value}"
            joins.append(f"LEFT JOIN {table} {m} ON {m}.v = g.{k}")
        else:
            expr = f"g.{k}"
        sel.append(f"{expr} AS {k}")
        where.append(f"{expr} IS NOT NULL")
    sql = (
        f"CREATE OR REPLACE TEMP TABLE {KEY_GROUPS} AS SELECT {', '.join(sel)}, "
        f"CAST(sum(g._rows) AS BIGINT) AS _rows, CAST(sum(g._n) AS BIGINT) AS _n, bit_or(g._b) AS _b "
        f"FROM {_KEY_RAW} g {' '.join(joins)} WHERE {' AND '.join(where)} GROUP BY ALL"
    )
    con.execute(sql)
