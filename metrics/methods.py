"""The measure methods, declared once: the allow-list that targets.toml's ``method`` names.

Each Method says
- ``params``: the parameters a measure using it sets, each with the values allowed;
- ``units``: the unit it gives (a measure must declare it);
- ``value_range``: the values it can give, and in words (a target must lie in it,
  ``check_target``; projections are clipped to ``bounds``): a percentage 0 to 100, a
  score on its column's scale, a count >= 0, the uplift >= -100 (it may be negative);
- ``directions``: which way may be called better (a milestone: only increase);
- ``levels``: the grouping levels it can be cut by (England always);
- ``query``: its SQL, one builder per source table, giving per quarter and group (or per
  council: the level "council") the additive terms it rests on; the same SQL serves
  England, the groups of a level and single councils;
- ``finish``: the figure from those terms (England or a group), and ``council``: a
  council's own figure from them (None: the method has no council level);
- ``formula``: the methodology page's text.

    METHODS["share_of_councils"].units        # ("percent",)
    get("mean_of_councils").bounds({"column": "data_maturity"})   # (1.0, 5.0)
    formula_text(measure, cfg)

Terms a query gives (columns besides id, qi, level, grp): ``rep`` (councils or records the
figure rests on), ``num``, ``den`` (sums), ``total`` (councils in scope in the group), ``q``
(council level: the quarter index of the value used), and the workforce's ``ut, ht, ub, hb``.
The SQL lives in metrics/sql.py; this module is the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from domain import survey
from domain.geography import GROUP_LEVELS
from domain.milestones import MILESTONE_KINDS
from metrics import sql as S

Bounds = tuple[float | None, float | None]


@dataclass(frozen=True)
class Range:
    """The values a method can give: ``lo``/``hi`` (None: unbounded), and in words."""

    lo: float | None
    hi: float | None
    rule: str  # e.g. "a count cannot be negative"

    @property
    def bounds(self) -> Bounds:
        return self.lo, self.hi


BOOL, NUM = survey.SURVEY_COLUMNS_BOOL, survey.SURVEY_COLUMNS_NUM
DIRECTIONS = ("increase", "decrease")


class MeasureLike(Protocol):
    """What a method needs of a measure (metrics.config.Measure)."""

    @property
    def id(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def params(self) -> Mapping[str, str]: ...
    @property
    def baseline_quarter(self) -> str: ...


class ConfigLike(Protocol):
    """What a method needs of the configuration (metrics.config.Config)."""

    @property
    def staleness_quarters(self) -> int: ...
    @property
    def core_standard_ids(self) -> list[str]: ...


class MethodError(ValueError):
    """A measure entry the method cannot take: ``field`` is the entry's field, ``what`` why."""

    def __init__(self, field: str, what: str) -> None:
        super().__init__(f"field {field}: {what}")
        self.field = field
        self.what = what


Finish = Callable[[pd.DataFrame, MeasureLike], pd.DataFrame]
Query = Callable[..., dict[str, pd.DataFrame]]


@dataclass(frozen=True)
class Method:
    name: str
    params: Mapping[str, tuple[str, ...]]
    units: tuple[str, ...]
    query: Query
    finish: Finish
    formula: Callable[[MeasureLike, ConfigLike], str]
    value_range: Callable[[Mapping[str, str]], Range]
    directions: tuple[str, ...] = DIRECTIONS
    levels: tuple[str, ...] = GROUP_LEVELS
    council: Finish | None = None
    carried: Callable[[Mapping[str, str]], S.Carried] | None = None  # survey methods
    aggregates: Callable[[S.Carried, str], list[S.Agg]] | None = None  # survey methods
    # The register a method counts entries of ("milestones", "exchanges", "placements"):
    # its figure rests on the register, not on councils reporting; its state stands until
    # a later entry changes it. None: the method reads the returns councils send.
    register: str | None = None
    relative: bool = False  # the value is a relative change in percent (up 6.0% on the baseline)

    @property
    def unit(self) -> str:
        return self.units[0]

    @property
    def coverage_of_councils(self) -> bool:
        """False for a register: its figure counts entries, not councils reporting."""
        return self.register is None

    @property
    def council_level(self) -> bool:
        return self.council is not None

    def check_params(self, entry: Mapping[str, object]) -> dict[str, str]:
        """The method's parameters from a measure entry; MethodError for a missing or
        unknown value, or a parameter of another method."""
        params: dict[str, str] = {}
        for p, allowed in self.params.items():
            v = entry.get(p)
            if not isinstance(v, str) or v not in allowed:
                raise MethodError(
                    p, f"method {self.name} needs {p} = one of {', '.join(allowed)}; got {v!r}"
                )
            params[p] = v
        for p in sorted(ALL_PARAMS - set(self.params)):
            if p in entry:
                raise MethodError(p, f"method {self.name} takes no {p}")
        return params

    def bounds(self, params: Mapping[str, str]) -> Bounds:
        """(low, high) of the values it gives; None = unbounded."""
        return self.value_range(params).bounds

    def check_target(self, target: float, params: Mapping[str, str]) -> None:
        """MethodError unless ``target`` lies within the values the method can give."""
        r = self.value_range(params)
        if (r.lo is not None and target < r.lo) or (r.hi is not None and target > r.hi):
            raise MethodError("target", f"{r.rule}, got {target}")


# ---------------------------------------------------------------- bounds


def _fixed(lo: float | None, hi: float | None, rule: str) -> Callable[[Mapping[str, str]], Range]:
    r = Range(lo, hi, rule)
    return lambda p: r


PERCENT = _fixed(0.0, 100.0, "a percentage from 0 to 100 (33 means 33%)")
COUNT = _fixed(0.0, None, "a count cannot be negative")
ACHIEVED = _fixed(0.0, 1.0, "achieved (1) or not (0)")
RELATIVE_CHANGE = _fixed(-100.0, None, "a relative change cannot be below -100%")


def column_scale(p: Mapping[str, str]) -> Range:
    """A mean of a survey column lies on the column's scale (data_maturity: 1 to 5)."""
    c = survey.column(p["column"])
    lo = None if c.min is None else float(c.min)
    hi = None if c.max is None else float(c.max)
    return Range(lo, hi, f"a score on the scale of {c.name}, from {c.min} to {c.max}")


# ---------------------------------------------------------------- finishing


def _frame(t: pd.DataFrame, m: MeasureLike, value, numerator, denominator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": m.id,
            "qi": t["qi"],
            "level": t["level"],
            "grp": t["grp"],
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
            "coverage_reporting": t["rep"],
        }
    )


def _f(t: pd.DataFrame, term: str) -> pd.Series:
    return t[term].astype("float64")


def _nan(t: pd.DataFrame) -> pd.Series:
    return pd.Series(float("nan"), index=t.index)


def _share(t, m):  # share of reporting councils, in percent
    num, rep = _f(t, "num"), _f(t, "rep")
    return _frame(t.assign(rep=rep), m, 100.0 * num / rep.where(rep > 0), num, rep)


def _mean(t, m):
    num, rep = _f(t, "num"), _f(t, "rep")
    return _frame(t.assign(rep=rep), m, num / rep.where(rep > 0), num, rep)


def _yes(t, m):  # a count of councils: 0 where none says yes; none where none reports
    num, rep = _f(t, "num"), _f(t, "rep")
    return _frame(t.assign(rep=rep), m, num.where(rep > 0), num, _nan(t))


def _ratio(t, m):
    num, den, rep = _f(t, "num"), _f(t, "den"), _f(t, "rep")
    return _frame(t.assign(rep=rep), m, 100.0 * num / den.where(den > 0), num, den)


def _all_core(t, m):
    """Share of ALL councils in scope: a non-reporter counts as not adopting (the spec's
    rule, so a group where nobody reported is 0%); a quarter in which no council reported
    its standards at all has no value (metrics.sql.Own)."""
    num, total, rep = _f(t, "num"), _f(t, "total"), _f(t, "rep")
    return _frame(t.assign(rep=rep), m, 100.0 * num / total.where(total > 0), num, total)


def _uplift(t, m):
    """Relative change of the under-represented share, like for like; numerator and
    denominator are that share (%) now and at the baseline."""
    ut, ht, ub, hb = (_f(t, c) for c in ("ut", "ht", "ub", "hb"))
    share_t = 100.0 * ut / ht.where(ht > 0)
    share_b = 100.0 * ub / hb.where(hb > 0)
    value = (share_t / share_b.where(share_b > 0) - 1.0) * 100.0
    return _frame(t, m, value, share_t, share_b)


def _count(t, m):  # records counted (exchanges, placements, milestones achieved)
    num = _f(t, "num")
    return _frame(t, m, num, num, float("nan"))


def _achieved(t, m):  # one milestone: 1 once achieved
    num = _f(t, "num")
    return _frame(t, m, (num > 0).astype("float64"), num, float("nan"))


def _own(numerator: str, denominator: str, scale: float) -> Finish:
    """A council's own figure: numerator ÷ denominator × scale over that one council
    (a share is 100 or 0, a mean its value, a count of councils 1 or 0)."""

    def council(t: pd.DataFrame, m: MeasureLike) -> pd.DataFrame:
        num, den = _f(t, numerator), _f(t, denominator)
        return _council_frame(t, num / den.where(den > 0) * scale, num, den)

    return council


def _own_uplift(t: pd.DataFrame, m: MeasureLike) -> pd.DataFrame:
    """The council's own like-for-like relative change; numerator and denominator are its
    people now (under-represented, headcount), base_u and base_h at the baseline."""
    u, h, bu, bh = (_f(t, c) for c in ("ut", "ht", "ub", "hb"))
    value = ((u / h) / (bu / bh) - 1.0) * 100.0
    out = _council_frame(t, value.where((h > 0) & (bh > 0) & (bu > 0)), u, h)
    has = out["value"].notna()
    return out.assign(base_u=bu.where(has), base_h=bh.where(has))


def _council_frame(t: pd.DataFrame, value, numerator, denominator) -> pd.DataFrame:
    """council_code, quarter (of the value used), numerator, denominator, value: all
    empty for a council without a value."""
    has = value.notna()
    return pd.DataFrame(
        {
            "council_code": t["grp"],
            "quarter": pd.Series(
                [S.quarter(q) if ok else None for q, ok in zip(t["q"], has)],
                index=t.index,
                dtype=object,
            ),
            "numerator": numerator.where(has),
            "denominator": denominator.where(has),
            "value": value,
        }
    )


# ---------------------------------------------------------------- formula text


def _latest(cfg: ConfigLike) -> str:
    return (
        f"each council's latest value at or before the quarter shown, carried forward "
        f"at most {cfg.staleness_quarters} quarters"
    )


def formula_text(measure: MeasureLike, cfg: ConfigLike) -> str:
    """How a measure is computed, in words with its column names (the methodology page)."""
    method = METHODS.get(measure.method)
    return method.formula(measure, cfg) if method else measure.method


# ---------------------------------------------------------------- the registry

KIND = {"milestone_kind": MILESTONE_KINDS}

_METHODS = (
    Method(
        name="milestones_achieved",
        params=KIND,
        units=("count",),
        query=S.milestones,
        finish=_count,
        formula=lambda m, cfg: (
            f"number of milestones of kind `{m.params.get('milestone_kind')}` whose latest "
            "status at or before the quarter shown is `achieved`"
        ),
        value_range=COUNT,
        directions=("increase",),
        levels=("region",),  # by the milestone's region_code
        register="milestones",
    ),
    Method(
        name="milestone",
        params=KIND,
        units=("milestone",),
        query=S.milestones,
        finish=_achieved,
        formula=lambda m, cfg: (
            f"achieved when the latest status of the `{m.params.get('milestone_kind')}` "
            "milestone at or before the quarter shown is `achieved`, otherwise not yet"
        ),
        value_range=ACHIEVED,
        directions=("increase",),
        levels=(),
        register="milestones",
    ),
    Method(
        name="share_of_councils",
        params={"column": BOOL + NUM},
        units=("percent",),
        query=S.survey,
        carried=S.carry_column,
        aggregates=S.count_flagged,
        finish=_share,
        council=_own("num", "rep", 100.0),
        formula=lambda m, cfg: (
            f"councils with `{m.params.get('column')}` yes (or at least 1) ÷ councils "
            f"reporting `{m.params.get('column')}` × 100, using {_latest(cfg)}"
        ),
        value_range=PERCENT,
    ),
    Method(
        name="mean_of_councils",
        params={"column": NUM},
        units=("score",),
        query=S.survey,
        carried=S.carry_column,
        aggregates=S.sum_values,
        finish=_mean,
        council=_own("num", "rep", 1.0),
        formula=lambda m, cfg: (
            f"mean of `{m.params.get('column')}` over reporting councils, using {_latest(cfg)}"
        ),
        value_range=column_scale,
    ),
    Method(
        name="councils_yes",
        params={"column": BOOL},
        units=("count",),
        query=S.survey,
        carried=S.carry_column,
        aggregates=S.count_flagged,
        finish=_yes,
        council=_own("num", "rep", 1.0),
        formula=lambda m, cfg: (
            f"number of councils whose `{m.params.get('column')}` is yes, using {_latest(cfg)}"
        ),
        value_range=COUNT,
    ),
    Method(
        name="ratio_of_sums",
        params={"numerator": NUM, "denominator": NUM},
        units=("percent",),
        query=S.survey,
        carried=S.carry_pair,
        aggregates=S.sum_pair,
        finish=_ratio,
        council=_own("num", "den", 100.0),
        formula=lambda m, cfg: (
            f"sum of `{m.params.get('numerator')}` ÷ sum of `{m.params.get('denominator')}` "
            "× 100 over reporting councils (both from the same return), using "
            f"{_latest(cfg)}"
        ),
        value_range=PERCENT,
    ),
    Method(
        name="exchanges_qualifying",
        params={},
        units=("count",),
        query=S.exchanges,
        finish=_count,
        formula=lambda m, cfg: (
            "number of exchanges whose latest status at or before the quarter shown is "
            "`successful`, that list at least one standard and at least one partner"
        ),
        value_range=COUNT,
        register="exchanges",
    ),
    Method(
        name="placements_started",
        params={},
        units=("count",),
        query=S.placements,
        finish=_count,
        formula=lambda m, cfg: (
            f"number of placements whose `start_quarter` is from {m.baseline_quarter} up to "
            "the quarter shown"
        ),
        value_range=COUNT,
        register="placements",
    ),
    Method(
        name="workforce_uplift",
        params={},
        units=("percent",),
        query=S.workforce,
        finish=_uplift,
        council=_own_uplift,
        formula=lambda m, cfg: (
            "(s_now − s_baseline) ÷ s_baseline × 100, where s = sum of `underrepresented` ÷ "
            "sum of `headcount`, over councils that reported in both "
            f"{m.baseline_quarter} and the quarter shown (like for like)"
        ),
        value_range=RELATIVE_CHANGE,  # may be negative: a fall in the share
        relative=True,
    ),
    Method(
        name="standards_all_core",
        params={},
        units=("percent",),
        query=S.survey,
        carried=S.carry_standards,
        aggregates=S.count_flagged,
        finish=_all_core,
        council=_own("num", "rep", 100.0),
        formula=lambda m, cfg: (
            "councils whose latest return reports `adopted` or `audited` for every one of the "
            f"{len(cfg.core_standard_ids)} core standards ÷ all councils in scope × 100 (a "
            "council that does not report counts as not adopting)"
        ),
        value_range=PERCENT,
    ),
)
METHODS: dict[str, Method] = {m.name: m for m in _METHODS}
ALL_PARAMS: frozenset[str] = frozenset(p for m in _METHODS for p in m.params)
COUNCIL_METHODS: tuple[str, ...] = tuple(m.name for m in _METHODS if m.council_level)


def get(name: str) -> Method:
    try:
        return METHODS[name]
    except KeyError:
        raise ValueError(f"unknown method {name!r}; known: {', '.join(METHODS)}") from None


def batches(
    measures: Sequence[MeasureLike],
) -> list[tuple[Query, list[tuple[Method, MeasureLike]]]]:
    """The measures grouped by the query that computes them (one query per batch), each
    with its method, in order."""
    out: dict[Query, list[tuple[Method, MeasureLike]]] = {}
    for m in measures:
        method = get(m.method)
        out.setdefault(method.query, []).append((method, m))
    return list(out.items())
