"""The upload history page: every batch, newest first, and what the page says of one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from metrics import export
from store import batches
from viewmodels.downloads import TRACKER


@dataclass(frozen=True)
class Batch:
    batch_id: int
    label: str  # 'Batch 3: survey, a.csv, loaded 2026-11-26 10:15 by alice'
    kind: str
    file_name: str
    file_sha256: str
    status: str  # 'active' or 'rolled back'
    rows_added: int
    rows_replaced: int


@dataclass(frozen=True)
class HistoryView:
    table: pd.DataFrame  # store.batches.history: every batch, newest first
    batches: dict[int, Batch]  # the same batches by id, in the table's order
    notes: export.Notes  # what the downloaded table is


def _int(v: Any) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0


def view(con: Any) -> HistoryView:
    table = batches.history(con)
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
        )
    notes = export.Notes(
        title="Upload history: every batch, newest first",
        measure="none: the log of uploads (each batch, its file, who loaded it, its status)",
        quarter="every quarter loaded",
        scope="the whole database",
        source=f"{TRACKER}: the batch log",
        demo=batches.demo_loaded(con),
    )
    return HistoryView(table=table, batches=found, notes=notes)


def original(con: Any, batch_id: int) -> Path | None:
    """Where the batch's original file is kept (None when it is not kept)."""
    return batches.original_file(con, batch_id)
