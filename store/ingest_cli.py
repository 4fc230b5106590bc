"""`python -m store ingest`: load (or check) one file from the command line and print its
report."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from store.ingest import ingest_file
from store.ingest_report import Report


def print_report(report: Report, out=None) -> None:
    out = out or sys.stdout
    for note in report.notes:
        print(f"note: {note}", file=out)
    for p in report.problems:
        print(str(p), file=out)
    if report.hidden:
        print(f"... and {report.hidden:,} more problems like these, not listed", file=out)
    print(report.summary(), file=out)
    if report.ok and report.change_rows:
        print("what changes (quarter, region, rows added, stored rows replaced):", file=out)
        for quarter, region, added, replaced in report.change_rows:
            print(
                f"  {quarter or '-':8} {region:28} +{added:<8,} replaces {replaced:,}",
                file=out,
            )


def cli_ingest(args) -> int:
    """`python -m store ingest KIND FILE [--db PATH] [--dry-run] [--user NAME]`."""
    path = Path(args.file)
    if not path.exists():
        print(f"error: no file at {path}", file=sys.stderr)
        return 2
    if not path.is_file():
        print(f"error: {path} is a folder, not a file", file=sys.stderr)
        return 2
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {path}: {exc}", file=sys.stderr)
        return 1
    user = args.user or getpass.getuser()
    report = ingest_file(args.db, args.kind, data, path.name, user=user, dry_run=args.dry_run)
    print_report(report)
    return 0 if report.ok else 1
