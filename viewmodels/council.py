"""The council profile: one council's returns over time against councils like it (the
same type, nearest in population), its region and England; its core standards; the
returns it has not sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from metrics import charts as mcharts
from metrics import council as mcouncil
from metrics import figures
from viewmodels.text import escape_markdown, markdown_table

MISSING_SINCE = mcouncil.MISSING_SINCE  # the first quarter whose missing returns are listed


def choices(con: Any) -> dict[str, str]:
    """The council picker: code -> "Name (type)", by name (metrics.council.council_options)."""
    return mcouncil.council_options(con)


@dataclass(frozen=True)
class Header:
    """Names come from uploads (a councils return): ``*_md`` are escaped for st.markdown."""

    name: str
    facts: str  # type, region, footprint, Centre of Service Innovation and GSS code
    like: str  # which councils "like it" the charts compare it with, and how they were chosen
    name_md: str = ""
    facts_md: str = ""
    like_md: str = ""


def header(con: Any, code: str) -> Header:
    info = mcouncil.council_info(con, code) or {}
    like, how = mcouncil.similar_councils(con, code)
    names = mcouncil.council_names(con, like)
    facts = [
        f"{info.get('council_type')}",
        f"region: {info.get('region_name')}",
        f"footprint: {info.get('footprint_name') or 'none'}",
        f"Centre of Service Innovation: {info.get('centre') or 'none'}",
        f"GSS code {code}",
    ]
    shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    name, text = str(info.get("name")), " · ".join(facts)
    like_text = f"Councils like it: {how}" + (f": {shown}." if names else ".")
    return Header(
        name=name,
        facts=text,
        like=like_text,
        name_md=escape_markdown(name),
        facts_md=escape_markdown(text),
        like_md=escape_markdown(like_text),
    )


STANDARDS_HEADINGS = {
    "standard": "Core standard",
    "status": "Status",
    "quarter": "Reported in",
    "note": "Note",
}
MISSING_HEADINGS = {"kind": "Return", "quarter": "Quarter"}


@dataclass(frozen=True)
class Tables:
    """Markdown tables (a handful of rows: cheaper to send than a dataframe)."""

    standards: str  # each core standard as last reported by the quarter shown
    missing: str | None  # returns not sent since MISSING_SINCE; None when none is missing


def tables(con: Any, code: str, quarter: str) -> Tables:
    standards = mcouncil.standards_status(con, code, quarter)
    missing = mcouncil.missing_returns(con, code, quarter)
    return Tables(
        standards=markdown_table(standards.to_dict("records"), STANDARDS_HEADINGS, escape=True),
        missing=(
            markdown_table(missing.to_dict("records"), MISSING_HEADINGS, escape=True)
            if len(missing)
            else None
        ),
    )


@dataclass(frozen=True)
class Chart:
    """One chart of the profile (metrics.council.PROFILE_SERIES)."""

    key: str
    title: str
    reported: bool  # the council has a line in it
    figure: figures.FrozenFigure | None  # None without any line
    table: pd.DataFrame | None  # its numbers: quarter rows, one column per line
    table_markdown: str | None  # the same as a markdown table
    note: str | None  # a caption under the chart


NOTES = {
    "workforce_share": "Figures resting on fewer than five people are shown as <5 and not drawn."
}


def charts(con: Any, code: str, quarter: str) -> tuple[Chart, ...]:
    """The profile's charts, one per metrics.council.PROFILE_SERIES entry, up to ``quarter``:
    the council, councils like it, its region and England; a quarter a line has no
    return in is a gap."""
    info = mcouncil.council_info(con, code) or {}
    like, _ = mcouncil.similar_councils(con, code)
    labels = mcouncil.scope_labels(info, len(like))
    series = mcouncil.council_series(con, code, quarter, similar=like)
    out = []
    for key, (chart_title, unit) in mcouncil.PROFILE_SERIES.items():
        lines = mcouncil.profile_lines(series, key, labels)
        figure = table = table_markdown = None
        if lines:
            fig = mcharts.lines(
                lines,
                unit=unit,
                title=profile_title(chart_title, lines, labels),
                subtitle=f"{UNIT_WORDS.get(unit, unit)}; as reported each quarter, up to {quarter}",
                height=330,
                bounds=PROFILE_BOUNDS.get(key, (None, None)),
            )
            figure = figures.frozen(fig)
            table = mcouncil.profile_table(series, key, labels)
            table_markdown = markdown_table(
                table.to_dict("records"), {c: c for c in table.columns}, escape=True
            )
        out.append(
            Chart(
                key=key,
                title=chart_title,
                reported=labels["council"] in lines,
                figure=figure,
                table=table,
                table_markdown=table_markdown,
                note=NOTES.get(key),
            )
        )
    return tuple(out)


UNIT_WORDS = {
    "score": "Mean score, 1 to 5",
    "count": "Mean number of the seven core standards",
    "percent": "Per cent",
}
PROFILE_BOUNDS = {"data_maturity": (1.0, 5.0)}


def profile_title(chart_title: str, lines: dict, labels: dict[str, str]) -> str:
    """A title that says where the council stands: 'Data maturity: Hartlepool 4.00 in
    2026-Q3, England 2.33'."""
    from metrics.progress import format_value

    unit = mcouncil.PROFILE_SERIES_UNITS.get(chart_title, "")
    name = labels["council"]

    def last(points):
        have = [(q, v) for q, v in points if v is not None]
        return have[-1] if have else None

    mine = last(lines.get(name, []))
    if mine is None:
        return f"{chart_title}: {name} has not reported it"
    england = last(lines.get(labels["england"], []))
    tail = f", England {format_value(england[1], unit)}" if england else ""
    return f"{chart_title}: {name} {format_value(mine[1], unit)} in {mine[0]}{tail}"
