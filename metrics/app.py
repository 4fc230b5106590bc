"""The Streamlit side of the metrics: cached reads every page uses.

Every read opens its own short-lived connection (``store.db.connect``), so no
connection is shared between Streamlit's threads. Results are cached with
``st.cache_data`` keyed on ``(db path, data_version)``: every batch and rollback bumps
the data version inside its transaction, so viewers see new figures on their next rerun
after an upload, and the cache never serves figures of an older upload.

A missing, busy or unusable database never reaches a page as a traceback: the public
accessors show a message that says what to do and stop the script run.

    from metrics import app
    rows = app.summary(st.session_state["quarter"], app.by(st.session_state["level"]))
    table = app.read(views.council_profile, "E06000001", as_of=quarter)   # any fn(con, ...)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from metrics.progress import format_value
from store import paths
from store.db import StoreBusy, StoreError, StoreMissing, connect

# The geography levels of the shared filter: key -> label. "national" means no cut.
LEVELS: dict[str, str] = {
    "national": "England (all councils)",
    "region": "Region",
    "footprint": "Footprint (combined or strategic authority)",
    "centre": "Centre of Service Innovation",
    "council_type": "Council type",
}


def ensure_frame() -> None:
    """Call first in every page: make sure the page runs inside the frame (dashboard.py).

    Streamlit treats a folder named pages/ beside the entry script as an old-style
    multipage app until st.navigation has run once in the server process. So a deep link
    (/theme?quarter=...) as the very first request after a start would run the page file
    on its own: no filters, no demo label. Switching that mode off and rerunning sends the
    same request through dashboard.py, which lands on the same page (the page's hash comes
    from its URL path in both modes).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


CREATE_HINT = (
    "Create it with `make run` (builds a demo database and starts the dashboard) "
    "or `python -m store init --demo`, then reload this page."
)


def db_path() -> Path:
    """The database file the dashboard reads: TRACKER_DB or data/tracker.duckdb."""
    return paths.db_path()


def db_exists() -> bool:
    return db_path().is_file()


def by(level: str | None) -> str | None:
    """The ``by`` argument of metrics.summary for a level of the shared filter."""
    return None if level in (None, "national") else level


def stop_with(exc: Exception) -> None:
    """Show a StoreError (busy, missing, unusable file) as a message and stop this run."""
    if isinstance(exc, StoreMissing):
        st.info(
            f"There is no database yet at `{db_path()}`. {CREATE_HINT}", icon=":material/database:"
        )
    elif isinstance(exc, StoreBusy):
        st.warning(
            "The database is busy with an upload or a command-line load right now. "
            "Reload the page in a minute; nothing is lost.",
            icon=":material/hourglass_top:",
        )
    else:
        st.error(
            f"The dashboard could not read the database `{db_path()}`: {exc}",
            icon=":material/error:",
        )
    st.stop()


def _guard(fn: Callable, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except StoreError as exc:
        stop_with(exc)


# ------------------------------------------------------------------ data version


def _read_version(path: str) -> int:
    from store import schema

    with connect(path) as con:
        return schema.data_version(con)


def _file_state(path: Path) -> tuple:
    """Size and modification time of the database file and its write-ahead log: every
    committed write changes one of them (DuckDB appends the commit to the .wal, and a
    checkpoint rewrites the file)."""
    state = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st_ = p.stat()
            state.append((st_.st_mtime_ns, st_.st_size))
        except FileNotFoundError:
            state.append(None)
    return tuple(state)


_VERSIONS: dict[str, tuple[tuple, int]] = {}


def data_version() -> int:
    """The database's data version: the cache key of every read.

    Read from the database only when the file or its log changed since the last read (a
    rerun that changes nothing then opens no connection)."""
    path = db_path()
    state = _file_state(path)
    known = _VERSIONS.get(str(path))
    if known and known[0] == state:
        return known[1]
    version = _guard(_read_version, str(path))
    _VERSIONS[str(path)] = (state, version)  # the state before the read: a write during it re-reads
    return version


# ------------------------------------------------------------------ configuration


def config():
    """The validated targets configuration (metrics.config caches it until the file changes).

    A broken targets file stops the page with the loader's message (it names the entry)."""
    from metrics import config as mconfig

    try:
        return mconfig.load()
    except mconfig.ConfigError as exc:
        st.error(f"The targets configuration cannot be used: {exc}", icon=":material/error:")
        st.stop()


# ------------------------------------------------------------------ cached reads


@st.cache_data(show_spinner=False, max_entries=512)
def _call(path: str, version: int, module: str, name: str, args: tuple, kwargs: tuple):
    fn = getattr(importlib.import_module(module), name)
    with connect(path) as con:
        return fn(con, *args, **dict(kwargs))


def read(fn: Callable, *args, version: int | None = None, **kwargs) -> Any:
    """``fn(con, *args, **kwargs)`` on a fresh connection, cached per data version.

    ``fn`` must be a module-level function of a metrics or store module whose first
    argument is the connection and whose other arguments are hashable values.
    """
    v = data_version() if version is None else version
    return _guard(
        _call, str(db_path()), v, fn.__module__, fn.__name__, args, tuple(sorted(kwargs.items()))
    )


# Values every rerun needs (the frame's quarters and demo flag, the pages' page_values),
# kept per process in a plain dict in front of the st.cache_* functions: a hit costs a
# dict lookup instead of Streamlit's hashing of every argument (about a tenth of a
# millisecond against a quarter). Keys hold the database path and data version, so a
# new upload is never served old values; st.cache_* still computes each value once.
_MEMO: dict[tuple, Any] = {}
_MEMO_MAX = 256


def _memo(key: tuple, compute: Callable[[], Any]) -> Any:
    try:
        return _MEMO[key]
    except KeyError:
        pass
    value = compute()
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.pop(next(iter(_MEMO)), None)  # the oldest entry
    _MEMO[key] = value
    return value


def quarters(version: int | None = None) -> list[str]:
    """Quarters that hold any data, oldest first (metrics.summary.quarters)."""
    from metrics import summary as msummary

    v = data_version() if version is None else version
    return list(
        _memo(("quarters", str(db_path()), v), lambda: tuple(read(msummary.quarters, version=v)))
    )


def demo_loaded(version: int | None = None) -> bool:
    """True while any active batch holds demo data."""
    from store import batches

    v = data_version() if version is None else version
    return _memo(
        ("demo_loaded", str(db_path()), v), lambda: bool(read(batches.demo_loaded, version=v))
    )


def summary(as_of: str | None, by: str | None = None, version: int | None = None) -> pd.DataFrame:
    """metrics.summary.summary for the quarter shown, national (by=None) or cut by a level."""
    from metrics import summary as msummary

    return read(msummary.summary, as_of=as_of, by=by, version=version)


def series(
    measure_id: str, by: str | None = None, up_to: str | None = None, version: int | None = None
) -> pd.DataFrame:
    """metrics.summary.series: one measure's value per quarter (per group when ``by``)."""
    from metrics import summary as msummary

    return read(msummary.series, measure_id, by=by, up_to=up_to, version=version)


# ------------------------------------------------------------------ page-shaped values
# Pages lay these out; every number a page shows is computed here or in metrics.

DIRECTION_ICONS = {
    "improving": "trending_up",
    "stable": "trending_flat",
    "worsening": "trending_down",
}
BADGE_COLOURS = {
    "achieved": "green",
    "on_track": "green",
    "acceleration_needed": "orange",
    "limited_progress": "orange",
    "deteriorating": "red",
    "improving": "green",
    "worsening": "red",
}


def shown_status(row) -> str | None:
    """The status a card shows: the status, or for a measure without a (group) target its
    direction of travel (improving, stable, worsening) when there is one."""
    status, direction = _val(row, "status"), _val(row, "direction")
    if status in (None, "tracked", "no_group_target") and direction:
        return direction
    return status


def status_label(status: str | None) -> str:
    """The status in words (metrics.progress), e.g. 'Acceleration needed'."""
    from metrics.progress import DIRECTION_LABELS, STATUS_LABELS

    if not status:
        return "No status"
    words = (STATUS_LABELS.get(status) or DIRECTION_LABELS.get(status) or (None,))[0]
    return words or str(status).replace("_", " ").capitalize()


def status_icon(status: str | None) -> str:
    """A Material icon for st.badge / markdown: ':material/speed:'."""
    from metrics.progress import STATUS_MATERIAL_ICONS

    name = STATUS_MATERIAL_ICONS.get(status or "") or DIRECTION_ICONS.get(status or "", "help")
    return f":material/{name}:"


def status_colour(status: str | None) -> str:
    """A badge colour; always paired with the icon and the words, never alone."""
    return BADGE_COLOURS.get(status or "", "gray")


def _is_missing(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or v is pd.NA


def _val(row, key):
    v = row.get(key) if hasattr(row, "get") else None
    return None if _is_missing(v) else v


def target_text(row) -> str:
    unit, target = row.get("unit"), _val(row, "target")
    if unit == "milestone":
        return "target: in place by " + str(row.get("deadline") or "2030")
    if target is None:
        return "tracked: no target"
    prefix = "+" if row.get("id") == "underrepresented_uplift" else ""
    shown = f"{float(target):g}%" if unit == "percent" else format_value(target, unit)
    return f"target {prefix}{shown} by {row.get('deadline')}"


def progress_fraction(row) -> float | None:
    """How far from the baseline to the target the value is, 0..1 (None: no target)."""
    v, b, t = _val(row, "value"), _val(row, "baseline"), _val(row, "target")
    if row.get("unit") == "milestone":
        return 1.0 if row.get("status") == "achieved" else 0.0
    if v is None or t is None:
        return None
    b = 0.0 if b is None else float(b)
    if float(t) == b:
        return 1.0 if float(v) >= float(t) else 0.0
    return min(1.0, max(0.0, (float(v) - b) / (float(t) - b)))


def progress_text(row) -> str | None:
    frac = progress_fraction(row)
    if frac is None:
        return None
    if row.get("unit") == "milestone":
        return "in place" if frac >= 1 else "not in place yet"
    b = _val(row, "baseline")
    return (
        f"{frac * 100:.0f}% of the way from the baseline "
        f"({format_value(0 if b is None else b, row.get('unit'))}) to the target"
    )


def coverage_text(row) -> str | None:
    n, total = _val(row, "coverage_reporting"), _val(row, "coverage_total")
    if n is None or total is None:
        return None
    return f"{int(n)} of {int(total)} councils reporting"


def change_text(row) -> str:
    """What changed since the quarter before the one shown."""
    from store.quarters import shift

    unit, v, prev = row.get("unit"), _val(row, "value"), _val(row, "previous_value")
    q = row.get("quarter")
    since = f"since {shift(q, -1)}" if q else "since last quarter"
    if v is None:
        return "no figure for this quarter yet"
    if prev is None:
        return f"nothing to compare with {since.replace('since ', 'in ')}"
    if unit == "milestone":
        return (
            "no change " + since
            if (v >= 1) == (prev >= 1)
            else ("achieved " + since if v >= 1 else "no longer achieved " + since)
        )
    diff = float(v) - float(prev)
    if abs(diff) < 1e-9:
        return f"no change {since}"
    sign = "+" if diff > 0 else "-"
    shown = format_value(abs(diff), unit)
    if unit == "percent":
        shown = shown.replace("%", " points")
    return f"{sign}{shown} {since}"


def value_text(row) -> str:
    v = _val(row, "value")
    if row.get("id") == "underrepresented_uplift" and v is not None:
        return ("+" if v >= 0 else "") + format_value(v, row.get("unit"))
    return format_value(v, row.get("unit"))


def card(row, spark: list | None = None) -> dict:
    """Everything the overview shows for one measure."""
    status = shown_status(row)
    out = {
        "id": row.get("id"),
        "title": row.get("title"),
        "unit": row.get("unit"),
        "value": value_text(row),
        "target": target_text(row),
        "status": status,
        "status_label": status_label(status),
        "status_icon": status_icon(status),
        "status_colour": status_colour(status),
        "progress": progress_fraction(row),
        "progress_text": progress_text(row),
        "coverage": coverage_text(row),
        "change": change_text(row),
        "spark": spark or [],
    }
    out["headline"] = (
        f":gray[:small[{out['target']}]]  \n"
        f":{out['status_colour']}-badge[{out['status_icon']} {out['status_label']}]"
    )
    out["footnote"] = (
        ":gray[:small[" + " · ".join(t for t in (out["change"], out["coverage"]) if t) + "]]"
    )
    out["markdown"] = card_markdown(out)
    return out


# The overview card's value, as large as st.metric shows it (markdown has no large text).
VALUE_STYLE = "font-size: 2.25rem; line-height: 1.25"


def card_markdown(c: dict) -> str:
    """The whole text of an overview card as one markdown block (one element per card
    instead of five): title, the value in large type, target, status in words with its
    icon, change since last quarter and coverage. Show it with unsafe_allow_html=True
    (for the value's size): every part is HTML-escaped, so the one span is the only
    markup; the texts come from targets.toml and computed numbers, never from uploads."""
    import html

    title, value, headline, footnote = (
        html.escape(str(c[k]), quote=False) for k in ("title", "value", "headline", "footnote")
    )
    return f'**{title}**\n\n<span style="{VALUE_STYLE}">{value}</span>\n\n{headline}  \n{footnote}'


def spark_values(measure_id: str, quarter: str, version: int | None = None) -> list:
    """The national values of a measure, oldest first, up to the quarter shown."""
    df = series(measure_id, up_to=quarter, version=version)
    return [None if _is_missing(v) else float(v) for v in df["value"]] if len(df) else []


_CONFIG_STATES: set[tuple] = set()


def _config_state() -> tuple:
    """The targets file's path, modification time and size: part of every page_values
    key. One stat per call; the file is loaded (and validated: a broken file stops the
    page with its message) only when this state has not been seen loading well before."""
    import os

    from metrics import config as mconfig

    path = os.environ.get("TRACKER_TARGETS") or str(mconfig.DEFAULT_PATH)
    try:
        st_ = os.stat(path)
    except OSError:
        config()  # says what is wrong with the file and stops
        raise
    state = (path, st_.st_mtime_ns, st_.st_size)
    if state not in _CONFIG_STATES:
        config()
        _CONFIG_STATES.add(state)
    return state


@st.cache_resource(show_spinner=False, max_entries=128)
def _page_values(builder: str, path: str, version: int, targets: tuple, args: tuple):
    return globals()[builder](*args, version=version)


def page_values(builder: Callable, *args, version: int | None = None):
    """``builder(*args, version=...)`` (overview, theme_measures, methodology) computed once
    per data version, targets file and arguments, figures included, and shared by every
    session: a rerun that changes nothing is one cache lookup. Pages only read what this
    returns (never change it)."""
    v = data_version() if version is None else version
    key = (builder.__name__, str(db_path()), v, _config_state(), args)
    return _memo(("page_values",) + key, lambda: _page_values(*key))


def overview(quarter: str, version: int | None = None) -> list[dict]:
    """The overview: every theme in configured order, each with one card per measure.

    [{"id", "title", "vision", "cards": [card(...) + {"figure": sparkline or None}, ...]}, ...]
    """
    from metrics import figures

    cfg = config()
    rows = summary(quarter, None, version=version)
    by_id = {r["id"]: r for r in rows.to_dict("records")}
    themes = []
    for theme in cfg.themes.values():
        cards = [
            card(by_id[m.id], None if m.is_milestone else spark_values(m.id, quarter, version))
            for m in cfg.measures.values()
            if m.theme == theme.id and m.id in by_id
        ]
        for c in cards:
            drawn = [v for v in c["spark"] if v is not None]
            c["figure"] = (
                figures.frozen(figures.sparkline(c["spark"], unit=c["unit"]))
                if len(drawn) > 1
                else None
            )
        themes.append(
            {"id": theme.id, "title": theme.title, "vision": theme.vision, "cards": cards}
        )
    return themes


def no_data_yet() -> None:
    """The empty state of a page that needs a quarter: nothing loaded yet. Stops the run."""
    st.info(
        "No returns have been loaded yet, so there are no figures to show. Analysts can "
        "load the quarterly returns on the **Upload returns** page, or with "
        "`python -m store ingest KIND FILE`.",
        icon=":material/inbox:",
    )
    st.stop()


def theme_measures(
    theme_id: str, quarter: str, level: str | None, version: int | None = None
) -> list[dict]:
    """The theme page: for each measure of the theme (configured order)

    {"row": national summary row (dict), "card": card(row), "sentence": one sentence with
    its numbers, "trend": the trajectory (a milestone: its steps) figure, "trend_table":
    that chart's points, "groups": summary rows of the chosen level for this measure
    (sorted by value, largest first; None for 'national'), "breakdown": its bar chart,
    "group_table": its table view, "note": what the breakdown's target mark means}.
    """
    from metrics import figures
    from metrics.progress import explain

    cfg = config()
    national = {r["id"]: r for r in summary(quarter, None, version=version).to_dict("records")}
    level_by = by(level)
    cut = summary(quarter, level_by, version=version) if level_by else None
    level_name = LEVELS.get(level, str(level)).lower()
    out = []
    for m in cfg.measures.values():
        if m.theme != theme_id or m.id not in national:
            continue
        row = national[m.id]
        df = series(m.id, up_to=quarter, version=version)
        actual = [
            (q_, None if _is_missing(v) else float(v)) for q_, v in zip(df["quarter"], df["value"])
        ]
        if m.is_milestone:
            trend = figures.frozen(
                figures.milestone_steps(actual, title=f"{m.title}: achieved by quarter")
            )
        else:
            trend = figures.frozen(
                figures.trajectory(row, actual, title=f"{m.title} ({figures.unit_label(m.unit)})")
            )
        entry = {
            "row": row,
            "card": card(row),
            "sentence": explain(row),
            "trend": trend,
            "trend_table": figures.chart_table(trend, unit=m.unit),
            "groups": None,
            "breakdown": None,
            "group_table": None,
            "note": None,
        }
        if cut is not None:
            groups = (
                cut[cut["id"] == m.id]
                .sort_values(["value", "group"], ascending=[False, True], na_position="last")
                .reset_index(drop=True)
            )
            targets = (
                [None if _is_missing(t) else float(t) for t in groups["target"]]
                if not m.is_milestone
                else []
            )
            known = {t for t in targets if t is not None}
            group_target = (
                known.pop()
                if len(known) == 1 and None not in targets
                else targets
                if known
                else None
            )
            entry["groups"] = groups
            if not groups.empty:
                entry["breakdown"] = figures.frozen(
                    figures.breakdown(
                        list(groups["group"]),
                        [None if _is_missing(v) else float(v) for v in groups["value"]],
                        unit=m.unit,
                        target=group_target,
                        title=f"By {level_name}, {quarter} ({figures.unit_label(m.unit)})",
                    )
                )
                entry["group_table"] = group_table(groups, m.unit)
                entry["note"] = breakdown_note(row, group_target, level)
        out.append(entry)
    return out


def breakdown_note(row, group_target, level: str) -> str | None:
    """One line under a breakdown saying what its target mark means (or why there is none)."""
    if row.get("unit") == "milestone" or _val(row, "target") is None:
        return None
    shown = target_text(row).replace("target ", "", 1)
    if group_target is None:
        return (
            f"No target for a single group: the national target ({shown}) is not split "
            f"between groups of this level ({LEVELS.get(level, level).lower()})."
        )
    if isinstance(group_target, list):
        return (
            "Each group's target (diamond) is the national target times the group's share "
            "of the councils in scope."
        )
    return f"The dashed line is the national target ({shown}); it applies to every group."


GROUP_COLUMNS = {
    "group": "group",
    "value": "value",
    "target": "target",
    "status": "status",
    "direction": "direction of travel",
    "coverage_reporting": "councils reporting",
    "coverage_total": "councils in scope",
}


def group_table(groups: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The breakdown's table view: group, value, target, status and direction in words,
    coverage."""
    from metrics.figures import unit_label

    table = groups[[c for c in GROUP_COLUMNS if c in groups.columns]].copy()
    for column in ("status", "direction"):
        if column in table:
            table[column] = [status_label(s) if not _is_missing(s) else "" for s in table[column]]
    return table.rename(
        columns={
            **GROUP_COLUMNS,
            "value": f"value ({unit_label(unit)})",
            "target": f"target ({unit_label(unit)})",
        }
    )


def downloads(table: pd.DataFrame, name: str) -> list[dict]:
    """CSV and Excel download buttons for a table (pages draw them only beside a table
    someone opened, so the files are made only then)."""
    from metrics import export

    return [
        {
            "label": "CSV",
            "data": export.to_csv_bytes(table),
            "file_name": f"{name}.csv",
            "mime": "text/csv",
            "icon": ":material/download:",
        },
        {
            "label": "Excel",
            "data": export.to_xlsx_bytes(table, name[:31]),
            "file_name": f"{name}.xlsx",
            "icon": ":material/download:",
            "mime": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
    ]


def url_filter(key: str, options: list, default) -> None:
    """Start the widget state ``key`` from ``?key=`` in the URL on a session's first run,
    and put it back to ``default`` when it is no longer one of ``options``. The caller then
    writes the chosen value to st.query_params so a link reproduces the view."""
    if key not in st.session_state:
        wanted = st.query_params.get(key)
        st.session_state[key] = wanted if wanted in options else default
    elif st.session_state[key] not in options:
        st.session_state[key] = default


def set_url(key: str, value) -> None:
    """Put a page filter in the URL (``?key=value``; a list repeats the key), only when it
    differs from what the URL holds: every write sends a message to the browser."""
    if isinstance(value, (list, tuple)):
        if st.query_params.get_all(key) != list(value):
            st.query_params[key] = list(value)
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


# ------------------------------------------------------------------ places, coverage, council
# Figures built once per data version and filters (through page_values), so a rerun only
# sends them: building a plotly figure costs far more than showing it.


def places_options(level: str, version: int | None = None) -> dict:
    """The Places measure picker at ``level``: {"options": {id: title}, "units": {id: unit}}."""
    from metrics import views

    cfg = config()
    options = views.place_measure_options(level, cfg)
    return {"options": options, "units": {m: views.measure_unit(m, cfg) for m in options}}


def places_view(
    measure: str, level: str, quarter: str, unit: str, version: int | None = None
) -> dict:
    """Everything the Places page shows for a measure at a level, but the map:
    {"table": the ranking's shown columns (arrow_table), "empty": no groups at all, "has_values",
    "trends": places_trends (None at council level), "footprints": {code: name}}."""
    from metrics import views

    ranking = read(views.place_values, measure, level, quarter, version=version)
    return {
        "table": arrow_table(ranking[["rank", "group", "display", "coverage"]]),
        "empty": ranking.empty,
        "has_values": views.has_values(ranking),
        "trends": None
        if level == "council"
        else places_trends(measure, level, quarter, unit, version=version),
        "footprints": read(views.footprint_options, version=version),
    }


def places_map(
    measure: str,
    level: str,
    quarter: str,
    layer: str,
    title: str,
    unit: str,
    version: int | None = None,
):
    """The Places choropleth of ``measure`` (called ``title``, in ``unit``) at ``level``;
    ``layer``: the council map's layer. Raises maps.BoundaryError / ReferenceDataMissing as
    maps.choropleth does (page_values caches no exception: the next rerun tries again)."""
    from metrics import figures, maps, views

    map_layer = "region" if level == "region" else layer
    shapes = read(views.map_values, measure, level, quarter, map_layer, version=version)
    return figures.frozen(
        maps.choropleth(
            shapes,
            map_layer,
            title=f"{title} by {views.PLACE_LEVELS[level].lower()}",
            unit_label=figures.unit_label(unit),
        )
    )


def places_trends(measure: str, level: str, quarter: str, unit: str, version: int | None = None):
    """The Places small multiples: one figure, a panel per group in two columns (readable
    on a phone too), all on one y scale so panels compare; None when no group has a
    quarter with data. One chart instead of one per group: a footprint view has about
    fifteen groups, and every chart is an element the browser is sent on each rerun."""
    from metrics import figures, views

    trends = read(views.group_trends, measure, level, quarter, version=version)
    if not any(pts for pts in trends.values()):
        return None
    fig = figures.lines(
        trends, unit=unit, small_multiples=True, columns=2, height=260, panel_height=200
    )
    fig.update_layout(showlegend=False, margin={"t": 40, "b": 10})
    fig.update_yaxes(range=views.series_range(trends), title_text=None)
    fig.update_xaxes(nticks=4, tickangle=0)
    return figures.frozen(fig)


def places_compare(
    measure: str, footprints: tuple, quarter: str, title: str, unit: str, version: int | None = None
):
    """Two to four footprints against England: one line chart."""
    from metrics import figures, views

    lines = read(views.compare_footprints, measure, footprints, quarter, version=version)
    fig = figures.lines(lines, unit=unit, title=f"{title}: footprints and England")
    fig.update_xaxes(nticks=6, tickangle=0)  # readable on a phone
    return figures.frozen(fig)


def arrow_table(df: pd.DataFrame):
    """``df`` as a pyarrow Table for st.dataframe, made once with the page values:
    st.dataframe converts a DataFrame to Arrow on every rerun (a fifth to half a
    millisecond each), a Table it only writes out. Falls back to ``df`` itself when Arrow
    cannot hold a column as it is (st.dataframe then fixes the types, as before)."""
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        return df


COVERAGE_KINDS = {"survey": "Survey return", "workforce": "Workforce return"}


def coverage_charts(quarter: str, version: int | None = None) -> dict:
    """The coverage page's trend chart (None without data) and its numbers table."""
    from metrics import figures, views

    trend = read(views.coverage_lines, quarter, version=version)
    fig = None
    if trend:
        fig = figures.lines(
            {COVERAGE_KINDS[k]: v for k, v in trend.items()}, unit="percent", height=300
        )
        fig = figures.frozen(fig.update_xaxes(nticks=6, tickangle=0))
    return {
        "trend": fig,
        "table": arrow_table(read(views.coverage, quarter, version=version)),
        "now": read(views.coverage_at, quarter, version=version),
    }


def coverage_kind(kind: str, quarter: str, version: int | None = None) -> dict:
    """One return's coverage: the heatmap by region (None without regions) and its
    table, the missing returns (with their CSV and count), the values carried forward
    (and their count); the tables as arrow_table."""
    from metrics import export, figures, views

    regions, quarters_, z, text = read(views.coverage_heatmap, kind, quarter, version=version)
    heat = None
    if regions:
        heat = figures.heatmap(regions, quarters_, z, text)
        heat.update_traces(showscale=False, textfont_size=11)  # the numbers are in the cells
        heat = figures.frozen(heat.update_xaxes(tickangle=-45))  # six quarters fit a phone
    missing = read(views.missing_for_quarter, kind, quarter, version=version)
    stale = read(views.stale_values, kind, quarter, version=version)
    by_region = read(views.coverage_by_region, kind, quarter, version=version) if regions else None
    return {
        "heatmap": heat,
        "by_region": None if by_region is None else arrow_table(by_region),
        "missing": arrow_table(missing),
        "missing_count": len(missing),
        "missing_csv": export.to_csv_bytes(missing) if len(missing) else None,
        "stale": arrow_table(stale),
        "stale_count": len(stale),
    }


def council_choices(version: int | None = None) -> dict[str, str]:
    """The council picker: code -> "Name (type)", by name (views.council_options)."""
    from metrics import views

    return read(views.council_options, version=version)


def council_header(code: str, version: int | None = None) -> dict:
    """The council profile's heading: {"name", "facts": one line of type, region,
    footprint, Centre of Service Innovation and GSS code}."""
    from metrics import views

    info = read(views.council_info, code, version=version)
    facts = [
        f"{info['council_type']}",
        f"region: {info['region_name']}",
        f"footprint: {info['footprint_name'] or 'none'}",
        f"Centre of Service Innovation: {info['centre'] or 'none'}",
        f"GSS code {code}",
    ]
    return {"name": str(info["name"]), "facts": " · ".join(facts)}


STANDARDS_HEADINGS = {
    "standard": "Core standard",
    "status": "Status",
    "quarter": "Reported in",
    "note": "Note",
}
MISSING_HEADINGS = {"kind": "Return", "quarter": "Quarter"}


def council_tables(code: str, quarter: str, version: int | None = None) -> dict:
    """The council's standards (as last reported by ``quarter``) and the returns it has not
    sent since views.MISSING_SINCE, each as a markdown table (a handful of rows: cheaper to
    send than a dataframe): {"standards", "missing" (None when nothing is missing)}."""
    from metrics import views

    standards = read(views.standards_status, code, quarter, version=version)
    missing = read(views.missing_returns, code, quarter, version=version)
    return {
        "standards": markdown_table(standards.to_dict("records"), STANDARDS_HEADINGS),
        "missing": (
            markdown_table(missing.to_dict("records"), MISSING_HEADINGS) if len(missing) else None
        ),
    }


def council_profile(code: str, quarter: str, version: int | None = None) -> list[dict]:
    """The council profile's charts, one per views.PROFILE_SERIES entry:
    {"key", "title", "reported" (the council has a line), "figure" (None without any
    line), "table" (its numbers: quarter rows, one column per line) and "table_markdown"
    (the same as a markdown table)}."""
    from metrics import figures, views

    info = read(views.council_info, code, version=version)
    labels = views.scope_labels(info)
    series = read(views.council_series, code, quarter, version=version)
    out = []
    for key, (chart_title, unit) in views.PROFILE_SERIES.items():
        lines = views.profile_lines(series, key, labels)
        entry = {
            "key": key,
            "title": chart_title,
            "reported": labels["council"] in lines,
            "figure": None,
            "table": None,
            "table_markdown": None,
        }
        if lines:
            fig = figures.lines(lines, unit=unit, title=chart_title, height=330)
            fig.update_xaxes(nticks=4, tickangle=0)  # readable on a phone
            entry["figure"] = figures.frozen(fig)
            table = views.profile_table(series, key, labels)
            entry["table"] = table
            entry["table_markdown"] = markdown_table(
                table.to_dict("records"), {c: c for c in table.columns}
            )
        out.append(entry)
    return out


# ------------------------------------------------------------------ methodology


def formula(m, cfg) -> str:
    """How a measure is computed, in words with its column names (from the configuration)."""
    p = m.params
    latest = (
        f"each council's latest value at or before the quarter shown, carried forward "
        f"at most {cfg.staleness_quarters} quarters"
    )
    texts = {
        "milestones_achieved": f"number of milestones of kind `{p.get('milestone_kind')}` whose latest "
        "status at or before the quarter shown is `achieved`",
        "milestone": f"achieved when the latest status of the `{p.get('milestone_kind')}` milestone at "
        "or before the quarter shown is `achieved`, otherwise not yet",
        "share_of_councils": f"councils with `{p.get('column')}` yes (or at least 1) ÷ councils reporting "
        f"`{p.get('column')}` × 100, using {latest}",
        "mean_of_councils": f"mean of `{p.get('column')}` over reporting councils, using {latest}",
        "councils_yes": f"number of councils whose `{p.get('column')}` is yes, using {latest}",
        "ratio_of_sums": f"sum of `{p.get('numerator')}` ÷ sum of `{p.get('denominator')}` × 100 over "
        f"reporting councils (both from the same return), using {latest}",
        "exchanges_qualifying": "number of exchanges whose latest status at or before the quarter shown "
        "is `successful`, that list at least one standard and at least one partner",
        "placements_started": f"number of placements whose `start_quarter` is from {m.baseline_quarter} "
        "up to the quarter shown",
        "workforce_uplift": "(s_now − s_baseline) ÷ s_baseline × 100, where s = sum of `underrepresented` ÷ "
        f"sum of `headcount`, over councils that reported in both {m.baseline_quarter} "
        "and the quarter shown (like for like)",
        "standards_all_core": f"councils whose latest return reports `adopted` or `audited` for every one of "
        f"the {len(cfg.core_standards)} core standards ÷ all councils in scope × 100 "
        "(a council that does not report counts as not adopting)",
    }
    return texts.get(m.method, m.method)


def _q_count(first: str | None, last: str | None) -> int | None:
    from store.quarters import index

    return None if not first or not last else index(last) - index(first)


def workings(row, cfg) -> list[dict]:
    """The exact numbers behind a summary row's status, step by step, for the methodology.

    [{"step": "Expected progress by now E = (T − b) × (t − t0) ÷ (D − t0)",
      "value": "(10 − 0) × 5 ÷ 22 = 2.27"}, ...]
    """
    unit = row.get("unit")
    f = lambda x: format_value(x, unit)  # noqa: E731
    f2 = lambda x: format_value(x, unit, 2) if unit != "count" or float(x) != int(x) else f(x)  # noqa: E731
    v, b, t = _val(row, "value"), _val(row, "baseline"), _val(row, "target")
    q, bq, d = row.get("quarter"), _val(row, "baseline_quarter"), _val(row, "deadline")
    out = [{"step": f"Value in {q} (v)", "value": f(v)}]
    if coverage_text(row):
        out.append({"step": "Councils the value rests on", "value": coverage_text(row)})
    if unit == "milestone":
        out.append({"step": "Status", "value": status_label(shown_status(row))})
        return out
    out.append({"step": f"Baseline in {bq} (b)", "value": f(b)})
    if t is None:
        direction = _val(row, "direction")
        out.append({"step": "Target", "value": "none: tracked measure"})
        out.append(
            {
                "step": f"Direction of travel over the last {cfg.direction_quarters} quarters "
                f"(change within {row_tolerance(row, cfg)} is stable)",
                "value": status_label(direction) if direction else "not enough data",
            }
        )
        return out
    out.append({"step": f"Target by {d} (T)", "value": f(t)})
    span, gone = _q_count(bq, d), _q_count(bq, q)
    out.append({"step": "Quarters from baseline to deadline (D − t0)", "value": str(span)})
    out.append({"step": f"Quarters from baseline to {q} (t − t0)", "value": str(gone)})
    e_now, ratio = _val(row, "expected_now"), _val(row, "ratio")
    if e_now is not None and b is not None and span:
        e = float(e_now) - float(b)
        out.append(
            {
                "step": "Expected progress by now E = (T − b) × (t − t0) ÷ (D − t0)",
                "value": f"({f(t)} − {f(b)}) × {gone} ÷ {span} = {f2(e)}",
            }
        )
        out.append({"step": "Expected value by now (b + E)", "value": f2(e_now)})
    if ratio is not None:
        out.append(
            {
                "step": "Progress ratio R = (v − b) ÷ E",
                "value": f"({f(v)} − {f(b)}) ÷ {f2(float(e_now) - float(b))} = {float(ratio):.2f}",
            }
        )
    out.append(
        {"step": "Status", "value": f"{status_label(shown_status(row))}: {band_text(row, cfg)}"}
    )
    proj, reached = _val(row, "projected_at_deadline"), _val(row, "projected_quarter_reached")
    if proj is not None:
        out.append(
            {
                "step": f"Projected for {d} (straight line through the last up to "
                f"{cfg.projection_quarters} quarters)",
                "value": f(proj),
            }
        )
        out.append(
            {
                "step": "Quarter the target would be reached at that pace",
                "value": reached or "not before the deadline at the recent pace",
            }
        )
    return out


def row_tolerance(row, cfg) -> str:
    m = cfg.measures.get(row.get("id"))
    return format_value(m.tolerance if m else cfg.direction_tolerance, row.get("unit"))


def band_text(row, cfg) -> str:
    """Which rule gave the status, with the configured band edges."""
    bands, status = cfg.bands, row.get("status")
    return {
        "achieved": "the value has reached the target",
        "on_track": f"R ≥ {bands.on_track:g}",
        "acceleration_needed": f"{bands.acceleration_needed:g} ≤ R < {bands.on_track:g}",
        "limited_progress": f"{bands.limited_progress:g} ≤ R < {bands.acceleration_needed:g}",
        "deteriorating": f"R < {bands.limited_progress:g}",
        "not_enough_data": _val(row, "status_reason")
        or "needs a baseline and two quarters with data",
    }.get(status, "")


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(rows: list[dict], headers: dict[str, str]) -> str:
    """A markdown table of ``rows`` (dicts) with the given column keys -> headings."""
    lines = ["| " + " | ".join(headers.values()) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(r.get(k, "")) for k in headers) + " |" for r in rows]
    return "\n".join(lines)


def _measure_markdown(m: dict, quarter: str | None) -> str:
    parts = [
        f"#### {m['title']}",
        m["definition"],
        f"**Formula:** {m['formula']}",
        markdown_table(m["facts"], {"item": "Setting", "value": "Value"}),
    ]
    if m["workings"]:
        parts += [
            f"**The numbers behind the status in {quarter}:**",
            markdown_table(m["workings"], {"step": "Step", "value": "Number"}),
        ]
    return "\n\n".join(parts)


def methodology(quarter: str | None, version: int | None = None) -> list[dict]:
    """Every theme with its measures: definition, formula, target, baseline, deadline and,
    when a quarter is shown, the exact numbers behind the measure's current status."""
    cfg = config()
    rows = (
        {r["id"]: r for r in summary(quarter, None, version=version).to_dict("records")}
        if quarter
        else {}
    )
    themes = []
    for theme in cfg.themes.values():
        measures = []
        for m in cfg.measures.values():
            if m.theme != theme.id:
                continue
            target = (
                "in place (achieved)"
                if m.is_milestone
                else "none: tracked (direction of travel only)"
                if m.tracked
                else (f"{m.target:g}%" if m.unit == "percent" else f"{m.target:g}")
            )
            facts = [
                {
                    "item": "Unit",
                    "value": {
                        "percent": "percent (0 to 100)",
                        "count": "count",
                        "score": "score (1 to 5)",
                        "milestone": "milestone",
                    }[m.unit],
                },
                {"item": "Target", "value": target + (f" by {m.deadline}" if m.deadline else "")},
                {"item": "Baseline quarter", "value": m.baseline_quarter},
                {
                    "item": "Better when the value goes",
                    "value": "up" if m.direction == "increase" else "down",
                },
            ]
            if m.split:
                facts.append(
                    {
                        "item": "Target for a group",
                        "value": "the national target times the group's share of councils in scope",
                    }
                )
            elif m.unit == "count" and not m.tracked:
                facts.append(
                    {"item": "Target for a group", "value": "none: the national count is not split"}
                )
            entry = {
                "id": m.id,
                "title": m.title,
                "definition": m.definition,
                "formula": formula(m, cfg),
                "facts": facts,
                "workings": workings(rows[m.id], cfg) if m.id in rows else None,
            }
            entry["markdown"] = _measure_markdown(entry, quarter)
            measures.append(entry)
        themes.append(
            {"id": theme.id, "title": theme.title, "vision": theme.vision, "measures": measures}
        )
    return themes


# Data sources and the attributions their licences ask for (shown on the methodology page;
# OS_ATTRIBUTION also beside every map).
OS_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government "
    "Licence v.3.0. Contains OS data © Crown copyright and database right 2024."
)
SOURCES = [
    {
        "source": "Quarterly returns from councils (survey, workforce, data exchanges, placements, "
        "milestones)",
        "licence": "collected by the forum for this tracker",
        "attribution": "Figures are as uploaded by the forum's analysts; see Upload history.",
    },
    {
        "source": "UK Local Authority Names and Codes (the council list, names and types)",
        "licence": "Creative Commons Attribution 4.0 (CC BY 4.0)",
        "attribution": "UK Local Authority Names and Codes, © mySociety, licensed under CC BY 4.0: "
        "https://mysociety.github.io/uk_local_authority_names_and_codes/",
    },
    {
        "source": "ONS Open Geography Portal boundaries (regions Dec 2023; local authority districts "
        "May 2024; counties and unitary authorities Dec 2023)",
        "licence": "Open Government Licence v3.0",
        "attribution": OS_ATTRIBUTION,
    },
]

SOURCES_MARKDOWN = "\n".join(
    f"- **{s['source']}**: licence: {s['licence']}. {s['attribution']}" for s in SOURCES
)
