"""viewmodels.history on pages_small (one batch written by the factory)."""

from __future__ import annotations

from viewmodels import history


def test_batches_by_id_with_their_labels(connected):
    con = connected("pages_small")
    view = history.view(con)
    assert list(view.table["batch_id"]) == [1]
    batch = view.batches[1]
    assert batch.label == "Batch 1: survey, pages_small.csv, loaded 2026-10-01 09:00 by factory"
    assert (batch.kind, batch.file_name, batch.status) == ("survey", "pages_small.csv", "active")
    assert (batch.rows_added, batch.rows_replaced) == (1, 0)
    assert history.original(con, 1) is None  # the factory keeps no original file


def test_no_batches(connected):
    view = history.view(connected("empty"))
    assert view.batches == {} and view.table.empty
