"""Every rule of the data contract, evaluated in SQL over the staged file (store.read).

The pass that reads the file types every column (staging_query): one column per kind
column, named as in store.kinds, plus ``raw_<column>`` holding the cell as written
where the rules need it (its typed value is NULL, or out of range). Councils, quarters
and regions are then resolved once per distinct spelling (small maps); only the rows
whose spelling is not already the stored form are updated. The temporary view
``_typed`` is the non-blank data rows with ``_row``. Each rule is a query that only
looks at the rows it concerns (typed value NULL while the raw text is not, a part above
its whole, a duplicate key ...). Nothing here writes to the database's tables: only
temporary objects of the connection.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from store import kinds as _kinds
from store import limits, quarters
from store.kinds import Column, Kind
from store.normalise import NAME_KEY_SQL
from store.read import _RAW, STAGE, Staged

MAX_LISTED = 200  # problems listed in a report; the rest are counted
TYPED = "_typed"
KEY_GROUPS = "_key_groups"  # see _group_keys
_KEY_RAW = "_key_raw"
_SUSPECT = "_suspect"


@dataclass
class Problem:
    severity: str  # 'error' or 'warning'
    row: int | None  # spreadsheet row (header = 1); None = the whole file
    column: str | None
    value: str | None
    message: str  # what was expected

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        if self.column:
            where += f", column {self.column}"
        val = f" value '{self.value}':" if self.value not in (None, "") else ""
        return f"{self.severity}: {where}:{val} {self.message}"


# --- personal data ---------------------------------------------------------------------

_PERSONAL_HEADER = re.compile(
    r"^(.*_)?(person|persons|people|first|last|full|given|contact|staff|employee|"
    r"applicant|member|fore|sur|middle|maiden)_?names?(_.*)?$"
    r"|^(.*_)?(surname|forename|firstname|lastname|fullname)s?(_.*)?$"
    r"|^(.*_)?e_?mails?(_.*)?$"
    r"|^(.*_)?(national_insurance|ni_number|ni_no|nino|nin)(_.*)?$"
    r"|^(.*_)?(date_of_birth|dob|birth_date|birthdate|birthday)(_.*)?$"
)


def personal_header(key: str) -> bool:
    """Does a normalised header look like a person's identity? ('name' alone does not.)"""
    return bool(_PERSONAL_HEADER.match(key))


_EMAIL_RE = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
_NINO_RE = r"\s*[A-Za-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-Da-d]\s*"
# A formula, in SQL (RE2): =, @, + or - first, after anything invisible (spaces of any
# kind, tabs, line breaks, control and format characters such as a zero-width space).
# A sign is a formula unless the whole value (list item) is a plain number: "-5" and
# "+1.5%" are values, "-2+3+cmd|' /C calc'!A0" is not.
_INVISIBLE = r"[\s\pZ\pC]"
_PLAIN_NUMBER = r"£?\s*([0-9][0-9,]*(\.[0-9]+)?|\.[0-9]+)?\s*%?"
_FORMULA_START = f"^{_INVISIBLE}*[=@+\\-]"  # (the quick test: some rule below may apply)
_FORMULA_RE = f"^{_INVISIBLE}*[=@]"
_SIGN_RE = f"^{_INVISIBLE}*[+\\-]"
_SIGNED_NUMBER_RE = f"{_INVISIBLE}*[+\\-]{_INVISIBLE}*{_PLAIN_NUMBER}{_INVISIBLE}*"


def formula_sql(x: str, items: bool) -> str:
    """SQL: does the text ``x`` look like a formula? ``items``: look at every item of a
    ';'-separated list too (a list item becomes a cell of its own when a spreadsheet
    splits the list, and ';' is a delimiter for CSV in much of Europe)."""

    def one(v: str) -> str:
        return (
            f"(regexp_matches({v}, '{_FORMULA_RE}') OR (regexp_matches({v}, '{_SIGN_RE}') "
            f"AND NOT regexp_full_match({v}, '{_SIGNED_NUMBER_RE}')))"
        )

    if not items:
        return one(x)
    return f"coalesce(list_bool_or(list_transform(string_split({x}, ';'), lambda v: {one('v')})), false)"


def formula_start_sql(x: str, items: bool) -> str:
    """SQL: a cheap test that is true for every value formula_sql is true for."""
    start = "(^|;)" if items else "^"
    return f"regexp_matches({x}, '{start}{_INVISIBLE}*[=@+\\-]')"


_PLAIN_NUMBER_PY = re.compile(_PLAIN_NUMBER)


def _visible_from(text: str) -> str:
    """``text`` without what comes before its first visible character."""
    i = 0
    while i < len(text) and (text[i].isspace() or unicodedata.category(text[i])[0] in "ZC"):
        i += 1
    return text[i:]


def formula_like(value: str, items: bool = True) -> bool:
    """Python twin of formula_sql (and what metrics.export neutralises)."""
    for item in value.split(";") if items else [value]:
        s = _visible_from(item)
        if not s:
            continue
        if s[0] in "=@":
            return True
        if s[0] in "+-":
            rest = _visible_from(s[1:])
            end = len(rest)
            while end and (
                rest[end - 1].isspace() or unicodedata.category(rest[end - 1])[0] in "ZC"
            ):
                end -= 1
            if not _PLAIN_NUMBER_PY.fullmatch(rest[:end]):
                return True
    return False


# --- SQL helpers -----------------------------------------------------------------------


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


# --- the validation ------------------------------------------------------------------


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


def _num_lit(v) -> str:
    """A bound from store.kinds (a constant in code) as an SQL number literal."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"bound {v!r} in store/kinds.py must be a number")
    return repr(int(v)) if float(v).is_integer() else repr(float(v))


# A kind's own rules: (connection, kind column -> file column) -> [(count, problem)], over
# the typed rows (TYPED), each problem naming row, column, value and what was expected.
Rules = Callable[[duckdb.DuckDBPyConnection, dict[str, str]], list[tuple[int, Problem]]]


@dataclass
class Validation:
    problems: list[Problem]
    hidden: int  # problems not listed (beyond MAX_LISTED): say "and N more"
    rows: int  # data rows (blank rows not counted)
    columns: list[Column]  # the kind's columns (with survey standards)
    present: list[str]  # kind columns found in the file
    # KEY_GROUPS was built: one row per resolved key[:-1] (workforce: council and quarter)
    # with _rows, the number of data rows it has (store.ingest reads it for its keys).
    key_groups: bool = False

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def validate(
    con: duckdb.DuckDBPyConnection, kind: Kind, staged: Staged, rules: Rules | None = None
) -> Validation:
    """Check the file staged with ``read(..., query=staging_query(kind))`` against
    ``kind``; leaves the typed rows in the view ``_typed``. ``rules``: the kind's own
    rules over ``_typed`` (store.ingest passes them; e.g. store.delivery.rules)."""
    columns = kind.all_columns()
    known = {c.name: c for c in columns}
    problems: list[tuple[int, Problem]] = []  # (count it stands for, problem)
    hr = staged.header_row

    # 1. The header: personal data, duplicates, unknown and missing columns.
    seen: dict[str, int] = {}
    std_ids = set(_kinds.standard_ids()) if kind.has_standards else set()
    for i, (head, key) in enumerate(zip(staged.headers, staged.keys)):
        label = head.strip() or f"(column {i + 1} has no header)"
        if not key:
            problems.append(
                (
                    1,
                    Problem(
                        "warning",
                        hr,
                        label,
                        None,
                        f"column {i + 1} has no header; its values were ignored",
                    ),
                )
            )
            continue
        if personal_header(key) and key not in known:
            problems.append(
                (
                    1,
                    Problem(
                        "error",
                        hr,
                        head.strip(),
                        None,
                        "this column looks like personal data (a person's name, e-mail address, "
                        "National Insurance number or date of birth). The tracker must not hold "
                        "personal data: delete the column and upload again.",
                    ),
                )
            )
            continue
        if key in seen:
            problems.append(
                (
                    1,
                    Problem(
                        "error",
                        hr,
                        head.strip(),
                        None,
                        f"the column appears twice (columns {seen[key] + 1} and {i + 1}); keep one",
                    ),
                )
            )
            continue
        seen[key] = i
        if key not in known:
            if kind.has_standards and key.startswith("standard_") and key[9:] not in std_ids:
                msg = (
                    f"'{key[9:]}' is not a core standard in the targets configuration "
                    f"(core standards: {', '.join(sorted(std_ids))}); the column was ignored"
                )
            else:
                msg = (
                    f"the {kind.name} upload has no column '{key}'; it was ignored. "
                    f"Known columns: {', '.join(known)}"
                )
            problems.append((1, Problem("warning", hr, head.strip(), None, msg)))
    present = [c.name for c in columns if c.name in seen]
    for c in columns:
        if c.required and c.name not in seen:
            problems.append(
                (
                    1,
                    Problem(
                        "error",
                        None,
                        c.name,
                        None,
                        f"the required column '{c.name}' is missing ({c.expected()}). "
                        f"The header row (row {hr}) has: {', '.join(h.strip() for h in staged.headers)}",
                    ),
                )
            )

    col_of, free = _layout(kind, columns, staged)  # (the same columns as ``seen``)

    # 2. Cell values anywhere in the file: formulas, e-mail addresses, NI numbers.
    label_of = {f"c{i}": (h.strip() or f"column {i + 1}") for i, h in enumerate(staged.headers)}
    # (Typed columns refuse such values anyway, and say why: see _classify.)
    text_only = {col for name, col in col_of.items() if known[name].type == "text" and col in free}
    problems += _cell_checks(con, free, label_of, text_only)

    # 3. Resolve councils, quarters and regions once per distinct spelling (for a key
    # that ends in a choice column, from the rows grouped once by the rest of the key).
    grouped = _group_keys(con, kind, columns, col_of)
    _build_maps(con, kind, columns, col_of, grouped)
    changed = _resolve(con, columns, col_of)

    # 4. The typed rows: the data rows that are not blank.
    view = (
        f"CREATE OR REPLACE TEMP VIEW {TYPED} AS SELECT _row, {_typed_view(columns, col_of)} "
        f"FROM {STAGE} WHERE NOT _blank"
    )
    con.execute(view)
    count = "SELECT count(*) FROM " + TYPED
    rows = con.execute(count).fetchall()[0][0]
    if rows == 0:
        problems.append(
            (
                1,
                Problem(
                    "error",
                    None,
                    None,
                    None,
                    f"the file has a header row (row {hr}) but no rows of data: every row "
                    "below it is blank. Nothing to load.",
                ),
            )
        )

    # 5. Rules over the typed rows.
    if grouped:
        _regroup_keys(con, kind, columns, changed)
    problems += _value_checks(con, kind, columns, col_of)
    problems += _row_checks(con, kind, columns, col_of, grouped)
    if rules is not None:
        problems += rules(con, col_of)

    listed: list[Problem] = []
    total = sum(n for n, _ in problems)
    ordered = sorted(
        problems, key=lambda t: (t[1].severity != "error", -1 if t[1].row is None else t[1].row)
    )
    for _n, prob in ordered:
        if len(listed) < MAX_LISTED:
            listed.append(prob)
    listed.sort(key=lambda pr: (-1 if pr.row is None else pr.row, pr.severity != "error"))
    hidden = total - len(listed)
    return Validation(listed, max(hidden, 0), rows, columns, present, key_groups=grouped)


def _collect(con, sql: str, params, make) -> list[tuple[int, Problem]]:
    """Run a check returning (_row, value, n_total, ...) ordered by row; build problems.
    The first row stands for every match beyond the listed ones."""
    out = []
    rows = con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall()
    for r in rows:
        out.append((1, make(r)))
    if rows:
        total = rows[0][2]
        if total > len(rows):
            n, first = out[0]
            out[0] = (n + total - len(rows), first)
    return out


def _cell_checks(
    con,
    free: dict[str, str],
    label_of: dict[str, str],
    text_only: frozenset[str] | set[str] = frozenset(),
) -> list[tuple[int, Problem]]:
    """``free``: file column c<i> -> the staged column holding its text. ``text_only``:
    the file columns that are a kind's text column (a formula is looked for at the start
    of the value; elsewhere at the start of every ';'-separated item too)."""
    out = []
    for cell, c in free.items():
        label = label_of[cell]
        items = cell not in text_only
        sql = (
            f"SELECT _row, left({c}, {_SHOWN}), count(*) OVER (), "
            f"{formula_sql(c, items)} AS formula, "
            f"contains({c}, '@') AND regexp_matches({c}, '{_EMAIL_RE}') AS email "
            f"FROM {STAGE} WHERE ({formula_start_sql(c, items)} AND {formula_sql(c, items)}) "
            f"OR (contains({c}, '@') AND regexp_matches({c}, '{_EMAIL_RE}')) "
            f"OR (length({c}) BETWEEN 9 AND 15 AND regexp_full_match({c}, '{_NINO_RE}')) "
            f"ORDER BY _row LIMIT {MAX_LISTED}"
        )

        def make(r, label=label):
            msg = FORMULA_MSG if r[3] else EMAIL_MSG if r[4] else NINO_MSG
            return Problem("error", r[0], label, _short(r[1]), msg)

        out += _collect(con, sql, None, make)
    return out


def _num(v) -> str:
    """A stored number for people: 100.0 -> '100', 1234567.5 -> '1234567.5'."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


_SHOWN = 1000  # characters of a refused cell fetched to report it (it is shown shorter: _short)


def _short(v) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s if len(s) <= 80 else s[:77] + "..."


_EMAIL_PY = re.compile(_EMAIL_RE)
_NINO_PY = re.compile(_NINO_RE)

FORMULA_MSG = (
    "looks like a spreadsheet formula (it, or an item of the list, starts with =, @, + or - "
    "after any spaces, and is not a plain number). Formulas are refused: paste the value "
    "instead"
)
EMAIL_MSG = "looks like an e-mail address. The tracker must not hold personal data: remove it"
NINO_MSG = (
    "looks like a National Insurance number. The tracker must not hold personal data: remove it"
)


def _classify(value) -> str | None:
    """Why a value that failed its type is dangerous, if it is (formula, personal data)."""
    if value is None:
        return None
    v = str(value)
    if formula_like(v):
        return FORMULA_MSG
    if "@" in v and _EMAIL_PY.search(v):
        return EMAIL_MSG
    if _NINO_PY.fullmatch(v):
        return NINO_MSG
    return None


def _build_maps(
    con, kind: Kind, columns: list[Column], col_of: dict[str, str], grouped: bool = False
) -> None:
    """_cmap(r, code, status, ended_on), _qmap(r, q, status), _rmap(r, code)."""
    in_groups = set(kind.key[:-1]) if grouped else set()

    def distinct(types: tuple[str, ...]) -> str:
        cols = [c for c in columns if c.type in types and c.name in col_of]
        # (_KEY_RAW has every spelling of its columns that the staged rows have)
        src = _KEY_RAW if cols and all(c.name in in_groups for c in cols) else STAGE
        parts = [f"SELECT DISTINCT {c.name} AS v FROM {src}" for c in cols]
        if not parts:
            return "SELECT CAST(NULL AS VARCHAR) AS v WHERE false"
        return " UNION ".join(parts)

    # Councils: by GSS code, else by any known spelling (council_names); current councils only.
    cmap = (
        "CREATE OR REPLACE TEMP TABLE _cmap AS "
        f"WITH raw AS MATERIALIZED (SELECT v, {_trim('v')} AS r FROM ({distinct(('council',))}) WHERE v IS NOT NULL), "
        "cand AS ("
        "  SELECT raw.r, c.council_code, c.end_date, 1 AS how FROM raw JOIN councils c ON c.council_code = upper(raw.r) "
        "  UNION ALL "
        f"  SELECT raw.r, c.council_code, c.end_date, 2 FROM raw JOIN council_names n ON n.name_key = {_name_key_if_short('raw.r')} "
        "  JOIN councils c ON c.council_code = n.council_code), "
        "best AS (SELECT * FROM cand QUALIFY how = min(how) OVER (PARTITION BY r)), "
        "g AS (SELECT r, list(DISTINCT council_code) FILTER (WHERE end_date IS NULL) AS cur, "
        "  list(DISTINCT council_code) FILTER (WHERE end_date IS NOT NULL) AS old, max(end_date) AS ended_on "
        "  FROM best GROUP BY r) "
        "SELECT raw.v, raw.r, CASE WHEN len(g.cur) = 1 THEN g.cur[1] END AS code, "
        "  CASE WHEN len(g.cur) = 1 THEN 'ok' WHEN len(g.cur) > 1 THEN 'ambiguous' "
        "       WHEN len(g.old) > 0 THEN 'ended' ELSE 'unknown' END AS status, "
        "  g.old[1] AS old_code, g.ended_on, g.cur AS candidates "
        "FROM raw LEFT JOIN g ON g.r = raw.r"
    )
    con.execute(cmap)
    qi = quarter_index_sql("r")
    cur = quarters.index(quarters.current())
    early = quarters.index(quarters.EARLIEST)
    qmap = (
        "CREATE OR REPLACE TEMP TABLE _qmap AS "
        f"WITH raw AS MATERIALIZED (SELECT v, {_trim('v')} AS r FROM ({distinct(('quarter',))}) WHERE v IS NOT NULL), "
        f"ix AS (SELECT v, r, {qi} AS i FROM raw) "
        f"SELECT v, r, CASE WHEN i >= 0 THEN {quarter_text_sql('i')} END AS q, "
        "CASE WHEN i IS NULL THEN 'bad' WHEN i < 0 THEN 'badfy' WHEN i < $early THEN 'early' "
        "WHEN i > $cur THEN 'future' ELSE 'ok' END AS status FROM ix"
    )
    con.execute(qmap, {"early": early, "cur": cur})
    rmap = (
        "CREATE OR REPLACE TEMP TABLE _rmap AS "
        f"WITH raw AS MATERIALIZED (SELECT v, {_trim('v')} AS r FROM ({distinct(('region',))}) WHERE v IS NOT NULL) "
        "SELECT raw.v, raw.r, min(g.region_code) AS code FROM raw LEFT JOIN regions g "
        f"ON g.region_code = upper(raw.r) OR {_nk('g.region_name')} = {_name_key_if_short('raw.r')} GROUP BY raw.v, raw.r"
    )
    con.execute(rmap)


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


def _resolve(con, columns: list[Column], col_of: dict[str, str]) -> set[str]:
    """Councils, quarters and regions: each column holds its cells' text since the
    staging pass; put the resolved value there (the GSS code, the quarter as YYYY-Qn, the
    region code; NULL when there is none, keeping the text in raw_<column>). Only rows
    whose text differs from its resolved value are touched: usually none. Returns the
    columns where some were."""
    maps = {
        "council": ("_cmap", "code"),
        "quarter": ("_qmap", "CASE WHEN status = 'ok' THEN q END"),
        "region": ("_rmap", "code"),
    }
    changed: set[str] = set()
    for c in columns:
        if c.type not in maps or c.name not in col_of:
            continue
        table, value = maps[c.type]
        if c.any_quarter:  # a planned quarter: after the current one, or early, resolves too
            value = "CASE WHEN status IN ('ok', 'future', 'early') THEN q END"
        # Identifiers and expressions from the fixed table above; no value is formatted in.
        diff = f"SELECT v, {value} AS value FROM {table} WHERE ({value}) IS DISTINCT FROM v"
        count = f"SELECT count(*) FROM ({diff})"
        if not con.execute(count).fetchall()[0][0]:
            continue
        n = c.name
        update = (
            f"UPDATE {_RAW} SET {n} = m.value, raw_{n} = CASE WHEN m.value IS NULL THEN m.v END "
            f"FROM ({diff}) m WHERE {_RAW}.{n} = m.v"
        )
        con.execute(update)
        changed.add(n)
    return changed


def _value_checks(
    con, kind: Kind, columns: list[Column], col_of: dict[str, str]
) -> list[tuple[int, Problem]]:
    out: list[tuple[int, Problem]] = []
    lim = f"ORDER BY _row LIMIT {MAX_LISTED}"
    # Every rule _coded runs for a column that is not text or a list concerns rows whose
    # value is NULL, or a number out of range or above its whole: the staging pass flagged
    # those rows (_odd; regions are resolved since: NULL when they do not resolve). One
    # scan finds them, and the rules read only them.
    suspects = [
        c
        for c in columns
        if c.name in col_of and c.type not in ("council", "quarter", "text", "list")
    ]
    n_suspect = 0
    if suspects:
        cond = " OR ".join(["_odd"] + [f"{c.name} IS NULL" for c in suspects if c.type == "region"])
        sql = f"CREATE OR REPLACE TEMP TABLE {_SUSPECT} AS SELECT * FROM {TYPED} WHERE {cond}"
        con.execute(sql)
        count = "SELECT count(*) FROM " + _SUSPECT
        n_suspect = con.execute(count).fetchall()[0][0]
    for c in columns:
        n, raw = c.name, f"raw_{c.name}"
        if c.required and n in col_of and c.type in ("council", "quarter"):
            sql = (
                f"SELECT _row, NULL, count(*) OVER () FROM {TYPED} "
                f"WHERE {n} IS NULL AND ({raw} IS NULL OR {_trim(raw)} IS NULL) {lim}"
            )
            out += _collect(
                con,
                sql,
                None,
                lambda r, c=c: Problem(
                    "error", r[0], c.name, None, f"a value is required: {c.expected()}"
                ),
            )
        if n not in col_of:
            continue
        if c.not_before and c.not_before in col_of:
            o = c.not_before
            out += _collect(
                con,
                f"SELECT _row, coalesce({raw}, CAST({n} AS VARCHAR)), count(*) OVER (), {o} FROM {TYPED} WHERE {n} < {o} {lim}",
                None,
                lambda r, c=c, o=o: Problem(
                    "error",
                    r[0],
                    c.name,
                    _short(r[1]),
                    f"is before {o} ({_short(r[3])}) in the same row; expected the same or later",
                ),
            )
        if c.type == "council":
            sql = (
                f"SELECT t._row, t.{raw}, count(*) OVER (), m.status, m.old_code, m.ended_on, m.candidates "
                f"FROM {TYPED} t JOIN _cmap m ON m.v = t.{raw} WHERE t.{n} IS NULL AND m.r IS NOT NULL ORDER BY t._row LIMIT {MAX_LISTED}"
            )
            rows = con.execute(sql).fetchall()
            hints = _did_you_mean(con, sorted({r[1].strip() for r in rows if r[3] == "unknown"}))
            for j, r in enumerate(rows):
                if r[3] == "ended":
                    msg = (
                        f"the council {r[4]} ended on {r[5]}; it is not a current council. Use "
                        "the council that replaced it"
                    )
                elif r[3] == "ambiguous":
                    msg = (
                        f"the name matches more than one council ({', '.join(r[6])}); use the "
                        "GSS code"
                    )
                elif danger := _classify(r[1]):
                    msg = danger
                else:
                    hint = hints.get(r[1].strip())
                    msg = "no council has this GSS code or name"
                    msg += (
                        f"; did you mean {hint}?"
                        if hint
                        else ". Use the council's GSS code (e.g. E06000001) or its name"
                    )
                out.append(
                    (
                        (r[2] - len(rows) + 1) if j == 0 else 1,
                        Problem("error", r[0], n, _short(r[1]), msg),
                    )
                )
            continue
        if c.type == "quarter":
            sql = (
                f"SELECT t._row, t.{raw}, count(*) OVER (), m.status, m.q FROM {TYPED} t "
                f"JOIN _qmap m ON m.v = t.{raw} WHERE t.{n} IS NULL AND m.r IS NOT NULL ORDER BY t._row LIMIT {MAX_LISTED}"
            )
            cur = quarters.current()

            def qmake(r, n=n, c=c, cur=cur):
                if r[3] == "early":
                    msg = f"{r[4]} is before {quarters.EARLIEST}, the earliest quarter the tracker holds"
                elif r[3] == "future":
                    msg = (
                        f"{r[4]} is after the current quarter ({cur}): a quarter can only be "
                        "reported once it has started"
                    )
                elif r[3] == "badfy":
                    msg = (
                        "not a financial year: the two years must follow each other, as in "
                        "2025/26 Q2"
                    )
                else:
                    msg = _classify(r[1]) or f"expected {c.expected()}"
                return Problem("error", r[0], n, _short(r[1]), msg)

            out += _collect(con, sql, None, qmake)
            continue
        if c.type == "list" and c.choices:
            choices = "[" + ", ".join(_lit(x) for x in c.choices) + "]"
            sql = (
                f"SELECT _row, {raw}, count(*) OVER (), list_filter({n}, lambda x: NOT list_contains({choices}, x)) "
                f"FROM {TYPED} WHERE len(list_filter({n}, lambda x: NOT list_contains({choices}, x))) > 0 {lim}"
            )
            out += _collect(
                con,
                sql,
                None,
                lambda r, c=c: Problem(
                    "error",
                    r[0],
                    c.name,
                    _short(r[1]),
                    f"{', '.join(r[3])} {'is' if len(r[3]) == 1 else 'are'} not allowed; expected {c.expected()}",
                ),
            )
            continue
        # Every other rule of the column in one query: (code, condition, message).
        checks: list[tuple[str, str, object]] = []
        params: dict[str, object] = {}
        other = "NULL"
        if c.required:
            checks.append(
                (
                    "req",
                    f"{n} IS NULL AND ({raw} IS NULL OR {_trim(raw)} IS NULL)",
                    lambda r, c=c: f"a value is required: {c.expected()}",
                )
            )
        if c.type in ("text", "list"):
            most = c.max_length or 2000
            checks.append(
                (
                    "long",
                    f"length({raw}) > {int(most)}",
                    lambda r, most=most: f"is longer than {most:,} characters",
                )
            )
        else:
            checks.append(
                (
                    "bad",
                    f"{n} IS NULL AND {raw} IS NOT NULL AND {_trim(raw)} IS NOT NULL",
                    lambda r, c=c: _classify(r[1]) or f"expected {c.expected()}",
                )
            )
        if c.type in ("number", "whole"):
            lo = 0 if c.min is None else c.min
            params["lo"] = lo
            checks.append(
                (
                    "low",
                    f"{n} < $lo",
                    lambda r, c=c, lo=lo: (
                        "a count or amount cannot be negative"
                        if lo == 0
                        else f"expected {c.expected()}"
                    ),
                )
            )
            if c.max is not None:
                params["hi"] = c.max
                checks.append(
                    (
                        "high",
                        f"{n} > $hi",
                        lambda r, c=c: (
                            (
                                f"is larger than {c.max:,.0f}, more than any council could report; check the "
                                "units (whole pounds, whole people)"
                            )
                            if c.min in (None, 0)
                            else f"expected {c.expected()}"
                        ),
                    )
                )
            if c.at_most and c.at_most in col_of:
                o = c.at_most
                other = o
                checks.append(
                    (
                        "part",
                        f"{n} > {o} AND {o} >= 0",
                        lambda r, o=o: (
                            f"is larger than {o} ({_num(r[3])}) in the same row; a part cannot "
                            "exceed its whole"
                        ),
                    )
                )
        if c.type in ("text", "list"):
            out += _coded(con, c, raw, checks, params, other, TYPED)
        elif n_suspect:  # (no flagged row: none of these rules applies)
            out += _coded(con, c, raw, checks, params, other, _SUSPECT)
    return out


def _coded(
    con, c: Column, raw: str, checks, params: dict, other: str, source: str = TYPED
) -> list[tuple[int, Problem]]:
    """Run several rules of one column in one scan; list up to MAX_LISTED per rule and
    let the first listed problem of a rule stand for the ones not listed. (The staging
    pass kept the cell as written for every value these rules refuse.)"""
    case = "CASE " + " ".join(f"WHEN {cond} THEN '{code}'" for code, cond, _ in checks) + " END"
    anyof = " OR ".join(f"({cond})" for _, cond, _ in checks)
    sql = (
        f"SELECT _row, v, code, x, count(*) OVER (PARTITION BY code) AS n FROM "
        f"(SELECT _row, left({raw}, {_SHOWN}) AS v, {other} AS x, {case} AS code FROM {source} "
        f"WHERE {anyof}) "
        f"QUALIFY row_number() OVER (PARTITION BY code ORDER BY _row) <= {MAX_LISTED} ORDER BY _row"
    )
    found = con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall()
    makers = {code: make for code, _, make in checks}
    out: list[tuple[int, Problem]] = []
    first: dict[str, int] = {}
    listed: dict[str, int] = {}
    for r in found:
        code = r[2]
        listed[code] = listed.get(code, 0) + 1
        if code not in first:
            first[code] = len(out)
        out.append((1, Problem("error", r[0], c.name, _short(r[1]), makers[code](r))))
    for code, i in first.items():
        total = next(r[4] for r in found if r[2] == code)
        out[i] = (1 + total - listed[code], out[i][1])
    return out


def _did_you_mean(con, raws: list[str]) -> dict[str, str]:
    """Up to three current councils whose names are closest to each unknown spelling.
    Bounded: spellings longer than any council's name get no suggestion, and only the
    first few distinct spellings are looked at (store.limits)."""
    raws = [r for r in raws if 0 < len(r) <= limits.MAX_DID_YOU_MEAN_CHARS]
    raws = raws[: limits.MAX_DID_YOU_MEAN_VALUES]
    if not raws:
        return {}
    sql = (
        "WITH u AS (SELECT unnest($raws) AS r), "
        "names AS (SELECT n.name_key, c.council_code, c.name FROM council_names n "
        "  JOIN councils c ON c.council_code = n.council_code WHERE c.end_date IS NULL "
        "  UNION SELECT lower(c.council_code), c.council_code, c.name FROM councils c WHERE c.end_date IS NULL), "
        "scored AS (SELECT u.r, names.council_code, names.name, "
        f"  max(greatest(jaro_winkler_similarity({_nk('u.r')}, names.name_key), "
        "      CASE WHEN regexp_full_match(upper(u.r), '[A-Z]\\d+') "
        "           THEN 1 - levenshtein(lower(u.r), names.name_key) / 9.0 ELSE 0 END)) AS score "
        "  FROM u, names GROUP BY ALL) "
        "SELECT r, list(name || ' (' || council_code || ')' ORDER BY score DESC, name)[1:3] "
        "FROM scored WHERE score >= 0.8 GROUP BY r"
    )
    rows = con.execute(sql, {"raws": raws}).fetchall()
    return {r: " or ".join([", ".join(s[:-1]), s[-1]] if len(s) > 1 else s) for r, s in rows}


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
