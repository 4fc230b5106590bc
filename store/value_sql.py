"""SQL expressions that turn a cell's text into a value: trimmed text, name keys,
quarters (the SQL twin of store.quarters.parse), numbers, choices, yes/no, dates, GSS
codes; and constants of store.kinds as SQL literals."""

from __future__ import annotations

import re

from store import limits
from store.columns import Column
from store.normalise import NAME_KEY_SQL


def _trim(expr: str) -> str:
    return f"NULLIF(trim({expr}, ' ' || chr(9) || chr(10) || chr(13) || chr(160)), '')"


def _nk(expr: str) -> str:
    return NAME_KEY_SQL.format(expr=expr)


def _name_key_if_short(expr: str) -> str:
    """The name key of a spelling no longer than any council's or region's name can be
    (else NULL: it matches nothing, and the text is not worked on)."""
    return f"CASE WHEN length({expr}) <= {int(limits.MAX_DID_YOU_MEAN_CHARS)} THEN {_nk(expr)} END"


_Q_CAL = r"\s*(\d{4})\s*-?\s*[qQ]([1-4])\s*"
_Q_REV = r"\s*[qQ]([1-4])\s*-?\s*(\d{4})\s*"
_Q_FY = r"\s*(\d{4})\s*/\s*(\d{2}|\d{4})\s*[qQ]([1-4])\s*"


def quarter_index_sql(expr: str) -> str:
    """SQL twin of store.quarters.parse, as the quarter's index (year*4 + n-1), NULL when
    the text is not a quarter; -1 for a financial year whose two years do not follow."""
    e = expr
    fy_start = f"CAST(regexp_extract({e}, '{_Q_FY}', 1) AS INTEGER)"
    fy_end_txt = f"regexp_extract({e}, '{_Q_FY}', 2)"
    fy_end = (
        f"CASE WHEN length({fy_end_txt}) = 4 THEN CAST({fy_end_txt} AS INTEGER) "
        f"ELSE ({fy_start} // 100) * 100 + CAST({fy_end_txt} AS INTEGER) END"
    )
    fy_q = f"CAST(regexp_extract({e}, '{_Q_FY}', 3) AS INTEGER)"
    return (
        f"CASE WHEN regexp_full_match({e}, '{_Q_CAL}') THEN "
        f"CAST(regexp_extract({e}, '{_Q_CAL}', 1) AS INTEGER) * 4 + CAST(regexp_extract({e}, '{_Q_CAL}', 2) AS INTEGER) - 1 "
        f"WHEN regexp_full_match({e}, '{_Q_REV}') THEN "
        f"CAST(regexp_extract({e}, '{_Q_REV}', 2) AS INTEGER) * 4 + CAST(regexp_extract({e}, '{_Q_REV}', 1) AS INTEGER) - 1 "
        f"WHEN regexp_full_match({e}, '{_Q_FY}') THEN "
        f"CASE WHEN {fy_end} = {fy_start} + 1 THEN {fy_start} * 4 + 1 + {fy_q} - 1 ELSE -1 END "
        f"END"
    )


def quarter_text_sql(index_expr: str) -> str:
    return (
        f"CAST(({index_expr}) // 4 AS VARCHAR) || '-Q' || CAST(({index_expr}) % 4 + 1 AS VARCHAR)"
    )


def _number_sql(x: str, r: str, whole: bool, n: str | None = None) -> str:
    """Text -> number: an integer written as DuckDB writes it (digits, no leading zero,
    perhaps a minus) fast, by casting and comparing the text back (cheaper than a regular
    expression); else optional sign, leading £ and thousands separators (decimals only for
    non-whole numbers, or .0 for whole ones). Both give the same value where both apply.
    ``n``: TRY_CAST(x AS BIGINT), when the caller computed it once already."""
    cast = "BIGINT" if whole else "DOUBLE"
    frac = r"(\.0+)?" if whole else r"(\.\d+)?"
    pattern = r"-?\s*£?\s*-?(\d{1,3}(,\d{3})+|\d+)" + frac
    n = n or f"TRY_CAST({x} AS BIGINT)"
    return (
        f"CASE WHEN CAST({n} AS VARCHAR) = {x} THEN CAST({n} AS {cast}) "
        f"WHEN regexp_full_match({r}, '{pattern}') THEN "
        f"(CASE WHEN contains({r}, '-') AND regexp_matches({r}, '[1-9]') THEN -1 ELSE 1 END) * "
        f"TRY_CAST(regexp_replace({r}, '[^0-9.]', '', 'g') AS {cast}) END"
    )


def _enum_norm(r: str) -> str:
    return f"lower(replace(replace({r}, ' ', '_'), '-', '_'))"


def _num_lit(v) -> str:
    """A bound from store.kinds (a constant in code) as an SQL number literal."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"bound {v!r} in store/kinds.py must be a number")
    return repr(int(v)) if float(v).is_integer() else repr(float(v))


def _typed_expr(c: Column, x: str, n: str | None = None) -> str:
    """The typed value of the cell ``x`` (untrimmed text); NULL when it is not valid.
    (Councils, quarters and regions are resolved through maps instead: _resolve.)"""
    t = c.type
    r = _trim(x)
    if t in ("council", "region", "quarter"):
        raise ValueError(f"{c.name}: {t} values are resolved by _resolve, not typed per cell")
    if t == "yesno":
        # (list_position, not IN: an IN list becomes a join, which would reorder the rows)
        return (
            f"CASE WHEN list_position(['yes', 'y', 'true', '1'], lower({r})) IS NOT NULL THEN true "
            f"WHEN list_position(['no', 'n', 'false', '0'], lower({r})) IS NOT NULL THEN false END"
        )
    if t in ("number", "whole"):
        return _number_sql(x, r, whole=(t == "whole"), n=n)
    if t == "enum":
        choices = "[" + ", ".join(_lit(v) for v in c.choices) + "]"
        return (
            f"CASE WHEN list_position({choices}, {x}) IS NOT NULL THEN {x} "
            f"WHEN list_position({choices}, {_enum_norm(r)}) IS NOT NULL THEN {_enum_norm(r)} END"
        )
    if t == "list":
        items = f"list_filter(list_transform(string_split({r}, ';'), lambda v: trim(v)), lambda v: v <> '')"
        if c.choices:
            items = f"list_transform({items}, lambda v: {_enum_norm('v')})"
        return f"CASE WHEN {r} IS NOT NULL THEN {items} END"
    if t == "date":
        return f"CASE WHEN regexp_full_match({r}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') THEN TRY_CAST({r} AS DATE) END"
    if t == "gss":
        return f"CASE WHEN regexp_full_match(upper({r}), '[EWSNK]\\d{{8}}') THEN upper({r}) END"
    return r  # text


def _lit(value: str) -> str:
    """A constant from kinds.py (an allow-list) as an SQL string literal."""
    if not re.fullmatch(r"[a-z0-9_ ]+", value):
        raise ValueError(f"choice {value!r} in store/kinds.py must be lower-case words")
    return "'" + value + "'"
