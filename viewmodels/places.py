"""The Places page: one measure by region, footprint, Centre of Service Innovation or
council: a map (or, for a count by group, bars), a ranking with England, the target and
the status, each group's trend, and two to four groups compared with England.

The map raises ``BoundaryError`` (a boundary file cannot be used) or
``ReferenceDataMissing`` (no reference folder); the page says so in place of the map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from metrics import charts, disclosure, figures, maps, methods, wording
from metrics import config as mconfig
from metrics import places as mplaces
from metrics.maps import BoundaryError
from store.paths import ReferenceDataMissing
from viewmodels.downloads import Download, demo_loaded, measure_notes, rounded_table, unit_header

__all__ = ["BoundaryError", "ReferenceDataMissing"]

LEVELS = mplaces.PLACE_LEVELS  # level -> label ('Footprint (combined or strategic authority)')
LEVEL_SHORT = mplaces.PLACE_LEVEL_SHORT  # level -> short label ('Footprint')
ATTRIBUTION = maps.ATTRIBUTION  # shown under every map
# How the council level draws councils (two map layers).
LAYERS = {"council": "Districts and unitaries", "upper_tier": "Counties and unitaries"}
MAX_COMPARE = 4  # groups compared at once
PLURAL = {
    "region": "regions",
    "footprint": "footprints",
    "centre": "centres",
    "council": "councils",
}
RANKING_HEADINGS = {
    "rank": "Rank",
    "group": "Place",
    "display": "Value",
    "coverage": "Based on",
    "target": "Target",
    "status": "Status",
}


@dataclass(frozen=True)
class Options:
    """The measure picker at a level: {id: title}, {id: unit}, and the measure the page
    opens on (one that varies by place)."""

    options: dict[str, str]
    units: dict[str, str]
    default: str


def options(cfg: mconfig.Config, level: str) -> Options:
    found = mplaces.place_measure_options(level, cfg)
    default = mplaces.default_measure(level, cfg) or next(iter(found))
    return Options(
        options=found,
        units={m: mplaces.measure_unit(m, cfg) for m in found},
        default=default,
    )


@dataclass(frozen=True)
class PlacesView:
    """Everything the page shows for a measure at a level, but the map and the comparison."""

    table: (
        pd.DataFrame
    )  # the ranking, England first: rank, group, display, coverage, target, status
    download: Download  # the ranking as a file: values rounded as on screen, with its notes
    empty: bool  # no groups at all
    has_values: bool  # any group has a value
    trends: figures.FrozenFigure | None  # small multiples (None at council level or without data)
    trends_table: pd.DataFrame | None  # their numbers: group, quarter, value, note
    groups: dict[str, str]  # the groups of the level that can be compared: code -> label
    level_name: str  # 'footprint (combined or strategic authority)'
    group_name: str  # one group in words: 'footprint'
    short_name: str  # the ranking's column heading: 'Footprint'
    unit_label: str  # '%', 'score, 1 to 5'
    map_note: str | None  # what the map (or the bars) shows and how, under it
    is_map: bool  # a map (attribution under it) rather than bars
    compare_heading: str  # 'Compare regions with England'
    compare_label: str  # the picker's label: 'Regions (two to four)'
    compare_prompt: str  # what to do before two are chosen


def _relative(measure: str, cfg: mconfig.Config) -> bool:
    return methods.get(cfg.measure(measure).method).relative


def _is_count(unit: str, level: str) -> bool:
    """A count by group (centres, chief executives, exchanges per region) is drawn as bars,
    not a choropleth: a choropleth would shade a large area for a large number."""
    return unit == "count" and level != "council"


def ranking_download(
    table: pd.DataFrame, measure: str, level: str, quarter: str, *, demo: bool
) -> Download:
    """The ranking as it leaves, England first: rank, place (and code), the value rounded
    as on screen with its unit in the header, what it rests on, target and status. A
    figure withheld on screen (fewer than five people) is withheld in the file too; a
    place without a figure has none (never 0)."""
    cfg = mconfig.load()
    m = cfg.measure(measure)
    value = unit_header("value", m.unit, _relative(measure, cfg))
    out = pd.DataFrame(
        {
            "rank": table["rank"],
            LEVEL_SHORT[level].lower(): table["group"],
            "code": table["code"],
            value: pd.to_numeric(table["value"], errors="coerce"),
            "based on": table["coverage"],
            "target": table["target"],
            "status": table["status"],
        }
    )
    out = rounded_table(out, {value: m.unit})
    hidden = (table["display"] == disclosure.SUPPRESSED).to_numpy()
    if hidden.any():
        out[value] = [
            disclosure.SUPPRESSED if h else v for h, v in zip(hidden, out[value], strict=True)
        ]
    return Download(
        table=out,
        name=f"{measure}-{quarter}-by-{level}",
        notes=measure_notes(
            m,
            quarter,
            f"England and every {LEVELS[level].lower()}",
            f"{m.title} by {LEVELS[level].lower()}, {quarter}: ranking",
            demo=demo,
        ),
    )


def view(con: Any, measure: str, level: str, quarter: str, unit: str) -> PlacesView:
    cfg = mconfig.load()
    ranking = mplaces.place_values(con, measure, level, quarter, cfg)
    england = mplaces.england_row(con, measure, quarter, cfg)
    table = pd.concat([pd.DataFrame([england]), ranking], ignore_index=True)
    small = None if level == "council" else trends(con, measure, level, quarter, unit)
    return PlacesView(
        table=table[["rank", "group", "display", "coverage", "target", "status"]],
        download=ranking_download(table, measure, level, quarter, demo=demo_loaded(con)),
        empty=ranking.empty,
        has_values=mplaces.has_values(ranking),
        trends=small,
        trends_table=None if small is None else numbers(small, unit, LEVEL_SHORT[level]),
        groups=mplaces.group_options(con, level),
        level_name=LEVELS[level].lower(),
        group_name=LEVELS[level].split(" (")[0].lower(),
        short_name=LEVEL_SHORT[level],
        unit_label=figures.unit_label(unit, relative=_relative(measure, cfg)),
        map_note=map_note(level, unit, measure, cfg),
        is_map=not _is_count(unit, level),
        compare_heading=f"Compare {PLURAL[level]} with England",
        compare_label=f"{PLURAL[level].capitalize()} (two to four)",
        compare_prompt=f"Choose two to four {PLURAL[level]} to compare them with England.",
    )


PACK_LEVELS = ("region", "footprint", "centre")  # the levels a board pack can be made for


def pack_level(level: str) -> str:
    """The level of the board packs offered beside a level of the page (the council
    level offers footprints)."""
    return level if level in PACK_LEVELS else "footprint"


def pack_caption(level: str, quarter: str) -> str:
    group = LEVELS[level].split(" (")[0].lower()
    return (
        f"The {quarter} board pack for one {group}, to take to its own board: its "
        "figures against England, every theme with its charts, coverage, the "
        "methodology and the sources, as PDF or HTML."
    )


def numbers(fig: figures.FrozenFigure, unit: str, series: str = "series") -> pd.DataFrame:
    """A line chart's table view (metrics.charts.chart_table: a quarter without data is
    "not reported"), its first column named, values rounded as on screen."""
    table = charts.chart_table(fig, unit=unit).rename(columns={"series": series})
    return rounded_table(table, {unit_header("value", unit): unit})


def map_note(level: str, unit: str, measure: str, cfg: mconfig.Config) -> str | None:
    """One line under the map saying how it is drawn."""
    if _is_count(unit, level):
        return (
            f"A count by {LEVEL_SHORT[level].lower()} is drawn as bars: shading a whole area "
            "by a number of things would make large areas look like more."
        )
    parts = []
    if level == "council" and _yes_no(measure, cfg):
        parts.append(
            "Each council's own answer is yes or no: two classes, not a scale (dark blue: "
            "yes, light blue: no)."
        )
    else:
        parts.append("Darker blue: a higher value; the key under the map gives each class.")
    if level in ("footprint", "centre"):
        parts.append(
            f"Each {LEVEL_SHORT[level].lower()} is drawn by colouring its member councils; "
            f"pale grey areas with a dark outline have no value or are in no "
            f"{LEVEL_SHORT[level].lower()}."
        )
    else:
        parts.append("Pale grey areas with a dark outline have no value (no data).")
    parts.append("The ranking gives every value in words.")
    return " ".join(parts)


def _yes_no(measure: str, cfg: mconfig.Config) -> bool:
    """A council's own value of the measure is yes or no (a share of councils: 100 or 0; a
    count of councils: 1 or 0)."""
    return cfg.measure(measure).method in mplaces.YES_NO_METHODS


def _spread(ranking: pd.DataFrame, level: str, yes_no: bool) -> str | None:
    """What the map shows, in words: 'from 2.0% (East of England) to 72.7% (London)'; tied
    places named together or counted; for councils' yes or no, how many said yes; for
    councils' whole scores, the most common one. None with fewer than two values."""
    have = ranking[ranking["value"].notna()]
    if len(have) < 2:
        return None
    n = len(have)
    if yes_no:
        yes = int((have["value"] > 0).sum())
        return f"yes for {yes} of the {n} councils with a value"
    values = have["value"].astype(float)
    if level == "council" and values.round(9).apply(float.is_integer).all():
        common = values.mode().iloc[0]
        k = int((values == common).sum())
        shown = str(have.loc[values == common, "display"].iloc[0])
        whole = shown.split(".")[0]
        if shown != whole and set(shown[len(whole) + 1 :]) == {"0"}:
            shown = whole  # a whole score: "3", not "3.00"
        return f"most often {shown} ({k} of {n} councils)"
    hi, lo = values.max(), values.min()
    if hi == lo:
        return f"{have['display'].iloc[0]} in every one with data"

    def who(value: float) -> str:
        names = list(have.loc[values == value, "group"])
        shown = have.loc[values == value, "display"].iloc[0]
        said = " and ".join(names) if len(names) <= 2 else f"{len(names)} {PLURAL[level]}"
        return f"{shown} ({said})"

    return f"from {who(lo)} to {who(hi)}"


def map_figure(
    con: Any, measure: str, level: str, quarter: str, layer: str, title: str, unit: str
) -> figures.FrozenFigure:
    """The classed choropleth of ``measure`` (called ``title``, in ``unit``) at ``level``
    (``layer``: the council map's layer); for a count by group, one bar per group instead.
    Raises BoundaryError / ReferenceDataMissing as maps.choropleth does (ui.cache caches
    no exception: the next rerun tries again)."""
    cfg = mconfig.load()
    relative = _relative(measure, cfg)
    ranking = mplaces.place_values(con, measure, level, quarter, cfg)
    england = mplaces.england_row(con, measure, quarter, cfg)
    yes_no = level == "council" and _yes_no(measure, cfg)
    spread = _spread(ranking, level, yes_no)
    heading = f"{title} by {LEVEL_SHORT[level].lower()}, {quarter}" + (
        f": {spread}" if spread else ""
    )
    what = wording.UNIT_WORDS.get(unit, unit)
    subtitle = f"{what[:1].upper()}{what[1:]}; England {england['display']}"
    if _is_count(unit, level):
        fig = charts.breakdown(
            list(ranking["group"]),
            list(ranking["value"]),
            unit=unit,
            title=heading,
            subtitle=subtitle,
            relative=relative,
        )
        return figures.frozen(fig)
    map_layer = "region" if level == "region" else layer
    shapes = mplaces.map_values(con, measure, level, quarter, map_layer, cfg)
    no_data = "No data" if level in ("region", "council") else f"No data or no {level}"
    return figures.frozen(
        maps.choropleth(
            shapes,
            map_layer,
            title=heading,
            subtitle=subtitle,
            unit_label=_legend_title(unit, relative, yes_no),
            unit=unit,
            yes_no=yes_no,
            no_data_label=no_data,
        )
    )


def _legend_title(unit: str, relative: bool, yes_no: bool) -> str:
    """The map legend's heading: what its classes are in."""
    if yes_no:
        return "Each council:"
    if relative:
        return "Per cent change on the baseline:"
    words = wording.UNIT_WORDS.get(unit, unit)
    return f"{words[:1].upper()}{words[1:]}:"


def trends(
    con: Any, measure: str, level: str, quarter: str, unit: str
) -> figures.FrozenFigure | None:
    """The small multiples: one figure, a panel per group in two columns (readable on a
    phone too), all on one y scale so panels compare (a rate from 0, a score on its 1 to 5
    scale); None when no group has a quarter with data. One chart instead of one per
    group: a footprint view has about fifteen groups, and every chart is an element the
    browser is sent on each rerun."""
    cfg = mconfig.load()
    found = mplaces.group_trends(con, measure, level, quarter, cfg)
    if not any(v is not None for pts in found.values() for _, v in pts):
        return None
    m = cfg.measure(measure)
    fig = charts.lines(
        found,
        unit=unit,
        small_multiples=True,
        columns=2,
        height=260,
        panel_height=200,
        bounds=m.bounds,
        relative=_relative(measure, cfg),
    )
    fig.update_layout(showlegend=False)
    fig.update_yaxes(title_text=None)
    return figures.frozen(fig, what=f"One small chart per {LEVEL_SHORT[level].lower()}")


def compare(
    con: Any,
    measure: str,
    level: str,
    codes: tuple[str, ...],
    quarter: str,
    title: str,
    unit: str,
) -> figures.FrozenFigure:
    """Two to four groups of ``level`` (or councils) against England: one line chart."""
    cfg = mconfig.load()
    found = mplaces.compare_groups(con, measure, level, codes, quarter, cfg)
    m = cfg.measure(measure)
    names = [n for n in found if n != "England"]
    first = min((q for pts in found.values() for q, v in pts if v is not None), default=None)
    fig = charts.lines(
        found,
        unit=unit,
        title=f"{title}: {', '.join(names)} and England",
        subtitle=", ".join(
            p
            for p in (
                wording.UNIT_WORDS.get(unit, unit).capitalize(),
                f"{first} to {quarter}" if first else quarter,
            )
            if p
        ),
        bounds=m.bounds,
        relative=_relative(measure, cfg),
    )
    return figures.frozen(fig)


def compare_table(
    con: Any,
    measure: str,
    level: str,
    codes: tuple[str, ...],
    quarter: str,
    title: str,
    unit: str,
) -> pd.DataFrame:
    """The comparison chart's numbers: place (or England), quarter, value, note."""
    fig = compare(con, measure, level, codes, quarter, title, unit)
    return numbers(fig, unit, LEVEL_SHORT[level].lower())
