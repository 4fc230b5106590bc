"""Every measure on the metrics_small dataset (tests/factory.py), computed by hand.

Councils in scope: A, B (North East, Tees Valley, North Centre), C (London), D (South East),
E (North West, Greater Manchester; never reports). X ended in 2025 and is ignored (its
returns would change every figure if counted). Staleness 4 quarters; baseline 2025-Q2;
deadline 2030-Q4 (22 quarters); at 2026-Q3, t - t0 = 5.

Carried values at 2026-Q3:
  A: its own 2026-Q3 return.
  B: 2026-Q3 return has maturity, ceo, sme, collective, components blank -> those come from
     its 2026-Q1 return (2 quarters old); digital 200 with sme blank -> the (sme, digital)
     pair is carried together from 2026-Q1 (90, 300); contracts (10, 4) are its own.
  C: 2025-Q4 return (3 quarters old).
  D: 2025-Q1 return is 6 quarters old -> stale, not reporting. E: never reports.
At the baseline 2025-Q2: A, B, C their own returns; D its 2025-Q1 return (1 quarter old).
"""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import config as C
from metrics import summary as S
from store.db import connect
from tests.fixtures import TARGETS


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from tests import factory

    return factory.build("metrics_small", tmp_path_factory.mktemp("metrics") / "small.duckdb")


@pytest.fixture(scope="module")
def national(db):
    with connect(db) as con:
        df = S.summary(con)
    return {r["id"]: r for r in df.to_dict("records")}


def by_group(db, by, as_of=None, config=None):
    with connect(db) as con:
        df = S.summary(con, as_of=as_of, by=by, config=config)
    return {(r["id"], r["group"]): r for r in df.to_dict("records")}


def test_default_quarter_is_latest_with_data(national):
    assert {r["quarter"] for r in national.values()} == {"2026-Q3"}
    assert list(national) == list(C.load().measures)  # every measure, in config order


def test_data_maturity_carry_forward_and_staleness(national, db):
    # 2026-Q3: A 4, B 3 (carried from 2026-Q1), C 2 (carried from 2025-Q4) -> 9 / 3 = 3.0, 3 of 5
    r = national["data_maturity"]
    assert (r["value"], r["numerator"], r["denominator"]) == (3.0, 9.0, 3.0)
    assert (r["coverage_reporting"], r["coverage_total"]) == (3, 5)
    # baseline: A 2, B 3, C 1, D 4 (carried 1 quarter) -> 10 / 4 = 2.5
    assert r["baseline"] == 2.5
    # tracked: window 2025-Q4..2026-Q3; 2025-Q4: A 2, B 3, C 2, D 4 -> 2.75; +0.25 > 0.1 -> improving
    assert (r["status"], r["direction"], r["direction_from"]) == ("tracked", "improving", "2025-Q4")
    assert r["direction_change"] == pytest.approx(0.25)
    assert r["target"] is None
    with connect(db) as con:
        s = S.series(con, "data_maturity")
    by_q = dict(zip(s["quarter"], s["value"]))
    # 2026-Q1: D's 2025-Q1 return is 4 quarters old -> still carried: (2 + 3 + 2 + 4) / 4 = 2.75
    # 2026-Q3: 6 quarters old -> stale: A 4, B 3, C 2 -> 3.0 (above)
    assert by_q["2026-Q1"] == pytest.approx(2.75)
    assert by_q["2025-Q1"] == 4.0  # only D reported
    # No council sent a survey return in 2025-Q3 or 2026-Q2: those quarters are missing from
    # the series (a gap), never 0 and never a copy of the quarter before.
    assert pd.isna(by_q["2025-Q3"]) and pd.isna(by_q["2026-Q2"])
    assert s["coverage_reporting"].tolist()[:2] == [1, 4]
    assert pd.isna(s["coverage_reporting"][2]) and pd.isna(s["coverage_reporting"][5])


def test_digital_ceos(national):
    # 2026-Q3: A yes, B yes (carried), C no -> 2. Baseline: B yes, D yes -> 2 (X's yes ignored)
    # E = (10 - 2) * 5 / 22 = 1.818, R = 0 -> limited progress
    r = national["digital_ceos"]
    assert (r["value"], r["baseline"], r["ratio"], r["status"]) == (
        2.0,
        2.0,
        0.0,
        "limited_progress",
    )
    assert r["expected_now"] == pytest.approx(2 + 40 / 22)
    assert (r["coverage_reporting"], r["coverage_total"]) == (3, 5)


def test_sme_spend_share_pair_carried_together(national):
    # 2026-Q3: A (sme 10, digital 100), B pair from 2026-Q1 (90, 300), C (30, 100)
    #   -> 130 / 500 = 26.0%   (B's lone 2026-Q3 digital 200 is not mixed with an older sme)
    # baseline: A (20, 100), B (60, 300), C (40, 100), D (50, 200) -> 170 / 700 = 24.2857%
    # E = (33 - 24.2857) * 5 / 22 = 1.98052; R = 1.7143 / 1.98052 = 0.8656 -> acceleration needed
    r = national["sme_spend_share"]
    assert (r["value"], r["numerator"], r["denominator"]) == (26.0, 130.0, 500.0)
    assert r["baseline"] == pytest.approx(100 * 170 / 700)
    assert r["ratio"] == pytest.approx((26 - 100 * 170 / 700) / ((33 - 100 * 170 / 700) * 5 / 22))
    assert r["status"] == "acceleration_needed"
    assert r["explanation"] == (
        "We have 26.0% against the 26.3% expected by 2026-Q3 on the straight path from 24.3% "
        "in 2025-Q2 to 33% by 2030-Q4: 87% of the pace needed: acceleration needed."
    )


def test_outcome_based_contracts_and_collective_buying_and_components(national):
    # outcome: A (3 of 10), B (4 of 10), C (0 of 5) -> 7 / 25 = 28%; baseline A 1/10, B 2/10, D 2/20
    # (C left contracts blank) -> 5 / 40 = 12.5%; 2025-Q4: A 1/10, B 2/10, C 0/5, D 2/20 -> 5/45
    r = national["outcome_based_contracts"]
    assert (r["value"], r["baseline"], r["status"], r["direction"]) == (
        28.0,
        12.5,
        "tracked",
        "improving",
    )
    assert r["direction_change"] == pytest.approx(28 - 500 / 45)
    # collective: A yes, B yes (carried), C no -> 2 / 3; baseline B yes of A, B, C, D -> 25%
    r = national["collective_buying"]
    assert (r["value"], r["baseline"], r["coverage_reporting"]) == (pytest.approx(200 / 3), 25.0, 3)
    # components >= 1: A 2, B 1 (carried), C 0 -> 2 / 3; baseline B 1, D 1 of 4 -> 50%
    r = national["common_components"]
    assert (r["value"], r["baseline"], r["direction"]) == (
        pytest.approx(200 / 3),
        50.0,
        "improving",
    )


def test_standards_adoption_non_reporters_count_as_not_adopting(national):
    # 2026-Q3: A all 7 adopted/audited; B all 7 in 2026-Q1 (carried); C 6 of 7 (one planned);
    # D stale; E never reports -> 2 of ALL 5 councils = 40%, standards reported by 3 of 5.
    # Baseline: A 6 of 7 (one adopting) no; D all audited (carried from 2025-Q1) -> 1 / 5 = 20%
    # E = 50 * 5 / 22 = 11.364; R = 20 / 11.364 = 1.76 -> on track
    r = national["standards_adoption"]
    assert (r["value"], r["numerator"], r["denominator"]) == (40.0, 2.0, 5.0)
    assert (r["coverage_reporting"], r["coverage_total"]) == (3, 5)
    assert (r["baseline"], r["status"]) == (20.0, "on_track")
    assert r["ratio"] == pytest.approx(20 / (50 * 5 / 22))


def test_underrepresented_uplift_like_for_like(national):
    # councils with a return both at the baseline and (within 4 quarters) at 2026-Q3: A and B.
    # (C has no baseline return; D's baseline return is too old by 2026-Q3; X ended.)
    # now: A 22/100 + B (7+4)/(30+20) -> 33 / 150 = 22%; baseline: A 20/100 + B 10/50 -> 30/150 = 20%
    # uplift = (22 / 20 - 1) * 100 = 10%. E = 20 * 5 / 22 = 4.545, R = 2.2 -> on track
    r = national["underrepresented_uplift"]
    assert r["value"] == pytest.approx(10.0)
    assert (r["numerator"], r["denominator"]) == (pytest.approx(22.0), pytest.approx(20.0))
    assert (r["coverage_reporting"], r["coverage_total"]) == (2, 5)
    assert (r["baseline"], r["status"]) == (0.0, "on_track")


def test_data_exchanges_qualifying_only(national):
    # baseline: EX1 and EX2 successful with a partner and a standard -> 2.
    # 2026-Q3: EX1 stopped (2026-Q2); EX2 still successful (its status stands); EX3 successful
    # but no standard; EX4 successful but no partner; EX5 only live -> 1.
    # E = 13 * 5 / 22 = 2.9545, R = -1 / 2.9545 = -0.338 -> deteriorating
    r = national["data_exchanges"]
    assert (r["value"], r["baseline"], r["status"]) == (1.0, 2.0, "deteriorating")
    assert r["ratio"] == pytest.approx(-1 / (13 * 5 / 22))
    assert r["direction"] == "worsening"
    # coverage: councils leading an exchange on the register: A, B, C, D (a register: not
    # "of 5 councils reporting")
    assert r["coverage_reporting"] == 4 and pd.isna(r["coverage_total"])


def test_lg_placements_window(national, db):
    # P1 started 2025-Q1, before the baseline: never counted. P2 2025-Q2 (the baseline quarter),
    # P3 2025-Q4, P4 2026-Q3 -> 3 at 2026-Q3; baseline 1 (P2).
    # E = 9 * 5 / 22 = 2.045, R = 2 / 2.045 = 0.978 -> on track
    r = national["lg_placements"]
    assert (r["value"], r["baseline"], r["status"]) == (3.0, 1.0, "on_track")
    assert r["ratio"] == pytest.approx(2 / (45 / 22))
    # as of 2026-Q2, P4 (2026-Q3) is after the quarter shown: 2
    with connect(db) as con:
        earlier = S.summary(con, as_of="2026-Q2")
    assert earlier.set_index("id").loc["lg_placements", "value"] == 2.0


def test_milestones(national):
    # centres: CSI-1 achieved 2025-Q4, CSI-2 achieved 2026-Q3, CSI-3 achieved 2026-Q1 then back to
    # in_progress in 2026-Q2 -> 2. Baseline 0. E = 5 * 5 / 22 = 1.136, R = 1.76 -> on track
    r = national["centres_of_service_innovation"]
    assert (r["value"], r["baseline"], r["status"], round(r["ratio"], 2)) == (
        2.0,
        0.0,
        "on_track",
        1.76,
    )
    assert r["coverage_reporting"] == 3 and pd.isna(r["coverage_total"])  # not a share of councils
    assert national["workforce_plan"]["status"] == "achieved"  # achieved 2026-Q1
    assert national["coordinating_institute"]["status"] == "not_yet"  # in progress
    assert national["apprenticeship_scheme"]["status"] == "not_yet"  # no record at all
    assert national["audit_regime"]["status"] == "not_yet"


def test_by_region(db):
    g = by_group(db, "region")
    assert {grp for _, grp in g} == {"North East", "London", "South East", "North West"}
    # sme: North East A (10/100) + B (90/300) -> 100/400 = 25%; London C 30/100 = 30%;
    # South East: D stale -> no value, 0 of 1; North West: E never reports
    assert g[("sme_spend_share", "North East")]["value"] == 25.0
    assert g[("sme_spend_share", "London")]["value"] == 30.0
    se = g[("sme_spend_share", "South East")]
    assert pd.isna(se["value"]) and (se["coverage_reporting"], se["coverage_total"]) == (0, 1)
    assert se["status"] == "not_enough_data"
    # rates keep the national target: North East baseline (20+60)/(100+300) = 20%, now 25%:
    # E = 13 * 5 / 22 = 2.9545, R = 5 / 2.9545 = 1.69 -> on track
    ne = g[("sme_spend_share", "North East")]
    assert (ne["target"], ne["baseline"], ne["status"]) == (33.0, 20.0, "on_track")
    # counts: no split -> no group target, a direction instead
    ex = g[("data_exchanges", "North East")]
    assert (ex["value"], ex["status"]) == (1.0, "no_group_target") and pd.isna(ex["target"])
    assert g[("data_exchanges", "London")]["value"] == 0.0
    # milestones by region_code: North East CSI-1, London CSI-2; CSI-3 has no region
    assert g[("centres_of_service_innovation", "North East")]["value"] == 1.0
    assert g[("centres_of_service_innovation", "London")]["value"] == 1.0
    assert g[("centres_of_service_innovation", "South East")]["value"] == 0.0
    # single national milestones are not cut
    assert not any(mid == "workforce_plan" for mid, _ in g)


def test_by_footprint_centre_and_type_add_up(db):
    f = by_group(db, "footprint")
    assert {grp for _, grp in f} == {
        "Tees Valley",
        "Greater Manchester",
        "No combined or strategic authority",
    }
    # standards: Tees Valley A and B adopt -> 2 / 2 = 100%; no footprint C, D -> 0 / 2; GM 0 / 1
    assert f[("standards_adoption", "Tees Valley")]["value"] == 100.0
    assert f[("standards_adoption", "No combined or strategic authority")]["value"] == 0.0
    assert f[("standards_adoption", "Greater Manchester")]["coverage_total"] == 5 - 4
    c = by_group(db, "centre")
    assert c[("digital_ceos", "North Centre")]["value"] == 2.0  # A, B
    assert c[("digital_ceos", "No Centre of Service Innovation")]["value"] == 0.0
    assert sum(r["coverage_total"] for (mid, _), r in c.items() if mid == "digital_ceos") == 5
    t = by_group(db, "council_type")
    assert t[("data_maturity", "unitary")]["value"] == 3.5  # A 4, B 3
    assert t[("data_maturity", "city corporation")]["value"] == 2.0  # C 2
    assert t[("lg_placements", "unitary")]["value"] == 2.0  # P2 (B), P4 (A)


def test_split_rule_and_changed_target_flow_through(db):
    text = TARGETS.read_text(encoding="utf-8")
    cfg = C.loads(
        text.replace(
            'target = 10\nmethod = "councils_yes"',
            'target = 10\nsplit = "by_councils"\nmethod = "councils_yes"',
        ).replace("target = 33\n", "target = 25\n")
    )
    g = by_group(db, "footprint", config=cfg)
    # Tees Valley holds 2 of the 5 councils -> target 10 * 2 / 5 = 4; baseline B -> 1, now 2:
    # E = 3 * 5 / 22 = 0.682, R = 1 / 0.682 = 1.47 -> on track
    tv = g[("digital_ceos", "Tees Valley")]
    assert tv["target"] == 4.0 and tv["status"] == "on_track"
    with connect(db) as con:
        nat = S.summary(con, config=cfg).set_index("id")
    assert nat.loc["sme_spend_share", "status"] == "achieved"  # 26% >= the revised 25%


def test_as_of_baseline_and_before(db):
    with connect(db) as con:
        at_base = S.summary(con, as_of="2025-Q2").set_index("id")
        before = S.summary(con, as_of="2025-Q1").set_index("id")
    assert at_base.loc["sme_spend_share", "status"] == "not_enough_data"  # t == t0: E = 0
    assert "baseline quarter" in at_base.loc["sme_spend_share", "explanation"]
    assert before.loc["digital_ceos", "status"] == "not_enough_data"
    assert pd.isna(before.loc["data_maturity", "direction"])  # one quarter only


def test_unknown_quarter_level_and_measure(db):
    with connect(db) as con:
        with pytest.raises(
            S.MetricsError,
            match="No data for 2019-Q1: the database holds quarters 2025-Q1 to 2026-Q3",
        ):
            S.summary(con, as_of="2019-Q1")
        with pytest.raises(S.MetricsError, match="Unknown quarter"):
            S.summary(con, as_of="spring")
        with pytest.raises(S.MetricsError, match="Unknown level 'ward'"):
            S.summary(con, by="ward")
        with pytest.raises(S.MetricsError, match="Unknown measure 'nope'"):
            S.series(con, "nope")
        # 2025-Q3 holds no row at all
        assert S.quarters(con) == ["2025-Q1", "2025-Q2", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]


def test_summary_all_matches_single_calls(db):
    with connect(db) as con:
        everything = S.summary_all(con)
        for by in (None, *S.LEVELS):
            single = S.summary(con, by=by)
            assert (
                everything[by]
                .drop(columns=["explanation"])
                .equals(single.drop(columns=["explanation"]))
            )


def test_empty_database(make_db):
    with connect(make_db("empty")) as con:
        df = S.summary(con)
        assert S.quarters(con) == []
    assert len(df) == 15 and set(df["status"]) == {"not_enough_data", "not_yet", "tracked"}


# ---------------------------------------------------------------- quarters without data

# metrics_small's survey returns fall in 2025-Q1, 2025-Q2, 2025-Q4, 2026-Q1 and 2026-Q3:
# none in 2025-Q3 or 2026-Q2 (2026-Q2 holds only exchanges). Workforce returns fall in
# 2025-Q2 and 2026-Q3 only.


def _series(db, measure_id):
    with connect(db) as con:
        s = S.series(con, measure_id)
    return {q: (None if pd.isna(v) else v) for q, v in zip(s["quarter"], s["value"])}


def test_a_source_that_skips_quarters_has_gaps_not_zeros(db):
    maturity = _series(db, "data_maturity")
    assert maturity == {
        "2025-Q1": 4.0,  # D alone
        "2025-Q2": 2.5,  # (2 + 3 + 1 + 4) / 4
        "2025-Q3": None,  # no survey return at all: a gap
        "2025-Q4": 2.75,  # A 2, B 3 (carried), C 2, D 4 (carried)
        "2026-Q1": 2.75,
        "2026-Q2": None,  # only the exchanges register has rows: not this measure's data
        "2026-Q3": 3.0,
    }
    # a count of councils (digital CEOs) and a share of all councils (standards) have gaps
    # too: no council reported, so there is no figure (not "0 of 5")
    ceos = _series(db, "digital_ceos")
    assert ceos["2025-Q3"] is None and ceos["2026-Q2"] is None and ceos["2026-Q3"] == 2.0
    standards = _series(db, "standards_adoption")
    assert standards["2025-Q3"] is None and standards["2026-Q2"] is None
    with connect(db) as con:
        s = S.series(con, "standards_adoption").set_index("quarter")
    # the quarter without data says so in every column, the coverage too
    assert s.loc["2026-Q2", ["value", "numerator", "coverage_reporting"]].isna().all()


def test_a_quarter_with_only_another_kinds_data_stays_out(db):
    # the uplift rests on workforce returns (2025-Q2 and 2026-Q3): the survey's 2025-Q4,
    # 2026-Q1 and the exchanges' 2026-Q2 do not enter its series
    uplift = _series(db, "underrepresented_uplift")
    assert {q for q, v in uplift.items() if v is not None} == {"2025-Q2", "2026-Q3"}
    assert uplift["2025-Q2"] == 0.0 and uplift["2026-Q3"] == pytest.approx(10.0)
    # placements count from the baseline: 2025-Q1 (P1's start) is before it, no figure
    placements = _series(db, "lg_placements")
    assert placements["2025-Q1"] is None and placements["2025-Q2"] == 1.0


def test_the_projection_is_fitted_to_the_quarters_with_data_only(national):
    # data maturity, window 2024-Q4..2026-Q3: points (x from 2025-Q1) 0: 4.0, 1: 2.5,
    # 3: 2.75, 4: 2.75, 6: 3.0. Mean x 2.8, mean y 3.0; Sxx = 7.84 + 3.24 + 0.04 + 1.44 +
    # 10.24 = 22.8; Sxy = -2.8 + 0.9 - 0.05 - 0.3 + 0 = -2.25; slope -2.25 / 22.8 a quarter.
    # 2030-Q4 is x = 23: 3.0 - 2.25 / 22.8 x 20.2 = 1.007 (inside the 1 to 5 scale).
    r = national["data_maturity"]
    assert (r["projection_points"], r["projection_from"]) == (5, "2025-Q1")
    assert r["projection_slope"] == pytest.approx(-2.25 / 22.8)
    assert r["projection_from_value"] == pytest.approx(3.0 + 2.25 / 22.8 * 2.8)
    assert r["projected_at_deadline"] == pytest.approx(3.0 - 2.25 / 22.8 * 20.2)
    # the change is measured from the latest quarter before with data: 2026-Q1, not 2026-Q2
    assert (r["previous_quarter"], r["previous_value"]) == ("2026-Q1", 2.75)
    # the uplift: two points (2025-Q2: 0, 2026-Q3: 10) -> 2 a quarter; 17 more quarters to
    # 2030-Q4: 10 + 34 = 44% (a relative change has no upper bound)
    u = national["underrepresented_uplift"]
    assert u["projection_points"] == 2 and u["projected_at_deadline"] == pytest.approx(44.0)
    assert u["projected_quarter_reached"] == "2027-Q4"  # 20 at 10 quarters after 2025-Q2


def test_a_count_is_projected_no_further_than_the_vision_allows(db):
    # centres: 0 (2025-Q2 .. 2025-Q3), 1 (2025-Q4), 2 (2026-Q1), 1 (2026-Q2), 2 (2026-Q3):
    # the line would pass five before 2030-Q4; the targets file's max = 5 stops it there
    with connect(db) as con:
        r = S.summary(con).set_index("id").loc["centres_of_service_innovation"]
        cfg = C.load()
        uncapped = S.summary(con, config=C.loads(cfg.path.read_text().replace("max = 5 ", "")))
    assert r["projected_at_deadline"] == 5.0
    assert (
        uncapped.set_index("id").loc["centres_of_service_innovation", "projected_at_deadline"] > 5
    )
