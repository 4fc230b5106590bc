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
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from metrics.figures import DARK_GREY, NO_DATA, SEQUENTIAL, TITLE_WIDTH, _wrap
from store import paths

# layer -> (code property, name property)
LAYERS: dict[str, tuple[str, str]] = {
    "region": ("RGN23CD", "RGN23NM"),
    "council": ("LAD24CD", "LAD24NM"),
    "upper_tier": ("CTYUA23CD", "CTYUA23NM"),
}

ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government "
    "Licence v.3.0. Contains OS data © Crown copyright and database right 2024"
)

TOLERANCE = 0.01  # degrees, about 0.7-1.1 km: under half a pixel at the national zoom
DECIMALS = 3  # about 70-110 m

# England's middle and a zoom that fits it into a 390 px wide phone as well as a desktop.
CENTRE = {"lat": 52.6, "lon": -1.9}
ZOOM = 4.75

# The colours are metrics.figures' (one palette): a light-to-dark blue scale whose every
# step has 3:1 contrast against white, and light grey for "no data" (with a darker
# outline); the key under the map and the hover text say "no data", so colour is not the
# only cue.
COLOURSCALE = SEQUENTIAL
NO_DATA_FILL = NO_DATA

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


# ---------------------------------------------------------------- the figure


def choropleth(
    values: pd.DataFrame,
    layer: str,
    *,
    title: str,
    unit_label: str,
    value_format: str | None = None,
    height: int = 520,
) -> go.Figure:
    """A choropleth of ``values`` on ``layer``.

    ``values`` has columns ``code`` (the area's GSS code on that layer), ``name``,
    ``value`` (a number or missing) and ``label`` (what the hover shows for the value,
    e.g. "62.5%" or "no data"). Areas of the layer without a row, or with a missing
    value, are drawn light grey and say "no data". ``value_format`` is the colour bar's
    d3 tick format; by default plotly picks as many decimals as the range needs.

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
    has_value = df["value"].notna()
    shown = df[has_value]
    missing_codes = sorted(set(names) - set(shown["code"]))
    missing = df[~has_value].set_index("code")
    fig = go.Figure()
    if missing_codes:
        fig.add_trace(
            go.Choroplethmap(
                geojson=only(missing_codes),
                featureidkey="id",
                locations=missing_codes,
                z=[0] * len(missing_codes),
                colorscale=[[0, NO_DATA_FILL], [1, NO_DATA_FILL]],
                showscale=False,
                marker_line_color="#9a9a9a",
                marker_line_width=0.6,
                text=[
                    missing["name"].get(c, names[c]) if c in missing.index else names[c]
                    for c in missing_codes
                ],
                customdata=[
                    [missing["label"].get(c, "no data") if c in missing.index else "no data"]
                    for c in missing_codes
                ],
                hovertemplate="<b>%{text}</b><br>%{customdata[0]}<extra></extra>",
                name="no data",
            )
        )
    if len(shown):
        fig.add_trace(
            go.Choroplethmap(
                geojson=only(shown["code"]),
                featureidkey="id",
                locations=list(shown["code"]),
                z=list(shown["value"].astype(float)),
                colorscale=COLOURSCALE,
                marker_line_color="white",
                marker_line_width=0.5,
                text=list(shown["name"]),
                customdata=[[lbl] for lbl in shown["label"]],
                hovertemplate="<b>%{text}</b><br>"
                + unit_label
                + ": %{customdata[0]}<extra></extra>",
                colorbar={
                    "title": {"text": unit_label, "side": "top", "font": {"color": DARK_GREY}},
                    "tickfont": {"color": DARK_GREY},  # not Streamlit's 3.8:1 grey
                    "thickness": 10,
                    "orientation": "h",
                    "x": 0.5,
                    "xanchor": "center",
                    "y": 0,
                    "yanchor": "top",
                    "len": 0.9,
                    "tickformat": value_format or "",
                },
                name=unit_label,
            )
        )
    fig.update_layout(
        title={"text": _wrap(title, TITLE_WIDTH), "font": {"size": 15}},
        map={"style": "white-bg", "center": CENTRE, "zoom": ZOOM},
        margin={"l": 0, "r": 0, "t": 40 + 20 * _wrap(title, TITLE_WIDTH).count("<br>"), "b": 70},
        height=height,
        showlegend=False,
        dragmode=False,
    )
    return fig
