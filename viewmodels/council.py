"""The council profile: one council's returns over time against its region, councils of
its type and England; its core standards; the returns it has not sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from metrics import figures, views
from metrics import profile as mprofile
from viewmodels.text import escape_markdown, markdown_table

MISSING_SINCE = views.MISSING_SINCE  # the first quarter whose missing returns are listed


def choices(con: Any) -> dict[str, str]:
    """The council picker: code -> "Name (type)", by name (mprofile.council_options)."""
    return mprofile.council_options(con)


@dataclass(frozen=True)
class Header:
    """Names come from uploads (a councils return): ``*_md`` are escaped for st.markdown."""

    name: str
    facts: str  # type, region, footprint, Centre of Service Innovation and GSS code
    name_md: str = ""
    facts_md: str = ""


def header(con: Any, code: str) -> Header:
    info = mprofile.council_info(con, code) or {}
    facts = [
        f"{info.get('council_type')}",
        f"region: {info.get('region_name')}",
        f"footprint: {info.get('footprint_name') or 'none'}",
        f"Centre of Service Innovation: {info.get('centre') or 'none'}",
        f"GSS code {code}",
    ]
    name, text = str(info.get("name")), " · ".join(facts)
    return Header(
        name=name, facts=text, name_md=escape_markdown(name), facts_md=escape_markdown(text)
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
    standards = mprofile.standards_status(con, code, quarter)
    missing = mprofile.missing_returns(con, code, quarter)
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
    """One chart of the profile (mprofile.PROFILE_SERIES)."""

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
    """The profile's charts, one per mprofile.PROFILE_SERIES entry, up to ``quarter``."""
    info = mprofile.council_info(con, code) or {}
    labels = mprofile.scope_labels(info)
    series = mprofile.council_series(con, code, quarter)
    out = []
    for key, (chart_title, unit) in mprofile.PROFILE_SERIES.items():
        lines = mprofile.profile_lines(series, key, labels)
        figure = table = table_markdown = None
        if lines:
            fig = figures.lines(lines, unit=unit, title=chart_title, height=330)
            fig.update_xaxes(nticks=4, tickangle=0)  # readable on a phone
            figure = figures.frozen(fig)
            table = mprofile.profile_table(series, key, labels)
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
