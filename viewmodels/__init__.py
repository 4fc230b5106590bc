"""View-models: what each page shows, worked out without Streamlit.

One module per page (``overview``, ``theme``, ``delivery`` with ``delivery_action``,
``places``, ``council``, ``coverage``, ``methodology``, ``upload``, ``history``) and
``text`` for the texts they share. A
builder takes plain values (a DuckDB connection first, then the page's filters; or the
targets configuration) and returns frozen dataclasses that the page lays out. Builders
compute through metrics and store functions; they never import Streamlit, so they are
unit-tested directly (tests/viewmodels). ui.cache.page_values runs them once per data
version.
"""
