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

from domain.geography import NO_CENTRE, NO_FOOTPRINT

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


# ------------------------------------------------------------------ groups (summary, series)
#
# A workforce figure of a group (a region, footprint, centre or council type, or England)
# rests on the people of the councils it is computed from. The under-represented uplift
# is computed like for like: from the councils that reported both in the quarter shown and
# at the baseline (each council's latest return, carried forward at most
# staleness_quarters), so it rests on four counts: under-represented people and headcount,
# now and at the baseline. When any is below five (zero included) the figure is suppressed
# (primary suppression). When exactly one group of a level is suppressed for a quarter,
# the shown group that rests on the fewest people is suppressed too (secondary): the groups
# of a level add up to England, so one missing group could otherwise be worked out from
# England and the rest.
#
# metrics.summary passes every summary and series through protect_summary and
# protect_series, so pages, tables, charts, downloads and the command line all get the
# protected figures.


PEOPLE_METHODS = ("workforce_uplift",)  # measures whose figures rest on counts of people
SUPPRESSED_REASON = "fewer than five people: the figure is suppressed (<5)"
SUPPRESSED_EXPLANATION = (
    "<5: this figure rests on fewer than five people, so it is not shown (figures about "
    "fewer than five people could identify someone)."
)
_GROUP_SQL = {  # level -> the councils' group, as metrics.measures names the groups
    "region": "region_name",
    "footprint": "COALESCE(footprint_name, $no_footprint)",
    "centre": "COALESCE(centre, $no_centre)",
    "council_type": "council_type",
}
_QI = "(CAST(left({c}, 4) AS INTEGER) * 4 + CAST(right({c}, 1) AS INTEGER) - 1)"
# What a summary row says that its quarter's figure (or an earlier one) gives away.
_FIGURE = ["value", "numerator", "denominator", "ratio", "expected_progress", "expected_now"]
_TREND = [
    "projected_at_deadline",
    "projected_quarter_reached",
    "direction",
    "direction_change",
    "direction_from",
    "projection_from",
    "projection_from_value",
    "projection_slope",
    "projection_points",
]


def _quarter_index(q: str) -> int:
    return int(q[:4]) * 4 + int(q[-1]) - 1


def people_bases(
    con, baseline_quarter: str, quarters: Iterable[str], levels: Iterable[str], stale: int
) -> pd.DataFrame:
    """The people each like-for-like workforce figure rests on: one row per level
    ('national' and each of ``levels``), group (None for England) and quarter, with ut, ht
    (under-represented and headcount now) and ub, hb (at ``baseline_quarter``), summed
    over the councils counted. Mirrors metrics.measures' computation of the uplift."""
    bqi = _quarter_index(baseline_quarter)
    grid = sorted({_quarter_index(q) for q in quarters} | {bqi})
    levels = [lv for lv in levels if lv in _GROUP_SQL]
    groups = ", ".join(f"{_GROUP_SQL[lv]} AS g_{lv}" for lv in levels)
    lo = min(grid) - stale
    sql = (
        "WITH sc AS (SELECT council_code"
        + (", " + groups if groups else "")
        + " FROM councils WHERE end_date IS NULL), "
        "w AS (SELECT council_code, " + _QI.format(c="quarter") + " AS wq, "
        "COALESCE(sum(headcount) FILTER (WHERE role_family = 'all'), sum(headcount)) AS head, "
        "COALESCE(sum(underrepresented) FILTER (WHERE role_family = 'all'), sum(underrepresented)) AS under "
        "FROM workforce SEMI JOIN sc USING (council_code) "
        "WHERE "
        + _QI.format(c="quarter")
        + " BETWEEN $lo AND $hi GROUP BY council_code, quarter), "
        "g AS (SELECT sc.*, gq.qi FROM sc CROSS JOIN (SELECT unnest($grid::INTEGER[]) AS qi) gq), "
        "j AS (SELECT g.*, w.wq, w.head, w.under FROM g ASOF LEFT JOIN w "
        "ON g.council_code = w.council_code AND g.qi >= w.wq), "
        "b AS (SELECT * FROM j WHERE qi = $bqi) "
        "SELECT t.*, t.head AS ht, t.under AS ut, b.head AS hb, b.under AS ub FROM j t "
        "JOIN b ON b.council_code = t.council_code "
        "WHERE t.qi - t.wq <= $stale AND b.qi - b.wq <= $stale"
    )
    params = {"lo": lo, "hi": max(grid), "grid": grid, "bqi": bqi, "stale": int(stale)}
    if "footprint" in levels:
        params["no_footprint"] = NO_FOOTPRINT
    if "centre" in levels:
        params["no_centre"] = NO_CENTRE
    rows = con.execute(sql, params).df()
    counts = ["ut", "ht", "ub", "hb"]
    frames = []
    national = rows.groupby("qi", as_index=False)[counts].sum()
    national.insert(0, "group", None)
    national.insert(0, "level", "national")
    frames.append(national)
    for lv in levels:
        part = rows.groupby(["qi", f"g_{lv}"], as_index=False)[counts].sum()
        part = part.rename(columns={f"g_{lv}": "group"})
        part.insert(0, "level", lv)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["quarter"] = [f"{int(i) // 4}-Q{int(i) % 4 + 1}" for i in out["qi"]]
    out["people"] = out[counts].min(axis=1)
    return out[["level", "group", "quarter", *counts, "people"]]


def _small_cells(bases: pd.DataFrame) -> dict[tuple, bool]:
    """(level, group, quarter) -> suppressed, with secondary suppression: when exactly
    one group of a level is suppressed in a quarter, the shown one with the fewest people
    (headcount now) is suppressed too."""
    out: dict[tuple, bool] = {}
    for (level, quarter), part in bases.groupby(["level", "quarter"], dropna=False):
        cells = list(zip(part["group"], part["people"], part["ht"]))
        small = {g for g, people, _ in cells if is_small(people)}
        if level != "national" and len(small) == 1 and len(cells) > 1:
            shown = sorted(((ht, str(g)), g) for g, _, ht in cells if g not in small)
            small.add(shown[0][1])
        for g, _, _ in cells:
            out[(level, None if level == "national" else g, quarter)] = g in small
    return out


def _people_measures(cfg) -> list:
    return [m for m in cfg.measures.values() if m.method in PEOPLE_METHODS]


def protect_summary(con, cfg, frames: dict, quarter: str | None) -> dict:
    """metrics.summary's frames ({None: England, level: groups}) with every workforce
    figure resting on fewer than five people suppressed: the row's figures (value,
    numerator, denominator, baseline, previous value, progress, projection, direction)
    set to None, its status 'not_enough_data' and its reason and explanation saying why.
    A row whose own quarter is fine keeps its value but loses the baseline, the previous
    value, or the projection and direction when those rest on a small quarter."""
    measures = _people_measures(cfg)
    if quarter is None or not measures:
        return frames
    from metrics import progress as P

    levels = [lv for lv in frames if lv]
    window = max(cfg.projection_quarters, cfg.direction_quarters, 2)
    t = _quarter_index(quarter)
    grid = [f"{i // 4}-Q{i % 4 + 1}" for i in range(t - window + 1, t + 1)]
    out = dict(frames)
    for m in measures:
        # the previous value is of the latest earlier quarter with data (previous_quarter)
        earlier = {
            q
            for df in frames.values()
            if "previous_quarter" in df.columns
            for q in df.loc[df["id"] == m.id, "previous_quarter"]
            if isinstance(q, str)
        }
        quarters = sorted(set(grid) | earlier)
        bases = people_bases(con, m.baseline_quarter, quarters, levels, cfg.staleness_quarters)
        small = _small_cells(bases)
        for lv, df in frames.items():
            level = lv or "national"
            rows = df.index[df["id"] == m.id]
            if not len(rows):
                continue
            df = out[lv] = out[lv].copy() if out[lv] is frames[lv] else out[lv]
            suppressed = list(df.attrs.get("suppressed", []))
            for i in rows:
                group = df.at[i, "group"] if level != "national" else None

                def is_out(q: str, group=group, small=small, level=level) -> bool:
                    return small.get((level, group, q), False)

                if is_out(quarter):
                    for col in _FIGURE + _TREND + ["baseline", "previous_value"]:
                        df.at[i, col] = None
                    if "previous_quarter" in df.columns:
                        df.at[i, "previous_quarter"] = None
                    df.at[i, "status"] = "not_enough_data"
                    df.at[i, "status_label"] = P.label("not_enough_data")
                    df.at[i, "status_reason"] = SUPPRESSED_REASON
                    df.at[i, "explanation"] = SUPPRESSED_EXPLANATION
                    suppressed.append((m.id, group))
                    continue
                previous = (
                    df.at[i, "previous_quarter"] if "previous_quarter" in df.columns else None
                )
                if not isinstance(previous, str):
                    previous = grid[-2]
                if is_out(previous):
                    df.at[i, "previous_value"] = None
                if is_out(m.baseline_quarter):
                    df.at[i, "baseline"] = None
                if any(is_out(q) for q in grid):
                    for col in _TREND:
                        df.at[i, col] = None
            df.attrs["suppressed"] = suppressed
    return out


def protect_series(con, cfg, measure_id: str, by: str | None, df: pd.DataFrame) -> pd.DataFrame:
    """metrics.summary.series with every quarter's workforce figure resting on fewer than
    five people suppressed (value, numerator and denominator None), per group."""
    m = cfg.measures.get(measure_id)
    if m is None or m.method not in PEOPLE_METHODS or df.empty:
        return df
    level = by or "national"
    bases = people_bases(
        con,
        m.baseline_quarter,
        sorted(set(df["quarter"])),
        [by] if by else [],
        cfg.staleness_quarters,
    )
    small = _small_cells(bases)
    out = df.copy()
    hide = [
        small.get((level, None if level == "national" else g, q), False)
        for g, q in zip(out["group"], out["quarter"])
    ]
    mask = pd.Series(hide, index=out.index, dtype=bool)
    if mask.any():
        for col in ("value", "numerator", "denominator"):
            values = out[col].astype(object)
            values[mask] = None
            out[col] = values
    out.attrs["suppressed"] = [
        (g, q) for (g, q), h in zip(zip(out["group"], out["quarter"]), hide) if h
    ]
    return out
