"""The staging pass that types every column of a kind in the same pass that reads the
file (staging_query: which file column is which kind column, and which are free text),
and the view of the typed, non-blank data rows the rules read (TYPED)."""

from __future__ import annotations

from store.columns import Column
from store.kinds import Kind
from store.stage import Staged
from store.unsafe import personal_header
from store.value_sql import _num_lit, _typed_expr

TYPED = "_typed"


def _layout(
    kind: Kind, columns: list[Column], staged: Staged
) -> tuple[dict[str, str], dict[str, str]]:
    """(kind column -> its file column c<i>, free file column c<i> -> its staged column).
    A kind column is the first file column whose header is its name (a personal-data
    header that is not a kind column is never one); free columns (text, lists, and
    columns the kind does not know) are the ones checked for formulas and personal data."""
    known = {c.name: c for c in columns}
    seen: dict[str, int] = {}
    for i, key in enumerate(staged.keys):
        if not key or (personal_header(key) and key not in known) or key in seen:
            continue
        seen[key] = i
    col_of = {c.name: f"c{seen[c.name]}" for c in columns if c.name in seen}
    free = {}
    for i, k in enumerate(staged.keys):
        if k not in known or known[k].type in ("text", "list"):
            own = k in known and col_of.get(k) == f"c{i}"
            free[f"c{i}"] = f"raw_{k}" if own else f"c{i}"
    return col_of, free


def staging_query(kind: Kind):
    """For store.read(query=...): the SELECT that types every column of ``kind`` in the
    same pass that reads the file (one row per record; blank records flagged _blank)."""

    def build(staged: Staged):
        columns = kind.all_columns()
        col_of, free = _layout(kind, columns, staged)
        cells = [f"c{i}" for i in range(len(staged.keys))]

        def query(source: str) -> str:
            return _typing_sql(columns, col_of, free, cells, source)

        return query

    return build


def _typing_sql(
    columns: list[Column],
    col_of: dict[str, str],
    free: dict[str, str],
    cells: list[str],
    source: str,
) -> str:
    """Inner pass: t_<name> typed (councils, quarters and regions: the text, resolved
    later), x_<name> the cell. Outer: <name>, and raw_<name> only where the rules need the
    cell as written: text and lists always; numbers when invalid or out of range (also
    above the column they may not exceed: the file's number cells are kept together in
    _cells, and the view _typed gives raw_<name> from it); others when invalid; councils,
    quarters and regions once resolved (_resolve). _odd flags the rows some value rule
    may concern; _blank the blank records."""
    by_name = {c.name: c for c in columns}
    inner, outer = [], []
    # Number cells are cast once, a level below (the cast is used twice: see _number_sql).
    casts = {}
    for c in columns:
        if c.type in ("number", "whole") and c.name in col_of and col_of[c.name] not in casts:
            casts[col_of[c.name]] = f"_n_{col_of[c.name]}"
    for c in columns:
        x = f"s.{col_of[c.name]}" if c.name in col_of else "CAST(NULL AS VARCHAR)"
        n = f"s.{casts[col_of[c.name]]}" if c.name in col_of and col_of[c.name] in casts else None
        t = _capped(x) if c.type in ("council", "quarter", "region") else _typed_expr(c, x, n)
        inner += [f"{t} AS t_{c.name}", f"{x} AS x_{c.name}"]
    odd = []  # rows some rule of _value_checks / _coded may concern (see there)
    kept = []  # number cells in the file: kept as written, in _cells, on _odd rows only
    for c in columns:
        n, t, x = c.name, f"t_{c.name}", f"x_{c.name}"
        if c.type in ("text", "list"):
            raw = x
        elif c.type in ("council", "quarter", "region"):
            raw = "CAST(NULL AS VARCHAR)"
        elif c.type in ("number", "whole"):
            cond = _number_odd(c, by_name, "t_")
            if n in col_of:
                odd += cond
                kept.append(x)
                outer.append(f"{t} AS {n}")  # raw_<n>: from _cells (_typed_view)
                continue
            raw = f"CASE WHEN {' OR '.join(cond)} THEN {x} END"
        else:
            raw = f"CASE WHEN {t} IS NULL THEN {x} END"
            if n in col_of:
                odd.append(f"{t} IS NULL")
        outer += [f"{raw} AS raw_{n}", f"{t} AS {n}"]
    odd_sql = f"coalesce({' OR '.join(odd)}, false)" if odd else "false"
    outer.append(f"{odd_sql} AS _odd")
    outer.append(
        f"CASE WHEN {odd_sql} THEN [{', '.join(kept)}] END AS _cells"
        if kept
        else "CAST(NULL AS VARCHAR[]) AS _cells"
    )
    carried = [c for c, name in free.items() if name == c]
    inner += [f"s.{c} AS {c}" for c in carried]
    outer += carried
    # Blank record: every cell empty or spaces (tested in full only when the first cell
    # is empty or starts with a space).
    if cells:
        empty = [f"coalesce(trim(s.{c}), '') = ''" for c in cells]
        first = f"s.{cells[0]}"
        blank = (
            f"CASE WHEN {first} <> '' AND NOT starts_with({first}, ' ') THEN false "
            f"ELSE {' AND '.join(empty)} END"
        )
    else:
        blank = "true"
    inner.append(f"{blank} AS _blank")
    outer.append("_blank")
    if casts:
        # (TRY_CAST beside the text itself: a cast alone on a reader column would be pushed
        # into the CSV reader as a strict one, which fails on the first bad cell.)
        pre = ", ".join(f"TRY_CAST(s0.{c} AS BIGINT) AS {a}" for c, a in casts.items())
        source = f"(SELECT s0.*, {pre} FROM {source} s0)"
    return f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {source} s)"


_MAX_SPELLING = 200  # a council, quarter or region spelling longer than this matches nothing


def _capped(x: str) -> str:
    """A council, quarter or region as written, cut short when it is longer than any of
    them can be (it is refused either way; the maps then never work on long texts)."""
    return (
        f"CASE WHEN length({x}) > {_MAX_SPELLING} THEN left({x}, {_MAX_SPELLING}) || '…' "
        f"ELSE {x} END"
    )


def _number_odd(c: Column, by_name: dict[str, Column], prefix: str) -> list[str]:
    """The conditions under which a number's cell as written is kept (invalid, out of
    range, above the column it may not exceed), over the typed columns <prefix><name>."""
    t = f"{prefix}{c.name}"
    cond = [f"{t} IS NULL", f"{t} < {_num_lit(0 if c.min is None else c.min)}"]
    if c.max is not None:
        cond.append(f"{t} > {_num_lit(c.max)}")
    if c.at_most and c.at_most in by_name:
        o = f"{prefix}{c.at_most}"
        cond.append(f"({t} > {o} AND {o} >= 0)")
    return cond


def _typed_view(columns: list[Column], col_of: dict[str, str]) -> str:
    """The columns of the view _typed: raw_<name>, <name> of every kind column (a number
    cell in the file as written from _cells, under the staging pass's conditions), _odd."""
    by_name = {c.name: c for c in columns}
    out, k = [], 0
    for c in columns:
        if c.type in ("number", "whole") and c.name in col_of:
            k += 1
            cond = " OR ".join(_number_odd(c, by_name, ""))
            out.append(f"CASE WHEN {cond} THEN _cells[{k}] END AS raw_{c.name}, {c.name}")
        else:
            out.append(f"raw_{c.name}, {c.name}")
    return ", ".join(out) + ", _odd"
