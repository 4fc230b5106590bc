"""The texts the pages share: geography levels, status words, icons and colours, the
value, target, change and coverage of a summary row, the overview card, markdown tables
and markdown escaping. Pure: no Streamlit, no database.

``row`` below is one row of metrics.summary.summary() (a dict or a pandas Series).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from domain import geography
from metrics import wording
from metrics.progress import (
    DIRECTION_LABELS,
    STATUS_LABELS,
    STATUS_MATERIAL_ICONS,
    format_value,
)

Row = Mapping[str, Any]

# The geography levels of the shared filter: key -> label (one owner: domain.geography).
LEVELS: dict[str, str] = geography.LEVELS


SERVICE = "Blueprint Tracker"


def page_title(*parts: str | None) -> str:
    """The browser tab's title of a view, most specific part first, then the service
    (GOV.UK's pattern): page_title("Hartlepool", "Council profile") ->
    'Hartlepool – Council profile – Blueprint Tracker'. Empty parts are left out."""
    return " – ".join([p for p in parts if p] + [SERVICE])


def error_title(*parts: str | None) -> str:
    """The title of a view that shows an error message: 'Error: ' in front (GOV.UK)."""
    return "Error: " + page_title(*parts)


def by(level: str | None) -> str | None:
    """The ``by`` argument of metrics.summary for a level of the shared filter."""
    return None if level in (None, "national") else level


def quarter_label(quarter: str) -> str:
    """'2026-Q3' -> 'Jul-Sep 2026' (store.quarters.label)."""
    from store.quarters import label

    return label(quarter)


DIRECTION_ICONS = {
    "improving": "trending_up",
    "stable": "trending_flat",
    "worsening": "trending_down",
}
BADGE_COLOURS = {
    "achieved": "green",
    "on_track": "green",
    "acceleration_needed": "orange",
    "limited_progress": "orange",
    "deteriorating": "red",
    "improving": "green",
    "worsening": "red",
}


def is_missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and v != v) or v is pd.NA


def val(row: Row, key: str) -> Any:
    """``row[key]``, None when absent, NaN or NA."""
    v = row.get(key) if hasattr(row, "get") else None
    return None if is_missing(v) else v


def shown_status(row: Row) -> str | None:
    """The status a card shows: the status, or for a measure without a (group) target its
    direction of travel (improving, stable, worsening) when there is one."""
    status, direction = val(row, "status"), val(row, "direction")
    if status in (None, "tracked", "no_group_target") and direction:
        return str(direction)
    return None if status is None else str(status)


def status_label(status: str | None) -> str:
    """The status in words (metrics.progress), e.g. 'Acceleration needed'."""
    if not status:
        return "No status"
    words = (STATUS_LABELS.get(status) or DIRECTION_LABELS.get(status) or (None,))[0]
    return words or str(status).replace("_", " ").capitalize()


def status_icon(status: str | None) -> str:
    """A Material icon for st.badge / markdown: ':material/speed:'."""
    name = STATUS_MATERIAL_ICONS.get(status or "") or DIRECTION_ICONS.get(status or "", "help")
    return f":material/{name}:"


def status_colour(status: str | None) -> str:
    """A badge colour; always paired with the icon and the words, never alone."""
    return BADGE_COLOURS.get(status or "", "gray")


def target_text(row: Row) -> str:
    """'target 33% by 2030-Q4', 'target: in place by 2030-Q4', 'tracked: no target'
    (metrics.wording: the one vocabulary)."""
    return wording.target_text(row)


def progress_fraction(row: Row) -> float | None:
    """How far from the baseline to the target the value is, 0..1 (None: no target)."""
    v, b, t = val(row, "value"), val(row, "baseline"), val(row, "target")
    if row.get("unit") == "milestone":
        return 1.0 if row.get("status") == "achieved" else 0.0
    if v is None or t is None:
        return None
    b = 0.0 if b is None else float(b)
    if float(t) == b:
        return 1.0 if float(v) >= float(t) else 0.0
    return min(1.0, max(0.0, (float(v) - b) / (float(t) - b)))


def progress_text(row: Row) -> str | None:
    frac = progress_fraction(row)
    if frac is None:
        return None
    if row.get("unit") == "milestone":
        return "in place" if frac >= 1 else "not in place yet"
    b = val(row, "baseline")
    return (
        f"{frac * 100:.0f}% of the way from the baseline "
        f"({format_value(0 if b is None else b, str(row.get('unit')))}) to the target"
    )


def coverage_text(row: Row) -> str | None:
    """'3 of 4 councils reporting', 'the exchanges register (2 lead councils)' (None
    without coverage)."""
    return wording.coverage_text(row)


def change_text(row: Row) -> str:
    """What changed since the previous quarter with data ('+2.5 points since 2026-Q2')."""
    return wording.change_text(row)


def value_text(row: Row) -> str:
    """The value for people: '25.0%', '3', 'up 25.0% on the baseline', 'not yet', 'no data'."""
    return wording.value_text(row)


# The overview card's value, as large as st.metric shows it (markdown has no large text).
VALUE_STYLE = "font-size: 2.25rem; line-height: 1.25"


@dataclass(frozen=True)
class Card:
    """Everything a card shows for one measure (one summary row)."""

    id: str
    title: str
    unit: str
    value: str  # value_text
    target: str  # target_text
    status: str | None  # shown_status: the status, or the direction of travel
    status_label: str
    status_icon: str
    status_colour: str
    progress: float | None  # 0..1 from baseline to target; None without a target
    progress_text: str | None
    coverage: str | None
    change: str
    headline: str  # target and status badge, markdown
    footnote: str  # change and coverage, markdown
    markdown: str  # the whole card as one markdown block (card_markdown)
    spark: tuple[float | None, ...] = field(default=())


def card(row: Row, spark: Sequence[float | None] | None = None) -> Card:
    """The card of one summary row; ``spark``: its values up to the quarter shown."""
    status = shown_status(row)
    target, change, coverage = target_text(row), change_text(row), coverage_text(row)
    label, icon, colour = status_label(status), status_icon(status), status_colour(status)
    headline = f":gray[:small[{target}]]  \n:{colour}-badge[{icon} {label}]"
    footnote = ":gray[:small[" + " · ".join(t for t in (change, coverage) if t) + "]]"
    title, value = str(row.get("title")), value_text(row)
    return Card(
        id=str(row.get("id")),
        title=title,
        unit=str(row.get("unit")),
        value=value,
        target=target,
        status=status,
        status_label=label,
        status_icon=icon,
        status_colour=colour,
        progress=progress_fraction(row),
        progress_text=progress_text(row),
        coverage=coverage,
        change=change,
        headline=headline,
        footnote=footnote,
        markdown=card_markdown(title, value, headline, footnote),
        spark=tuple(spark or ()),
    )


def card_markdown(title: str, value: str, headline: str, footnote: str) -> str:
    """The whole text of an overview card as one markdown block (one element per card
    instead of five): title, the value in large type, target, status in words with its
    icon, change since last quarter and coverage. Show it with unsafe_allow_html=True
    (for the value's size): every part is HTML-escaped, so the one span is the only
    markup; the texts come from targets.toml and computed numbers, never from uploads."""
    title, value, headline, footnote = (
        html.escape(str(t), quote=False) for t in (title, value, headline, footnote)
    )
    return f'**{title}**\n\n<span style="{VALUE_STYLE}">{value}</span>\n\n{headline}  \n{footnote}'


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(
    rows: Sequence[Mapping[str, Any]], headers: Mapping[str, str], *, escape: bool = False
) -> str:
    """A markdown table of ``rows`` (dicts) with the given column keys -> headings.
    ``escape``: every cell shown literally (text that came from an upload or a person)."""

    def cell(v: object) -> str:
        return _cell(escape_inline(str(v)) if escape else v)

    lines = ["| " + " | ".join(headers.values()) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(r.get(k, "")) for k in headers) + " |" for r in rows]
    return "\n".join(lines)


def _entities(text: str) -> str:
    """A ':' that touches the next character as an HTML entity (left alone, it lets
    ':material/x:' icons, ':smile:' emoji and bare 'http://...' autolinks through
    Streamlit's markdown; 'Batch 1: loaded' keeps its colon), and an '&' that would start
    an entity as '&amp;'."""
    text = re.sub(r"&(?=#?\w+;)", "&amp;", text)
    return re.sub(r":(?=\S)", "&#58;", text)


def escape_inline(text: str) -> str:
    """Text shown literally inside a markdown table cell: the inline markup escaped (a
    cell cannot start a list or a heading, so quarters keep their hyphen as written)."""
    return _entities(re.sub(r"([\\`*_{}\[\]()<>!~$])", r"\\\1", text))


def escape_markdown(text: str) -> str:
    """Text from a file or a person, shown literally inside st.markdown: no links, images,
    icons, emoji or emphasis."""
    return _entities(re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~$])", r"\\\1", text))
