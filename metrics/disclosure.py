"""The small-numbers rule for workforce figures: fewer than five people is shown as "<5".

A workforce figure "rests on" the counts of people it is made from: a count rests on
itself; a share (underrepresented / headcount) rests on both its numerator and its
denominator. When any of them is below five (zero included) the figure is replaced by
``SUPPRESSED`` on screen and in every download, so nobody can be picked out.
A figure whose base is not reported (None/NaN) is left as it is (it is already blank).

    disclose(3)                                  -> "<5"
    disclose(40.0, rests_on=(2, 5))              -> "<5"   (2 of 5 people)
    disclose_frame(df, counts=["headcount", "women"],
                   shares={"share_women": ["women", "headcount"]})
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

THRESHOLD = 5
SUPPRESSED = "<5"


def _missing(v) -> bool:
    if v is None or v is pd.NA:
        return True
    try:
        return isinstance(v, float) and math.isnan(v)
    except TypeError:
        return False


def is_small(people) -> bool:
    """True when a count of people is reported and below the threshold."""
    if _missing(people):
        return False
    return float(people) < THRESHOLD


def disclose(value, rests_on: Iterable | None = None):
    """``value``, or "<5" when it rests on fewer than five people.

    ``rests_on``: the counts of people the value is computed from; when omitted the
    value is itself a count of people.
    """
    bases = [value] if rests_on is None else list(rests_on)
    if any(is_small(b) for b in bases):
        return SUPPRESSED
    return value


def disclose_frame(
    df: pd.DataFrame, counts: Sequence[str] = (), shares: Mapping[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """A copy of ``df`` with small figures replaced by "<5".

    ``counts``: columns holding counts of people (each cell rests on itself).
    ``shares``: column -> the count columns it is computed from (checked on the
    original counts, before any of them is replaced).
    Columns that receive "<5" become object columns of numbers and "<5"; other
    columns are unchanged. Unknown column names raise KeyError naming them.
    """
    shares = dict(shares or {})
    needed = set(counts) | set(shares) | {c for bases in shares.values() for c in bases}
    missing = sorted(needed - set(df.columns))
    if missing:
        raise KeyError(f"disclose_frame: no column(s) {', '.join(missing)} in the table")
    out = df.copy()
    small = {c: df[c].map(is_small).astype(bool) for c in needed}
    for col in counts:
        _replace(out, col, small[col])
    for col, bases in shares.items():
        mask = pd.Series(False, index=df.index)
        for b in bases:
            mask |= small[b]
        _replace(out, col, mask)
    return out


def _replace(out: pd.DataFrame, col: str, mask: pd.Series) -> None:
    if not mask.any():
        return
    values = out[col].astype(object)
    values[mask] = SUPPRESSED
    out[col] = values
