"""Page-shaped data for the Places page: one measure by region, footprint, Centre of
Service Innovation or council: the ranking (with England, the target and the status),
what the map draws, each group's trend, and two to four groups compared with England.

Every function takes a connection first and hashable values after it. A measure's
figures (by group or per council) come from its method's one SQL (metrics.methods,
metrics.sql), through metrics.summary and metrics.measures.

- A council's own value of a measure ("level: council") is the measure computed over
  that one council: a share of councils is 100 (yes) or 0 (no), a mean is the council's
  value, a count of councils is 1 or 0, a ratio of sums is the council's own ratio, the
  workforce uplift is the council's own like-for-like relative change; a council
  without a value (nothing reported in the window, a zero denominator, a quarter the
  measure's source holds no data in) has none. Measures that count things that do not
  belong to one council (milestones, exchanges, placements) have no council level.
- Workforce figures resting on fewer than five people are "<5" (metrics.disclosure).
"""

from __future__ import annotations

import pandas as pd

from domain import geography
from metrics import config as mconfig
from metrics import disclosure, measures, methods, wording
from metrics.methods import COUNCIL_METHODS
from metrics.progress import number_or_none as _num
from metrics.progress import shown_value as _fmt
from store import quarters as q

# Methods whose figure for one council is yes or no (a share of councils: 100 or 0; a count
# of councils: 1 or 0): ranked they would all tie, so councils are not ranked on them.
YES_NO_METHODS = ("councils_yes", "standards_all_core", "share_of_councils")
PLACE_LEVELS = geography.PLACE_LEVELS
PLACE_LEVEL_SHORT = geography.PLACE_LEVEL_SHORT
_LEVEL_COLUMN = {"region": "region_name", "footprint": "footprint_name", "centre": "centre"}
RANKING_COLUMNS = ["rank", "group", "code", "value", "display", "coverage", "target", "status"]


def _cfg(config):
    return config or mconfig.load()


# ---------------------------------------------------------------- councils and groups


def councils(con) -> pd.DataFrame:
    """The councils in scope, by name: code, name, type, region, footprint, centre."""
    return con.execute(
        "SELECT council_code, name, council_type, region_code, region_name, footprint_code, "
        "footprint_name, centre FROM councils WHERE end_date IS NULL ORDER BY name, council_code"
    ).df()


def footprints(con) -> pd.DataFrame:
    """Footprints (combined or strategic authorities) with their number of councils in scope."""
    return con.execute(
        "SELECT footprint_code, footprint_name, count(*) AS councils FROM councils "
        "WHERE end_date IS NULL AND footprint_code IS NOT NULL "
        "GROUP BY footprint_code, footprint_name ORDER BY footprint_name"
    ).df()


def _level_groups(con, level: str) -> pd.DataFrame:
    """Every group of a level that has councils in scope: group (name), code, councils."""
    if level == "region":
        sql = (
            'SELECT region_name AS "group", region_code AS code, count(*) AS councils '
            "FROM councils WHERE end_date IS NULL GROUP BY ALL"
        )
    elif level == "footprint":
        sql = (
            'SELECT footprint_name AS "group", footprint_code AS code, count(*) AS councils '
            "FROM councils WHERE end_date IS NULL AND footprint_code IS NOT NULL GROUP BY ALL"
        )
    else:
        sql = (
            'SELECT centre AS "group", centre AS code, count(*) AS councils FROM councils '
            "WHERE end_date IS NULL AND centre IS NOT NULL GROUP BY ALL"
        )
    return con.execute(sql + " ORDER BY 1").df()


def group_options(con, level: str) -> dict[str, str]:
    """The groups two to four of which can be compared: code -> "Name (n councils)" for a
    region, footprint or centre; code -> "Name (type)" for a council."""
    if level == "council":
        rows = con.execute(
            "SELECT council_code, name, council_type FROM councils WHERE end_date IS NULL "
            "ORDER BY name, council_code"
        ).fetchall()
        return {code: f"{name} ({kind})" for code, name, kind in rows}
    if level not in _LEVEL_COLUMN:
        raise ValueError(f"unknown level {level!r}; known: {', '.join(PLACE_LEVELS)}")
    g = _level_groups(con, level)
    return {
        str(c): f"{name} ({n} council{'s' if n != 1 else ''})"
        for name, c, n in zip(g["group"], g["code"], g["councils"])
    }


def footprint_options(con) -> dict[str, str]:
    """Footprint code -> "Name (n councils)"."""
    return group_options(con, "footprint")


# ---------------------------------------------------------------- measures


def measures_for_places(config=None) -> pd.DataFrame:
    """Measures the Places page offers: id, title, unit, theme, whether they have a
    council level, whether they have a target, and whether their value is a relative
    change (the workforce uplift)."""
    cfg = _cfg(config)
    rows = [
        {
            "id": m.id,
            "title": m.title,
            "unit": m.unit,
            "theme": m.theme,
            "council_level": m.method in COUNCIL_METHODS,
            "has_target": m.target is not None,
            "relative": methods.get(m.method).relative,
        }
        for m in cfg.measures.values()
        if not m.is_milestone
    ]
    return pd.DataFrame(
        rows, columns=["id", "title", "unit", "theme", "council_level", "has_target", "relative"]
    )


def place_measure_options(level: str, config=None) -> dict[str, str]:
    """Measure id -> title for the Places picker at ``level`` (council level: only the
    measures that have a council value)."""
    m = measures_for_places(config)
    if level == "council":
        m = m[m["council_level"]]
    return dict(zip(m["id"], m["title"]))


def default_measure(level: str, config=None) -> str | None:
    """The measure the Places page opens on: one that varies by place at every level (a
    share or a score that each council has, not a relative change that small councils'
    figures hide), with a target where one exists; not a count that is 0 or 1 per region."""
    m = measures_for_places(config)
    if level == "council":
        m = m[m["council_level"]]
    if m.empty:
        return None
    level_share = m["council_level"] & m["unit"].isin(["percent", "score"]) & ~m["relative"]
    for wanted in (
        level_share & m["has_target"],
        m["council_level"] & m["unit"].isin(["percent", "score"]),
        m["unit"] != "count",
    ):
        if wanted.any():
            return str(m[wanted]["id"].iloc[0])
    return str(m["id"].iloc[0])


def measure_unit(measure_id: str, config=None) -> str:
    return _cfg(config).measure(measure_id).unit


# ---------------------------------------------------------------- a council's own values


def council_values(con, measure_id: str, as_of: str, config=None) -> pd.DataFrame:
    """Each council's own value of a measure at ``as_of`` (metrics.measures.council_values:
    the measure's own SQL at the council level).

    Columns: council_code, name, council_type, region_name, footprint_name, centre,
    value (float or NaN), quarter (of the value used, or None), numerator, denominator,
    display (text for people: "62.5%", "<5", "no data").
    """
    cfg = _cfg(config)
    m = cfg.measure(measure_id)
    if m.method not in COUNCIL_METHODS:
        raise ValueError(
            f"The measure {m.title!r} counts things that do not belong to one council; "
            "it has no council level."
        )
    scoped = con.execute(
        "SELECT council_code, name, council_type, region_name, footprint_name, centre "
        "FROM councils WHERE end_date IS NULL ORDER BY name"
    ).df()
    df = scoped.merge(measures.council_values(con, cfg, m, as_of), on="council_code", how="left")
    if "base_u" in df:  # workforce uplift: disclosed only if it rests on five people or more
        df["display"] = [
            disclosure.disclose(_fmt(v, m.unit), rests_on=(a, b, c, d))
            if pd.notna(v)
            else "no data"
            for v, a, b, c, d in zip(
                df["value"], df["numerator"], df["denominator"], df["base_u"], df["base_h"]
            )
        ]
        # A suppressed figure must not be drawn either (its colour would give it away).
        df.loc[df["display"] == disclosure.SUPPRESSED, "value"] = float("nan")
        df = df.drop(columns=["base_u", "base_h"])
    else:
        df["display"] = [_fmt(v, m.unit) for v in df["value"]]
    df["quarter"] = df["quarter"].astype(object).where(df["quarter"].notna(), None)
    return df[
        [
            "council_code",
            "name",
            "council_type",
            "region_name",
            "footprint_name",
            "centre",
            "value",
            "quarter",
            "numerator",
            "denominator",
            "display",
        ]
    ]


# ---------------------------------------------------------------- the ranking


def _status_words(row) -> str:
    """The status of a summary row in words (its direction of travel when it has no target)."""
    status, direction = row.get("status"), row.get("direction")
    if status in ("tracked", "no_group_target") and isinstance(direction, str):
        status = direction
    if not isinstance(status, str):
        return ""
    from metrics.progress import label

    return label(status)


def place_values(con, measure_id: str, level: str, as_of: str, config=None) -> pd.DataFrame:
    """The ranking: one row per group of ``level`` (or per council), best first.

    Columns: rank (text: "3", "=3" for a tie; empty without a value, and for a council's
    yes or no), group, code, value, display, coverage (what the figure rests on, or the
    quarter of a council's value), target (the group's, in words; empty for a council),
    status (the group's status or direction of travel in words). Groups without a value
    come last with "no data".
    """
    cfg = _cfg(config)
    m = cfg.measure(measure_id)
    yes_no = False
    if level == "council":
        df = council_values(con, measure_id, as_of, cfg)
        yes_no = m.method in YES_NO_METHODS
        out = pd.DataFrame(
            {
                "group": df["name"],
                "code": df["council_code"],
                "value": df["value"],
                "display": [
                    ("yes" if v > 0 else "no") if yes_no and pd.notna(v) else d
                    for v, d in zip(df["value"], df["display"])
                ],
                "coverage": [f"{x} return" if x else "not reported" for x in df["quarter"]],
                "target": "",
                "status": "",
            }
        )
    elif level in _LEVEL_COLUMN:
        from metrics import summary as msummary

        s = msummary.summary(con, as_of=as_of, by=level, config=cfg)
        rows = {r["group"]: r for r in s[s["id"] == measure_id].to_dict("records")}
        groups = _level_groups(con, level)
        found = [rows.get(g, {}) for g in groups["group"]]
        values = [_num(r.get("value")) for r in found]
        out = pd.DataFrame(
            {
                "group": groups["group"],
                "code": groups["code"],
                "value": pd.Series(values, dtype="float64"),
                "display": [wording.value_text(r) if r else "no data" for r in found],
                "coverage": [(wording.coverage_text(r) or "not reported") for r in found],
                "target": [_target_words(r) for r in found],
                "status": [_status_words(r) for r in found],
            }
        )
    else:
        raise ValueError(f"unknown level {level!r}; known: {', '.join(PLACE_LEVELS)}")
    ascending = m.direction == "decrease"
    out = out.sort_values(["value", "group"], ascending=[ascending, True], na_position="last")
    ranks = out["value"].rank(ascending=ascending, method="min")
    ties = ranks.duplicated(keep=False)
    out["rank"] = [
        "" if yes_no or pd.isna(r) else f"{'=' if tie else ''}{int(r)}"
        for r, tie in zip(ranks, ties)
    ]
    return out.reset_index(drop=True)[RANKING_COLUMNS]


def _target_words(row) -> str:
    if not row or row.get("unit") == "milestone":
        return ""
    if row.get("status") == "no_group_target":
        return "none for a group"
    return "" if _num(row.get("target")) is None else wording.target_short(row)


def england_row(con, measure_id: str, as_of: str, config=None) -> dict:
    """England's line of the ranking (no rank): group "England", value, display, coverage,
    target and status, from the national summary."""
    from metrics import summary as msummary

    s = msummary.summary(con, as_of=as_of, config=_cfg(config))
    r = s[s["id"] == measure_id].to_dict("records")[0]
    return {
        "rank": "",
        "group": "England",
        "code": "E92000001",
        "value": _num(r.get("value")),
        "display": wording.value_text(r),
        "coverage": wording.coverage_text(r) or "not reported",
        "target": _target_words(r) or "none (tracked)",
        "status": _status_words(r),
    }


def has_values(ranking: pd.DataFrame) -> bool:
    """True when at least one group (or council) of a ranking has a value."""
    return bool(ranking["value"].notna().any())


# ---------------------------------------------------------------- the map


def map_values(
    con, measure_id: str, level: str, as_of: str, layer: str = "council", config=None
) -> pd.DataFrame:
    """What the choropleth draws: code (on the map layer), name, value, label.

    - region: the regions layer, each region its own value.
    - footprint / centre: the council layer, each council coloured by its group's value
      (footprints are drawn by their member councils); councils in no footprint have none.
    - council: ``layer`` 'council' (districts and unitaries, their own values) or
      'upper_tier' (counties and unitaries: the county councils' own values).
    """
    cfg = _cfg(config)
    ranking = place_values(con, measure_id, level, as_of, cfg)
    if level == "region":
        return pd.DataFrame(
            {
                "code": ranking["code"],
                "name": ranking["group"],
                "value": ranking["value"],
                "label": ranking["display"],
            }
        )
    if level == "council":
        c = councils(con)
        keep = c["council_type"] != ("district" if layer == "upper_tier" else "county")
        merged = c[keep][["council_code", "name"]].merge(
            ranking[["code", "value", "display"]],
            left_on="council_code",
            right_on="code",
            how="left",
        )
        return pd.DataFrame(
            {
                "code": merged["council_code"],
                "name": merged["name"],
                "value": merged["value"],
                "label": merged["display"].fillna("no data"),
            }
        )
    column = "footprint_code" if level == "footprint" else "centre"
    rows = con.execute(
        "SELECT council_code, name, "
        + column
        + " AS gcode, "
        + _LEVEL_COLUMN[level]
        + " AS gname FROM councils WHERE end_date IS NULL AND council_type <> 'county'"
    ).df()
    merged = rows.merge(
        ranking[["code", "value", "display"]], left_on="gcode", right_on="code", how="left"
    )
    label = [
        f"{g}: {d}" if isinstance(g, str) else "not in a " + level
        for g, d in zip(merged["gname"], merged["display"].fillna("no data"))
    ]
    return pd.DataFrame(
        {
            "code": merged["council_code"],
            "name": merged["name"],
            "value": merged["value"],
            "label": label,
        }
    )


# ---------------------------------------------------------------- trends and comparisons


def _points(part: pd.DataFrame) -> list[tuple[str, float | None]]:
    part = part.sort_values("quarter")
    return [(qq, _num(v)) for qq, v in zip(part["quarter"], part["value"])]


def group_trends(
    con, measure_id: str, level: str, up_to: str, config=None
) -> dict[str, list[tuple[str, float | None]]]:
    """Each group's series of the measure, oldest first: {group: [(quarter, value)]}
    (None for a quarter without data)."""
    from metrics import summary as msummary

    if level not in _LEVEL_COLUMN:
        raise ValueError(f"trends are by region, footprint or centre, not {level!r}")
    s = msummary.series(con, measure_id, by=level, up_to=up_to, config=_cfg(config))
    return {str(g): _points(part) for g, part in s.groupby("group", sort=True)}


def series_range(
    series: dict[str, list[tuple[str, float | None]]], floor_zero: bool = False
) -> list[float] | None:
    """One y range for small multiples (so panels compare), padded by 5%; None without values."""
    values = [v for pts in series.values() for _, v in pts if v is not None]
    if not values:
        return None
    lo, hi = min(values), max(values)
    if floor_zero:
        lo = min(lo, 0.0)
    pad = (hi - lo) * 0.05 or max(abs(hi) * 0.05, 0.5)
    return [lo - pad, hi + pad]


def council_trends(
    con, measure_id: str, codes: tuple, up_to: str, config=None
) -> dict[str, list[tuple[str, float | None]]]:
    """Councils' own series of a measure, {name: [(quarter, value)]}, from the first
    quarter with data (one council_values per quarter: suppressed figures stay gaps)."""
    from metrics import summary as msummary

    cfg = _cfg(config)
    available = msummary.quarters(con)
    if not available:
        return {}
    out: dict[str, list[tuple[str, float | None]]] = {}
    names: dict[str, str] = {}
    for qq in q.between(available[0], up_to):
        df = council_values(con, measure_id, qq, cfg)
        df = df[df["council_code"].isin(codes)]
        for code, name, v in zip(df["council_code"], df["name"], df["value"]):
            names[code] = name
            out.setdefault(code, []).append((qq, _num(v)))
    return {names[c]: out[c] for c in codes if c in out}


def compare_groups(
    con, measure_id: str, level: str, codes: tuple, up_to: str, config=None
) -> dict[str, list[tuple[str, float | None]]]:
    """Two to four groups of ``level`` (regions, footprints, centres or councils, by code)
    against England: {name: [(quarter, value)]}, England last."""
    from metrics import summary as msummary

    cfg = _cfg(config)
    out: dict[str, list[tuple[str, float | None]]] = {}
    if level == "council":
        out.update(council_trends(con, measure_id, codes, up_to, cfg))
    elif level in _LEVEL_COLUMN:
        groups = _level_groups(con, level)
        names = dict(zip(groups["code"].astype(str), groups["group"]))
        by_group = msummary.series(con, measure_id, by=level, up_to=up_to, config=cfg)
        for code in codes:
            name = names.get(str(code))
            if name is not None:
                out[name] = _points(by_group[by_group["group"] == name])
    else:
        raise ValueError(f"unknown level {level!r}; known: {', '.join(PLACE_LEVELS)}")
    out["England"] = _points(msummary.series(con, measure_id, up_to=up_to, config=cfg))
    return out


def compare_footprints(
    con, measure_id: str, footprint_codes: tuple, up_to: str, config=None
) -> dict[str, list[tuple[str, float | None]]]:
    """Two to four footprints' series against England: {name: [(quarter, value)]}."""
    return compare_groups(con, measure_id, "footprint", footprint_codes, up_to, config)
