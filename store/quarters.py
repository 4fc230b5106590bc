"""Calendar quarters, stored as 'YYYY-Qn'. One place for parsing and arithmetic.

The index of a quarter is year * 4 + (n - 1), so consecutive quarters differ by 1.
"""

from __future__ import annotations

import datetime as _dt
import os
import re

EARLIEST = "2024-Q1"  # the contract refuses anything earlier

_CAL = re.compile(r"^\s*(\d{4})\s*-?\s*q([1-4])\s*$", re.I)  # 2025-Q3, 2025Q3, 2025 Q3
_CAL_REV = re.compile(r"^\s*q([1-4])\s*-?\s*(\d{4})\s*$", re.I)  # Q3 2025
_FY = re.compile(
    r"^\s*(\d{4})\s*/\s*(\d{2}|\d{4})\s*q([1-4])\s*$", re.I
)  # 2025/26 Q2 (UK financial year)


class QuarterError(ValueError):
    pass


def parse(text: str) -> str:
    """Any accepted spelling -> 'YYYY-Qn'. Financial-year quarters: Q1 = Apr-Jun."""
    s = str(text)
    if m := _CAL.match(s):
        return f"{int(m[1])}-Q{m[2]}"
    if m := _CAL_REV.match(s):
        return f"{int(m[2])}-Q{m[1]}"
    if m := _FY.match(s):
        start = int(m[1])
        end = int(m[2]) if len(m[2]) == 4 else (start // 100) * 100 + int(m[2])
        if end != start + 1:
            raise QuarterError(
                f"'{text}' is not a financial year: {m[1]}/{m[2]} should be consecutive years"
            )
        fq = int(m[3])
        return from_index(index(f"{start}-Q2") + fq - 1)
    raise QuarterError(
        f"'{text}' is not a quarter: use 2025-Q3, 2025Q3, 2025 Q3, Q3 2025 or the financial-year form 2025/26 Q2"
    )


def index(quarter: str) -> int:
    year, q = quarter.split("-Q")
    return int(year) * 4 + int(q) - 1


def from_index(i: int) -> str:
    return f"{i // 4}-Q{i % 4 + 1}"


def shift(quarter: str, n: int) -> str:
    return from_index(index(quarter) + n)


def between(first: str, last: str) -> list[str]:
    """Every quarter from first to last, both included."""
    return [from_index(i) for i in range(index(first), index(last) + 1)]


def today() -> _dt.date:
    """Today, or TRACKER_TODAY (YYYY-MM-DD) so tests and demos can pin the date."""
    pinned = os.environ.get("TRACKER_TODAY")
    return _dt.date.fromisoformat(pinned) if pinned else _dt.date.today()


def current(on: _dt.date | None = None) -> str:
    d = on or today()
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def last_complete(on: _dt.date | None = None) -> str:
    return shift(current(on), -1)


def end_date(quarter: str) -> _dt.date:
    year, q = quarter.split("-Q")
    month = int(q) * 3
    nxt = _dt.date(int(year) + (month == 12), month % 12 + 1, 1)
    return nxt - _dt.timedelta(days=1)


def label(quarter: str) -> str:
    """For people: '2025-Q3' -> 'Jul-Sep 2025'."""
    year, q = quarter.split("-Q")
    return f"{['Jan-Mar', 'Apr-Jun', 'Jul-Sep', 'Oct-Dec'][int(q) - 1]} {year}"


def span_text(quarters: list[str]) -> str:
    """Quarters for people, runs of three or more as a range:
    ['2024-Q1', ..., '2026-Q3', '2027-Q1'] -> '2024-Q1 to 2026-Q3, 2027-Q1'."""
    ordered = sorted(set(quarters), key=index)
    runs: list[list[str]] = []
    for q in ordered:
        if runs and index(q) == index(runs[-1][-1]) + 1:
            runs[-1].append(q)
        else:
            runs.append([q])
    parts = []
    for run in runs:
        parts += [f"{run[0]} to {run[-1]}"] if len(run) >= 3 else run
    return ", ".join(parts)
