"""store.scratch: temporary files under a locked claim; what a dead claim left is removed
by the next run, and an original whose batch was committed is moved into uploads/."""

from __future__ import annotations

import os

from store import scratch


def dead_claim(folder, token: str) -> None:
    """Files as a killed process leaves them: its lock file, no longer locked."""
    folder.mkdir(exist_ok=True)
    (folder / f"{token}.lock").write_bytes(b"")


def test_a_claim_removes_its_files_and_folder(tmp_path):
    db = tmp_path / "tracker.duckdb"
    with scratch.Scratch(db) as s:
        p = s.path("csv")
        p.write_bytes(b"x")
        (tmp_path / scratch.FOLDER / "other").mkdir()  # (not the claim's)
        assert p.exists()
    assert not p.exists()
    assert [x.name for x in (tmp_path / scratch.FOLDER).iterdir()] == ["other"]


def test_clean_removes_dead_claims_keeps_live_ones_and_moves_committed_originals(tmp_path):
    db = tmp_path / "tracker.duckdb"
    db.write_bytes(b"")
    folder = tmp_path / scratch.FOLDER
    dead_claim(folder, "111-dead")
    (folder / "111-dead.1.csv").write_bytes(b"temp")
    (folder / "111-dead.2.duckdb-tmp").mkdir()
    (folder / "111-dead.2.duckdb-tmp" / "spill").write_bytes(b"x")
    (folder / "111-dead.orig.aaa.csv").write_bytes(b"committed original")
    (folder / "111-dead.orig.bbb.csv").write_bytes(b"never committed")
    (folder / "222-gone.1.csv").write_bytes(b"a claim's file without its lock")
    (tmp_path / ".tracker-abc.upload-part").write_bytes(b"left by an earlier version")
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "ccc.csv").write_bytes(b"an original no batch refers to")
    (uploads / "ddd.csv").write_bytes(b"kept")
    (uploads / "ddd.csv.123.part").write_bytes(b"left by an earlier version")
    with scratch.Scratch(db) as live:
        mine = live.path("csv")
        mine.write_bytes(b"in use")
        removed = scratch.clean(db, ["uploads/aaa.csv", "uploads/ddd.csv"])
        assert mine.exists()
        names = {p.name for p in removed}
        assert {"111-dead.1.csv", "111-dead.orig.bbb.csv", "222-gone.1.csv"} <= names
        assert {".tracker-abc.upload-part", "ccc.csv", "ddd.csv.123.part"} <= names
        assert (uploads / "aaa.csv").read_bytes() == b"committed original"
        assert sorted(p.name for p in uploads.iterdir()) == ["aaa.csv", "ddd.csv"]
        left = sorted(p.name for p in folder.iterdir())
        assert all(n.startswith(live.token) for n in left), left
    assert not folder.exists()


def test_uploads_shared_with_another_database_are_left_alone(tmp_path):
    db = tmp_path / "tracker.duckdb"
    db.write_bytes(b"")
    (tmp_path / "other.duckdb").write_bytes(b"")
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "eee.csv").write_bytes(b"the other database's")
    scratch.clean(db, [])
    assert (tmp_path / "uploads" / "eee.csv").exists()


def test_a_lock_held_by_this_process_in_another_claim_counts_as_alive(tmp_path):
    db = tmp_path / "tracker.duckdb"
    with scratch.Scratch(db) as a, scratch.Scratch(db) as b:
        pa = a.path("x")
        pa.write_bytes(b"")
        scratch.clean(db, [])
        assert pa.exists() and b.token != a.token
    assert os.listdir(tmp_path) == []
