"""Council profile page through dashboard.py (AppTest) on the places_small variant."""
from __future__ import annotations

import pytest

from tests.pages.test_places import figures_of, run_page


def table_with(at, column: str):
    """The first dataframe on the page that has ``column`` (AppTest keeps no keys for them)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture
def db(make_db):
    return make_db("places_small")


def test_no_council_chosen_invites_a_search(db, monkeypatch):
    at = run_page(db, "pages/council.py", monkeypatch)
    assert any("Choose one of the 7 councils" in i.value for i in at.info)
    assert at.selectbox(key="council").value is None
    assert not at.get("plotly_chart")


def test_profile_of_hartlepool(db, monkeypatch):
    at = run_page(db, "pages/council.py", monkeypatch, council="E06000001")
    assert at.subheader[0].value == "Hartlepool"
    figs = figures_of(at)
    assert len(figs) == 4
    dm = figs[0]
    assert [t["name"] for t in dm["data"]] == ["Hartlepool", "North East (region)", "All unitary councils", "England"]
    assert dm["data"][0]["y"] == [2.0, 4.0]                       # its own returns, 2025-Q2 and 2026-Q3
    assert dm["data"][2]["y"][0] == 2.5                           # unitaries 2025-Q2: (2 + 3) / 2
    assert len({t["line"]["dash"] for t in dm["data"]}) == 4      # told apart without colour
    wf = figs[3]
    assert wf["data"][0]["y"] == [None, 40.0]                     # 2025-Q2 rests on 4 people: not drawn
    tables = {tuple(d.value.columns): d.value for d in at.dataframe}
    wf_table = [v for k, v in tables.items() if "Hartlepool" in k and "<5" in v.values][0]
    assert wf_table.set_index("Quarter").loc["2025-Q2", "Hartlepool"] == "<5"
    standards = table_with(at, "standard")
    assert len(standards) == 7 and set(standards["status"]) == {"adopted"}
    missing = table_with(at, "kind")
    # survey missing 2025-Q3..2026-Q2 (4 quarters), workforce likewise (4)
    assert list(missing["quarter"][missing["kind"] == "survey"]) == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    assert len(missing) == 8


def test_choosing_another_council_updates_the_url(db, monkeypatch):
    at = run_page(db, "pages/council.py", monkeypatch, council="E06000001")
    at.selectbox(key="council").set_value("E06000002").run()
    assert not at.exception
    assert at.query_params["council"] == "E06000002"
    standards = table_with(at, "standard").set_index("standard")
    assert standards.loc["Service Standard for local services", "status"] == "audited"
    assert standards.loc["Service Standard for local services", "quarter"] == "2026-Q1"
    assert standards.loc["Open Referral UK", "status"] == "not reported"


def test_council_that_never_reported(db, monkeypatch):
    at = run_page(db, "pages/council.py", monkeypatch, council="E09000002")
    captions = " ".join(c.value for c in at.caption)
    assert "Barking and Dagenham has not reported this up to 2026-Q3" in captions
    assert len(table_with(at, "kind")) == 12   # 6 quarters x 2 kinds


def test_unknown_council_in_url_is_ignored(db, monkeypatch):
    at = run_page(db, "pages/council.py", monkeypatch, council="E99999999")
    assert at.selectbox(key="council").value is None
