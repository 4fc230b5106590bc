"""`python -m metrics delivery`: where the blueprint's actions stand, as text or JSON
(the figures come from metrics.delivery.compute)."""

from __future__ import annotations

import pandas as pd

from domain.register import STATUS_LABELS, Register
from metrics import register as mregister
from metrics.delivery import COUNT_STATUSES, Delivery, compute
from metrics.summary import MetricsError


def _plain(v):
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    if isinstance(v, float) and v != v:  # NaN
        return None
    return v


def _records(df: pd.DataFrame) -> list[dict]:
    """The rows as plain dicts (column lists: DataFrame.to_dict boxes every cell, slowly)."""
    cols = [str(c) for c in df.columns]
    values = [df[c].tolist() for c in cols]
    return [{c: _plain(v) for c, v in zip(cols, row)} for row in zip(*values)]


def as_json(d: Delivery) -> dict:
    """Everything computed, as plain JSON-ready values."""
    counts = dict(d.counts)
    return {
        "quarter": d.quarter,
        "previous_quarter": d.previous_quarter,
        "counts": counts,
        "by_owner": _records(d.by_owner),
        "by_theme": _records(d.by_theme),
        "cells": _records(d.cells),
        "needs_attention": [
            {
                "id": r["id"],
                "owner": r["owner"],
                "theme": r["theme"],
                "status": r["status"],
                "reasons": [{"code": c, "why": w} for c, w in zip(r["codes"], r["why"])],
            }
            for r in _records(d.attention)
        ],
        "slippage": _records(d.slippage),
        "actions": _records(d.actions),
    }


def print_text(d: Delivery, reg: Register, out=None) -> None:
    """The figures for people (the command line without --json)."""
    import sys

    out = out or sys.stdout
    c = d.counts

    def line(text: str = "") -> None:
        print(text, file=out)

    line(f"Blueprint Tracker: delivery of the blueprint's actions, as at {d.quarter}")
    line(
        f"{c['total']} actions: "
        + ", ".join(f"{c[s]} {STATUS_LABELS[s].lower()}" for s in COUNT_STATUSES)
    )
    line(
        f"{c['needs_attention']} need attention, {c['overdue']} overdue, "
        f"{c['unassigned']} with no owner (nobody owns them yet)"
    )
    line("\nBy owner (total / completed / off track / not reported / needs attention)")
    for r in _records(d.by_owner):
        line(
            f"  {r['owner_name']:<56} {r['total']:>3} {r['completed']:>4} {r['off_track']:>4} "
            f"{r['not_reported']:>4} {r['needs_attention']:>4}"
        )
    line("\nBy theme (total / completed / off track / not reported / needs attention)")
    for r in _records(d.by_theme):
        line(
            f"  {r['theme'] or '(no theme)':<56} {r['total']:>3} {r['completed']:>4} "
            f"{r['off_track']:>4} {r['not_reported']:>4} {r['needs_attention']:>4}"
        )
    line(f"\nNeeds attention ({len(d.attention)})")
    for r in _records(d.attention):
        line(f"  {r['id']} ({reg.organisation_name(r['owner'])}): {'; '.join(r['why'])}")
    line(f"\nDue-quarter revisions ({len(d.slippage)})")
    for r in _records(d.slippage):
        line(
            f"  {r['id']} in {r['quarter']}: {r['from_due']} -> {r['to_due']} "
            f"({r['quarters']:+d}): {r['reason'] or '(no reason recorded)'}"
        )


def main(args) -> int:
    """`python -m metrics delivery [--db PATH] [--as-of QUARTER] [--json]` (parsed by
    metrics/__main__.py). 0 done, 1 refused with a message."""
    import json
    import sys

    from metrics import config as mconfig
    from store.db import StoreError, connect

    try:
        reg = mregister.load()
        with connect(args.db) as con:
            d = compute(con, as_of=args.as_of, register=reg)
    except (MetricsError, mconfig.ConfigError, mregister.RegisterError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(as_json(d), indent=2, ensure_ascii=False))
    else:
        print_text(d, reg)
    return 0
