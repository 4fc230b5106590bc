"""Small readers for AppTest trees (H4a's page tests)."""
from __future__ import annotations

import json


def chart(at, key: str) -> dict:
    """The plotly figure (as JSON) of the chart with this key."""
    for el in at.get("plotly_chart"):
        if getattr(el, "key", None) == key:
            return json.loads(el.proto.spec)
    raise AssertionError(f"no plotly chart with key {key!r}; keys: "
                         f"{[getattr(e, 'key', None) for e in at.get('plotly_chart')]}")


def trace(fig: dict, name_start: str) -> dict:
    for t in fig["data"]:
        if (t.get("name") or "").startswith(name_start):
            return t
    raise AssertionError(f"no trace named {name_start!r}: {[t.get('name') for t in fig['data']]}")


def texts(at) -> list[str]:
    """Every markdown, caption, title, subheader, info and warning text, in order."""
    out = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error"):
        out += [e.value for e in getattr(at, kind)]
    return out


def has_text(at, fragment: str) -> bool:
    return any(fragment in t for t in texts(at))
