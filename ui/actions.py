"""The writes the analyst pages make, on the dashboard's database (ui.frame.db_path):
check an upload (a dry run), load it, roll a batch back, remove the demo data. Each raises the store's
exceptions (ui.boundary.StoreBusy, StoreError) for the page to word; nothing here draws."""

from __future__ import annotations

from store import batches, ingest
from store.batches import DemoRemoval, DemoSummary, RollbackResult
from store.ingest import Report
from ui import cache, frame


def detect_kind(data: bytes, file_name: str) -> tuple[str | None, str]:
    """The kind a file's headers say it is, and why: (kind or None, reason)."""
    return ingest.detect_kind(data, file_name)


def check_upload(kind: str, data: bytes, file_name: str, *, user: str) -> Report:
    """Everything the load would do, written nowhere (store.ingest dry run)."""
    return ingest.ingest_file(frame.db_path(), kind, data, file_name, user=user, dry_run=True)


def load_upload(kind: str, data: bytes, file_name: str, *, user: str) -> Report:
    """Load one file as one batch."""
    return ingest.ingest_file(frame.db_path(), kind, data, file_name, user=user)


def roll_back(batch_id: int, *, user: str) -> RollbackResult:
    """Roll a batch back (raises StoreError with the reason when it cannot)."""
    return batches.rollback(frame.db_path(), batch_id, user=user)


def remove_demo(*, user: str) -> DemoRemoval:
    """Roll back every demo batch in one step (raises StoreError when there is none)."""
    return batches.remove_demo(frame.db_path(), user=user)


def demo_summary(version: int | None = None) -> DemoSummary:
    """The demo data in force (its batches, rows, quarters), cached per data version."""
    return cache.read(batches.demo_summary, version=version)
