"""The quarter at a glance: what a leader reads first (the Overview's top, the board pack).

Pure: plain summary DataFrames in (metrics.summary.summary() for a quarter and for the
quarter before it, nationally or filtered to one group), dataclasses out. No database,
no Streamlit.

    g = at_a_glance(summary(con, "2026-Q3"), summary(con, "2026-Q2"))
    g.counts          # StatusCount per status of the measures with a target (words + icon)
    g.milestones      # MilestoneCount: in place out of how many
    g.changes         # StatusChange per measure whose status moved since the previous quarter
    g.attention       # AttentionItem: deteriorating, limited progress, worse than last
                      # quarter (one line of reason each), then any extras passed in
    g.table           # MeasureLine per measure: theme, measure, value, target, status,
                      # change, coverage (texts as shown)

Status is always carried as words, a text glyph (metrics.progress.STATUS_LABELS) and a
Material icon name, never as a colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from metrics import progress as P
from metrics import wording as W
from store import quarters as Q

# The statuses of a measure with a numeric target, best first. The first five are always
# counted (zero included); the others only when some measure has them.
TARGET_STATUSES = (
    "achieved",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "deteriorating",
    "not_enough_data",
    "no_group_target",
)
ALWAYS_COUNTED = TARGET_STATUSES[:5]
# Better is smaller. Statuses outside this ranking (not enough data, no group target)
# can change but are neither better nor worse.
RANK = {
    "achieved": 0,
    "on_track": 1,
    "acceleration_needed": 2,
    "limited_progress": 3,
    "deteriorating": 4,
}
MILESTONE_RANK = {"achieved": 0, "not_yet": 1}
DIRECTION_ICONS = {
    "improving": "trending_up",
    "stable": "trending_flat",
    "worsening": "trending_down",
}


@dataclass(frozen=True)
class StatusCount:
    """How many measures with a target have one status."""

    status: str  # 'on_track'
    words: str  # 'On track'
    glyph: str  # '✓' (a text glyph: prints without an emoji font)
    icon: str  # Material icon name: 'check_circle'
    count: int
    measures: tuple[str, ...]  # their titles, in the configuration's order

    @property
    def label(self) -> str:
        """'✓ On track' (as metrics.progress.label)."""
        return f"{self.glyph} {self.words}".strip()


@dataclass(frozen=True)
class MilestoneCount:
    achieved: int
    total: int
    in_place: tuple[str, ...]  # titles
    not_yet: tuple[str, ...]

    @property
    def text(self) -> str:
        """'1 of 4 milestones in place' (or that none are reported for this scope)."""
        if not self.total:
            return "No milestones for this scope (they are national)"
        return f"{self.achieved} of {self.total} milestone{'s' if self.total != 1 else ''} in place"


@dataclass(frozen=True)
class StatusChange:
    """A measure whose status is not what it was in the previous quarter."""

    id: str
    title: str
    theme_title: str
    before: str  # status in the previous quarter
    after: str  # status now
    before_label: str  # '✓ On track'
    after_label: str
    change: str  # 'better', 'worse' or 'changed' (to or from a status outside the ranking)
    icon: str  # Material icon: trending_up / trending_down / sync_alt

    @property
    def text(self) -> str:
        """'On track → Acceleration needed' (words only)."""
        return f"{_words(self.before)} → {_words(self.after)}"


@dataclass(frozen=True)
class AttentionItem:
    """One line of the "needs attention" list."""

    title: str
    reason: str  # one line, with its numbers
    kind: str  # 'deteriorating', 'limited_progress', 'worse', or 'extra' (passed in)
    measure_id: str | None = None
    status: str | None = None
    label: str = ""  # '▼ Deteriorating' ('' for extras)
    icon: str = "priority_high"


@dataclass(frozen=True)
class MeasureLine:
    """One row of the compact table of all measures (texts as shown on screen)."""

    id: str
    theme: str
    theme_title: str
    title: str
    unit: str
    group: str | None
    value: float | None
    value_text: str  # '22.0%', 'up 6.0% on the baseline', '3', 'not yet', 'no data'
    target_text: str  # 'target 33% by 2030-Q4', 'tracked: no target', ...
    status: str | None  # the summary's status
    status_label: str  # '▼ Deteriorating' (the summary's status_label, verbatim)
    status_text: (
        str  # status_label, plus the direction for tracked: '· Tracked, no target, ↑ Improving'
    )
    status_icon: str  # Material icon name of the status (of the direction for tracked)
    direction: str | None
    change_text: str  # '-0.4 points since 2026-Q2'
    coverage_text: str  # '305 of 317 councils', '1 record', 'no coverage'
    explanation: str  # the status sentence (metrics.wording.explain)


@dataclass(frozen=True)
class Glance:
    quarter: str | None
    previous_quarter: str | None  # None when there is no previous summary to compare with
    group: str | None  # the group the summaries were filtered to (None: England)
    targeted: int  # measures with a target (milestones apart)
    counts: tuple[StatusCount, ...]
    milestones: MilestoneCount
    changes: tuple[StatusChange, ...]
    attention: tuple[AttentionItem, ...]
    table: tuple[MeasureLine, ...]

    @property
    def on_track_or_better(self) -> int:
        return sum(c.count for c in self.counts if c.status in ("achieved", "on_track"))

    @property
    def headline(self) -> str:
        """'3 of 7 measures with a target achieved or on track; 1 of 4 milestones in place.'"""
        parts = []
        if self.targeted:
            parts.append(
                f"{self.on_track_or_better} of {self.targeted} measure"
                f"{'s' if self.targeted != 1 else ''} with a target achieved or on track"
            )
        if self.milestones.total:
            parts.append(self.milestones.text)
        return ("; ".join(parts) + ".") if parts else "No measure with a target for this scope."

    @property
    def counts_text(self) -> str:
        """'1 achieved, 3 on track, 2 acceleration needed, 1 limited progress, 0 deteriorating'."""
        return ", ".join(f"{c.count} {c.words.lower()}" for c in self.counts)


# ---------------------------------------------------------------- entry points


def at_a_glance(
    current: pd.DataFrame,
    previous: pd.DataFrame | None = None,
    *,
    extras: Iterable[tuple[str, str]] = (),
    group: str | None = None,
) -> Glance:
    """The glance at ``current`` (one summary row per measure) against ``previous``.

    ``group``: when the frames hold rows of several groups (summary(by=...)), only that
    group's rows are used; the caller may also pass frames already filtered. ``extras``:
    (title, reason) pairs added at the end of the attention list (the delivery
    register's actions that need attention).
    """
    rows = _records(current, group)
    prev = {r["id"]: r for r in _records(previous, group)} if previous is not None else {}
    quarter = next((r["quarter"] for r in rows if _v(r, "quarter")), None)
    prev_q = next((r["quarter"] for r in prev.values() if _v(r, "quarter")), None)
    if previous is None:
        prev_q = None

    targeted = [r for r in rows if r.get("unit") != "milestone" and r.get("status") != "tracked"]
    counts = []
    for st in TARGET_STATUSES:
        members = tuple(r["title"] for r in targeted if r.get("status") == st)
        if members or st in ALWAYS_COUNTED:
            words, glyph = P.STATUS_LABELS[st]
            icon = P.STATUS_MATERIAL_ICONS[st]
            counts.append(StatusCount(st, words, glyph, icon, len(members), members))
    other = [r for r in targeted if r.get("status") not in TARGET_STATUSES]
    for r in other:  # an unexpected status is still counted, never dropped
        st = str(r.get("status"))
        counts.append(StatusCount(st, _words(st), "", "help", 1, (r["title"],)))

    ms = [r for r in rows if r.get("unit") == "milestone"]
    milestones = MilestoneCount(
        achieved=sum(1 for r in ms if r.get("status") == "achieved"),
        total=len(ms),
        in_place=tuple(r["title"] for r in ms if r.get("status") == "achieved"),
        not_yet=tuple(r["title"] for r in ms if r.get("status") != "achieved"),
    )

    changes: list[StatusChange] = []
    for r in rows:
        p = prev.get(r["id"])
        if p is None or r.get("status") == "tracked":
            continue
        before, after = p.get("status"), r.get("status")
        if not before or not after or before == after:
            continue
        how = compare(before, after, milestone=r.get("unit") == "milestone")
        changes.append(
            StatusChange(
                id=r["id"],
                title=r["title"],
                theme_title=r.get("theme_title") or "",
                before=before,
                after=after,
                before_label=P.label(before),
                after_label=P.label(after),
                change=how,
                icon={"better": "trending_up", "worse": "trending_down"}.get(how, "sync_alt"),
            )
        )
    worse = {c.id: c for c in changes if c.change == "worse"}

    attention: list[AttentionItem] = []
    order = {"deteriorating": 0, "worse": 1, "limited_progress": 2}
    for r in rows:
        now = r.get("status")
        was = worse.get(r["id"])
        if now in ("deteriorating", "limited_progress"):
            kind = now
        elif was is not None:
            kind = "worse"
        else:
            continue
        attention.append(
            AttentionItem(
                title=r["title"],
                reason=attention_reason(r, was, prev_q),
                kind=kind,
                measure_id=r["id"],
                status=now,
                label=P.label(now),
                icon=P.STATUS_MATERIAL_ICONS.get(now or "", "priority_high"),
            )
        )
    attention.sort(key=lambda a: order[a.kind])  # stable: the configuration's order within
    for title, reason in extras:
        attention.append(AttentionItem(title=str(title), reason=str(reason), kind="extra"))

    return Glance(
        quarter=quarter,
        previous_quarter=prev_q,
        group=group,
        targeted=len(targeted),
        counts=tuple(counts),
        milestones=milestones,
        changes=tuple(changes),
        attention=tuple(attention),
        table=tuple(measure_line(r) for r in rows),
    )


def compare(before: str, after: str, *, milestone: bool = False) -> str:
    """'better', 'worse' or 'changed' (a status outside the ranking on either side)."""
    rank = MILESTONE_RANK if milestone else RANK
    if before not in rank or after not in rank:
        return "changed"
    return "better" if rank[after] < rank[before] else "worse"


# ---------------------------------------------------------------- texts


def attention_reason(row: Mapping, worse: StatusChange | None, previous_quarter: str | None) -> str:
    """One line saying why a measure needs attention, with its numbers.

    'Deteriorating: 22.0% in 2026-Q3 against 26.0% expected on the straight path to 33%
    by 2030-Q4 (down 2.0 points since 2025-Q2, away from the target).'
    """
    unit = row.get("unit") or ""
    st = row.get("status")
    q = row.get("quarter")
    lead = _words(st)
    if worse is not None:
        lead += f" (was {_words(worse.before).lower()} in {previous_quarter})"
    if unit == "milestone":
        return f"{lead}: the milestone is no longer recorded as achieved in {q}."
    v = value_text(row)
    pace, expected = W.pace_text(row), _v(row, "expected_now")
    if pace is not None and expected is not None:
        return (
            f"{lead}: {v} in {q} against {W.expected_text(expected, unit)} expected on the "
            f"straight path to {_target_short(row)} by {row.get('deadline')} ({pace})."
        )
    if st == "deteriorating":
        return (
            f"{lead}: {v} in {q}; the baseline ({P.format_value(_v(row, 'baseline'), unit)} in "
            f"{row.get('baseline_quarter')}) had already reached the target of {_target_short(row)}."
        )
    return f"{lead}: {v} in {q}. {row.get('explanation') or ''}".strip()


def measure_line(row: Mapping) -> MeasureLine:
    st, direction = _v(row, "status"), _v(row, "direction")
    label = _v(row, "status_label") or P.label(st)
    text = label
    icon = P.STATUS_MATERIAL_ICONS.get(st or "", "help")
    if st in ("tracked", "no_group_target") and direction:
        text = f"{label}, {P.label(direction)}"
        icon = DIRECTION_ICONS.get(direction, icon)
    return MeasureLine(
        id=str(row.get("id")),
        theme=str(row.get("theme") or ""),
        theme_title=str(row.get("theme_title") or ""),
        title=str(row.get("title") or ""),
        unit=str(row.get("unit") or ""),
        group=_v(row, "group"),
        value=_num(row.get("value")),
        value_text=value_text(row),
        target_text=target_text(row),
        status=st,
        status_label=label,
        status_text=text,
        status_icon=icon,
        direction=direction,
        change_text=change_text(row),
        coverage_text=coverage_text(row),
        explanation=str(_v(row, "explanation") or W.explain(dict(row))),
    )


def value_text(row: Mapping) -> str:
    """The value as shown: '22.0%', 'up 6.0% on the baseline', '3', 'not yet'."""
    return W.value_text(row)


def target_text(row: Mapping) -> str:
    """'target 33% by 2030-Q4', 'target: in place by 2030-Q4', 'tracked: no target',
    'no target for this group' (metrics.wording)."""
    return W.target_text(row)


def change_text(row: Mapping) -> str:
    """What changed since the previous quarter with data: '+2 since 2026-Q2',
    '-0.4 points since 2026-Q2', 'no change since 2026-Q2', 'achieved since 2026-Q2'."""
    return W.change_text(row)


def coverage_text(row: Mapping) -> str:
    """'305 of 317 councils reporting', 'the exchanges register (12 lead councils)';
    'no coverage' for a quarter without data (metrics.wording)."""
    return W.coverage_text(row) or "no coverage"


def previous_quarter(quarter: str) -> str:
    return Q.shift(quarter, -1)


# ---------------------------------------------------------------- helpers


def _target_short(row: Mapping) -> str:
    return W.target_short(row)


def _words(status: str | None) -> str:
    if not status:
        return "No status"
    found = P.STATUS_LABELS.get(status) or P.DIRECTION_LABELS.get(status)
    return found[0] if found else status.replace("_", " ").capitalize()


def _records(df: pd.DataFrame | None, group: str | None) -> list[dict[str, Any]]:
    if df is None or len(df) == 0:
        return []
    if group is not None and "group" in df.columns:
        df = df[df["group"] == group]
    return [{k: _clean(v) for k, v in r.items()} for r in df.to_dict("records")]


def _clean(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            return v.item()
        except (ValueError, AttributeError):
            return v
    return v


def _v(row: Mapping, key: str) -> Any:
    return _clean(row.get(key))


def _num(v: Any) -> float | None:
    v = _clean(v)
    if v is None or isinstance(v, (str, bool)):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def titles(items: Sequence[StatusCount]) -> dict[str, tuple[str, ...]]:
    """{status: measure titles} from glance counts (handy for tooltips and tests)."""
    return {c.status: c.measures for c in items}


def glance_for(
    con,
    as_of: str | None = None,
    *,
    by: str | None = None,
    group: str | None = None,
    extras: Iterable[tuple[str, str]] = (),
    config=None,
) -> Glance:
    """at_a_glance() straight from the database: the summary of ``as_of`` (default: the
    latest quarter with data) and of the quarter before it (none when that precedes the
    data), nationally or for one ``group`` of level ``by``."""
    from metrics import summary as msummary

    current = msummary.summary(con, as_of=as_of, by=by, config=config)
    quarter = next(iter(current["quarter"].dropna()), None) if len(current) else None
    previous = None
    if quarter:
        try:
            previous = msummary.summary(con, as_of=previous_quarter(quarter), by=by, config=config)
        except msummary.MetricsError:
            previous = None
    return at_a_glance(current, previous, extras=extras, group=group if by else None)
