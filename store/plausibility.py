"""Plausibility: an upload compared with each council's previous return, as warnings.

A checked file may still be wrong in ways no rule of the data contract can see: a
headcount typed with an extra zero, a spend that drops to nothing, a return that leaves
out half the councils. Before a file is loaded (store.ingest's dry run) these checks
compare it with what is stored, and say what they found as warnings: they never stop
a load. The thresholds live in the targets file's ``[plausibility]`` table
(domain.plausibility), and every warning says which threshold it crossed:

- a value more than ``factor`` times, or under 1/``factor`` of, the same council's
  previous return (the latest earlier quarter; for workforce, of the same role family),
  when that previous value is at least the column's minimum;
- a file that names fewer councils for a quarter than the quarter before had returns from;
- a workforce return that reports fewer role families for a council than its previous one.

"Previous" reads the stored rows as they would be after the load: rows the file replaces
do not count, and the file's own earlier quarters do.

    problems = check(con, kind, upload_table)   # con: the database, with the upload's
                                                # typed rows and keys as temp tables
"""

from __future__ import annotations

import duckdb

from domain import plausibility as _settings
from store import quarters
from store.kinds import Kind
from store.problems import Problem

KINDS = ("survey", "workforce")  # the returns with a council's quarterly figures
MAX_WARNINGS = 50  # value warnings listed per file (the rest are counted)
MAX_NAMED = 5  # councils named in a "fewer councils" warning


def number_text(x: float) -> str:
    """1200 -> '1,200'; 2.5 -> '2.50'."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}"


def _ratio_text(ratio: float) -> str:
    return f"{ratio:,.1f}x" if ratio >= 0.095 or ratio == 0 else f"{ratio:.3f}x"


def value_message(
    column: str, new: float, previous: float, previous_quarter: str, factor: float
) -> str:
    """The warning for a value far from the previous return, with the threshold."""
    ratio = new / previous
    text = (
        f"{column} {number_text(new)} is {_ratio_text(ratio)} the previous return "
        f"({number_text(previous)} in {previous_quarter}); the check flags changes over "
        f"{factor:g}x"
    )
    if ratio < 1:
        text += f", up or down (below {1 / factor:.2f}x)"
    return text + ". Check the figure: if it is right, load the file anyway."


def check(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    upload: str,
    keys: str,
    settings: _settings.Plausibility | None = None,
) -> tuple[list[Problem], int]:
    """The warnings for the upload's typed rows in the temp table ``upload`` (columns
    _row, council_code, quarter, [role_family,] and the checked columns) against the
    stored returns of ``con``; ``keys``: the temp table of the keys it replaces
    (kind.replace_by). Returns (warnings, how many more value warnings were not listed)."""
    if kind.name not in KINDS:
        return [], 0
    cfg = settings or _settings.load()
    problems, hidden = _values(con, kind, upload, keys, cfg)
    if cfg.fewer_councils:
        problems += _fewer_councils(con, kind, upload, keys)
    if kind.name == "workforce" and cfg.fewer_role_families:
        problems += _fewer_families(con, kind, upload, keys)
    return problems, hidden


def upload_columns(kind: Kind, settings: _settings.Plausibility | None = None) -> list[str]:
    """The columns of the upload's typed rows the checks read (store.ingest copies them)."""
    if kind.name not in KINDS:
        return []
    cfg = settings or _settings.load()
    cols = ["council_code", "quarter"] + (["role_family"] if kind.name == "workforce" else [])
    names = {c.name for c in kind.columns}
    return cols + [c for c in cfg.checked(kind.name) if c in names]


def _kept(kind: Kind, keys: str, alias: str) -> str:
    """SQL: a stored row (alias) the upload does not replace."""
    cond = " AND ".join(f"k.{c} = {alias}.{c}" for c in kind.replace_by)
    return f"NOT EXISTS (SELECT 1 FROM {keys} k WHERE {cond})"


def _candidates(kind: Kind, upload: str, keys: str, cols: list[str]) -> str:
    """SQL: every return as it would be after the load (stored rows not replaced, and
    the upload's), for the councils of the upload."""
    sel = ", ".join(cols)
    return (
        f"SELECT {sel} FROM {kind.table} s WHERE {_kept(kind, keys, 's')} "
        f"AND s.council_code IN (SELECT council_code FROM {upload}) "
        f"UNION ALL SELECT {sel} FROM {upload}"
    )


def _values(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    upload: str,
    keys: str,
    cfg: _settings.Plausibility,
) -> tuple[list[Problem], int]:
    checked = {
        c: m for c, m in cfg.checked(kind.name).items() if c in {x.name for x in kind.columns}
    }
    if not checked:
        return [], 0
    family = kind.name == "workforce"
    match = "u.council_code = p.council_code" + (
        " AND u.role_family = p.role_family" if family else ""
    )
    base = ["council_code", "quarter"] + (["role_family"] if family else [])
    cand = _candidates(kind, upload, keys, base + list(checked))
    factor = float(cfg.factor)
    flagged = []
    for c in checked:
        flagged.append(
            f"(p.{c} >= ? AND p.{c} > 0 AND u.{c} IS NOT NULL "
            f"AND (u.{c} > p.{c} * ? OR u.{c} * ? < p.{c}))"
        )
    params: list[float] = []
    for _c, minimum in checked.items():
        params += [float(minimum), factor, factor]
    cols = ", ".join(f"u.{c}, p.{c}" for c in checked)
    sql = (
        f"SELECT u._row, p.quarter, {cols} FROM {upload} u ASOF JOIN ({cand}) p "
        f"ON {match} AND u.quarter > p.quarter WHERE {' OR '.join(flagged)} ORDER BY u._row"
    )
    rows = con.execute(sql, params).fetchall()
    problems: list[Problem] = []
    hidden = 0
    for r in rows:
        row, prev_q = r[0], r[1]
        for i, (c, minimum) in enumerate(checked.items()):
            new, prev = r[2 + 2 * i], r[3 + 2 * i]
            if new is None or prev is None or prev < minimum or prev <= 0:
                continue
            if not (new > prev * factor or new * factor < prev):
                continue
            if len(problems) >= MAX_WARNINGS:
                hidden += 1
                continue
            problems.append(
                Problem(
                    "warning",
                    int(row),
                    c,
                    number_text(float(new)),
                    value_message(c, float(new), float(prev), prev_q, factor),
                )
            )
    return problems, hidden


def _fewer_councils(
    con: duckdb.DuckDBPyConnection, kind: Kind, upload: str, keys: str
) -> list[Problem]:
    """Per quarter of the file: fewer councils than the quarter before had returns from."""
    found = con.execute(
        f"SELECT quarter, list(DISTINCT council_code) FROM {upload} GROUP BY quarter ORDER BY 1"
    ).fetchall()
    out = []
    for q, councils in found:
        before = quarters.shift(q, -1)
        sql = (
            f"SELECT DISTINCT p.council_code, coalesce(c.name, p.council_code) FROM "
            f"(SELECT council_code FROM {kind.table} s WHERE s.quarter = ? AND "
            f"{_kept(kind, keys, 's')} UNION SELECT council_code FROM {upload} WHERE quarter = ?) p "
            "LEFT JOIN councils c ON c.council_code = p.council_code ORDER BY 2"
        )
        previous = con.execute(sql, [before, before]).fetchall()
        if len(councils) >= len(previous):
            continue
        now = set(councils)
        gone = [name for code, name in previous if code not in now]
        named = ", ".join(gone[:MAX_NAMED]) + (
            f" and {len(gone) - MAX_NAMED:,} more" if len(gone) > MAX_NAMED else ""
        )
        n_now, n_prev = len(councils), len(previous)
        out.append(
            Problem(
                "warning",
                None,
                "council_code",
                None,
                f"this file has {kind.name} returns from {n_now:,} council"
                f"{'' if n_now == 1 else 's'} for {q}, fewer than the {n_prev:,} with a return "
                f"for {before}" + (f" (not in this file: {named})" if named else "") + ". "
                "If the file is one part of the quarter's returns, that is expected; "
                "otherwise check that no council was left out.",
            )
        )
    return out


def _fewer_families(
    con: duckdb.DuckDBPyConnection, kind: Kind, upload: str, keys: str
) -> list[Problem]:
    """Per council and quarter of a workforce file: fewer role families than its previous
    return."""
    cand = _candidates(kind, upload, keys, ["council_code", "quarter", "role_family"])
    sql = (
        f"WITH up AS (SELECT council_code, quarter, min(_row) AS _row, "
        f"list(DISTINCT role_family ORDER BY role_family) AS fams FROM {upload} GROUP BY ALL), "
        f"cq AS (SELECT council_code, quarter, list(DISTINCT role_family ORDER BY role_family) "
        f"AS fams FROM ({cand}) GROUP BY ALL) "
        "SELECT up._row, coalesce(c.name, up.council_code), up.quarter, up.fams, p.quarter, "
        "p.fams FROM up ASOF JOIN cq p ON up.council_code = p.council_code "
        "AND up.quarter > p.quarter LEFT JOIN councils c ON c.council_code = up.council_code "
        "WHERE len(up.fams) < len(p.fams) ORDER BY up._row"
    )
    out = []
    for row, name, q, now, prev_q, before in con.execute(sql).fetchall()[:MAX_WARNINGS]:
        gone = [f for f in before if f not in now]
        if now == ["all"]:
            what = (
                f"{name} reports its whole workforce as one row ('all') for {q}, where its "
                f"{prev_q} return had a breakdown by {len(before)} role families"
            )
        else:
            what = (
                f"{name} reports {len(now)} role famil{'y' if len(now) == 1 else 'ies'} for "
                f"{q}, fewer than the {len(before)} of its {prev_q} return (not in this file: "
                f"{', '.join(gone)})"
            )
        out.append(
            Problem(
                "warning",
                int(row),
                "role_family",
                None,
                what + ". Check that no row was left out: the file replaces everything stored "
                "for the council and quarter.",
            )
        )
    return out
