"""Plausibility warnings: an upload against each council's previous return, thresholds
from the targets file's [plausibility] table, every figure below worked out by hand.

The test copy of the targets file (tests/fixtures/targets.toml) sets factor = 3 and,
for workforce, headcount = 10 and underrepresented = 5; for the survey,
digital_spend_gbp = 10000: a value is flagged when it is more than 3x, or under a third
of, the previous value, and the previous value is at least that minimum."""

from __future__ import annotations

import pytest

from domain import plausibility as settings
from metrics import config as mconfig
from store import kinds
from store.ingest import ingest_file, validate_file
from tests.fixtures import TARGETS

WF = "council_code,quarter,role_family,headcount,underrepresented\n"
SV = "council_code,quarter,digital_spend_gbp\n"


def load(db, kind, text, name="f.csv"):
    report = ingest_file(db, kind, text.encode(), name, user="ana")
    assert report.ok and report.batch_id, [str(p) for p in report.problems]
    return report


def warnings(db, kind, text):
    report = validate_file(db, kind, text.encode(), "check.csv")
    assert report.ok, [str(p) for p in report.problems]
    return [(p.row, p.column, p.value, p.message) for p in report.warnings]


def test_the_test_copy_holds_the_thresholds_the_tests_assume():
    found = settings.load(TARGETS)
    assert found.factor == 3.0
    assert found.checked("workforce") == {"headcount": 10.0, "underrepresented": 5.0}
    assert found.checked("survey")["digital_spend_gbp"] == 10_000.0
    assert found.fewer_councils and found.fewer_role_families


def test_tenfold_headcount_is_flagged_with_the_threshold_explained(ref_db):
    load(ref_db, "workforce", WF + "E06000001,2026-Q2,all,120,12\n")
    found = warnings(ref_db, "workforce", WF + "E06000001,2026-Q3,all,1200,12\n")
    # 1,200 / 120 = 10.0 > 3: flagged. underrepresented 12 -> 12: 1.0x, not flagged.
    assert found == [
        (
            2,
            "headcount",
            "1,200",
            "headcount 1,200 is 10.0x the previous return (120 in 2026-Q2); the check flags "
            "changes over 3x. Check the figure: if it is right, load the file anyway.",
        )
    ]


@pytest.mark.parametrize(
    "new,flagged",
    [
        (360, False),  # 360 = 3 x 120: not over 3x
        (361, True),  # 361 / 120 = 3.008: over
        (40, False),  # 40 x 3 = 120: not under a third
        (39, True),  # 39 x 3 = 117 < 120: under a third
        (0, True),  # 0: under a third
    ],
)
def test_the_factor_is_a_strict_bound_both_ways(ref_db, new, flagged):
    load(ref_db, "workforce", WF + "E06000001,2026-Q2,all,120,12\n")
    found = warnings(ref_db, "workforce", WF + f"E06000001,2026-Q3,all,{new},0\n")
    assert [f[1] for f in found if f[1] == "headcount"] == (["headcount"] if flagged else [])


def test_a_fall_says_the_check_works_both_ways(ref_db):
    load(ref_db, "workforce", WF + "E06000001,2026-Q2,all,120,12\n")
    found = warnings(ref_db, "workforce", WF + "E06000001,2026-Q3,all,39,12\n")
    # 39 / 120 = 0.325 -> "0.3x"; a third is 0.33x.
    assert found[0][3] == (
        "headcount 39 is 0.3x the previous return (120 in 2026-Q2); the check flags changes "
        "over 3x, up or down (below 0.33x). Check the figure: if it is right, load the file "
        "anyway."
    )


def test_small_previous_values_are_not_checked(ref_db):
    # headcount minimum 10: 8 -> 80 (10x) is not checked; 10 -> 31 (3.1x) is.
    load(ref_db, "workforce", WF + "E06000001,2026-Q2,all,8,1\nE06000002,2026-Q2,all,10,1\n")
    found = warnings(
        ref_db, "workforce", WF + "E06000001,2026-Q3,all,80,1\nE06000002,2026-Q3,all,31,1\n"
    )
    assert [(f[0], f[1], f[2]) for f in found] == [(3, "headcount", "31")]
    assert "31 is 3.1x the previous return (10 in 2026-Q2)" in found[0][3]


def test_spend_that_drops_to_zero(ref_db):
    load(ref_db, "survey", SV + "E06000001,2026-Q2,50000\n")
    found = warnings(ref_db, "survey", SV + "E06000001,2026-Q3,0\n")
    assert found == [
        (
            2,
            "digital_spend_gbp",
            "0",
            "digital_spend_gbp 0 is 0.0x the previous return (50,000 in 2026-Q2); the check "
            "flags changes over 3x, up or down (below 0.33x). Check the figure: if it is "
            "right, load the file anyway.",
        )
    ]


def test_the_previous_return_is_the_latest_earlier_quarter(ref_db):
    load(ref_db, "workforce", WF + "E06000001,2026-Q1,all,12,1\nE06000001,2026-Q2,all,120,12\n")
    # Against 2026-Q2 (120): 150 is 1.25x, no warning (against 2026-Q1's 12 it would be 12.5x).
    assert warnings(ref_db, "workforce", WF + "E06000001,2026-Q3,all,150,12\n") == []


def test_the_files_own_earlier_quarter_counts_and_replaced_rows_do_not(ref_db):
    load(ref_db, "workforce", WF + "E06000001,2026-Q1,all,100,10\n")
    load(ref_db, "workforce", WF + "E06000001,2026-Q2,all,900,10\n", "g.csv")
    # The file replaces 2026-Q2 (900) with 100 and adds 2026-Q3 at 1,000:
    # 2026-Q2 100 against 2026-Q1 100 = 1.0x; 2026-Q3 1,000 against the file's 100 = 10.0x.
    found = warnings(
        ref_db, "workforce", WF + "E06000001,2026-Q2,all,100,10\nE06000001,2026-Q3,all,1000,10\n"
    )
    assert [(f[0], f[2]) for f in found] == [(3, "1,000")]
    assert "(100 in 2026-Q2)" in found[0][3]


def test_role_families_are_compared_family_by_family(ref_db):
    load(
        ref_db,
        "workforce",
        WF + "E06000001,2026-Q2,data,100,10\nE06000001,2026-Q2,architecture,10,1\n",
    )
    found = warnings(
        ref_db,
        "workforce",
        WF + "E06000001,2026-Q3,data,110,10\nE06000001,2026-Q3,architecture,100,10\n",
    )
    # data 110 / 100 = 1.1x; architecture 100 / 10 = 10.0x; underrepresented 10 / 1:
    # previous 1 is under its minimum of 5.
    assert [(f[0], f[1], f[2]) for f in found] == [(3, "headcount", "100")]


def test_fewer_councils_than_the_quarter_before(ref_db):
    load(
        ref_db,
        "workforce",
        WF + "E06000001,2026-Q2,all,20,2\nE06000002,2026-Q2,all,20,2\nE06000003,2026-Q2,all,20,2\n",
    )
    found = warnings(
        ref_db, "workforce", WF + "E06000001,2026-Q3,all,20,2\nE06000003,2026-Q3,all,20,2\n"
    )
    assert found == [
        (
            None,
            "council_code",
            None,
            "this file has workforce returns from 2 councils for 2026-Q3, fewer than the 3 "
            "with a return for 2026-Q2 (not in this file: Middlesbrough). If the file is one "
            "part of the quarter's returns, that is expected; otherwise check that no council "
            "was left out.",
        )
    ]


def test_fewer_role_families_than_the_councils_previous_return(ref_db):
    load(
        ref_db,
        "workforce",
        WF + "E06000001,2026-Q2,data,20,2\nE06000001,2026-Q2,architecture,20,2\n"
        "E06000001,2026-Q2,cyber_security,20,2\nE06000002,2026-Q2,data,20,2\n"
        "E06000002,2026-Q2,architecture,20,2\n",
    )
    found = warnings(
        ref_db,
        "workforce",
        WF + "E06000001,2026-Q3,data,20,2\nE06000001,2026-Q3,architecture,20,2\n"
        "E06000002,2026-Q3,all,40,4\n",
    )
    assert found == [
        (
            2,
            "role_family",
            None,
            "Hartlepool reports 2 role families for 2026-Q3, fewer than the 3 of its 2026-Q2 "
            "return (not in this file: cyber_security). Check that no row was left out: the "
            "file replaces everything stored for the council and quarter.",
        ),
        (
            4,
            "role_family",
            None,
            "Middlesbrough reports its whole workforce as one row ('all') for 2026-Q3, where "
            "its 2026-Q2 return had a breakdown by 2 role families. Check that no row was "
            "left out: the file replaces everything stored for the council and quarter.",
        ),
    ]


def test_warnings_never_block_the_load(ref_db):
    load(ref_db, "workforce", WF + "E06000001,2026-Q2,all,120,12\n")
    report = load(ref_db, "workforce", WF + "E06000001,2026-Q3,all,1200,12\n", "g.csv")
    assert report.batch_id == 2 and report.rows_added == 1


def test_thresholds_come_from_the_targets_file(ref_db, tmp_path, monkeypatch):
    text = TARGETS.read_text(encoding="utf-8").replace("factor = 3.0", "factor = 2.0")
    assert text != TARGETS.read_text(encoding="utf-8")
    path = tmp_path / "targets.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("TRACKER_TARGETS", str(path))
    load(ref_db, "workforce", WF + "E06000001,2026-Q2,all,120,12\n")
    found = warnings(ref_db, "workforce", WF + "E06000001,2026-Q3,all,250,12\n")
    # 250 / 120 = 2.08 > 2 (and not > 3): flagged only with factor 2.
    assert found[0][3].startswith(
        "headcount 250 is 2.1x the previous return (120 in 2026-Q2); the check flags changes "
        "over 2x."
    )


@pytest.mark.parametrize(
    "table,message",
    [
        ("factor = 1.0", "plausibility.factor: expected a number above 1"),
        ("factor = 'x'", "plausibility.factor: expected a number of at least 1"),
        ("fewer_councils = 1", "plausibility.fewer_councils: expected true or false"),
        ("typo = 1", "plausibility.typo: unknown setting"),
        (
            "[plausibility.workforce]\nname = 3",
            "plausibility.workforce.name: not a number column of the workforce return",
        ),
        (
            "[plausibility.survey]\ndigital_spend_gbp = -1",
            "plausibility.survey.digital_spend_gbp: expected a number of at least 0",
        ),
    ],
)
def test_a_bad_entry_is_named_by_both_readers(table, message):
    text = TARGETS.read_text(encoding="utf-8")
    start = text.index("[plausibility]")
    end = text.index("[[core_standards]]")
    bad = text[:start] + "[plausibility]\n" + table + "\n\n" + text[end:]
    with pytest.raises(mconfig.ConfigError, match=message.replace("(", r"\(")):
        mconfig.loads(bad)
    import tomllib

    with pytest.raises(settings.PlausibilityError, match=message.split(": ")[-1]):
        settings.parse(tomllib.loads(bad)["plausibility"])


def test_without_a_table_the_defaults_apply():
    text = TARGETS.read_text(encoding="utf-8")
    start = text.index("[plausibility]")
    end = text.index("[[core_standards]]")
    cfg = mconfig.loads(text[:start] + text[end:])
    assert cfg.plausibility == settings.DEFAULT


def test_the_checkable_columns_are_the_kinds_numbers():
    for name, columns in settings.CHECKABLE.items():
        numbers = tuple(c.name for c in kinds.KINDS[name].columns if c.type in ("whole", "number"))
        assert columns == numbers, name
