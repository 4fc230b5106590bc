"""Frozen figures: a finished plotly figure whose dict and JSON are worked out once, with
its text alternative.

    fig = frozen(charts.lines(...))       # change it no more
    fig.alt                               # what it shows, in words (metrics.chart_text)
    frozen_json(fig.to_dict())            # plotly's own JSON, encoded once and kept

metrics.figures re-exports these names (``figures.frozen``, ``figures.FrozenFigure``).
"""

from __future__ import annotations

import plotly.graph_objects as go


class FrozenFigure(go.Figure):
    """A finished figure shown on many reruns: its ``to_dict()`` and its JSON are worked
    out once and shared. st.plotly_chart calls plotly.io.to_json on every rerun, which
    deep-copies every value and encodes it again (for a map, every boundary coordinate:
    about 1.3 ms). Make one with ``frozen(fig)`` after the last change; change it no
    more, and never change what to_dict() returns. ``alt``: its text alternative (a
    summary metrics.chart_text makes from the figure, unless the builder gave one)."""

    _alt = ""

    @property
    def alt(self) -> str:
        return self._alt

    def to_dict(self):
        if self._frozen is None:
            self._frozen = FrozenDict(super().to_dict())
        return self._frozen


class FrozenDict(dict):
    """What FrozenFigure.to_dict() returns (st.plotly_chart encodes that dict, not the
    figure): a dict that keeps its JSON once encoded (``frozen_json``)."""

    __slots__ = ("json",)
    json: str | None


def frozen(fig: go.Figure, alt: str | None = None, what: str | None = None) -> FrozenFigure:
    """``fig`` as a FrozenFigure (its values are not validated again), with ``alt`` as
    its text alternative (default: metrics.chart_text.describe of the figure, which says
    what it shows with ``what`` or else the figure's title)."""
    from metrics.chart_text import describe

    out = FrozenFigure(fig.to_dict(), _validate=False)
    out._frozen = None
    out.to_dict().json = None
    out._alt = alt or describe(fig, what)
    return out


def frozen_json(spec: FrozenDict) -> str:
    """The JSON of a frozen figure's dict, as ``plotly.io.to_json(spec, validate=False)``
    gives it (plotly's own encoder), worked out on the first call and kept in ``spec``.
    Nothing here changes plotly: ui.plotly_json hands this string to st.plotly_chart."""
    found = getattr(spec, "json", None)
    if found is None:
        from plotly.io.json import to_json  # plotly's encoder, never a replacement

        found = spec.json = to_json(spec, validate=False)
    return found
