"""The `delivery` kind's broken files (tests/store/broken/delivery__*.csv): file ->
(message fragment, row, column), one or more for every rule of shared/spec/delivery.md.
Checked by tests/store/test_ingest_files.py like every other broken file: refused with
the message at that place, and nothing written."""

from __future__ import annotations

DELIVERY_BROKEN = {
    "delivery__unknown_action_id.csv": (
        "is not an action of the register (metrics/register.toml); did you mean REC-data-2",
        2,
        "action_id",
    ),
    "delivery__completed_without_evidence.csv": (
        "status is completed, so evidence is required",
        2,
        "evidence",
    ),
    "delivery__off_track_without_reason.csv": (
        "status is off_track, so a reason is required",
        2,
        "reason",
    ),
    "delivery__dropped_without_reason.csv": (
        "status is dropped, so a reason is required",
        2,
        "reason",
    ),
    # the due quarter in force comes from the file's own earlier quarter here; from a
    # stored batch and from the register: tests/store/test_delivery.py
    "delivery__due_quarter_moved_without_reason.csv": (
        "differs from the due quarter in force, 2026-Q2 (given for 2025-Q3 in row 2 of this "
        "file), and no reason is given",
        3,
        "due_quarter",
    ),
    # 2024/25 Q4 is 2025-Q1, before the baseline 2025-Q2
    "delivery__due_before_baseline.csv": (
        "is before the baseline quarter 2025-Q2",
        2,
        "due_quarter",
    ),
    "delivery__due_quarter_ten_years_ahead.csv": (
        "is more than ten years ahead (after 2036-Q4)",
        2,
        "due_quarter",
    ),
    "delivery__javascript_link_as_evidence.csv": (
        "a link must start with http:// or https://",
        2,
        "evidence",
    ),
    "delivery__commentary_too_long.csv": ("is longer than 1,000 characters", 2, "commentary"),
    "delivery__bad_status.csv": (
        "one of: not_started, in_progress, completed, off_track, dropped",
        2,
        "status",
    ),
    "delivery__bad_confidence.csv": ("one of: high, medium, low", 2, "confidence"),
    "delivery__duplicate_action_and_quarter.csv": (
        "rows 2 and 3 have the same action_id, quarter",
        3,
        "action_id, quarter",
    ),
    "delivery__future_quarter.csv": (
        "2027-Q1 is after the current quarter (2026-Q4)",
        2,
        "quarter",
    ),
    "delivery__formula_in_commentary.csv": ("spreadsheet formula", 2, "commentary"),
    "delivery__missing_status_column.csv": (
        "the required column 'status' is missing",
        None,
        "status",
    ),
}
