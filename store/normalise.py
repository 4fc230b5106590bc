"""Normalising what people type: header names and council names.

The Python functions and their SQL twins must agree; tests check that they do.
"""

from __future__ import annotations

import re
import unicodedata


def header_key(text: str) -> str:
    """Header matching: case-insensitive, spaces and hyphens count as underscores,
    surrounding whitespace (and a byte-order mark) ignored."""
    s = str(text).replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", s)


def name_key(text: str) -> str:
    """Council matching: ignore case, accents and punctuation; '&' reads as 'and'."""
    s = unicodedata.normalize("NFKD", str(text).lower().replace("&", " and "))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", s)


# SQL twin of name_key for a column or expression; format with an identifier, never a value.
NAME_KEY_SQL = (
    "regexp_replace(strip_accents(replace(lower({expr}), '&', ' and ')), '[^a-z0-9]', '', 'g')"
)
