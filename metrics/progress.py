"""Status against a target, projection and direction of travel: pure functions, no database.

Quarters are passed as 'YYYY-Qn' text or as integer indexes (store.quarters.index).

Status (docs: shared/spec/visions.md): with baseline b at quarter t0, target T at the
deadline D and the latest value v at quarter t,
    E = (T - b) * (t - t0) / (D - t0)      expected progress by now on the straight path
    R = (v - b) / E                        progress ratio
achieved if v has reached T in the target's direction (checked first: a target already
reached is achieved whatever the history); otherwise not_enough_data when there is no
value, no baseline, fewer than two quarters with data, or t <= t0 (at the baseline
quarter nothing is expected yet, E = 0); otherwise the bands on R. If the baseline
already met the target (no progress needed, T - b has the wrong sign or is 0) and v has
slipped back, the status is deteriorating.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from store import quarters as Q

STATUSES = (
    "achieved",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "deteriorating",
    "not_enough_data",
    "not_yet",
    "no_group_target",
    "tracked",
)
# Words and a text glyph (renders without an emoji font) and a Material icon name.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "achieved": ("Achieved", "★"),
    "on_track": ("On track", "✓"),
    "acceleration_needed": ("Acceleration needed", "▲"),
    "limited_progress": ("Limited progress", "■"),
    "deteriorating": ("Deteriorating", "▼"),
    "not_enough_data": ("Not enough data", "?"),
    "not_yet": ("Not yet", "○"),
    "no_group_target": ("No target for this group", "–"),
    "tracked": ("Tracked, no target", "·"),
}
STATUS_MATERIAL_ICONS: dict[str, str] = {
    "achieved": "emoji_events",
    "on_track": "check_circle",
    "acceleration_needed": "speed",
    "limited_progress": "trending_flat",
    "deteriorating": "trending_down",
    "not_enough_data": "help",
    "not_yet": "radio_button_unchecked",
    "no_group_target": "remove",
    "tracked": "visibility",
}
DIRECTION_LABELS: dict[str, tuple[str, str]] = {
    "improving": ("Improving", "↑"),
    "stable": ("Stable", "→"),
    "worsening": ("Worsening", "↓"),
}

# Projections further than this many quarters past the deadline report "not reached".
PROJECTION_HORIZON = 80


def qi(q: str | int) -> int:
    return q if isinstance(q, int) else Q.index(q)


def label(status: str | None) -> str:
    """'acceleration_needed' -> '▲ Acceleration needed' (words and glyph, never colour alone)."""
    if not status:
        return ""
    words, glyph = STATUS_LABELS.get(status) or DIRECTION_LABELS.get(status) or (status, "")
    return f"{glyph} {words}".strip()


@dataclass(frozen=True)
class Status:
    status: str
    expected_progress: float | None = None  # E
    expected_now: float | None = None  # b + E: where the straight path is now
    ratio: float | None = None  # R
    reason: str = ""  # why not_enough_data / deteriorating-from-target


def reached(value: float, target: float, direction: str = "increase") -> bool:
    return value >= target if direction == "increase" else value <= target


def status(
    value: float | None,
    baseline: float | None,
    target: float,
    *,
    quarter: str | int,
    baseline_quarter: str | int,
    deadline: str | int,
    direction: str = "increase",
    quarters_with_data: int = 2,
    on_track: float = 0.95,
    acceleration_needed: float = 0.5,
    limited_progress: float = -0.1,
) -> Status:
    """The status of a measure with a numeric target (see the module docstring)."""
    if value is None or _nan(value):
        return Status("not_enough_data", reason="no value for this quarter")
    if reached(value, target, direction):
        return Status("achieved")
    if baseline is None or _nan(baseline):
        return Status("not_enough_data", reason="no baseline value")
    if quarters_with_data < 2:
        return Status("not_enough_data", reason="fewer than two quarters with data")
    t, t0, d = qi(quarter), qi(baseline_quarter), qi(deadline)
    if t <= t0:
        return Status(
            "not_enough_data",
            reason="this is the baseline quarter: no progress is expected yet"
            if t == t0
            else "this quarter is before the baseline",
        )
    gap = target - baseline
    if gap == 0 or (gap > 0) != (direction == "increase"):
        # The baseline already met the target and the value has slipped back.
        return Status("deteriorating", reason="the baseline had already reached the target")
    e = gap * (t - t0) / (d - t0)
    r = (value - baseline) / e
    if r >= on_track:
        s = "on_track"
    elif r >= acceleration_needed:
        s = "acceleration_needed"
    elif r >= limited_progress:
        s = "limited_progress"
    else:
        s = "deteriorating"
    return Status(s, expected_progress=e, expected_now=baseline + e, ratio=r)


def milestone_status(achieved: bool | None) -> str:
    return "achieved" if achieved else "not_yet"


@dataclass(frozen=True)
class Projection:
    projected_at_deadline: float | None = None
    projected_quarter_reached: str | None = None
    slope: float | None = None  # per quarter
    intercept: float | None = None  # value at quarter index 0 (use value_at)
    points: int = 0  # how many quarters (with data) the line was fitted to
    first: str | None = None  # the first and last quarter fitted
    last: str | None = None

    def value_at(self, quarter: str | int) -> float | None:
        if self.slope is None or self.intercept is None:
            return None
        return self.intercept + self.slope * qi(quarter)


def fit(points: Sequence[tuple[str | int, float]]) -> tuple[float, float] | None:
    """Least-squares straight line (slope, intercept) through (quarter, value); None if < 2 points."""
    pts = [(qi(q), float(v)) for q, v in points if v is not None and not _nan(v)]
    n = len(pts)
    if n < 2:
        return None
    mx = sum(x for x, _ in pts) / n
    my = sum(y for _, y in pts) / n
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    if sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in pts) / sxx
    return slope, my - slope * mx


def projection(
    series: Sequence[tuple[str | int, float]],
    deadline: str | int,
    *,
    target: float | None = None,
    direction: str = "increase",
    window: int = 8,
    bounds: tuple[float | None, float | None] = (None, None),
    until: str | int | None = None,
) -> Projection:
    """Straight line through the quarters with data among the last ``window`` quarters up
    to ``until`` (default: the latest quarter with data), extended to the deadline. A
    quarter without data is left out, never taken as 0.

    ``projected_quarter_reached``: the first quarter after the latest one in which the line
    reaches the target; None when there is no target, the latest value already reached it,
    the line never gets there (flat or going the wrong way), or only after
    PROJECTION_HORIZON quarters past the deadline. ``bounds`` clip the projected value
    (a share cannot pass 100%, a count stays within what the vision allows).
    """
    pts = sorted((qi(q), float(v)) for q, v in series if v is not None and not _nan(v))
    if pts:
        end = qi(until) if until is not None else pts[-1][0]
        pts = [(q, v) for q, v in pts if end - window < q <= end]
    line = fit(pts)
    if line is None:
        return Projection(points=len(pts))
    slope, intercept = line
    d = qi(deadline)
    at_deadline = _clip(intercept + slope * d, bounds)
    reached_q = None
    last_q, last_v = pts[-1]
    if (
        target is not None
        and not reached(last_v, target, direction)
        and slope != 0
        and (slope > 0) == (direction == "increase")
    ):
        x = math.ceil((target - intercept) / slope - 1e-9)
        x = max(x, last_q + 1)
        if x <= d + PROJECTION_HORIZON:
            reached_q = Q.from_index(x)
    return Projection(
        at_deadline,
        reached_q,
        slope,
        intercept,
        len(pts),
        Q.from_index(pts[0][0]),
        Q.from_index(last_q),
    )


def direction(
    series: Sequence[tuple[str | int, float]],
    *,
    tolerance: float,
    better: str = "increase",
    window: int = 4,
) -> tuple[str | None, float | None, str | None]:
    """Direction of travel over the last ``window`` quarters up to the latest one with data.

    Compares the latest value with the earliest value inside the window (quarters
    latest-window+1 .. latest). A change within ``tolerance`` (in the measure's unit) is
    stable. Returns (direction, change, from_quarter); direction None with fewer than two
    values in the window.
    """
    pts = sorted((qi(q), float(v)) for q, v in series if v is not None and not _nan(v))
    if not pts:
        return None, None, None
    last_q, last_v = pts[-1]
    inside = [(q, v) for q, v in pts if q > last_q - window]
    if len(inside) < 2:
        return None, None, None
    first_q, first_v = inside[0]
    change = last_v - first_v
    if abs(change) <= tolerance + 1e-12:
        d = "stable"
    elif (change > 0) == (better == "increase"):
        d = "improving"
    else:
        d = "worsening"
    return d, change, Q.from_index(first_q)


def shown_value(value, unit: str) -> str:
    """A value as every page shows it (format_value): scores with two decimals (2.82),
    percentages with one (20.4%), whole counts without decimals; 'no data' for none."""
    number = number_or_none(value)
    return "no data" if number is None else format_value(number, unit)


def number_or_none(v) -> float | None:
    """``v`` as a float, or None when it is not a number (or NaN)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def format_value(value, unit: str, decimals: int | None = None) -> str:
    """A figure for people: 20.4%, 3, 2.85, achieved / not yet."""
    if value is None or _nan(value):
        return "no data"
    if unit == "milestone":
        return "achieved" if value else "not yet"
    if unit == "percent":
        return f"{value:.{1 if decimals is None else decimals}f}%"
    if unit == "score":
        return f"{value:.{2 if decimals is None else decimals}f}"
    if float(value).is_integer() and decimals is None:
        return f"{int(value)}"
    return f"{value:.{2 if decimals is None else decimals}f}"


def _nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _clip(x: float, bounds: tuple[float | None, float | None]) -> float:
    lo, hi = bounds
    if lo is not None and x < lo:
        return lo
    if hi is not None and x > hi:
        return hi
    return x
