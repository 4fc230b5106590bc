"""The Places page: one measure by region, footprint, Centre of Service Innovation or
council: a map, a ranking, each group's trend, and two to four footprints against England.

The map raises ``BoundaryError`` (a boundary file cannot be used) or
``ReferenceDataMissing`` (no reference folder); the page says so in place of the map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from metrics import chart_table as mchart_table
from metrics import config as mconfig
from metrics import disclosure, figures, maps, views
from metrics import profile as mprofile
from metrics.maps import BoundaryError
from store.paths import ReferenceDataMissing
from viewmodels.downloads import Download, demo_loaded, measure_notes, rounded_table, unit_header

__all__ = ["BoundaryError", "ReferenceDataMissing"]

LEVELS = views.PLACE_LEVELS  # level -> label ('Footprint (combined or strategic authority)')
LEVEL_SHORT = views.PLACE_LEVEL_SHORT  # level -> short label ('Footprint')
ATTRIBUTION = maps.ATTRIBUTION  # shown under every map
# How the council level draws councils (two map layers).
LAYERS = {"council": "Districts and unitaries", "upper_tier": "Counties and unitaries"}
MAX_COMPARE = 4  # footprints compared at once


@dataclass(frozen=True)
class Options:
    """The measure picker at a level: {id: title} and {id: unit}."""

    options: dict[str, str]
    units: dict[str, str]


def options(cfg: mconfig.Config, level: str) -> Options:
    found = views.place_measure_options(level, cfg)
    return Options(options=found, units={m: views.measure_unit(m, cfg) for m in found})


@dataclass(frozen=True)
class PlacesView:
    """Everything the page shows for a measure at a level, but the map and the comparison."""

    table: pd.DataFrame  # the ranking: rank, group, display, coverage
    empty: bool  # no groups at all
    has_values: bool  # any group has a value
    trends: figures.FrozenFigure | None  # small multiples (None at council level or without data)
    trends_table: pd.DataFrame | None  # their numbers: group, quarter, value
    map_key: str  # what the map's colours mean, in words (the colour bar is the scale)
    footprints: dict[str, str]  # footprint code -> "Name (n councils)"
    level_name: str  # 'footprint (combined or strategic authority)'
    group_name: str  # one group in words: 'footprint'
    short_name: str  # the ranking's column heading: 'Footprint'
    unit_label: str  # '%', 'score (1 to 5)'
    download: Download  # the ranking as a file: values rounded as on screen, with its notes


def ranking_download(
    ranking: pd.DataFrame, measure: str, level: str, quarter: str, *, demo: bool
) -> Download:
    """The ranking as it leaves: rank, group (and code), the value rounded as on screen
    with its unit in the header, what it rests on."""
    m = mconfig.load().measure(measure)
    table = pd.DataFrame(
        {
            "rank": ranking["rank"],
            LEVEL_SHORT[level].lower(): ranking["group"],
            "code": ranking["code"],
            unit_header("value", m.unit): ranking["value"],
            "based on": ranking["coverage"],
        }
    )
    value = unit_header("value", m.unit)
    table = rounded_table(table, {value: m.unit, "rank": "count"})
    # A figure withheld on screen (fewer than five people) is withheld in the file too.
    hidden = (ranking["display"] == disclosure.SUPPRESSED).to_numpy()
    if hidden.any():
        table[value] = [
            disclosure.SUPPRESSED if h else v for h, v in zip(hidden, table[value], strict=True)
        ]
    return Download(
        table=table,
        name=f"{measure}-{quarter}-by-{level}",
        notes=measure_notes(
            m,
            quarter,
            f"every {LEVELS[level].lower()}",
            f"{m.title} by {LEVELS[level].lower()}, {quarter}: ranking",
            demo=demo,
        ),
    )


def view(con: Any, measure: str, level: str, quarter: str, unit: str) -> PlacesView:
    ranking = views.place_values(con, measure, level, quarter)
    small = None if level == "council" else trends(con, measure, level, quarter, unit)
    return PlacesView(
        table=ranking[["rank", "group", "display", "coverage"]],
        empty=ranking.empty,
        has_values=views.has_values(ranking),
        trends=small,
        trends_table=None if small is None else numbers(small, unit, LEVEL_SHORT[level]),
        map_key=map_key(level),
        footprints=mprofile.footprint_options(con),
        level_name=LEVELS[level].lower(),
        group_name=LEVELS[level].split(" (")[0].lower(),
        short_name=LEVEL_SHORT[level],
        unit_label=figures.unit_label(unit),
        download=ranking_download(ranking, measure, level, quarter, demo=demo_loaded(con)),
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


def map_key(level: str) -> str:
    """The map's key in words: darker means more, light grey means no value."""
    key = (
        "Darker blue: a higher value (the scale is under the map). Light grey: no data "
        "for this quarter."
    )
    if level in ("footprint", "centre"):
        group = LEVELS[level].split(" (")[0].lower()
        key += (
            f" Each {group} is drawn by colouring its member councils; light grey areas "
            "have no value or are in no group."
        )
    return key + " The ranking gives every value in words."


def numbers(fig: figures.FrozenFigure, unit: str, series: str = "series") -> pd.DataFrame:
    """A line chart's table view (mchart_table.chart_table), its first column named."""
    return mchart_table.chart_table(fig, unit=unit).rename(columns={"series": series})


def map_figure(
    con: Any, measure: str, level: str, quarter: str, layer: str, title: str, unit: str
) -> figures.FrozenFigure:
    """The choropleth of ``measure`` (called ``title``, in ``unit``) at ``level``;
    ``layer``: the council map's layer. Raises BoundaryError / ReferenceDataMissing as
    maps.choropleth does (ui.cache caches no exception: the next rerun tries again)."""
    map_layer = "region" if level == "region" else layer
    shapes = views.map_values(con, measure, level, quarter, map_layer)
    return figures.frozen(
        maps.choropleth(
            shapes,
            map_layer,
            title=f"{title} by {LEVELS[level].lower()}",
            unit_label=figures.unit_label(unit),
        )
    )


def trends(
    con: Any, measure: str, level: str, quarter: str, unit: str
) -> figures.FrozenFigure | None:
    """The small multiples: one figure, a panel per group in two columns (readable on a
    phone too), all on one y scale so panels compare; None when no group has a quarter
    with data. One chart instead of one per group: a footprint view has about fifteen
    groups, and every chart is an element the browser is sent on each rerun."""
    found = views.group_trends(con, measure, level, quarter)
    if not any(pts for pts in found.values()):
        return None
    fig = figures.lines(
        found, unit=unit, small_multiples=True, columns=2, height=260, panel_height=200
    )
    fig.update_layout(showlegend=False, margin={"t": 40, "b": 10})
    fig.update_yaxes(range=views.series_range(found), title_text=None)
    fig.update_xaxes(nticks=4, tickangle=0)
    return figures.frozen(fig, what=f"One small chart per {LEVEL_SHORT[level].lower()}")


def compare(
    con: Any, measure: str, footprints: tuple[str, ...], quarter: str, title: str, unit: str
) -> figures.FrozenFigure:
    """Two to four footprints against England: one line chart."""
    lines = views.compare_footprints(con, measure, footprints, quarter)
    fig = figures.lines(lines, unit=unit, title=f"{title}: footprints and England")
    fig.update_xaxes(nticks=4, tickangle=0)  # readable on a phone
    return figures.frozen(fig)


def compare_table(
    con: Any, measure: str, footprints: tuple[str, ...], quarter: str, title: str, unit: str
) -> pd.DataFrame:
    """The comparison chart's numbers: footprint (or England), quarter, value."""
    return numbers(compare(con, measure, footprints, quarter, title, unit), unit, "footprint")
