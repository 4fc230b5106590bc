"""Milestones of the Blueprint: the kinds a milestone register row may name, and statuses."""

from __future__ import annotations

MILESTONE_KINDS: tuple[str, ...] = (
    "centre_of_service_innovation",
    "coordinating_institute",
    "workforce_plan",
    "apprenticeship_scheme",
    "audit_regime",
    "procurement_framework",
    "common_components_library",
    "other",
)
ACHIEVED = "achieved"
MILESTONE_STATUSES: tuple[str, ...] = ("not_started", "in_progress", ACHIEVED)
