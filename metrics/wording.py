"""How a figure and its change are written for people: one vocabulary, written once, for
every page, the board pack and the command line.

- A rate (a share in percent) is "22.0%"; a change of a rate is in percentage points,
  "+1.4 points" (never "+1.4%"). A score moves in points too: "+0.27 points".
- A relative change (the workforce uplift) is written as such: "up 6.0% on the baseline".
- A count is a whole number ("3", "+1"); only an expected count has a decimal ("3.4
  expected by now"), because the straight path runs between whole numbers.
- The status sentence says it in plain words: "We have 2 of the 3.4 expected by 2026-Q3
  ...: 59% of the pace needed: acceleration needed."
- Coverage fits each kind: councils reporting for the returns councils send; the
  register for exchanges, placements and milestones (never "councils reporting").

``row`` below is a row of metrics.summary.summary() (a dict or a pandas Series).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from metrics import methods
from metrics.progress import DIRECTION_LABELS, STATUS_LABELS, format_value

Row = Mapping[str, Any]

__all__ = ["format_value"]

# Measures whose value is a relative change, when a row does not say its method (rows
# written by hand): the registry's methods are asked first.
_RELATIVE_IDS = ("underrepresented_uplift",)


def _v(row: Row, key: str) -> Any:
    v = row.get(key) if hasattr(row, "get") else None
    if v is None:
        return None
    try:
        if v != v:  # NaN, NA
            return None
    except TypeError:
        return None if str(v) == "<NA>" else v
    return v


def _num(x: Any) -> float | None:
    if x is None or isinstance(x, (str, bool)):
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def is_relative(row: Row) -> bool:
    """True when the row's value is a relative change in percent (the workforce uplift)."""
    method = methods.METHODS.get(str(_v(row, "method")))
    if method is not None:
        return method.relative
    return _v(row, "id") in _RELATIVE_IDS


def register_of(row: Row) -> str | None:
    """The register a row's figure counts entries of, or None (returns councils send)."""
    method = methods.METHODS.get(str(_v(row, "method")))
    return method.register if method is not None else None


# ---------------------------------------------------------------- values and changes


def amount(x: float, unit: str) -> str:
    """A size of change without its sign: '1.4 points' (rates, scores), '2' (counts)."""
    x = abs(float(x))
    if unit == "percent":
        return f"{x:.1f} points"
    if unit == "score":
        return f"{x:.2f} points"
    if unit == "count":
        return f"{x:.0f}" if x.is_integer() else f"{x:.1f}"
    return format_value(x, unit)


def signed(diff: float, unit: str) -> str:
    """A change with its sign: '+1.4 points', '-2', '+0.27 points'; 'no change' at zero."""
    if abs(diff) < 1e-9:
        return "no change"
    return f"{'+' if diff > 0 else '-'}{amount(diff, unit)}"


def relative(value: float, decimals: int = 1) -> str:
    """A relative change: 'up 6.0% on the baseline', 'down 2.0% on the baseline'."""
    if abs(value) < 0.5 * 10**-decimals:
        return "no change on the baseline"
    return f"{'up' if value > 0 else 'down'} {abs(value):.{decimals}f}% on the baseline"


def _bare(value: float, decimals: int = 1) -> str:
    """A relative change without its reference: 'up 4.5%'."""
    return relative(value, decimals).replace(" on the baseline", "")


def value_text(row: Row) -> str:
    """The value as shown: '22.0%', '3', '2.82', 'up 6.0% on the baseline', 'achieved',
    'not yet', 'no data'."""
    v = _num(_v(row, "value"))
    unit = str(_v(row, "unit") or "")
    if v is not None and is_relative(row):
        return relative(v)
    return format_value(v, unit)


def expected_text(x: float | None, unit: str) -> str:
    """Where the straight path is by now: a count with one decimal ('3.4'), a rate '26.0%'."""
    if x is None:
        return "no data"
    if unit == "count":
        return f"{float(x):.0f}" if float(x).is_integer() else f"{float(x):.1f}"
    return format_value(x, unit)


def target_short(row: Row) -> str:
    """The target alone: '33%', '10', 'up 20% on the baseline', 'no target'."""
    t, unit = _num(_v(row, "target")), str(_v(row, "unit") or "")
    if t is None:
        return "no target"
    if is_relative(row):
        return relative(t, 0)
    return f"{t:g}%" if unit == "percent" else format_value(t, unit)


def target_text(row: Row) -> str:
    """'target 33% by 2030-Q4', 'target: up 20% on the baseline by 2030-Q4', 'target: in
    place by 2030-Q4', 'tracked: no target', 'no target for this group'."""
    unit = _v(row, "unit")
    if unit == "milestone":
        return f"target: in place by {_v(row, 'deadline') or '2030'}"
    if _v(row, "status") == "no_group_target":
        return "no target for this group"
    if _num(_v(row, "target")) is None:
        return "tracked: no target"
    sep = ": " if is_relative(row) else " "
    return f"target{sep}{target_short(row)} by {_v(row, 'deadline')}"


def previous_quarter(row: Row) -> str | None:
    """The quarter a change is measured from: the row's previous_quarter (the latest
    earlier quarter with data), else the quarter before the one shown."""
    prev = _v(row, "previous_quarter")
    if prev:
        return str(prev)
    q = _v(row, "quarter")
    if not q:
        return None
    from store.quarters import shift

    return shift(str(q), -1)


def change_text(row: Row) -> str:
    """What changed since the previous quarter with data: '+1.4 points since 2026-Q2',
    '+2 since 2026-Q2', 'no change since 2026-Q2', 'achieved since 2026-Q2'."""
    unit = str(_v(row, "unit") or "")
    v, prev = _num(_v(row, "value")), _num(_v(row, "previous_value"))
    before = previous_quarter(row)
    since = f"since {before}" if before else "since last quarter"
    if v is None:
        return "no figure for this quarter yet"
    if prev is None:
        return f"nothing to compare with in {before}" if before else "nothing to compare with"
    if unit == "milestone":
        if (v >= 1) == (prev >= 1):
            return f"no change {since}"
        return f"achieved {since}" if v >= 1 else f"no longer achieved {since}"
    return f"{signed(v - prev, unit)} {since}"


def tolerance_text(tolerance: float, unit: str) -> str:
    """A direction-of-travel tolerance: '1.0 points' (rates), '0.10 points' (scores), '0'."""
    return amount(tolerance, unit)


# ---------------------------------------------------------------- coverage

_REGISTER_WORDS = {
    "exchanges": ("the exchanges register", "lead council"),
    "placements": ("the placements register", "council"),
    "milestones": ("the milestones register", "entry"),
}


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


def coverage_text(row: Row) -> str | None:
    """What a figure rests on: '305 of 317 councils reporting' for the returns councils
    send; 'the exchanges register (12 lead councils)', 'the milestones register
    (5 entries)' for a register; None when nothing (a quarter without data)."""
    n, total = _num(_v(row, "coverage_reporting")), _num(_v(row, "coverage_total"))
    register = register_of(row)
    if n is None or (register is None and total is None):
        return None
    if register is not None:
        name, word = _REGISTER_WORDS.get(register or "", ("the register", "entry"))
        if register == "milestones" and _v(row, "unit") == "milestone":
            return name
        return f"{name} ({_plural(int(n), word)})"
    return f"{int(n)} of {int(total or 0)} councils reporting"


# ---------------------------------------------------------------- status and direction


def pace_text(row: Row) -> str | None:
    """'59% of the pace needed'; for a value that moved away from the target since the
    baseline: 'down 2.0 points since 2025-Q2, away from the target'."""
    ratio = _num(_v(row, "ratio"))
    if ratio is None:
        return None
    if ratio >= 0:
        return f"{ratio:.0%} of the pace needed"
    unit = str(_v(row, "unit") or "")
    v, b = _num(_v(row, "value")), _num(_v(row, "baseline"))
    if v is None or b is None:
        return "moving away from the target"
    moved = ("up " if v > b else "down ") + amount(v - b, unit)
    return f"{moved} since {_v(row, 'baseline_quarter')}, away from the target"


def _words(status: str | None) -> str:
    if not status:
        return ""
    found = STATUS_LABELS.get(status) or DIRECTION_LABELS.get(status)
    return (found[0] if found else status.replace("_", " ")).lower()


def explain(row: Row) -> str:
    """One sentence, with its numbers, saying why a summary row has its status."""
    unit, st = str(_v(row, "unit") or ""), _v(row, "status")
    v, b = _num(_v(row, "value")), _num(_v(row, "baseline"))
    q, bq, d = _v(row, "quarter"), _v(row, "baseline_quarter"), _v(row, "deadline")
    words = _words(st)
    rel = is_relative(row)

    def f(x: float | None) -> str:
        return format_value(x, unit)

    if unit == "milestone":
        return f"{'Achieved' if st == 'achieved' else 'Not yet achieved'} as of {q}."
    if st == "achieved":
        return f"Target of {target_short(row)} reached: {value_text(row)} in {q}."
    pace = pace_text(row)
    expected = _num(_v(row, "expected_now"))
    if (
        st in ("on_track", "acceleration_needed", "limited_progress", "deteriorating")
        and pace is not None
    ):
        if rel:
            t = _num(_v(row, "target")) or 0.0
            return (
                f"The share is {value_text(row)} ({bq}), against {_bare(expected or 0.0)} "
                f"expected by {q} on the straight path to {_bare(t, 0)} by {d}: {pace}: "
                f"{words}."
            )
        if v is not None and expected is not None and v >= expected:
            joint = ", ahead of the"
        else:
            joint = " of the" if unit == "count" else " against the"
        return (
            f"We have {f(v)}{joint} {expected_text(expected, unit)} expected by {q} on the "
            f"straight path from {f(b)} in {bq} to {target_short(row)} by {d}: {pace}: {words}."
        )
    if st == "deteriorating":
        return (
            f"The baseline ({f(b)} in {bq}) had reached the target of {target_short(row)}; "
            f"now {value_text(row)}: {words}."
        )
    if st == "not_enough_data":
        why = _v(row, "status_reason") or "needs a baseline and at least two quarters with data"
        return f"Not enough data to judge progress in {q}: {why}."
    lead = (
        "No target for this group (the national target is not split)"
        if st == "no_group_target"
        else "No target: tracked"
    )
    direction = _v(row, "direction")
    if direction:
        return f"{lead}; {direction_text(row)}: {value_text(row)} in {q}."
    if st == "no_group_target":
        return f"{lead}; {value_text(row)} in {q}."
    return f"{lead}; not enough data for a direction of travel; {value_text(row)} in {q}."


def direction_text(row: Row) -> str:
    """'improving (+6.4 points since 2025-Q4)', 'stable (-0.1 points since 2025-Q4, within
    1.0 points)'."""
    direction = _v(row, "direction")
    if not direction:
        return "no direction of travel yet"
    change, frm = _num(_v(row, "direction_change")), _v(row, "direction_from")
    words = DIRECTION_LABELS.get(direction, (str(direction), ""))[0].lower()
    if change is None:
        return words
    unit = str(_v(row, "unit") or "")
    tol = _num(_v(row, "direction_tolerance"))
    within = f", within {tolerance_text(tol, unit)}" if direction == "stable" and tol else ""
    return f"{words} ({signed(change, unit)} since {frm}{within})"


# ---------------------------------------------------------------- charts


_FINDINGS = {
    "on_track": "on track for {target} by {deadline}",
    "acceleration_needed": "behind the pace needed for {target} by {deadline}",
    "limited_progress": "little progress towards {target} by {deadline}",
    "deteriorating": "moving away from {target} by {deadline}",
    "not_enough_data": "not enough data yet to judge progress",
    "not_yet": "not yet achieved",
}


def finding(row: Row) -> str:
    """A chart title that says what the chart shows: 'Councils adopting every core
    standard: behind the pace needed for 70% by 2030-Q4'."""
    title, st = str(_v(row, "title") or ""), _v(row, "status")
    target = target_short(row)
    if is_relative(row) and _num(_v(row, "target")) is not None:
        target = f"a {float(_v(row, 'target')):g}% rise"
    if st == "achieved":
        said = "achieved" if _v(row, "unit") == "milestone" else f"target of {target} reached"
    elif st in _FINDINGS:
        said = _FINDINGS[st].format(target=target, deadline=_v(row, "deadline"))
    elif _v(row, "direction"):
        said = DIRECTION_LABELS[_v(row, "direction")][0].lower() + " over the last year"
    else:
        said = "no direction of travel yet"
    return f"{title}: {said}" if title else said[:1].upper() + said[1:]


UNIT_WORDS = {
    "percent": "per cent",
    "count": "number",
    "score": "mean score, 1 to 5",
    "milestone": "achieved or not yet",
}


def subtitle(row: Row, *, scope: str = "England", first: str | None = None) -> str:
    """What a chart measures, where and when: 'Per cent of councils in scope, England,
    2025-Q2 to 2026-Q3'."""
    unit = str(_v(row, "unit") or "")
    what = "per cent change on the baseline" if is_relative(row) else UNIT_WORDS.get(unit, unit)
    q = _v(row, "quarter")
    period = f"{first} to {q}" if first and q and first != q else (q or "")
    return ", ".join(p for p in (what[:1].upper() + what[1:], scope, period) if p)


def projection_text(row: Row) -> str | None:
    """'At the pace of the 6 quarters with data from 2025-Q2 to 2026-Q3: 46.7% by
    2030-Q4 (target 70%).' None without a projection."""
    proj, frm = _num(_v(row, "projected_at_deadline")), _v(row, "projection_from")
    if proj is None or not frm or not _v(row, "deadline"):
        return None
    n = int(_num(_v(row, "projection_points")) or 0.0)
    unit = str(_v(row, "unit") or "")
    shown = relative(proj) if is_relative(row) else expected_text(proj, unit)
    quarters = f"{n} quarters with data" if n != 1 else "1 quarter with data"
    target = _num(_v(row, "target"))
    tail = f" (target {target_short(row)})" if target is not None else ""
    return (
        f"At the pace of the {quarters} from {frm} to {_v(row, 'quarter')}: {shown} by "
        f"{_v(row, 'deadline')}{tail}."
    )


def fitted(row: Row) -> str:
    """Which quarters a projection was fitted to: '6 quarters, 2025-Q2 to 2026-Q3'."""
    n, frm = int(_num(_v(row, "projection_points")) or 0), _v(row, "projection_from")
    if not n or not frm:
        return "no quarters"
    last = _v(row, "quarter")
    return f"{n} quarter{'s' if n != 1 else ''}, {frm} to {last}"
