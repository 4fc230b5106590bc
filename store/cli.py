"""`python -m store ...`: the command line analysts script their quarterly loads with.

Exit codes: 0 done, 1 refused or failed (the problems are printed), 2 usage error.
Each subcommand is implemented by the module that owns it; this file only parses.
"""

from __future__ import annotations

import argparse
import sys

from store.errors import StoreError
from store.paths import ReferenceDataMissing

KINDS = ["survey", "workforce", "exchanges", "placements", "milestones", "councils", "delivery"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m store",
        description="Blueprint Tracker store: create the database, load quarterly returns, "
        "list and roll back batches, publish releases for viewers.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def db_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--db",
            metavar="PATH",
            help="database file (default: $TRACKER_DB or data/tracker.duckdb)",
        )

    p = sub.add_parser("init", help="create the database and load the reference geography")
    db_option(p)
    p.add_argument("--demo", action="store_true", help="also fill it with generated demo data")
    p.add_argument(
        "--reference-dir",
        metavar="DIR",
        help="folder holding local_authorities/ and boundaries/ "
        "(default: $TRACKER_REFERENCE_DIR or ../shared/data)",
    )

    p = sub.add_parser("ingest", help="validate a CSV or XLSX return and load it as one batch")
    p.add_argument("kind", choices=KINDS, metavar="KIND", help=f"one of: {', '.join(KINDS)}")
    p.add_argument("file", metavar="FILE", help="the .csv or .xlsx file")
    db_option(p)
    p.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    p.add_argument("--user", metavar="NAME", help="who is loading it (default: the login name)")

    p = sub.add_parser("history", help="list every batch")
    db_option(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = sub.add_parser("rollback", help="undo a batch and restore what it replaced")
    p.add_argument("batch_id", type=int, metavar="BATCH_ID")
    db_option(p)
    p.add_argument("--user", metavar="NAME", help="who is rolling back (default: the login name)")

    p = sub.add_parser(
        "remove-demo", help="remove the demo data: roll back every demo batch in one step"
    )
    db_option(p)
    p.add_argument("--user", metavar="NAME", help="who is removing it (default: the login name)")

    p = sub.add_parser(
        "publish", help="publish what is loaded as the next release (what viewers see)"
    )
    p.add_argument("--note", required=True, metavar="TEXT", help="what is in the release")
    db_option(p)
    p.add_argument("--user", metavar="NAME", help="who is publishing (default: the login name)")

    p = sub.add_parser("releases", help="list the releases kept (the current one marked)")
    db_option(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument(
        "--current", action="store_true", help="print only the current release's file path"
    )

    p = sub.add_parser("withdraw", help="withdraw the current release: back to the previous one")
    db_option(p)
    p.add_argument("--user", metavar="NAME", help="who is withdrawing (default: the login name)")

    p = sub.add_parser(
        "add-analyst", help="add or change an analyst account (password hashed with argon2)"
    )
    p.add_argument("username", metavar="USERNAME")
    p.add_argument(
        "--secrets", metavar="PATH", help="secrets file (default: .streamlit/secrets.toml)"
    )
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    p.add_argument(
        "--admin",
        action="store_true",
        help="also make the account an administrator (adds, disables and resets analysts)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "init":
            from store.init import cli_init as run
        elif args.command == "ingest":
            from store.ingest_cli import cli_ingest as run
        elif args.command == "history":
            from store.batches import cli_history as run
        elif args.command == "rollback":
            from store.batches import cli_rollback as run
        elif args.command == "remove-demo":
            from store.batches import cli_remove_demo as run
        elif args.command == "publish":
            from store.publishing import cli_publish as run
        elif args.command == "releases":
            from store.publishing import cli_releases as run
        elif args.command == "withdraw":
            from store.publishing import cli_withdraw as run
        else:
            from store.auth import cli_add_analyst as run
        return run(args)
    except (StoreError, ReferenceDataMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: nothing was written", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into `head` and the reader went away: not an error of ours.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
