"""Opening the dashboard in AppTest, and small readers for its element trees."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def open_dashboard(db, page: str | None, monkeypatch, **query) -> AppTest:
    """dashboard.py reading ``db`` with ``query`` in the URL, after its first run and, when
    ``page`` is given ('pages/x.py'), switched to that page; no exception on the way."""
    monkeypatch.setenv("TRACKER_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.user = {"is_logged_in": False}
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures_of(at) -> list[dict]:
    """Every plotly chart's figure (as JSON), in page order."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def chart(at, key: str) -> dict:
    """The plotly figure (as JSON) of the chart with this key."""
    for el in at.get("plotly_chart"):
        if getattr(el, "key", None) == key:
            return json.loads(el.proto.spec)
    raise AssertionError(
        f"no plotly chart with key {key!r}; keys: "
        f"{[getattr(e, 'key', None) for e in at.get('plotly_chart')]}"
    )


def trace(fig: dict, name_start: str) -> dict:
    for t in fig["data"]:
        if (t.get("name") or "").startswith(name_start):
            return t
    raise AssertionError(f"no trace named {name_start!r}: {[t.get('name') for t in fig['data']]}")


def texts(at) -> list[str]:
    """Every markdown, caption, title, header, subheader, info and warning text, in order."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error"):
        out += [e.value for e in getattr(at, kind)]
    return out


def has_text(at, fragment: str) -> bool:
    return any(fragment in t for t in texts(at))
