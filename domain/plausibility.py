"""The plausibility checks of an upload: how far a value may move from the council's
previous return before the upload page warns, read from the targets file.

The targets file (metrics/targets.toml, or the file named by TRACKER_TARGETS) holds them
in a ``[plausibility]`` table; without one, the defaults below apply. store reads them
here (store.plausibility runs the checks) and metrics.config validates them with the
same rules, so both sides agree without store importing metrics::

    [plausibility]
    factor = 3.0                # warn when a value is more than 3x, or under a third of, the previous one
    fewer_councils = true       # warn when a return names fewer councils than the quarter before
    fewer_role_families = true  # warn when a council reports fewer role families than before

    [plausibility.workforce]    # column = the smallest previous value the factor applies to
    headcount = 10

The warnings never block a load: they ask the analyst to look again.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from domain.standards import targets_path
from domain.survey import SURVEY_COLUMNS

# The columns a threshold may name (they become identifiers in SQL): every number of the
# survey and of the workforce return (store.kinds declares the same workforce columns;
# tests/store/test_plausibility.py checks that they agree).
WORKFORCE_NUMBERS: tuple[str, ...] = (
    "headcount",
    "underrepresented",
    "ethnic_minority",
    "disabled",
    "women",
    "lower_socioeconomic",
    "apprentices",
)
CHECKABLE: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "survey": tuple(c.name for c in SURVEY_COLUMNS if c.type in ("whole", "number")),
        "workforce": WORKFORCE_NUMBERS,
    }
)

DEFAULT_FACTOR = 3.0
DEFAULT_COLUMNS: MappingProxyType[str, MappingProxyType[str, float]] = MappingProxyType(
    {
        "workforce": MappingProxyType({"headcount": 10.0, "underrepresented": 5.0}),
        "survey": MappingProxyType(
            {"digital_spend_gbp": 10_000.0, "sme_spend_gbp": 10_000.0, "contracts_total": 5.0}
        ),
    }
)


class PlausibilityError(ValueError):
    """An unusable [plausibility] entry: ``where`` names it, ``what`` says what was expected."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}" if where else what)
        self.where = where
        self.what = what


@dataclass(frozen=True)
class Plausibility:
    factor: float = DEFAULT_FACTOR
    # kind -> column -> the smallest previous value the factor is applied to (below it a
    # council's numbers are small enough to move a lot: 2 -> 7 people is no alarm)
    columns: MappingProxyType[str, MappingProxyType[str, float]] = field(
        default_factory=lambda: DEFAULT_COLUMNS
    )
    fewer_councils: bool = True
    fewer_role_families: bool = True

    def checked(self, kind: str) -> dict[str, float]:
        """The columns of ``kind`` checked against the previous return, and their minimum."""
        return dict(self.columns.get(kind, {}))


DEFAULT = Plausibility()


def _number(where: str, value: object, low: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
        raise PlausibilityError(where, f"expected a number of at least {low:g}, got {value!r}")
    return float(value)


def parse(raw: object) -> Plausibility:
    """The thresholds of a parsed ``plausibility`` table, validated."""
    if not isinstance(raw, dict):
        raise PlausibilityError("plausibility", "expected a table of settings")
    factor = DEFAULT_FACTOR
    flags = {"fewer_councils": True, "fewer_role_families": True}
    columns: dict[str, MappingProxyType[str, float]] = {}
    for key, value in raw.items():
        where = f"plausibility.{key}"
        if key == "factor":
            factor = _number(where, value, 1)
            if factor <= 1:
                raise PlausibilityError(where, f"expected a number above 1, got {value!r}")
        elif key in flags:
            if not isinstance(value, bool):
                raise PlausibilityError(where, f"expected true or false, got {value!r}")
            flags[key] = value
        elif key in CHECKABLE:
            if not isinstance(value, dict):
                raise PlausibilityError(where, "expected a table of column = smallest value")
            checked = {}
            for col, minimum in value.items():
                if col not in CHECKABLE[key]:
                    raise PlausibilityError(
                        f"{where}.{col}",
                        f"not a number column of the {key} return; expected one of "
                        f"{', '.join(CHECKABLE[key])}",
                    )
                checked[col] = _number(f"{where}.{col}", minimum, 0)
            columns[key] = MappingProxyType(checked)
        else:
            raise PlausibilityError(
                where,
                "unknown setting; expected factor, fewer_councils, fewer_role_families, "
                f"or a table for one of: {', '.join(CHECKABLE)}",
            )
    merged = dict(DEFAULT_COLUMNS)
    merged.update(columns)  # (a kind's table replaces that kind's defaults)
    return Plausibility(
        factor=factor,
        columns=MappingProxyType(merged),
        fewer_councils=flags["fewer_councils"],
        fewer_role_families=flags["fewer_role_families"],
    )


_cache: dict[tuple[str, int, int], Plausibility] = {}


def load(path: str | os.PathLike[str] | None = None) -> Plausibility:
    """The thresholds of the targets file (the defaults when it has no [plausibility]
    table); cached until the file changes."""
    p = targets_path(path)
    try:
        stat = p.stat()
    except OSError as exc:
        raise PlausibilityError(
            "", f"The targets file {p} cannot be read: {exc.strerror or exc}"
        ) from exc
    key = (str(Path(p).resolve()), stat.st_mtime_ns, stat.st_size)
    found = _cache.get(key)
    if found is None:
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise PlausibilityError("", f"The targets file {p} is not valid TOML: {exc}") from exc
        try:
            found = parse(data["plausibility"]) if "plausibility" in data else DEFAULT
        except PlausibilityError as exc:
            raise PlausibilityError(f"{p.name}: {exc.where}", exc.what) from None
        _cache.clear()
        _cache[key] = found
    return found
