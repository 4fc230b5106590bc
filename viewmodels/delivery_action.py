"""One action of the Delivery page (``?action=ID``): where it stands as at a quarter, its
history (status over quarters, due-quarter revisions with their reasons, evidence,
commentary), the measures it is meant to move with their status, and what the analysts'
update form starts from.

    a = action(con, "REC-data-2", "2026-Q3", "national", register_file)  # None: no such id

Text from updates stays plain text: DataFrame cells, or fields the page shows with
st.text; the markdown here holds ids, computed words and quarters, escaped (plain).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from domain.register import CLOSED, KIND_LABELS
from metrics import config as mconfig
from metrics import delivery as D
from metrics.summary import MetricsError
from store import quarters as Q
from viewmodels.delivery import (
    ATTENTION_ICON,
    RegisterFile,
    anchor,
    confidence_text,
    link,
    load_register,
    plain,
    resolve_quarter,
    status_badge,
    status_icon,
    status_label,
    theme_titles,
)


@dataclass(frozen=True)
class MeasureLink:
    id: str
    title: str
    theme: str
    status: str  # status label (or the direction of travel), words
    markdown: str  # one line: linked title, status badge, value


@dataclass(frozen=True)
class UpdateForm:
    """What the update form offers and starts from."""

    quarters: tuple[str, ...]  # newest first
    quarter: str
    statuses: dict[str, str]  # status -> words
    status: str
    confidences: dict[str, str]  # '' = not given
    confidence: str
    dues: tuple[str, ...]  # '' first: none
    due: str
    # The texts of the update already stored for ``quarter`` (recording it again replaces
    # it: start from what it said); for a new quarter, the latest reason while the action
    # is off track or dropped (it needs one every quarter), else nothing.
    reason: str = ""
    evidence: str = ""
    commentary: str = ""


@dataclass(frozen=True)
class ActionView:
    id: str
    quarter: str
    heading: str  # 'REC-data-2 · Recommendation'
    text: str  # the action as the report words it (plain text)
    text_markdown: str  # the same, escaped for markdown
    badges: str  # status, confidence, needs attention: markdown (computed words only)
    facts: str  # theme, owner, due quarters, last update: markdown (escaped)
    unowned: bool
    attention: tuple[str, ...]  # why it needs attention (may hold a reason: plain text)
    attention_markdown: str  # the same as a markdown list, escaped
    reason: str | None
    commentary: str | None
    commentary_quarter: str | None
    evidence: str | None
    evidence_quarter: str | None
    evidence_url: str | None  # the evidence when it is an http(s) link, else None
    timeline: str  # status over quarters: markdown (computed words only)
    history: pd.DataFrame  # every update, newest first (plain text cells)
    later: int  # updates after the quarter shown (listed, not counted)
    revisions: pd.DataFrame  # due-quarter revisions with their reasons
    original_due: str  # in words
    measures: tuple[MeasureLink, ...]
    form: UpdateForm


HISTORY_COLUMNS = [
    "quarter",
    "status",
    "commentary",
    "reason",
    "due quarter",
    "due moved",
    "confidence",
    "evidence",
    "evidence link",
    "batch",
]
REVISION_COLUMNS = ["in quarter", "from", "to", "quarters moved", "reason"]


def evidence_url(evidence: object) -> str | None:
    """The evidence itself when it is an http(s) link (metrics.delivery's rule), else None."""
    if isinstance(evidence, str) and D._HTTP.match(evidence):
        return evidence
    return None


def _slip_words(slipped: int, original: str) -> str:
    """'4 quarters later than the original 2026-Q2' (or earlier: brought forward)."""
    n = abs(slipped)
    return (
        f"{n} quarter{'s' if n != 1 else ''} {'later' if slipped > 0 else 'earlier'} "
        f"than the original {original}"
    )


def _moved(frm: str, to: str) -> int:
    return Q.index(to) - Q.index(frm)


def action(
    con: Any, action_id: str, quarter: str | None, level: str, register_file: RegisterFile
) -> ActionView | None:
    """One action as at ``quarter``, with every update it has had; None when the register
    has no such action (or the quarter is out of range: the page says why)."""
    reg = load_register(register_file)
    if action_id not in reg.ids:
        return None
    q, _problem = resolve_quarter(con, quarter, reg)
    if q is None:
        return None
    cfg = mconfig.load()
    titles = theme_titles(cfg)
    d = D.compute(con, as_of=q, register=reg)
    r = d.actions[d.actions["id"] == action_id].to_dict("records")[0]
    updates = D.history(con, action_id, register=reg).to_dict("records")
    shown = [u for u in updates if u["quarter"] <= q]
    history = pd.DataFrame(
        [
            {
                "quarter": u["quarter"]
                + ("" if u["quarter"] <= q else " (after the quarter shown)"),
                "status": status_label(u["status"]),
                "confidence": u["confidence"] or "",
                "due quarter": u["due_in_force"] or "",
                "due moved": (
                    f"{u['revised_from']} -> {u['due_quarter']} "
                    f"({_moved(u['revised_from'], u['due_quarter']):+d})"
                    if u["revised_from"]
                    else ""
                ),
                "reason": u["reason"] or "",
                "evidence": u["evidence"] or "",
                "evidence link": evidence_url(u["evidence"]),
                "commentary": u["commentary"] or "",
                "batch": int(u["batch_id"]),
            }
            for u in reversed(updates)
        ],
        columns=HISTORY_COLUMNS,
        dtype=object,
    )
    revisions = pd.DataFrame(
        [
            (
                u["quarter"],
                u["revised_from"],
                u["due_quarter"],
                _moved(u["revised_from"], u["due_quarter"]),
                u["reason"] or "",
            )
            for u in shown
            if u["revised_from"]
        ],
        columns=REVISION_COLUMNS,
        dtype=object,
    )
    a = reg.get(action_id)
    if r["original_due"] is None:
        original = "No due quarter set yet (the register sets none; the first update that gives one sets it)."
    elif a.due_quarter:
        original = f"Original due quarter {r['original_due']}, set in the register."
    else:
        first = next((u["quarter"] for u in shown if u["due_quarter"]), None)
        original = (
            f"Original due quarter {r['original_due']}, first given in the update for {first}."
        )
    badges = " ".join(
        [status_badge(r["status"]), f":gray-badge[{plain(confidence_text(r['confidence']))}]"]
        + ([f":red-badge[{ATTENTION_ICON} needs attention]"] if r["needs_attention"] else [])
        + ([":orange-badge[:material/event_busy: overdue]"] if r["overdue"] else [])
    )
    owner = (
        plain(r["owner_name"])
        if r["owner"]
        else ":orange[:material/person_off: **Nobody owns this yet**] (the forum sets an owner in the register)"
    )
    due = r["due_quarter"] or "not set"
    slipped = r["quarters_slipped"]
    facts = "  \n".join(
        [
            f"**Theme:** {plain(titles[r['theme']]) if r['theme'] else 'none (it serves the blueprint as a whole)'}",
            f"**Owner:** {owner}",
            f"**Due:** {due}"
            + (f" ({_slip_words(slipped, r['original_due'])})" if slipped else ""),
            f"**Last update:** {r['last_quarter'] or f'none up to {q}'}"
            + (
                f" · {r['updates']} update{'s' if r['updates'] != 1 else ''} in all"
                if r["updates"]
                else ""
            ),
        ]
    )
    status_of = {u["quarter"]: u["status"] for u in shown}
    timeline = ""
    if shown:  # every quarter from the first update, until the action closed
        steps = []
        for quarter_ in Q.between(shown[0]["quarter"], q):
            s = status_of.get(quarter_)
            steps.append(
                f"**{quarter_}** {status_icon(s)} {status_label(s)}"
                if s
                else f"**{quarter_}** :gray[no update]"
            )
            if s in CLOSED:
                break
        timeline = " → ".join(steps)
    quarters_ = tuple(reversed(Q.between(reg.baseline_quarter, Q.current())))
    form_quarter = q if q in quarters_ else quarters_[0]
    same = next((u for u in updates if u["quarter"] == form_quarter), None)
    needs_reason = r["status"] in ("off_track", "dropped")
    last_due = max(Q.shift(Q.current(), 20), r["due_quarter"] or "")
    return ActionView(
        id=action_id,
        quarter=q,
        heading=f"{action_id} · {KIND_LABELS[r['kind']]}",
        text=r["text"],
        text_markdown=plain(r["text"]),
        badges=badges,
        facts=facts,
        unowned=r["owner"] is None,
        attention=tuple(r["attention_why"]),
        attention_markdown="\n".join(f"- {plain(w)}" for w in r["attention_why"]),
        reason=r["reason"],
        commentary=r["commentary"],
        commentary_quarter=r["commentary_quarter"],
        evidence=r["evidence"],
        evidence_quarter=r["evidence_quarter"],
        evidence_url=evidence_url(r["evidence"]) if r["evidence_link"] else None,
        timeline=timeline,
        history=history,
        later=len(updates) - len(shown),
        revisions=revisions,
        original_due=original,
        measures=measure_links(con, r["measures"], cfg, quarter, level),
        form=UpdateForm(
            quarters=quarters_,
            quarter=form_quarter,
            statuses={s: status_label(s) for s in D.STATUSES},
            status=r["status"] if r["status"] in D.STATUSES else "not_started",
            confidences={"": "not given", "high": "high", "medium": "medium", "low": "low"},
            confidence=r["confidence"] or "",
            dues=("", *Q.between(reg.baseline_quarter, last_due)),
            due=r["due_quarter"] or "",
            reason=(same or {}).get("reason") or (r["reason"] if needs_reason else "") or "",
            evidence=(same or {}).get("evidence") or "",
            commentary=(same or {}).get("commentary") or "",
        ),
    )


def measure_links(
    con: Any,
    measure_ids: Sequence[str],
    cfg: mconfig.Config,
    quarter: str | None,
    level: str = "national",
) -> tuple[MeasureLink, ...]:
    """The measures an action is meant to move, each with its status as at ``quarter`` (the
    frame's quarter with data; None: no figures yet) and a link to it on its theme page."""
    from metrics import summary as msummary
    from viewmodels import text

    rows: dict[str, Any] = {}
    if quarter and measure_ids:
        try:
            found = msummary.summary(con, as_of=quarter, config=cfg)
            rows = {r["id"]: r for r in found.to_dict("records")}
        except MetricsError:
            rows = {}
    out = []
    for mid in measure_ids:
        m = cfg.measures[mid]
        # every filter of the frame in the link: a URL the frame had to complete would lose
        # its #anchor when the frame writes it back
        href = link("theme", anchor=mid, theme=m.theme, quarter=quarter, level=level)
        row = rows.get(mid)
        if row is None:
            status, tail = "No figure yet", ":gray[no figure yet]"
        else:
            c = text.card(row)
            status = c.status_label
            tail = f":{c.status_colour}-badge[{c.status_icon} {plain(c.status_label)}]" + (
                f" {plain(c.value)} in {quarter}" if m.unit != "milestone" else ""
            )
        out.append(
            MeasureLink(
                id=mid,
                title=m.title,
                theme=m.theme,
                status=status,
                markdown=f"{anchor(href, plain(m.title))}: {tail}",
            )
        )
    return tuple(out)
