"""The six upload kinds, declared once: columns, value types, rules, target table, help.

Everything that reads, validates, stores or explains an upload works from these
declarations (store.read, store.validate, store.ingest, store.templates, the upload
page). Column names here are the allow-list of identifiers the ingest puts into SQL.

Value types: council (GSS code or a council's name), quarter, yesno, number (>= 0,
may have thousands separators and a leading £), whole (whole number >= 0), text,
list (items separated by ';', optionally restricted to choices), enum (one of
choices), date (ISO), gss (a GSS code such as E06000001), region (a region code
E12000001..9 or a region's name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain import standards as _standards
from domain.milestones import MILESTONE_KINDS, MILESTONE_STATUSES
from domain.survey import SURVEY_COLUMNS
from store.columns import Column, _council, _people, _q, _survey_column, standard_column

_STANDARD_ID = re.compile(r"^[a-z][a-z0-9_]{0,60}$")  # ids become column names in SQL

ROLE_FAMILIES = (
    "architecture",
    "data",
    "it_operations",
    "product_delivery",
    "quality_assurance",
    "software_development",
    "user_centred_design",
    "cyber_security",
)


@dataclass(frozen=True)
class Kind:
    name: str
    table: str
    title: str
    guidance: str
    columns: tuple[Column, ...]
    # Stored rows that an uploaded row replaces share these columns with it. Usually the
    # key; for workforce the council-quarter (a new return replaces the whole breakdown).
    replace_by: tuple[str, ...] = ()
    has_standards: bool = False  # survey: standard_<id> columns, stored long form
    replaces_all: bool = False  # councils: an upload replaces the whole list
    extra_checks: tuple[str, ...] = field(default_factory=tuple)

    @property
    def key(self) -> list[str]:
        return [c.name for c in self.columns if c.key]

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    def all_columns(self) -> list[Column]:
        """The declared columns plus, for survey, one standard_<id> column per core standard."""
        cols = list(self.columns)
        if self.has_standards:
            cols += [standard_column(s) for s in standard_ids()]
        return cols


def standard_ids() -> list[str]:
    """The core standards' ids, read from the targets file at call time (so a change to
    metrics/targets.toml takes effect on the next upload)."""
    ids = _standards.core_standard_ids()
    for sid in ids:
        if not _STANDARD_ID.match(sid):
            raise ValueError(
                f"core standard id {sid!r} in the targets configuration must be "
                "lower-case letters, digits and underscores"
            )
    return ids


KINDS: dict[str, Kind] = {}


def _add(kind: Kind) -> None:
    KINDS[kind.name] = kind


_add(
    Kind(
        "survey",
        "survey",
        "Quarterly council return",
        "One row per council per quarter. A new row for a council and quarter already "
        "stored replaces the stored return, including its standards. Leave a cell empty "
        "when the council did not report it.",
        (
            _council(),
            _q("quarter"),
            *(_survey_column(c) for c in SURVEY_COLUMNS),
        ),
        replace_by=("council_code", "quarter"),
        has_standards=True,
    )
)

_add(
    Kind(
        "workforce",
        "workforce",
        "Digital workforce",
        "One row per council, quarter and role family. Report either one row with role "
        "family 'all' or a breakdown by family, never both. A new upload of a council and "
        "quarter replaces everything stored for that council and quarter.",
        (
            _council(),
            _q("quarter"),
            Column(
                "role_family",
                "enum",
                required=True,
                key=True,
                choices=ROLE_FAMILIES + ("all",),
                example="all",
                help="a DDaT role family, or 'all' for the whole digital workforce",
            ),
            _people("headcount", "people in the digital workforce", required=True, example="40"),
            _people(
                "underrepresented",
                "people with at least one under-represented characteristic",
                required=True,
                example="11",
            ),
            _people("ethnic_minority", "people from an ethnic minority", example="6"),
            _people("disabled", "disabled people", example="3"),
            _people("women", "women", example="15"),
            _people(
                "lower_socioeconomic", "people from a lower socio-economic background", example="4"
            ),
            _people("apprentices", "apprentices", example="2"),
        ),
        replace_by=("council_code", "quarter"),
    )
)

_add(
    Kind(
        "exchanges",
        "exchanges",
        "Data-exchange register",
        "One row per exchange per quarter: the exchange's status as at that quarter. Lists "
        "(partners, partner types, standards) separate items with ';'.",
        (
            Column(
                "exchange_id",
                "text",
                required=True,
                key=True,
                example="EX-001",
                help="your identifier for the exchange; keep it the same every quarter",
            ),
            _q("quarter", help="the status is as at this quarter"),
            Column(
                "name",
                "text",
                required=True,
                example="Shared care records",
                help="the exchange's name",
            ),
            _council("lead_council_code", key=False, help="the lead council: GSS code or name"),
            Column(
                "partners",
                "list",
                example="NHS Hartlepool; Cleveland Police",
                help="partner organisations",
            ),
            Column(
                "partner_types",
                "list",
                choices=(
                    "council",
                    "health",
                    "police",
                    "fire",
                    "central_government",
                    "education",
                    "voluntary",
                    "private",
                    "other",
                ),
                example="health; police",
                help="the kinds of partner",
            ),
            Column(
                "standards",
                "list",
                example="open_referral",
                help="the data standards the exchange uses",
            ),
            Column(
                "status",
                "enum",
                required=True,
                choices=("planned", "pilot", "live", "successful", "stopped"),
                example="live",
            ),
            Column(
                "evidence",
                "text",
                example="https://example.org/evidence",
                help="a link to, or a description of, the evidence",
            ),
        ),
        replace_by=("exchange_id", "quarter"),
    )
)

_add(
    Kind(
        "placements",
        "placements",
        "Placements in central government",
        "One row per placement of a local-government person in a central government role. "
        "A row with a placement_id already stored replaces it (e.g. to add the end quarter).",
        (
            Column(
                "placement_id",
                "text",
                required=True,
                key=True,
                example="PL-001",
                help="your identifier for the placement",
            ),
            _council("council_code", key=False, help="the council the person came from"),
            Column(
                "destination",
                "text",
                required=True,
                example="Department for Education",
                help="the organisation the person went to",
            ),
            Column(
                "destination_type",
                "enum",
                required=True,
                choices=("central_department", "arms_length_body"),
                example="central_department",
            ),
            Column(
                "kind",
                "enum",
                required=True,
                choices=("secondment", "permanent"),
                example="secondment",
            ),
            _q("start_quarter", key=False, help="the quarter the placement started"),
            _q(
                "end_quarter",
                key=False,
                required=False,
                not_before="start_quarter",
                help="the quarter it ended, if it has",
            ),
        ),
        replace_by=("placement_id",),
    )
)

_add(
    Kind(
        "milestones",
        "milestones",
        "Blueprint milestones",
        "One row per milestone per quarter: the milestone's status as at that quarter.",
        (
            Column(
                "milestone_id",
                "text",
                required=True,
                key=True,
                example="MS-001",
                help="your identifier for the milestone; keep it the same every quarter",
            ),
            _q("quarter", help="the status is as at this quarter"),
            Column(
                "kind",
                "enum",
                required=True,
                choices=MILESTONE_KINDS,
                example="centre_of_service_innovation",
            ),
            Column(
                "title", "text", required=True, example="North East Centre of Service Innovation"
            ),
            Column(
                "region_code",
                "region",
                example="E12000001",
                help="the English region it belongs to, if any",
            ),
            Column(
                "status",
                "enum",
                required=True,
                choices=MILESTONE_STATUSES,
                example="in_progress",
            ),
        ),
        replace_by=("milestone_id", "quarter"),
    )
)

_add(
    Kind(
        "councils",
        "councils",
        "Reference geography (councils)",
        "The whole list of councils: an upload replaces the list stored (the old list is "
        "kept, so the upload can be rolled back). Councils that ended keep their row with "
        "an end date, so data stored against them stays where it was.",
        (
            Column(
                "council_code",
                "gss",
                required=True,
                key=True,
                example="E06000001",
                help="the council's GSS code",
            ),
            Column(
                "name", "text", required=True, example="Hartlepool", help="the council's short name"
            ),
            Column("official_name", "text", example="Hartlepool Borough Council"),
            Column(
                "council_type",
                "text",
                required=True,
                example="unitary",
                help="unitary, district, county, metropolitan district, London borough, city corporation",
            ),
            Column("region_code", "gss", required=True, example="E12000001"),
            Column("region_name", "text", required=True, example="North East"),
            Column(
                "footprint_code",
                "gss",
                example="E47000006",
                help="the combined or strategic authority, if any",
            ),
            Column("footprint_name", "text", example="Tees Valley Combined Authority"),
            Column(
                "centre",
                "text",
                example="",
                help="the Centre of Service Innovation the council belongs to, if any",
            ),
            Column("start_date", "date", example=""),
            Column(
                "end_date",
                "date",
                not_before="start_date",
                example="",
                help="the date the council was abolished, if it was",
            ),
        ),
        replace_by=("council_code",),
        replaces_all=True,
    )
)


DELIVERY_STATUSES = ("not_started", "in_progress", "completed", "off_track", "dropped")
CONFIDENCES = ("high", "medium", "low")
COMMENTARY_MAX = 1000

_add(
    Kind(
        "delivery",
        "delivery",
        "Delivery of the blueprint's actions",
        "One row per action of the register (metrics/register.toml) per quarter: the "
        "action's status as at that quarter. A row for an action and quarter already stored "
        "replaces it. `completed` needs evidence; `off_track` and `dropped` need a reason; a "
        "due quarter that differs from the one in force (from an earlier quarter's update, "
        "or the register) needs a reason, and the first due quarter given is the original "
        "one. A due quarter may not be before the baseline quarter. Evidence that is a link "
        "must start with http:// or https://.",
        (
            Column(
                "action_id",
                "text",
                required=True,
                key=True,
                example="REC-data-2",
                help="the action's id in the register, e.g. REC-data-2, PRI-4, NEXT-7, "
                "ROLE-mhclg-data",
            ),
            _q("quarter", help="the status is as at this quarter"),
            Column(
                "status",
                "enum",
                required=True,
                choices=DELIVERY_STATUSES,
                example="in_progress",
                help="completed needs evidence; off_track and dropped need a reason",
            ),
            Column(
                "confidence",
                "enum",
                choices=CONFIDENCES,
                example="medium",
                help="the owner's confidence of finishing by the due quarter",
            ),
            Column(
                "due_quarter",
                "quarter",
                any_quarter=True,
                example="2026-Q4",
                help="the quarter by which it is now planned to finish; a change from the "
                "one in force needs a reason",
            ),
            Column(
                "reason",
                "text",
                example="",
                help="why the due quarter moved, or why the action is off track or dropped",
            ),
            Column(
                "evidence",
                "text",
                example="",
                help="what shows the work: a description, or a link starting http:// or https://",
            ),
            Column(
                "commentary",
                "text",
                max_length=COMMENTARY_MAX,
                example="Working group met twice; draft guidance out for comment",
                help="the owner's commentary on the quarter",
            ),
        ),
        replace_by=("action_id", "quarter"),
    )
)


def get(kind: str) -> Kind:
    try:
        return KINDS[kind]
    except KeyError:
        raise KeyError(f"unknown upload kind {kind!r}; the kinds are: {', '.join(KINDS)}") from None
