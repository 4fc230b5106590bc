"""The store: one DuckDB file holding the reference geography, the quarterly returns and
the log of every upload batch. See docs/architecture.md for which module owns what."""
