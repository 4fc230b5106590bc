"""The secrets file (.streamlit/secrets.toml): read it as it is now, and change one
``key = "value"`` entry of one section while keeping every other line as written.

Streamlit reads the file when the server starts (and again when it changes, if it
watches files); the account pages change it while the server runs, so the dashboard
reads it afresh too (``read``, cached until the file changes) and lays it over what
Streamlit loaded (``overlay``). Every change is checked to parse before and after and
replaces the file in one step (a crash leaves the old file), readable by its owner only.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from store.errors import StoreError

HEADER = "# Blueprint Tracker secrets: never commit this file (see secrets.example.toml).\n"
# Sections the dashboard reads afresh from the file (the rest is Streamlit's to load).
LIVE_SECTIONS = ("analysts", "analyst_roles", "tracker")


class SecretsFileError(StoreError):
    """The secrets file cannot be read or changed safely; the message says why."""


def toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_ANY_SECTION_RE = re.compile(r"^\s*\[")

_cache: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}


def read(path: Path) -> dict[str, Any]:
    """The file's content ({} when there is none), parsed again only when it changed."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return {}
    state = (st.st_mtime_ns, st.st_size)
    hit = _cache.get(str(p))
    if hit and hit[0] == state:
        return hit[1]
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return hit[1] if hit else {}  # (being replaced, or broken: keep what was read)
    _cache[str(p)] = (state, data)
    return data


def overlay(base: Mapping[str, Any], fresh: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` (what Streamlit loaded) with the LIVE_SECTIONS of ``fresh`` (the file as
    it is now) laid over it, key by key."""
    out = dict(base)
    for section in LIVE_SECTIONS:
        new = fresh.get(section)
        if isinstance(new, Mapping):
            old = out.get(section)
            merged = dict(old) if isinstance(old, Mapping) else {}
            merged.update(new)
            out[section] = merged
    return out


def _section_re(section: str) -> re.Pattern[str]:
    return re.compile(r"^\s*\[\s*" + re.escape(section) + r"\s*\]\s*(#.*)?$")


def set_entry(
    path: Path,
    section: str,
    key: str,
    value: str | None,
    *,
    comment: str = "",
    check: Callable[[dict[str, Any]], bool] | None = None,
    refusal: str = "",
) -> bool:
    """Set ``key = "value"`` in ``[section]`` (``value`` None: remove the entry); True
    when the entry was new. ``comment``: a line under a section this creates. ``check``:
    whether the parsed result holds what was meant; when not (the section is written in
    a form this does not edit), SecretsFileError with ``refusal`` and the file unchanged."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SecretsFileError(
            f"{path} is not valid TOML ({exc}); fix it first. It was not changed."
        ) from exc
    lines = text.splitlines()
    entry = f"{toml_string(key)} = {toml_string(value)}" if value is not None else None
    key_re = re.compile(r'^\s*("?)' + re.escape(key) + r"\1\s*=")
    start = next((i for i, line in enumerate(lines) if _section_re(section).match(line)), None)
    new = True
    if start is None:
        if entry is not None:
            if lines and lines[-1].strip():
                lines.append("")
            lines += [f"[{section}]"] + ([comment] if comment else []) + [entry]
    else:
        end = next(
            (j for j in range(start + 1, len(lines)) if _ANY_SECTION_RE.match(lines[j])), len(lines)
        )
        found = next((j for j in range(start + 1, end) if key_re.match(lines[j])), None)
        if found is None:
            if entry is not None:
                lines.insert(start + 1, entry)
        else:
            new = False
            if entry is None:
                del lines[found]
            else:
                lines[found] = entry
    result = "\n".join(lines) + "\n"
    try:
        parsed = tomllib.loads(result)
        ok = check(parsed) if check else True
    except tomllib.TOMLDecodeError:
        ok = False
    if not ok:
        raise SecretsFileError(
            refusal or f"Could not change [{section}] {key} in {path} safely. It was not changed."
        )
    write(path, result)
    return new


def write(path: Path, text: str) -> None:
    """Replace the file in one step, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
