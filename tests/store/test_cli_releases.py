"""`python -m store publish|releases|withdraw`: exit codes and what they print (in-process
for speed: the open data command is replaced by a stub; tests/metrics/test_opendata.py
publishes through the real one)."""

from __future__ import annotations

import json

import pytest

from store import publishing
from store.cli import main


@pytest.fixture
def db(make_db, monkeypatch):
    def stub(snapshot, out, release):
        out.mkdir(parents=True)

    monkeypatch.setattr(publishing, "run_open_data_command", stub)
    return make_db("pages_small")


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_publish_list_withdraw(db, capsys):
    code, out, _ = cli(capsys, "releases", "--db", str(db))
    assert code == 0 and out.startswith("Nothing has been published yet.")
    code, _, err = cli(capsys, "withdraw", "--db", str(db), "--user", "t")
    assert code == 1 and "Nothing has been published yet" in err
    code, _, err = cli(capsys, "releases", "--current", "--db", str(db))
    assert code == 1

    code, out, _ = cli(capsys, "publish", "--db", str(db), "--note", "Q3", "--user", "ana")
    assert code == 0 and out.startswith("Published release 1: data version ")
    assert "open data" in out and "next rerun" in out
    code, out, _ = cli(capsys, "publish", "--db", str(db), "--note", "again", "--user", "bo")
    assert code == 0 and "(release 1 had data version" in out

    code, out, _ = cli(capsys, "releases", "--db", str(db), "--json")
    listed = json.loads(out)
    assert [(r["number"], r["current"], r["user"], r["note"]) for r in listed] == [
        (2, True, "bo", "again"),
        (1, False, "ana", "Q3"),
    ]
    code, out, _ = cli(capsys, "releases", "--current", "--db", str(db))
    assert code == 0 and out.strip() == listed[0]["path"]

    code, out, _ = cli(capsys, "withdraw", "--db", str(db), "--user", "cy")
    assert code == 0 and out.startswith("Release 2 withdrawn: viewers see release 1 again")
    code, out, _ = cli(capsys, "releases", "--db", str(db))
    lines = out.splitlines()
    assert "withdrawn" in lines[0] and "current" in lines[1] and "ana: Q3" in lines[1]
    code, _, err = cli(capsys, "withdraw", "--db", str(db))
    assert code == 1 and "only release kept" in err


def test_publish_needs_a_note(db, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli(capsys, "publish", "--db", str(db))
    assert exit_.value.code == 2
    code, _, err = cli(capsys, "publish", "--db", str(db), "--note", " ")
    assert code == 1 and "Say what is in the release" in err
