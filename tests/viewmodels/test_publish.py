"""viewmodels.publish: what the upload history page and the frame's banner say about the
release viewers see and what is loaded since."""

from __future__ import annotations

import pytest

from store import batches, ingest, publishing, releases
from store.db import connect
from viewmodels import publish

FIRST = b"council_code,quarter,data_maturity\nE06000001,2026-Q3,3\n"
SECOND = b"council_code,quarter,data_maturity\nE06000002,2026-Q3,4\n"


def no_open_data(snapshot, out, release):
    out.mkdir(parents=True)


@pytest.fixture
def db(make_db):
    return make_db("reference")


def view(db):
    cur = releases.current(db)
    with connect(db) as con:
        return publish.view(con, str(releases.folder(db)), cur.number if cur else None)


def test_nothing_published_yet(db):
    ingest.ingest_file(db, "survey", FIRST, "first.csv", user="a")
    v = view(db)
    assert v.current is None and v.previous is None and v.unpublished and v.next_number == 1
    assert v.headline.startswith("**Nothing has been published yet.**")
    assert "Publishing makes **release 1**" in v.changes and "1 active batch." in v.changes
    assert v.short == "nothing has been published yet"


def test_loaded_and_rolled_back_since_the_release(db):
    ingest.ingest_file(db, "survey", FIRST, "first.csv", user="a")
    publishing.publish(db, note="Q3 *first*", user="ana", open_data=no_open_data)
    v = view(db)
    assert not v.unpublished and v.short == "the same as release 1"
    assert "Viewers see **release 1**" in v.headline and "by ana" in v.headline
    assert "\\*first\\*" in v.headline  # the note is shown literally
    assert v.changes.startswith("Nothing has changed since release 1 was published")

    ingest.ingest_file(db, "survey", SECOND, "second.csv", user="b")
    batches.rollback(db, 1, user="c")
    v = view(db)
    assert v.unpublished and v.loaded_since == ("batch 2 (survey, second\\.csv)",)
    assert v.rolled_back_since == ("batch 1 (survey, first\\.csv)",)
    assert v.short == "1 batch loaded, 1 rolled back since release 1"
    assert "Publishing makes **release 2**" in v.changes

    publishing.publish(db, note="Q3 again", user="ana", open_data=no_open_data)
    v = view(db)
    assert v.previous is not None and v.previous.number == 1 and v.current.number == 2
