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

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from store import kinds as _kinds
from store.columns import Column
from store.keys import _group_keys, _regroup_keys
from store.kinds import Kind
from store.problems import MAX_LISTED, Problem
from store.resolve import _build_maps, _resolve
from store.row_checks import _row_checks
from store.stage import STAGE, Staged
from store.typed import TYPED, _layout, _typed_view
from store.unsafe import _cell_checks, personal_header
from store.value_checks import _value_checks

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
