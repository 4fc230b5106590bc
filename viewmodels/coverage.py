"""The data coverage page: which councils sent each kind of return in each quarter, by
region; the missing returns of the quarter shown; the values carried forward."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from metrics import charts as mcharts
from metrics import config as mconfig
from metrics import coverage as mcoverage
from metrics import export, figures
from metrics import sources as msources
from viewmodels.downloads import RETURNS, TRACKER, demo_loaded, rounded_table

KINDS = {"survey": "Survey return", "workforce": "Workforce return"}
MISSING_SINCE = mcoverage.MISSING_SINCE  # the first quarter the trend and the heatmap show


@dataclass(frozen=True)
class Reporting:
    """One return's coverage in the quarter shown: 'Survey returns for 2026-Q3', '3 of 4 (75%)'."""

    kind: str
    label: str
    text: str


@dataclass(frozen=True)
class Charts:
    now: tuple[Reporting, ...]  # one per kind
    trend: figures.FrozenFigure | None  # percent reporting per quarter (None without data)
    table: pd.DataFrame  # its numbers: kind, quarter, reporting, total, percent (1 place)
    staleness_quarters: int  # how long a council's latest value counts


def charts(con: Any, quarter: str, cfg: mconfig.Config | None = None) -> Charts:
    cfg = cfg or mconfig.load()
    trend = mcoverage.coverage_lines(con, quarter)
    fig = None
    if trend:
        fig = mcharts.lines(
            {KINDS[k]: v for k, v in trend.items()},
            unit="percent",
            height=300,
            title=f"Councils sending each return, {MISSING_SINCE} to {quarter}",
            subtitle="Per cent of the councils in scope, England",
        )
        fig = figures.frozen(fig)
    return Charts(
        now=tuple(
            Reporting(kind=r["kind"], label=f"{KINDS[r['kind']]}s for {quarter}", text=r["text"])
            for r in mcoverage.coverage_at(con, quarter)
        ),
        trend=fig,
        table=rounded_table(mcoverage.coverage(con, quarter), {"percent": "percent"}),
        staleness_quarters=cfg.staleness_quarters,
    )


NEVER = "never reported"  # a council's latest return, when it has sent none
NOT_KNOWN = "—"  # any other value the reference data does not hold


def _blanks(frame: pd.DataFrame, never: str) -> pd.DataFrame:
    """No None or NaN shown: a council that never sent the return says so in the latest
    return and in its age; anything else missing is a dash."""
    out = frame.copy()
    for col in out.columns:
        missing = out[col].isna()
        if not missing.any():
            continue
        fill = never if col in ("latest_return", "quarters_old") else NOT_KNOWN
        values = out[col].astype(object)
        if col == "quarters_old":
            values = values.map(lambda v: v if pd.isna(v) else str(int(v)))
        out[col] = values.where(~missing, fill)
    return out


@dataclass(frozen=True)
class KindView:
    """One return's coverage, the quarter shown and the quarters before it."""

    heatmap: (
        figures.FrozenFigure | None
    )  # share reporting by region and quarter (None without regions)
    by_region: pd.DataFrame | None  # its numbers
    missing: pd.DataFrame  # councils that have not sent it for the quarter, and their latest
    missing_count: int
    missing_csv: bytes | None  # missing as a CSV file with its notes (None when none is missing)
    stale: pd.DataFrame  # councils whose latest return is older than the quarter
    stale_count: int


def kind(con: Any, kind: str, quarter: str) -> KindView:
    regions, quarters_, z, text = mcoverage.coverage_heatmap(con, kind, quarter)
    heat = None
    if regions:
        fig = mcharts.heatmap(regions, quarters_, z, text)
        fig.update_traces(showscale=False, textfont_size=11)  # the numbers are in the cells
        heat = figures.frozen(  # six quarters fit a phone
            fig.update_xaxes(tickangle=-45),
            what=f"Share of each region's councils sending the {kind} return, by quarter",
        )
    missing = _blanks(mcoverage.missing_for_quarter(con, kind, quarter), NEVER)
    stale = _blanks(mcoverage.stale_values(con, kind, quarter), NEVER)
    by_region = mcoverage.coverage_by_region(con, kind, quarter) if regions else None
    return KindView(
        heatmap=heat,
        by_region=None if by_region is None else rounded_table(by_region, {"percent": "percent"}),
        missing=missing,
        missing_count=len(missing),
        missing_csv=export.to_csv_bytes(missing, missing_notes(kind, quarter, demo_loaded(con)))
        if len(missing)
        else None,
        stale=stale,
        stale_count=len(stale),
    )


def missing_notes(kind: str, quarter: str, demo: bool) -> export.Notes:
    """What the list of missing returns is (its title block)."""
    return export.Notes(
        title=f"Councils in scope that have not sent their {kind} return for {quarter}",
        measure=f"none: the {KINDS[kind].lower()}s that are missing (every measure that "
        f"rests on the {kind} return counts only the councils that sent one)",
        quarter=quarter,
        scope="England: every council in scope (the current English councils)",
        source=f"{TRACKER}: {RETURNS[kind]}, as uploaded; {msources.COUNCIL_LIST}",
        demo=demo,
        values="latest_return: the quarter of the council's latest earlier return, if any",
    )
