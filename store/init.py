"""`python -m store init [--demo]`: create or upgrade the database, load the reference
geography, and (``--demo``) the demo data: the top of the store's layers (it uses
store.reference and store.demo, which never import it).

The demo data is all or nothing: every demo file is loaded in one transaction
(store.ingest.ingest_files), so a killed ``init --demo`` leaves either the whole demo or
none of it, and running it again finishes the job. (A database that an earlier version
left with part of the demo, demo batches without the ``demo`` flag in ``meta``, has
those batches rolled back and the whole demo loaded.)
"""

from __future__ import annotations

import time

import duckdb

from store import batches, demo, paths, schema, scratch
from store.db import StoreError, connect, write_lock
from store.reference import load_reference


def _non_demo_batches(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(
        "SELECT count(*) FROM batches WHERE NOT demo AND status = 'active'"
    ).fetchall()[0][0]


def _demo_batches(con: duckdb.DuckDBPyConnection) -> list[int]:
    rows = con.execute(
        "SELECT batch_id FROM batches WHERE demo AND status = 'active' ORDER BY batch_id DESC"
    ).fetchall()
    return [r[0] for r in rows]


def cli_init(args) -> int:
    """`python -m store init [--db PATH] [--demo] [--reference-dir DIR]`.

    Creates the database (or upgrades it), loads or refreshes the reference geography and
    leaves uploaded data alone; with --demo also loads the demo data (refused when the
    file already holds real, non-demo uploads).
    """
    started = time.monotonic()
    folder = paths.reference_dir(getattr(args, "reference_dir", None))  # before creating anything
    db = paths.db_path(getattr(args, "db", None))
    existed = db.exists()
    want_demo = bool(getattr(args, "demo", False))
    if want_demo and existed:
        with connect(db) as con:
            real = _non_demo_batches(con)
        if real:
            raise StoreError(
                f"Refused: {db} already holds {real} uploaded batch(es) of real data, and demo "
                "data must never mix with real returns. Nothing was changed. Use a new file "
                "(--db PATH) for the demo."
            )
    with connect(db, create=True) as con:
        with write_lock():
            scratch.clean(db, scratch.referenced_files(con))
        result = load_reference(con, folder)
        demo_batches = _demo_batches(con)
        complete = schema.get_meta(con, "demo") == "true"
    verb = "Refreshed" if existed else "Created"
    print(f"{verb} {db} (schema version {schema.SCHEMA_VERSION}).")
    if result["kept_uploaded_batch"] is not None:
        print(
            f"Council list kept: it came from upload batch {result['kept_uploaded_batch']} "
            "(roll that batch back to return to the reference list)."
        )
    else:
        print(
            f"Reference geography: {result['councils']} councils, {result['regions']} regions, "
            f"{result['centres']} Centres of Service Innovation, {result['names']} council spellings."
        )
    print(f"Reference source: {result['source']}")
    if want_demo:
        if demo_batches and complete:
            print(f"Demo data already loaded ({len(demo_batches)} batches); nothing more to do.")
        else:
            if demo_batches:  # part of a demo, left by an interrupted earlier version
                for batch_id in demo_batches:
                    batches.rollback(db, batch_id, user="demo")
                print(
                    f"An incomplete demo ({len(demo_batches)} batches) was rolled back; "
                    "loading the whole demo."
                )
            reports = demo.load_demo(db)
            rows = sum(r.rows_added for r in reports)
            print(f"Demo data: {len(reports)} batches written ({rows} rows), marked as demo.")
    print(f"Done in {time.monotonic() - started:.1f} s.")
    return 0
