"""Documents made from the tracker's figures: the quarterly board pack.

A layer above ``metrics``: it may import metrics and store, never streamlit.

    reports.boardpack.board_pack_pdf(db, "2026-Q3", "footprint:E47000001") -> bytes
    reports.boardpack.board_pack_html(db, "2026-Q3") -> bytes
"""
