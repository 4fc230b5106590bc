"""A corpus of hostile and unlucky upload files, generated (nothing large is committed).

Every file is one the store must refuse quickly and cheaply, with a message that names
the row, the column or the limit, writing nothing. ``corpus()`` yields
``Hostile(name, kind, file_name, data, fragment)``: ``fragment`` is a piece of the
expected refusal. The classes: size and shape limits (file size, lines, columns, header
length, row length, rows), encodings and bytes (NUL, mixed UTF-8 and Windows-1252, CR-only
line ends), CSV reader errors, .xlsx bombs (decompressed size, ratio, cells far to the
right or far down, DTD entity expansion and external entities, a password), the
did-you-mean search (long and many unknown council names) and formulas hidden behind
invisible characters or inside list items.

Run as a program (``python -m tests.store.hostile DB``) it loads every file against DB
and prints one JSON line per file: seconds, peak memory (MB, sampled), the refusal, and
whether the database's content changed (tests/store/test_hostile.py runs it).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from store import limits

WF = "council_code,quarter,role_family,headcount,underrepresented\n"
SV = "council_code,quarter,data_maturity,digital_spend_gbp\n"
EX = "exchange_id,quarter,name,lead_council_code,partners,partner_types,standards,status,evidence\n"


@dataclass
class Hostile:
    name: str  # what it tries
    kind: str
    file_name: str
    data: bytes
    fragment: str  # part of the expected refusal (names a row, a column or a limit)


# --- .xlsx built by hand ---------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="workforce" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _cell(ref: str, value) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _row(r: int, values: list, start: int = 0) -> str:
    cells = "".join(_cell(f"{_letters(start + i + 1)}{r}", v) for i, v in enumerate(values))
    return f'<row r="{r}">{cells}</row>'


def _letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def xlsx(sheet_rows: str, *, prologue: str = "", extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal workbook whose one sheet's <sheetData> holds ``sheet_rows``."""
    head = _SHEET_HEAD
    if prologue:
        head = head.replace("?>\n", "?>\n" + prologue, 1)
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES.encode(),
        "_rels/.rels": _RELS.encode(),
        "xl/workbook.xml": _WORKBOOK.encode(),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS.encode(),
        "xl/worksheets/sheet1.xml": (head + sheet_rows + _SHEET_TAIL).encode(),
    }
    parts.update(extra or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return buf.getvalue()


_WF_HEAD = ["council_code", "quarter", "role_family", "headcount", "underrepresented"]


def _declaring(data: bytes, part: str, declared: int) -> bytes:
    """``data`` (a ZIP archive) with the decompressed size of ``part`` in its local and
    central headers set to ``declared`` (the data itself unchanged)."""
    out = bytearray(data)
    name = part.encode()
    for sig, size_at, name_len_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        i = 0
        while True:
            i = out.find(sig, i)
            if i < 0:
                break
            nlen = struct.unpack_from("<H", out, i + name_len_at)[0]
            if bytes(out[i + name_at : i + name_at + nlen]) == name:
                struct.pack_into("<I", out, i + size_at, declared)
            i += 4
    return bytes(out)


def _lying_zip(declared: int) -> bytes:
    """A workbook whose sheet claims to decompress to ``declared`` bytes (the ZIP headers
    say so; the data is small): refused from the directory, before decompressing."""
    good = xlsx(_row(1, _WF_HEAD) + _row(2, ["E06000001", "2025-Q3", "all", 5, 1]))
    return _declaring(good, "xl/worksheets/sheet1.xml", declared)


def _lying_total() -> bytes:
    """A workbook with a 3 MB picture that claims 450 MB decompressed: an ordinary ratio
    (150 times) but more than the limit for the whole workbook."""
    import random

    noise = random.Random(7).randbytes(3 * 1024 * 1024)
    buf = io.BytesIO()
    good = xlsx(_row(1, _WF_HEAD) + _row(2, ["E06000001", "2025-Q3", "all", 5, 1]))
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w") as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename), zipfile.ZIP_DEFLATED)
        z.writestr("xl/media/image1.bin", noise, zipfile.ZIP_STORED)
    return _declaring(buf.getvalue(), "xl/media/image1.bin", 450 * 1024 * 1024)


def _bomb(size: int) -> bytes:
    """A real decompression bomb: ``size`` bytes of one repeated row, deflated."""
    row = _row(2, ["E06000001", "2025-Q3", "all", 5, 1]).encode()
    body = (_SHEET_HEAD + _row(1, _WF_HEAD)).encode()
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = row * (1024 * 1024 // len(row))
    chunks = [comp.compress(body)]
    written = len(body)
    deflated_block = None
    while written < size:
        if deflated_block is None:
            deflated_block = comp.compress(block)
            chunks.append(deflated_block)
        else:
            chunks.append(comp.compress(block))
        written += len(block)
    chunks.append(comp.compress(_SHEET_TAIL.encode()))
    chunks.append(comp.flush())
    data = b"".join(chunks)
    crc = 0  # (never checked: the file is refused from its directory)
    good = xlsx(_row(1, _WF_HEAD))
    src = zipfile.ZipFile(io.BytesIO(good))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info.filename, src.read(info.filename))
    raw = bytearray(buf.getvalue())
    # Append the bomb as one more entry by hand (local header + data + central record).
    cd_at = raw.find(b"PK\x01\x02")
    eocd_at = raw.rfind(b"PK\x05\x06")
    central = bytes(raw[cd_at:eocd_at])
    local_part = bytes(raw[:cd_at])
    fname = b"xl/worksheets/sheet1.xml"
    offset = len(local_part)
    local = (
        struct.pack(
            "<4sHHHHHIIIHH",
            b"PK\x03\x04",
            20,
            0,
            8,
            0,
            0,
            crc,
            len(data),
            written + len(_SHEET_TAIL),
            len(fname),
            0,
        )
        + fname
    )
    cent = (
        struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(data),
            written + len(_SHEET_TAIL),
            len(fname),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + fname
    )
    body = local_part + local + data
    centrals = central + cent
    n = centrals.count(b"PK\x01\x02")
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, len(centrals), len(body), 0)
    return body + centrals + eocd


def _encrypted_workbook() -> bytes:
    """What Excel writes for a workbook with a password: an OLE2 compound file holding
    the streams EncryptionInfo and EncryptedPackage (the directory entries are real; the
    encrypted content is random bytes)."""
    sector = 512
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)  # minor, major, byte order, 2^9
    struct.pack_into("<H", header, 32, 6)  # mini sector shift
    struct.pack_into("<I", header, 44, 1)  # FAT sectors
    struct.pack_into("<I", header, 48, 1)  # first directory sector
    struct.pack_into("<I", header, 56, 4096)  # mini stream cutoff
    struct.pack_into("<I", header, 60, 0xFFFFFFFE)  # no mini FAT
    struct.pack_into("<I", header, 68, 0xFFFFFFFE)  # no DIFAT
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0]: FAT at sector 0
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, 0xFFFFFFFF)
    fat = bytearray(b"\xff" * sector)
    struct.pack_into("<III", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE)
    struct.pack_into("<I", fat, 12, 0xFFFFFFFE)

    def entry(name: str, kind: int, start: int, size: int, child=0xFFFFFFFF, right=0xFFFFFFFF):
        e = bytearray(128)
        raw = (name + "\0").encode("utf-16-le")
        e[0 : len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw), kind, 1)
        struct.pack_into("<III", e, 68, 0xFFFFFFFF, right, child)
        struct.pack_into("<II", e, 116, start, size)
        return bytes(e)

    directory = (
        entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)
        + entry("EncryptedPackage", 2, 2, 64, right=2)
        + entry("EncryptionInfo", 2, 3, 64)
        + bytes(128)
    )
    package = bytes(range(64)) * 8
    return bytes(header) + bytes(fat) + directory + package + package


# --- the corpus -------------------------------------------------------------------------


def corpus() -> Iterator[Hostile]:
    mb = limits.MB
    row_ok = "E06000001,2025-Q3,all,5,1\n"

    # Size and shape.
    yield Hostile(
        "file over the size limit",
        "workforce",
        "big.csv",
        (WF + row_ok * (limits.max_upload_bytes() // len(row_ok) + 10)).encode(),
        "the limit is 50 MB",
    )
    yield Hostile(
        "a header of a million columns (1 MB)",
        "workforce",
        "wide.csv",
        b"c," * 500_000 + b"c\n" + row_ok.encode(),
        "the limit for the header row is 64 KB",
    )
    yield Hostile(
        "10,000 columns (time once grew with their square)",
        "workforce",
        "cols.csv",
        (",".join(f"c{i}" for i in range(10_000)) + "\n" + "1," * 9_999 + "1\n").encode(),
        "has 10,000 columns; the limit is 200",
    )
    yield Hostile(
        "a header field over 128 KB",
        "workforce",
        "field.csv",
        b"council_code," + b"h" * (130 * 1024) + b"\n" + row_ok.encode(),
        "the limit for the header row is 64 KB",
    )
    yield Hostile(
        "a 1,000-character column name",
        "workforce",
        "name.csv",
        ("council_code,quarter," + "x" * 1000 + "\n" + "E06000001,2025-Q3,1\n").encode(),
        "column 3: the column name is 1,000 characters long; the limit is 256",
    )
    yield Hostile(
        "a row of 400 KB",
        "exchanges",
        "row.csv",
        (EX + "X1,2025-Q3,Name,E06000001,,,,live," + "e" * (400 * 1024) + "\n").encode(),
        "at row 2: the row is longer than 256 KB",
    )
    yield Hostile(
        "2.2 million lines",
        "workforce",
        "lines.csv",
        WF.encode() + b"\n" * 2_200_000,
        "lines; the limit is 2,097,152 lines",
    )
    yield Hostile(
        "19 MB of long council names (the did-you-mean search)",
        "workforce",
        "names.csv",
        (WF + "".join(f"{'Hartlepool' * 9000}{i},2025-Q3,all,5,1\n" for i in range(200))).encode(),
        "no council has this GSS code or name",
    )
    yield Hostile(
        "19 MB of long texts",
        "exchanges",
        "texts.csv",
        (
            EX
            + "".join(
                f"X{i},2025-Q3,{'Care records ' * 7000},E06000001,{'P; ' * 100},,,live,\n"
                for i in range(200)
            )
        ).encode(),
        "is longer than 2,000 characters",
    )
    yield Hostile(
        "100,000 distinct unknown council names",
        "workforce",
        "unknown.csv",
        (WF + "".join(f"Nowhere Council {i},2025-Q3,all,5,1\n" for i in range(100_000))).encode(),
        "no council has this GSS code or name",
    )

    # Bytes and encodings.
    pad = row_ok * (70_000 // len(row_ok))
    yield Hostile(
        "a NUL byte after the first 64 KB",
        "workforce",
        "nul.csv",
        (WF + pad).encode() + b"E06000001,2025-Q3,all,5\x00,1\n",
        f"row {pad.count(chr(10)) + 2:,} holds a NUL byte",
    )
    yield Hostile(
        "one Windows-1252 byte in a UTF-8 file",
        "exchanges",
        "mixed.csv",
        (EX + "X1,2025-Q3,Café links,E06000001,,,,live,\n").encode()
        + b"X2,2025-Q3,Caf\xe9 links,E06000001,,,,live,\n",
        "row 3 holds a byte (0xE9",
    )
    yield Hostile(
        "CR-only line ends (and an error on row 3)",
        "workforce",
        "cr.csv",
        (WF + row_ok + "E06000002,2025-Q3,all,-5,1\n").replace("\n", "\r").encode(),
        "cannot be negative",
    )
    yield Hostile(
        "a header followed by blank lines",
        "workforce",
        "blank.csv",
        (WF + "\n\n\n,,,,\n\n").encode(),
        "no rows of data",
    )

    # CSV reader errors, each named for what it is.
    yield Hostile(
        "an unclosed quotation mark",
        "exchanges",
        "quote.csv",
        (EX + 'X1,2025-Q3,"Name,E06000001,,,,live,\nX2,2025-Q3,N,E06000001,,,,live,\n').encode(),
        "a quoted value is not closed",
    )
    yield Hostile(
        "a quote after a closed quoted value",
        "exchanges",
        "state.csv",
        (EX + 'X1,2025-Q3,"Name"x",E06000001,,,,live,\n').encode(),
        "row 2",
    )
    yield Hostile(
        "more cells than the header",
        "workforce",
        "ragged.csv",
        (WF + "E06000001,2025-Q3,all,5,1,9,9\n").encode(),
        "at row 2: the row has 6 cells but the header has 5",
    )

    # .xlsx
    yield Hostile(
        "an .xlsx with one header cell in column XFD",
        "workforce",
        "xfd.xlsx",
        xlsx(
            '<row r="1">'
            + "".join(_cell(f"{_letters(i + 1)}1", h) for i, h in enumerate(_WF_HEAD))
            + _cell("XFD1", "far")
            + "</row>"
            + _row(2, ["E06000001", "2025-Q3", "all", 5, 1])
        ),
        "column XFD (column 16,384); the limit is 200 columns",
    )
    yield Hostile(
        "an .xlsx with a value in column XFD of every row",
        "workforce",
        "xfd-rows.xlsx",
        xlsx(
            _row(1, _WF_HEAD)
            + "".join(
                f'<row r="{r}">'
                + "".join(
                    _cell(f"{_letters(i + 1)}{r}", v)
                    for i, v in enumerate(["E06000001", "2025-Q3", "all", 5, 1])
                )
                + _cell(f"XFD{r}", 1)
                + "</row>"
                for r in range(2, 20_000)
            )
        ),
        "row 2 has a value in column XFD",
    )
    yield Hostile(
        "an .xlsx with a row below row 1,048,577",
        "workforce",
        "deep.xlsx",
        xlsx(_row(1, _WF_HEAD) + _row(1_048_600, ["E06000001", "2025-Q3", "all", 5, 1])),
        "1,048,576 data rows, the limit",
    )
    yield Hostile(
        "an .xlsx decompression bomb (ratio)",
        "workforce",
        "bomb.xlsx",
        _bomb(60 * mb),
        "times its stored size (the limit is 200 times)",
    )
    yield Hostile(
        "an .xlsx whose sheet says it decompresses to 4 GB",
        "workforce",
        "lying.xlsx",
        _lying_zip(4_000_000_000),
        "would decompress to 3,814.7 MB",
    )
    yield Hostile(
        "an .xlsx that decompresses to 450 MB in all",
        "workforce",
        "total.xlsx",
        _lying_total(),
        "would decompress to 450.0 MB; the limit is 400.0 MB",
    )
    laughs = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'
            for i in range(10)
        )
        + "]>\n"
    )
    yield Hostile(
        "an .xlsx with entity expansion (a billion laughs)",
        "workforce",
        "laughs.xlsx",
        xlsx(_row(1, _WF_HEAD) + _row(2, ["&lol9;", "2025-Q3", "all", 5, 1]), prologue=laughs),
        "declares an XML document type",
    )
    yield Hostile(
        "an .xlsx with an external entity",
        "workforce",
        "xxe.xlsx",
        xlsx(
            _row(1, _WF_HEAD) + _row(2, ["&xxe;", "2025-Q3", "all", 5, 1]),
            prologue='<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
        ),
        "declares an XML document type",
    )
    yield Hostile(
        "a workbook protected with a password",
        "workforce",
        "locked.xlsx",
        _encrypted_workbook(),
        "is protected with a password",
    )
    yield Hostile(
        "a .csv that is a workbook protected with a password",
        "workforce",
        "locked.csv",
        _encrypted_workbook(),
        "is protected with a password",
    )

    # Formulas behind invisible characters or inside lists.
    for what, value in [
        ("a tab", "\t=HYPERLINK(1)"),
        ("a no-break space", "\u00a0=1+1"),
        ("a line break", '"\n=1+1"'),
        ("a vertical tab", "\x0b=1+1"),
        ("a zero-width space", "\u200b=1+1"),
        ("an ideographic space", "\u3000@SUM(1)"),
        ("a sign and arithmetic", "-2+3+cmd|' /C calc'!A0"),
        ("a plus and a call", "+cmd|' /C calc'!A0"),
    ]:
        yield Hostile(
            f"a formula behind {what}",
            "exchanges",
            "formula.csv",
            (EX + f"X1,2025-Q3,{value},E06000001,,,,live,\n").encode(),
            "looks like a spreadsheet formula",
        )
    yield Hostile(
        "a formula in a list item after ';'",
        "exchanges",
        "list.csv",
        (EX + "X1,2025-Q3,Name,E06000001,NHS Tees; =HYPERLINK(1),,,live,\n").encode(),
        "looks like a spreadsheet formula",
    )
    yield Hostile(
        "a formula in a list item after '; ' and a tab",
        "exchanges",
        "list2.csv",
        (EX + 'X1,2025-Q3,Name,E06000001,"NHS Tees;\t-1+1",,,live,\n').encode(),
        "looks like a spreadsheet formula",
    )


def main(argv: list[str]) -> int:
    """Load every file of the corpus against the database argv[0] (a copy: nothing may be
    written): one JSON line per file."""
    import json
    import os
    import resource
    import threading
    import time
    from pathlib import Path

    from store.ingest import ingest_file
    from tests.store.conftest import content_digest

    db = Path(argv[0])
    only = set(argv[1:])
    page = os.sysconf("SC_PAGE_SIZE")
    peak = [0]
    running = [True]

    def rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * page

    def sample() -> None:
        while running[0]:
            peak[0] = max(peak[0], rss())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    before = content_digest(db)
    for item in corpus():
        if only and item.name not in only:
            continue
        peak[0] = rss()
        start = time.perf_counter()
        report = ingest_file(db, item.kind, item.data, item.file_name, user="hostile")
        seconds = time.perf_counter() - start
        mem = max(peak[0], rss())
        errors = [str(p) for p in report.errors]
        after = content_digest(db)
        print(
            json.dumps(
                {
                    "name": item.name,
                    "size": len(item.data),
                    "seconds": round(seconds, 3),
                    "peak_mb": round(mem / limits.MB, 1),
                    "fragment": item.fragment,
                    "errors": errors[:3],
                    "batch_id": report.batch_id,
                    "unchanged": after == before,
                }
            ),
            flush=True,
        )
        del item, report
    running[0] = False
    leftovers = sorted(
        str(p.relative_to(db.parent)) for p in db.parent.rglob("*") if p.name != db.name
    )
    print(
        json.dumps(
            {
                "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "leftovers": leftovers,
            }
        )
    )
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
