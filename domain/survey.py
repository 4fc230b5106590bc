"""The quarterly survey return's columns, declared once.

store.kinds builds the upload columns from these, store.demo writes them, and the
measures may name them (metrics.methods: the allow-list of survey identifiers in SQL).
The core standards' ``standard_<id>`` columns are not here: see domain.standards.

Types: ``yesno`` (a boolean), ``whole`` (a whole number), ``number`` (any number);
``min``/``max`` bound a value, ``at_most`` names a column of the same row it may not
exceed.
"""

from __future__ import annotations

from dataclasses import dataclass

MONEY_MAX = 10_000_000_000  # £10 billion: no council spends more on digital in a quarter
CONTRACTS_MAX = 1_000_000
COMPONENTS_MAX = 10_000


@dataclass(frozen=True)
class SurveyColumn:
    name: str
    type: str  # yesno, whole, number
    min: float | None = None
    max: float | None = None
    at_most: str | None = None
    help: str = ""
    example: str = ""

    @property
    def is_yesno(self) -> bool:
        return self.type == "yesno"


# In the order of the upload template.
SURVEY_COLUMNS: tuple[SurveyColumn, ...] = (
    SurveyColumn(
        "data_maturity",
        "whole",
        min=1,
        max=5,
        example="3",
        help="1 beginning, 2 emerging, 3 learning, 4 developing, 5 mastering",
    ),
    SurveyColumn(
        "ceo_digital_background",
        "yesno",
        example="no",
        help="the chief executive comes from a digital, data or technology background",
    ),
    SurveyColumn(
        "digital_spend_gbp",
        "number",
        min=0,
        max=MONEY_MAX,
        example="£1,250,000",
        help="digital spend in the quarter, in pounds",
    ),
    SurveyColumn(
        "sme_spend_gbp",
        "number",
        min=0,
        max=MONEY_MAX,
        at_most="digital_spend_gbp",
        example="310000",
        help="the part of digital spend that went to SMEs",
    ),
    SurveyColumn(
        "contracts_total",
        "whole",
        min=0,
        max=CONTRACTS_MAX,
        example="12",
        help="digital contracts let in the quarter",
    ),
    SurveyColumn(
        "contracts_outcome_based",
        "whole",
        min=0,
        max=CONTRACTS_MAX,
        at_most="contracts_total",
        example="4",
        help="the part of those contracts that pay for outcomes",
    ),
    SurveyColumn(
        "collective_buying",
        "yesno",
        example="yes",
        help="buys through a shared or collective procurement framework",
    ),
    SurveyColumn(
        "common_components",
        "whole",
        min=0,
        max=COMPONENTS_MAX,
        example="5",
        help="shared common components in use",
    ),
)
SURVEY_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in SURVEY_COLUMNS)
SURVEY_COLUMNS_BOOL: tuple[str, ...] = tuple(c.name for c in SURVEY_COLUMNS if c.is_yesno)
SURVEY_COLUMNS_NUM: tuple[str, ...] = tuple(c.name for c in SURVEY_COLUMNS if not c.is_yesno)


def column(name: str) -> SurveyColumn:
    """The survey column called ``name``; KeyError for any other name."""
    for c in SURVEY_COLUMNS:
        if c.name == name:
            return c
    raise KeyError(
        f"{name!r} is not a survey column; the survey columns are: {', '.join(SURVEY_COLUMN_NAMES)}"
    )
