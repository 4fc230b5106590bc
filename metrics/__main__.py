"""`python -m metrics summary [--db PATH] [--as-of QUARTER] [--by LEVEL] [--json]`
`python -m metrics delivery [--db PATH] [--as-of QUARTER] [--json]`
`python -m metrics board-pack [--db PATH] [--as-of QUARTER] [--scope SCOPE] --out FILE`

summary prints every measure for the quarter (default: the latest with data), nationally
or per group. delivery prints where the blueprint's actions stand (metrics/delivery.py):
counts by status, owner, theme and organisation x theme cell, the actions needing
attention and why, and the due-quarter revisions. board-pack writes the quarter's board
pack (reports.boardpack) as PDF or self-contained HTML, chosen by the extension of --out;
--scope is england (default), region:<code>, footprint:<code> or centre:<code or name>.
Exit codes: 0 done, 1 refused (unknown quarter, level or scope, no database, bad targets
or register file; the message says why), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

JSON_FIELDS = [
    "id",
    "theme",
    "title",
    "unit",
    "kind",
    "quarter",
    "level",
    "group",
    "value",
    "numerator",
    "denominator",
    "baseline",
    "baseline_quarter",
    "target",
    "deadline",
    "status",
    "status_label",
    "expected_progress",
    "expected_now",
    "ratio",
    "projected_at_deadline",
    "projected_quarter_reached",
    "direction",
    "previous_value",
    "previous_quarter",
    "coverage",
    "coverage_reporting",
    "coverage_total",
    "explanation",
    "method",
    "projection_from",
    "projection_points",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m metrics", description="Blueprint Tracker measures against the 2030 visions."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("summary", help="every measure with its status for a quarter")
    p.add_argument(
        "--db", metavar="PATH", help="database file (default: $TRACKER_DB or data/tracker.duckdb)"
    )
    p.add_argument(
        "--as-of",
        metavar="QUARTER",
        help="quarter to show, e.g. 2026-Q3 (default: latest with data)",
    )
    p.add_argument("--by", metavar="LEVEL", help="cut by region, footprint, centre or council_type")
    p.add_argument("--json", action="store_true", help="print a JSON list of objects")
    p = sub.add_parser("delivery", help="where the blueprint's actions stand as at a quarter")
    p.add_argument(
        "--db", metavar="PATH", help="database file (default: $TRACKER_DB or data/tracker.duckdb)"
    )
    p.add_argument(
        "--as-of",
        metavar="QUARTER",
        help="quarter to show, e.g. 2026-Q3 (default: latest with a delivery update)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    b = sub.add_parser(
        "board-pack", help="write the quarter's board pack as PDF or HTML (by --out's extension)"
    )
    b.add_argument(
        "--db", metavar="PATH", help="database file (default: $TRACKER_DB or data/tracker.duckdb)"
    )
    b.add_argument(
        "--as-of", metavar="QUARTER", help="quarter, e.g. 2026-Q3 (default: latest with data)"
    )
    b.add_argument(
        "--scope",
        metavar="SCOPE",
        default=None,
        help="england (default), region:<code>, footprint:<code> or centre:<code or name>",
    )
    b.add_argument("--out", metavar="FILE", required=True, help="pack.pdf or pack.html")
    return parser


def _clean(v):
    if v is None:
        return None
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if hasattr(v, "item"):  # numpy scalars
        return _clean(v.item())
    return v


def _coverage(row) -> str | None:
    from metrics import wording

    return wording.coverage_text(row)


def records(df) -> list[dict]:
    out = []
    for row in df.to_dict("records"):
        rec = {k: _clean(row.get(k)) for k in JSON_FIELDS if k != "coverage"}
        for k in ("coverage_reporting", "coverage_total", "quarters_with_data"):
            if isinstance(rec.get(k), float) and rec[k].is_integer():
                rec[k] = int(rec[k])
        rec["coverage"] = {
            "reporting": rec["coverage_reporting"],
            "total": rec["coverage_total"],
            "text": _coverage(row),
        }
        if row.get("group") is None and row.get("level") == "national":
            rec.pop("group")
        out.append(rec)
    return out


def print_table(df, by: str | None) -> None:
    from metrics import progress as P

    quarter = df["quarter"].dropna().iloc[0] if len(df) else "-"
    where = "England" if not by else f"by {by}"
    print(f"Blueprint Tracker: progress towards the 2030 visions, {quarter}, {where}")
    if by:
        print(
            "(A count's national target is not split between groups unless targets.toml says "
            "split = \"by_councils\"; such groups show 'No target for this group' and a direction "
            "of travel.)"
        )
    theme = None
    for row in df.to_dict("records"):
        if row["theme_title"] != theme:
            theme = row["theme_title"]
            print(f"\n{theme}")
        target = row["target"]
        tgt = (
            "-"
            if target is None or (isinstance(target, float) and math.isnan(target))
            else (target if isinstance(target, str) else P.format_value(target, row["unit"]))
        )
        name = row["id"] + (f" [{row['group']}]" if by else "")
        cov = _coverage(row) or "no coverage"
        status = row["status_label"] or ""
        if row["status"] in ("tracked", "no_group_target") and row["direction"]:
            status += f", {P.label(row['direction'])}"
        print(
            f"  {name:<48} {P.format_value(_clean(row['value']), row['unit']):>10}  "
            f"target {tgt:<8} {status:<34} ({cov})"
        )
        print(f"      {row['explanation']}")
    missing = df.attrs.get("not_by_group") or []
    if by and missing:
        print(f"\nNot available by {by} (national only): {', '.join(missing)}")


PACK_FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html"}


def board_pack(args, parser: argparse.ArgumentParser) -> int:
    from pathlib import Path

    out = Path(args.out)
    fmt = PACK_FORMATS.get(out.suffix.lower())
    if fmt is None:
        parser.error(f"--out {args.out}: the file name must end in .pdf or .html")
    from metrics import config as mconfig
    from metrics import summary as msummary
    from store.db import StoreError

    try:
        from reports import boardpack  # the layer above metrics, imported only here
    except ImportError as exc:  # the pack's pinned packages are missing
        print(f"error: the board pack needs {exc.name}: run make venv", file=sys.stderr)
        return 1
    try:
        pack, data = boardpack.make(args.db, args.as_of, args.scope, fmt)
    except (msummary.MetricsError, mconfig.ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        out.write_bytes(data)
    except OSError as exc:
        print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    demo = " (DEMO DATA)" if pack.demo else ""
    print(
        f"Wrote {out}: board pack for {pack.quarter}, {pack.scope.label}{demo}, {len(data):,} bytes."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "board-pack":
        return board_pack(args, parser)
    if args.command == "delivery":
        from metrics.delivery_cli import main as delivery_main

        return delivery_main(args)
    from metrics import config as mconfig
    from metrics import summary as msummary
    from store.db import StoreError
    from store.releases import connect_reading as connect  # a release file: read-only

    try:
        by = msummary.check_level(args.by)
        cfg = mconfig.load()
        with connect(args.db) as con:
            df = msummary.summary(con, as_of=args.as_of, by=by, config=cfg)
    except (msummary.MetricsError, mconfig.ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(records(df), indent=2, ensure_ascii=False))
    else:
        print_table(df, by)
    return 0


if __name__ == "__main__":
    sys.exit(main())
