"""Reading an upload (CSV or XLSX bytes) into one staging table of text columns.

CSV goes through DuckDB's own reader (no Python loop over rows): the bytes are checked
for the encoding (UTF-8 with or without a byte-order mark, else Windows-1252, which is
transcoded), the delimiter (comma, semicolon or tab) is taken from the header line,
and blank lines are kept as empty records so that row numbers are the ones a person
sees in a spreadsheet (header = row 1; a cell with a line break stays one row).
XLSX goes through openpyxl in read-only mode: the sheet named after the kind, else the
first; the header is the first non-empty row.

Both become the temporary table ``_stage_raw``: one row per record of the file, in file
order (so the spreadsheet row is ``rowid + 1``: header and blank lines included), built
by one query over the file's text columns ``c0, c1, ...`` that the caller may give (store.validate
types every column in that same pass, so the file's text is never stored as a whole).
The temporary view ``_stage(_row, ...)`` is its data rows (after the header). Blank rows
are left in; store.validate skips them. ``Staged.keys[i]`` is the normalised header
(store.normalise.header_key) of ``c<i>``.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from store.db import StoreError
from store.normalise import header_key

STAGE = "_stage"  # the view validation reads
_RAW = "_stage_raw"  # the table behind it

CSV_SUFFIXES = {".csv", ".txt", ".tsv", ""}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}


class ReadError(StoreError):
    """The file cannot be read as a table at all; the message says why and what to do."""


@dataclass
class Staged:
    file_format: str  # 'csv' or 'xlsx'
    headers: list[str]  # the header cells as written
    keys: list[str]  # header_key of each
    header_row: int  # spreadsheet row of the header
    encoding: str = "utf-8"
    delimiter: str = ","
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)  # e.g. "read as Windows-1252"

    def column_of(self, key: str) -> str | None:
        """The file column (c<i>) holding the header ``key``, or None."""
        for i, k in enumerate(self.keys):
            if k == key:
                return f"c{i}"
        return None


def keep_text(source: str) -> str:
    """The default staging query: every column's text as read."""
    return "SELECT * FROM " + source


def suffix(file_name: str) -> str:
    return Path(str(file_name or "")).suffix.lower()


def sniff_format(data: bytes, file_name: str) -> str:
    """'csv' or 'xlsx', or ReadError for bytes that are neither."""
    ext = suffix(file_name)
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        if ext in XLSX_SUFFIXES:
            return "xlsx"
        if ext in CSV_SUFFIXES - {""}:
            raise ReadError(
                f"{file_name} is named .csv but holds a ZIP archive (perhaps an Excel workbook "
                "renamed). Upload the workbook with its .xlsx name, or save it from Excel as "
                "'CSV UTF-8'."
            )
        return "xlsx"
    if ext in XLSX_SUFFIXES:
        raise ReadError(
            f"{file_name} is named .xlsx but is not an Excel workbook. "
            "Save it again from Excel as .xlsx, or as 'CSV UTF-8'."
        )
    if ext == ".xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(
            f"{file_name} is an old-style Excel file (.xls). Save it from Excel as "
            ".xlsx or as 'CSV UTF-8'."
        )
    if (
        head.startswith(b"\x89PNG")
        or head[:3] == b"\xff\xd8\xff"
        or head.startswith(b"%PDF")
        or head.startswith(b"GIF8")
    ):
        raise ReadError(
            f"{file_name} is not a table: it holds an image or a PDF. Upload the "
            "CSV or .xlsx file with the data."
        )
    if ext not in CSV_SUFFIXES:
        raise ReadError(f"{file_name}: uploads must be .csv or .xlsx files, not '{ext}'.")
    return "csv"


def read(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    kind: str | None = None,
    original: Path | None = None,
    query: Callable[[Staged], Callable[[str], str]] | None = None,
) -> Staged:
    """Put the file into ``_stage_raw`` / the ``_stage`` view of ``con`` (temporary objects
    only). ``original``: a file already holding exactly ``data`` that the reader may use.
    ``query(staged)(source)``: the SELECT over ``source`` (a FROM item with the text
    columns c0, c1, ...) whose rows, one per record in file order, become ``_stage_raw``;
    by default the text as read (keep_text)."""
    _refuse_empty(data, file_name)
    fmt = sniff_format(data, file_name)
    build = query or (lambda _staged: keep_text)
    if fmt == "xlsx":
        staged = _read_xlsx(con, data, file_name, kind, build)
    else:
        staged = _read_csv(con, data, file_name, original, build)
    view = (
        f"CREATE OR REPLACE TEMP VIEW {STAGE} AS SELECT CAST(rowid + 1 AS BIGINT) AS _row, * "
        f"FROM {_RAW} WHERE rowid + 1 > {int(staged.header_row)}"
    )
    con.execute(view)
    count = "SELECT count(*) FROM " + STAGE
    n = con.execute(count).fetchall()[0][0]
    if n == 0:
        raise ReadError(f"{file_name} has a header row (row {staged.header_row}) but no data rows.")
    return staged


def _refuse_empty(data: bytes, file_name: str) -> None:
    blank = b" \t\r\n\x00\xef\xbb\xbf"
    if not data or (not data[:65536].strip(blank) and not data.strip(blank)):
        raise ReadError(f"{file_name} is empty: it has no header row and no data.")


# --- CSV -------------------------------------------------------------------------------


def _decode(data: bytes, file_name: str) -> tuple[bytes, str]:
    """UTF-8 bytes without a byte-order mark, and the encoding the file was in."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ReadError(
            f"{file_name} is saved as UTF-16 (Excel's 'Unicode Text'). Save it as 'CSV UTF-8' "
            "(or plain 'CSV') and upload it again."
        )
    if b"\x00" in data[:65536]:
        raise ReadError(
            f"{file_name} is not a text file (it holds binary data). Upload a CSV "
            "saved as 'CSV UTF-8' or an .xlsx workbook."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        encoding = "utf-8 (with byte-order mark)"
    else:
        encoding = "utf-8"
    try:
        if not data.isascii():  # (ASCII is UTF-8; isascii is far cheaper than decoding)
            data.decode("utf-8")
        return data, encoding
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"{file_name} is neither UTF-8 nor Windows-1252 text (byte {exc.start + 1} cannot "
            "be read). Save it from Excel as 'CSV UTF-8' and upload it again."
        ) from None
    return text.encode("utf-8"), "windows-1252"


def _header_line(data: bytes) -> tuple[int, bytes]:
    """(spreadsheet row of the first non-blank line, that line)."""
    row = 0
    for m in re.finditer(rb"([^\n]*)\n?", data):
        if m.start() == len(data):
            break
        row += 1
        line = m.group(1).rstrip(b"\r")
        if line.strip(b" \t,;"):
            return row, line
        if row > 1000:
            break
    raise ReadError("The file has no header row: the first 1,000 lines are blank.")


def _pick_delimiter(line: str) -> str:
    counts = {}
    for d in (",", ";", "\t"):
        try:
            counts[d] = len(next(csv.reader([line], delimiter=d)))
        except (csv.Error, StopIteration):
            counts[d] = 0
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


def _fill_blank_lines(data: bytes, filler: bytes) -> bytes:
    """Give each blank line between records the delimiters of an empty record (so DuckDB
    keeps it and record number == spreadsheet row). A blank line inside a quoted
    multi-line cell is part of that cell and stays as written: a line starts outside
    quotes when the quotation marks before it are even in number (a quote inside a
    quoted value is doubled)."""
    parts = []
    done = quotes = 0
    starts = ([0] if data[:1] == b"\n" or data[:2] == b"\r\n" else []) + [
        m.start() + 1 for m in re.finditer(rb"\n(?=\r?\n)", data)
    ]
    for pos in starts:
        quotes += data.count(b'"', done, pos)
        parts.append(data[done:pos])
        if quotes % 2 == 0:
            parts.append(filler)
        done = pos
    parts.append(data[done:])
    return b"".join(parts)


def _read_csv(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    original: Path | None,
    build: Callable[[Staged], Callable[[str], str]],
) -> Staged:
    given = data
    data, encoding = _decode(data, file_name)
    header_row, line = _header_line(data)
    text = line.decode("utf-8")
    delim = _pick_delimiter(text)
    headers = next(csv.reader([text], delimiter=delim))
    ncols = len(headers)
    notes = []
    if encoding == "windows-1252":
        notes.append("read as Windows-1252 text (not UTF-8)")
    staged = Staged(
        "csv",
        headers,
        [header_key(h) for h in headers],
        header_row,
        encoding=encoding,
        delimiter=delim,
        notes=notes,
    )
    # Keep blank lines as empty records so record number == spreadsheet row.
    if b"\n\n" in data or b"\n\r\n" in data or data[:1] in (b"\n", b"\r"):
        data = _fill_blank_lines(data, delim.encode() * (ncols - 1))
    columns = {f"column{i}": "VARCHAR" for i in range(ncols)}
    # Read the caller's copy of the original bytes when they need no change (saves
    # writing a large file twice); otherwise a temporary file.
    own = not (original is not None and data is given)
    if own:
        fd, tmp = tempfile.mkstemp(suffix=".csv", prefix="tracker-upload-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    else:
        tmp = str(original)
    query = build(staged)
    names = ", ".join(f"column{i} AS c{i}" for i in range(ncols))
    try:

        def source(extra: str) -> str:
            return (
                f"(SELECT {names} FROM read_csv(?, auto_detect = false, header = false, "
                "delim = ?, quote = '\"', escape = '\"', columns = ?, strict_mode = true"
                + extra
                + "))"
            )

        create = "CREATE OR REPLACE TEMP TABLE " + _RAW + " AS "
        try:
            _in_file_order(con, create + query(source("")), [tmp, delim, columns])
            con.execute(create + query(source("")), [tmp, delim, columns])
        except duckdb.Error as exc:
            msg = str(exc)
            if "Expected Number of Columns" in msg and _found_fewer(msg, ncols):
                try:
                    con.execute(
                        create + query(source(", null_padding = true, parallel = false")),
                        [tmp, delim, columns],
                    )
                except duckdb.Error as exc2:
                    raise ReadError(_csv_error(file_name, str(exc2), ncols)) from None
            else:
                raise ReadError(_csv_error(file_name, msg, ncols)) from None
    finally:
        if own:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return staged


# Operators that keep the order of their input (the staging plan may use only these).
_IN_ORDER = {
    "CREATE_TABLE_AS",
    "BATCH_CREATE_TABLE_AS",
    "PROJECTION",
    "FILTER",
    "READ_CSV",
    "TABLE_SCAN",
    "PANDAS_SCAN",
    "ARROW_SCAN",
    "PYTHON_SCAN",
    "DUMMY_SCAN",
}


def _in_file_order(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> None:
    """The spreadsheet row of a record is its rowid + 1, so the staging query must keep
    the file's order: a plan of scans, projections and filters only (DuckDB turns an IN
    list into a join, which reorders rows). A programming error otherwise."""
    import json

    text = con.execute("EXPLAIN (FORMAT json) " + sql, params).fetchall()[-1][-1]
    names: list[str] = []

    def walk(node):
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            names.append(str(node.get("name", "")))
            walk(node.get("children", []))

    walk(json.loads(text))
    bad = sorted({n for n in names if n not in _IN_ORDER})
    if bad:
        raise RuntimeError(
            f"store.read: the staging query would reorder rows ({', '.join(bad)} "
            "in its plan); use list_position instead of IN / list_contains"
        )


def _found_fewer(msg: str, ncols: int) -> bool:
    m = re.search(r"Found: (\d+)", msg)
    return bool(m) and int(m.group(1)) < ncols


def _csv_error(file_name: str, msg: str, ncols: int) -> str:
    line = re.search(r"Line: (\d+)", msg)
    found = re.search(r"Found: (\d+)", msg)
    where = f" at row {line.group(1)}" if line else ""
    if found:
        return (
            f"{file_name}{where}: the row has {found.group(1)} cells but the header has "
            f"{ncols}. Check for an unquoted delimiter in a value (quote values that "
            "contain commas or semicolons)."
        )
    if "quote" in msg.lower():
        return (
            f"{file_name}{where}: a quoted value is not closed. Check the quotation "
            "marks in that row."
        )
    first = msg.strip().splitlines()[0] if msg.strip() else "unknown error"
    return f"{file_name}{where} cannot be read as CSV: {first}"


# --- XLSX ------------------------------------------------------------------------------


def _cell_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, _dt.datetime):
        return v.date().isoformat() if v.time() == _dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, _dt.date):
        return v.isoformat()
    s = str(v)
    return s if s.strip() else None


def _read_xlsx(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    kind: str | None,
    build: Callable[[Staged], Callable[[str], str]] | None = None,
) -> Staged:
    import openpyxl
    import pandas as pd

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadError(
            f"{file_name} cannot be opened as an Excel workbook ({exc}). Save it "
            "again from Excel as .xlsx, or as 'CSV UTF-8'."
        ) from None
    try:
        names = wb.sheetnames
        sheet = names[0]
        if kind:
            for n in names:
                if header_key(n) == kind:
                    sheet = n
        ws = wb[sheet]
        ws.reset_dimensions()
        header_row = None
        headers: list[str] = []
        rows: list[list] = []  # one per worksheet row from row 1 (row r is rows[r - 1])
        for r, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if header_row is None:
                if any(c is not None for c in cells):
                    header_row = r
                    while cells and cells[-1] is None:
                        cells.pop()
                    headers = ["" if c is None else c for c in cells]
                rows.append([])
                continue
            if any(c is not None for c in cells):
                rows.append(cells[: len(headers)] + [None] * (len(headers) - len(cells)))
            else:
                rows.append([])
    finally:
        wb.close()
    if header_row is None:
        raise ReadError(f"{file_name}: the worksheet '{sheet}' is empty.")
    while len(rows) > header_row and not rows[-1]:
        rows.pop()  # empty rows below the data (formatting) are not rows
    notes = [f"read the worksheet '{sheet}'"] if len(names) > 1 else []
    staged = Staged(
        "xlsx",
        [str(h) for h in headers],
        [header_key(h) for h in headers],
        header_row,
        sheet=sheet,
        notes=notes,
    )
    width = len(headers)
    frame = pd.DataFrame(
        [r or [None] * width for r in rows], columns=[f"c{i}" for i in range(width)], dtype="object"
    )
    con.register("_xlsx_frame", frame)
    try:
        casts = ", ".join(f"CAST(c{i} AS VARCHAR) AS c{i}" for i in range(width))
        query = (build or (lambda _staged: keep_text))(staged)
        create = f"CREATE OR REPLACE TEMP TABLE {_RAW} AS " + query(
            f"(SELECT {casts} FROM _xlsx_frame)"
        )
        _in_file_order(con, create, [])
        con.execute(create)
    finally:
        con.unregister("_xlsx_frame")
    return staged


def headers_only(data: bytes, file_name: str) -> list[str]:
    """The normalised header keys of a file, cheaply (for recognising its kind)."""
    _refuse_empty(data, file_name)
    fmt = sniff_format(data, file_name)
    if fmt == "xlsx":
        con = duckdb.connect()
        try:
            return _read_xlsx(con, data, file_name, None).keys
        finally:
            con.close()
    head = data
    if len(data) > 65536:
        cut = data.rfind(b"\n", 0, 65536)
        head = data[: cut + 1] if cut > 0 else data
    head, _ = _decode(head, file_name)
    _, line = _header_line(head)
    text = line.decode("utf-8", errors="replace")
    return [header_key(h) for h in next(csv.reader([text], delimiter=_pick_delimiter(text)))]
