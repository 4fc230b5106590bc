"""Measures, status and projections over the tracker's DuckDB store.

Submodules: config (targets.toml), methods (the registry of measure methods), sql (each
method's SQL), measures (every measure for quarters and levels), progress (pure
status/projection logic), summary (the table every page and the CLI use). Importing
this package imports nothing else.
"""
