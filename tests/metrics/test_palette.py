"""Chart colours against white (WCAG 2.2): marks need 3:1 (1.4.11 non-text contrast),
text 4.5:1 (1.4.3). The palette is metrics.figures' (the Government Analysis Function's
colours); maps use the same module's scales."""

from __future__ import annotations

import pytest

from metrics import charts, figures, maps

WHITE = "#FFFFFF"


def luminance(colour: str) -> float:
    """WCAG relative luminance of '#RRGGBB'."""
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str = WHITE) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def mix(a: str, b: str, t: float) -> str:
    """The colour ``t`` of the way from ``a`` to ``b`` (plotly interpolates in RGB)."""
    pa = [int(a.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    pb = [int(b.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(pa, pb))


def scale_steps(scale, n: int = 11) -> list[str]:
    (_, first), (_, last) = scale[0], scale[-1]
    return [mix(first, last, i / (n - 1)) for i in range(n)]


def test_the_known_ratios():
    assert contrast("#828180") == pytest.approx(3.88, abs=0.01)  # Streamlit's old caption grey
    assert contrast("#000000") == pytest.approx(21.0)


@pytest.mark.parametrize(
    "colour, ratio",
    [
        ("#12436D", 10.25),  # dark blue
        ("#28A197", 3.17),  # turquoise
        ("#801650", 9.77),  # dark pink
        ("#F46A25", 3.03),  # orange
        ("#3D3D3D", 10.86),  # dark grey
        ("#A285D1", 3.08),  # plum
    ],
)
def test_each_analysis_function_colour(colour, ratio):
    assert colour in figures.PALETTE
    assert contrast(colour) == pytest.approx(ratio, abs=0.01)
    assert contrast(colour) >= 3.0  # all six pass for marks


def test_every_mark_colour_has_3_to_1():
    assert len(figures.PALETTE) == 6
    assert all(contrast(c) >= 3.0 for c in figures.PALETTE)


def test_text_colours_have_4_5_to_1_and_the_rest_are_marks_only():
    assert all(contrast(c) >= 4.5 for c in figures.TEXT_COLOURS)
    marks_only = {figures.TURQUOISE, figures.ORANGE, figures.PLUM}
    assert all(contrast(c) < 4.5 for c in marks_only)
    assert not marks_only & set(figures.TEXT_COLOURS)
    assert contrast(figures.ORANGE_TEXT) >= 4.5  # orange darkened for text


def test_map_classes_3_to_1_apart_from_no_data_and_from_each_other():
    assert maps.NO_DATA_FILL == figures.NO_DATA
    for colour in figures.MAP_CLASSES + figures.MAP_YES_NO:
        assert contrast(colour) >= 3.0, colour
        assert contrast(colour, figures.NO_DATA) >= 2.5, colour  # no data: the only light area
    # light to dark, each class darker than the one before (lightness alone orders them)
    lum = [luminance(c) for c in figures.MAP_CLASSES]
    assert lum == sorted(lum, reverse=True)
    assert all(contrast(a, b) >= 1.3 for a, b in zip(figures.MAP_CLASSES, figures.MAP_CLASSES[1:]))
    no, yes = figures.MAP_YES_NO
    assert contrast(no, yes) >= 3.0  # yes and no told apart at a glance


def test_heatmap_text_readable_on_every_cell():
    for step in scale_steps(figures.HEAT):
        assert contrast(figures.TEXT, step) >= 4.5, step


def _colours(fig) -> tuple[set[str], set[str]]:
    """(mark colours, text colours) a figure sets explicitly."""
    marks, texts = set(), set()
    for t in fig.to_dict()["data"]:
        for part in ("line", "marker"):
            c = (t.get(part) or {}).get("color")
            if isinstance(c, str):
                marks.add(c.upper())
    for a in fig.to_dict()["layout"].get("annotations", []):
        c = (a.get("font") or {}).get("color")
        if c:
            texts.add(c.upper())
    for s in fig.to_dict()["layout"].get("shapes", []):
        c = (s.get("line") or {}).get("color")
        if c:
            marks.add(c.upper())
    return marks, texts


def test_builders_draw_only_palette_marks_and_text_colours():
    row = {
        "unit": "count",
        "baseline": 1,
        "baseline_quarter": "2025-Q2",
        "target": 15,
        "deadline": "2030-Q4",
        "projected_at_deadline": 9,
        "quarter": "2026-Q3",
    }
    built = [
        figures.trajectory(row, [("2025-Q2", 1), ("2026-Q3", 3)], title="T"),
        charts.breakdown(["a", "b"], [1, 2], unit="count", target=3),
        charts.breakdown(["a", "b"], [1, 2], unit="count", target=[2, 3]),
        charts.lines({str(i): [("2025-Q2", i)] for i in range(8)}, unit="count"),
        figures.milestone_steps([("2025-Q2", 0), ("2026-Q3", 1)]),
        charts.sparkline([1, 2, 3]),
    ]
    allowed_marks = {c.upper() for c in figures.PALETTE + figures.TEXT_COLOURS}
    allowed_text = {c.upper() for c in figures.TEXT_COLOURS}
    for fig in built:
        marks, texts = _colours(fig)
        assert marks <= allowed_marks, marks - allowed_marks
        assert texts <= allowed_text, texts - allowed_text
