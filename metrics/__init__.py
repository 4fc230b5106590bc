"""Measures, status and projections over the tracker's DuckDB store.

Submodules: config (targets.toml), progress (pure status/projection logic),
measures (SQL), summary (the table every page and the CLI use). Importing this
package imports nothing else, so store.kinds can read metrics.config cheaply.
"""
