"""viewmodels.text on summary rows written by hand (no database)."""

from __future__ import annotations

import math

import pytest

from viewmodels import text

# A percent measure: baseline 20% in 2025-Q2, target 33% by 2030-Q4, 25% now, 22.5% before.
SME = {
    "id": "sme_spend_share",
    "title": "Digital spend with SMEs",
    "unit": "percent",
    "quarter": "2026-Q3",
    "value": 25.0,
    "previous_value": 22.5,
    "baseline": 20.0,
    "baseline_quarter": "2025-Q2",
    "target": 33.0,
    "deadline": "2030-Q4",
    "status": "on_track",
    "direction": None,
    "coverage_reporting": 4,
    "coverage_total": 4,
}


def test_card_of_a_percent_measure():
    c = text.card(SME, [20.0, None, 25.0])
    assert c.value == "25.0%"
    assert c.target == "target 33% by 2030-Q4"
    assert (c.status, c.status_label, c.status_icon, c.status_colour) == (
        "on_track",
        "On track",
        ":material/check_circle:",
        "green",
    )
    # (25 - 20) / (33 - 20) = 0.3846...
    assert c.progress == pytest.approx(5 / 13)
    assert c.progress_text == "38% of the way from the baseline (20.0%) to the target"
    assert c.change == "+2.5 points since 2026-Q2"
    assert c.coverage == "4 of 4 councils reporting"
    assert c.headline == (
        ":gray[:small[target 33% by 2030-Q4]]  \n:green-badge[:material/check_circle: On track]"
    )
    assert c.footnote == ":gray[:small[+2.5 points since 2026-Q2 · 4 of 4 councils reporting]]"
    assert c.spark == (20.0, None, 25.0)
    assert c.markdown.startswith(
        '**Digital spend with SMEs**\n\n<span style="font-size: 2.25rem; line-height: 1.25">'
        "25.0%</span>\n\n"
    )


def test_card_markdown_escapes_every_part():
    md = text.card_markdown("<b>A</b> & B", "1 < 2", "h", "f")
    assert md == (
        '**&lt;b&gt;A&lt;/b&gt; &amp; B**\n\n<span style="font-size: 2.25rem; '
        'line-height: 1.25">1 &lt; 2</span>\n\nh  \nf'
    )


def test_tracked_measure_shows_its_direction_and_no_progress():
    row = {**SME, "target": None, "status": "tracked", "direction": "worsening", "value": 20.0}
    c = text.card(row)
    assert (c.status, c.status_label, c.status_colour) == ("worsening", "Worsening", "red")
    assert c.status_icon == ":material/trending_down:"
    assert c.target == "tracked: no target"
    assert c.progress is None and c.progress_text is None
    assert c.change == "-2.5 points since 2026-Q2"


def test_a_relative_change_is_written_as_one():
    row = {**SME, "id": "underrepresented_uplift", "value": 25.0, "target": 20.0}
    assert text.value_text(row) == "up 25.0% on the baseline"
    assert text.target_text(row) == "target: up 20% on the baseline by 2030-Q4"
    assert text.value_text({**row, "value": -3.0}) == "down 3.0% on the baseline"
    # its method says so too (the registry), whatever the measure is called
    other = {**SME, "id": "x", "method": "workforce_uplift", "value": 6.0}
    assert text.value_text(other) == "up 6.0% on the baseline"
    # a change of a rate is in points: never "+2.5%"
    assert text.change_text({**row, "previous_value": 22.5}) == "+2.5 points since 2026-Q2"


def test_milestone_texts():
    row = {
        "id": "coordinating_institute",
        "unit": "milestone",
        "quarter": "2026-Q3",
        "value": 1.0,
        "previous_value": 0.0,
        "status": "achieved",
        "deadline": "2028-Q4",
    }
    assert text.value_text(row) == "achieved"
    assert text.target_text(row) == "target: in place by 2028-Q4"
    assert text.change_text(row) == "achieved since 2026-Q2"
    assert text.progress_fraction(row) == 1.0 and text.progress_text(row) == "in place"
    assert text.change_text({**row, "value": 0.0, "status": "not_yet"}) == "no change since 2026-Q2"


def test_missing_values_say_so():
    row = {**SME, "value": math.nan, "previous_value": None, "coverage_total": None}
    assert text.value_text(row) == "no data"
    assert text.change_text(row) == "no figure for this quarter yet"
    assert (
        text.change_text({**SME, "previous_value": math.nan})
        == "nothing to compare with in 2026-Q2"
    )
    assert text.coverage_text(row) is None
    assert text.status_label(None) == "No status"
    assert text.status_label("something_new") == "Something new"


def test_levels_and_by():
    assert list(text.LEVELS) == ["national", "region", "footprint", "centre", "council_type"]
    assert text.by("national") is None and text.by(None) is None
    assert text.by("region") == "region"
    assert text.quarter_label("2026-Q3") == "Jul-Sep 2026"


def test_markdown_table_and_escaping():
    table = text.markdown_table([{"a": "x|y", "b": "two\nlines"}, {"a": 1}], {"a": "A", "b": "B"})
    assert table.splitlines() == ["| A | B |", "|---|---|", "| x\\|y | two lines |", "| 1 |  |"]
    assert text.escape_markdown("[a](b) *c*") == "\\[a\\]\\(b\\) \\*c\\*"
