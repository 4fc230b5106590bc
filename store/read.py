"""Reading an upload (CSV or XLSX bytes) into one staging table of text columns.

CSV goes through DuckDB's own reader (no Python loop over rows): the bytes are checked
for the encoding (UTF-8 with or without a byte-order mark, else Windows-1252, which is
transcoded), the delimiter (comma, semicolon or tab) is taken from the header line,
and blank lines are kept as empty records so that row numbers are the ones a person
sees in a spreadsheet (header = row 1; a cell with a line break stays one row).
XLSX goes through openpyxl in read-only mode: the sheet named after the kind, else the
first. In both, the header is the first of the first ten non-blank rows with two of the
kind's column names (title rows above it are skipped and noted), else the first.

Before any of that, ``precheck`` holds the file against store.limits (size, lines,
columns, header length, the decompressed size of an .xlsx and its parts, a DTD in any of
its XML parts, a password, NUL bytes, mixed encodings): a file over a limit is refused
with a message naming the limit, in far less time and memory than reading it would take.
Reading itself keeps to them too (the longest row, the cells of an .xlsx, its rows).

Both become the temporary table ``_stage_raw``: one row per record of the file, in file
order (so the spreadsheet row is ``rowid + 1``: header and blank lines included), built
by one query over the file's text columns ``c0, c1, ...`` that the caller may give (store.validate
types every column in that same pass, so the file's text is never stored as a whole).
The temporary view ``_stage(_row, ...)`` is its data rows (after the header). Blank rows
are left in; store.validate skips them. ``Staged.keys[i]`` is the normalised header
(store.normalise.header_key) of ``c<i>``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from store import limits
from store.csv_text import (
    _decode,
    _header_line,
    _line_ends,
    _parse_header,
    header_names,
    title_note,
)
from store.normalise import header_key
from store.read_csv import _read_csv
from store.read_xlsx import _check_xlsx, _read_xlsx
from store.stage import _RAW, STAGE, ReadError, Staged, keep_text

CSV_SUFFIXES = {".csv", ".txt", ".tsv", ""}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}


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
    if head.startswith(_OLE) and _ENCRYPTED in data:
        raise ReadError(
            f"{file_name} is protected with a password (an encrypted workbook), so it cannot "
            "be read. Open it in Excel, remove the password (File > Info > Protect Workbook > "
            "Encrypt with Password: clear it), save it as .xlsx and upload it again."
        )
    if ext in XLSX_SUFFIXES:
        raise ReadError(
            f"{file_name} is named .xlsx but is not an Excel workbook. "
            "Save it again from Excel as .xlsx, or as 'CSV UTF-8'."
        )
    if ext == ".xls" or head.startswith(_OLE[:4]):
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


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file: .xls, or an encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream of an encrypted workbook


def precheck(data: bytes, file_name: str) -> str:
    """The limits every upload is held to before it is read (store.limits): 'csv' or
    'xlsx', else ReadError naming the limit (and the row, column or part of the file)."""
    size = len(data)
    limit = limits.max_upload_bytes()
    if size > limit:
        raise ReadError(
            f"{file_name} is {limits.size_text(size)}; the limit is {limits.max_upload_mb()} MB "
            "per file. Split it by quarter or region and upload the parts. Nothing was read."
        )
    _refuse_empty(data, file_name)
    fmt = sniff_format(data, file_name)
    if fmt == "xlsx":
        _check_xlsx(data, file_name)
        return fmt
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ReadError(
            f"{file_name} is saved as UTF-16 (Excel's 'Unicode Text'). Save it as 'CSV UTF-8' "
            "(or plain 'CSV') and upload it again."
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        row = data.count(b"\n", 0, nul) + 1
        raise ReadError(
            f"{file_name} is not a text file: row {row:,} holds a NUL byte (binary data). "
            "Upload a CSV saved as 'CSV UTF-8' or an .xlsx workbook."
        )
    lines = data.count(b"\n") + 1
    if lines > limits.MAX_LINES:
        raise ReadError(
            f"{file_name} has {lines:,} lines; the limit is {limits.MAX_LINES:,} lines "
            f"({limits.MAX_ROWS:,} rows). Split it by quarter or region and upload the parts."
        )
    return fmt


def read(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    kind: str | None = None,
    original: Path | None = None,
    query: Callable[[Staged], Callable[[str], str]] | None = None,
    scratch: Callable[[str], Path] | None = None,
    fmt: str | None = None,
) -> Staged:
    """Put the file into ``_stage_raw`` / the ``_stage`` view of ``con`` (temporary objects
    only). ``original``: a file already holding exactly ``data`` that the reader may use.
    ``query(staged)(source)``: the SELECT over ``source`` (a FROM item with the text
    columns c0, c1, ...) whose rows, one per record in file order, become ``_stage_raw``;
    by default the text as read (keep_text). ``scratch(what)``: a path for a temporary
    file (store.scratch.Scratch.path), else the system's temporary folder. ``fmt``: what
    ``precheck`` returned, when the caller ran it already."""
    fmt = fmt or precheck(data, file_name)
    build = query or (lambda _staged: keep_text)
    if fmt == "xlsx":
        staged = _read_xlsx(con, data, file_name, kind, build)
    else:
        staged = _read_csv(con, data, file_name, original, build, scratch, kind)
    view = (
        f"CREATE OR REPLACE TEMP VIEW {STAGE} AS SELECT CAST(rowid + 1 AS BIGINT) AS _row, * "
        f"FROM {_RAW} WHERE rowid + 1 > {int(staged.header_row)}"
    )
    con.execute(view)
    count = "SELECT count(*) FROM " + STAGE
    n = con.execute(count).fetchall()[0][0]
    if n == 0:
        raise ReadError(f"{file_name} has a header row (row {staged.header_row}) but no data rows.")
    if n > limits.MAX_ROWS:
        raise ReadError(
            f"{file_name} has {n:,} rows; the limit is {limits.MAX_ROWS:,}. Split it by "
            "quarter or region and upload the parts."
        )
    return staged


def _refuse_empty(data: bytes, file_name: str) -> None:
    blank = b" \t\r\n\x00\xef\xbb\xbf"
    if not data or (not data[:65536].strip(blank) and not data.strip(blank)):
        raise ReadError(f"{file_name} is empty: it has no header row and no data.")


def header_only(data: bytes, file_name: str, kind: str | None = None) -> Staged:
    """The header of a file, cheaply (for recognising its kind): only the first lines of a
    CSV are decoded, and only the first rows of an .xlsx's worksheet are parsed (openpyxl
    in read-only mode, stopped at the header). ``kind``: whose column names mark the header
    row below any title rows (every kind's when None)."""
    fmt = precheck(data, file_name)
    if fmt == "xlsx":
        return _read_xlsx(None, data, file_name, kind, header_only=True)  # type: ignore[arg-type]
    head = data
    if len(data) > 65536 + limits.MAX_HEADER_LINE_BYTES:
        cut = data.rfind(b"\n", 0, 65536 + limits.MAX_HEADER_LINE_BYTES)
        head = data[: cut + 1] if cut > 0 else data
    head, encoding = _decode(head, file_name)
    head = _line_ends(head)
    row, line, skipped, _ = _header_line(head, file_name, header_names(kind))
    text = line.decode("utf-8", errors="replace")
    delim, headers = _parse_header(text, file_name, row)
    notes = [title_note(skipped, row)] if skipped else []
    return Staged(
        "csv",
        headers,
        [header_key(h) for h in headers],
        row,
        encoding=encoding,
        delimiter=delim,
        notes=notes,
    )


def headers_only(data: bytes, file_name: str) -> list[str]:
    """The normalised header keys of a file, cheaply (for recognising its kind)."""
    return header_only(data, file_name).keys
