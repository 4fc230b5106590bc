"""Every table that leaves as CSV or Excel says what it is (measure, quarter, scope,
source, demo flag), its values rounded as on screen and its units in the headers: the
theme tables, the Places ranking, the missing returns. Read back from the files."""

from __future__ import annotations

import io
import math

import pandas as pd

from metrics import export
from viewmodels import coverage, places, theme


def csv_of(table, notes):
    return export.read_csv_notes(export.to_csv_bytes(table, notes))


def test_theme_trajectory_download(connected):
    view = theme.measures(connected("pages_small"), "procurement", "2026-Q3", "national")
    sme = next(m for m in view.measures if m.id == "sme_spend_share")
    notes, table = csv_of(sme.trend_table, sme.trend_notes)
    assert notes["Table"] == (
        "Digital spend with SMEs: the trajectory chart's points up to 2026-Q3, England"
    )
    assert (notes["Measure"], notes["Quarter"], notes["Scope"]) == (
        "Digital spend with SMEs",
        "2026-Q3",
        "England",
    )
    assert notes["Source"].startswith("Blueprint Tracker: the councils' quarterly survey returns")
    assert notes["Demo data"].startswith("no")
    assert notes["Values"] == "percentages (%), to one decimal place as on screen"
    assert list(table.columns) == ["series", "quarter or group", "value (%)", "note"]
    path = table[table["series"] == "Straight path to the target"].set_index("quarter or group")
    assert path["value (%)"].to_dict() == {"2025-Q2": 20.0, "2030-Q4": 33.0}
    actual = table[table["series"] == "Actual"].set_index("quarter or group")
    assert actual.loc["2026-Q3", "value (%)"] == 25.0  # (40 + 30 + 20 + 10) / 400
    # no survey in 2025-Q3 .. 2026-Q1: no value (never 0), said in the note
    assert math.isnan(actual.loc["2025-Q4", "value (%)"])
    assert actual.loc["2025-Q4", "note"] == "not reported"
    # The projection: the least-squares line through the quarters with data, 2025-Q2,
    # 2026-Q2 and 2026-Q3 (t = 0, 4, 5; 20, 22.5, 25: mean t 3, mean 22.5, slope 12.5 / 14
    # = 0.893 a quarter) from 2025-Q2 (22.5 - 3 x 0.893 = 19.82) to 2030-Q4 (t = 22:
    # 22.5 + 19 x 0.893 = 39.46), written as the chart shows it
    projection = table[table["series"].str.startswith("Projection")].set_index("quarter or group")
    assert projection["value (%)"].to_dict() == {"2025-Q2": 19.8, "2030-Q4": 39.5}


def test_theme_breakdown_download_in_excel(connected):
    view = theme.measures(connected("pages_small"), "procurement", "2026-Q3", "region")
    sme = next(m for m in view.measures if m.id == "sme_spend_share")
    data = export.to_xlsx_bytes(sme.group_table, sme.group_file, sme.group_notes)
    book = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert list(book) == ["sme_spend_share-2026-Q3-by-regi", "Notes"]
    notes = dict(zip(book["Notes"]["Item"], book["Notes"]["Value"]))
    assert notes["Scope"] == "by region (each group's own figure)"
    assert notes["Table"] == "Digital spend with SMEs by region, 2026-Q3"
    rows = book["sme_spend_share-2026-Q3-by-regi"]
    assert list(rows.columns[:3]) == ["group", "value (%)", "target (%)"]
    # North East (40k + 30k) / 200k = 35%, London 20%, South East 10%
    assert rows[["group", "value (%)"]].values.tolist() == [
        ["North East", 35.0],
        ["London", 20.0],
        ["South East", 10.0],
    ]


def test_places_ranking_download(connected):
    view = places.view(connected("places_small"), "data_maturity", "region", "2026-Q3", "score")
    d = view.download
    assert d.name == "data_maturity-2026-Q3-by-region"
    notes, table = csv_of(d.table, d.notes)
    assert (notes["Measure"], notes["Quarter"], notes["Scope"]) == (
        "Data maturity",
        "2026-Q3",
        "England and every region",
    )
    assert list(table.columns) == [
        "rank",
        "region",
        "code",
        "value (score, 1 to 5)",
        "based on",
        "target",
        "status",
    ]
    # England (4 + 3 + 1 + 4 + 2) / 5 = 2.8, unranked; North East (4 + 3) / 2 = 3.5, South
    # East (4 + 2) / 2 = 3.0, London 1.0
    assert table[["rank", "region", "value (score, 1 to 5)"]].astype(object).fillna(
        ""
    ).values.tolist() == [
        ["", "England", 2.8],
        [1, "North East", 3.5],
        [2, "South East", 3.0],
        [3, "London", 1.0],
    ]


def test_places_ranking_download_withholds_what_the_screen_withholds(connected):
    view = places.view(
        connected("places_small"), "underrepresented_uplift", "council", "2026-Q3", "percent"
    )
    _, table = csv_of(view.download.table, view.download.notes)
    hartlepool = table[table["council"] == "Hartlepool"].iloc[0]
    # rests on fewer than five people (a relative change: the header says so)
    assert hartlepool["value (% change on the baseline)"] == "<5"


def test_missing_returns_download(connected):
    shown = coverage.kind(connected("places_small"), "survey", "2026-Q3")
    notes, table = export.read_csv_notes(shown.missing_csv)
    assert notes["Table"] == (
        "Councils in scope that have not sent their survey return for 2026-Q3"
    )
    assert notes["Quarter"] == "2026-Q3"
    assert notes["Scope"].startswith("England: every council in scope")
    assert "survey returns" in notes["Source"] and notes["Demo data"].startswith("no")
    assert set(table["council"]) == {
        "Middlesbrough",
        "Newcastle upon Tyne",
        "Barking and Dagenham",
        "Hampshire",
    }


def test_coverage_numbers_rounded_as_shown(connected):
    charts = coverage.charts(connected("places_small"), "2026-Q3")
    survey = charts.table[
        (charts.table["kind"] == "survey") & (charts.table["quarter"] == "2026-Q3")
    ]
    assert list(survey["percent"]) == [42.9]  # 3 of 7


def test_demo_flag_in_every_note(make_db):
    from store.db import connect

    with connect(make_db("pages_small", demo=True)) as con:
        view = theme.measures(con, "procurement", "2026-Q3", "region")
    sme = next(m for m in view.measures if m.id == "sme_spend_share")
    assert sme.trend_notes.demo and sme.group_notes.demo
    notes, _ = csv_of(sme.trend_table, sme.trend_notes)
    assert notes["Demo data"] == (
        "YES: generated demonstration figures, not real returns. Do not quote them."
    )
