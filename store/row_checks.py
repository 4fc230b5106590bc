"""The rules over whole rows: a key repeated in the file, and a workforce council and
quarter with both an 'all' row and a breakdown by family (screened cheaply first from
KEY_GROUPS when the key ends in a choice column)."""

from __future__ import annotations

from store.columns import Column
from store.keys import KEY_GROUPS, _groupable
from store.kinds import Kind
from store.problems import MAX_LISTED, Problem, _collect
from store.typed import TYPED


def _screen(
    con, kind: Kind, columns: list[Column], col_of: dict[str, str], grouped: bool = False
) -> tuple[bool, bool]:
    """(may have a repeated key, may mix 'all' with families), cheaply: when the key ends
    in a choice column (workforce: role_family), KEY_GROUPS (a bit per choice seen, per
    rest of the key) answers both (a repeat: fewer bits than rows). Otherwise (True,
    True): the full checks run."""
    last = _groupable(kind, columns, col_of) if grouped else None
    if last is None:
        return True, True
    mixed = "false"
    if (
        kind.name == "workforce"
        and "all" in last.choices
        and kind.key[:-1] == ["council_code", "quarter"]
    ):
        all_bit = 1 << last.choices.index("all")
        mixed = f"(_b & {all_bit}) <> 0 AND _b <> {all_bit}"
    sql = (
        f"SELECT count(*) FILTER (WHERE bit_count(_b) < _n), count(*) FILTER (WHERE {mixed}) "
        f"FROM {KEY_GROUPS}"
    )
    dup, mix = con.execute(sql).fetchall()[0]
    return dup > 0, mix > 0


def _row_checks(
    con, kind: Kind, columns: list[Column], col_of: dict[str, str], grouped: bool = False
) -> list[tuple[int, Problem]]:
    out: list[tuple[int, Problem]] = []
    key = kind.key
    may_repeat, may_mix = _screen(con, kind, columns, col_of, grouped)
    if all(k in col_of for k in key) and may_repeat:
        k_list = ", ".join(key)
        not_null = " AND ".join(f"{k} IS NOT NULL" for k in key)
        # Grouping by one hash is much cheaper than by the key's text columns; the rare
        # repeated hashes are then checked on the keys themselves.
        sql = (
            f"WITH d AS (SELECT hash({k_list}) AS h FROM {TYPED} WHERE {not_null} "
            f"GROUP BY h HAVING count(*) > 1) "
            f"SELECT last_, first_, count(*) OVER (), [{k_list}], n FROM "
            f"(SELECT min(_row) AS first_, max(_row) AS last_, count(*) AS n, {k_list} FROM {TYPED} "
            f"WHERE {not_null} AND hash({k_list}) IN (SELECT h FROM d) "
            f"GROUP BY {k_list} HAVING count(*) > 1) ORDER BY last_ LIMIT {MAX_LISTED}"
        )

        def dup(r):
            others = f" (and {r[4] - 2} more rows)" if r[4] > 2 else ""
            return Problem(
                "error",
                r[0],
                ", ".join(key),
                " / ".join(str(x) for x in r[3]),
                f"rows {r[1]} and {r[0]}{others} have the same {', '.join(key)}; "
                "each must appear once in a file",
            )

        out += _collect(con, sql, None, dup)
    if kind.name == "workforce" and all(k in col_of for k in key) and may_mix:
        sql = (
            f"SELECT min(_row) FILTER (WHERE role_family <> 'all'), min(_row) FILTER (WHERE role_family = 'all'), "
            f"count(*) OVER (), council_code, quarter FROM {TYPED} "
            f"WHERE council_code IS NOT NULL AND quarter IS NOT NULL AND role_family IS NOT NULL "
            f"GROUP BY council_code, quarter HAVING bool_or(role_family = 'all') AND bool_or(role_family <> 'all') "
            f"ORDER BY 1 LIMIT {MAX_LISTED}"
        )
        out += _collect(
            con,
            sql,
            None,
            lambda r: Problem(
                "error",
                max(r[0], r[1]),
                "role_family",
                f"{r[3]} {r[4]}",
                f"this council and quarter has both an 'all' row (row {r[1]}) and a breakdown by "
                f"family (row {r[0]}); report one or the other, never both",
            ),
        )
    return out
