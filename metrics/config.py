"""The targets configuration (metrics/targets.toml), read and validated.

    cfg = load()                 # cached by path and modification time
    cfg.measures["sme_spend_share"].target   # 33.0
    [s.id for s in cfg.core_standards]

A bad entry raises ConfigError naming the file, the entry and the field, and saying
what was expected. A measure's method, its parameters, unit, target bounds and direction
are checked against the registry in metrics.methods; the core standards are parsed by
domain.standards (which store reads too). This module imports no database code.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from domain import plausibility as _plausibility
from domain import standards as _standards
from domain.plausibility import Plausibility
from domain.standards import Standard
from metrics import methods

DEFAULT_PATH = _standards.DEFAULT_PATH

_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")

UNITS = {"count": "count", "percent": "rate", "score": "score", "milestone": "milestone"}
DIRECTIONS = ("increase", "decrease")
SPLITS = ("by_councils",)

_MEASURE_FIELDS = {
    "theme",
    "title",
    "definition",
    "unit",
    "direction",
    "target",
    "deadline",
    "baseline_quarter",
    "method",
    "split",
    "tolerance",
    "max",
} | methods.ALL_PARAMS


class ConfigError(ValueError):
    """The targets file is not usable; the message names the entry and the field."""


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    vision: str = ""


@dataclass(frozen=True)
class Measure:
    id: str
    theme: str
    title: str
    definition: str
    unit: str  # count, percent, score, milestone
    kind: str  # count, rate, score, milestone
    direction: str  # increase, decrease
    target: float | str | None  # number; "achieved" for milestones; None = tracked
    deadline: str | None
    baseline_quarter: str
    method: str
    params: dict[str, str] = field(default_factory=dict)
    split: str | None = None
    tolerance: float = 1.0
    max: float | None = None  # the most the vision allows (five centres): projections stop there

    @property
    def tracked(self) -> bool:
        """True for a measure with no target: direction of travel only."""
        return self.target is None

    @property
    def is_milestone(self) -> bool:
        return self.unit == "milestone"

    @property
    def numeric_target(self) -> float | None:
        """The target of a measure that is not a milestone (None: tracked)."""
        return None if isinstance(self.target, str) else self.target

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The values the measure can take: its method's range (a share 0 to 100, a count
        from 0), capped by ``max`` where the targets file sets one. Projections stay inside."""
        lo, hi = methods.get(self.method).bounds(self.params)
        if self.max is not None:
            hi = self.max if hi is None else min(hi, self.max)
        return lo, hi


@dataclass(frozen=True)
class Bands:
    on_track: float = 0.95
    acceleration_needed: float = 0.5
    limited_progress: float = -0.1


@dataclass(frozen=True)
class Config:
    path: Path
    baseline_quarter: str
    deadline: str
    staleness_quarters: int
    bands: Bands
    projection_quarters: int
    direction_quarters: int
    direction_tolerance: float
    core_standards: list[Standard]
    themes: dict[str, Theme]
    measures: dict[str, Measure]
    # the upload's checks against the previous return (domain.plausibility; store reads them)
    plausibility: Plausibility = _plausibility.DEFAULT

    @property
    def core_standard_ids(self) -> list[str]:
        return [s.id for s in self.core_standards]

    def measure(self, measure_id: str) -> Measure:
        try:
            return self.measures[measure_id]
        except KeyError:
            raise ConfigError(
                f"No measure {measure_id!r} in {self.path.name}; known: {', '.join(self.measures)}"
            ) from None


_cache: dict[tuple[str, int, int], Config] = {}


def load(path: str | os.PathLike | None = None) -> Config:
    """The validated configuration; cached until the file changes."""
    p = _standards.targets_path(path)
    try:
        stat = p.stat()
    except OSError as exc:
        raise ConfigError(f"The targets file {p} cannot be read: {exc.strerror or exc}") from exc
    key = (str(p.resolve()), stat.st_mtime_ns, stat.st_size)
    cfg = _cache.get(key)
    if cfg is None:
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"The targets file {p} is not valid TOML: {exc}") from exc
        cfg = parse(data, p)
        if len(_cache) >= 8:  # the live file and a few releases' copies
            _cache.pop(next(iter(_cache)))
        _cache[key] = cfg
    return cfg


def loads(text: str, name: str = "targets.toml") -> Config:
    """Parse and validate configuration text (for tests and previews); not cached."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The targets file {name} is not valid TOML: {exc}") from exc
    return parse(data, Path(name))


def _err(path: Path, where: str, what: str) -> ConfigError:
    return ConfigError(f"{path.name}: {where}: {what}")


def _quarter(path: Path, where: str, value) -> str:
    if not isinstance(value, str) or not _QUARTER.match(value):
        raise _err(path, where, f'expected a quarter like "2025-Q2", got {value!r}')
    return value


def _number(path: Path, where: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _err(path, where, f"expected a number, got {value!r}")
    return float(value)


def _text(path: Path, where: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _err(path, where, f"expected non-empty text, got {value!r}")
    return value.strip()


def parse(data: dict, path: Path) -> Config:
    """Validate the parsed TOML ``data``; ``path`` only names the file in messages."""
    known_top = {
        "baseline_quarter",
        "deadline",
        "staleness_quarters",
        "status",
        "core_standards",
        "themes",
        "measures",
        "plausibility",
    }
    for k in data:
        if k not in known_top:
            raise _err(path, k, f"unknown setting; expected one of {', '.join(sorted(known_top))}")
    for k in ("baseline_quarter", "deadline", "core_standards", "themes", "measures"):
        if k not in data:
            raise _err(path, k, "missing (required)")
    baseline = _quarter(path, "baseline_quarter", data["baseline_quarter"])
    deadline = _quarter(path, "deadline", data["deadline"])
    if deadline <= baseline:
        raise _err(path, "deadline", f"{deadline} must be after baseline_quarter {baseline}")
    stale = data.get("staleness_quarters", 4)
    if isinstance(stale, bool) or not isinstance(stale, int) or stale < 0:
        raise _err(
            path, "staleness_quarters", f"expected a whole number of quarters >= 0, got {stale!r}"
        )

    status = data.get("status", {})
    if not isinstance(status, dict):
        raise _err(path, "status", "expected a table of settings")
    known_status = {
        "on_track",
        "acceleration_needed",
        "limited_progress",
        "projection_quarters",
        "direction_quarters",
        "direction_tolerance",
    }
    for k in status:
        if k not in known_status:
            raise _err(
                path,
                f"status.{k}",
                f"unknown setting; expected one of {', '.join(sorted(known_status))}",
            )
    bands = Bands(
        **{
            k: _number(path, f"status.{k}", status[k])
            for k in ("on_track", "acceleration_needed", "limited_progress")
            if k in status
        }
    )
    if not bands.on_track > bands.acceleration_needed > bands.limited_progress:
        raise _err(
            path,
            "status",
            "band edges must satisfy on_track > acceleration_needed > limited_progress, "
            f"got {bands.on_track}, {bands.acceleration_needed}, {bands.limited_progress}",
        )
    ints = {}
    for k, default, low in (("projection_quarters", 8, 2), ("direction_quarters", 4, 2)):
        v = status.get(k, default)
        if isinstance(v, bool) or not isinstance(v, int) or v < low:
            raise _err(path, f"status.{k}", f"expected a whole number >= {low}, got {v!r}")
        ints[k] = v
    tol = _number(path, "status.direction_tolerance", status.get("direction_tolerance", 1.0))
    if tol < 0:
        raise _err(path, "status.direction_tolerance", f"expected a number >= 0, got {tol}")

    try:
        standards = _standards.parse(data["core_standards"])
    except _standards.StandardsError as exc:
        raise _err(path, exc.where, exc.what) from None

    try:
        plausible = (
            _plausibility.parse(data["plausibility"])
            if "plausibility" in data
            else _plausibility.DEFAULT
        )
    except _plausibility.PlausibilityError as exc:
        raise _err(path, exc.where, exc.what) from None

    raw_themes = data["themes"]
    if not isinstance(raw_themes, dict) or not raw_themes:
        raise _err(path, "themes", "expected at least one [themes.<id>] table")
    themes: dict[str, Theme] = {}
    for tid, t in raw_themes.items():
        where = f"theme {tid!r}"
        if not _ID.match(tid) or not isinstance(t, dict):
            raise _err(
                path, where, "expected [themes.<lower_case_id>] with title (and optional vision)"
            )
        for k in t:
            if k not in ("title", "vision"):
                raise _err(path, f"{where}, field {k}", "unknown field; expected title, vision")
        vision = t.get("vision", "")
        if not isinstance(vision, str):
            raise _err(path, f"{where}, field vision", f"expected text, got {vision!r}")
        themes[tid] = Theme(
            tid, _text(path, f"{where}, field title", t.get("title")), vision.strip()
        )

    raw_measures = data["measures"]
    if not isinstance(raw_measures, dict) or not raw_measures:
        raise _err(path, "measures", "expected at least one [measures.<id>] table")
    measures: dict[str, Measure] = {}
    for mid, m in raw_measures.items():
        measures[mid] = _measure(path, mid, m, themes, baseline, deadline, tol)

    return Config(
        path=path,
        baseline_quarter=baseline,
        deadline=deadline,
        staleness_quarters=stale,
        bands=bands,
        projection_quarters=ints["projection_quarters"],
        direction_quarters=ints["direction_quarters"],
        direction_tolerance=tol,
        core_standards=standards,
        themes=themes,
        measures=measures,
        plausibility=plausible,
    )


def _measure(
    path: Path, mid: str, m, themes: dict, baseline: str, deadline: str, tol: float
) -> Measure:
    where = f"measure {mid!r}"
    if not _ID.match(mid) or not isinstance(m, dict):
        raise _err(path, where, "expected [measures.<lower_case_id>] with its fields")
    for k in m:
        if k not in _MEASURE_FIELDS:
            raise _err(
                path,
                f"{where}, field {k}",
                f"unknown field; expected some of {', '.join(sorted(_MEASURE_FIELDS))}",
            )
    theme = m.get("theme")
    if not isinstance(theme, str) or theme not in themes:
        raise _err(
            path,
            f"{where}, field theme",
            f"expected one of the themes {', '.join(themes)}, got {theme!r}",
        )
    unit = m.get("unit")
    if unit not in UNITS:
        raise _err(
            path, f"{where}, field unit", f"expected one of {', '.join(UNITS)}, got {unit!r}"
        )
    direction = m.get("direction", "increase")
    if direction not in DIRECTIONS:
        raise _err(
            path, f"{where}, field direction", f"expected increase or decrease, got {direction!r}"
        )
    method = m.get("method")
    if method not in methods.METHODS:
        raise _err(
            path,
            f"{where}, field method",
            f"expected one of {', '.join(methods.METHODS)}, got {method!r}",
        )
    spec = methods.METHODS[method]
    if unit not in spec.units:
        raise _err(
            path,
            f"{where}, field unit",
            f"method {method} gives a {spec.unit}, but unit is {unit!r}",
        )
    if direction not in spec.directions:
        raise _err(
            path,
            f"{where}, field direction",
            f"method {method} can only be judged by {' or '.join(spec.directions)}, "
            f"got {direction!r}",
        )
    try:
        params = spec.check_params(m)
    except methods.MethodError as exc:
        raise _err(path, f"{where}, field {exc.field}", exc.what) from None

    target = m.get("target")
    if unit == "milestone":
        if target != "achieved":
            raise _err(
                path,
                f"{where}, field target",
                f'a milestone\'s target must be "achieved", got {target!r}',
            )
    elif target is not None:
        target = _number(path, f"{where}, field target", target)
        try:
            spec.check_target(target, params)
        except methods.MethodError as exc:
            raise _err(path, f"{where}, field {exc.field}", exc.what) from None
    m_deadline = m.get("deadline")
    m_deadline = (
        _quarter(path, f"{where}, field deadline", m_deadline)
        if m_deadline is not None
        else (deadline if target is not None else None)
    )
    m_baseline = _quarter(
        path, f"{where}, field baseline_quarter", m.get("baseline_quarter", baseline)
    )
    if m_deadline is not None and m_deadline <= m_baseline:
        raise _err(
            path,
            f"{where}, field deadline",
            f"{m_deadline} must be after the baseline quarter {m_baseline}",
        )
    split = m.get("split")
    if split is not None:
        if split not in SPLITS:
            raise _err(
                path, f"{where}, field split", f"expected one of {', '.join(SPLITS)}, got {split!r}"
            )
        if unit != "count" or target is None:
            raise _err(
                path,
                f"{where}, field split",
                "only a count with a target can be split between groups",
            )
    # Default: the global tolerance for rates and scores; any change of a count counts.
    m_tol = _number(
        path, f"{where}, field tolerance", m.get("tolerance", 0.0 if unit == "count" else tol)
    )
    if m_tol < 0:
        raise _err(path, f"{where}, field tolerance", f"expected a number >= 0, got {m_tol}")
    m_max = _max(path, where, m.get("max"), unit, target, spec, params)
    return Measure(
        id=mid,
        theme=theme,
        title=_text(path, f"{where}, field title", m.get("title")),
        definition=_text(path, f"{where}, field definition", m.get("definition")),
        unit=unit,
        kind=UNITS[unit],
        direction=direction,
        target=target,
        deadline=m_deadline,
        baseline_quarter=m_baseline,
        method=method,
        params=params,
        split=split,
        tolerance=m_tol,
        max=m_max,
    )


def _max(path: Path, where: str, value, unit: str, target, spec, params) -> float | None:
    """The optional ``max``: the most the vision allows, within the values the method can
    give (the registry's bounds) and not below the target."""
    if value is None:
        return None
    if unit == "milestone":
        raise _err(path, f"{where}, field max", "a milestone is achieved or not: it takes no max")
    cap = _number(path, f"{where}, field max", value)
    lo, hi = spec.bounds(params)
    if (lo is not None and cap < lo) or (hi is not None and cap > hi):
        rule = spec.value_range(params).rule
        raise _err(path, f"{where}, field max", f"{rule}, got {cap:g}")
    if isinstance(target, float) and cap < target:
        raise _err(path, f"{where}, field max", f"{cap:g} is below the target {target:g}")
    return cap
