"""Download buttons, and tables ready for st.dataframe.

Every table leaves with its notes (metrics.export.Notes: measure, quarter, scope, source,
demo flag) when the view-model gives them: ``file_buttons(download)`` takes a
viewmodels.downloads.Download."""

from __future__ import annotations

import weakref
from typing import Any

import pandas as pd
import streamlit as st

from metrics import export
from ui import cache
from viewmodels.downloads import Download

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _make_files(table: pd.DataFrame, name: str, notes: export.Notes | None) -> tuple[bytes, bytes]:
    """(CSV bytes, Excel bytes) of ``table``."""
    return export.to_csv_bytes(table, notes), export.to_xlsx_bytes(table, name[:31], notes)


def download_specs(
    table: pd.DataFrame, name: str, notes: export.Notes | None = None
) -> list[dict[str, Any]]:
    """The st.download_button arguments of a table's CSV and Excel files (named
    ``name``.csv / .xlsx, with ``notes`` as a title block / Notes sheet); the files are
    made once per table (the same object on every rerun: never change it after)."""
    # made once per table, name and notes (ui.cache.derived): a view-model's tables are
    # the same objects on every rerun, and an Excel file takes tens of milliseconds
    csv, xlsx = cache.derived(_make_files, table, name, notes)
    return [
        {
            "label": "CSV",
            "data": csv,
            "file_name": f"{name}.csv",
            "mime": "text/csv",
            "icon": ":material/download:",
        },
        {
            "label": "Excel",
            "data": xlsx,
            "file_name": f"{name}.xlsx",
            "icon": ":material/download:",
            "mime": XLSX_MIME,
        },
    ]


def download_buttons(table: pd.DataFrame, name: str, notes: export.Notes | None = None) -> None:
    """CSV and Excel download buttons side by side (keys ``dl-<name>-CSV`` / ``-Excel``).
    Draw them only beside a table someone opened, so the files are made only then."""
    # side by side at their own width (columns would squeeze them to an icon in a
    # narrow column, such as the Places ranking's)
    with st.container(horizontal=True):
        for spec in download_specs(table, name, notes):
            st.download_button(key=f"dl-{name}-{spec['label']}", on_click="ignore", **spec)


def file_buttons(download: Download) -> None:
    """A view-model's table as CSV and Excel, with its notes."""
    download_buttons(download.table, download.name, download.notes)


def csv_bytes(
    table: pd.DataFrame | list[dict[str, Any]], notes: export.Notes | None = None
) -> bytes:
    """A table (or rows as dicts) as a CSV file safe to open in a spreadsheet."""
    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table)
    return export.to_csv_bytes(frame, notes)


# Arrow tables of the DataFrames the pages show, by the DataFrame's identity: a view-model's
# tables are the same objects on every rerun (ui.cache), so each is converted once and
# dropped with its DataFrame.
_ARROW: dict[int, tuple[weakref.ref[pd.DataFrame], Any]] = {}


def arrow_table(df: pd.DataFrame) -> Any:
    """``df`` as a pyarrow Table for st.dataframe, made once per DataFrame: st.dataframe
    converts a DataFrame to Arrow on every rerun (a fifth to half a millisecond each), a
    Table it only writes out. Falls back to ``df`` itself when Arrow cannot hold a column
    as it is (st.dataframe then fixes the types, as before). Never change ``df`` after."""
    key = id(df)
    hit = _ARROW.get(key)
    if hit is not None and hit[0]() is df:
        return hit[1]
    import pyarrow as pa

    table: Any
    try:
        table = pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        table = df

    def forget(_gone: object, key: int = key) -> None:
        _ARROW.pop(key, None)

    try:
        ref = weakref.ref(df, forget)
    except TypeError:  # not weakly referable: convert every time
        return table
    _ARROW[key] = (ref, table)
    return table


def compact_style(key: str, bold_rows: tuple[int, ...] = ()) -> str:
    """The style of a compact table in the container ``key`` (its class st-key-<key>):
    smaller type and padding, so a row of short texts is one line; ``bold_rows``: the
    positions of rows in bold on a grey band (a group's heading row)."""
    box = f".st-key-{key}"
    style = [f"{box} th, {box} td {{ padding: 3px 8px; font-size: 0.9rem; line-height: 1.35; }}"]
    if bold_rows:
        rows = ", ".join(f"{box} tbody tr:nth-child({i + 1}) td" for i in bold_rows)
        style.append(f"{rows} {{ font-weight: 600; background-color: #f0f2f6; }}")
    return "<style>\n" + "\n".join(style) + "\n</style>"


def compact_table(df: pd.DataFrame, *, key: str, bold_rows: tuple[int, ...] = ()) -> None:
    """``df`` as a dense st.table (no index) in a container ``key``, styled by a style-only
    st.html (compact_style: no space on the page). A rerun sends the table as Arrow
    (under a millisecond); a pandas Styler took about 9 ms to marshal on every rerun.
    (A cell's text wraps at its spaces: the view-model writes non-breaking spaces where a
    cell must stay on one line.)"""
    with st.container(key=key):
        st.html(compact_style(key, bold_rows))
        st.table(df, hide_index=True)


# WCAG 2.1.1: a table wider than a phone scrolls inside its own box, which the keyboard
# must be able to focus and scroll. (st.table's box gets a tabindex only with a pixel
# width or height, which also stops its cells wrapping: markdown tables go in this box.)


def scrolling_markdown(text: str, label: str) -> None:
    """A wide markdown table (``text``, HTML allowed) in a box that scrolls sideways on a
    narrow screen and that the keyboard can focus and scroll (named ``label``)."""
    st.markdown(
        f'<div role="region" tabindex="0" aria-label="{label} (scrolls sideways)" '
        f'style="overflow-x: auto; max-width: 100%">\n\n{text}\n\n</div>',
        unsafe_allow_html=True,
    )
