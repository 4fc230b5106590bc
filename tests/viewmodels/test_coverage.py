"""viewmodels.coverage on places_small: who reported in 2026-Q3 (by hand).

Survey 2026-Q3: Hartlepool, City of London, East Hampshire = 3 of 7; workforce:
Hartlepool, City of London = 2 of 7. Staleness window: 4 quarters.
"""

from __future__ import annotations

import pytest

from viewmodels import coverage


@pytest.fixture
def con(connected):
    return connected("places_small")


def test_reporting_now_and_trend(con):
    charts = coverage.charts(con, "2026-Q3")
    assert [(r.kind, r.label, r.text) for r in charts.now] == [
        ("survey", "Survey returns for 2026-Q3", "3 of 7 (43%)"),
        ("workforce", "Workforce returns for 2026-Q3", "2 of 7 (29%)"),
    ]
    assert [t.name for t in charts.trend.data] == ["Survey return", "Workforce return"]
    assert charts.trend.data[0].y[-1] == pytest.approx(300 / 7)
    assert charts.staleness_quarters == 4
    assert set(charts.table["kind"]) == {"survey", "workforce"}


def test_survey_missing_and_carried_forward(con):
    shown = coverage.kind(con, "survey", "2026-Q3")
    assert shown.missing_count == 4
    assert set(shown.missing["council"]) == {
        "Middlesbrough",
        "Newcastle upon Tyne",
        "Barking and Dagenham",
        "Hampshire",
    }
    assert shown.missing_csv.startswith("\ufeff".encode()) and b"Middlesbrough" in shown.missing_csv
    # Hampshire 2026-Q2 (1 quarter old), Middlesbrough 2026-Q1 (2): carried forward;
    # Newcastle 2025-Q2 (5 quarters): too old; Barking and Dagenham: never
    assert shown.stale_count == 4
    assert list(shown.stale["state"]) == [
        "carried forward",
        "carried forward",
        "too old: not counted",
        "never reported",
    ]
    assert list(shown.stale["council"][:2]) == ["Hampshire", "Middlesbrough"]
    assert list(shown.heatmap.data[0].y) == ["London", "North East", "South East"]
    by_region = shown.by_region.set_index(["region", "quarter"])
    assert by_region.loc[("North East", "2026-Q3"), "reporting"] == 1
    assert by_region.loc[("North East", "2026-Q3"), "total"] == 3


def test_workforce_missing(con):
    shown = coverage.kind(con, "workforce", "2026-Q3")
    assert shown.missing_count == 5  # 7 councils, 2 reported
    assert "Hartlepool" not in set(shown.missing["council"])


def test_missing_csv_only_when_something_is_missing(connected):
    shown = coverage.kind(connected("reference"), "survey", "2026-Q3")
    assert shown.missing_count == 317 and shown.missing_csv is not None
    empty = coverage.kind(connected("empty"), "survey", "2026-Q3")
    assert empty.missing_count == 0 and empty.missing_csv is None and empty.heatmap is None
    assert empty.by_region is None


def test_missing_returns_show_no_none(con):
    """A council that never sent the return: 'never reported', not None (issue 14)."""
    for kind in ("survey", "workforce"):
        shown = coverage.kind(con, kind, "2026-Q3")
        for table in (shown.missing, shown.stale):
            cells = [str(v) for v in table.astype(object).values.ravel()]
            assert "None" not in cells and "nan" not in cells and "<NA>" not in cells, table
    shown = coverage.kind(con, "survey", "2026-Q3")
    never = shown.missing.set_index("council").loc["Barking and Dagenham"]
    assert never["latest_return"] == coverage.NEVER
    stale = shown.stale.set_index("council")
    assert stale.loc["Barking and Dagenham", "quarters_old"] == coverage.NEVER
    assert stale.loc["Hampshire", "quarters_old"] == "1"
    assert b"None" not in shown.missing_csv
