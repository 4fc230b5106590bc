"""The Delivery page: where every action of the register (metrics/register.toml) stands as
at a quarter, who owns it and where it is slipping; one action with its history is
viewmodels.delivery_action; the actions beside a theme's measures viewmodels.theme.actions.

    v = view(con, "2026-Q3", register_file)          # counts, the 6 x 6 table, the register
    filter_table(v, Filters(owner="lga"))            # the register table, filtered
    # one action: viewmodels.delivery_action.action

``register_file`` is ui.cache.register_state(): (path, modification time, size) of the
register file, so a cached view follows an edit of the register without any upload; the
register is read from its path. Figures come from metrics.delivery.compute / history.

Text from updates (reason, evidence, commentary) and from the register stays plain text:
it reaches the page in DataFrame cells or in fields the page shows with st.text; the
markdown built here holds only ids, computed words and quarters (escaped all the same).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from domain.register import KIND_LABELS, KINDS, STATUS_LABELS, Register
from metrics import config as mconfig
from metrics import delivery as D
from metrics import register as mregister
from metrics.summary import MetricsError
from viewmodels.text import escape_markdown

RegisterFile = tuple[Any, ...]  # ui.cache.register_state(): (path, mtime_ns, size)

STATUSES = D.COUNT_STATUSES  # the five of an update, then not_reported
STATUS_ICONS = {
    "not_started": "hourglass_empty",
    "in_progress": "autorenew",
    "completed": "check_circle",
    "off_track": "warning",
    "dropped": "cancel",
    "not_reported": "help",
}
STATUS_COLOURS = {  # always beside the icon and the words, never alone
    "not_started": "gray",
    "in_progress": "blue",
    "completed": "green",
    "off_track": "red",
    "dropped": "gray",
    "not_reported": "orange",
}
ATTENTION_ICON = ":material/flag:"
ALL = "all"
UNASSIGNED = "unassigned"  # the owner filter's value for actions nobody owns
NO_THEME = "none"
ATTENTION_OPTIONS = {ALL: "All actions", "yes": "Needs attention", "no": "Does not"}
TABLE_COLUMNS = [  # what a reader looks for first comes first (the table scrolls sideways)
    "id",
    "status",
    "owner",
    "needs attention",
    "action",
    "due",
    "confidence",
    "theme",
    "kind",
    "last update",
]


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or D.NOT_REPORTED, str(status))


def status_icon(status: str | None) -> str:
    return f":material/{STATUS_ICONS.get(status or D.NOT_REPORTED, 'help')}:"


def status_badge(status: str | None) -> str:
    """The status as a badge: colour, icon and words."""
    colour = STATUS_COLOURS.get(status or D.NOT_REPORTED, "gray")
    return f":{colour}-badge[{status_icon(status)} {status_label(status)}]"


def confidence_text(confidence: str | None) -> str:
    return f"{confidence} confidence" if confidence else "confidence not given"


def link(page: str, anchor: str | None = None, **query: str | None) -> str:
    """A relative link to a page of the dashboard ('delivery?action=REC-data-2&quarter=...')."""
    shown = {k: v for k, v in query.items() if v}
    return page + (f"?{urlencode(shown)}" if shown else "") + (f"#{anchor}" if anchor else "")


def anchor(href: str, text: str, label: str | None = None) -> str:
    """An HTML link that opens in the same tab (markdown links open a new one); ``text``
    is markdown already escaped, ``label`` (plain) is what a screen reader says."""
    aria = f' aria-label="{html.escape(label)}"' if label else ""
    return f'<a href="{html.escape(href)}" target="_self"{aria}>{text}</a>'


def plain(text: object) -> str:
    """Text shown literally inside markdown (viewmodels.text.escape_markdown)."""
    return escape_markdown(str(text))


def action_link(action_id: str, quarter: str | None) -> str:
    return link("delivery", action=action_id, quarter=quarter)


def load_register(register_file: RegisterFile) -> Register:
    return mregister.load(register_file[0] if register_file else None)


def theme_titles(cfg: mconfig.Config) -> dict[str, str]:
    return {t.id: t.title for t in cfg.themes.values()}


# ------------------------------------------------------------------ the whole register


@dataclass(frozen=True)
class Count:
    status: str
    label: str
    icon: str  # ':material/...:'
    n: int


@dataclass(frozen=True)
class Filters:
    owner: str = ALL  # an organisation id, UNASSIGNED or ALL
    theme: str = ALL  # a theme id, NO_THEME or ALL
    kind: str = ALL
    status: str = ALL
    attention: str = ALL  # 'yes', 'no' or ALL
    search: str = ""


@dataclass(frozen=True)
class DeliveryView:
    quarter: str | None  # as at (None with a problem)
    problem: str | None = None  # why there are no figures (a quarter out of range)
    total: int = 0
    counts: tuple[Count, ...] = ()
    needs_attention: int = 0
    overdue: int = 0
    unassigned: int = 0
    flags: str = ""  # needs attention, overdue, nobody owns: one markdown line
    counts_note: str = ""  # what 'not reported' and 'needs attention' mean
    intro: str = ""
    attention: tuple[str, ...] = ()  # ids of the actions needing attention
    attention_markdown: str = ""  # each linked to its page, with why (escaped): a list
    grid: str = ""  # the organisation x theme table, markdown with links
    cells: pd.DataFrame | None = None  # metrics.delivery's cells (for tests and downloads)
    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TABLE_COLUMNS))
    keys: tuple[tuple[str, str | None, str | None, str, bool, str], ...] = ()
    owners: dict[str, str] = field(default_factory=dict)  # filter value -> label
    themes: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # action id -> 'id: text'


def resolve_quarter(con: Any, quarter: str | None, reg: Register) -> tuple[str | None, str | None]:
    """(the quarter as at, None) or (None, why not)."""
    try:
        return D.resolve_quarter(quarter, D.quarters(con), reg.baseline_quarter), None
    except MetricsError as exc:
        return None, (
            f"{exc} Delivery of the blueprint is tracked from {reg.baseline_quarter}, the "
            "report's baseline: choose a later quarter in the sidebar."
        )


def view(con: Any, quarter: str | None, register_file: RegisterFile) -> DeliveryView:
    """Every figure of the Delivery page as at ``quarter`` (None: the latest update's)."""
    reg = load_register(register_file)
    q, problem = resolve_quarter(con, quarter, reg)
    if q is None:
        return DeliveryView(quarter=None, problem=problem)
    d = D.compute(con, as_of=q, register=reg)
    titles = theme_titles(mconfig.load())
    c = d.counts
    counts = tuple(Count(s, status_label(s), status_icon(s), int(c[s])) for s in STATUSES)
    records = d.actions.to_dict("records")
    flags = (
        f"{ATTENTION_ICON} **{c['needs_attention']}** need attention · "
        f":material/event_busy: **{c['overdue']}** overdue · "
        f":material/person_off: **{c['unassigned']}** nobody owns yet"
    )
    rows, keys = [], []
    for r in records:
        why = "; ".join(r["attention_why"])
        rows.append(
            {
                "id": r["id"],
                "action": r["text"],
                "kind": KIND_LABELS[r["kind"]],
                "theme": titles.get(r["theme"], "") if r["theme"] else "",
                "owner": r["owner_name"] if r["owner"] else "Unassigned: nobody owns this yet",
                "status": r["status_label"],
                "confidence": r["confidence"] or "",
                "due": r["due_quarter"] or "",
                "needs attention": why,
                "last update": r["last_quarter"] or "never",
            }
        )
        haystack = " ".join(
            str(v)
            for v in (
                r["id"],
                r["text"],
                r["owner_name"],
                titles.get(r["theme"], ""),
                r["status_label"],
                why,
                r["commentary"],
                r["evidence"],
                r["reason"],
            )
            if v
        ).casefold()
        keys.append(
            (r["kind"], r["owner"], r["theme"], r["status"], bool(r["needs_attention"]), haystack)
        )
    return DeliveryView(
        quarter=q,
        total=int(c["total"]),
        counts=counts,
        needs_attention=int(c["needs_attention"]),
        overdue=int(c["overdue"]),
        unassigned=int(c["unassigned"]),
        flags=flags,
        counts_note=(
            "Not reported: nobody has reported on the action yet (counted, never hidden). "
            "Needs attention: an open action that is off track, overdue, reported with low "
            f"confidence, slipped since {d.previous_quarter}, or without an update for two "
            "quarters or more."
        ),
        intro=(
            f"The {c['total']} actions the report names (recommendations, priority areas, "
            f"next steps and who should be doing what), as at {q}: each action's latest "
            "update at or before that quarter."
        ),
        attention=tuple(r["id"] for r in records if r["needs_attention"]),
        attention_markdown="\n".join(
            f"- {anchor(action_link(r['id'], q), plain(r['id']))}: "
            + plain("; ".join(r["attention_why"]))
            for r in records
            if r["needs_attention"]
        ),
        grid=grid_markdown(d.cells, reg, titles, q),
        cells=d.cells,
        table=pd.DataFrame(rows, columns=TABLE_COLUMNS, dtype=object),
        keys=tuple(keys),
        owners={
            ALL: "All owners",
            **reg.organisations,
            UNASSIGNED: "Unassigned (nobody owns it yet)",
        },
        themes={ALL: "All themes", **titles, NO_THEME: "No theme"},
        kinds={ALL: "All kinds", **{k: KIND_LABELS[k] for k in KINDS}},
        statuses={ALL: "All statuses", **{s: status_label(s) for s in STATUSES}},
        labels={r["id"]: f"{r['id']}: {r['text']}" for r in records},
    )


def grid_markdown(cells: pd.DataFrame, reg: Register, titles: dict[str, str], quarter: str) -> str:
    """The report's "who should be doing what" table: one row per organisation, one column
    per theme; each cell its responsibility's status and confidence in words with an icon,
    linked to the action, and a flag when it needs attention."""
    themes = list(reg.themes)
    lines = [
        "| Who | " + " | ".join(plain(titles.get(t, t)) for t in themes) + " |",
        "|---|" + "---|" * len(themes),
    ]
    by_org: dict[str, list[str]] = {}
    for r in cells.to_dict("records"):
        org, theme = r["organisation"], r["theme"]
        if r["action_id"] is None:
            text = "not in the register"
        else:
            reported = r["status"] != D.NOT_REPORTED
            words = status_label(r["status"]) + (
                f", {confidence_text(r['confidence'])}" if reported else ""
            )
            label = (
                f"{reg.organisation_name(org)}, {titles.get(theme, theme)}: {words}"
                + (", needs attention" if r["needs_attention"] else "")
                + f" ({r['action_id']})"
            )
            text = anchor(
                action_link(r["action_id"], quarter),
                f"{status_icon(r['status'])} {plain(status_label(r['status']))}",
                label,
            )
            if reported:  # nothing reported: no confidence to show
                text += f"<br>{plain(confidence_text(r['confidence']))}"
            if r["needs_attention"]:
                text += f"<br>:red[{ATTENTION_ICON} needs attention]"
        by_org.setdefault(org, []).append(text)
    for org, texts in by_org.items():
        lines.append(f"| **{plain(reg.organisation_name(org))}** | " + " | ".join(texts) + " |")
    return "\n".join(lines)


def filter_table(v: DeliveryView, f: Filters) -> pd.DataFrame:
    """The register table with the filters applied (the table itself when none is)."""
    if replace(f, search=f.search.strip()) == Filters():
        return v.table
    words = f.search.casefold().split()
    keep = [
        i
        for i, (kind, owner, theme, status, attention, haystack) in enumerate(v.keys)
        if (f.kind == ALL or kind == f.kind)
        and (f.owner == ALL or owner == (None if f.owner == UNASSIGNED else f.owner))
        and (f.theme == ALL or theme == (None if f.theme == NO_THEME else f.theme))
        and (f.status == ALL or status == f.status)
        and (f.attention == ALL or attention == (f.attention == "yes"))
        and all(w in haystack for w in words)
    ]
    return v.table.iloc[keep].reset_index(drop=True)


def row_id(table: pd.DataFrame, position: int) -> str:
    """The action id of a row of a (filtered) register table, by its position."""
    return str(table["id"].iloc[position])


# ------------------------------------------------------------------ beside a theme's measures


@dataclass(frozen=True)
class ThemeActions:
    """The actions of one theme, for its theme page (viewmodels.theme.actions)."""

    label: str  # 'Actions in this theme: 11, 2 need attention'
    table: str  # markdown: id (linked to the action), action, owner, status, needs attention
    by_measure: dict[str, str]  # measure id -> its actions, linked, with their status
    n: int = 0


def theme_actions(
    con: Any, theme_id: str, quarter: str | None, register_file: RegisterFile
) -> ThemeActions:
    """The register's actions of ``theme_id`` as at ``quarter``, each linked to its page on
    the Delivery page, and per measure of the theme the actions meant to move it."""
    reg = load_register(register_file)
    q, problem = resolve_quarter(con, quarter, reg)
    if q is None:
        return ThemeActions("Actions in this theme", plain(problem or ""), {})
    d = D.compute(con, as_of=q, register=reg)
    rows = [r for r in d.actions.to_dict("records") if r["theme"] == theme_id]
    attention = sum(bool(r["needs_attention"]) for r in rows)
    lines = [
        "| Action | What | Owner | Status | Needs attention |",
        "|---|---|---|---|---|",
    ]
    by_measure: dict[str, list[str]] = {}
    for r in rows:
        href = action_link(r["id"], q)
        owner = plain(r["owner_name"]) if r["owner"] else ":orange[nobody owns it yet]"
        flag = (
            f":red[{ATTENTION_ICON} {plain('; '.join(r['attention_why']))}]"
            if r["needs_attention"]
            else "no"
        )
        lines.append(
            f"| {anchor(href, plain(r['id']))} | {plain(r['text'])} | {owner} | "
            f"{status_icon(r['status'])} {plain(status_label(r['status']))} | {flag} |"
        )
        for mid in r["measures"]:
            label = f"{r['id']}: {r['text']}"
            by_measure.setdefault(mid, []).append(
                f"{anchor(href, plain(r['id']), label)} "
                f"({status_icon(r['status'])} {plain(status_label(r['status']))})"
            )
    return ThemeActions(
        label=(
            f"Actions in this theme: {len(rows)}"
            + (f", {attention} need{'s' if attention == 1 else ''} attention" if attention else "")
            + f" (as at {q})"
        ),
        table="\n".join(lines),
        by_measure={
            mid: "Actions meant to move this measure: " + " · ".join(found)
            for mid, found in by_measure.items()
        },
        n=len(rows),
    )
