"""Releases (store.releases): publish, withdraw, keep N, a kill at any step, and readers in
other processes while a load holds the live file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import duckdb
import pytest

from store import ingest, publishing, releases
from store.db import StoreError
from tests.conftest import ROOT

# Middlesbrough now has a chief executive from a digital background: digital_ceos 2 -> 3.
CEO = b"council_code,quarter,ceo_digital_background\nE06000002,2026-Q3,yes\n"


def no_open_data(snapshot, out, release):
    out.mkdir(parents=True)
    (out / "index.json").write_text(json.dumps({"release": release.record()}))


def publish(db, note="q3", **kw):
    return publishing.publish(db, note=note, user="alice", open_data=no_open_data, **kw)


def ceos(path) -> float:
    from metrics import summary

    with releases.connect(path) as con:
        df = summary.summary(con)
    return float(df.set_index("id").loc["digital_ceos", "value"])


@pytest.fixture
def db(make_db):
    return make_db("pages_small")


def test_publish_snapshots_the_live_data_and_switches_the_pointer(db):
    assert releases.current(db) is None
    first = publish(db, note="  2026-Q3   returns ")
    at = releases.folder(db)
    assert at == db.parent / "releases"
    assert first.number == 1 and first.note == "2026-Q3 returns" and first.user == "alice"
    assert first.path.is_file() and first.path.name.startswith("1-")
    assert (first.path.stat().st_mode & 0o777) == 0o444
    assert not first.path.with_name(first.path.name + ".wal").exists()
    assert (first.dir / "release.json").is_file() and first.open_data_zip.is_file()
    pointer = json.loads((at / "CURRENT").read_text())
    assert {k: pointer[k] for k in ("number", "file", "note", "user", "data_version", "demo")} == {
        "number": 1,
        "file": first.path.name,
        "note": "2026-Q3 returns",
        "user": "alice",
        "data_version": first.data_version,
        "demo": False,
    }
    assert releases.current(db) == first
    assert first.batches == (1,)
    with releases.connect(first.path) as con:  # the release names itself
        assert releases.of(con) == first
        assert releases.label_of(con) == first.label
    with releases.connect(first.path) as con:
        with pytest.raises(duckdb.Error):  # read-only
            con.execute("DELETE FROM survey")
    from store.db import connect

    with connect(db) as con:
        assert releases.of(con) is None
        assert releases.label_of(con).startswith("Loaded data, not yet published (data version")
    assert sorted(p.name for p in at.iterdir() if p.name.startswith(".tmp")) == []


def test_a_load_changes_nothing_until_publish_and_withdraw_goes_back(db):
    first = publish(db)
    assert ceos(first.path) == 2
    assert ingest.ingest_file(db, "survey", CEO, "ceo.csv", user="bob").batch_id == 2
    assert releases.current(db) == first and ceos(first.path) == 2  # viewers see no change
    second = publish(db, note="Middlesbrough's correction")
    assert second.number == 2 and second.batches == (1, 2) and ceos(second.path) == 3
    assert second.data_version > first.data_version
    assert [(r.release.number, r.current) for r in releases.listing(db)] == [(2, True), (1, False)]
    assert releases.previous(db) == first

    gone, back = publishing.withdraw(db, user="carol")
    assert (gone.number, back.number) == (2, 1)
    assert releases.current(db) == first and ceos(first.path) == 2
    listed = releases.listing(db)
    assert [(r.release.number, r.current, bool(r.withdrawn)) for r in listed] == [
        (2, False, True),
        (1, True, False),
    ]
    assert listed[0].withdrawn["user"] == "carol" and listed[0].withdrawn["back_to"] == 1
    with pytest.raises(StoreError, match="only release kept"):
        publishing.withdraw(db, user="carol")  # nothing before release 1
    third = publish(db)  # numbers are never reused
    assert third.number == 3 and ceos(third.path) == 3
    gone, back = publishing.withdraw(db, user="carol")
    assert (gone.number, back.number) == (3, 1)  # withdrawn release 2 is skipped


def test_connect_reading_opens_a_release_read_only_and_the_live_file_as_ever(db):
    first = publish(db)
    assert releases.is_release_file(first.path) and not releases.is_release_file(db)
    with releases.connect_reading(first.path) as con:
        assert releases.of(con) == first
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM survey")
    with releases.connect_reading(db) as con:
        assert releases.of(con) is None


def test_empty_note_and_missing_database_publish_nothing(db, tmp_path):
    with pytest.raises(StoreError, match="Say what is in the release"):
        publish(db, note="   ")
    with pytest.raises(StoreError, match="No database"):
        publish(tmp_path / "none.duckdb")
    assert releases.current(db) is None and not (tmp_path / "releases" / "CURRENT").exists()


def test_keeps_the_newest_n_and_always_current_and_previous(db, monkeypatch):
    monkeypatch.setenv("TRACKER_KEEP_RELEASES", "3")
    for _ in range(5):
        publish(db)
    at = releases.folder(db)
    assert [r.release.number for r in releases.listing(db)] == [5, 4, 3]
    assert sorted(p.name.split("-")[0] for p in at.glob("*.duckdb")) == ["3", "4", "5"]
    assert not (at / "1").exists() and not (at / "2").exists()
    monkeypatch.setenv("TRACKER_KEEP_RELEASES", "1")  # taken as 2, the least
    publishing.withdraw(db, user="t")  # 5 -> 4
    publish(db)  # 6: the two newest (6, 5), and 4, what withdrawing 6 goes back to
    assert [r.release.number for r in releases.listing(db)] == [6, 5, 4]
    assert releases.previous(db).number == 4
    publish(db)  # 7: 7, 6 and 6 is also the previous one
    assert [r.release.number for r in releases.listing(db)] == [7, 6]


def test_failing_open_data_publishes_nothing(db):
    first = publish(db)

    def broken(snapshot, out, release):
        raise StoreError("the open data broke")

    with pytest.raises(StoreError, match="the open data broke"):
        publishing.publish(db, note="x", user="t", open_data=broken)
    assert releases.current(db) == first
    assert sorted(p.name for p in releases.folder(db).iterdir()) == [
        ".lock",
        "1",
        first.file,
        "CURRENT",
    ]


KILLED = textwrap.dedent(
    """
    import os, sys, time
    from store import publishing

    db, stage = sys.argv[1], sys.argv[2]

    def wait(here):
        if here == stage:
            print("at", stage, flush=True)
            time.sleep(60)

    def open_data(snapshot, out, release):
        out.mkdir(parents=True)
        (out / "index.json").write_text("{}")
        wait("open_data")

    seal, switch, write_json = publishing._seal, publishing._switch, publishing._write_json

    def sealing(path):
        wait("copied")
        seal(path)

    def switching(at, release, **kw):
        wait("before_switch")
        switch(at, release, **kw)

    def writing(path, rec):
        write_json(path, rec)
        if path.name.startswith(".CURRENT."):
            wait("pointer_written")

    publishing._seal, publishing._switch, publishing._write_json = sealing, switching, writing
    publishing.publish(db, note="killed", user="t", open_data=open_data)
    print("finished", flush=True)
    """
)


@pytest.mark.parametrize("stage", ["copied", "open_data", "before_switch", "pointer_written"])
def test_a_kill_at_any_step_leaves_the_previous_release_current(db, stage):
    first = publish(db)
    ingest.ingest_file(db, "survey", CEO, "ceo.csv", user="bob")
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(db), stage],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        line = child.stdout.readline()
        assert line.strip() == f"at {stage}", child.stderr.read()
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    at = releases.folder(db)
    assert releases.current(db) == first and ceos(first.path) == 2
    assert [r.release.number for r in releases.listing(db)] == [1]
    assert any(p.name.startswith((".tmp-", ".CURRENT.", "2")) for p in at.iterdir())  # left over
    releases.forget_cached()
    assert releases.current_cached(at) == first
    second = publish(db)  # cleans up what the killed one left, then publishes
    assert second.number == 2 and ceos(second.path) == 3
    assert sorted(p.name for p in at.iterdir()) == sorted(
        [".lock", "1", "2", first.file, second.file, "CURRENT"]
    )


READER = textwrap.dedent(
    """
    import json, sys, time
    from metrics import summary
    from store import releases

    with releases.connect(sys.argv[1]) as con:
        print("open", flush=True)
        time.sleep(1.0)  # both readers hold the file at once
        df = summary.summary(con)
        print(json.dumps({"label": releases.label_of(con),
                          "ceos": float(df.set_index("id").loc["digital_ceos", "value"])}))
    """
)

HOLDER = textwrap.dedent(
    """
    import sys, time
    from store.db import connect, transaction
    from store import schema

    with connect(sys.argv[1]) as con:  # a load: the live file held read-write, mid-write
        with transaction(con):
            con.execute("UPDATE survey SET ceo_digital_background = true")
            schema.bump_data_version(con)
            print("writing", flush=True)
            sys.stdin.readline()
    print("committed", flush=True)
    """
)


def test_two_processes_read_one_release_while_a_load_writes(db):
    first = publish(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "writing"
        # The reason viewers read a release: the live file cannot be opened read-only now.
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(db), read_only=True)
        readers = [
            subprocess.Popen(
                [sys.executable, "-c", READER, str(first.path)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outs = [r.communicate(timeout=120) for r in readers]
        assert [r.returncode for r in readers] == [0, 0], [e for _, e in outs]
        results = [json.loads(o.splitlines()[-1]) for o, _ in outs]
        assert results == [{"label": first.label, "ceos": 2.0}] * 2
        assert all(o.startswith("open") for o, _ in outs)
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "committed"
    finally:
        holder.kill()
        holder.wait()
    assert ceos(first.path) == 2  # the load is not in the release
    assert ceos(publish(db).path) == 4  # every council now
