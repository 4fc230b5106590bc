"""Reading a CSV upload into the staging table through DuckDB's own reader (store.read
calls it), and DuckDB's reader errors as messages for people."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from store import limits
from store.csv_text import (
    _decode,
    _fill_blank_lines,
    _header_line,
    _line_ends,
    _parse_header,
    header_names,
    title_note,
)
from store.normalise import header_key
from store.stage import _RAW, ReadError, Staged, _first_line, _in_file_order


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
