"""What a report covers: England, or one region, footprint or centre.

    resolve(con, "footprint:E47000001") -> Scope(level="footprint", code="E47000001",
        name="Greater Manchester Combined Authority", group=<the name metrics.summary uses>)

Scope text: ``england`` (or none), ``region:<code or name>``, ``footprint:<code or
name>``, ``centre:<code or name as stored>``. Codes and names are matched without regard
to case. An unknown scope raises ScopeError naming the choices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb

from metrics import places as mplaces
from metrics.summary import MetricsError

LEVELS = ("region", "footprint", "centre")
LEVEL_WORDS = {
    "region": "region",
    "footprint": "footprint (combined or strategic authority)",
    "centre": "Centre of Service Innovation",
}
NATIONAL = ("", "england", "national")


class ScopeError(MetricsError):
    """A scope the database does not hold (or scope text that cannot be read); for people."""


@dataclass(frozen=True)
class Scope:
    level: str | None  # None: England
    code: str | None
    name: str  # 'England', 'Greater Manchester Combined Authority'
    group: str | None  # the value of summary(by=level)'s "group" column

    @property
    def national(self) -> bool:
        return self.level is None

    @property
    def label(self) -> str:
        """'England', 'North East (region E12000001)', 'North (Centre of Service Innovation)'."""
        if self.level is None:
            return "England"
        if self.level == "centre":
            return f"{self.name} (Centre of Service Innovation)"
        return f"{self.name} ({self.level} {self.code})"

    @property
    def text(self) -> str:
        """The scope text that gives this scope back: 'footprint:E47000001'."""
        return "england" if self.level is None else f"{self.level}:{self.code}"


ENGLAND = Scope(None, None, "England", None)


def options(con: duckdb.DuckDBPyConnection, level: str) -> dict[str, str]:
    """code -> name of every group of ``level`` with councils in scope, by name."""
    councils = mplaces.councils(con)
    pairs: Iterable[tuple[Any, Any]]
    if level == "region":
        pairs = zip(councils["region_code"], councils["region_name"])
    elif level == "footprint":
        pairs = zip(councils["footprint_code"], councils["footprint_name"])
    elif level == "centre":
        names = {str(n) for n in councils["centre"] if isinstance(n, str)}
        codes = dict(con.execute("SELECT centre_name, centre_code FROM centres").fetchall())
        pairs = ((codes.get(n, n), n) for n in names)
    else:
        raise ScopeError(_usage(f"Unknown scope level {level!r}"))
    out = {str(c): str(n) for c, n in pairs if isinstance(c, str) and isinstance(n, str)}
    return dict(sorted(out.items(), key=lambda kv: (kv[1], kv[0])))


def resolve(con: duckdb.DuckDBPyConnection, text: str | None) -> Scope:
    """The Scope named by ``text`` (see the module docstring); ScopeError if unknown."""
    raw = (text or "").strip()
    if raw.lower() in NATIONAL:
        return ENGLAND
    level, sep, key = raw.partition(":")
    level, key = level.strip().lower(), key.strip()
    if not sep or level not in LEVELS or not key:
        raise ScopeError(_usage(f"Unknown scope {raw!r}"))
    choices = options(con, level)
    for code, name in choices.items():
        if key.lower() in (code.lower(), name.lower()):
            return Scope(level, code, name, name)
    listed = "; ".join(f"{c} ({n})" if c != n else c for c, n in choices.items())
    raise ScopeError(
        f"Unknown {level} {key!r}: the database has no {LEVEL_WORDS[level]} with that code or "
        f"name. Use one of: {listed or 'none (no councils in scope)'}."
    )


def _usage(lead: str) -> str:
    return (
        f"{lead}: use england, region:<code>, footprint:<code> or centre:<code or name> "
        "(for example footprint:E47000001)."
    )
