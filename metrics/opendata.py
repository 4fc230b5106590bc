"""Open data with every release: each measure's series and breakdowns as CSV, the
quarter's summary, a Frictionless Data Package descriptor and a JSON index.

    write(con, out_dir, release=None, config=None) -> Package
    python -m metrics.opendata --db FILE --out DIR [--release JSON]

The figures are those the pages show: metrics.summary.summary and .series, so every rule
they apply (the disclosure of small groups included) applies here too.

    summary.csv          every measure at the latest quarter: England, then each group of
                         every level (region, footprint, centre, council type)
    measures/<id>.csv    one measure quarter by quarter, from the first quarter with data:
                         England and each group of every level it is cut by
    datapackage.json     the Frictionless Data Package descriptor: every field typed and
                         described (units included), licence, sources, the demo flag
    index.json           the release and every file (rows, bytes, SHA-256), for tools

Numbers are written in full (Python's shortest exact form), empty where there is none,
and "<5" where the disclosure rule withholds a figure resting on fewer than five people
(a declared missing value of the descriptor).
`python -m store publish` runs this module's command on the new release's file; the
dashboard's Publish button calls write() directly.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from domain.geography import GROUP_LEVELS, LEVELS
from metrics import config as mconfig
from metrics import sources
from metrics import summary as msummary

LICENCES = {
    "OGL-UK-3.0": (
        "Open Government Licence v3.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC0-1.0": (
        "Creative Commons Zero v1.0 Universal",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
}
DEFAULT_LICENCE = "OGL-UK-3.0"

# The data package's sources (Frictionless: title and path), from metrics.sources.
SOURCES = [
    {"title": f"{s.title}: {s.attribution}", **({"path": s.url} if s.url else {})}
    for s in sources.ALL
]

UNIT_TEXT = {
    "percent": "a percentage from 0 to 100",
    "count": "a count",
    "score": "a mean score on a 1 to 5 scale",
    "milestone": "1 when the milestone is achieved, 0 when not yet",
}

_QUARTER = {"pattern": r"^\d{4}-Q[1-4]$"}
# What summary/series put in place of a figure that rests on fewer than five people (the
# disclosure rule, metrics.disclosure): written as it is, and declared a missing value.
SUPPRESSED = "<5"


def _f(name: str, type_: str, description: str, **constraints: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "type": type_, "description": description}
    if constraints:
        out["constraints"] = constraints
    return out


def _level_field() -> dict[str, Any]:
    return _f(
        "level",
        "string",
        "Geography: national (England) or the level the group belongs to: "
        + ", ".join(f"{k} ({v})" for k, v in LEVELS.items() if k != "national"),
        required=True,
        enum=list(LEVELS),
    )


GROUP = _f(
    "group",
    "string",
    "The group's name (region, footprint, centre or council type); empty for England",
)
COVERAGE = [
    _f(
        "coverage_reporting",
        "integer",
        "Councils whose return the figure rests on (for counts of records: the records)",
    ),
    _f("coverage_total", "integer", "Councils in scope (empty for counts of records)"),
]


def series_fields(unit: str) -> list[dict[str, Any]]:
    return [
        _f("id", "string", "The measure's identifier (metrics/targets.toml)", required=True),
        _f(
            "quarter",
            "string",
            "Calendar quarter, YYYY-Qn (figures as at its end)",
            required=True,
            **_QUARTER,
        ),
        _level_field(),
        GROUP,
        _f(
            "value",
            "number",
            f"The measure's value: {UNIT_TEXT.get(unit, unit)}; '<5' where it rests on "
            "fewer than five people (withheld)",
        ),
        _f(
            "numerator",
            "number",
            "What the value is counted from (e.g. councils meeting the measure); for a rate the part, for the uplift the share now",
        ),
        _f(
            "denominator",
            "number",
            "What the value is divided by (e.g. councils reporting); for the uplift the share at the baseline; empty for counts",
        ),
        *COVERAGE,
    ]


SUMMARY_FIELDS = [
    _f("id", "string", "The measure's identifier (metrics/targets.toml)", required=True),
    _f("theme", "string", "The blueprint theme the measure belongs to"),
    _f("title", "string", "The measure's title"),
    _f(
        "unit",
        "string",
        "Unit of value, baseline, target and projections: percent (0 to 100), count, score (mean on a 1 to 5 scale) or milestone (1 achieved, 0 not yet)",
        enum=list(UNIT_TEXT),
    ),
    _f("kind", "string", "count, rate, score or milestone"),
    _f("quarter", "string", "The quarter the figures are as at, YYYY-Qn", **_QUARTER),
    _level_field(),
    GROUP,
    _f(
        "value",
        "number",
        "The measure's value in its unit; '<5' where it rests on fewer than five people",
    ),
    _f("numerator", "number", "What the value is counted from (see measures/<id>.csv)"),
    _f("denominator", "number", "What the value is divided by; empty for counts"),
    _f("baseline", "number", "The value at the baseline quarter, in the unit"),
    _f("baseline_quarter", "string", "The quarter progress is measured from", **_QUARTER),
    _f(
        "target",
        "number",
        "The target in the unit; empty for a milestone (its target is that it is achieved), for a tracked measure and for a count's group without a share of the target",
    ),
    _f("deadline", "string", "The quarter the target is due", **_QUARTER),
    _f(
        "status",
        "string",
        "Status key: on_track, acceleration_needed, limited_progress, off_track, achieved, not_yet, tracked, no_group_target, not_enough_data, ...",
    ),
    _f("status_label", "string", "The status in words, as the dashboard shows it"),
    _f(
        "expected_progress",
        "number",
        "Share of the way from baseline to target the straight path expects by now (0 to 1)",
    ),
    _f(
        "expected_now",
        "number",
        "Where the straight path from baseline to target is by now, in the unit",
    ),
    _f("ratio", "number", "Progress made divided by progress expected by now"),
    _f("projected_at_deadline", "number", "The recent trend carried to the deadline, in the unit"),
    _f(
        "projected_quarter_reached",
        "string",
        "The quarter the recent trend reaches the target",
        **_QUARTER,
    ),
    _f(
        "direction",
        "string",
        "Direction of travel over recent quarters: improving, stable, worsening or not_enough_data",
    ),
    _f("previous_value", "number", "The value a quarter earlier, in the unit"),
    *COVERAGE,
    _f("explanation", "string", "How the status follows from the figures, in words"),
]


@dataclass
class Package:
    folder: Path
    files: list[dict[str, Any]] = field(default_factory=list)
    demo: bool = False
    quarter: str | None = None


def _cell(v: Any, type_: str) -> str:
    if v is None:
        return ""
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return ""
    if v == SUPPRESSED:  # a figure resting on fewer than five people, as the pages show it
        return SUPPRESSED
    if type_ == "integer":
        return str(int(v))
    if type_ == "number":
        if isinstance(v, str):  # a milestone's target "achieved": not a number
            return ""
        return repr(float(v))
    return str(v)


def _csv(rows: list[dict[str, Any]], fields: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([f["name"] for f in fields])
    for row in rows:
        w.writerow([_cell(row.get(f["name"]), f["type"]) for f in fields])
    return buf.getvalue().encode("utf-8")


def _write(pkg: Package, rel: str, data: bytes, entry: dict[str, Any]) -> dict[str, Any]:
    path = pkg.folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    rows = data.count(b"\n") - 1
    meta = {
        "path": rel,
        "rows": rows,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    pkg.files.append({**entry, **meta})
    return meta


def _records(df) -> list[dict[str, Any]]:
    return df.to_dict("records") if len(df) else []


def demo_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    rows = con.execute("SELECT count(*) FROM batches WHERE demo AND status = 'active'").fetchall()
    return rows[0][0] > 0


def licence() -> tuple[str, str, str]:
    """(name, title, path) of the licence the figures are released under:
    TRACKER_OPEN_DATA_LICENCE, one of LICENCES (default OGL-UK-3.0)."""
    name = os.environ.get("TRACKER_OPEN_DATA_LICENCE") or DEFAULT_LICENCE
    if name not in LICENCES:
        raise mconfig.ConfigError(
            f"TRACKER_OPEN_DATA_LICENCE={name!r} is not one of {', '.join(LICENCES)}"
        )
    return (name, *LICENCES[name])


def write(
    con: duckdb.DuckDBPyConnection,
    out: str | os.PathLike,
    release: dict[str, Any] | None = None,
    config: mconfig.Config | None = None,
) -> Package:
    """Write the open data of what ``con`` reads into the folder ``out`` (created)."""
    cfg = config or mconfig.load()
    lic = licence()
    pkg = Package(Path(out), demo=demo_loaded(con))
    pkg.folder.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    cut_by: dict[str, list[str]] = {m: [] for m in cfg.measures}  # the levels a measure has
    for by in (None, *GROUP_LEVELS):
        part = msummary.summary(con, by=by, config=cfg)
        rows += _records(part)
        if by:
            for mid in set(part["id"]):
                cut_by[mid].append(by)
    pkg.quarter = next((r["quarter"] for r in rows if r.get("quarter")), None)
    resources = []
    meta = _write(
        pkg,
        "summary.csv",
        _csv(rows, SUMMARY_FIELDS),
        {"name": "summary", "title": f"Every measure as at {pkg.quarter}"},
    )
    resources.append(
        _resource(
            "summary",
            f"Every measure as at {pkg.quarter}, for England and every group",
            SUMMARY_FIELDS,
            meta,
        )
    )
    for m in cfg.measures.values():
        series: list[dict[str, Any]] = []
        for by in (None, *cut_by[m.id]):
            part = msummary.series(con, m.id, by=by, config=cfg)
            for rec in _records(part):
                series.append({**rec, "id": m.id, "level": by or "national"})
        fields = series_fields(m.unit)
        meta = _write(
            pkg,
            f"measures/{m.id}.csv",
            _csv(series, fields),
            {"name": m.id, "title": m.title, "measure": m.id, "unit": m.unit, "theme": m.theme},
        )
        resources.append(
            _resource(
                m.id,
                f"{m.title}: quarter by quarter, England and every group. {m.definition} "
                f"Unit: {UNIT_TEXT.get(m.unit, m.unit)}.",
                fields,
                meta,
                title=m.title,
            )
        )
    number = (release or {}).get("number")
    demo_note = (
        " DEMO DATA: generated figures, not real returns; do not use them as facts."
        if pkg.demo
        else ""
    )
    descriptor: dict[str, Any] = {
        "name": f"blueprint-tracker-release-{number}" if number else "blueprint-tracker",
        "title": f"Blueprint Tracker, release {number}" if number else "Blueprint Tracker",
        "description": "Progress of England's digital local government reform against the "
        "six 'by 2030' visions of the local government blueprint: every measure, nationally "
        "and by region, footprint, Centre of Service Innovation and council type." + demo_note,
        "version": str(number) if number else "0",
        "created": (release or {}).get("time") or None,
        "licenses": [{"name": lic[0], "title": lic[1], "path": lic[2]}],
        "sources": SOURCES,
        "keywords": ["local government", "digital", "England", "statistics"],
        "demo": pkg.demo,
        "resources": resources,
    }
    if descriptor["created"] is None:
        descriptor.pop("created")
    _dump(pkg.folder / "datapackage.json", descriptor)
    _dump(
        pkg.folder / "index.json",
        {
            "release": release,
            "demo": pkg.demo,
            "quarter": pkg.quarter,
            "licence": {"name": lic[0], "title": lic[1], "path": lic[2]},
            "datapackage": "datapackage.json",
            "files": pkg.files,
        },
    )
    return pkg


def _resource(
    name: str,
    description: str,
    fields: list[dict[str, Any]],
    meta: dict[str, Any],
    title: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": name,
        "type": "table",
        "path": meta["path"],
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": meta["bytes"],
        "hash": "sha256:" + meta["sha256"],
        "description": description,
        "schema": {"fields": fields, "missingValues": ["", SUPPRESSED]},
    }
    if title:
        out["title"] = title
    return out


def _dump(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m metrics.opendata",
        description="Write the open data (CSV + datapackage.json + index.json) of a database "
        "or release file.",
    )
    parser.add_argument(
        "--db", metavar="FILE", help="database or release file (default: $TRACKER_DB)"
    )
    parser.add_argument("--out", metavar="DIR", required=True, help="folder to write (created)")
    parser.add_argument("--release", metavar="JSON", help="the release's record (store.releases)")
    args = parser.parse_args(argv)
    from store import releases
    from store.db import StoreError, connect

    release = json.loads(args.release) if args.release else None
    try:
        opener = releases.connect(args.db) if release else connect(args.db)
        with opener as con:
            pkg = write(con, args.out, release)
    except (msummary.MetricsError, mconfig.ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {len(pkg.files)} files to {pkg.folder} (figures as at {pkg.quarter}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
