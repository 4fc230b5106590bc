"""The demo's story in numbers: the baseline quarter, the standards and their levels, the
role families' shares, what regions, council types and standards add to a council's
traits, and the targets the story reaches each quarter since the baseline (functions of
k)."""

from __future__ import annotations

FIRST_QUARTER = "2025-Q2"  # the baseline: when the report was published

STANDARDS = (
    "service_standard",
    "tech_code_of_practice",
    "local_digital_declaration",
    "open_referral",
    "planning_data",
    "accessibility",
    "cyber_assessment_framework",
)
LEVELS = ("none", "planned", "adopting", "adopted", "audited")
ROLE_SHARES = {  # share of a council's digital workforce by DDaT role family
    "architecture": 0.06,
    "data": 0.14,
    "it_operations": 0.30,
    "product_delivery": 0.12,
    "quality_assurance": 0.05,
    "software_development": 0.15,
    "user_centred_design": 0.08,
    "cyber_security": 0.10,
}

# Regional character: standards readiness, under-represented share, SME share.
REGION_EFFECT = {  # region_code: (readiness, underrepresented share, sme share)
    "E12000001": (0.00, -0.02, 0.02),  # North East
    "E12000002": (0.45, 0.01, 0.01),  # North West: ahead on standards
    "E12000003": (0.05, -0.01, 0.02),  # Yorkshire and The Humber
    "E12000004": (-0.10, -0.01, 0.00),  # East Midlands
    "E12000005": (0.00, 0.01, 0.00),  # West Midlands
    "E12000006": (-0.40, -0.02, -0.01),  # East of England: behind
    "E12000007": (0.60, 0.08, -0.03),  # London: ahead, more diverse workforce
    "E12000008": (0.10, -0.01, 0.00),  # South East
    "E12000009": (-0.45, -0.03, 0.03),  # South West: behind
}
TYPE_SIZE = {  # council_type: (digital headcount, quarterly digital spend £, contracts per quarter, readiness)
    "county": (140, 2_400_000, 14, 0.0),
    "unitary": (110, 1_800_000, 12, 0.1),
    "metropolitan district": (150, 2_200_000, 12, 0.1),
    "London borough": (85, 1_400_000, 10, 0.1),
    "district": (18, 350_000, 4, -0.25),
    "city corporation": (60, 900_000, 6, 0.2),
}
STANDARD_EASE = {
    "service_standard": 0.3,
    "tech_code_of_practice": 0.4,
    "local_digital_declaration": 0.6,
    "open_referral": -0.4,
    "planning_data": -0.1,
    "accessibility": 0.2,
    "cyber_assessment_framework": -0.3,
}
GAP_WEIGHTS = {
    "service_standard": 1.5,
    "tech_code_of_practice": 1.0,
    "local_digital_declaration": 0.5,
    "open_referral": 3.0,
    "planning_data": 2.0,
    "accessibility": 1.0,
    "cyber_assessment_framework": 3.0,
}


# Story targets as functions of k = quarters since the baseline.
def standards_share(k: int) -> float:
    return min(0.12 + 0.016 * k, 0.9)


def underrepresented_share(k: int) -> float:
    return 0.30 * (1 + 0.012 * k)


def sme_share(k: int) -> float:
    return max(0.24 - 0.004 * k, 0.05)


def outcome_share(k: int) -> float:
    return 0.18


def maturity_mean(k: int) -> float:
    return 2.4 + 0.08 * k


def collective_share(k: int) -> float:
    return min(0.40 + 0.025 * k, 0.95)


def components_share(k: int) -> float:
    return min(0.35 + 0.026 * k, 0.95)
