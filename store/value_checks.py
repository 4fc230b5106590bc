"""The rules of each column over the typed rows: required values, types, ranges, a part
above its whole, dates in order, councils, quarters and regions that do not resolve,
choices, lengths (several rules of a column in one scan)."""

from __future__ import annotations

from store import quarters
from store.columns import Column
from store.kinds import Kind
from store.problems import _SHOWN, MAX_LISTED, Problem, _collect, _num, _short
from store.resolve import _did_you_mean
from store.typed import TYPED
from store.unsafe import _classify
from store.value_sql import _lit, _trim

_SUSPECT = "_suspect"


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
