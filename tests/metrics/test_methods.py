"""metrics.methods: the registry of measure methods.

- One SQL per method: a council's own figures (the query at the level "council") add up
  to the national and regional figures of the same query, on the hand-made variants of
  tests/factory.py (metrics_small and places_small), at every quarter with data.
- The formula text of each method, as the methodology page shows it.
- The configuration is checked against the registry: an unknown method, a parameter value
  not allowed, a parameter of another method, a unit, a target or a direction the method
  cannot give is refused with a message naming the entry and the field.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from metrics import config as C
from metrics import measures as M
from metrics import methods
from metrics import summary as S
from store.db import connect
from tests.fixtures import TARGETS

GOOD = TARGETS.read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["metrics_small", "places_small"])
def db(request, tmp_path_factory):
    from tests import factory

    folder = tmp_path_factory.mktemp(request.param)
    return factory.build(request.param, folder / "db.duckdb")


def _close(a, b) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or math.isnan(a)) and (b is None or math.isnan(b))
    return a == pytest.approx(b)


def _sum(values: pd.Series):
    """A SQL sum: None over no rows."""
    return values.sum() if len(values) else None


def _agree(method: str, row: dict, councils: pd.DataFrame, in_scope: int) -> None:
    """The national (or one group's) figure ``row`` from the councils' own figures."""
    has = councils[councils["value"].notna()]
    n = len(has)
    rep = row["coverage_reporting"]
    if rep is None or math.isnan(rep):
        # a quarter its source holds no data in: no council has a value and neither has
        # England or the group (never 0); the uplift: nobody like for like
        assert n == 0 and _close(row["value"], None)
        return
    if n == 0 and method != "standards_all_core":
        assert _close(row["value"], None)  # nobody reporting: no figure, not 0
        return
    if method == "share_of_councils":
        assert rep == n
        assert _close(row["numerator"], (has["value"] == 100.0).sum())
        assert _close(row["value"], has["value"].mean() if n else None)
    elif method == "mean_of_councils":
        assert rep == n
        assert _close(row["numerator"], _sum(has["numerator"]))
        assert _close(row["value"], has["value"].mean() if n else None)
    elif method == "councils_yes":
        assert rep == n
        assert _close(row["value"], has["value"].sum())
    elif method == "ratio_of_sums":
        # a council whose denominator is 0 has no value of its own but adds 0 to both sums
        assert rep >= n
        if n:
            assert _close(row["numerator"], _sum(has["numerator"]))
            assert _close(row["denominator"], _sum(has["denominator"]))
    elif method == "standards_all_core":
        assert rep == n
        assert row["denominator"] == in_scope  # a share of ALL councils in scope
        assert _close(row["numerator"], (has["value"] == 100.0).sum())
    elif method == "workforce_uplift":
        assert rep >= n
        if n and rep == n:
            share_t = 100.0 * has["numerator"].sum() / has["denominator"].sum()
            share_b = 100.0 * has["base_u"].sum() / has["base_h"].sum()
            assert _close(row["numerator"], share_t) and _close(row["denominator"], share_b)
    else:
        raise AssertionError(f"no council rule for {method}")


def test_council_figures_add_up_to_national_and_regional_ones(db):
    cfg = C.load()
    council_measures = [m for m in cfg.measures.values() if m.method in methods.COUNCIL_METHODS]
    assert {m.method for m in council_measures} == set(methods.COUNCIL_METHODS)
    with connect(db) as con:
        regions = dict(
            con.execute(
                "SELECT council_code, region_name FROM councils WHERE end_date IS NULL"
            ).fetchall()
        )
        checked = 0
        for q in S.quarters(con):
            long = M.compute(con, cfg, [q], ["region"])
            for m in council_measures:
                mine = M.council_values(con, cfg, m, q)
                assert set(mine["council_code"]) <= set(regions)  # councils in scope only
                mine["region"] = mine["council_code"].map(regions)
                figures = long[long["id"] == m.id]
                for r in figures.to_dict("records"):
                    part = mine if r["level"] == "national" else mine[mine["region"] == r["group"]]
                    in_scope = r["coverage_total"]
                    _agree(m.method, r, part, in_scope)
                    checked += 1
    assert checked > 100


def test_a_council_without_a_value_shows_nothing(db):
    cfg = C.load()
    with connect(db) as con:
        q = S.quarters(con)[-1]
        for m in cfg.measures.values():
            if m.method not in methods.COUNCIL_METHODS:
                with pytest.raises(ValueError, match="has no council level"):
                    M.council_values(con, cfg, m, q)
                continue
            df = M.council_values(con, cfg, m, q)
            empty = df[df["value"].isna()]
            assert empty["numerator"].isna().all() and empty["denominator"].isna().all()
            assert all(x is None for x in empty["quarter"])
            assert all(isinstance(x, str) for x in df[df["value"].notna()]["quarter"])


def test_counts_of_records_add_up_over_groups(make_db):
    """Exchanges and placements count in their lead council's group; the groups of a level
    add up to England (every record's council is in scope in metrics_small)."""
    cfg = C.load()
    with connect(make_db("metrics_small")) as con:
        qs = S.quarters(con)
        long = M.compute(con, cfg, qs, ["region", "footprint", "council_type"])
    for mid in ("data_exchanges", "lg_placements"):
        part = long[long["id"] == mid]
        national = part[part["level"] == "national"].set_index("quarter")["value"]
        for level in ("region", "footprint", "council_type"):
            sums = part[part["level"] == level].groupby("quarter")["value"].sum(min_count=1)
            assert sums.dropna().to_dict() == national.dropna().to_dict(), (mid, level)
            assert set(sums[sums.isna()].index) == set(national[national.isna()].index)
    # milestones by their region; CSI-3 has none (in progress by 2026-Q3)
    part = long[(long["id"] == "centres_of_service_innovation") & (long["quarter"] == "2026-Q3")]
    assert part[part["level"] == "region"]["value"].sum() == 2.0
    assert part[part["level"] == "national"]["value"].item() == 2.0
    assert set(part["level"]) == {"national", "region"}  # not by footprint or type


# ---------------------------------------------------------------- formula text

CFG = SimpleNamespace(staleness_quarters=3, core_standard_ids=["a", "b"])
LATEST = (
    "each council's latest value at or before the quarter shown, carried forward at most 3 quarters"
)
FORMULAS = {
    "milestones_achieved": (
        {"milestone_kind": "audit_regime"},
        "number of milestones of kind `audit_regime` whose latest status at or before the "
        "quarter shown is `achieved`",
    ),
    "milestone": (
        {"milestone_kind": "workforce_plan"},
        "achieved when the latest status of the `workforce_plan` milestone at or before the "
        "quarter shown is `achieved`, otherwise not yet",
    ),
    "share_of_councils": (
        {"column": "collective_buying"},
        "councils with `collective_buying` yes (or at least 1) ÷ councils reporting "
        f"`collective_buying` × 100, using {LATEST}",
    ),
    "mean_of_councils": (
        {"column": "data_maturity"},
        f"mean of `data_maturity` over reporting councils, using {LATEST}",
    ),
    "councils_yes": (
        {"column": "ceo_digital_background"},
        f"number of councils whose `ceo_digital_background` is yes, using {LATEST}",
    ),
    "ratio_of_sums": (
        {"numerator": "sme_spend_gbp", "denominator": "digital_spend_gbp"},
        "sum of `sme_spend_gbp` ÷ sum of `digital_spend_gbp` × 100 over reporting councils "
        f"(both from the same return), using {LATEST}",
    ),
    "exchanges_qualifying": (
        {},
        "number of exchanges whose latest status at or before the quarter shown is "
        "`successful`, that list at least one standard and at least one partner",
    ),
    "placements_started": (
        {},
        "number of placements whose `start_quarter` is from 2025-Q3 up to the quarter shown",
    ),
    "workforce_uplift": (
        {},
        "(s_now − s_baseline) ÷ s_baseline × 100, where s = sum of `underrepresented` ÷ sum "
        "of `headcount`, over councils that reported in both 2025-Q3 and the quarter shown "
        "(like for like)",
    ),
    "standards_all_core": (
        {},
        "councils whose latest return reports `adopted` or `audited` for every one of the 2 "
        "core standards ÷ all councils in scope × 100 (a council that does not report counts "
        "as not adopting)",
    ),
}


def test_every_method_has_a_formula_test():
    assert set(FORMULAS) == set(methods.METHODS)


@pytest.mark.parametrize("name", list(FORMULAS))
def test_formula_text(name):
    params, text = FORMULAS[name]
    measure = SimpleNamespace(
        id="x",
        unit=methods.METHODS[name].unit,
        method=name,
        params=params,
        baseline_quarter="2025-Q3",
    )
    assert methods.formula_text(measure, CFG) == text


# ---------------------------------------------------------------- the registry


def test_registry_units_bounds_and_levels():
    for m in methods.METHODS.values():
        assert set(m.units) <= set(C.UNITS), m.name
        assert set(m.directions) <= set(C.DIRECTIONS) and m.directions, m.name
        assert (m.carried is None) == (m.aggregates is None), m.name
    percent = {n for n, m in methods.METHODS.items() if m.unit == "percent"}
    assert percent == {
        "share_of_councils",
        "ratio_of_sums",
        "workforce_uplift",
        "standards_all_core",
    }
    get = methods.get
    assert get("share_of_councils").bounds({"column": "collective_buying"}) == (0.0, 100.0)
    assert get("mean_of_councils").bounds({"column": "data_maturity"}) == (1.0, 5.0)
    assert get("workforce_uplift").bounds({}) == (-100.0, None)  # a fall is negative
    assert get("councils_yes").bounds({"column": "collective_buying"}) == (0.0, None)
    assert get("milestone").levels == () and get("milestones_achieved").levels == ("region",)
    assert set(methods.COUNCIL_METHODS) == {
        "share_of_councils",
        "mean_of_councils",
        "councils_yes",
        "ratio_of_sums",
        "standards_all_core",
        "workforce_uplift",
    }
    with pytest.raises(ValueError, match="unknown method 'median'"):
        methods.get("median")


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            'method = "placements_started"',
            'method = "median_of_councils"',
            "measure 'lg_placements', field method: expected one of milestones_achieved, "
            "milestone, share_of_councils, mean_of_councils, councils_yes, ratio_of_sums, "
            "exchanges_qualifying, placements_started, workforce_uplift, standards_all_core, "
            "got 'median_of_councils'",
        ),
        (
            'column = "ceo_digital_background"',
            'column = "data_maturity"',
            "measure 'digital_ceos', field column: method councils_yes needs column = one of "
            "ceo_digital_background, collective_buying; got 'data_maturity'",
        ),
        (
            'method = "placements_started"',
            'method = "placements_started"\ncolumn = "data_maturity"',
            "measure 'lg_placements', field column: method placements_started takes no column",
        ),
        (
            'method = "milestone"\nmilestone_kind = "audit_regime"',
            'method = "milestone"',
            "measure 'audit_regime', field milestone_kind: method milestone needs "
            "milestone_kind = one of centre_of_service_innovation",
        ),
        (
            'numerator = "sme_spend_gbp"',
            'numerator = "sme_spend"',
            "measure 'sme_spend_share', field numerator: method ratio_of_sums needs numerator",
        ),
        (
            'unit = "score"',
            'unit = "percent"',
            "measure 'data_maturity', field unit: method mean_of_councils gives a score, "
            "but unit is 'percent'",
        ),
        (
            'method = "mean_of_councils"',
            'target = 7\nmethod = "mean_of_councils"',
            "measure 'data_maturity', field target: a score on the scale of data_maturity, "
            "from 1 to 5, got 7.0",
        ),
        (
            "target = 20\n",
            "target = -150\n",
            "measure 'underrepresented_uplift', field target: a relative change cannot be "
            "below -100%, got -150.0",
        ),
        (
            'direction = "increase"\ntarget = "achieved"\nmethod = "milestone"\n'
            'milestone_kind = "workforce_plan"',
            'direction = "decrease"\ntarget = "achieved"\nmethod = "milestone"\n'
            'milestone_kind = "workforce_plan"',
            "measure 'workforce_plan', field direction: method milestone can only be judged "
            "by increase, got 'decrease'",
        ),
    ],
)
def test_config_is_checked_against_the_registry(old, new, message):
    assert old in GOOD, old
    with pytest.raises(C.ConfigError) as err:
        C.loads(GOOD.replace(old, new, 1))
    assert str(err.value).startswith("targets.toml: ")
    assert message in str(err.value)


def test_a_falling_uplift_target_is_allowed():
    cfg = C.loads(GOOD.replace("target = 20\n", "target = -10\n", 1))
    assert cfg.measures["underrepresented_uplift"].target == -10.0
