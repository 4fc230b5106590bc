"""Upload templates: one CSV per kind (the header and one example row), generated from
store/kinds.py into data/templates/<kind>.csv and committed.

    .venv/bin/python -m store.templates          # rewrite data/templates/
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from store import kinds as _kinds
from store.paths import TEMPLATES_DIR


def template(kind: str) -> str:
    """The CSV text of the template for ``kind`` (UTF-8, comma separated, CRLF-free)."""
    k = _kinds.get(kind)
    cols = k.all_columns()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in cols])
    writer.writerow([c.example for c in cols])
    return out.getvalue()


def template_bytes(kind: str) -> bytes:
    return template(kind).encode("utf-8")


def write_all(folder: Path = TEMPLATES_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in _kinds.KINDS:
        path = folder / f"{kind}.csv"
        path.write_bytes(template_bytes(kind))
        written.append(path)
    return written


def describe(kind: str) -> list[dict]:
    """The columns of a kind for people (the upload page's table): name, required, key,
    what is expected, and help."""
    k = _kinds.get(kind)
    return [{"column": c.name, "required": "yes" if c.required else "no",
             "key": "yes" if c.key else "", "expected": c.expected(), "help": c.help}
            for c in k.all_columns()]


if __name__ == "__main__":
    for p in write_all():
        print(p)
    sys.exit(0)
