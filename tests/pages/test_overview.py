"""Overview page against the pages_small database (tests/factory.py), figures by hand.

Time: baseline 2025-Q2 (t0), deadline 2030-Q4 (D): D - t0 = 22 quarters; 2026-Q3 is
t - t0 = 5 quarters after the baseline, 2026-Q2 is 4.
"""

from __future__ import annotations

import re

from tests.pages.helpers import chart, has_text

VALUE = re.compile(r'<span style="font-size: 2.25rem; line-height: 1.25">(.*?)</span>')


def card_texts(at) -> list[str]:
    """Each card's markdown block (title, value, target, status, change), in page order."""
    return [m.value for m in at.markdown if VALUE.search(m.value)]


def cards(at) -> dict[str, dict]:
    """Each card's value by measure id, in configured order (the cards follow it)."""
    from metrics import config

    ids = [
        m.id for t in config.load().themes for m in config.load().measures.values() if m.theme == t
    ]
    values = [VALUE.search(t).group(1) for t in card_texts(at)]
    assert len(values) == len(ids)
    return {i: {"value": v} for i, v in zip(ids, values)}


def test_latest_quarter_every_measure(app_at, make_db):
    at = app_at(make_db("pages_small"))
    assert not at.exception
    v = {k: c["value"] for k, c in cards(at).items()}
    # digital_ceos: Hartlepool and City of London report yes in 2026-Q3 -> 2
    assert v["digital_ceos"] == "2"
    # sme_spend_share: (40k + 30k + 20k + 10k) / (4 x 100k) = 25.0%
    assert v["sme_spend_share"] == "25.0%"
    # data_exchanges: EX-1 successful with a standard and a partner; EX-2 has no standard -> 1
    assert v["data_exchanges"] == "1"
    # centres: CSI-1 achieved 2026-Q2, CSI-2 achieved 2026-Q3 -> 2
    assert v["centres_of_service_innovation"] == "2"
    # uplift: share 16/80 = 20% at baseline, 20/80 = 25% now (like for like): a relative
    # change, written as one
    assert v["underrepresented_uplift"] == "up 25.0% on the baseline"
    # standards: Hartlepool adopts all core standards: 1 of 4 councils = 25.0%
    assert v["standards_adoption"] == "25.0%"
    # data maturity: (4 + 3 + 3 + 2) / 4 = 3.00
    assert v["data_maturity"] == "3.00"
    assert v["coordinating_institute"] == "not yet"


def test_status_in_words_and_icon_progress_and_change(app_at, make_db):
    at = app_at(make_db("pages_small"))
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    has = lambda text: any(text in b for b in badges)  # noqa: E731
    # digital_ceos: E = (10 - 0) x 5 / 22 = 2.27, R = 2 / 2.27 = 0.88 -> acceleration needed
    assert has(
        ":gray[:small[target 10 by 2030-Q4]]  \n:orange-badge[:material/speed: Acceleration needed]"
    )
    # sme: E = (33 - 20) x 5 / 22 = 2.95, R = 5 / 2.95 = 1.69 -> on track
    assert has(
        ":gray[:small[target 33% by 2030-Q4]]  \n:green-badge[:material/check_circle: On track]"
    )
    # data exchanges: the register's first entry is in 2026-Q2, after the baseline 2025-Q2:
    # no baseline (never an invented 0), so not enough data to judge progress
    assert has(
        ":gray[:small[target 15 by 2030-Q4]]  \n:gray-badge[:material/help: Not enough data]"
    )
    # tracked measures show their direction, never a status
    assert any("Improving" in b for b in badges)
    bars = [(p.value, p.proto.text) for p in at.get("progress")]
    # digital_ceos 2 of the way from 0 to 10 = 20%; sme (25 - 20) / (33 - 20) = 38%
    assert (20, "20% of the way from the baseline (0) to the target") in bars
    assert (38, "38% of the way from the baseline (20.0%) to the target") in bars
    notes = card_texts(at)
    ids = list(cards(at))
    note = lambda mid: notes[ids.index(mid)]  # noqa: E731
    # digital_ceos 1 -> 2; all four councils answered the question
    assert note("digital_ceos").endswith(
        "  \n:gray[:small[+1 since 2026-Q2 · 4 of 4 councils reporting]]"
    )
    # sme 2026-Q2: (30 + 20 + 20 + 20) / 400 = 22.5% -> +2.5 points; 4 of 4 councils
    assert note("sme_spend_share").endswith(
        "  \n:gray[:small[+2.5 points since 2026-Q2 · 4 of 4 councils reporting]]"
    )
    # data exchanges 0 -> 1; it rests on the register (the 2 councils that lead an
    # exchange: Hartlepool, City of London), never "councils reporting"
    assert note("data_exchanges").endswith(
        "  \n:gray[:small[+1 since 2026-Q2 · the exchanges register (2 lead councils)]]"
    )


def test_sparklines_draw_the_series(app_at, make_db):
    at = app_at(make_db("pages_small"))
    fig = chart(at, "spark-digital_ceos")
    # survey returns in 2025-Q2 (nobody yes), 2026-Q2 (Hartlepool) and 2026-Q3 (and City of
    # London): from the first quarter with data, the quarters between are gaps, never 0
    assert fig["data"][0]["y"] == [0, None, None, None, 1, 2]
    assert not [e for e in at.get("plotly_chart") if e.key == "spark-coordinating_institute"]


def test_quarter_selector_drives_every_figure(app_at, make_db):
    at = app_at(make_db("pages_small"))
    at.sidebar.selectbox(key="quarter").set_value("2026-Q2").run()
    v = {k: c["value"] for k, c in cards(at).items()}
    assert v["digital_ceos"] == "1"  # only Hartlepool
    assert v["sme_spend_share"] == "22.5%"
    assert v["centres_of_service_innovation"] == "1"
    assert chart(at, "spark-digital_ceos")["data"][0]["y"] == [0, None, None, None, 1]
    # changes are measured from the latest earlier quarter with data: the survey's 2025-Q2
    assert has_text(at, "+1 since 2025-Q2")


def test_level_other_than_england_is_explained(app_at, make_db):
    at = app_at(make_db("pages_small"), level="region")
    assert has_text(at, "The overview shows England as a whole")
