"""The blueprint's delivery: where every action of the register stands, as at a quarter.

    d = compute(con, as_of="2026-Q3")       # Delivery: every figure below, one pass
    d.actions                                # one row per action (ACTION_COLUMNS)
    d.counts                                 # {"total", "not_started", ..., "not_reported", ...}
    d.by_owner, d.by_theme, d.cells          # counts per owner, per theme, per table cell
    d.attention                              # one row per action needing attention and why
    d.slippage                               # every due-quarter revision, with its reason
    history(con, "REC-data-2")               # one action's updates

Rules (shared/spec/delivery.md):
- As at a quarter q: each action's latest update at or before q. An action with none is
  "not reported" (status not_reported): counted, never hidden, and apart from needs
  attention.
- Due quarters: the register's, where it sets one, is the original; otherwise the first
  one an update gives. The one in force at q is the latest given at or before q (else the
  register's). A revision is an update whose due quarter differs from the one in force
  before it; quarters_slipped is current minus original (negative: brought forward).
- Open: not completed and not dropped. Overdue: open and the due quarter in force is
  before q.
- Needs attention (reported and open), each with why: off_track; overdue; low
  confidence; slipped since the previous quarter (the due quarter in force at q is later
  than at q - 1); no update for two quarters or more (the latest update is q - 2 or
  earlier).
- Reason is the latest update's; commentary and evidence the latest given (with the
  quarter they were given for). Evidence is text; evidence_link says whether it is an
  http(s) link (the only links a page may make of it).

Values reach SQL as bound parameters; the register's ids and due quarters are bound as
lists. Everything after the queries is plain Python over at most one row per action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from domain.register import (
    CLOSED,
    STATUS_LABELS,
    STATUSES,
    TABLE_ORGANISATIONS,
    Register,
)
from metrics import register as mregister
from metrics.summary import MetricsError
from store import quarters as Q

NOT_REPORTED = "not_reported"
COUNT_STATUSES = (*STATUSES, NOT_REPORTED)
ATTENTION = {  # code -> label, in the order reasons are listed
    "off_track": "Off track",
    "overdue": "Overdue",
    "low_confidence": "Low confidence",
    "slipped": "Slipped since last quarter",
    "no_recent_update": "No update for two quarters or more",
}
STALE_QUARTERS = 2
_HTTP = re.compile(r"^https?://[^\s/?#]+\S*$")

ACTION_COLUMNS = [
    "id",
    "kind",
    "theme",
    "owner",  # organisation id, None = unassigned
    "owner_name",
    "text",
    "measures",  # list of measure ids
    "status",  # a status, or not_reported
    "status_label",
    "confidence",  # high, medium, low or None
    "last_quarter",  # quarter of the latest update at or before the quarter, None if none
    "updates",  # number of updates at or before the quarter
    "original_due",
    "due_quarter",  # in force at the quarter
    "due_source",  # 'register', 'update' or None (no due quarter)
    "quarters_slipped",  # index(due_quarter) - index(original_due), None without both
    "revisions",  # due-quarter revisions at or before the quarter
    "overdue",
    "reason",
    "commentary",
    "commentary_quarter",
    "evidence",
    "evidence_quarter",
    "evidence_link",  # evidence is an http(s) link
    "needs_attention",
    "attention",  # list of codes of ATTENTION
    "attention_why",  # list of sentences, one per code
]
COUNT_COLUMNS = ["total", *COUNT_STATUSES, "needs_attention", "overdue"]
SLIPPAGE_COLUMNS = [
    "id",
    "quarter",  # the update that revised it
    "from_due",  # the due quarter in force before it
    "to_due",
    "quarters",  # to - from (negative: brought forward)
    "reason",
    "batch_id",
]
HISTORY_COLUMNS = [
    "quarter",
    "status",
    "confidence",
    "due_quarter",
    "due_in_force",  # after this update
    "revised_from",  # the due quarter in force before it, when this update revised it
    "reason",
    "evidence",
    "commentary",
    "batch_id",
]


@dataclass(frozen=True)
class Delivery:
    quarter: str
    previous_quarter: str
    actions: pd.DataFrame  # ACTION_COLUMNS, register order
    counts: dict[str, int]  # COUNT_COLUMNS plus "unassigned"
    by_owner: pd.DataFrame  # owner, owner_name, COUNT_COLUMNS
    by_theme: pd.DataFrame  # theme, COUNT_COLUMNS
    cells: pd.DataFrame  # CELL_COLUMNS: the organisation x theme table
    attention: pd.DataFrame  # id, owner, theme, status, codes, why
    slippage: pd.DataFrame  # SLIPPAGE_COLUMNS


CELL_COLUMNS = [
    "organisation",
    "organisation_name",
    "theme",
    "action_id",  # its responsibility, ROLE-<organisation>-<theme>
    "status",
    "status_label",
    "confidence",
    "due_quarter",
    "needs_attention",
    "attention",
    "actions",  # every action the organisation owns in the theme (the responsibility too)
    "actions_needing_attention",
]


def quarters(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Quarters that hold any delivery update, oldest first."""
    rows = con.execute("SELECT DISTINCT quarter FROM delivery ORDER BY quarter").fetchall()
    return [r[0] for r in rows]


def resolve_quarter(as_of: str | None, available: list[str], baseline: str) -> str:
    """``as_of`` checked (any spelling of a quarter, from the baseline or the first update
    to the current quarter), or the latest quarter with an update (else the last complete
    quarter, not before the baseline). MetricsError says why a quarter is refused."""
    first = min([baseline, *available[:1]])
    last = Q.current()
    if as_of is None:
        if available:
            return available[-1]
        return max(Q.last_complete(), baseline)
    try:
        q = Q.parse(as_of)
    except Q.QuarterError as exc:
        raise MetricsError(f"Unknown quarter: {exc}") from None
    if not first <= q <= last:
        raise MetricsError(
            f"No delivery figures for {q}: choose a quarter from {first} (the "
            f"{'baseline' if first == baseline else 'first update'}) to {last} (the current quarter)."
        )
    return q


def _bound(reg: Register) -> dict:
    return {"ids": reg.ids, "dues": [a.due_quarter for a in reg.actions]}


_REG = "SELECT unnest($ids) AS action_id, unnest(CAST($dues AS VARCHAR[])) AS reg_due"
# Every update of a register action at or before $q, with the due quarter in force
# before it (`was`: the latest given for an earlier quarter, else the register's).
_UPDATES = f"""
    SELECT d.action_id, d.quarter, d.status, d.confidence, d.due_quarter, d.reason,
           d.evidence, d.commentary, d.batch_id, r.reg_due,
           coalesce(last_value(d.due_quarter IGNORE NULLS) OVER (
               PARTITION BY d.action_id ORDER BY d.quarter
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), r.reg_due) AS was
    FROM delivery d JOIN ({_REG}) r ON r.action_id = d.action_id
    WHERE d.quarter <= $q"""
_REVISED = "u.due_quarter IS NOT NULL AND u.was IS NOT NULL AND u.due_quarter <> u.was"

_PER_ACTION = f"""
    WITH u AS ({_UPDATES})
    SELECT u.action_id,
           max(u.quarter) AS last_quarter,
           count(*) AS updates,
           arg_max(u.status, u.quarter) AS status,
           arg_max(u.confidence, u.quarter) AS confidence,
           arg_max(u.reason, u.quarter) AS reason,
           arg_max(u.commentary, u.quarter) FILTER (WHERE u.commentary IS NOT NULL) AS commentary,
           max(u.quarter) FILTER (WHERE u.commentary IS NOT NULL) AS commentary_quarter,
           arg_max(u.evidence, u.quarter) FILTER (WHERE u.evidence IS NOT NULL) AS evidence,
           max(u.quarter) FILTER (WHERE u.evidence IS NOT NULL) AS evidence_quarter,
           arg_min(u.due_quarter, u.quarter) FILTER (WHERE u.due_quarter IS NOT NULL) AS first_given,
           arg_max(u.due_quarter, u.quarter) FILTER (WHERE u.due_quarter IS NOT NULL) AS last_given,
           arg_max(u.due_quarter, u.quarter)
               FILTER (WHERE u.due_quarter IS NOT NULL AND u.quarter <= $prev) AS given_by_prev,
           count(*) FILTER (WHERE {_REVISED}) AS revisions
    FROM u GROUP BY u.action_id"""

_SLIPPAGE = f"""
    WITH u AS ({_UPDATES})
    SELECT u.action_id, u.quarter, u.was, u.due_quarter, u.reason, u.batch_id
    FROM u WHERE {_REVISED}"""


def compute(
    con: duckdb.DuckDBPyConnection, as_of: str | None = None, register: Register | None = None
) -> Delivery:
    """Every delivery figure as at ``as_of`` (default: the latest quarter with an update)."""
    reg = register or mregister.load()
    q = resolve_quarter(as_of, quarters(con), reg.baseline_quarter)
    prev = Q.shift(q, -1)
    params = {**_bound(reg), "q": q, "prev": prev}
    per = {r[0]: r[1:] for r in con.execute(_PER_ACTION, params).fetchall()}
    slips = con.execute(_SLIPPAGE, {**_bound(reg), "q": q}).fetchall()
    records = _actions(reg, per, q)
    order = {aid: i for i, aid in enumerate(reg.ids)}
    slippage = pd.DataFrame(
        [
            (a, quarter, was, to, Q.index(to) - Q.index(was), reason, batch)
            for a, quarter, was, to, reason, batch in sorted(
                slips, key=lambda r: (order[r[0]], r[1])
            )
        ],
        columns=SLIPPAGE_COLUMNS,
        dtype=object,
    )
    counts = _counts(records)
    counts["unassigned"] = sum(r["owner"] is None for r in records)
    return Delivery(
        quarter=q,
        previous_quarter=prev,
        actions=pd.DataFrame(records, columns=ACTION_COLUMNS, dtype=object),
        counts=counts,
        by_owner=_by_owner(records, reg),
        by_theme=_by_theme(records, reg),
        cells=_cells(records, reg),
        attention=_attention(records),
        slippage=slippage,
    )


def _actions(reg: Register, per: dict[str, tuple], q: str) -> list[dict]:
    """One record per action of the register, in its order (ACTION_COLUMNS)."""
    qi = Q.index(q)
    rows = []
    for a in reg.actions:
        got = per.get(a.id)
        (
            last,
            n,
            status,
            confidence,
            reason,
            commentary,
            commentary_q,
            evidence,
            evidence_q,
            first_given,
            last_given,
            given_by_prev,
            revisions,
        ) = got if got else (None, 0, None, None, None, None, None, None, None, None, None, None, 0)
        original = a.due_quarter or first_given
        due = last_given or a.due_quarter
        source = "update" if last_given else "register" if a.due_quarter else None
        due_prev = given_by_prev or a.due_quarter
        status = status or NOT_REPORTED
        open_ = status not in CLOSED
        overdue = bool(open_ and due is not None and due < q)
        codes, why = [], []
        if got and open_:
            if status == "off_track":
                codes.append("off_track")
                why.append(f"Off track: {reason}" if reason else "Off track")
            if overdue:
                codes.append("overdue")
                why.append(f"Overdue: due {due}, not completed by {q}")
            if confidence == "low":
                codes.append("low_confidence")
                why.append(
                    f"Low confidence of finishing by {due}"
                    if due
                    else "Low confidence of finishing"
                )
            if due and due_prev and due > due_prev:
                codes.append("slipped")
                moved = Q.index(due) - Q.index(due_prev)
                why.append(
                    f"Slipped {moved} quarter{'s' if moved != 1 else ''} since {Q.shift(q, -1)}: "
                    f"due {due_prev} -> {due}" + (f" ({reason})" if reason else "")
                )
            if qi - Q.index(last) >= STALE_QUARTERS:
                codes.append("no_recent_update")
                gap = qi - Q.index(last)
                why.append(f"No update for {gap} quarters: the latest is for {last}")
        rows.append(
            {
                "id": a.id,
                "kind": a.kind,
                "theme": a.theme,
                "owner": a.owner,
                "owner_name": reg.organisation_name(a.owner),
                "text": a.text,
                "measures": list(a.measures),
                "status": status,
                "status_label": STATUS_LABELS[status],
                "confidence": confidence,
                "last_quarter": last,
                "updates": int(n),
                "original_due": original,
                "due_quarter": due,
                "due_source": source,
                "quarters_slipped": (
                    Q.index(due) - Q.index(original) if due and original else None
                ),
                "revisions": int(revisions),
                "overdue": overdue,
                "reason": reason,
                "commentary": commentary,
                "commentary_quarter": commentary_q,
                "evidence": evidence,
                "evidence_quarter": evidence_q,
                "evidence_link": bool(evidence and _HTTP.match(evidence)),
                "needs_attention": bool(codes),
                "attention": codes,
                "attention_why": why,
            }
        )
    return rows


def _counts(records: list[dict]) -> dict[str, int]:
    out = {c: 0 for c in COUNT_COLUMNS}
    for r in records:
        out["total"] += 1
        out[r["status"]] += 1
        out["needs_attention"] += bool(r["needs_attention"])
        out["overdue"] += bool(r["overdue"])
    return out


def _grouped(
    records: list[dict], column: str, keys: list[str | None]
) -> list[tuple[str | None, dict[str, int]]]:
    """Counts per value of ``column``, for each of ``keys`` in turn (one pass)."""
    buckets: dict[str | None, list[dict]] = {k: [] for k in keys}
    for r in records:
        buckets.setdefault(r[column], []).append(r)
    return [(k, _counts(buckets[k])) for k in keys]


def _by_owner(records: list[dict], reg: Register) -> pd.DataFrame:
    """One row per organisation (register order), then 'Unassigned' (owner None)."""
    keys: list[str | None] = [*reg.organisations, None]
    rows = [
        {"owner": k, "owner_name": reg.organisation_name(k), **c}
        for k, c in _grouped(records, "owner", keys)
    ]
    return pd.DataFrame(rows, columns=["owner", "owner_name", *COUNT_COLUMNS], dtype=object)


def _by_theme(records: list[dict], reg: Register) -> pd.DataFrame:
    """One row per theme (the targets file's order), then None (no theme)."""
    keys: list[str | None] = [*reg.themes, None]
    rows = [{"theme": k, **c} for k, c in _grouped(records, "theme", keys)]
    return pd.DataFrame(rows, columns=["theme", *COUNT_COLUMNS], dtype=object)


def _cells(records: list[dict], reg: Register) -> pd.DataFrame:
    """The organisation x theme table: per cell its responsibility's status, and how many
    actions the organisation owns in the theme."""
    by_id = {r["id"]: r for r in records}
    by_cell: dict[tuple, list[dict]] = {}
    for r in records:
        by_cell.setdefault((r["owner"], r["theme"]), []).append(r)
    rows = []
    for org in TABLE_ORGANISATIONS:
        for theme in reg.themes:
            role = by_id.get(f"ROLE-{org}-{theme}")
            owned = by_cell.get((org, theme), [])
            rows.append(
                {
                    "organisation": org,
                    "organisation_name": reg.organisation_name(org),
                    "theme": theme,
                    "action_id": role["id"] if role else None,
                    "status": role["status"] if role else None,
                    "status_label": role["status_label"] if role else None,
                    "confidence": role["confidence"] if role else None,
                    "due_quarter": role["due_quarter"] if role else None,
                    "needs_attention": bool(role and role["needs_attention"]),
                    "attention": list(role["attention"]) if role else [],
                    "actions": len(owned),
                    "actions_needing_attention": sum(bool(r["needs_attention"]) for r in owned),
                }
            )
    return pd.DataFrame(rows, columns=CELL_COLUMNS, dtype=object)


def _attention(records: list[dict]) -> pd.DataFrame:
    rows = [
        {
            "id": r["id"],
            "owner": r["owner"],
            "owner_name": r["owner_name"],
            "theme": r["theme"],
            "status": r["status"],
            "codes": list(r["attention"]),
            "why": list(r["attention_why"]),
        }
        for r in records
        if r["needs_attention"]
    ]
    return pd.DataFrame(
        rows, columns=["id", "owner", "owner_name", "theme", "status", "codes", "why"], dtype=object
    )


def history(
    con: duckdb.DuckDBPyConnection,
    action_id: str,
    as_of: str | None = None,
    register: Register | None = None,
) -> pd.DataFrame:
    """One action's updates, oldest first (HISTORY_COLUMNS), at or before ``as_of``
    (default: every one). KeyError for an id not in the register."""
    reg = register or mregister.load()
    action = reg.get(action_id)
    one = Register(reg.path, reg.organisations, (action,), reg.themes, reg.baseline_quarter)
    q = Q.parse(as_of) if as_of else "9999-Q4"
    sql = f"WITH u AS ({_UPDATES}) SELECT * FROM u ORDER BY u.quarter"
    rows = []
    for r in con.execute(sql, {**_bound(one), "q": q}).fetchall():
        (_id, quarter, status, confidence, due, reason, evidence, commentary, batch, _reg, was) = r
        rows.append(
            {
                "quarter": quarter,
                "status": status,
                "confidence": confidence,
                "due_quarter": due,
                "due_in_force": due or was,
                "revised_from": was if due and was and due != was else None,
                "reason": reason,
                "evidence": evidence,
                "commentary": commentary,
                "batch_id": batch,
            }
        )
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS, dtype=object)
