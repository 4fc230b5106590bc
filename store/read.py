"""Reading an upload (CSV or XLSX bytes) into one staging table of text columns.

CSV goes through DuckDB's own reader (no Python loop over rows): the bytes are checked
for the encoding (UTF-8 with or without a byte-order mark, else Windows-1252, which is
transcoded), the delimiter (comma, semicolon or tab) is taken from the header line,
and blank lines are kept as empty records so that row numbers are the ones a person
sees in a spreadsheet (header = row 1; a cell with a line break stays one row).
XLSX goes through openpyxl in read-only mode: the sheet named after the kind, else the
first; the header is the first non-empty row.

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

import csv
import datetime as _dt
import io
import os
import re
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

import duckdb

from store import kinds as _kinds
from store import limits
from store.errors import StoreError
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


# --- CSV -------------------------------------------------------------------------------


def _decode(data: bytes, file_name: str) -> tuple[bytes, str]:
    """UTF-8 bytes without a byte-order mark, and the encoding the file was in.

    The contract allows UTF-8 or Windows-1252. A file that is neither as a whole (UTF-8
    text with a Windows-1252 byte in it: two programs wrote it) is refused, naming the
    first row that is not UTF-8: reading it all as Windows-1252 would garble every
    accented letter of the UTF-8 part ("Café" -> "CafÃ©")."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ReadError(
            f"{file_name} is saved as UTF-16 (Excel's 'Unicode Text'). Save it as 'CSV UTF-8' "
            "(or plain 'CSV') and upload it again."
        )
    if b"\x00" in data:
        raise ReadError(
            f"{file_name} is not a text file (it holds binary data). Upload a CSV "
            "saved as 'CSV UTF-8' or an .xlsx workbook."
        )
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    encoding = "utf-8 (with byte-order mark)" if bom else "utf-8"
    if data.isascii():  # (ASCII is UTF-8; isascii is far cheaper than decoding)
        return data, encoding
    try:
        data.decode("utf-8")
        return data, encoding
    except UnicodeDecodeError as exc:
        bad = exc.start
    # Valid UTF-8 beyond ASCII anywhere (or a byte-order mark) while this byte is not:
    # a mix of the two encodings.
    if bom or not data[:bad].isascii() or _has_utf8(data, bad):
        row = data.count(b"\n", 0, bad) + 1
        line_start = data.rfind(b"\n", 0, bad) + 1
        byte = data[bad]
        guess = bytes([byte]).decode("cp1252", errors="replace")
        raise ReadError(
            f"{file_name}: row {row:,} holds a byte (0x{byte:02X}, '{guess}' in Windows-1252) "
            f"that is not UTF-8, at character {bad - line_start + 1:,} of the row, while the "
            "rest of the file is UTF-8. A file must be one or the other: save the whole file "
            "from Excel as 'CSV UTF-8' and upload it again."
        )
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"{file_name} is neither UTF-8 nor Windows-1252 text (byte {exc.start + 1} cannot "
            "be read). Save it from Excel as 'CSV UTF-8' and upload it again."
        ) from None
    return text.encode("utf-8"), "windows-1252"


_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _has_utf8(data: bytes, after: int) -> bool:
    """Is there a well-formed multi-byte UTF-8 character after ``after``?"""
    return _UTF8_MULTI.search(data, after) is not None


def _line_ends(data: bytes) -> bytes:
    """One kind of line end: a file that mixes them (CRLF, LF, a carriage return alone as
    old Mac files have) gets line feeds throughout; all-CRLF and all-LF files are left
    as they are. (DuckDB's reader takes one kind of line end per file.)"""
    cr = data.count(b"\r")
    if not cr:
        return data
    crlf = data.count(b"\r\n")
    if crlf == cr and data.count(b"\n") == crlf:
        return data  # CRLF throughout
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


TITLE_ROWS_MAX = 10  # non-blank rows searched for the header row (title rows above it)


def header_names(kind: str | None) -> tuple[frozenset[str], bool]:
    """The header keys that make a row a header: ``kind``'s columns (every kind's when
    None), and whether any ``standard_<id>`` column counts (the survey's standards)."""
    chosen = [_kinds.KINDS[kind]] if kind in _kinds.KINDS else list(_kinds.KINDS.values())
    names: set[str] = set()
    for k in chosen:
        names |= {c.name for c in k.columns}
    return frozenset(names), any(k.has_standards for k in chosen)


def header_score(keys: list[str], names: tuple[frozenset[str], bool]) -> int:
    """How many distinct cells of a row are column names of the kind (see header_names)."""
    known, standards = names
    return len({k for k in keys if k and (k in known or (standards and k.startswith("standard_")))})


def _line_keys(line: bytes) -> list[str]:
    try:
        text = line.decode("utf-8", errors="replace")
        cells = next(csv.reader([text], delimiter=_pick_delimiter(text)))
    except (csv.Error, StopIteration):
        return []
    return [header_key(c) for c in cells]


def _header_line(
    data: bytes,
    file_name: str = "The file",
    names: tuple[frozenset[str], bool] | None = None,
) -> tuple[int, bytes, int, int]:
    """(spreadsheet row of the header, the header line, the number of title rows skipped
    above it, the byte offset where the header line starts).

    The header is the first of the first TITLE_ROWS_MAX non-blank lines that has at least
    two of the kind's column names (``names``: header_names); when none has, the first
    non-blank line (whose missing columns validation then names)."""
    row = 0
    pos = 0
    n = len(data)
    seen: list[tuple[int, bytes, int]] = []  # (row, line, offset) of the non-blank lines
    while pos < n and row <= 1000 and len(seen) < TITLE_ROWS_MAX:
        end = data.find(b"\n", pos)
        if end < 0:
            end = n
        row += 1
        if end - pos > limits.MAX_HEADER_LINE_BYTES:
            if seen:  # (a long line below a candidate: data, not the header)
                break
            raise ReadError(
                f"{file_name}: row {row} (the header row) is {limits.size_text(end - pos)} long; "
                f"the limit for the header row is {limits.size_text(limits.MAX_HEADER_LINE_BYTES)} "
                "(column names, not data). Check that the file is a table with one header row."
            )
        line = data[pos:end].rstrip(b"\r")
        if line.strip(b" \t,;"):
            seen.append((row, line, pos))
            if names is None or header_score(_line_keys(line), names) >= 2:
                return row, line, len(seen) - 1, pos
        pos = end + 1
    if not seen:
        raise ReadError(f"{file_name} has no header row: the first 1,000 lines are blank.")
    first_row, first_line, first_pos = seen[0]
    return first_row, first_line, 0, first_pos


def title_note(skipped: int, header_row: int) -> str:
    """The report's note on title rows above the header."""
    rows = f"{skipped} title row{'' if skipped == 1 else 's'}"
    return (
        f"skipped {rows} above the header, which is row {header_row}: row numbers below are "
        "the spreadsheet's"
    )


def _pick_delimiter(line: str) -> str:
    counts = {}
    for d in (",", ";", "\t"):
        try:
            counts[d] = len(next(csv.reader([line], delimiter=d)))
        except (csv.Error, StopIteration):
            counts[d] = 0
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


def _parse_header(text: str, file_name: str, row: int) -> tuple[str, list[str]]:
    """(delimiter, header cells) of the header line, within the limits."""
    delim = _pick_delimiter(text)
    try:
        headers = next(csv.reader([text], delimiter=delim))
    except (csv.Error, StopIteration) as exc:
        raise ReadError(
            f"{file_name}: row {row} (the header row) cannot be read as CSV ({exc}). Check its "
            "quotation marks."
        ) from None
    if len(headers) > limits.MAX_COLUMNS:
        raise _too_many_columns(file_name, row, len(headers))
    _check_header_cells(headers, file_name, row)
    return delim, headers


def _too_many_columns(file_name: str, row: int, n: int) -> ReadError:
    return ReadError(
        f"{file_name}: the header row (row {row}) has {n:,} columns; the limit is "
        f"{limits.MAX_COLUMNS:,}. Keep the columns of the upload kind (see its template) "
        "and delete the others."
    )


def _check_header_cells(headers: list[str], file_name: str, row: int) -> None:
    for i, h in enumerate(headers):
        if h is not None and len(str(h)) > limits.MAX_HEADER_CELL_CHARS:
            raise ReadError(
                f"{file_name}: row {row} (the header row), column {i + 1}: the column name is "
                f"{len(str(h)):,} characters long; the limit is {limits.MAX_HEADER_CELL_CHARS}. "
                "Check that the first row of the file is the header row."
            )


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
    scratch: Callable[[str], Path] | None = None,
    kind: str | None = None,
) -> Staged:
    given = data
    data, encoding = _decode(data, file_name)
    data = _line_ends(data)
    header_row, line, skipped, start = _header_line(data, file_name, header_names(kind))
    text = line.decode("utf-8")
    delim, headers = _parse_header(text, file_name, header_row)
    ncols = len(headers)
    notes = []
    if encoding == "windows-1252":
        notes.append("read as Windows-1252 text (not UTF-8)")
    if skipped:
        notes.append(title_note(skipped, header_row))
        # The lines above the header become empty records (record number == row stays).
        filler = delim.encode() * (ncols - 1) + b"\n"
        data = filler * (header_row - 1) + data[start:]
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
        if scratch is not None:
            tmp = str(scratch("csv"))
            with open(tmp, "wb") as f:
                f.write(data)
        else:
            fd, tmp = tempfile.mkstemp(suffix=".csv", prefix="tracker-upload-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
    else:
        tmp = str(original)
    del data  # (the bytes may be a converted copy: not needed any more)
    query = build(staged)
    names = ", ".join(f"column{i} AS c{i}" for i in range(ncols))
    try:

        def source(extra: str) -> str:
            return (
                f"(SELECT {names} FROM read_csv(?, auto_detect = false, header = false, "
                "delim = ?, quote = '\"', escape = '\"', columns = ?, strict_mode = true, "
                f"max_line_size = {int(limits.MAX_ROW_BYTES)}" + extra + "))"
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
    "SEQ_SCAN",
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

    if sql in _ORDER_CHECKED:
        return
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
    if len(_ORDER_CHECKED) < 512:
        _ORDER_CHECKED.add(sql)


_ORDER_CHECKED: set[str] = (
    set()
)  # staging queries whose plan was checked (the same per kind and header)


def _found_fewer(msg: str, ncols: int) -> bool:
    m = re.search(r"Found: (\d+)", msg)
    return m is not None and int(m.group(1)) < ncols


def _csv_error(file_name: str, msg: str, ncols: int) -> str:
    """DuckDB's reader error as a message for people: what it is, and where."""
    line = re.search(r"CSV Error on Line: (\d+)", msg) or re.search(r"Line: (\d+)", msg)
    found = re.search(r"Found: (\d+)", msg)
    where = f" at row {line.group(1)}" if line else ""
    if "Expected Number of Columns" in msg and found:
        return (
            f"{file_name}{where}: the row has {found.group(1)} cells but the header has "
            f"{ncols}. Check for an unquoted delimiter in a value (quote values that "
            "contain commas or semicolons)."
        )
    if "unterminated quote" in msg:
        return (
            f"{file_name}{where}: a quoted value is not closed. Check the quotation "
            "marks in that row."
        )
    if "Maximum line size" in msg:
        return (
            f"{file_name}{where}: the row is longer than "
            f"{limits.size_text(limits.MAX_ROW_BYTES)}, the limit for one row. Check for a "
            "quotation mark that is not closed, or a cell holding a whole document."
        )
    if "Invalid unicode" in msg:
        return (
            f"{file_name}{where}: the row holds bytes that are not UTF-8 text. Save the file "
            "from Excel as 'CSV UTF-8' and upload it again."
        )
    if "invalid state" in msg:
        return (
            f"{file_name}{where} cannot be read as CSV: a quotation mark or a line end "
            "appears where a value cannot have one (for example a quote after a closed "
            "quoted value). Check the quotation marks in that row."
        )
    first = _first_line(msg)
    return f"{file_name}{where} cannot be read as CSV: {first}"


def _first_line(msg: str) -> str:
    lines = [ln for ln in msg.strip().splitlines() if ln.strip()]
    first = lines[0] if lines else "unknown error"
    first = re.sub(r"^[A-Za-z ]*Error: ", "", first)
    return first if len(first) <= 200 else first[:197] + "..."


# --- XLSX ------------------------------------------------------------------------------


def _cell_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v == 0:
            return "0"  # (-0.0 too)
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, _dt.datetime):
        return v.date().isoformat() if v.time() == _dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, _dt.date):
        return v.isoformat()
    s = str(v)
    return s if s.strip() else None


def _keys(texts: list[tuple[int, str]]) -> list[str]:
    return [header_key(t) for _, t in texts]


class _Stop(Exception):
    pass


def _prologue_has_dtd(stream) -> bool:
    """Does the XML document in ``stream`` declare a document type (DTD) before its first
    element? Reads only as far as the first element (expat; nothing is expanded)."""
    parser = expat.ParserCreate()
    found = []

    def doctype(*_args):
        found.append(True)
        raise _Stop

    def element(*_args):
        raise _Stop

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = element
    read = 0
    try:
        while True:
            chunk = stream.read(16384)
            read += len(chunk)
            parser.Parse(chunk, not chunk)
            if not chunk or read > 4 * limits.MB:
                return bool(found)
    except _Stop:
        return bool(found)
    except expat.ExpatError:
        return bool(found)  # (not well-formed: openpyxl reports it)


def _check_xlsx(data: bytes, file_name: str) -> None:
    """The .xlsx (a ZIP archive) against the limits, from its directory and the start of
    each XML part only: nothing is decompressed in full."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ReadError(
            f"{file_name} cannot be opened as an Excel workbook ({exc}). Save it "
            "again from Excel as .xlsx, or as 'CSV UTF-8'."
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.MAX_XLSX_ENTRIES:
            raise ReadError(
                f"{file_name} holds {len(infos):,} parts; an Excel workbook has far fewer (the "
                f"limit is {limits.MAX_XLSX_ENTRIES:,}). Save it again from Excel as .xlsx."
            )
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise ReadError(
                    f"{file_name} is protected with a password (its part {info.filename} is "
                    "encrypted), so it cannot be read. Remove the password in Excel, save and "
                    "upload it again."
                )
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.MB and ratio > limits.MAX_XLSX_RATIO:
                raise ReadError(
                    f"{file_name}: its part {info.filename} would decompress to "
                    f"{limits.size_text(info.file_size)}, {ratio:,.0f} times its stored size (the "
                    f"limit is {limits.MAX_XLSX_RATIO} times): a file built to exhaust the server "
                    "(a 'ZIP bomb'), not a workbook Excel writes. It was not opened."
                )
            if (
                info.filename.lower().endswith("sharedstrings.xml")
                and info.file_size > limits.MAX_XLSX_SHARED_STRINGS
            ):
                raise ReadError(
                    f"{file_name}: its table of texts ({info.filename}) is "
                    f"{limits.size_text(info.file_size)} decompressed; the limit is "
                    f"{limits.size_text(limits.MAX_XLSX_SHARED_STRINGS)}."
                )
        if total > limits.MAX_XLSX_UNCOMPRESSED:
            raise ReadError(
                f"{file_name} would decompress to {limits.size_text(total)}; the limit is "
                f"{limits.size_text(limits.MAX_XLSX_UNCOMPRESSED)}. Split it by quarter or "
                "region, or save it as 'CSV UTF-8'."
            )
        for info in infos:  # (every part: openpyxl finds them by reference, not by name)
            if info.is_dir():
                continue
            try:
                with zf.open(info) as stream:
                    dtd = _prologue_has_dtd(stream)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
                raise ReadError(
                    f"{file_name} cannot be opened as an Excel workbook ({info.filename}: {exc}). "
                    "Save it again from Excel as .xlsx, or as 'CSV UTF-8'."
                ) from None
            if dtd:
                raise ReadError(
                    f"{file_name}: its part {info.filename} declares an XML document type "
                    "(a DTD, with entities). Excel never writes one, and it can be used to "
                    "attack the server, so the workbook was not opened. Save it again from "
                    "Excel as .xlsx."
                )


def _xlsx_rows(ws) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
    """(row number, [(column number, value)]) of every row of a read-only worksheet that
    has a cell, straight from openpyxl's parser: a row is as wide as its cells, not
    padded to the sheet's width, and no per-row formatting is kept."""
    from openpyxl.worksheet._reader import WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_row(self, row):  # as openpyxl's, without keeping row formatting
            attrs = row.attrib
            if "r" in attrs:
                try:
                    self.row_counter = int(attrs["r"])
                except ValueError:
                    self.row_counter = int(float(attrs["r"]))
            else:
                self.row_counter += 1
            self.col_counter = 0
            return self.row_counter, [self.parse_cell(el) for el in row]

    wb = ws.parent
    with ws._get_source() as src:
        parser = Parser(
            src,
            ws._shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        for idx, cells in parser.parse():
            yield idx, [(c["column"], c["value"]) for c in cells if c["value"] is not None]


_OPEN_LOCK = threading.Lock()


def _open_workbook(data: bytes, file_name: str):
    """openpyxl's read-only workbook. (Opening one parses every worksheet that has no
    <dimension> element in full, only to size it, and _read_xlsx never asks its size:
    that step is skipped.)"""
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        with _OPEN_LOCK:
            sizing = ReadOnlyWorksheet._get_size
            ReadOnlyWorksheet._get_size = lambda self: None
            try:
                return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            finally:
                ReadOnlyWorksheet._get_size = sizing
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError) as exc:
        # (defusedxml's refusals are ValueErrors; a broken part is often a SyntaxError)
        raise ReadError(
            f"{file_name} cannot be opened as an Excel workbook ({_first_line(str(exc))}). "
            "Save it again from Excel as .xlsx, or as 'CSV UTF-8'."
        ) from None


def _column_letter(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


_CHUNK = 20_000  # worksheet rows put into DuckDB at a time


def _read_xlsx(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    kind: str | None,
    build: Callable[[Staged], Callable[[str], str]] | None = None,
    header_only: bool = False,
) -> Staged:
    """The worksheet into ``_stage_raw`` (through a table of its cells, filled a chunk of
    rows at a time, so memory does not grow with the file). ``header_only``: stop at the
    header row (nothing is put into ``con``)."""
    import pyarrow as pa

    wb = _open_workbook(data, file_name)
    header_row: int | None = None
    headers: list[str] = []
    width = 0
    cells_table = "_xlsx_cells"
    sheet = ""
    sheets: list[str] = []
    chunk: list[list[str | None]] = []
    last = 0  # the last worksheet row put into the table
    skipped = 0  # title rows above the header

    def flush() -> None:
        if not chunk:
            return
        columns = list(zip(*chunk))
        table = pa.table({f"c{i}": pa.array(columns[i], type=pa.string()) for i in range(width)})
        con.register("_xlsx_chunk", table)
        try:
            con.execute(f"INSERT INTO {cells_table} SELECT * FROM _xlsx_chunk")
        finally:
            con.unregister("_xlsx_chunk")
        chunk.clear()

    try:
        sheets = wb.sheetnames
        sheet = sheets[0]
        if kind:
            for n in sheets:
                if header_key(n) == kind:
                    sheet = n
        ws = wb[sheet]
        names = header_names(kind)
        pending: list[tuple[int, list[tuple[int, str]]]] = []  # rows before the header is known

        def settle() -> None:
            """Choose the header among the pending rows (the first with two of the kind's
            column names, else the first) and take the rows below it as data."""
            nonlocal header_row, width, headers, last, skipped
            pick = next(
                (i for i, (_, t) in enumerate(pending) if header_score(_keys(t), names) >= 2), 0
            )
            r, texts = pending[pick]
            far = max(col for col, _ in texts)
            if far > limits.MAX_COLUMNS:
                raise ReadError(
                    f"{file_name}: the header row (row {r}) has a value in column "
                    f"{_column_letter(far)} (column {far:,}); the limit is "
                    f"{limits.MAX_COLUMNS} columns. Delete the columns beyond the "
                    "upload kind's (see its template)."
                )
            header_row, width, skipped = r, far, pick
            row_cells: list[str] = [""] * width
            for col, t in texts:
                row_cells[col - 1] = t
            headers = row_cells
            _check_header_cells(headers, file_name, r)
            if header_only:
                return
            cols = ", ".join(f"c{i} VARCHAR" for i in range(width))
            con.execute(f"CREATE OR REPLACE TEMP TABLE {cells_table} ({cols})")
            # Rows 1 .. header: placeholders, so that rowid + 1 is the worksheet row.
            con.execute(
                f"INSERT INTO {cells_table} SELECT {', '.join(['NULL'] * width)} "
                f"FROM range({int(r)})"
            )
            last = r
            for below, below_texts in pending[pick + 1 :]:
                add(below, below_texts)

        def add(r: int, texts: list[tuple[int, str]]) -> None:
            nonlocal last
            assert header_row is not None
            if r - header_row > limits.MAX_ROWS:
                raise ReadError(
                    f"{file_name}: the worksheet '{sheet}' has rows beyond row "
                    f"{header_row + limits.MAX_ROWS:,} ({limits.MAX_ROWS:,} data rows, the "
                    "limit). Split it by quarter or region and upload the parts."
                )
            values: list[str | None] = [None] * width
            seen = False
            for col, t in texts:
                if col > limits.MAX_COLUMNS:
                    raise ReadError(
                        f"{file_name}: row {r:,} has a value in column {_column_letter(col)} "
                        f"(column {col:,}); the limit is {limits.MAX_COLUMNS} columns. Delete "
                        "what is beyond the table."
                    )
                if col <= width:
                    if len(t) > limits.MAX_CELL_CHARS:
                        raise ReadError(
                            f"{file_name}: row {r:,}, column {headers[col - 1] or _column_letter(col)}: "
                            f"the cell holds {len(t):,} characters; the limit is "
                            f"{limits.MAX_CELL_CHARS:,}."
                        )
                    values[col - 1] = t
                    seen = True
            if not seen:
                return  # (an empty row: counted when a row with values follows)
            pending_blank = r - last - 1
            if pending_blank:
                flush()
                con.execute(
                    f"INSERT INTO {cells_table} SELECT {', '.join(['NULL'] * width)} "
                    f"FROM range({int(pending_blank)})"
                )
            chunk.append(values)
            last = r
            if len(chunk) >= _CHUNK:
                flush()

        for r, cells in _xlsx_rows(ws):
            texts: list[tuple[int, str]] = []
            for col, v in cells:
                text = _cell_text(v)
                if text is not None:
                    texts.append((col, text))
            if header_row is None:
                if not texts:
                    continue
                if r > 1000 and not pending:
                    raise ReadError(
                        f"{file_name}: the worksheet '{sheet}' has no header row in its "
                        "first 1,000 rows."
                    )
                if r > 1000:  # (no clear header among the rows above: the first is)
                    settle()
                    if header_only:
                        break
                    add(r, texts)
                    continue
                pending.append((r, texts))
                if header_score(_keys(texts), names) >= 2 or len(pending) >= TITLE_ROWS_MAX:
                    settle()
                    if header_only:
                        break
                continue
            add(r, texts)
        if header_row is None and pending:  # (fewer rows than the search, no clear header)
            settle()
        if header_row is not None and not header_only:
            flush()
    except ReadError:
        raise
    except (ValueError, KeyError, TypeError, SyntaxError, zipfile.BadZipFile, OSError) as exc:
        raise ReadError(
            f"{file_name} cannot be read as an Excel workbook ({_first_line(str(exc))}). "
            "Save it again from Excel as .xlsx, or as 'CSV UTF-8'."
        ) from None
    finally:
        wb.close()
    if header_row is None:
        raise ReadError(f"{file_name}: the worksheet '{sheet}' is empty.")
    notes = [f"read the worksheet '{sheet}'"] if len(sheets) > 1 else []
    if skipped:
        notes.append(title_note(skipped, header_row))
    staged = Staged(
        "xlsx",
        [str(h) for h in headers],
        [header_key(h) for h in headers],
        header_row,
        sheet=sheet,
        notes=notes,
    )
    if header_only:
        return staged
    try:
        query = (build or (lambda _staged: keep_text))(staged)
        create = f"CREATE OR REPLACE TEMP TABLE {_RAW} AS " + query(
            f"(SELECT * FROM {cells_table})"
        )
        _in_file_order(con, create, [])
        con.execute(create)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {cells_table}")
    return staged


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
