"""Reading an .xlsx upload: the workbook held against store.limits from its ZIP directory
and the start of each XML part (no DTD, no password, no ZIP bomb), then its worksheet
into the staging table through openpyxl in read-only mode, a chunk of rows at a time
(store.read calls both)."""

from __future__ import annotations

import datetime as _dt
import io
import threading
import zipfile
from collections.abc import Callable, Iterator
from typing import Any
from xml.parsers import expat

import duckdb

from store import limits
from store.csv_text import (
    TITLE_ROWS_MAX,
    _check_header_cells,
    header_names,
    header_score,
    title_note,
)
from store.normalise import header_key
from store.stage import _RAW, ReadError, Staged, _first_line, _in_file_order, keep_text


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
