"""Killed at random moments: a load, a rollback and `store init --demo`, each at least ten
times (SIGKILL, in a process of its own: tests/store/killing.py). After every kill the
database holds every batch whole or not at all (and the demo whole or not at all), and
after the next run nothing is left beside it: no temporary file, no original without
its batch, no batch without its original."""

from __future__ import annotations

import random
import shutil

import pytest

from tests.store import killing

KILLS = 10
SV = "council_code,quarter,data_maturity,digital_spend_gbp\n"
CODES = ["E06000001", "E06000002", "E06000003", "E06000004", "E06000005", "E08000021"]


@pytest.fixture
def db(ref_db, tmp_path):
    folder = tmp_path / "db"
    folder.mkdir()
    target = folder / "tracker.duckdb"
    shutil.move(str(ref_db), target)
    return target


def survey_file(folder, n: int):
    """A small survey file, different each time (so never a duplicate): it replaces the
    rows of the one before."""
    path = folder / f"survey_{n}.csv"
    lines = [f"{c},2026-Q{1 + n % 3},{1 + (n + i) % 5},{1000 * n + i}" for i, c in enumerate(CODES)]
    path.write_text(SV + "\n".join(lines) + "\n")
    return path


def after_kill(db, demo_batches: int = 30) -> dict:
    state = killing.check_database(db, demo_batches)
    killing.next_run(db)
    assert killing.check_folder(db) == []
    return state


def test_killed_loads_leave_whole_batches_and_nothing_behind(db, tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    rng = random.Random(10)
    killing.warm()
    took = killing.run(killing.load, str(db), "survey", str(survey_file(files, 0)))
    after_kill(db)
    landed = tries = 0
    while landed < KILLS and tries < 3 * KILLS:
        tries += 1
        path = survey_file(files, tries)
        landed += killing.run_and_kill(
            killing.load, str(db), "survey", str(path), after=rng.uniform(0, took)
        )
        after_kill(db)
    assert landed == KILLS, f"only {landed} of {tries} kills landed before the load finished"


def test_killed_rollbacks_leave_whole_batches_and_nothing_behind(db, tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    rng = random.Random(11)
    killing.warm()
    for n in range(3):
        killing.run(killing.load, str(db), "survey", str(survey_file(files, n)))
    took = killing.run(killing.rollback, str(db), 3)
    landed = tries = 0
    while landed < KILLS and tries < 3 * KILLS:
        tries += 1
        state = after_kill(db)
        if state["active"] == 0:  # (every batch rolled back: load another)
            killing.run(killing.load, str(db), "survey", str(survey_file(files, 10 + tries)))
        newest = killing.newest_active(db)
        landed += killing.run_and_kill(
            killing.rollback, str(db), newest, after=rng.uniform(0, took)
        )
    after_kill(db)
    assert landed == KILLS, f"only {landed} of {tries} kills landed before the rollback finished"


# The demo as of early 2026: three quarters, 15 files with the two quarters of delivery
# updates (the full demo's 30 take twice as long to load; what is checked is the same: one
# transaction for every batch).
TODAY = "2026-02-15"
DEMO = 15


def test_killed_init_demo_leaves_all_or_nothing_and_reruns_to_completion(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    db = folder / "tracker.duckdb"
    rng = random.Random(12)
    killing.warm()
    took = killing.run(killing.init_demo, str(db), TODAY)
    assert after_kill(db, DEMO)["demo"] == DEMO
    landed = tries = 0
    while landed < KILLS and tries < 3 * KILLS:
        tries += 1
        if db.exists() and killing.check_database(db, DEMO)["demo"] == DEMO:  # done: again
            shutil.rmtree(folder)
            folder.mkdir()
        landed += killing.run_and_kill(
            killing.init_demo, str(db), TODAY, after=rng.uniform(0, took)
        )
        if db.exists():
            after_kill(db, DEMO)
    killing.run(killing.init_demo, str(db), TODAY)  # the rerun finishes the job
    assert after_kill(db, DEMO)["demo"] == DEMO
    assert landed == KILLS, f"only {landed} of {tries} kills landed before init --demo finished"
