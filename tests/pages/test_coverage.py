"""Data coverage page through dashboard.py (AppTest) on the places_small variant.

Quarter shown 2026-Q3. Survey returns that quarter: Hartlepool, City of London, East
Hampshire = 3 of 7; workforce: Hartlepool, City of London = 2 of 7.
"""

from __future__ import annotations

import pytest

from tests.pages.helpers import figures_of, open_dashboard
from tests.pages.test_council import table_with


@pytest.fixture
def db(make_db):
    return make_db("places_small")


def test_survey_coverage_heatmap_missing_and_stale(db, monkeypatch):
    at = open_dashboard(db, "pages/coverage.py", monkeypatch)
    assert [m.value for m in at.metric] == ["3 of 7 (43%)", "2 of 7 (29%)"]
    figs = figures_of(at)
    trend = figs[0]
    assert [t["name"] for t in trend["data"]] == ["Survey return", "Workforce return"]
    assert trend["data"][0]["y"][-1] == pytest.approx(300 / 7)
    heat = figs[1]["data"][0]
    assert heat["type"] == "heatmap"
    assert heat["y"] == ["London", "North East", "South East"]
    # North East survey: 3 of 3 in 2025-Q2, 1 of 3 in 2026-Q3; the numbers are written in the cells
    assert heat["text"][1][0] == "100%" and heat["text"][1][-1] == "33%"
    assert heat["texttemplate"] == "%{text}"
    regions = table_with(at, "region").set_index(["region", "quarter"])
    assert regions.loc[("North East", "2026-Q3"), "reporting"] == 1
    assert regions.loc[("North East", "2026-Q3"), "total"] == 3
    missing = table_with(at, "latest_return")
    assert set(missing["council"]) == {
        "Middlesbrough",
        "Newcastle upon Tyne",
        "Barking and Dagenham",
        "Hampshire",
    }
    stale = table_with(at, "state")
    assert list(stale["state"]) == [
        "carried forward",
        "carried forward",
        "too old: not counted",
        "never reported",
    ]
    dl = at.get("download_button")
    assert len(dl) == 1


def test_switching_to_workforce(db, monkeypatch):
    at = open_dashboard(db, "pages/coverage.py", monkeypatch)
    at.radio(key="coverage_kind").set_value("workforce").run()
    assert not at.exception
    assert at.query_params["kind"] == "workforce"
    heat = figures_of(at)[1]["data"][0]
    # London workforce 2026-Q3: City of London, 1 of 2
    assert heat["text"][0][-1] == "50%"
    missing = table_with(at, "latest_return")
    assert len(missing) == 5  # 7 councils, 2 reported
    assert "Hartlepool" not in set(missing["council"])


def test_kind_from_url_and_earlier_quarter(db, monkeypatch):
    at = open_dashboard(db, "pages/coverage.py", monkeypatch, kind="workforce", quarter="2025-Q2")
    # workforce 2025-Q2: Hartlepool only = 1 of 7; survey: 3 of 7
    assert [m.value for m in at.metric] == ["3 of 7 (43%)", "1 of 7 (14%)"]
    assert at.radio(key="coverage_kind").value == "workforce"


def test_no_returns_yet(make_db, monkeypatch):
    at = open_dashboard(make_db("reference"), "pages/coverage.py", monkeypatch)
    assert any("No returns have been loaded yet" in i.value for i in at.info)
