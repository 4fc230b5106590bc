"""The upload page's texts and tables: the kinds of return, each kind's guidance and
template, an upload report's problems, and the size limit's message. The checks and
loads themselves are ui.actions (they write)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    """An upload report's problems as table rows (severity, row, column, value, expected)."""
    return [
        {
            "severity": p.severity,
            "row": p.row,
            "column": p.column or "(whole file)",
            "value": p.value,
            "expected": p.message,
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
