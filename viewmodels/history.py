"""The upload history page: every batch, newest first, with the quarters it covers and
readable column names; filters by kind, quarter and uploader; what the page says of one
batch; and the demo data, removed in one step."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from metrics import export
from store import batches
from store.batches import DemoSummary
from viewmodels.downloads import TRACKER

ALL = ""  # a filter's "any" value (kept out of the URL)

# store.batches.history's columns -> the page's headings, in the order shown
HEADINGS: dict[str, str] = {
    "batch_id": "Batch",
    "kind": "Kind of return",
    "file_name": "File",
    "quarters": "Quarters covered",
    "status": "Status",
    "uploaded_by": "Uploaded by",
    "uploaded_at": "Uploaded at",
    "rows_added": "Rows added",
    "rows_replaced": "Rows replaced",
    "warnings": "Warnings",
    "rows_in_file": "Rows in file",
    "demo": "Demo data",
    "rolled_back_at": "Rolled back at",
    "rolled_back_by": "Rolled back by",
    "file_sha256": "SHA-256 of the file",
}
STATUS = {"active": "In force", "rolled_back": "Rolled back"}


@dataclass(frozen=True)
class Batch:
    batch_id: int
    label: str  # 'Batch 3: survey, a.csv, loaded 2026-11-26 10:15 by alice'
    kind: str
    file_name: str
    file_sha256: str
    status: str  # 'active' or 'rolled_back'
    rows_added: int
    rows_replaced: int
    uploaded_by: str = ""
    quarters: tuple[str, ...] = ()  # the quarters its rows cover (none once rolled back)
    demo: bool = False


@dataclass(frozen=True)
class HistoryView:
    table: pd.DataFrame  # store.batches.history: every batch, newest first
    batches: dict[int, Batch]  # the same batches by id, in the table's order
    notes: export.Notes  # what the downloaded table is
    kinds: tuple[str, ...] = ()  # the filters' choices: kinds, quarters (newest first),
    quarters: tuple[str, ...] = ()  # uploaders
    uploaders: tuple[str, ...] = ()
    demo: DemoSummary = field(default_factory=lambda: DemoSummary((), 0, None, None))


def _int(v: Any) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0


def view(con: Any) -> HistoryView:
    table = batches.history(con)
    covered = batches.batch_quarters(con)
    found = {}
    for r in table.to_dict("records"):
        b = int(r["batch_id"])
        found[b] = Batch(
            batch_id=b,
            label=(
                f"Batch {b}: {r['kind']}, {r['file_name']}, "
                f"loaded {r['uploaded_at']:%Y-%m-%d %H:%M} by {r['uploaded_by']}"
            ),
            kind=str(r["kind"]),
            file_name=str(r["file_name"]),
            file_sha256=str(r["file_sha256"]),
            status=str(r["status"]),
            rows_added=_int(r["rows_added"]),
            rows_replaced=_int(r["rows_replaced"]),
            uploaded_by=str(r["uploaded_by"]),
            quarters=tuple(covered.get(b, ())),
            demo=bool(r["demo"]),
        )
    quarters = sorted({q for b in found.values() for q in b.quarters}, reverse=True)
    notes = export.Notes(
        title="Upload history: every batch, newest first",
        measure="none: the log of uploads (each batch, its file, who loaded it, its status)",
        quarter="every quarter loaded",
        scope="the whole database",
        source=f"{TRACKER}: the batch log",
        demo=batches.demo_loaded(con),
    )
    return HistoryView(
        table=table,
        batches=found,
        notes=notes,
        kinds=tuple(sorted({b.kind for b in found.values()})),
        quarters=tuple(quarters),
        uploaders=tuple(sorted({b.uploaded_by for b in found.values()}, key=str.lower)),
        demo=batches.demo_summary(con),
    )


def matching(
    shown: HistoryView, kind: str = ALL, quarter: str = ALL, uploader: str = ALL
) -> list[int]:
    """The batches that pass the filters (ALL: any), newest first."""
    return [
        b.batch_id
        for b in shown.batches.values()
        if (kind == ALL or b.kind == kind)
        and (quarter == ALL or quarter in b.quarters)
        and (uploader == ALL or b.uploaded_by == uploader)
    ]


def table(shown: HistoryView, ids: list[int]) -> pd.DataFrame:
    """The batches ``ids`` for people: readable headings, statuses and times, 'demo' or
    blank, blanks rather than None."""
    frame = shown.table[shown.table["batch_id"].isin(ids)].copy()
    frame["status"] = frame["status"].map(lambda s: STATUS.get(s, s))
    frame["demo"] = frame["demo"].map(lambda d: "demo" if d else "")
    for col in ("uploaded_at", "rolled_back_at"):
        frame[col] = ["" if pd.isna(t) else f"{pd.Timestamp(t):%Y-%m-%d %H:%M}" for t in frame[col]]
    frame["rolled_back_by"] = frame["rolled_back_by"].map(lambda v: "" if pd.isna(v) else v)
    frame["quarters"] = [
        q or ("(rows removed)" if s == STATUS["rolled_back"] else "—")
        for q, s in zip(frame["quarters"], frame["status"])
    ]
    frame = frame[list(HEADINGS)].rename(columns=HEADINGS)
    return frame.reset_index(drop=True)


def filter_text(shown: HistoryView, ids: list[int], chosen: Mapping[str, str]) -> str:
    """'3 of 25 batches (kind survey, covering 2026-Q3)' / '25 batches'."""
    n = len(shown.batches)
    parts = []
    if chosen.get("kind"):
        parts.append(f"kind {chosen['kind']}")
    if chosen.get("quarter"):
        parts.append(f"covering {chosen['quarter']}")
    if chosen.get("uploader"):
        parts.append(f"uploaded by {chosen['uploader']}")
    if not parts:
        return f"{n:,} batch{'es' if n != 1 else ''}, newest first"
    return f"{len(ids):,} of {n:,} batches ({', '.join(parts)}), newest first"


def demo_text(demo: DemoSummary) -> str | None:
    """What the page says of the demo data in force (None without)."""
    n = len(demo.batches)
    if not n:
        return None
    first, last = demo.first_quarter, demo.last_quarter
    span = f", {first} to {last}" if first and last and first != last else ""
    return (
        f"Demo data is loaded: {n} generated batch{'es' if n != 1 else ''} ({demo.rows:,} rows"
        f"{span}). Removing it rolls back every demo batch in one step; uploaded returns stay."
    )


def original(con: Any, batch_id: int) -> Path | None:
    """Where the batch's original file is kept (None when it is not kept)."""
    return batches.original_file(con, batch_id)
