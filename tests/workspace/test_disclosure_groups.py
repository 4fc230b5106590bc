"""Workforce figures of groups: none resting on fewer than five people is shown, in the
summary (every level), the series, the places ranking, or a download of any of them; when
one group of a level is suppressed, a second one is too (so England minus the rest does
not give it away).

The fixture: seven councils report their digital workforce at the baseline (2025-Q2) and
in 2026-Q3. The City of London is the only city corporation and has 8 people, 3 then 4
of them under-represented; Hartlepool is the only council of the North East reporting
(6 people, 2 under-represented); Leeds is the smallest other region (20 people)."""

from __future__ import annotations

import csv
import io
import math

import duckdb
import pandas as pd
import pytest

from metrics import disclosure, export
from metrics import places as mplaces
from metrics import summary as msummary
from store.ingest import ingest_file

MEASURE = "underrepresented_uplift"
BASELINE, NOW = "2025-Q2", "2026-Q3"
# council: (headcount, under-represented at the baseline, under-represented now)
PEOPLE = {
    "E09000001": (8, 3, 4),  # City of London: city corporation, London
    "E09000007": (100, 30, 33),  # Camden
    "E09000012": (120, 40, 42),  # Hackney
    "E06000001": (6, 2, 2),  # Hartlepool: North East
    "E08000003": (50, 10, 12),  # Manchester: North West
    "E08000006": (40, 12, 12),  # Salford: North West
    "E08000035": (20, 6, 7),  # Leeds: Yorkshire and The Humber
}
LEVELS = [None, "region", "footprint", "centre", "council_type"]
FIGURES = ["value", "numerator", "denominator", "baseline", "previous_value", "ratio"]
# the projection's line as the charts draw it, and the quarter the previous value is of
TREND = [
    "projected_at_deadline",
    "projection_from",
    "projection_from_value",
    "projection_slope",
    "projection_points",
    "previous_quarter",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from tests import factory

    path = factory.build("reference", tmp_path_factory.mktemp("small") / "small.duckdb")
    head = "council_code,quarter,role_family,headcount,underrepresented\n"
    for q, pick in ((BASELINE, 1), (NOW, 2)):
        body = "".join(f"{c},{q},all,{p[0]},{p[pick]}\n" for c, p in PEOPLE.items())
        report = ingest_file(path, "workforce", (head + body).encode(), f"wf_{q}.csv", user="t")
        assert report.ok, [str(p) for p in report.problems]
    return path


@pytest.fixture(scope="module")
def con(db):
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


GROUP_SQL = {
    None: "NULL",
    "region": "region_name",
    "footprint": "coalesce(footprint_name, $nf)",
    "centre": "coalesce(centre, $nc)",
    "council_type": "council_type",
}


def people(con, level) -> dict:
    """Independently of metrics: {group: fewest of the four counts} at NOW, like for like."""
    sql = (
        f"SELECT {GROUP_SQL[level]} AS g, sum(n.headcount), sum(n.underrepresented), "
        "sum(b.headcount), sum(b.underrepresented) FROM councils c "
        "JOIN workforce n ON n.council_code = c.council_code AND n.quarter = $now "
        "JOIN workforce b ON b.council_code = c.council_code AND b.quarter = $base "
        "WHERE c.end_date IS NULL GROUP BY ALL"
    )
    params = {"now": NOW, "base": BASELINE}
    if "$nf" in sql:
        params["nf"] = disclosure.NO_FOOTPRINT
    if "$nc" in sql:
        params["nc"] = disclosure.NO_CENTRE
    return {r[0]: min(r[1:]) for r in con.execute(sql, params).fetchall()}


def blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def shown(v) -> bool:
    return not blank(v)


@pytest.mark.parametrize("level", LEVELS)
def test_summary_shows_no_group_figure_on_fewer_than_five_people(con, level):
    s = msummary.summary(con, as_of=NOW, by=level)
    rows = s[s["id"] == MEASURE]
    counts = people(con, level)
    hidden = []
    for r in rows.to_dict("records"):
        group = r["group"] if level else None
        if counts.get(group, 0) < 5:
            assert all(blank(r[c]) for c in FIGURES + TREND), (level, group, r)
            if group in counts:  # (a group with no data at all says so, not "<5")
                assert r["status"] == "not_enough_data" and "<5" in r["explanation"]
        if blank(r["value"]) and group in counts:
            hidden.append(group)
    # secondary suppression: never exactly one group with data hidden out of several
    assert len(hidden) != 1 or len(counts) == 1, (level, hidden)


def test_the_examples_of_the_issue(con):
    by_type = msummary.summary(con, as_of=NOW, by="council_type")
    city = by_type[(by_type["id"] == MEASURE) & (by_type["group"] == "city corporation")]
    assert blank(city["value"].iloc[0])
    by_region = msummary.summary(con, as_of=NOW, by="region")
    rows = by_region[by_region["id"] == MEASURE].set_index("group")
    assert blank(rows.loc["North East", "value"])  # 6 people, 2 under-represented
    assert blank(rows.loc["Yorkshire and The Humber", "value"])  # secondary: the smallest left
    assert shown(rows.loc["London", "value"]) and shown(rows.loc["North West", "value"])
    england = msummary.summary(con, as_of=NOW)
    assert shown(england[england["id"] == MEASURE]["value"].iloc[0])


@pytest.mark.parametrize("level", LEVELS)
def test_series_shows_no_group_figure_on_fewer_than_five_people(con, level):
    df = msummary.series(con, MEASURE, by=level, up_to=NOW)
    counts = people(con, level)
    for r in df[df["quarter"] == NOW].to_dict("records"):
        group = r["group"] if level else None
        if counts.get(group, 0) < 5:
            assert all(blank(r[c]) for c in ("value", "numerator", "denominator")), r
    now = df[(df["quarter"] == NOW) & df["group"].map(lambda g: (g if level else None) in counts)]
    assert (now["value"].map(blank)).sum() != 1 or len(now) == 1


def test_summary_all_is_protected_like_summary(con):
    every = msummary.summary_all(con, as_of=NOW)
    for level in LEVELS:
        one = msummary.summary(con, as_of=NOW, by=level)
        a = every[level][every[level]["id"] == MEASURE].set_index("group")["value"]
        b = one[one["id"] == MEASURE].set_index("group")["value"]
        pd.testing.assert_series_equal(a.sort_index(), b.sort_index(), check_names=False)


@pytest.mark.parametrize("level", ["region", "footprint", "centre"])
def test_places_ranking_hides_small_groups(con, level):
    ranking = mplaces.place_values(con, MEASURE, level, NOW)
    counts = people(con, level)
    for r in ranking.to_dict("records"):
        if counts.get(r["group"], 0) < 5:
            assert blank(r["value"]) and r["display"] == "no data", r


@pytest.mark.parametrize("level", ["region", "council_type"])
def test_downloads_of_the_breakdown_hold_no_small_figure(con, level):
    s = msummary.summary(con, as_of=NOW, by=level)
    table = s[s["id"] == MEASURE][["group", "value", "numerator", "denominator", "baseline"]]
    counts = people(con, level)
    rows = list(csv.DictReader(io.StringIO(export.to_csv_bytes(table).decode("utf-8-sig"))))
    for r in rows:
        if counts.get(r["group"], 0) < 5:
            assert r["value"] == r["numerator"] == r["denominator"] == r["baseline"] == "", r
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(table)))
    for g, v in wb.active.iter_rows(min_row=2, max_col=2, values_only=True):
        if counts.get(g, 0) < 5:
            assert v is None, (g, v)
