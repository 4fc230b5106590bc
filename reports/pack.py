"""The board pack's content, as dataclasses (reports.collect fills them, reports.render
writes them out): the cover, the glance, one block per theme and measure, the places
table, coverage, the methodology and the batches the pack rests on."""

from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go

from metrics import glance as G
from reports.charts import CHART_HEIGHT, CHART_WIDTH
from reports.scope import Scope
from viewmodels.methodology import Band, Fact, Step

TITLE = "Blueprint Tracker board pack"


@dataclass
class MeasureBlock:
    id: str
    title: str
    definition: str
    line: G.MeasureLine  # the scope's figures (England's when national_only)
    national_only: bool  # a scoped pack, and the measure is not cut by the scope's level
    england: G.MeasureLine | None  # England's figures beside a scope's
    formula: str
    facts: tuple[Fact, ...]
    workings: tuple[Step, ...]
    chart_key: str
    chart_alt: str
    figure: go.Figure | None = field(default=None, repr=False)
    chart_size: tuple[int, int] = (CHART_WIDTH, CHART_HEIGHT)
    chart_caption: str = ""  # what each line and marker is (so the chart reads without colour)
    chart_svg: str = ""  # inline SVG once rendered


@dataclass
class ThemeBlock:
    id: str
    title: str
    vision: str
    measures: list[MeasureBlock]


@dataclass(frozen=True)
class Cell:
    value: str
    status: str = ""


@dataclass
class PlacesTable:
    caption: str
    corner: str  # heading of the first column
    columns: list[str]
    rows: list[tuple[str, list[Cell]]]  # row heading, one cell per column
    note: str = ""
    emphasis: str | None = None  # the row heading to emphasise (England, the scope)


@dataclass(frozen=True)
class BatchInfo:
    batch_id: int
    kind: str
    file_name: str
    uploaded_at: str
    uploaded_by: str
    demo: bool


@dataclass
class Coverage:
    measures: list[dict[str, str]]  # measure, scope, england
    returns: list[dict[str, str]]  # region, survey, workforce
    returns_quarter: str


@dataclass
class BoardPack:
    title: str
    quarter: str
    previous_quarter: str | None
    scope: Scope
    demo: bool
    made_at: str
    batches: list[BatchInfo]
    glance: G.Glance
    themes: list[ThemeBlock]
    places: PlacesTable
    coverage: Coverage
    bands: tuple[Band, ...]
    sources: list[dict[str, str]]
    baseline_quarter: str
    deadline: str
    not_by_group: list[str]  # titles of the measures shown for England in a scoped pack

    @property
    def scope_label(self) -> str:
        return self.scope.label

    @property
    def batches_text(self) -> str:
        """'25 batches (1 to 25), uploaded 2026-11-29 19:24 to 2026-11-29 19:25'."""
        if not self.batches:
            return "no uploaded batches (reference geography only)"
        ids = sorted(b.batch_id for b in self.batches)
        times = sorted(b.uploaded_at for b in self.batches)
        n = len(ids)
        numbers = f"{ids[0]} to {ids[-1]}" if n > 1 else f"{ids[0]}"
        when = f"uploaded {times[0]}" + (f" to {times[-1]}" if times[-1] != times[0] else "")
        demo = sum(1 for b in self.batches if b.demo)
        kinds = sorted({b.kind for b in self.batches})
        tail = f"; {demo} of them demo data" if demo else ""
        return (
            f"{n} batch{'es' if n != 1 else ''} (number{'s' if n != 1 else ''} {numbers}: "
            f"{', '.join(kinds)}), {when}{tail}"
        )
