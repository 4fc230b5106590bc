"""What the tracker refuses wherever it is in an upload: headers that look like personal
data, cells that look like a spreadsheet formula, an e-mail address or a National
Insurance number (in SQL and in Python: metrics.export neutralises the same formulas),
and the check of every free cell of the staged file for them."""

from __future__ import annotations

import re
import unicodedata

from store.problems import _SHOWN, MAX_LISTED, Problem, _collect, _short
from store.stage import STAGE

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
