"""The "<5" rule for workforce figures (metrics/disclosure.py)."""

import math

import pandas as pd
import pytest

from metrics import export
from metrics.disclosure import SUPPRESSED, disclose, disclose_frame


@pytest.mark.parametrize(
    "value, expected",
    [
        (0, SUPPRESSED),
        (1, SUPPRESSED),
        (4, SUPPRESSED),
        (4.0, SUPPRESSED),
        (5, 5),
        (12, 12),
        (None, None),
    ],
)
def test_a_count_below_five_is_suppressed(value, expected):
    assert disclose(value) == expected


def test_nan_count_stays_blank():
    assert math.isnan(disclose(float("nan")))


def test_a_share_rests_on_numerator_and_denominator():
    # 2 of 10 people = 20%: the numerator 2 is below five.
    assert disclose(20.0, rests_on=(2, 10)) == SUPPRESSED
    # 4 of 4 = 100%: the denominator is below five.
    assert disclose(100.0, rests_on=(4, 4)) == SUPPRESSED
    # 5 of 20 = 25%: both are five or more.
    assert disclose(25.0, rests_on=(5, 20)) == 25.0


def test_frame_counts_and_shares():
    df = pd.DataFrame(
        {
            "council": ["A", "B", "C"],
            "headcount": [20, 4, 50],
            "women": [3, 2, 25],
            "share_women": [15.0, 50.0, 50.0],  # 3/20, 2/4, 25/50
        }
    )
    out = disclose_frame(
        df, counts=["headcount", "women"], shares={"share_women": ["women", "headcount"]}
    )
    assert out["headcount"].tolist() == [20, SUPPRESSED, 50]
    assert out["women"].tolist() == [SUPPRESSED, SUPPRESSED, 25]
    # A: women 3 < 5; B: both < 5; C: 25 of 50 shown.
    assert out["share_women"].tolist() == [SUPPRESSED, SUPPRESSED, 50.0]
    assert out["council"].tolist() == ["A", "B", "C"]
    # The input is not changed.
    assert df["headcount"].tolist() == [20, 4, 50]


def test_frame_untouched_columns_keep_their_type():
    df = pd.DataFrame({"headcount": [10, 20]})
    out = disclose_frame(df, counts=["headcount"])
    assert out["headcount"].dtype == df["headcount"].dtype


def test_frame_unknown_column_is_named():
    with pytest.raises(KeyError, match="headcont"):
        disclose_frame(pd.DataFrame({"headcount": [1]}), counts=["headcont"])


def test_download_of_suppressed_table_keeps_the_marker():
    df = disclose_frame(pd.DataFrame({"c": ["=HYPERLINK(1)"], "women": [2]}), counts=["women"])
    text = export.to_csv_bytes(df).decode("utf-8-sig")
    assert text.splitlines() == ["c,women", "'=HYPERLINK(1),<5"]
