"""The tracker's shared vocabulary, below both store and metrics.

    geography   the levels a figure can be cut by, and their labels
    survey      the survey return's columns (yes/no and numeric)
    milestones  milestone kinds and statuses
    standards   the core standards, read from the targets file's [[core_standards]]

Modules here import nothing from the project (only the standard library), so store and
metrics can both use them without importing each other.
"""
