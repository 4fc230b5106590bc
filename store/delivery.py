"""The `delivery` upload kind's own rules (shared/spec/delivery.md), over the typed rows of
a staged file (store.validate's ``_typed``). store.ingest passes ``rules`` to
store.validate.validate for this kind; each rule is an error naming the row, the column,
the value and what was expected:

- an action_id that is not in the register (with close ids suggested);
- ``completed`` without evidence; ``off_track`` or ``dropped`` without a reason;
- evidence that is a link other than http(s) (javascript:, file:, ftp:// ...);
- a due_quarter that differs from the one in force for that action without a reason:
  the one in force is the latest due quarter given for an earlier quarter, in the
  rows stored (those this file does not replace) or in this file, else the register's;
  the message names it and where it came from;
- a due_quarter before the baseline quarter, or more than ten years ahead.

The register is read with domain.register (store never imports metrics); a register
that cannot be read is a problem for the whole file. Values reach SQL as parameters.
"""

from __future__ import annotations

import csv
import difflib
import io

import duckdb

from domain import register as _register
from store import quarters
from store.problems import MAX_LISTED, Problem, _collect, _short
from store.typed import TYPED

AHEAD_MAX = 40  # quarters: a due quarter more than ten years ahead is a typing slip
REGISTER = "_register"  # temporary: action_id, due_quarter of the register

# A link is a scheme followed by // (https://..., ftp://...) or one of the schemes that
# run or open something without // (javascript:, data:, ...). Only http(s) is accepted.
_LINK = r"^\s*([A-Za-z][A-Za-z0-9+.\-]*://|(javascript|data|vbscript|file|mailto|blob):)"
_HTTP = r"^\s*https?://[^\s/?#]+"


def rules(con: duckdb.DuckDBPyConnection, col_of: dict[str, str]) -> list[tuple[int, Problem]]:
    """Every rule of the delivery contract over TYPED (see the module's docstring)."""
    try:
        reg = _register.load()
    except _register.RegisterError as exc:
        return [(1, Problem("error", None, None, None, f"the register cannot be read: {exc}"))]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {REGISTER} AS "
        "SELECT unnest($ids) AS action_id, unnest($dues) AS due_quarter",
        {"ids": reg.ids, "dues": [a.due_quarter for a in reg.actions]},
    )
    try:
        name = str(reg.path.resolve().relative_to(_register.ROOT))
    except ValueError:
        name = reg.path.name
    out = _unknown_ids(con, reg.ids, name)
    out += _needs_text(con)
    out += _links(con)
    out += _due_bounds(con, reg.baseline_quarter)
    out += _slipped(con, name, reg.baseline_quarter)
    return out


COLUMNS = (
    "action_id",
    "quarter",
    "status",
    "confidence",
    "due_quarter",
    "reason",
    "evidence",
    "commentary",
)


def one_update_csv(**values: str | None) -> bytes:
    """The CSV file (UTF-8, header and one row) that an upload of one update would be:
    the dashboard's form for one action hands this to store.ingest.ingest_file, so the
    update gets the same rules, batch and history as an uploaded file. Keys: COLUMNS."""
    unknown = set(values) - set(COLUMNS)
    if unknown:
        raise ValueError(f"not delivery columns: {', '.join(sorted(unknown))}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow([values.get(c) or "" for c in COLUMNS])
    return out.getvalue().encode("utf-8")


def _known(alias: str = "t") -> str:
    return f"{alias}.action_id IN (SELECT action_id FROM {REGISTER})"


def _unknown_ids(con, ids: list[str], register_name: str) -> list[tuple[int, Problem]]:
    sql = (
        f"SELECT t._row, t.raw_action_id, count(*) OVER (), t.action_id FROM {TYPED} t "
        f"WHERE t.action_id IS NOT NULL AND NOT {_known()} ORDER BY t._row LIMIT {MAX_LISTED}"
    )
    by_lower = {i.lower(): i for i in ids}

    def make(r):
        value = r[3]
        close = [by_lower[value.lower()]] if value.lower() in by_lower else []
        close += [
            c for c in difflib.get_close_matches(value, ids, n=3, cutoff=0.75) if c not in close
        ]
        hint = (
            f"; did you mean {' or '.join(close[:3])}?"
            if close
            else "; ids look like REC-data-2, PRI-4, NEXT-7 or ROLE-mhclg-data"
        )
        return Problem(
            "error",
            r[0],
            "action_id",
            _short(r[1]),
            f"is not an action of the register ({register_name}){hint}",
        )

    return _collect(con, sql, None, make)


def _needs_text(con) -> list[tuple[int, Problem]]:
    """completed needs evidence; off_track and dropped need a reason."""
    out = []
    sql = (
        f"SELECT _row, status, count(*) OVER () FROM {TYPED} "
        f"WHERE status = 'completed' AND evidence IS NULL ORDER BY _row LIMIT {MAX_LISTED}"
    )
    out += _collect(
        con,
        sql,
        None,
        lambda r: Problem(
            "error",
            r[0],
            "evidence",
            None,
            "status is completed, so evidence is required: a description of what shows the "
            "work is done, or a link starting http:// or https://",
        ),
    )
    sql = (
        f"SELECT _row, status, count(*) OVER () FROM {TYPED} "
        f"WHERE status IN ('off_track', 'dropped') AND reason IS NULL ORDER BY _row LIMIT {MAX_LISTED}"
    )
    out += _collect(
        con,
        sql,
        None,
        lambda r: Problem(
            "error",
            r[0],
            "reason",
            None,
            f"status is {r[1]}, so a reason is required: why the action is "
            + ("off track" if r[1] == "off_track" else "dropped"),
        ),
    )
    return out


def _links(con) -> list[tuple[int, Problem]]:
    sql = (
        f"SELECT _row, evidence, count(*) OVER (), regexp_matches(evidence, $http) FROM {TYPED} "
        "WHERE regexp_matches(evidence, $link) AND NOT regexp_matches(evidence, $http) "
        f"ORDER BY _row LIMIT {MAX_LISTED}"
    )
    return _collect(
        con,
        sql,
        {"link": _LINK, "http": _HTTP},
        lambda r: Problem(
            "error",
            r[0],
            "evidence",
            _short(r[1]),
            "a link must start with http:// or https:// and name a site (other kinds of link "
            "are refused); or describe the evidence in words",
        ),
    )


def _due_bounds(con, baseline: str) -> list[tuple[int, Problem]]:
    last = quarters.shift(quarters.current(), AHEAD_MAX)
    sql = (
        f"SELECT _row, due_quarter, count(*) OVER (), due_quarter < $baseline FROM {TYPED} "
        f"WHERE due_quarter < $baseline OR due_quarter > $last ORDER BY _row LIMIT {MAX_LISTED}"
    )

    def make(r):
        if r[3]:
            msg = (
                f"is before the baseline quarter {baseline} (when the report was published); "
                "expected that quarter or a later one"
            )
        else:
            msg = f"is more than ten years ahead (after {last}); check the year"
        return Problem("error", r[0], "due_quarter", r[1], msg)

    return _collect(con, sql, {"baseline": baseline, "last": last}, make)


def _slipped(con, register_name: str, baseline: str) -> list[tuple[int, Problem]]:
    """A due quarter that differs from the one in force, without a reason. In force for
    a row (action a, quarter q): the due quarter of the latest row for a before q that
    gave one, among the stored rows this file does not replace and the file's own rows;
    else the register's."""
    last = quarters.shift(quarters.current(), AHEAD_MAX)
    sql = f"""
        WITH up AS (
            SELECT _row, action_id, quarter, due_quarter, reason FROM {TYPED} t
            WHERE action_id IS NOT NULL AND quarter IS NOT NULL AND {_known()}),
        given AS (
            SELECT d.action_id, d.quarter, d.due_quarter, d.batch_id, CAST(NULL AS BIGINT) AS _row
            FROM delivery d
            WHERE d.due_quarter IS NOT NULL
              AND d.action_id IN (SELECT action_id FROM up)
              AND NOT EXISTS (SELECT 1 FROM up WHERE up.action_id = d.action_id
                                                 AND up.quarter = d.quarter)
            UNION ALL
            SELECT action_id, quarter, due_quarter, NULL, _row FROM up
            WHERE due_quarter IS NOT NULL),
        prior AS (
            SELECT u._row, u.due_quarter,
                   arg_max(g.due_quarter, g.quarter) AS was,
                   max(g.quarter) AS was_for,
                   arg_max(g.batch_id, g.quarter) AS was_batch,
                   arg_max(g._row, g.quarter) AS was_row
            FROM up u JOIN given g ON g.action_id = u.action_id AND g.quarter < u.quarter
            WHERE u.due_quarter IS NOT NULL AND u.reason IS NULL
            GROUP BY u._row, u.due_quarter)
        SELECT u._row, u.due_quarter, count(*) OVER (),
               coalesce(p.was, r.due_quarter) AS in_force,
               p.was_for, p.was_batch, p.was_row
        FROM up u
        LEFT JOIN prior p ON p._row = u._row
        JOIN {REGISTER} r ON r.action_id = u.action_id
        WHERE u.due_quarter IS NOT NULL AND u.reason IS NULL
          AND u.due_quarter BETWEEN $baseline AND $last
          AND coalesce(p.was, r.due_quarter) IS NOT NULL
          AND u.due_quarter <> coalesce(p.was, r.due_quarter)
        ORDER BY u._row LIMIT {MAX_LISTED}"""

    def make(r):
        if r[4] is None:
            source = f"set in the register, {register_name}"
        elif r[6] is not None:
            source = f"given for {r[4]} in row {r[6]} of this file"
        else:
            source = f"given for {r[4]} in batch {r[5]}"
        return Problem(
            "error",
            r[0],
            "due_quarter",
            r[1],
            f"differs from the due quarter in force, {r[3]} ({source}), and no reason is "
            "given: say in the reason column why the due quarter moved",
        )

    return _collect(con, sql, {"baseline": baseline, "last": last}, make)
