"""Council profile page through dashboard.py (AppTest) on the places_small variant."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from tests.pages.helpers import figures_of, open_dashboard


def table_with(at, column: str):
    """The first dataframe on the page that has ``column`` (AppTest keeps no keys for them)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def parse_markdown_table(text: str) -> pd.DataFrame | None:
    """A markdown table (viewmodels.text.markdown_table) back as a frame of its cell texts
    as a reader sees them (backslash escapes removed); None when ``text`` is not one table.
    The page puts each table in a box that scrolls sideways (a <div> around it)."""
    text = re.sub(r"^<div [^>]*>\n\n(.*)\n\n</div>$", r"\1", text.strip(), flags=re.S)
    lines = text.strip().split("\n")
    if len(lines) < 2 or not re.fullmatch(r"\|(---\|)+", lines[1]):
        return None

    def split(line):
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        return [html.unescape(re.sub(r"\\(.)", r"\1", c.strip())) for c in cells]

    return pd.DataFrame([split(line) for line in lines[2:]], columns=split(lines[0]))


def markdown_tables(at) -> list[pd.DataFrame]:
    """Every markdown table on the page (expanders included, open or not), in page order."""
    return [t for t in (parse_markdown_table(m.value) for m in at.markdown) if t is not None]


def markdown_table_with(at, column: str) -> pd.DataFrame:
    return next(t for t in markdown_tables(at) if column in t.columns)


@pytest.fixture
def db(make_db):
    return make_db("places_small")


def test_no_council_chosen_invites_a_search(db, monkeypatch):
    at = open_dashboard(db, "pages/council.py", monkeypatch)
    assert any("Choose one of the 7 councils" in i.value for i in at.info)
    assert at.selectbox(key="council").value is None
    assert not at.get("plotly_chart")


def test_profile_of_hartlepool(db, monkeypatch):
    at = open_dashboard(db, "pages/council.py", monkeypatch, council="E06000001")
    assert at.header[0].value == "Hartlepool"
    figs = figures_of(at)
    assert len(figs) == 4
    dm = figs[0]
    assert [t["name"] for t in dm["data"]] == [
        "Hartlepool",
        "1 unitary council like it",
        "North East (region)",
        "England",
    ]
    assert any("nearest in population" in c.value for c in at.caption)
    # its own returns, 2025-Q2 and 2026-Q3; no return in between: gaps, never 0
    assert dm["data"][0]["y"] == [2.0, None, None, None, None, 4.0]
    assert dm["data"][1]["y"][0] == 3.0  # Middlesbrough, the unitary council like it
    assert len({t["line"]["dash"] for t in dm["data"]}) == 4  # told apart without colour
    wf = figs[3]
    # 2025-Q2 rests on 4 people (and England's on 8 of 80 with Hartlepool's 4): not drawn,
    # so the chart starts at 2026-Q3; the table says "<5"
    assert (wf["data"][0]["x"], wf["data"][0]["y"]) == (["2026-Q3"], [40.0])
    # each chart's numbers: a markdown table in its (closed) "Numbers" expander, in a box
    # the keyboard can scroll sideways
    assert [e.label for e in at.expander] == ["Numbers"] * 4
    tables = {tuple(t.columns): t for t in markdown_tables(at)}
    wf_table = [v for k, v in tables.items() if "Hartlepool" in k and "<5" in v.values][0]
    assert wf_table.set_index("Quarter").loc["2025-Q2", "Hartlepool"] == "<5"
    dm_table = markdown_tables(at)[0].set_index("Quarter")
    # the data maturity chart's points: Hartlepool 2 (2025-Q2) and 4 (2026-Q3); Middlesbrough
    # 3 in 2025-Q2 and 2026-Q1, when Hartlepool sent nothing ("not reported", not 0)
    assert dm_table.loc["2026-Q3", "Hartlepool"] == "4.00"
    assert dm_table.loc["2025-Q2", "1 unitary council like it"] == "3.00"
    assert dm_table.loc["2026-Q1", "Hartlepool"] == "not reported"
    standards = markdown_table_with(at, "Core standard")
    assert len(standards) == 7 and set(standards["Status"]) == {"adopted"}
    missing = markdown_table_with(at, "Return")
    # survey missing 2025-Q3..2026-Q2 (4 quarters), workforce likewise (4)
    assert list(missing["Quarter"][missing["Return"] == "survey"]) == [
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
    ]
    assert len(missing) == 8
    assert not at.dataframe  # small tables: no dataframe to serialise per rerun


def test_choosing_another_council_updates_the_url(db, monkeypatch):
    at = open_dashboard(db, "pages/council.py", monkeypatch, council="E06000001")
    at.selectbox(key="council").set_value("E06000002").run()
    assert not at.exception
    assert at.query_params["council"] == "E06000002"
    standards = markdown_table_with(at, "Core standard").set_index("Core standard")
    assert standards.loc["Service Standard for local services", "Status"] == "audited"
    assert standards.loc["Service Standard for local services", "Reported in"] == "2026-Q1"
    assert standards.loc["Open Referral UK", "Status"] == "not reported"


def test_council_that_never_reported(db, monkeypatch):
    at = open_dashboard(db, "pages/council.py", monkeypatch, council="E09000002")
    captions = " ".join(c.value for c in at.caption)
    assert "Barking and Dagenham has not reported this up to 2026-Q3" in captions
    assert len(markdown_table_with(at, "Return")) == 12  # 6 quarters x 2 kinds


def test_unknown_council_in_url_is_said_not_ignored(db, monkeypatch):
    at = open_dashboard(db, "pages/council.py", monkeypatch, council="E99999999")
    assert at.selectbox(key="council").value is None
    assert any(
        "The link asks for council “E99999999”, which is not a council in scope" in w.value
        for w in at.warning
    )
