"""metrics.places, metrics.council and metrics.coverage on the places_small variant (tests/factory.py has the data table).

The quarter shown is 2026-Q3; the staleness window is 4 quarters, so a value from 2025-Q3
or later is carried forward and 2025-Q2 (5 quarters old) is not.
"""

from __future__ import annotations

import math

import pytest

from metrics import council as mcouncil
from metrics import coverage as mcoverage
from metrics import places as mplaces
from store.db import connect

Q = "2026-Q3"


@pytest.fixture
def con(make_db):
    with connect(make_db("places_small")) as c:
        yield c


def _by(df, key, col="name"):
    return {
        k: v for k, v in zip(df[col], df["value"]) if not (isinstance(v, float) and math.isnan(v))
    }


def test_council_values_data_maturity_carries_latest_within_window(con):
    df = mplaces.council_values(con, "data_maturity", Q)
    # Hartlepool 4 (2026-Q3), Middlesbrough 3 (2026-Q1, 2 old), Hampshire 4 (2026-Q2),
    # East Hampshire 2, City of London 1; Newcastle's 2025-Q2 is 5 quarters old: no value;
    # Barking never reported.
    assert _by(df, "name") == {
        "Hartlepool": 4.0,
        "Middlesbrough": 3.0,
        "Hampshire": 4.0,
        "East Hampshire": 2.0,
        "City of London": 1.0,
    }
    row = df.set_index("name").loc["Middlesbrough"]
    assert (
        row["quarter"] == "2026-Q1" and row["display"] == "3.00"
    )  # scores: two decimals, as on the overview
    assert df.set_index("name").loc["Newcastle upon Tyne", "display"] == "no data"
    # at 2025-Q2 Newcastle's own value counts
    assert (
        _by(mplaces.council_values(con, "data_maturity", "2025-Q2"), "name")["Newcastle upon Tyne"]
        == 5.0
    )


def test_council_values_ratio_and_standards(con):
    sme = mplaces.council_values(con, "sme_spend_share", Q)
    # Hartlepool 20/100 = 20%, Middlesbrough 100/200 = 50%, City of London 0/50 = 0%
    assert _by(sme, "name") == {"Hartlepool": 20.0, "Middlesbrough": 50.0, "City of London": 0.0}
    assert sme.set_index("name").loc["Middlesbrough", "display"] == "50.0%"
    std = mplaces.council_values(con, "standards_adoption", Q)
    # Hartlepool adopted all 7 -> 100; Middlesbrough reported only service_standard -> 0
    assert _by(std, "name") == {"Hartlepool": 100.0, "Middlesbrough": 0.0}


def test_council_values_workforce_uplift_is_suppressed_below_five_people(con):
    df = mplaces.council_values(con, "underrepresented_uplift", Q).set_index("name")
    # Hartlepool 4/20 = 20% -> 10/25 = 40%: +100%, but the baseline rests on 4 people -> "<5", not drawn
    assert df.loc["Hartlepool", "display"] == "<5"
    assert math.isnan(df.loc["Hartlepool", "value"])


def test_council_values_refuses_measures_without_a_council_level(con):
    with pytest.raises(ValueError, match="no council level"):
        mplaces.council_values(con, "lg_placements", Q)
    assert "lg_placements" not in mplaces.place_measure_options("council")
    assert "lg_placements" in mplaces.place_measure_options("region")
    assert "coordinating_institute" not in mplaces.place_measure_options(
        "region"
    )  # milestones: no map


def test_place_values_ranking_by_region_agrees_with_summary(con):
    df = mplaces.place_values(con, "data_maturity", "region", Q)
    # North East (4 + 3) / 2 = 3.5 (Newcastle stale), South East (4 + 2) / 2 = 3.0, London 1.0
    assert list(df["group"]) == ["North East", "South East", "London"]
    assert list(df["value"]) == [3.5, 3.0, 1.0]
    assert list(df["rank"]) == ["1", "2", "3"]
    assert list(df["coverage"]) == [
        "2 of 3 councils reporting",
        "2 of 2 councils reporting",
        "1 of 2 councils reporting",
    ]
    assert list(df["code"]) == ["E12000001", "E12000008", "E12000007"]
    # tracked: no target for any group; each group's direction of travel in words
    assert set(df["target"]) == {""}
    assert df.set_index("group").loc["North East", "status"] == "↑ Improving"
    england = mplaces.england_row(con, "data_maturity", Q)
    assert (england["display"], england["coverage"]) == ("2.80", "5 of 7 councils reporting")


def test_place_values_council_level_ties_share_a_rank_and_missing_last(con):
    df = mplaces.place_values(con, "data_maturity", "council", Q)
    assert list(df["group"][:2]) == ["Hampshire", "Hartlepool"]  # both 4.0, by name
    assert list(df["rank"][:5]) == ["=1", "=1", "3", "4", "5"]  # a tie shares its rank
    assert list(df["display"][-2:]) == ["no data", "no data"]
    assert list(df["coverage"][:2]) == ["2026-Q2 return", "2026-Q3 return"]


def test_map_values_footprint_colours_member_councils(con):
    df = mplaces.map_values(con, "data_maturity", "footprint", Q).set_index("code")
    # Tees Valley = (4 + 3) / 2 = 3.5 on both members; GLA = City of London's 1.0 on both boroughs
    assert df.loc["E06000001", "value"] == 3.5 and df.loc["E06000002", "value"] == 3.5
    assert df.loc["E09000002", "value"] == 1.0
    assert df.loc["E06000001", "label"] == "Tees Valley: 3.50"
    assert df.loc["E07000085", "label"] == "not in a footprint"
    assert "E10000014" not in df.index  # counties are not on the district layer


def test_map_values_council_layers(con):
    lower = mplaces.map_values(con, "data_maturity", "council", Q, "council")
    upper = mplaces.map_values(con, "data_maturity", "council", Q, "upper_tier")
    assert "E07000085" in set(lower["code"]) and "E10000014" not in set(lower["code"])
    assert "E10000014" in set(upper["code"]) and "E07000085" not in set(upper["code"])
    assert upper.set_index("code").loc["E10000014", "value"] == 4.0


def test_group_trends_and_compare(con):
    trends = mplaces.group_trends(con, "data_maturity", "centre", Q)
    # North: 2025-Q2 (2 + 3 + 5) / 3 = 3.33, 2026-Q3 (4 + 3) / 2 = 3.5
    assert trends["North"][0] == ("2025-Q2", pytest.approx(10 / 3))
    assert trends["North"][-1] == ("2026-Q3", 3.5)
    cmp = mplaces.compare_footprints(con, "data_maturity", ("E47000006", "E61000001"), Q)
    assert list(cmp) == ["Tees Valley", "Greater London Authority", "England"]
    # England 2026-Q3: (4 + 3 + 1 + 4 + 2) / 5 = 2.8
    assert cmp["England"][-1] == ("2026-Q3", pytest.approx(2.8))
    assert cmp["Tees Valley"][0] == ("2025-Q2", 2.5)  # (2 + 3) / 2


def test_council_series_against_councils_like_it_region_and_england(con):
    # Hartlepool (unitary, 2020 population about 94,000): the only other unitary council
    # in places_small is Middlesbrough
    like, how = mcouncil.similar_councils(con, "E06000001")
    assert like == ["E06000002"]
    assert how == "the unitary council nearest in population (2020 estimates)"
    s = mcouncil.council_series(con, "E06000001", Q)
    dm = s[s["series"] == "data_maturity"].set_index(["scope", "quarter"])["value"]
    assert dm[("council", "2026-Q3")] == 4.0
    # region North East 2025-Q2: (2 + 3 + 5) / 3; councils like it (Middlesbrough) 2025-Q2: 3
    assert dm[("region", "2025-Q2")] == pytest.approx(10 / 3)
    assert dm[("similar", "2025-Q2")] == 3.0
    assert ("similar", "2025-Q3") not in dm.index  # no return that quarter: no point
    # England 2026-Q3 (returns of that quarter only): (4 + 1 + 2) / 3
    assert dm[("england", "2026-Q3")] == pytest.approx(7 / 3)
    sme = s[s["series"] == "sme_share"].set_index(["scope", "quarter"])["value"]
    assert sme[("england", "2026-Q3")] == pytest.approx(100 * 20 / 150)  # (20 + 0) / (100 + 50)
    std = s[s["series"] == "standards_adopted"].set_index(["scope", "quarter"])["value"]
    assert std[("council", "2026-Q3")] == 7.0
    wf = s[s["series"] == "workforce_share"].set_index(["scope", "quarter"])
    assert wf.loc[("council", "2026-Q3"), "display"] == "40.0%"  # 10 / 25
    assert wf.loc[("council", "2025-Q2"), "display"] == "<5"  # 4 people
    assert math.isnan(wf.loc[("council", "2025-Q2"), "value"])
    assert wf.loc[("england", "2026-Q3"), "display"] == "39.3%"  # 11 / 28


def test_profile_lines_and_table(con):
    s = mcouncil.council_series(con, "E06000001", Q)
    info = mcouncil.council_info(con, "E06000001")
    labels = mcouncil.scope_labels(info)
    assert labels == {
        "council": "Hartlepool",
        "similar": "Unitary councils like it",
        "region": "North East (region)",
        "england": "England",
    }
    assert mcouncil.scope_labels(info, 5)["similar"] == "5 unitary councils like it"
    lines = mcouncil.profile_lines(s, "data_maturity", labels)
    assert list(lines) == [
        "Hartlepool",
        "Unitary councils like it",
        "North East (region)",
        "England",
    ]
    assert lines["Hartlepool"] == [("2025-Q2", 2.0), ("2026-Q3", 4.0)]
    table = mcouncil.profile_table(s, "workforce_share", labels)
    # Middlesbrough (the council like it) sent no workforce return: no column for it
    assert list(table.columns) == ["Quarter", "Hartlepool", "North East (region)", "England"]
    assert table.set_index("Quarter").loc["2025-Q2", "Hartlepool"] == "<5"
    maturity = mcouncil.profile_table(s, "data_maturity", labels).set_index("Quarter")
    # a quarter one line has no return in says so, never 0: Hartlepool in 2026-Q1
    assert maturity.loc["2026-Q1", "Hartlepool"] == "not reported"
    assert maturity.loc["2026-Q1", "Unitary councils like it"] == "3.00"


def test_standards_status_and_missing_returns(con):
    st = mcouncil.standards_status(con, "E06000002", Q).set_index("standard_id")
    assert len(st) == 7
    assert st.loc["service_standard", "status"] == "audited"
    assert st.loc["service_standard", "quarter"] == "2026-Q1"
    assert st.loc["open_referral", "status"] == "not reported"
    miss = mcouncil.missing_returns(con, "E06000002", Q)
    # survey sent 2025-Q2 and 2026-Q1: missing 2025-Q3, 2025-Q4, 2026-Q2, 2026-Q3; no workforce (6 quarters)
    assert list(miss[miss["kind"] == "survey"]["quarter"]) == [
        "2025-Q3",
        "2025-Q4",
        "2026-Q2",
        "2026-Q3",
    ]
    assert len(miss[miss["kind"] == "workforce"]) == 6
    assert mcouncil.missing_returns(con, "E06000002", "2025-Q1").empty


def test_coverage_counts_and_heatmap(con):
    cov = mcoverage.coverage(con, Q).set_index(["kind", "quarter"])
    # survey 2026-Q3: Hartlepool, City of London, East Hampshire = 3 of 7
    assert cov.loc[("survey", Q), "reporting"] == 3 and cov.loc[("survey", Q), "total"] == 7
    assert cov.loc[("survey", Q), "percent"] == pytest.approx(300 / 7)
    assert cov.loc[("survey", "2025-Q3"), "reporting"] == 0
    assert cov.loc[("workforce", Q), "reporting"] == 2
    assert mcoverage.coverage_at(con, Q)[0] == {
        "kind": "survey",
        "reporting": 3,
        "total": 7,
        "text": "3 of 7 (43%)",
        "percent": pytest.approx(300 / 7),
    }
    regions, quarters, z, text = mcoverage.coverage_heatmap(con, "survey", Q)
    assert regions == ["London", "North East", "South East"]
    assert quarters[0] == "2025-Q2" and quarters[-1] == Q
    ne = regions.index("North East")
    assert z[ne][0] == 100.0 and text[ne][0] == "100%"
    assert text[ne][-1] == "33%" and z[ne][-1] == pytest.approx(100 / 3)


def test_missing_and_stale_values(con):
    miss = mcoverage.missing_for_quarter(con, "survey", Q)
    assert set(miss["council"]) == {
        "Middlesbrough",
        "Newcastle upon Tyne",
        "Barking and Dagenham",
        "Hampshire",
    }
    stale = mcoverage.stale_values(con, "survey", Q)
    assert list(stale["council"]) == [
        "Hampshire",
        "Middlesbrough",
        "Newcastle upon Tyne",
        "Barking and Dagenham",
    ]
    assert list(stale["state"]) == [
        "carried forward",
        "carried forward",
        "too old: not counted",
        "never reported",
    ]
    assert list(stale["quarters_old"][:3]) == [1, 2, 5]
    # the shown quarter moves the window: at 2026-Q2, Hartlepool's 2025-Q2 survey is 4 quarters old
    st2 = mcoverage.stale_values(con, "survey", "2026-Q2").set_index("council")
    assert (
        st2.loc["Hartlepool", "state"] == "carried forward"
        and st2.loc["Hartlepool", "quarters_old"] == 4
    )


def test_series_range_is_shared_and_padded():
    # values 2..4: pad 5% of 2 = 0.1
    assert mplaces.series_range({"a": [("q", 2.0), ("r", None)], "b": [("q", 4.0)]}) == [1.9, 4.1]
    assert mplaces.series_range({"a": [("q", 50.0)]}) == [47.5, 52.5]  # one value: 5% of it
    assert mplaces.series_range({"a": [("q", 2.0)], "b": [("q", 4.0)]}, floor_zero=True) == [
        -0.2,
        4.2,
    ]
    assert mplaces.series_range({"a": [("q", None)]}) is None


def test_close_scores_are_told_apart_as_on_the_overview():
    # 2.82 and 2.86 both read "2.9" with one decimal; format_value gives two for scores
    from metrics import places

    assert [places._fmt(v, "score") for v in (2.82, 2.86, float("nan"))] == [
        "2.82",
        "2.86",
        "no data",
    ]
    assert places._fmt(20.44, "percent") == "20.4%" and places._fmt(3.0, "count") == "3"
