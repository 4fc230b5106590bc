"""The board pack on the dashboard: a scope picker, a format, a "Make the board pack"
button whose progress shows in st.status (fed by reports.boardpack's progress callback),
then the download.

The bytes are kept per database, data version, targets file, quarter, scope and format
(at most MAX_PACKS packs, shared by every session), so asking again is instant. One pack
is made at a time in a server process (each starts Chromium). A failure (Chromium
missing, the database busy, ...) becomes a message that says what to do.

    boardpack.board_pack(quarter, boardpack.scope_choices(), key="overview_pack")
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from metrics.summary import MetricsError
from reports import boardpack
from reports import scope as rscope
from store.db import StoreBusy, StoreError
from ui import cache, frame
from viewmodels.text import escape_markdown

FORMATS = {"pdf": "PDF", "html": "HTML"}
MIMES = {"pdf": "application/pdf", "html": "text/html"}
LEVEL_WORDS = {"region": "Region", "footprint": "Footprint", "centre": "Centre"}
MAX_PACKS = 12
CHROMIUM_HINT = (
    "It needs Chromium (the browser the server uses to draw the charts and print the "
    "PDF), and Chromium could not be started on this server. An administrator installs "
    "it with `apt-get install chromium` (`make test` does it), then the button works."
)


@dataclass(frozen=True)
class Made:
    data: bytes
    file_name: str
    size: str  # '1.2 MB'
    scope: str  # the scope's label


_PACKS: dict[tuple[Any, ...], Made] = {}
_LOCK = threading.Lock()


# ---------------------------------------------------------------- scopes


def scope_options(level: str) -> dict[str, str]:
    """Scope text -> name of every group of ``level`` ('footprint:E47000001' ->
    'Greater Manchester Combined Authority'), by name; cached per data version."""
    found = cache.read(rscope.options, level)
    return {f"{level}:{code}": name for code, name in found.items()}


def scope_choices() -> dict[str, str]:
    """England, then every region, footprint and centre ('Region: North East')."""
    out = {"england": "England"}
    for level, word in LEVEL_WORDS.items():
        out.update({k: f"{word}: {v}" for k, v in scope_options(level).items()})
    return out


# ---------------------------------------------------------------- making


def _key(quarter: str, scope: str, fmt: str) -> tuple[Any, ...]:
    return (
        str(frame.db_path()),
        cache.data_version(),
        cache.targets_state(),
        quarter,
        scope,
        fmt,
    )


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{max(1, round(n / 1024))} kB"


def failure_message(exc: BaseException) -> str:
    """What to tell people when a pack could not be made (markdown)."""
    if isinstance(exc, StoreBusy):
        return (
            "The board pack could not be made: the database is busy with an upload or a "
            "command-line load. Try again in a minute; nothing is lost."
        )
    if isinstance(exc, (MetricsError, StoreError)):
        return f"The board pack could not be made: {escape_markdown(str(exc))}"
    text = f"{type(exc).__name__}: {exc}"
    low = text.lower()
    if isinstance(exc, FileNotFoundError) or any(
        s in low
        for s in (
            "executable doesn't exist",
            "chromenotfound",
            "chrome not found",
            "browserfailed",
            "failed to launch",
            "chromium",
        )
    ):
        return f"The board pack could not be made. {CHROMIUM_HINT}"
    first = escape_markdown(text.strip().splitlines()[0][:300]) if text.strip() else "unknown"
    return (
        f"The board pack could not be made ({first}). The figures on this page are not "
        "affected. Try again; if it fails again, an analyst can make it on the server with "
        "`python -m metrics board-pack --as-of QUARTER --scope SCOPE --out pack.pdf`."
    )


def make(quarter: str, scope: str, fmt: str) -> Made | None:
    """Make the pack (or take it from the cache), its progress in st.status; None (after
    a message on the page) when it could not be made."""
    k = _key(quarter, scope, fmt)
    if k in _PACKS:
        return _PACKS[k]
    with st.status(f"Making the board pack ({FORMATS[fmt]})…", expanded=True) as status:

        def progress(step: str) -> None:
            status.update(label=f"{step}…")
            status.write(f"{step}…")

        if _LOCK.locked():
            status.write("Waiting for another board pack to finish…")
        try:
            with _LOCK:
                if k in _PACKS:  # made by another session meanwhile
                    made = _PACKS[k]
                else:
                    pack, data = boardpack.make(  # what this session shows: its release
                        cache.data_version().path, quarter, scope, fmt, progress=progress
                    )
                    made = Made(
                        data=data,
                        file_name=boardpack.file_name(pack, ext=fmt),
                        size=_size(len(data)),
                        scope=pack.scope.label,
                    )
                    while len(_PACKS) >= MAX_PACKS:
                        _PACKS.pop(next(iter(_PACKS)))
                    _PACKS[k] = made
        except Exception as exc:  # say what went wrong; the page goes on
            status.update(label="The board pack could not be made", state="error")
            st.error(failure_message(exc), icon=":material/error:")
            return None
        status.update(
            label=f"Board pack ready: {made.scope}, {quarter} ({FORMATS[fmt]}, {made.size})",
            state="complete",
            expanded=False,
        )
    return made


def board_pack(
    quarter: str,
    choices: Mapping[str, str],
    *,
    key: str,
    label: str = "Board pack for",
) -> None:
    """The board pack control: the scope (from ``choices``: scope text -> label) and the
    format beside the button; its progress under them; then the download. (The national
    pack's "needs attention" list ends with the delivery register's actions, as the
    Overview's does: reports.collect.)"""
    options = list(choices)
    if not options:
        st.caption("No scope to make a board pack for.")
        return
    pick, kind, act = st.columns([3, 2, 3], vertical_alignment="bottom")
    scope = pick.selectbox(
        label, options, format_func=lambda k: str(choices.get(k, k)), key=f"{key}_scope"
    )
    fmt = kind.segmented_control(
        "Format",
        list(FORMATS),
        format_func=lambda f: FORMATS.get(f, f),
        default="pdf",
        key=f"{key}_format",
        required=True,
    )
    fmt = fmt if fmt in FORMATS else "pdf"
    slot = act.empty()
    made = _PACKS.get(_key(quarter, str(scope), fmt))
    if made is None and slot.button(
        f"Make the board pack ({FORMATS[fmt]})",
        key=f"{key}_make",
        icon=":material/description:",
        help="One document for the quarter: the glance, every theme with its charts, the "
        "places table, coverage, the methodology and the sources. Takes about ten seconds.",
    ):
        made = make(quarter, str(scope), fmt)
    if made is not None:
        slot.download_button(
            f"Download the board pack ({FORMATS[fmt]}, {made.size})",
            made.data,
            file_name=made.file_name,
            mime=MIMES[fmt],
            key=f"{key}_download",
            icon=":material/download:",
            type="primary",
            on_click="ignore",
        )
