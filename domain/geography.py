"""Geography levels and their labels: the words every page, figure and query shares.

A figure is shown for England ("national") or cut by a level (region, footprint,
centre, council type). The Places pages rank groups of a level or single councils.
"""

from __future__ import annotations

NATIONAL = "national"

# The cuts of a summary: key -> label ("national" = no cut: England).
LEVELS: dict[str, str] = {
    NATIONAL: "England (all councils)",
    "region": "Region",
    "footprint": "Footprint (combined or strategic authority)",
    "centre": "Centre of Service Innovation",
    "council_type": "Council type",
}
GROUP_LEVELS: tuple[str, ...] = tuple(k for k in LEVELS if k != NATIONAL)

# The Places levels: groups of councils, or each council on its own.
COUNCIL = "council"
PLACE_LEVELS: dict[str, str] = {
    "region": LEVELS["region"],
    "footprint": LEVELS["footprint"],
    "centre": LEVELS["centre"],
    COUNCIL: "Council",
}
PLACE_LEVEL_SHORT: dict[str, str] = {
    "region": "Region",
    "footprint": "Footprint",
    "centre": "Centre",
    COUNCIL: "Council",
}

# The group of councils that belong to no footprint / no centre, so that the groups of a
# level add up to England; a milestone without a region is in NO_REGION.
NO_FOOTPRINT = "No combined or strategic authority"
NO_CENTRE = "No Centre of Service Innovation"
NO_REGION = "No region"

# councils.council_type values -> how people name several of them.
COUNCIL_TYPES: dict[str, str] = {
    "county": "county councils",
    "district": "district councils",
    "unitary": "unitary councils",
    "metropolitan district": "metropolitan districts",
    "London borough": "London boroughs",
    "city corporation": "city corporations",
}
