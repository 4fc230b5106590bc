"""The register of the blueprint's actions (metrics/register.toml), read and validated.

    reg = load()                         # cached until the file changes
    reg.get("REC-data-2").owner          # None: nobody owns it yet
    [a.id for a in reg.of_kind("responsibility")]

Every action the report names has a stable id, its text as the report words it, a kind,
a theme where it has one, an owner where one is known, a due quarter where one is set,
and the measures it is meant to move (shared/spec/delivery.md). A bad entry raises
RegisterError naming the file, the entry and the field, and saying what was expected.

Shared vocabulary below store and metrics: this module imports nothing from the
project. The theme and measure ids and the baseline quarter an entry is checked
against come from the targets file (metrics/targets.toml, read here with tomllib), or
from the caller (metrics.register passes the validated configuration's).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain import declared

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "metrics" / "register.toml"
DEFAULT_TARGETS = ROOT / "metrics" / "targets.toml"

KINDS = ("recommendation", "priority", "next_step", "responsibility")
KIND_LABELS = {
    "recommendation": "Recommendation",
    "priority": "Priority area",
    "next_step": "Next step",
    "responsibility": "Responsibility",
}
# The rows of the report's "who should be doing what" table, in its order.
TABLE_ORGANISATIONS = ("councils", "centres", "institute", "lga", "mhclg", "digital_centre")

# The quarterly update (upload kind `delivery`).
STATUSES = ("not_started", "in_progress", "completed", "off_track", "dropped")
STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "completed": "Completed",
    "off_track": "Off track",
    "dropped": "Dropped",
    "not_reported": "Not reported",
}
CLOSED = ("completed", "dropped")  # an action in one of these is no longer open
CONFIDENCES = ("high", "medium", "low")

_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
_ORG_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_N = re.compile(r"^[1-9][0-9]*$")
_FIELDS = {"id", "kind", "text", "theme", "owner", "due_quarter", "measures", "note"}
TEXT_MAX = 1000


class RegisterError(ValueError):
    """The register file is not usable; the message names the entry and the field."""


@dataclass(frozen=True)
class Action:
    id: str
    kind: str  # one of KINDS
    text: str
    theme: str | None  # a theme id of the targets file, or None
    owner: str | None  # an organisation id, or None: unassigned
    due_quarter: str | None  # 'YYYY-Qn' set in the register, or None
    measures: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class Register:
    path: Path
    organisations: dict[str, str]  # id -> name, in the file's order
    actions: tuple[Action, ...]  # in the file's order
    themes: tuple[str, ...]  # the theme ids the entries were checked against, in order
    baseline_quarter: str

    @property
    def ids(self) -> list[str]:
        return [a.id for a in self.actions]

    def get(self, action_id: str) -> Action:
        for a in self.actions:
            if a.id == action_id:
                return a
        raise KeyError(f"no action {action_id!r} in the register {self.path.name}")

    def of_kind(self, kind: str) -> list[Action]:
        return [a for a in self.actions if a.kind == kind]

    def organisation_name(self, org_id: str | None) -> str:
        if org_id is None:
            return "Unassigned"
        return self.organisations.get(org_id, org_id)


def path(explicit: str | os.PathLike | None = None) -> Path:
    """The register file: ``explicit``, else the release's copy being read
    (domain.declared), else $TRACKER_REGISTER, else metrics/register.toml."""
    if explicit:
        return Path(explicit)
    return declared.copy(declared.REGISTER) or Path(
        os.environ.get("TRACKER_REGISTER") or DEFAULT_PATH
    )


def targets_vocabulary(
    targets: str | os.PathLike | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(theme ids, measure ids, baseline quarter) of the targets file ($TRACKER_TARGETS or
    metrics/targets.toml), read without validating the rest of it."""
    p = (
        Path(targets)
        if targets
        else declared.copy(declared.TARGETS)
        or Path(os.environ.get("TRACKER_TARGETS") or DEFAULT_TARGETS)
    )
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegisterError(f"The targets file {p} cannot be read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RegisterError(f"The targets file {p} is not valid TOML: {exc}") from exc
    themes = data.get("themes")
    measures = data.get("measures")
    baseline = data.get("baseline_quarter")
    if not isinstance(themes, dict) or not isinstance(measures, dict):
        raise RegisterError(f"The targets file {p} has no [themes] or no [measures] tables")
    if not isinstance(baseline, str) or not _QUARTER.match(baseline):
        raise RegisterError(f"The targets file {p} has no baseline_quarter as 'YYYY-Qn'")
    return tuple(themes), tuple(measures), baseline


_cache: dict[tuple, Register] = {}


def load(
    file: str | os.PathLike | None = None,
    *,
    themes: Iterable[str] | None = None,
    measures: Iterable[str] | None = None,
    baseline_quarter: str | None = None,
) -> Register:
    """The validated register; cached until the file changes. Theme and measure ids and
    the baseline quarter default to the targets file's."""
    p = path(file)
    try:
        stat = p.stat()
    except OSError as exc:
        raise RegisterError(f"The register file {p} cannot be read: {exc.strerror or exc}") from exc
    if themes is None or measures is None or baseline_quarter is None:
        t, m, b = targets_vocabulary()
        themes = t if themes is None else themes
        measures = m if measures is None else measures
        baseline_quarter = b if baseline_quarter is None else baseline_quarter
    vocab = (tuple(themes), tuple(measures), baseline_quarter)
    key = (str(p.resolve()), stat.st_mtime_ns, stat.st_size, vocab)
    reg = _cache.get(key)
    if reg is None:
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RegisterError(f"The register file {p} cannot be read: {exc}") from exc
        reg = loads(text, p, themes=vocab[0], measures=vocab[1], baseline_quarter=vocab[2])
        if len(_cache) >= 8:  # the live file and a few releases' copies
            _cache.pop(next(iter(_cache)))
        _cache[key] = reg
    return reg


def loads(
    text: str,
    name: str | os.PathLike = "register.toml",
    *,
    themes: Iterable[str],
    measures: Iterable[str],
    baseline_quarter: str,
) -> Register:
    """Parse and validate register text (for tests and previews); not cached."""
    p = Path(name)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegisterError(f"The register file {p.name} is not valid TOML: {exc}") from exc
    return parse(data, p, tuple(themes), set(measures), baseline_quarter)


def parse(
    data: dict[str, Any],
    p: Path,
    themes: tuple[str, ...],
    measures: set[str],
    baseline_quarter: str,
) -> Register:
    def err(where: str, what: str) -> RegisterError:
        return RegisterError(f"{p.name}: {where}: {what}")

    for key in data:
        if key not in ("organisations", "actions"):
            raise err(
                f"'{key}'", "unknown top-level entry; expected [organisations] and [[actions]]"
            )
    orgs = data.get("organisations")
    if not isinstance(orgs, dict) or not orgs:
        raise err("[organisations]", 'missing: a table of organisation id = "name"')
    for oid, name in orgs.items():
        if not _ORG_ID.match(oid):
            raise err(
                f"organisation '{oid}'", "an id must be lower-case letters, digits and underscores"
            )
        if not isinstance(name, str) or not name.strip():
            raise err(f"organisation '{oid}'", "expected its name as text")
    missing = [o for o in TABLE_ORGANISATIONS if o not in orgs]
    if missing:
        raise err(
            "[organisations]",
            f"the report's organisations {', '.join(missing)} are missing (its table has "
            f"{', '.join(TABLE_ORGANISATIONS)})",
        )
    entries = data.get("actions")
    if not isinstance(entries, list) or not entries:
        raise err("[[actions]]", "missing: the register needs its actions")

    actions: list[Action] = []
    seen: dict[str, int] = {}
    for n, entry in enumerate(entries, start=1):
        aid = entry.get("id") if isinstance(entry, dict) else None
        label = f"action {aid} (entry {n})" if isinstance(aid, str) and aid else f"entry {n}"

        def bad(fld: str, what: str, label: str = label) -> RegisterError:
            return err(f"{label}, field '{fld}'", what)

        if not isinstance(entry, dict):
            raise err(label, "expected an [[actions]] table")
        for fld in entry:
            if fld not in _FIELDS:
                raise bad(fld, f"unknown field; the fields are: {', '.join(sorted(_FIELDS))}")
        for fld in ("id", "kind", "text"):
            if not isinstance(entry.get(fld), str) or not entry[fld].strip():
                raise bad(fld, "required, as text")
        assert isinstance(aid, str)
        if aid in seen:
            raise bad("id", f"'{aid}' is also the id of entry {seen[aid]}; ids must be unique")
        seen[aid] = n
        kind = entry["kind"]
        if kind not in KINDS:
            raise bad("kind", f"'{kind}' is not a kind; expected one of: {', '.join(KINDS)}")
        text = " ".join(entry["text"].split())
        if len(text) > TEXT_MAX:
            raise bad("text", f"longer than {TEXT_MAX:,} characters")
        optional: dict[str, str | None] = {}
        for fld in ("theme", "owner", "due_quarter", "note"):
            v = entry.get(fld)
            if v is not None and not isinstance(v, str):
                raise bad(fld, f"expected text, got {v!r}")
            optional[fld] = (v.strip() or None) if isinstance(v, str) else None
        theme, owner, due = optional["theme"], optional["owner"], optional["due_quarter"]
        if theme is not None and theme not in themes:
            raise bad(
                "theme",
                f"'{theme}' is not a theme of the targets file; expected one of: {', '.join(themes)}",
            )
        if owner is not None and owner not in orgs:
            raise bad(
                "owner",
                f"'{owner}' is not an organisation of [organisations]; expected one of: "
                f"{', '.join(orgs)} (or no owner: unassigned)",
            )
        if due is not None:
            if not _QUARTER.match(due):
                raise bad("due_quarter", f"'{due}' is not a quarter written YYYY-Qn, e.g. 2026-Q4")
            if due < baseline_quarter:
                raise bad(
                    "due_quarter",
                    f"{due} is before the baseline quarter {baseline_quarter}",
                )
        links = entry.get("measures", [])
        if not isinstance(links, list) or not all(isinstance(m, str) for m in links):
            raise bad("measures", 'expected a list of measure ids, e.g. ["data_exchanges"]')
        for m in links:
            if m not in measures:
                raise bad(
                    "measures",
                    f"'{m}' is not a measure of the targets file; expected some of: "
                    f"{', '.join(sorted(measures))}",
                )
        if len(set(links)) != len(links):
            raise bad("measures", "a measure is listed twice")
        _check_id(aid, kind, theme, owner, themes, orgs, bad)
        actions.append(Action(aid, kind, text, theme, owner, due, tuple(links), optional["note"]))
    return Register(p, dict(orgs), tuple(actions), themes, baseline_quarter)


def _check_id(aid: str, kind: str, theme, owner, themes, orgs, bad) -> None:
    """The id's form for its kind (delivery.md), and the theme and owner it implies."""
    parts = aid.split("-")
    if kind == "recommendation":
        if len(parts) != 3 or parts[0] != "REC" or parts[1] not in themes or not _N.match(parts[2]):
            raise bad("id", f"'{aid}': a recommendation's id is REC-<theme>-<n>, e.g. REC-data-2")
        if theme != parts[1]:
            raise bad("theme", f"expected '{parts[1]}', the theme its id names")
    elif kind in ("priority", "next_step"):
        prefix = "PRI" if kind == "priority" else "NEXT"
        if len(parts) != 2 or parts[0] != prefix or not _N.match(parts[1]):
            raise bad(
                "id", f"'{aid}': a {kind.replace('_', ' ')}'s id is {prefix}-<n>, e.g. {prefix}-4"
            )
    else:
        if len(parts) != 3 or parts[0] != "ROLE" or parts[1] not in orgs or parts[2] not in themes:
            raise bad(
                "id",
                f"'{aid}': a responsibility's id is ROLE-<organisation>-<theme>, e.g. "
                "ROLE-mhclg-data",
            )
        if owner != parts[1]:
            raise bad("owner", f"expected '{parts[1]}', the organisation its id names")
        if theme != parts[2]:
            raise bad("theme", f"expected '{parts[2]}', the theme its id names")
