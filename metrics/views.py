"""Page-shaped data for the Places, Council profile and Data coverage pages.

Every function takes a connection first and hashable values after it, so
``metrics.app.read(views.fn, ...)`` can cache it per data version. Values are bound
parameters; the only identifiers put into SQL come from allow-lists in code. A
measure's figures (by group or per council) come from its method's one SQL
(metrics.methods, metrics.sql), through metrics.summary and metrics.measures.

Definitions shared with metrics.summary (targets.toml, spec/visions.md):

- Councils in scope: ``councils.end_date IS NULL``.
- "Latest" value of a council at quarter q: its most recent reported value at or
  before q, carried forward at most ``staleness_quarters`` quarters (default 4).
- A council's own value of a measure ("level: council") is the measure computed over
  that one council: a share of councils is 100 (yes) or 0 (no), a mean is the council's
  value, a count of councils is 1 or 0, a ratio of sums is the council's own ratio, the
  workforce uplift is the council's own like-for-like relative change; a council
  without a value (nothing reported in the window, a zero denominator) has none.
  Measures that count things that do not belong to one council (milestones,
  exchanges, placements) have no council level.
- Workforce figures resting on fewer than five people are "<5" (metrics.disclosure).
"""

from __future__ import annotations

import pandas as pd

from domain import geography
from metrics import config as mconfig
from metrics import disclosure, measures
from metrics.methods import COUNCIL_METHODS
from store import quarters as q

REPORTING_KINDS = ("survey", "workforce")  # the returns every council sends each quarter
PLACE_LEVELS = geography.PLACE_LEVELS
PLACE_LEVEL_SHORT = geography.PLACE_LEVEL_SHORT
MISSING_SINCE = "2025-Q2"


def _cfg(config):
    return config or mconfig.load()


def _window_start(as_of: str, config) -> str:
    return q.shift(as_of, -_cfg(config).staleness_quarters)


# ---------------------------------------------------------------- councils


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


# ---------------------------------------------------------------- places: council level


def measures_for_places(config=None) -> pd.DataFrame:
    """Measures the Places page offers: id, title, unit, and whether they have a council level."""
    cfg = _cfg(config)
    rows = [
        {
            "id": m.id,
            "title": m.title,
            "unit": m.unit,
            "theme": m.theme,
            "council_level": m.method in COUNCIL_METHODS,
        }
        for m in cfg.measures.values()
        if not m.is_milestone
    ]
    return pd.DataFrame(rows, columns=["id", "title", "unit", "theme", "council_level"])


def place_measure_options(level: str, config=None) -> dict[str, str]:
    """Measure id -> title for the Places picker at ``level`` (council level: only the
    measures that have a council value)."""
    m = measures_for_places(config)
    if level == "council":
        m = m[m["council_level"]]
    return dict(zip(m["id"], m["title"]))


def measure_unit(measure_id: str, config=None) -> str:
    return _cfg(config).measure(measure_id).unit


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


def _fmt(value, unit: str) -> str:
    """A value as every page shows it (metrics.progress.format_value): scores with two
    decimals (2.82), percentages with one (20.4%), whole counts without decimals."""
    from metrics.progress import format_value

    if value is None or pd.isna(value):
        return "no data"
    return format_value(float(value), unit)


# ---------------------------------------------------------------- places: any level

_LEVEL_COLUMN = {"region": "region_name", "footprint": "footprint_name", "centre": "centre"}


def place_values(con, measure_id: str, level: str, as_of: str, config=None) -> pd.DataFrame:
    """The ranking: one row per group of ``level`` (or per council), best first.

    Columns: group, value, display, coverage (text "reporting of total", or the quarter
    of a council's value), rank. Groups without a value come last with "no data".
    """
    cfg = _cfg(config)
    m = cfg.measure(measure_id)
    if level == "council":
        df = council_values(con, measure_id, as_of, cfg)
        out = pd.DataFrame(
            {
                "group": df["name"],
                "code": df["council_code"],
                "value": df["value"],
                "display": df["display"],
                "coverage": [f"{x} return" if x else "not reported" for x in df["quarter"]],
            }
        )
    elif level in _LEVEL_COLUMN:
        from metrics import summary as msummary

        s = msummary.summary(con, as_of=as_of, by=level, config=cfg)
        s = s[s["id"] == measure_id]
        groups = _level_groups(con, level)
        s = groups.merge(
            s[["group", "value", "coverage_reporting", "coverage_total"]], on="group", how="left"
        )
        out = pd.DataFrame(
            {
                "group": s["group"],
                "code": s["code"],
                "value": pd.to_numeric(s["value"], errors="coerce"),
                "display": [_fmt(v, m.unit) for v in pd.to_numeric(s["value"], errors="coerce")],
                "coverage": [
                    f"{int(r)} of {int(t)} councils" if pd.notna(r) and pd.notna(t) else ""
                    for r, t in zip(s["coverage_reporting"], s["coverage_total"])
                ],
            }
        )
    else:
        raise ValueError(f"unknown level {level!r}; known: {', '.join(PLACE_LEVELS)}")
    ascending = m.direction == "decrease"
    out = out.sort_values(["value", "group"], ascending=[ascending, True], na_position="last")
    out["rank"] = out["value"].rank(ascending=ascending, method="min")
    return out.reset_index(drop=True)[["rank", "group", "code", "value", "display", "coverage"]]


def has_values(ranking: pd.DataFrame) -> bool:
    """True when at least one group (or council) of a ranking has a value."""
    return bool(ranking["value"].notna().any())


def _level_groups(con, level: str) -> pd.DataFrame:
    """Every group of a level that has councils in scope: group (name) and code."""
    if level == "region":
        sql = (
            'SELECT DISTINCT region_name AS "group", region_code AS code FROM councils '
            "WHERE end_date IS NULL"
        )
    elif level == "footprint":
        sql = (
            'SELECT DISTINCT footprint_name AS "group", footprint_code AS code FROM councils '
            "WHERE end_date IS NULL AND footprint_code IS NOT NULL"
        )
    else:
        sql = (
            'SELECT DISTINCT centre AS "group", centre AS code FROM councils '
            "WHERE end_date IS NULL AND centre IS NOT NULL"
        )
    return con.execute(sql + " ORDER BY 1").df()


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
        if layer == "upper_tier":
            keep = c["council_type"] != "district"
        else:
            keep = c["council_type"] != "county"
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


def group_trends(
    con, measure_id: str, level: str, up_to: str, config=None
) -> dict[str, list[tuple[str, float]]]:
    """Each group's series of the measure, oldest first: {group: [(quarter, value)]}."""
    from metrics import summary as msummary

    if level not in _LEVEL_COLUMN:
        raise ValueError(f"trends are by region, footprint or centre, not {level!r}")
    s = msummary.series(con, measure_id, by=level, up_to=up_to, config=_cfg(config))
    out: dict[str, list[tuple[str, float]]] = {}
    for group, part in s.sort_values("quarter").groupby("group", sort=True):
        out[str(group)] = [(qq, _num(v)) for qq, v in zip(part["quarter"], part["value"])]
    return out


def series_range(
    series: dict[str, list[tuple[str, float]]], floor_zero: bool = False
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


def compare_footprints(
    con, measure_id: str, footprint_codes: tuple, up_to: str, config=None
) -> dict[str, list[tuple[str, float]]]:
    """Two to four footprints' series against England: {name: [(quarter, value)]}."""
    from metrics import summary as msummary

    cfg = _cfg(config)
    names = dict(
        con.execute(
            "SELECT DISTINCT footprint_code, footprint_name FROM councils WHERE end_date IS NULL "
            "AND list_contains(?, footprint_code)",
            [list(footprint_codes)],
        ).fetchall()
    )
    by_group = msummary.series(con, measure_id, by="footprint", up_to=up_to, config=cfg)
    national = msummary.series(con, measure_id, up_to=up_to, config=cfg)
    out: dict[str, list[tuple[str, float]]] = {}
    for code in footprint_codes:
        name = names.get(code)
        if name is None:
            continue
        part = by_group[by_group["group"] == name].sort_values("quarter")
        out[name] = [(qq, _num(v)) for qq, v in zip(part["quarter"], part["value"])]
    national = national.sort_values("quarter")
    out["England"] = [(qq, _num(v)) for qq, v in zip(national["quarter"], national["value"])]
    return out


def _num(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f
