"""Charts as vector SVG through kaleido, all of them in one Kaleido (Chromium) session.

    svgs = render_svgs([(fig, 680, 300), ...])     # SVG text, in order
    inline(svg, "c3", alt="Expected 4.18 by ...")  # ready to put inside HTML

kaleido runs Chromium (Debian's /usr/bin/chromium when it is there, else whatever
choreographer finds). MathJax is switched off so that nothing is fetched from the
network: plotly.js comes from the installed plotly package.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import plotly.graph_objects as go

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
CHART_WIDTH = 680
CHART_HEIGHT = 270
MILESTONE_HEIGHT = 150
# Fixed margins (CSS px) with room for the axis titles and tick labels: the static image
# must hold everything that plotly's automatic margins would add in a browser.
CHART_MARGIN = dict(l=72, r=28, t=14, b=36)
MILESTONE_MARGIN = dict(l=84, r=28, t=10, b=40)
# Tabs kaleido renders in at once (the charts are independent).
TABS = 2

Chart = tuple[go.Figure, int, int]  # figure, width and height in CSS pixels


def chromium_path() -> str | None:
    return CHROMIUM if os.path.exists(CHROMIUM) else None


def kaleido_options() -> dict[str, Any]:
    opts: dict[str, Any] = {"n": TABS, "mathjax": False}
    if path := chromium_path():
        opts["path"] = path
    return opts


class Renderer:
    """One Kaleido session, opened ahead (``start()``) so Chromium comes up while other
    work goes on, then used for every chart and closed.

        r = Renderer(); r.start()        # inside a running event loop
        svgs = await r.render(charts)
        await r.close()
    """

    def __init__(self) -> None:
        self._kaleido: Any = None
        self._opening: asyncio.Task | None = None

    def start(self) -> None:
        import kaleido

        self._kaleido = kaleido.Kaleido(**kaleido_options())
        self._opening = asyncio.ensure_future(self._kaleido.open())

    async def render(self, charts: Sequence[Chart]) -> list[str]:
        if self._opening is None:
            self.start()
        assert self._opening is not None
        await self._opening
        out = await asyncio.gather(
            *(
                self._kaleido.calc_fig(fig, opts={"format": "svg", "width": w, "height": h})
                for fig, w, h in charts
            )
        )
        return [b.decode("utf-8") if isinstance(b, bytes) else str(b) for b in out]

    async def close(self) -> None:
        if self._opening is None:
            return
        try:
            await self._opening
        except Exception:  # it never opened: nothing to close but its leftovers
            pass
        await self._kaleido.__aexit__(None, None, None)
        self._opening = None


async def render_svgs_async(charts: Sequence[Chart]) -> list[str]:
    """Every chart as SVG text, rendered in one Kaleido session."""
    if not charts:
        return []
    renderer = Renderer()
    try:
        return await renderer.render(charts)
    finally:
        await renderer.close()


def render_svgs(charts: Sequence[Chart]) -> list[str]:
    """render_svgs_async, blocking (in a worker thread when an event loop is running)."""
    return run(render_svgs_async(charts))


def run(coro):
    """asyncio.run(coro), also from inside a running event loop (in a worker thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


_ID = re.compile(r'\bid="([^"]+)"')


def inline(svg: str, key: str, *, alt: str) -> str:
    """``svg`` made safe to sit inside an HTML page beside other charts: its ids (and the
    references to them) prefixed with ``key``, scaled to its container, announced as one
    image whose accessible name is ``alt`` (also its <title>)."""
    text = svg.strip()
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2 :].lstrip()
    for old in sorted(set(_ID.findall(text)), key=len, reverse=True):
        new = f"{key}-{old}"
        text = text.replace(f'id="{old}"', f'id="{new}"')
        text = text.replace(f"url(#{old})", f"url(#{new})")
        text = text.replace(f'href="#{old}"', f'href="#{new}"')
    text = re.sub(r'\sstyle=""', "", text, count=1)
    label = html.escape(alt, quote=True)
    head_end = text.index(">")
    head = text[:head_end]
    head = re.sub(r'\swidth="[^"]*"', "", head, count=1)
    head = re.sub(r'\sheight="[^"]*"', "", head, count=1)
    head += f' role="img" aria-label="{label}" class="chart" preserveAspectRatio="xMidYMid meet"'
    return head + f"><title>{html.escape(alt, quote=False)}</title>" + text[head_end + 1 :]


# ---------------------------------------------------------------- the pack's charts


def legend_text(figure: go.Figure | None) -> str:
    """What each trace of a chart is and how it is drawn: 'actual (solid line with dots),
    straight path to target (dashed), ...'."""
    if figure is None:
        return ""
    parts = []
    for trace in figure.data:
        name = str(trace.name or "")
        name = name[:1].lower() + name[1:]
        line = getattr(trace, "line", None)
        dash = getattr(line, "dash", None) if line is not None else None
        mode = str(getattr(trace, "mode", "") or "")
        marker = getattr(trace, "marker", None)
        symbol = getattr(marker, "symbol", None) if marker is not None else None
        if name == "achieved?":
            parts.append("achieved (1) or not yet (0), quarter by quarter (solid line with dots)")
        elif mode == "markers":
            shape = {"diamond": "diamond", "star": "star"}.get(str(symbol), "marker")
            parts.append(f"{name} ({shape})")
        elif dash in ("dash", "dot"):
            end = ", ending in a triangle" if name.startswith("projection") else ""
            parts.append(f"{name} ({'dashed' if dash == 'dash' else 'dotted'}{end})")
        else:
            parts.append(f"{name} (solid line with dots)")
    return ", ".join(parts)
