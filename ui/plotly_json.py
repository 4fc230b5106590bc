"""st.plotly_chart with frozen figures encoded once (metrics.figures.frozen).

st.plotly_chart calls ``plotly.io.to_json(figure, validate=False)`` on every rerun, which
encodes every value again (for a map, every boundary coordinate: about 1.3 ms).
``install()`` puts a wrapper in front of plotly.io.to_json, once per process: a
FrozenFigure or its to_dict() (a FrozenDict) with the settings st.plotly_chart uses gets
the string metrics.figures.frozen_json keeps; every other call, figure and setting goes
to plotly's own to_json unchanged. dashboard.py calls install() on every run (a no-op
after the first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from metrics import figures


def json_once(to_json: Callable[..., Any]) -> Callable[..., Any]:
    """plotly.io.to_json that hands back a frozen figure's JSON encoded once; every other
    call goes to ``to_json`` (plotly's own) unchanged. ``.plotly_to_json`` is plotly's."""

    def wrapper(
        fig: Any,
        validate: bool = True,
        pretty: bool = False,
        remove_uids: bool = True,
        engine: str | None = None,
    ) -> Any:
        spec = fig.to_dict() if isinstance(fig, figures.FrozenFigure) else fig
        if isinstance(spec, figures.FrozenDict) and not pretty and remove_uids and engine is None:
            return figures.frozen_json(spec)
        return to_json(
            fig, validate=validate, pretty=pretty, remove_uids=remove_uids, engine=engine
        )

    wrapper.plotly_to_json = to_json  # type: ignore[attr-defined]
    return wrapper


def install() -> None:
    """Put json_once in front of plotly.io.to_json (once per process)."""
    import plotly.io as pio

    if not hasattr(pio.to_json, "plotly_to_json"):
        pio.to_json = json_once(pio.to_json)


def installed() -> bool:
    import plotly.io as pio

    return hasattr(pio.to_json, "plotly_to_json")
