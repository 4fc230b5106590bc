"""A CSV upload's bytes before DuckDB reads them: the encoding (UTF-8, with or without a
byte-order mark, else Windows-1252; a mix is refused), one kind of line end, the header
line (below any title rows: header_names / header_score, which store.read_xlsx uses too)
and its delimiter, the limits on the header, and blank lines kept as empty records."""

from __future__ import annotations

import csv
import re

from store import kinds as _kinds
from store import limits
from store.normalise import header_key
from store.stage import ReadError


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
