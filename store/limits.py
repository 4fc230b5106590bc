"""The limits an upload is checked against before any work is done on it.

Each is a number a person can be told ("at most 200 columns"). They are far above what
a real quarterly return needs (the largest, workforce, is at most a few thousand rows
and 10 columns) and low enough that a hostile or broken file is refused in well under a
second, before it is parsed, decompressed or handed to the database. The file-size
limit follows the dashboard's upload limit (``server.maxUploadSize``, 50 MB); the
environment variable ``TRACKER_MAX_UPLOAD_MB`` changes it for both the dashboard's
checks and the command line.
"""

from __future__ import annotations

import os

MB = 1024 * 1024

DEFAULT_MAX_UPLOAD_MB = 50
MAX_COLUMNS = 200  # columns in the header row
MAX_HEADER_CELL_CHARS = 256  # characters in one header cell
MAX_HEADER_LINE_BYTES = 64 * 1024  # the whole header line of a CSV
MAX_ROW_BYTES = 256 * 1024  # one record of a CSV (every cell of one row together)
MAX_CELL_CHARS = 32_767  # one cell (Excel's own limit)
MAX_ROWS = 1_048_576  # data rows (Excel's own limit for a worksheet)
MAX_LINES = 2 * MAX_ROWS  # physical lines of a CSV (blank lines and line breaks in cells)
MAX_XLSX_ENTRIES = 10_000  # files inside an .xlsx (a ZIP archive)
MAX_XLSX_UNCOMPRESSED = 400 * MB  # all of them, decompressed
MAX_XLSX_RATIO = 200  # decompressed size / compressed size of one part (a ZIP bomb is ~1000)
MAX_XLSX_SHARED_STRINGS = 100 * MB  # the workbook's table of texts, decompressed
MAX_DID_YOU_MEAN_CHARS = 100  # longer council spellings get no "did you mean" (names are < 60)
MAX_DID_YOU_MEAN_VALUES = 50  # distinct unknown spellings given suggestions


def max_upload_mb() -> int:
    try:
        value = int(os.environ.get("TRACKER_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))
    except ValueError:
        return DEFAULT_MAX_UPLOAD_MB
    return value if value > 0 else DEFAULT_MAX_UPLOAD_MB


def max_upload_bytes() -> int:
    return max_upload_mb() * MB


def size_text(n: int) -> str:
    """A byte count for people: 2.5 MB, 64 KB, 300 bytes."""
    if n >= MB:
        return f"{n / MB:,.1f} MB"
    if n >= 1024:
        return f"{n / 1024:,.0f} KB"
    return f"{n:,} bytes"
