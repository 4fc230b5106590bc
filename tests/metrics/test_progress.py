"""metrics.progress: status bands, projection, direction of travel (pure, no database).

Baseline 2025-Q2, deadline 2030-Q4: D - t0 = 22 quarters. At 2026-Q3, t - t0 = 5.
"""

from __future__ import annotations

import pytest

from metrics import progress as P
from metrics import wording as W

BQ, DL, NOW = "2025-Q2", "2030-Q4", "2026-Q3"


def st(value, baseline=0.0, target=22.0, quarter=NOW, **kw):
    return P.status(
        value, baseline, target, quarter=quarter, baseline_quarter=BQ, deadline=DL, **kw
    )


# b = 0, T = 22 -> E = 22 * 5 / 22 = 5 at 2026-Q3, so R = v / 5.
@pytest.mark.parametrize(
    "value, expected",
    [
        (4.75, "on_track"),  # R = 0.95 exactly: the edge belongs to on_track
        (4.7499, "acceleration_needed"),  # just below 0.95
        (2.5, "acceleration_needed"),  # R = 0.5 exactly
        (2.4999, "limited_progress"),
        (-0.5, "limited_progress"),  # R = -0.1 exactly
        (-0.5001, "deteriorating"),
        (0.0, "limited_progress"),  # no change: R = 0
        (22.0, "achieved"),  # reached the target
        (30.0, "achieved"),
    ],
)
def test_band_edges(value, expected):
    assert st(value).status == expected


def test_expected_and_ratio_numbers():
    # data_exchanges story: b = 1, T = 15, v = 3: E = 14 * 5 / 22 = 3.1818, R = 2 / 3.1818 = 0.6286
    s = st(3, baseline=1, target=15)
    assert s.status == "acceleration_needed"
    assert s.expected_progress == pytest.approx(70 / 22)
    assert s.expected_now == pytest.approx(1 + 70 / 22)
    assert s.ratio == pytest.approx(2 / (70 / 22))


def test_zero_baseline_count():
    # centres: b = 0, T = 5, v = 2: E = 25/22 = 1.136, R = 1.76 -> on track
    s = st(2, baseline=0, target=5)
    assert (s.status, round(s.ratio, 2)) == ("on_track", 1.76)


def test_target_already_achieved_at_baseline_and_still():
    assert st(40, baseline=35, target=33).status == "achieved"


def test_baseline_met_target_then_slipped_is_deteriorating():
    s = st(30, baseline=35, target=33)
    assert s.status == "deteriorating" and s.ratio is None


def test_decreasing_target():
    # b = 50, T = 28 (lower is better): E = -22 * 5 / 22 = -5; v = 45 -> R = -5 / -5 = 1
    s = st(45, baseline=50, target=28, direction="decrease")
    assert (s.status, s.ratio) == ("on_track", pytest.approx(1.0))
    assert st(55, baseline=50, target=28, direction="decrease").status == "deteriorating"
    assert st(27, baseline=50, target=28, direction="decrease").status == "achieved"


def test_not_enough_data_cases():
    assert st(None).status == "not_enough_data"
    assert st(3, baseline=None).status == "not_enough_data"
    assert st(3, quarters_with_data=1).status == "not_enough_data"  # a single quarter of data
    at_base = st(3, quarter=BQ)  # t == t0: E = 0
    assert at_base.status == "not_enough_data" and "baseline quarter" in at_base.reason
    assert st(3, quarter="2025-Q1").status == "not_enough_data"  # before the baseline


def test_achieved_wins_over_a_single_quarter():
    assert st(22, quarters_with_data=1).status == "achieved"


def test_custom_bands():
    # R = 0.8: on track if the config says on_track starts at 0.75
    assert st(4.0, on_track=0.75).status == "on_track"


def test_milestone_status():
    assert P.milestone_status(True) == "achieved"
    assert P.milestone_status(False) == "not_yet"
    assert P.milestone_status(None) == "not_yet"


# ------------------------------------------------------------------ projection


def test_projection_straight_line():
    # 2025-Q2 .. 2026-Q3: 0, 1, 2, 3, 4, 5 (one per quarter). At 2030-Q4 (22 quarters after
    # 2025-Q2) the line gives 22; the target 10 is reached 10 quarters after 2025-Q2 = 2027-Q4.
    series = [
        ("2025-Q2", 0),
        ("2025-Q3", 1),
        ("2025-Q4", 2),
        ("2026-Q1", 3),
        ("2026-Q2", 4),
        ("2026-Q3", 5),
    ]
    p = P.projection(series, DL, target=10)
    assert p.projected_at_deadline == pytest.approx(22)
    assert p.projected_quarter_reached == "2027-Q4"
    assert p.slope == pytest.approx(1.0) and p.points == 6


def test_projection_uses_last_eight_quarters_only():
    # ten quarters: the first two (100, 100) are outliers that the window of 8 drops;
    # the last eight are 0..7 -> slope 1
    series = [("2024-Q3", 100), ("2024-Q4", 100)] + [
        (q, i)
        for i, q in enumerate(
            ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
        )
    ]
    p = P.projection(series, DL, window=8)
    assert p.slope == pytest.approx(1.0) and p.points == 8


def test_projection_leaves_out_quarters_without_data():
    # a source that skips quarters: 2025-Q2 0, 2026-Q2 1, 2026-Q3 2 (x = 0, 4, 5 from
    # 2025-Q2). Least squares: mean x 3, mean y 1; Sxx = 9 + 1 + 4 = 14; Sxy = 3 + 0 + 2 = 5;
    # slope 5/14. 2030-Q4 is x = 22: 1 + 5/14 x 19 = 7.79. Taking the three missing quarters
    # as 0 would give 3/7 + 8/28 x 20 = 6.14 instead.
    series = [("2025-Q2", 0), ("2025-Q3", None), ("2026-Q2", 1), ("2026-Q3", 2)]
    p = P.projection(series, DL, target=10)
    assert p.points == 3 and (p.first, p.last) == ("2025-Q2", "2026-Q3")
    assert p.slope == pytest.approx(5 / 14)
    assert p.projected_at_deadline == pytest.approx(1 + 5 / 14 * 19)
    assert p.value_at("2025-Q2") == pytest.approx(1 - 3 * 5 / 14)


def test_projection_window_is_quarters_not_points():
    # the window counts quarters up to ``until``: the last 3 quarters to 2026-Q3 are
    # 2026-Q1 (no data), 2026-Q2 and 2026-Q3: two points; 2025-Q4 (four quarters back) is
    # left out, where "the last three points" would have taken it in
    series = [("2025-Q3", 50), ("2025-Q4", 50), ("2026-Q1", None), ("2026-Q2", 2), ("2026-Q3", 3)]
    p = P.projection(series, DL, window=3, until="2026-Q3")
    assert p.points == 2 and p.first == "2026-Q2" and p.slope == pytest.approx(1)
    # until a later quarter without data: the window ends there, not at the last point
    q = P.projection(series, DL, window=3, until="2026-Q4")
    assert q.points == 2 and q.first == "2026-Q2"
    assert P.projection(series, DL, window=3, until="2027-Q1").points == 1


def test_projection_stays_within_bounds():
    # a share rising 10 points a quarter from 60%: 100% at most
    share = P.projection([("2026-Q2", 60), ("2026-Q3", 70)], DL, bounds=(0, 100))
    assert share.projected_at_deadline == 100
    # a count capped by the vision (five centres): 1, 2 -> 19 by the line, 5 projected;
    # the target 5 is still reached when the line gets there (2026-Q4 + 2 = 2027-Q2)
    centres = P.projection([("2026-Q2", 1), ("2026-Q3", 2)], DL, target=5, bounds=(0, 5))
    assert centres.projected_at_deadline == 5
    assert centres.projected_quarter_reached == "2027-Q2"
    # a score on its 1 to 5 scale falling 0.5 a quarter
    score = P.projection([("2026-Q2", 3.0), ("2026-Q3", 2.5)], DL, bounds=(1, 5))
    assert score.projected_at_deadline == 1


def test_projection_single_quarter_and_flat_and_worsening():
    assert P.projection([("2026-Q3", 3)], DL, target=10) == P.Projection(points=1)
    flat = P.projection([("2026-Q1", 3), ("2026-Q2", 3), ("2026-Q3", 3)], DL, target=10)
    assert flat.projected_at_deadline == pytest.approx(3) and flat.projected_quarter_reached is None
    worse = P.projection(
        [("2026-Q1", 5), ("2026-Q2", 4), ("2026-Q3", 3)], DL, target=10, bounds=(0, None)
    )
    # slope -1 per quarter; 2030-Q4 is 17 quarters after 2026-Q3: 3 - 17 < 0 -> clipped at 0
    assert worse.projected_at_deadline == 0 and worse.projected_quarter_reached is None


def test_projection_already_achieved_and_no_target():
    done = P.projection([("2026-Q2", 9), ("2026-Q3", 12)], DL, target=10)
    assert done.projected_quarter_reached is None  # already there
    tracked = P.projection([("2026-Q2", 1), ("2026-Q3", 2)], DL)
    assert (
        tracked.projected_quarter_reached is None
        and tracked.projected_at_deadline == pytest.approx(19)
    )


def test_projection_reached_next_quarter_at_least():
    # the fitted line crosses 10 at 2026-Q3 already but the latest value (9.5) has not: next quarter
    p = P.projection([("2026-Q1", 9), ("2026-Q2", 11), ("2026-Q3", 9.5)], DL, target=10)
    assert p.projected_quarter_reached == "2026-Q4"


# ------------------------------------------------------------------ direction of travel


def test_direction_over_last_four_quarters():
    # window 2025-Q4..2026-Q3: from 40 (2025-Q4) to 42.5 -> +2.5 > tolerance 1 -> improving;
    # the 2025-Q2 value 10 lies outside the window and is ignored
    s = [("2025-Q2", 10), ("2025-Q4", 40), ("2026-Q2", 41), ("2026-Q3", 42.5)]
    assert P.direction(s, tolerance=1.0) == ("improving", pytest.approx(2.5), "2025-Q4")
    assert P.direction(s, tolerance=1.0, better="decrease")[0] == "worsening"
    assert P.direction([("2026-Q2", 40), ("2026-Q3", 40.9)], tolerance=1.0)[0] == "stable"
    assert (
        P.direction([("2026-Q2", 40), ("2026-Q3", 39)], tolerance=1.0)[0] == "stable"
    )  # edge: |-1| <= 1
    assert P.direction([("2026-Q2", 40), ("2026-Q3", 38.9)], tolerance=1.0)[0] == "worsening"
    assert P.direction([("2026-Q3", 40)], tolerance=1.0) == (None, None, None)
    assert P.direction([("2025-Q1", 1), ("2026-Q3", 40)], tolerance=1.0) == (None, None, None)


# ------------------------------------------------------------------ words and explanations


def test_labels_are_words_and_text_glyphs():
    # glyphs in DejaVu Sans / Liberation with no emoji presentation (no emoji font needed)
    safe = set("★✓▲■▼?○–·↑→↓")
    for status, (words, glyph) in {**P.STATUS_LABELS, **P.DIRECTION_LABELS}.items():
        assert words and glyph
        assert set(glyph) <= safe, f"{status}: {glyph!r} may need an emoji font"
    assert P.label("acceleration_needed") == "▲ Acceleration needed"


def test_explain_on_track_sentence_has_the_numbers():
    row = dict(
        id="data_exchanges",
        unit="count",
        status="acceleration_needed",
        value=3.0,
        baseline=1.0,
        target=15.0,
        quarter=NOW,
        baseline_quarter=BQ,
        deadline=DL,
        expected_now=1 + 70 / 22,
        ratio=2 / (70 / 22),
    )
    # a count: whole numbers, the expected count to one decimal, the pace in plain words
    assert W.explain(row) == (
        "We have 3 of the 4.2 expected by 2026-Q3 on the straight path from 1 in 2025-Q2 to "
        "15 by 2030-Q4: 63% of the pace needed: acceleration needed."
    )
    # ahead of the straight path: "ahead of", not "2 of the 1.1 expected"
    ahead = dict(row, status="on_track", value=2.0, baseline=0.0, target=5.0)
    ahead.update(expected_now=5 * 5 / 22, ratio=2 / (5 * 5 / 22))
    assert W.explain(ahead) == (
        "We have 2, ahead of the 1.1 expected by 2026-Q3 on the straight path from 0 in "
        "2025-Q2 to 5 by 2030-Q4: 176% of the pace needed: on track."
    )
    # moving away from the target: said in points, not as a negative share of the pace
    rate = dict(
        row,
        unit="percent",
        status="deteriorating",
        value=22.0,
        baseline=24.0,
        target=33.0,
        expected_now=26.0,
        ratio=-2 / 2.045,
    )
    assert W.explain(rate) == (
        "We have 22.0% against the 26.0% expected by 2026-Q3 on the straight path from 24.0% "
        "in 2025-Q2 to 33% by 2030-Q4: down 2.0 points since 2025-Q2, away from the target: "
        "deteriorating."
    )
    # a relative change is written as one
    uplift = dict(
        rate,
        id="underrepresented_uplift",
        method="workforce_uplift",
        status="on_track",
        value=6.0,
        baseline=0.0,
        target=20.0,
        expected_now=20 * 5 / 22,
        ratio=6 / (20 * 5 / 22),
    )
    assert W.explain(uplift) == (
        "The share is up 6.0% on the baseline (2025-Q2), against up 4.5% expected by 2026-Q3 "
        "on the straight path to up 20% by 2030-Q4: 132% of the pace needed: on track."
    )


def test_explain_other_statuses():
    base = dict(unit="percent", quarter=NOW, baseline_quarter=BQ, deadline=DL)
    assert (
        W.explain({**base, "status": "achieved", "value": 35.0, "target": 33.0})
        == "Target of 33% reached: 35.0% in 2026-Q3."
    )
    assert (
        W.explain(
            {
                **base,
                "status": "tracked",
                "value": 28.0,
                "direction": "improving",
                "direction_change": 16.9,
                "direction_from": "2025-Q4",
            }
        )
        == "No target: tracked; improving (+16.9 points since 2025-Q4): 28.0% in 2026-Q3."
    )
    # stable says within what: points for a rate, never "within 1.0%"
    stable = {
        **base,
        "status": "tracked",
        "value": 17.9,
        "direction": "stable",
        "direction_change": -0.1,
        "direction_from": "2025-Q4",
        "direction_tolerance": 1.0,
    }
    assert W.explain(stable) == (
        "No target: tracked; stable (-0.1 points since 2025-Q4, within 1.0 points): "
        "17.9% in 2026-Q3."
    )
    assert (
        W.explain({**base, "unit": "milestone", "status": "not_yet"})
        == "Not yet achieved as of 2026-Q3."
    )
    assert "baseline quarter" in W.explain(
        {
            **base,
            "status": "not_enough_data",
            "status_reason": "this is the baseline quarter: no progress is expected yet",
        }
    )


def test_format_value():
    assert P.format_value(26.0, "percent") == "26.0%"
    assert P.format_value(3.0, "count") == "3"
    assert P.format_value(2.5, "score") == "2.50"
    assert P.format_value(None, "count") == "no data"
    assert P.format_value(1.0, "milestone") == "achieved"
