"""Boundaries and the choropleth map, drawn with no internet at all.

The map is a plotly ``Choroplethmap`` (MapLibre) on the ``white-bg`` style: no tiles,
no glyphs, no sprites, so nothing is fetched from outside the server. (plotly's
``Choropleth`` on a ``geo`` subplot always fetches a world topojson from a CDN and
stays blank offline, so it is not used.)

Layers come from the ONS GeoJSON files in the reference folder
(``store.paths.boundary_file``):

- ``region``: the nine English regions (RGN23CD).
- ``council``: the 296 districts, unitaries, metropolitan districts, London boroughs
  and the City of London (LAD24CD). County councils (E10) are not in this layer.
- ``upper_tier``: counties and unitaries (CTYUA23CD, 153 areas): the layer that draws
  the 21 county councils with their own value.

Footprints (combined and strategic authorities) and Centres of Service Innovation are
drawn by colouring their member councils on the ``council`` layer: the ONS combined
authority file is out of date (December 2023), the council table is not.

Each file is read once per process (cached on path and modification time), reduced to
an id and a name per feature and simplified (Douglas-Peucker at 0.01 degrees, then
coordinates rounded to 3 decimals), which takes the district layer from about 850 kB
to about 140 kB, for phones. The map is drawn at one fixed national zoom (no scroll
zoom, no dragging), where 0.01 degrees is under half a pixel.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from metrics import figures, sources
from store import paths

# layer -> (code property, name property)
LAYERS: dict[str, tuple[str, str]] = {
    "region": ("RGN23CD", "RGN23NM"),
    "council": ("LAD24CD", "LAD24NM"),
    "upper_tier": ("CTYUA23CD", "CTYUA23NM"),
}

ATTRIBUTION = sources.MAP_ATTRIBUTION  # shown under every map

TOLERANCE = 0.01  # degrees, about 0.7-1.1 km: under half a pixel at the national zoom
DECIMALS = 3  # about 70-110 m

# England's middle and a zoom that fits it into a 390 px wide phone as well as a desktop.
CENTRE = {"lat": 52.6, "lon": -1.9}
ZOOM = 4.75

# Classed colours (metrics.figures holds the palette): about five classes of a
# sequential blue scale, light to dark, with a ranged legend in the measure's unit; yes/no
# figures of single councils in two classes; "no data" pale grey with a dark outline and
# its own legend entry (every class has 3:1 against white and stands apart from it).
# Hover text says "no data" too, so colour is never the only cue.
NO_DATA_FILL = figures.NO_DATA
NO_DATA_LINE = figures.NO_DATA_LINE
LEGEND_TEXT = figures.DARK_GREY  # not Streamlit's 3.8:1 grey

# An empty class's stand-in area: a speck in the South Atlantic, far outside England's
# view (the map neither pans nor zooms), so its legend entry shows the class's colour.
KEY_ONLY = "key-only"
_KEY_SHAPE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": KEY_ONLY,
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[-30.0, -50.0], [-29.999, -50.0], [-30.0, -49.999], [-30.0, -50.0]]
                ],
            },
        }
    ],
}

_cache: dict[tuple[str, float], dict] = {}
_lock = threading.Lock()


class BoundaryError(RuntimeError):
    """A boundary file could not be used; the message names the file and the problem."""


# ---------------------------------------------------------------- simplification


def _perpendicular(p, a, b) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def _douglas_peucker(points: list, tolerance: float) -> list:
    """Iterative Douglas-Peucker on an open polyline; keeps both ends."""
    n = len(points)
    if n < 3:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, None
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(
    ring: list, tolerance: float = TOLERANCE, decimals: int = DECIMALS
) -> list | None:
    """A closed ring simplified and rounded; None when it collapses below a triangle.

    The ring is split at its point farthest from the start so that Douglas-Peucker
    (which needs two fixed ends) keeps the ring's shape.
    """
    if len(ring) < 4:
        return None
    body = ring[:-1] if ring[0] == ring[-1] else list(ring)
    start = body[0]
    far = max(
        range(len(body)), key=lambda i: (body[i][0] - start[0]) ** 2 + (body[i][1] - start[1]) ** 2
    )
    half1 = _douglas_peucker(body[: far + 1], tolerance)
    half2 = _douglas_peucker(body[far:] + [start], tolerance)
    out: list = []
    for x, y in half1[:-1] + half2:
        pt = [round(x, decimals), round(y, decimals)]
        if not out or out[-1] != pt:
            out.append(pt)
    if out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None


def simplify_geometry(
    geometry: dict, tolerance: float = TOLERANCE, decimals: int = DECIMALS
) -> dict:
    """Polygon or MultiPolygon simplified; parts that collapse are dropped, but a
    feature always keeps its largest part (so no council disappears from the map)."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise BoundaryError(
            f"unexpected geometry type {geometry['type']!r} (expected Polygon or MultiPolygon)"
        )
    kept = []
    for polygon in polygons:
        outer = simplify_ring(polygon[0], tolerance, decimals)
        if outer is None:
            continue
        holes = [h for h in (simplify_ring(r, tolerance, decimals) for r in polygon[1:]) if h]
        kept.append([outer] + holes)
    if (
        not kept
    ):  # tiny council (City of London, Isles of Scilly): keep it unsimplified, rounded finer
        biggest = max(polygons, key=lambda p: len(p[0]))
        kept = [[[[round(x, 5), round(y, 5)] for x, y in biggest[0]]]]
    if len(kept) == 1:
        return {"type": "Polygon", "coordinates": kept[0]}
    return {"type": "MultiPolygon", "coordinates": kept}


# ---------------------------------------------------------------- loading


def load_layer(layer: str, reference_dir: str | os.PathLike | None = None) -> dict:
    """The layer's GeoJSON FeatureCollection, simplified, each feature with
    ``id`` = its GSS code and ``properties`` = {code, name}. Cached per file."""
    if layer not in LAYERS:
        raise BoundaryError(f"unknown map layer {layer!r}; known: {', '.join(LAYERS)}")
    path = paths.boundary_file(layer, reference_dir)
    cache_key = (str(path), path.stat().st_mtime)
    with _lock:
        if cache_key in _cache:
            return _cache[cache_key]
    collection = _read(path, *LAYERS[layer])
    with _lock:
        _cache[cache_key] = collection
    return collection


def _read(path: Path, code_prop: str, name_prop: str) -> dict:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BoundaryError(
            f"The boundary file {path} could not be read as GeoJSON: {exc}"
        ) from exc
    if raw.get("type") != "FeatureCollection" or not raw.get("features"):
        raise BoundaryError(
            f"The boundary file {path} is not a GeoJSON FeatureCollection with features."
        )
    features = []
    for n, feature in enumerate(raw["features"], start=1):
        props = feature.get("properties") or {}
        if code_prop not in props:
            raise BoundaryError(
                f"Feature {n} of {path} has no {code_prop} property (the area code)."
            )
        code = str(props[code_prop]).strip()
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "name": str(props.get(name_prop, code)).strip()},
                "geometry": simplify_geometry(feature["geometry"]),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def layer_codes(layer: str) -> set[str]:
    return {f["id"] for f in load_layer(layer)["features"]}


def payload_bytes(collection: dict) -> int:
    """Size of the GeoJSON as sent to the browser (compact JSON)."""
    return len(json.dumps(collection, separators=(",", ":")))


# ---------------------------------------------------------------- classes


@dataclass(frozen=True)
class MapClass:
    """One class of a classed map: its legend label (with units), colour and range
    (``lo`` <= value < ``hi``; the last class includes its top)."""

    label: str
    colour: str
    lo: float
    hi: float

    def holds(self, value: float, last: bool = False) -> bool:
        return self.lo <= value < self.hi or (last and value == self.hi)


_NICE = (1.0, 2.0, 2.5, 5.0)


# The narrowest class a unit's figures are worth: finer would show noise as difference.
MIN_STEP = {"percent": 1.0, "score": 0.1, "count": 1.0}


def _edges(lo_v: float, hi_v: float, most: int, least: float = 0.0) -> tuple[float, float, float]:
    """(low edge, high edge, step): the smallest step of 1, 2, 2.5 or 5 times a power of
    ten, and at least ``least``, whose whole classes from below ``lo_v`` to above ``hi_v``
    number at most ``most``."""
    span = max(hi_v - lo_v, least, 1e-9)
    power = 10 ** math.floor(math.log10(span / most))
    for p in (power, power * 10, power * 100):
        for k in _NICE:
            step = k * p
            if step < least:
                continue
            lo = math.floor(lo_v / step + 1e-9) * step
            hi = math.ceil(hi_v / step - 1e-9) * step
            if hi <= lo:
                hi = lo + step
            if round((hi - lo) / step) <= most:
                return lo, hi, step
    step = span
    return lo_v, hi_v, step


def _decimals(step: float) -> int:
    """Decimals that show every edge of classes ``step`` wide (0.2 -> 1, 2.5 -> 1)."""
    for d in range(0, 6):
        if abs(step * 10**d - round(step * 10**d)) < 1e-9:
            return d
    return 6


def _number(x: float, unit: str, decimals: int = 0) -> str:
    text = f"{x:.{decimals}f}"
    return f"{text}%" if unit == "percent" else text


def _colours(n: int) -> list[str]:
    """``n`` colours of the sequential scale, spread from light to dark."""
    ramp = figures.MAP_CLASSES
    if n == 1:
        return [ramp[2]]
    return [ramp[round(i * (len(ramp) - 1) / (n - 1))] for i in range(n)]


def classify(
    values: Sequence[float], unit: str, *, yes_no: bool = False, most: int = 5
) -> list[MapClass]:
    """The classes of a map of ``values`` in ``unit``:

    - ``yes_no`` (a council's own share or count of councils is 100/1 or 0): "Yes", "No";
    - a few whole values (a council's 1 to 5 score): one class each;
    - otherwise equal ranges of a round width (1, 2, 2.5 or 5 times a power of ten),
      at most ``most`` of them, labelled "20% to under 30%" (the last "to 30%").
    """
    vs = sorted({float(v) for v in values if v is not None and v == v})
    if yes_no:
        return [
            MapClass("No", figures.MAP_YES_NO[0], -math.inf, 0.5),
            MapClass("Yes", figures.MAP_YES_NO[1], 0.5, math.inf),
        ]
    if not vs:
        return []
    if len(vs) <= most and all(v.is_integer() for v in vs) and unit != "percent":
        colours = _colours(len(vs))
        return [
            MapClass(_number(v, unit), c, v - 0.5, v + 0.5)
            for v, c in zip(vs, colours, strict=True)
        ]
    lo, hi, step = _edges(vs[0], vs[-1], most, MIN_STEP.get(unit, 0.0))
    n = max(1, round((hi - lo) / step))
    if unit == "percent":
        lo, hi = max(lo, 0.0), min(hi, 100.0)
    edges = [lo + i * step for i in range(n)] + [hi]
    colours = _colours(n)
    d = _decimals(step)
    return [
        MapClass(
            f"{_number(a, unit, d)} to {'' if i == n - 1 else 'under '}{_number(b, unit, d)}",
            c,
            a,
            b,
        )
        for i, (a, b, c) in enumerate(zip(edges[:-1], edges[1:], colours, strict=True))
    ]


def class_index(value: float | None, classes: Sequence[MapClass]) -> int | None:
    """The class ``value`` falls in (None: no value or no class)."""
    if value is None or value != value:
        return None
    for i, c in enumerate(classes):
        if c.holds(float(value), last=i == len(classes) - 1):
            return i
    return None


# ---------------------------------------------------------------- the figure


def choropleth(
    values: pd.DataFrame,
    layer: str,
    *,
    title: str,
    unit_label: str,
    unit: str = "",
    yes_no: bool = False,
    no_data_label: str = "No data",
    subtitle: str | None = None,
    height: int = 560,
) -> go.Figure:
    """A classed choropleth of ``values`` on ``layer``.

    ``values`` has columns ``code`` (the area's GSS code on that layer), ``name``,
    ``value`` (a number or missing) and ``label`` (what the hover shows for the value,
    e.g. "62.5%" or "no data"). The values fall in about five classes (metrics.maps
    classify: ranges of a round width, a class per whole score, or yes/no), each a trace
    with its own legend entry (a range with its units); areas of the layer without a row
    or without a value are pale grey with a dark outline, keyed "No data" in the legend, and
    say "no data" in the hover.

    Each trace carries only the boundaries of its own areas, so the figure holds every
    boundary once (the browser downloads and parses half as much).
    """
    geojson = load_layer(layer)
    names = {f["id"]: f["properties"]["name"] for f in geojson["features"]}
    # what plotly needs of a feature: its id and shape (names travel in the hover text)
    by_code = {
        f["id"]: {"type": "Feature", "id": f["id"], "geometry": f["geometry"]}
        for f in geojson["features"]
    }

    def only(codes) -> dict:
        return {"type": "FeatureCollection", "features": [by_code[c] for c in codes]}

    df = values[values["code"].isin(names)].copy()
    classes = classify(list(df["value"]), unit, yes_no=yes_no)
    df["cls"] = [class_index(v, classes) for v in df["value"]]
    shown = df[df["cls"].notna()]
    missing_codes = sorted(set(names) - set(shown["code"]))
    missing = df[df["cls"].isna()].set_index("code")
    fig = go.Figure()
    for i, c in enumerate(classes):
        part = shown[shown["cls"] == i]  # an empty class is still keyed: the scale is whole
        # plotly keys no trace without an area: an empty class draws a speck out of view
        codes, shapes = (
            (list(part["code"]), only(part["code"])) if len(part) else ([KEY_ONLY], _KEY_SHAPE)
        )
        fig.add_trace(
            go.Choroplethmap(
                geojson=shapes,
                featureidkey="id",
                locations=codes,
                z=[1] * len(codes),
                colorscale=[[0, c.colour], [1, c.colour]],
                showscale=False,
                marker_line_color="white",
                marker_line_width=0.5,
                text=list(part["name"]),
                # the label the hover shows, the value the text alternative reads
                customdata=[[lbl, v] for lbl, v in zip(part["label"], part["value"])],
                hovertemplate="<b>%{text}</b><br>"
                + unit_label
                + ": %{customdata[0]}<extra></extra>",
                hoverinfo="skip" if part.empty else "all",
                name=c.label,
                legendrank=i + 1,
                showlegend=True,
            )
        )
    if missing_codes:
        fig.add_trace(
            go.Choroplethmap(
                geojson=only(missing_codes),
                featureidkey="id",
                locations=missing_codes,
                z=[0] * len(missing_codes),
                colorscale=[[0, NO_DATA_FILL], [1, NO_DATA_FILL]],
                showscale=False,
                marker_line_color=NO_DATA_LINE,
                marker_line_width=0.8,
                text=[
                    missing["name"].get(c, names[c]) if c in missing.index else names[c]
                    for c in missing_codes
                ],
                customdata=[
                    [missing["label"].get(c, "no data") if c in missing.index else "no data"]
                    for c in missing_codes
                ],
                hovertemplate="<b>%{text}</b><br>%{customdata[0]}<extra></extra>",
                name=no_data_label,
                meta="no data",  # metrics.chart_text counts these areas apart
                legendrank=len(classes) + 1,
                showlegend=True,
            )
        )
    title_text = figures.wrap(title, figures.TITLE_WIDTH)  # a 320 px screen shows it all
    sub = figures.wrap(subtitle, figures.SUBTITLE_WIDTH) if subtitle else None
    top = 16 + 22 * (title_text.count("<br>") + 1) + (18 * (sub.count("<br>") + 1) if sub else 0)
    title_spec: dict = {
        "text": title_text,
        "font": {"size": 15, "color": figures.TEXT},
        "x": 0,
        "xanchor": "left",
    }
    if sub:
        title_spec["subtitle"] = {"text": sub, "font": {"size": 12, "color": figures.DARK_GREY}}
    fig.update_layout(
        title=title_spec,
        map={"style": "white-bg", "center": CENTRE, "zoom": ZOOM},
        margin={"l": 0, "r": 0, "t": top, "b": 0},
        height=height,
        showlegend=True,
        legend={
            "title": {
                "text": unit_label,
                "side": "top",
                "font": {"size": 12, "color": LEGEND_TEXT},
            },
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 0,
            "yanchor": "top",
            "traceorder": "normal",
            "font": {"size": 12, "color": LEGEND_TEXT},
            "itemclick": False,
            "itemdoubleclick": False,
        },
        dragmode=False,
    )
    return fig
