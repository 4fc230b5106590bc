"""The data sources the figures rest on, their licences and the attributions those
licences ask for: written once here, shown on the Methodology page and in the board pack
(viewmodels.methodology), under every map (metrics.maps), in the open data's
datapackage.json (metrics.opendata) and in the downloads' notes.

The reference geography's licences are those stated in the shared reference folder's
README (mySociety: CC BY 4.0; ONS boundaries: Open Government Licence v3.0).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    id: str
    title: str  # what it is
    licence: str  # the licence, in words
    attribution: str  # what the licence asks to be said, or how the data came to be
    url: str | None = None


RETURNS = Source(
    id="returns",
    title="Quarterly returns from councils (survey, workforce, data exchanges, placements, "
    "milestones) and the delivery register's updates, collected by the forum for this tracker",
    licence="collected by the forum for this tracker",
    attribution="Figures are as uploaded by the forum's analysts",
)
COUNCILS = Source(
    id="councils",
    title="UK Local Authority Names and Codes (the council list, names and types)",
    licence="Creative Commons Attribution 4.0 (CC BY 4.0)",
    attribution="UK Local Authority Names and Codes, © mySociety, licensed under CC BY 4.0",
    url="https://mysociety.github.io/uk_local_authority_names_and_codes/",
)
BOUNDARIES = Source(
    id="boundaries",
    title="ONS Open Geography Portal boundaries (regions Dec 2023; local authority districts "
    "May 2024; counties and unitary authorities Dec 2023)",
    licence="Open Government Licence v3.0",
    attribution="Source: Office for National Statistics licensed under the Open Government "
    "Licence v.3.0. Contains OS data © Crown copyright and database right 2024.",
    url="https://geoportal.statistics.gov.uk/",
)
VISIONS = Source(
    id="visions",
    title="The six visions and their targets: The Future Governance Forum, Digital local "
    "government (2025)",
    licence="quoted for reference",
    attribution="The visions are quoted from the report; the targets file of this tracker "
    "(metrics/targets.toml) turns each into measures.",
)

ALL: tuple[Source, ...] = (RETURNS, COUNCILS, BOUNDARIES, VISIONS)

# Short forms: under a map, and in a download's notes.
MAP_ATTRIBUTION = BOUNDARIES.attribution
COUNCIL_LIST = "the council list from UK Local Authority Names and Codes (mySociety, CC BY 4.0)"
