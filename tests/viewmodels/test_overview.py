"""viewmodels.overview on pages_small (tests/factory.py): the numbers by hand.

Baseline 2025-Q2 (t0), deadline 2030-Q4: 22 quarters; 2026-Q3 is 5 quarters in.
"""

from __future__ import annotations

import pytest

from viewmodels import overview


@pytest.fixture
def themes(connected):
    return overview.themes(connected("pages_small"), "2026-Q3")


def cards(themes) -> dict:
    return {item.card.id: item for theme in themes for item in theme.cards}


def test_themes_in_configured_order_with_their_measures(themes, cfg):
    assert [t.id for t in themes] == list(cfg.themes)
    for theme in themes:
        assert [i.card.id for i in theme.cards] == [
            m.id for m in cfg.measures.values() if m.theme == theme.id
        ]


def test_card_of_a_count_measure(themes):
    ceos = cards(themes)["digital_ceos"]
    c = ceos.card
    # Hartlepool and City of London report yes in 2026-Q3 -> 2; only Hartlepool in 2026-Q2
    assert c.value == "2"
    assert c.change == "+1 since 2026-Q2"
    assert c.coverage == "4 of 4 councils reporting"
    # E = (10 - 0) x 5 / 22 = 2.27; R = 2 / 2.27 = 0.88 -> acceleration needed
    assert (c.status, c.status_label, c.status_colour) == (
        "acceleration_needed",
        "Acceleration needed",
        "orange",
    )
    assert c.target == "target 10 by 2030-Q4"
    assert c.progress == pytest.approx(0.2)  # 2 of the way from 0 to 10
    # 2025-Q1 .. 2026-Q3: survey returns only in 2025-Q2 (nobody yes), 2026-Q2 (Hartlepool)
    # and 2026-Q3 (and City of London): the other quarters have no figure, never 0
    assert c.spark == (None, 0, None, None, None, 1, 2)
    assert ceos.figure is not None
    # the sparkline starts at the first quarter with data and leaves gaps
    assert list(ceos.figure.data[0].y) == [0, None, None, None, 1, 2]
    assert ceos.figure.data[0].connectgaps is False


def test_card_values_by_hand(themes):
    v = {k: item.card.value for k, item in cards(themes).items()}
    assert v["sme_spend_share"] == "25.0%"  # (40k + 30k + 20k + 10k) / 400k
    assert v["underrepresented_uplift"] == "up 25.0% on the baseline"  # 16/80 = 20% -> 20/80 = 25%
    assert v["data_maturity"] == "3.00"  # (4 + 3 + 3 + 2) / 4
    assert v["coordinating_institute"] == "not yet"


def test_milestones_have_no_sparkline(themes):
    item = cards(themes)["coordinating_institute"]
    assert item.card.spark == () and item.figure is None


def test_an_earlier_quarter(connected):
    found = cards(overview.themes(connected("pages_small"), "2026-Q2"))
    assert found["digital_ceos"].card.value == "1"
    assert found["sme_spend_share"].card.value == "22.5%"  # (30 + 20 + 20 + 20) / 400
    # the change is from the latest quarter before with survey returns: 2025-Q2
    assert found["digital_ceos"].card.change == "+1 since 2025-Q2"
