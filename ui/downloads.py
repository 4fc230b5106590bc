"""Download buttons, and tables ready for st.dataframe."""

from __future__ import annotations

import weakref
from typing import Any

import pandas as pd
import streamlit as st

from metrics import export

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_specs(table: pd.DataFrame, name: str) -> list[dict[str, Any]]:
    """The st.download_button arguments of a table's CSV and Excel files (named
    ``name``.csv / .xlsx); the files are made when this is called."""
    return [
        {
            "label": "CSV",
            "data": export.to_csv_bytes(table),
            "file_name": f"{name}.csv",
            "mime": "text/csv",
            "icon": ":material/download:",
        },
        {
            "label": "Excel",
            "data": export.to_xlsx_bytes(table, name[:31]),
            "file_name": f"{name}.xlsx",
            "icon": ":material/download:",
            "mime": XLSX_MIME,
        },
    ]


def download_buttons(table: pd.DataFrame, name: str) -> None:
    """CSV and Excel download buttons side by side (keys ``dl-<name>-CSV`` / ``-Excel``).
    Draw them only beside a table someone opened, so the files are made only then."""
    columns = st.columns([1, 1, 6])
    for column, spec in zip(columns, download_specs(table, name)):
        column.download_button(key=f"dl-{name}-{spec['label']}", **spec)


def csv_bytes(table: pd.DataFrame | list[dict[str, Any]]) -> bytes:
    """A table (or rows as dicts) as a CSV file safe to open in a spreadsheet."""
    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table)
    return export.to_csv_bytes(frame)


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
