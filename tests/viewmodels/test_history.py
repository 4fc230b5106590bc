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


def test_filters_table_and_demo(make_db):
    from store import ingest
    from store.db import connect

    db = make_db("reference")
    sv = b"council_code,quarter,data_maturity\nE06000001,2026-Q2,3\nE06000001,2026-Q3,3\n"
    wf = b"council_code,quarter,role_family,headcount,underrepresented\nE06000001,2026-Q3,all,4,1\n"
    assert ingest.ingest_file(db, "survey", sv, "s.csv", user="demo", demo=True).batch_id == 1
    assert ingest.ingest_file(db, "workforce", wf, "w.csv", user="Bea").batch_id == 2
    with connect(db) as con:
        view = history.view(con)
    assert (view.kinds, view.quarters, view.uploaders) == (
        ("survey", "workforce"),
        ("2026-Q3", "2026-Q2"),
        ("Bea", "demo"),
    )
    assert view.batches[1].quarters == ("2026-Q2", "2026-Q3") and view.batches[1].demo
    assert history.matching(view) == [2, 1]
    assert history.matching(view, quarter="2026-Q2") == [1]
    assert history.matching(view, kind="workforce", uploader="Bea") == [2]
    assert history.matching(view, kind="survey", uploader="Bea") == []
    table = history.table(view, [2, 1])
    assert table[["Batch", "Quarters covered", "Status", "Demo data"]].values.tolist() == [
        [2, "2026-Q3", "In force", ""],
        [1, "2026-Q2, 2026-Q3", "In force", "demo"],
    ]
    assert history.filter_text(view, [1], {"quarter": "2026-Q2"}) == (
        "1 of 2 batches (covering 2026-Q2), newest first"
    )
    assert history.demo_text(view.demo) == (
        "Demo data is loaded: 1 generated batch (2 rows, 2026-Q2 to 2026-Q3). Removing it "
        "rolls back every demo batch in one step; uploaded returns stay."
    )
