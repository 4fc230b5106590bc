"""ui.plotly_json: st.plotly_chart's plotly.io.to_json hands back a frozen figure's JSON
encoded once; every other figure and setting goes to plotly unchanged."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from metrics import charts, figures
from ui import plotly_json


@pytest.fixture
def installed(monkeypatch):
    """plotly.io.to_json with the wrapper in front, put back after the test."""
    monkeypatch.setattr(pio, "to_json", getattr(pio.to_json, "plotly_to_json", pio.to_json))
    assert not plotly_json.installed()
    plotly_json.install()
    plotly_json.install()  # a second call changes nothing
    assert plotly_json.installed()
    assert not hasattr(pio.to_json.plotly_to_json, "plotly_to_json")  # wrapped once only
    return pio.to_json


def test_frozen_figure_is_encoded_once_and_as_plotly_encodes_it(installed):
    fig = charts.lines({"England": [("2025-Q2", 1.0), ("2025-Q3", 2.5)]}, unit="percent", title="t")
    frozen = figures.frozen(fig)
    first = pio.to_json(frozen, validate=False)  # as st.plotly_chart asks
    assert first == pio.to_json.plotly_to_json(frozen, validate=False)  # plotly's own encoder
    assert json.loads(first) == json.loads(pio.to_json.plotly_to_json(fig, validate=False))
    assert pio.to_json(frozen, validate=False) is first  # the same string: not encoded again
    # st.plotly_chart encodes the figure's to_dict(): the same string again
    assert pio.to_json(frozen.to_dict(), validate=False) is first
    assert pio.to_json(dict(frozen.to_dict()), validate=False) == first  # a plain dict: anew
    assert pio.to_json(dict(frozen.to_dict()), validate=False) is not first
    assert json.loads(first)["data"][0]["y"] == [1.0, 2.5]
    # other figures and other settings go to plotly unchanged
    other = go.Figure(go.Scatter(x=[1], y=[2]))
    assert pio.to_json(other) == pio.to_json.plotly_to_json(other)
    assert (
        pio.to_json(frozen, pretty=True) == pio.to_json.plotly_to_json(frozen, pretty=True) != first
    )


def test_importing_the_glue_installs_nothing():
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "import plotly.io as pio, metrics.figures, ui, ui.cache, ui.plotly_json; "
        "print(hasattr(pio.to_json, 'plotly_to_json'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
