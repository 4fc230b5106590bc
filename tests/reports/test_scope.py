"""reports.scope: scope text -> the group metrics.summary uses; reports.charts.inline."""

from __future__ import annotations

import pytest

from reports import charts
from reports.scope import ENGLAND, ScopeError, resolve
from store.db import connect


@pytest.fixture(scope="module")
def con(small_db):
    with connect(small_db) as c:
        yield c


@pytest.mark.parametrize("text", [None, "", "england", "England", "national"])
def test_england(con, text):
    assert resolve(con, text) == ENGLAND
    assert (ENGLAND.label, ENGLAND.text, ENGLAND.national) == ("England", "england", True)


@pytest.mark.parametrize(
    "text, level, code, name",
    [
        ("region:E12000001", "region", "E12000001", "North East"),
        ("region:north east", "region", "E12000001", "North East"),
        ("footprint:e47000006", "footprint", "E47000006", "Tees Valley"),
        ("centre:north", "centre", "north", "North Centre"),
        ("centre:North Centre", "centre", "north", "North Centre"),
    ],
)
def test_known_scopes(con, text, level, code, name):
    s = resolve(con, text)
    assert (s.level, s.code, s.name, s.group) == (level, code, name, name)
    assert resolve(con, s.text) == s


def test_labels(con):
    assert resolve(con, "region:E12000001").label == "North East (region E12000001)"
    assert resolve(con, "centre:north").label == "North Centre (Centre of Service Innovation)"


def test_unknown_code_names_the_choices(con):
    with pytest.raises(ScopeError) as err:
        resolve(con, "footprint:E47000999")
    assert str(err.value) == (
        "Unknown footprint 'E47000999': the database has no footprint (combined or strategic "
        "authority) with that code or name. Use one of: E47000001 (Greater Manchester); "
        "E47000006 (Tees Valley)."
    )


@pytest.mark.parametrize("text", ["county:E10000001", "E47000001", "footprint:", "region"])
def test_unreadable_scope_text(con, text):
    with pytest.raises(ScopeError, match="use england, region:<code>, footprint:<code> or centre"):
        resolve(con, text)


def test_inline_svg_is_one_labelled_image_with_its_own_ids():
    svg = (
        '<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" width="680" height="270" '
        'style="" viewBox="0 0 680 270"><defs id="defs-ab12"><clipPath id="clipab12xy">'
        '<rect/></clipPath></defs><g clip-path="url(#clipab12xy)"/><use href="#clipab12xy"/>'
        "</svg>"
    )
    out = charts.inline(svg, "chart-x", alt='Expected 3 by 2026-Q3 & "more"')
    assert out.startswith('<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" ')
    assert 'width="680"' not in out and 'height="270"' not in out and 'style=""' not in out
    assert 'viewBox="0 0 680 270"' in out
    assert 'role="img" aria-label="Expected 3 by 2026-Q3 &amp; &quot;more&quot;"' in out
    assert '<title>Expected 3 by 2026-Q3 &amp; "more"</title>' in out
    assert 'id="chart-x-clipab12xy"' in out and "url(#chart-x-clipab12xy)" in out
    assert 'href="#chart-x-clipab12xy"' in out and 'id="chart-x-defs-ab12"' in out
    assert 'id="clipab12xy"' not in out
