"""The core standards every council reports on, read from the targets file.

The targets file (metrics/targets.toml, or the file named by TRACKER_TARGETS) lists
them as ``[[core_standards]]`` entries with ``id`` and ``title``. store reads them here
(the upload's ``standard_<id>`` columns) and metrics.config validates them with the
same rules, so both sides agree without store importing metrics.

    [s.id for s in load()]       # cached until the file changes
    core_standard_ids()
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from domain import declared

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "metrics" / "targets.toml"
ENV_VAR = "TRACKER_TARGETS"

# A council's progress with a standard; adopted or audited counts as adopting it.
STANDARD_STATUSES: tuple[str, ...] = ("none", "planned", "adopting", "adopted", "audited")
ADOPTED: tuple[str, ...] = ("adopted", "audited")

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class StandardsError(ValueError):
    """An unusable [[core_standards]] entry: ``where`` names it, ``what`` says what was expected."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}" if where else what)
        self.where = where
        self.what = what


@dataclass(frozen=True)
class Standard:
    id: str
    title: str


def targets_path(path: str | os.PathLike[str] | None = None) -> Path:
    """``path``, else the release's copy being read (domain.declared), else
    $TRACKER_TARGETS, else metrics/targets.toml."""
    if path:
        return Path(path)
    return declared.copy(declared.TARGETS) or Path(os.environ.get(ENV_VAR) or DEFAULT_PATH)


def parse(raw: object) -> list[Standard]:
    """The standards of a parsed ``core_standards`` array, validated."""
    if not isinstance(raw, list) or not raw:
        raise StandardsError(
            "core_standards", "expected at least one [[core_standards]] entry with id and title"
        )
    standards: list[Standard] = []
    for i, s in enumerate(raw, start=1):
        where = f"core_standards entry {i}"
        if not isinstance(s, dict):
            raise StandardsError(where, "expected a table with id and title")
        sid = s.get("id")
        if not isinstance(sid, str) or not _ID.match(sid):
            raise StandardsError(
                f"{where}, field id",
                f"expected a lower-case identifier like open_referral, got {sid!r}",
            )
        where = f"core standard {sid!r}"
        for k in s:
            if k not in ("id", "title"):
                raise StandardsError(f"{where}, field {k}", "unknown field; expected id and title")
        if sid in {x.id for x in standards}:
            raise StandardsError(f"{where}, field id", "listed twice")
        title = s.get("title")
        if not isinstance(title, str) or not title.strip():
            raise StandardsError(f"{where}, field title", f"expected non-empty text, got {title!r}")
        standards.append(Standard(sid, title.strip()))
    return standards


_cache: dict[tuple[str, int, int], list[Standard]] = {}


def load(path: str | os.PathLike[str] | None = None) -> list[Standard]:
    """The core standards of the targets file; cached until the file changes."""
    p = targets_path(path)
    try:
        stat = p.stat()
    except OSError as exc:
        raise StandardsError(
            "", f"The targets file {p} cannot be read: {exc.strerror or exc}"
        ) from exc
    key = (str(p.resolve()), stat.st_mtime_ns, stat.st_size)
    found = _cache.get(key)
    if found is None:
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise StandardsError("", f"The targets file {p} is not valid TOML: {exc}") from exc
        if "core_standards" not in data:
            raise StandardsError(f"{p.name}: core_standards", "missing (required)")
        try:
            found = parse(data["core_standards"])
        except StandardsError as exc:
            raise StandardsError(f"{p.name}: {exc.where}", exc.what) from None
        _cache.clear()
        _cache[key] = found
    return list(found)


def core_standard_ids(path: str | os.PathLike[str] | None = None) -> list[str]:
    return [s.id for s in load(path)]
