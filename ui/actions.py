"""The writes the analyst pages make, on the dashboard's database (ui.frame.db_path):
check an upload (a dry run), load it, roll a batch back, remove the demo data, record one
delivery update, publish a release, withdraw it. Each raises the store's exceptions
(ui.boundary.StoreBusy, StoreError) for the page to word; nothing here draws."""

from __future__ import annotations

from pathlib import Path

from store import batches, ingest, publishing, releases
from store.batches import DemoRemoval, DemoSummary, RollbackResult
from store.delivery import one_update_csv
from store.ingest_report import Report
from store.releases import Release
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


def demo_summary(version: cache.Source | None = None) -> DemoSummary:
    """The demo data in force in the live database (its batches, rows, quarters), cached
    per data version."""
    return cache.read(batches.demo_summary, version=version or cache.live_version())


def record_update(values: dict[str, str | None], *, user: str) -> Report:
    """One quarterly update of one action (the delivery columns: action_id, quarter,
    status, ...), loaded exactly as an upload of the one-row file would be: the same rules,
    batch and history. Refused (nothing written) when the report has errors."""
    data = one_update_csv(**values)
    name = f"update-{values.get('action_id')}-{values.get('quarter')}.csv"
    return ingest.ingest_file(frame.db_path(), "delivery", data, name, user=user)


def _open_data(snapshot: Path, out: Path, release: Release) -> None:
    from metrics import opendata

    with releases.connect(snapshot) as con:
        opendata.write(con, out, release.record())


def publish(note: str, *, user: str) -> Release:
    """Publish what is loaded as the next release (its open data written in this process);
    every dashboard process shows it on its next rerun."""
    return publishing.publish(frame.db_path(), note=note, user=user, open_data=_open_data)


def withdraw(*, user: str) -> tuple[Release, Release]:
    """Withdraw the current release: (the withdrawn one, the one viewers see again)."""
    return publishing.withdraw(frame.db_path(), user=user)
