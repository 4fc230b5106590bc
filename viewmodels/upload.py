"""The upload page's texts and tables: the kinds of return, each kind's guidance and
template, what a checked file gets back (one outcome, a summary of its problems linking
to each in a full-width table, the rows as parsed, stored and new values of the rows it
replaces), what loading does to demo data, and the size limit's message. The checks and
loads themselves are ui.actions (they write).

The problem summary and table are HTML (st.html: a table row can be linked to, as
GOV.UK's error summary links to each field); every text in them is escaped here."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from store import kinds, paths

RECOGNISE = "recognise"  # the kind picker's "recognise from the headers"
KIND_NAMES = tuple(kinds.KINDS)


def kind_label(name: str) -> str:
    if name == RECOGNISE:
        return "Recognise from the column headers"
    return f"{kinds.KINDS[name].title} ({name})"


@dataclass(frozen=True)
class Guidance:
    """What a kind of return holds: its title, guidance, columns and template."""

    name: str
    title: str
    text: str
    columns: tuple[dict[str, str], ...]  # column, required, key, expected, meaning
    template: Path | None  # the CSV template, when it is there
    template_name: str  # the template's download name


def guidance(name: str) -> Guidance:
    kind = kinds.KINDS[name]
    template = paths.TEMPLATES_DIR / f"{name}.csv"
    return Guidance(
        name=name,
        title=kind.title,
        text=kind.guidance,
        columns=tuple(
            {
                "column": c.name,
                "required": "yes" if c.required else "no",
                "key": "yes" if c.key else "",
                "expected": c.expected(),
                "meaning": c.help,
            }
            for c in kind.all_columns()
        ),
        template=template if template.is_file() else None,
        template_name=f"{name}_template.csv",
    )


def problem_rows(problems: Iterable[Any]) -> list[dict[str, Any]]:
    """An upload report's problems as table rows (severity, row, column, value, what to
    do): the CSV download."""
    return [
        {
            "severity": p.severity,
            "row": p.row,
            "column": p.column or "(whole file)",
            "value": p.value,
            "what_to_do": p.message,
        }
        for p in problems
    ]


def problem_count(problems: Sequence[Any], hidden: int) -> str:
    """'3 problems in 2 columns' (a file-wide problem counts apart)."""
    n = len(problems) + hidden
    cols = {p.column for p in problems if p.column}
    text = f"{n:,} problem{'' if n == 1 else 's'}"
    if cols:
        text += f" in {len(cols)} column{'' if len(cols) == 1 else 's'}"
    if any(not p.column for p in problems):
        text += " and the file as a whole" if cols else " in the file as a whole"
    return text


def too_large(file_name: str, size: int, limit_mb: int) -> str | None:
    """A message for people when a file of ``size`` bytes is over the limit, else None."""
    if size <= limit_mb * 1024 * 1024:
        return None
    return (
        f"{file_name} is {size / 1024 / 1024:.1f} MB; the limit is {limit_mb} MB "
        "(setting server.maxUploadSize in .streamlit/config.toml). Split the file by "
        "quarter or region and upload the parts. Nothing was read or written."
    )


# ------------------------------------------------------------------ a checked file

REFUSED, DUPLICATE, WARNED, READY = "refused", "duplicate", "warned", "ready"
SUMMARY_LINKS = 25  # problems linked from the summary; the table lists them all
_LINK_CHARS = 120

# The problem summary and table: GOV.UK's error summary (a box with a heading and a
# link to each problem) and a full-width table whose rows the links lead to (the row
# shown first is highlighted); on a phone each problem is a block of labelled lines.
STYLE = """<style>
.tracker-summary{border:4px solid #d4351c;padding:0.75rem 1rem;margin:0 0 0.5rem}
.tracker-summary.warn{border-color:#b58105}
.tracker-summary h2{font-size:1.25rem;margin:0 0 0.5rem;padding:0}
.tracker-summary p{margin:0 0 0.5rem}
.tracker-summary ul{margin:0;padding-left:1.25rem}
.tracker-summary li{margin:0.15rem 0}
.tracker-summary a{color:inherit;font-weight:600;text-decoration:underline}
.tracker-table{width:100%;border-collapse:collapse;font-size:0.9rem}
.tracker-table caption{text-align:left;font-weight:600;padding:0 0 0.25rem}
.tracker-table th,.tracker-table td{text-align:left;vertical-align:top;
  padding:0.35rem 0.5rem;border-bottom:1px solid rgba(128,128,128,0.35)}
.tracker-table td.value{min-width:6rem;overflow-wrap:anywhere}
.tracker-table td.value span{font-family:monospace}
.tracker-table tr:target{outline:3px solid #ffdd00;background:rgba(255,221,0,0.15)}
.tracker-compare caption{position:absolute;left:-9999px}
.tracker-tag{font-weight:700;white-space:nowrap}
.tracker-tag.error{color:#d4351c}
.tracker-tag.warning{color:#8a6100}
@media (max-width:640px){
 .tracker-table thead{position:absolute;left:-9999px}
 .tracker-table tr{display:block;border-bottom:1px solid rgba(128,128,128,0.35);
   padding:0.25rem 0}
 .tracker-table td{display:block;border:0;padding:0.1rem 0.25rem}
 .tracker-table td::before{content:attr(data-label) ": ";font-weight:600}
}
</style>"""


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def anchor(file_no: int, i: int) -> str:
    """The id of problem ``i`` (from 1) of the ``file_no``-th file in the drop."""
    return f"upload-{file_no}-problem-{i}"


def _short(message: str) -> str:
    """A problem's message cut for a link: its first sentence, at most _LINK_CHARS."""
    text = " ".join(message.split())
    cuts = [c for c in (text.find(". "), text.find("; ")) if 0 < c < _LINK_CHARS]
    if cuts:
        return text[: min(cuts)]
    if len(text) <= _LINK_CHARS:
        return text.rstrip(".")
    return text[: _LINK_CHARS - 1].rsplit(" ", 1)[0] + "…"


def where(p: Any) -> str:
    """'Row 3, quarter' / 'Column quarter' / 'The file'."""
    if p.row is not None and p.column:
        return f"Row {p.row:,}, {p.column}"
    if p.row is not None:
        return f"Row {p.row:,}"
    if p.column:
        return f"Column {p.column}"
    return "The file"


def summary_html(file_no: int, file_name: str, problems: Sequence[Any], hidden: int) -> str:
    """GOV.UK-style summary: a heading, what to do, and a link to each problem."""
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        title, css = "There is a problem", "tracker-summary"
        lead = f"{file_name} cannot be loaded until these are fixed: correct the file and drop it again."
    else:
        title, css = "Check before loading", "tracker-summary warn"
        lead = (
            f"{file_name} can be loaded, but these look unusual. Check each one; warnings "
            "do not stop the load."
        )
    items = []
    for i, p in enumerate(problems[:SUMMARY_LINKS], start=1):
        tag = "" if p.severity == "error" or errors == [] else "Warning: "
        items.append(
            f'<li><a href="#{anchor(file_no, i)}">{_e(tag + where(p))}: {_e(_short(p.message))}</a></li>'
        )
    more = len(problems) - SUMMARY_LINKS + hidden
    extra = (
        f"<p>… and {more:,} more in the table below"
        + (f" ({hidden:,} not listed)" if hidden else "")
        + ".</p>"
        if more > 0
        else ""
    )
    head = f"upload-{file_no}-summary"
    return (
        f'{STYLE}<div class="{css}" role="alert" aria-labelledby="{head}" tabindex="-1">'
        f'<h2 id="{head}">{_e(title)}</h2><p>{_e(lead)}</p><ul>{"".join(items)}</ul>{extra}</div>'
    )


def problems_html(file_no: int, problems: Sequence[Any]) -> str:
    """Every listed problem as a row of a full-width table (problem, row, column, value,
    what to do), each with the id the summary links to."""
    head = "".join(
        f'<th scope="col">{h}</th>' for h in ("Problem", "Row", "Column", "Value", "What to do")
    )
    body = []
    for i, p in enumerate(problems, start=1):
        sev = "error" if p.severity == "error" else "warning"
        cells = [
            ("Problem", f'<span class="tracker-tag {sev}">{sev.capitalize()}</span>', ""),
            ("Row", _e(f"{p.row:,}" if p.row is not None else "whole file"), ""),
            ("Column", _e(p.column or "—"), ""),
            (
                "Value",
                f"<span>{_e(p.value)}</span>" if p.value not in (None, "") else "—",
                "value",
            ),
            ("What to do", _e(p.message), ""),
        ]
        tds = "".join(
            f'<td data-label="{label}"' + (f' class="{cls}"' if cls else "") + f">{content}</td>"
            for label, content, cls in cells
        )
        body.append(f'<tr id="{anchor(file_no, i)}">{tds}</tr>')
    return (
        f'{STYLE}<table class="tracker-table tracker-problems"><caption>Problems found</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def comparison_html(frame: pd.DataFrame) -> str:
    """The stored and new values of replaced rows as a table that, on a phone, shows each
    change as a block of labelled lines (a wide grid would hide the values)."""
    labels = {
        "key": "Stored row",
        "column": "Column",
        "stored": "Stored now",
        "new": "In this file",
        "row": "Row",
    }
    head = "".join(f'<th scope="col">{h}</th>' for h in labels.values())
    body = []
    for r in frame.to_dict("records"):
        cells = []
        for k, label in labels.items():
            v = r.get(k)
            text = "—" if v is None or v is pd.NA or v == "" else v
            cls = ' class="value"' if k in ("stored", "new") else ""
            inner = f"<span>{_e(text)}</span>" if cls else _e(text)
            cells.append(f'<td data-label="{label}"{cls}>{inner}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'{STYLE}<table class="tracker-table tracker-compare"><caption>Stored and new '
        f"values</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


CHANGE_LABELS = {
    "quarter": "Quarter",
    "region_name": "Region",
    "rows_added": "Rows added",
    "rows_replaced": "Rows replaced",
}


def cell_text(v: Any) -> str:
    """A parsed value for the preview tables: empty, yes/no, 1,200, a; b."""
    if v is None or v is pd.NA:
        return ""
    if isinstance(v, float) and math.isnan(v):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return f"{int(v):,}" if v.is_integer() else f"{v:,.2f}"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if hasattr(v, "tolist"):  # (a list cell comes as an array)
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return "; ".join(str(x) for x in v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def display_frame(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """A preview table as text for people (no None, no NaN, yes/no for booleans)."""
    if frame is None:
        return None
    out = pd.DataFrame({c: [cell_text(v) for v in frame[c]] for c in frame.columns})
    if "row" in frame.columns:
        out["row"] = frame["row"].astype("Int64")
    return out


@dataclass(frozen=True)
class Outcome:
    """What the page says of one checked file: one state and its message, the problem
    summary and table, and the preview (counts, parsed rows, replaced rows)."""

    state: str  # REFUSED, DUPLICATE, WARNED or READY
    headline: str  # the one message (plain text: the page escapes it)
    count: str  # '3 problems in 2 columns' ('' without problems)
    notes: tuple[str, ...]
    summary_html: str | None
    problems_html: str | None
    problem_rows: list[dict[str, Any]] = field(default_factory=list)
    rows_added: int = 0
    rows_replaced: int = 0
    changes: pd.DataFrame | None = None
    sample: pd.DataFrame | None = None
    sample_caption: str = ""
    comparison: pd.DataFrame | None = None
    comparison_caption: str = ""
    comparison_html: str | None = None

    @property
    def loadable(self) -> bool:
        return self.state in (READY, WARNED)


def outcome(report: Any, file_no: int) -> Outcome:
    """The page's view of a store.ingest dry run's report for the ``file_no``-th file."""
    problems = list(report.problems)
    notes = tuple(report.notes)
    if report.duplicate_of is not None:
        return Outcome(DUPLICATE, report.summary(), "", notes, None, None)
    count = problem_count(problems, report.hidden) if problems or report.hidden else ""
    summary = summary_html(file_no, report.file_name, problems, report.hidden) if problems else None
    table = problems_html(file_no, problems) if problems else None
    rows = problem_rows(problems)
    if not report.ok:
        return Outcome(REFUSED, report.summary(), count, notes, summary, table, rows)
    sample = display_frame(report.sample)
    shown = 0 if sample is None else len(sample)
    sample_caption = (
        f"The first {shown} of {report.rows_in_file:,} rows as the tracker read them "
        "(councils resolved to their GSS code and name, quarters as YYYY-Qn)"
        if shown < report.rows_in_file
        else f"All {shown} rows as the tracker read them (councils resolved to their GSS "
        "code and name, quarters as YYYY-Qn)"
    )
    comparison, comparison_caption = None, ""
    if report.comparison is not None and report.compared:
        comparison = display_frame(report.comparison)
        first = (
            f"The first {report.compared} of the {report.rows_replaced:,} stored rows this file "
            "replaces"
            if report.compared < report.rows_replaced
            else f"The {report.compared} stored rows this file replaces"
        )
        same = (
            f"; {report.unchanged} of them the file repeats unchanged" if report.unchanged else ""
        )
        comparison_caption = (
            f"{first}, beside the file's row with the same key{same}. Each line is a value "
            "that changes (the stored one is kept: rolling the batch back brings it back)."
            if len(report.comparison)
            else f"{first}: the file repeats every stored value unchanged."
        )
    return Outcome(
        WARNED if problems else READY,
        report.summary(),
        count,
        notes,
        summary,
        table,
        rows,
        rows_added=report.rows_added,
        rows_replaced=report.rows_replaced,
        changes=report.changes.rename(columns=CHANGE_LABELS) if len(report.change_rows) else None,
        sample=sample,
        sample_caption=sample_caption,
        comparison=comparison,
        comparison_caption=comparison_caption,
        comparison_html=comparison_html(comparison)
        if comparison is not None and len(comparison)
        else None,
    )


# ------------------------------------------------------------------ demo data

KEEP_DEMO, REMOVE_DEMO = "keep", "remove"
DEMO_CHOICES = {
    REMOVE_DEMO: "Remove the demo data, then load (recommended for real returns)",
    KEEP_DEMO: "Keep the demo data beside these files for now",
}


def demo_notice(demo: Any, replaced: int) -> str:
    """What loading real files does to the demo data in force (store.batches.DemoSummary),
    ``replaced``: the stored rows the files would replace."""
    n = len(demo.batches)
    first, last = demo.first_quarter, demo.last_quarter
    span = f"{first} to {last}" if first and last != first else first or "no quarter"
    return (
        f"The dashboard holds demo data: {n} generated batch{'es' if n != 1 else ''} "
        f"({demo.rows:,} rows, {span}). Loading these files replaces the "
        f"{replaced:,} stored row{'s' if replaced != 1 else ''} with the same keys; the rest "
        "of the demo would stay in every figure beside your data. Removing the demo first "
        "rolls back every demo batch in one step (the Upload history page can do it later too)."
    )
