"""Theme page against pages_small (tests/factory.py); figures worked out by hand.

Time: baseline 2025-Q2, deadline 2030-Q4: 22 quarters; 2026-Q3 is 5 quarters in.
"""

from __future__ import annotations

from tests.pages.helpers import chart, has_text, trace

THEME = "pages/theme.py"


def open_tables(at, *measure_ids, breakdown=True, trend=True):
    """Switch the tabs of these measures to their table view (tabs that rerun draw only
    the open tab) and rerun."""
    for mid in measure_ids:
        if trend:
            at.session_state[f"trend-view-{mid}"] = "Table"
        if breakdown:
            at.session_state[f"breakdown-view-{mid}"] = "Table"
    return at.run()


def test_trajectory_has_every_part_named_and_the_right_numbers(app_at, make_db):
    at = app_at(make_db("pages_small"), THEME, theme="leadership")
    assert not at.exception
    assert at.title[0].value == "Organisational & political leadership"
    fig = chart(at, "trend-digital_ceos")
    names = [t["name"] for t in fig["data"]]
    assert names == [
        "Straight path to the target",
        "Actual",
        "Projection: 7.8 by 2030-Q4",
        "Baseline 2025-Q2: 0",
        "Target 2030-Q4: 10",
    ]
    path = trace(fig, "Straight path")
    assert (path["x"], path["y"], path["line"]["dash"]) == (["2025-Q2", "2030-Q4"], [0, 10], "dash")
    actual = trace(fig, "Actual")
    # survey returns in 2025-Q2, 2026-Q2 and 2026-Q3 only: the quarters between are gaps
    # (2025-Q1 holds only a placement: another kind's data, so it is not on the line)
    assert actual["x"] == ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert actual["y"] == [0, None, None, None, 1, 2]
    # least squares through the three real points (x = 0, 4, 5 from 2025-Q2; y = 0, 1, 2):
    # slope 5/14, mean (3, 1); 2030-Q4 is x = 22: 1 + 5/14 x 19 = 7.79 (zeros for the
    # missing quarters would have made it 6.14). The line drawn is that fitted line, from
    # the first quarter fitted (1 - 3 x 5/14 = -0.07 in 2025-Q2, drawn at 0: a count is
    # never below 0) to the deadline.
    projection = trace(fig, "Projection")
    assert projection["line"]["dash"] == "dot"
    assert projection["x"] == ["2025-Q2", "2030-Q4"]
    assert projection["y"][0] == 0 and round(projection["y"][1], 2) == 7.79
    assert trace(fig, "Target")["marker"]["symbol"] == "star"
    assert trace(fig, "Baseline")["marker"]["symbol"] == "diamond"
    assert fig["layout"]["yaxis"]["title"]["text"] == "count"
    assert fig["layout"]["yaxis"]["range"][0] == 0  # a count from zero
    assert fig["layout"]["xaxis"]["ticktext"] == ["2026", "2027", "2028", "2029", "2030"]
    assert has_text(at, "At the pace of the 3 quarters with data from 2025-Q2 to 2026-Q3: 7.8 by")


def test_status_sentence_with_its_numbers(app_at, make_db):
    at = app_at(make_db("pages_small"), THEME, theme="leadership")
    # E = 10 x 5 / 22 = 2.27; R = 2 / 2.27 = 88%
    assert has_text(
        at,
        "We have 2 of the 2.3 expected by 2026-Q3 on the straight path from 0 in 2025-Q2 to "
        "10 by 2030-Q4: 88% of the pace needed: acceleration needed.",
    )


def test_breakdown_sorted_with_target_line(app_at, make_db):
    at = app_at(make_db("pages_small"), THEME, theme="procurement", level="council_type")
    fig = chart(at, "breakdown-sme_spend_share")
    bars = fig["data"][0]
    # unitary (40k + 30k) / 200k = 35.0%, city corporation 20.0%, district 10.0%;
    # plotly draws the first bar at the bottom, so ascending = largest on top
    assert bars["y"] == ["district", "city corporation", "unitary"]
    assert bars["x"] == [10, 20, 35]
    line = fig["layout"]["shapes"][0]
    assert (line["x0"], line["line"]["dash"]) == (33, "dash")  # the national 33% target
    open_tables(at, "sme_spend_share", trend=False)
    assert not [c for c in at.get("plotly_chart") if c.key == "breakdown-sme_spend_share"]
    table = at.dataframe[0].value
    assert list(table["group"]) == ["unitary", "city corporation", "district"]
    assert list(table["value (%)"]) == [35.0, 20.0, 10.0]


def test_count_breakdown_has_no_group_target(app_at, make_db):
    at = app_at(make_db("pages_small"), THEME, theme="leadership", level="region")
    fig = chart(at, "breakdown-digital_ceos")
    # North East: Hartlepool yes (Middlesbrough no) = 1; London: City of London = 1; South East 0
    assert dict(zip(fig["data"][0]["y"], fig["data"][0]["x"])) == {
        "South East": 0,
        "London": 1,
        "North East": 1,
    }
    assert not fig["layout"].get("shapes")
    open_tables(at, "digital_ceos", trend=False)
    table = at.dataframe[0].value
    assert list(table["status"]) == ["No target for this group"] * 3
    assert list(table["value (count)"]) == [1, 1, 0]


def test_every_chart_has_a_table_and_downloads(app_at, make_db):
    at = app_at(make_db("pages_small"), THEME, theme="procurement", level="region")
    ids = ["sme_spend_share", "outcome_based_contracts", "collective_buying"]
    assert sorted(e.key for e in at.get("plotly_chart")) == sorted(
        [f"trend-{i}" for i in ids] + [f"breakdown-{i}" for i in ids]
    )
    assert not at.dataframe and not at.get("download_button")  # tables wait for their tab
    open_tables(at, *ids)
    assert not at.get("plotly_chart")
    assert len(at.dataframe) == 6  # 3 measures x (trajectory + breakdown)
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("CSV") == labels.count("Excel") == 6
    trend = at.dataframe[0].value  # the trajectory table is the chart's points
    assert list(trend.columns) == ["series", "quarter or group", "value (%)", "note"]
    actual = trend[trend["series"] == "Actual"]
    # sme: 2025-Q2 20%; no survey return from 2025-Q3 to 2026-Q1 ("not reported", never
    # 0 or a copy of 2025-Q2); 2026-Q2 22.5%; 2026-Q3 25%
    assert list(actual["value (%)"])[-2:] == [22.5, 25.0]
    assert list(actual["note"]) == ["", "not reported", "not reported", "not reported", "", ""]


def test_selector_and_level_change_what_is_shown(app_at, make_db):
    at = app_at(make_db("pages_small"), THEME)
    assert at.title[0].value == "Infrastructure, learning & collaboration"
    assert not [e for e in at.get("plotly_chart") if e.key.startswith("breakdown-")]
    assert has_text(at, "centre_of_service_innovation") is False
    at.selectbox(key="theme").set_value("standards").run()
    assert at.title[0].value == "Standards"
    assert at.query_params["theme"] == "standards"
    assert [e.key for e in at.get("plotly_chart")] == [
        "trend-standards_adoption",
        "trend-audit_regime",
    ]
    at.sidebar.selectbox(key="level").set_value("region").run()
    fig = chart(at, "breakdown-standards_adoption")
    # North East: Hartlepool adopts all of 2 councils = 50%; London 0 of 1; South East 0 of 1
    assert dict(zip(fig["data"][0]["y"], fig["data"][0]["x"])) == {
        "London": 0,
        "South East": 0,
        "North East": 50,
    }


def test_milestone_is_a_step_chart(app_at, make_db):
    at = app_at(make_db("pages_small"), THEME, theme="infrastructure", quarter="2026-Q3")
    fig = chart(at, "trend-coordinating_institute")
    assert fig["data"][0]["line"]["shape"] == "hv"
    assert set(fig["data"][0]["y"]) == {0}
    assert has_text(at, "Not yet achieved as of 2026-Q3.")


def test_breakdown_says_what_its_target_mark_means(app_at, make_db):
    at = app_at(make_db("pages_small"), THEME, theme="leadership", level="region")
    assert has_text(
        at,
        "No target for a single group: the national target (10 by 2030-Q4) is not "
        "split between groups of this level (region).",
    )
    at.selectbox(key="theme").set_value("procurement").run()
    assert has_text(
        at, "The dashed line is the national target (33% by 2030-Q4); it applies to every group."
    )
