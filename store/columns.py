"""An upload kind's column: its value type, rules and help (Column), and the helpers the
kind declarations in store.kinds build their columns with (quarters, councils, counts of
people, the survey's columns, a core standard's status column)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.standards import STANDARD_STATUSES
from domain.survey import SurveyColumn

PEOPLE_MAX = 100_000  # no council employs more digital staff


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    key: bool = False
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    at_most: str | None = None  # another column of the same row this may not exceed
    not_before: str | None = None  # another quarter/date column this may not precede
    # A planned quarter (delivery's due_quarter): any quarter resolves, also after the
    # current one or before 2024-Q1; its bounds are the kind's own rules.
    any_quarter: bool = False
    max_length: int | None = None  # text: at most this many characters (default 2,000)
    help: str = ""
    example: str = ""

    def expected(self) -> str:
        """What a valid value looks like, for people."""
        t = self.type
        if t == "council":
            return "a council's GSS code (e.g. E06000001) or its name"
        if t == "quarter":
            return "a quarter such as 2025-Q3, 2025Q3, 2025 Q3, Q3 2025 or 2025/26 Q2"
        if t == "yesno":
            return "yes or no (also y/n, true/false, 1/0), or empty"
        if t in ("number", "whole"):
            what = "a whole number" if t == "whole" else "a number"
            lo = 0 if self.min is None else self.min
            text = f"{what} from {_fmt(lo)}"
            if self.max is not None:
                text += f" to {_fmt(self.max)}"
            if self.at_most:
                text += f", at most {self.at_most}"
            return (
                text + " (thousands separators and a leading £ are fine)" if t == "number" else text
            )
        if t == "enum":
            return "one of: " + ", ".join(self.choices)
        if t == "list":
            if self.choices:
                return "items separated by ';', each one of: " + ", ".join(self.choices)
            return "items separated by ';'"
        if t == "date":
            return "a date as YYYY-MM-DD"
        if t == "gss":
            return "a GSS code: a letter and eight digits, e.g. E06000001"
        if t == "region":
            return "an English region's code (E12000001 to E12000009) or its name"
        if self.max_length is not None:
            return f"text, at most {self.max_length:,} characters"
        return "text"


def _fmt(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else str(x)


def standard_column(standard_id: str) -> Column:
    return Column(
        f"standard_{standard_id}",
        "enum",
        choices=STANDARD_STATUSES,
        help=f"how far the council has got with the core standard '{standard_id}'",
        example="adopting",
    )


def _survey_column(c: SurveyColumn) -> Column:
    return Column(
        c.name, c.type, min=c.min, max=c.max, at_most=c.at_most, help=c.help, example=c.example
    )


def _q(name: str, *, key: bool = True, required: bool = True, help: str = "", **kw) -> Column:
    return Column(name, "quarter", required=required, key=key, help=help, example="2025-Q3", **kw)


def _council(name: str = "council_code", *, key: bool = True, help: str = "") -> Column:
    return Column(
        name,
        "council",
        required=True,
        key=key,
        help=help or "the council: its GSS code or its name",
        example="E06000001",
    )


def _people(name: str, help: str, *, required: bool = False, example: str = "3") -> Column:
    return Column(
        name,
        "whole",
        required=required,
        min=0,
        max=PEOPLE_MAX,
        at_most=None if name == "headcount" else "headcount",
        help=help,
        example=example,
    )
