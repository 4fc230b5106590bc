"""viewmodels.council on places_small (tests/factory.py): header facts, tables, charts."""

from __future__ import annotations

import pytest

from viewmodels import council


@pytest.fixture
def con(connected):
    return connected("places_small")


def rows(markdown: str) -> list[list[str]]:
    """The body rows of a markdown table, as cell texts."""
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in markdown.splitlines()[2:]]


def test_choices_by_name_with_type(con):
    found = council.choices(con)
    assert len(found) == 7
    assert list(found.values())[:2] == [
        "Barking and Dagenham (London borough)",
        "City of London (city corporation)",
    ]
    assert found["E06000001"] == "Hartlepool (unitary)"


def test_header_facts(con):
    header = council.header(con, "E06000001")
    assert header.name == "Hartlepool"
    assert header.facts == (
        "unitary · region: North East · footprint: Tees Valley · "
        "Centre of Service Innovation: North · GSS code E06000001"
    )
    # a council in no footprint says so
    assert "footprint: none" in council.header(con, "E10000014").facts
    # councils like it: the same type, nearest in population (Middlesbrough is the only
    # other unitary council of places_small)
    assert header.like == (
        "Councils like it: the unitary council nearest in population (2020 estimates): "
        "Middlesbrough."
    )
    assert council.header(con, "E09000001").like == (
        "Councils like it: no other city corporation to compare with."
    )


def test_tables_standards_and_missing_returns(con):
    tables = council.tables(con, "E06000001", "2026-Q3")
    assert tables.standards.splitlines()[0] == "| Core standard | Status | Reported in | Note |"
    standards = rows(tables.standards)
    assert len(standards) == 7 and {r[1] for r in standards} == {"adopted"}
    # survey and workforce both missing 2025-Q3 .. 2026-Q2: 4 quarters each
    missing = rows(tables.missing)
    assert len(missing) == 8
    assert [r[1] for r in missing if r[0] == "survey"] == [
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
    ]


def test_charts_one_per_series(con):
    charts = council.charts(con, "E06000001", "2026-Q3")
    assert [c.key for c in charts] == [
        "data_maturity",
        "standards_adopted",
        "sme_share",
        "workforce_share",
    ]
    maturity = charts[0]
    assert maturity.reported and maturity.figure is not None
    assert [t.name for t in maturity.figure.data] == [
        "Hartlepool",
        "1 unitary council like it",
        "North East (region)",
        "England",
    ]
    # its own returns, 2025-Q2 and 2026-Q3; the quarters between are gaps, not zeros
    assert list(maturity.figure.data[0].x) == [
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    assert list(maturity.figure.data[0].y) == [2.0, None, None, None, None, 4.0]
    # Middlesbrough: 3 in 2025-Q2 and 2026-Q1
    assert list(maturity.figure.data[1].y) == [3.0, None, None, 3.0, None, None]
    # a score on its whole scale, ticks on whole quarters
    lo, hi = maturity.figure.layout.yaxis.range
    assert lo <= 1 and hi >= 5 and maturity.figure.layout.yaxis.dtick == 1
    title = maturity.figure.layout.title.text.replace("<br>", " ")
    assert title.startswith("Data maturity (1 to 5): Hartlepool 4.00")
    assert maturity.table_markdown.startswith("| Quarter | Hartlepool |")
    assert maturity.note is None
    assert charts[3].note == (
        "Figures resting on fewer than five people are shown as <5 and not drawn."
    )


def test_a_council_that_never_reported(con):
    charts = council.charts(con, "E09000002", "2026-Q3")
    assert not any(c.reported for c in charts)
    assert len(rows(council.tables(con, "E09000002", "2026-Q3").missing)) == 12  # 6 quarters x 2


def test_uploaded_names_are_shown_as_text_not_markdown(con):
    # A councils upload can carry any name: an image link would make every viewer's
    # browser fetch it if the name reached st.markdown as it is.
    con.execute(
        "UPDATE councils SET name = ?, footprint_name = ? WHERE council_code = 'E06000001'",
        ["![p](http://host/p.png) *Hartlepool*", "[Tees](http://host/) <b>Valley</b>"],
    )
    header = council.header(con, "E06000001")
    assert header.name == "![p](http://host/p.png) *Hartlepool*"  # the value itself, as stored
    assert header.name_md == r"\!\[p\]\(http&#58;//host/p\.png\) \*Hartlepool\*"
    assert r"footprint: \[Tees\]\(http&#58;//host/\) \<b\>Valley\</b\>" in header.facts_md
    for text in (header.name_md, header.facts_md):
        assert "](" not in text and "<b>" not in text and "http:" not in text


def test_markdown_table_escapes_uploaded_cells_only_when_asked():
    from viewmodels.text import markdown_table

    rows_ = [{"a": "![x](http://h/x.png)", "b": "`code`"}]
    shown = markdown_table(rows_, {"a": "A", "b": "B"}, escape=True)
    assert shown.splitlines()[2] == r"| \!\[x\]\(http&#58;//h/x.png\) | \`code\` |"
    assert markdown_table(rows_, {"a": "A", "b": "B"}).splitlines()[2] == (
        "| ![x](http://h/x.png) | `code` |"
    )
