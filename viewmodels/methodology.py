"""The methodology page: how every figure is made, generated from the configuration (so
it cannot drift), with the exact numbers behind each measure's status in the quarter
shown, and the data sources with their licence attributions."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from metrics import config as mconfig
from metrics import methods
from metrics import sources as msources
from metrics import summary as msummary
from metrics.progress import format_value, label
from metrics.wording import fitted, tolerance_text
from viewmodels.text import Row, coverage_text, markdown_table, shown_status, status_label, val


@dataclass(frozen=True)
class Intro:
    """The page's opening paragraphs (markdown), from the configuration."""

    definitions: str  # baseline, deadline, what 'latest' means
    status_rules: str  # how the status is judged, with the band edges


def intro(cfg: mconfig.Config) -> Intro:
    bands = cfg.bands
    return Intro(
        definitions=(
            f"Every measure has a baseline in **{cfg.baseline_quarter}** (when the report was published) "
            f'and, where the vision sets one, a target for **{cfg.deadline}**. "Latest" means a council\'s '
            f"most recent value at or before the quarter shown, carried forward at most "
            f"**{cfg.staleness_quarters} quarters**, so a council that missed one return is not counted as zero. "
            "A quarter in which no council reported a measure (or that holds only other kinds of "
            'data) has no figure for it: a gap in its chart and "not reported" in its table, '
            "never 0. Registers (exchanges, milestones) count from their first entry."
        ),
        status_rules=(
            "With the baseline value *b* in quarter *t0*, the target *T* at the deadline *D* and the latest "
            "value *v* in the quarter shown *t* (quarters counted one by one):\n\n"
            "- expected progress by now on the straight path: **E = (T − b) × (t − t0) ÷ (D − t0)**\n"
            "- progress ratio: **R = (v − b) ÷ E**\n"
            f"- **Achieved**: *v* has reached *T*\n"
            f"- **On track**: R ≥ {bands.on_track:g}\n"
            f"- **Acceleration needed**: {bands.acceleration_needed:g} ≤ R < {bands.on_track:g}\n"
            f"- **Limited progress**: {bands.limited_progress:g} ≤ R < {bands.acceleration_needed:g}\n"
            f"- **Deteriorating**: R < {bands.limited_progress:g}\n"
            "- **Not enough data**: no baseline, or fewer than two quarters with data\n\n"
            "A milestone is **achieved** or **not yet**. A measure without a target gets a direction of "
            f"travel over the last {cfg.direction_quarters} quarters (improving, stable, worsening), never a "
            f"status. The projection is a straight line fitted to the quarters with data among the last "
            f"{cfg.projection_quarters} (a quarter without data is left out, never counted as 0), "
            f"extended to {cfg.deadline} and kept within what the measure can be (a share between 0 "
            "and 100%, a count no further than the vision allows where the targets file says so)."
        ),
    )


def caption(quarter: str | None) -> str:
    """What the numbers under each measure are."""
    if quarter:
        return f"The numbers below are those behind the figures for {quarter}, England as a whole."
    return "No returns are loaded yet, so no measure has figures to show below."


def formula(m: mconfig.Measure, cfg: mconfig.Config) -> str:
    """How a measure is computed, in words (the one text, in metrics.methods' registry)."""
    return methods.formula_text(m, cfg)


@dataclass(frozen=True)
class Step:
    """One line of the workings: what is worked out, and the number (with its sum)."""

    step: str
    value: str


def _q_count(first: str | None, last: str | None) -> int | None:
    from store.quarters import index

    return None if not first or not last else index(last) - index(first)


def row_tolerance(row: Row, cfg: mconfig.Config) -> str:
    m = cfg.measures.get(str(row.get("id")))
    return tolerance_text(m.tolerance if m else cfg.direction_tolerance, str(row.get("unit")))


def band_text(row: Row, cfg: mconfig.Config) -> str:
    """Which rule gave the status, with the configured band edges."""
    bands, status = cfg.bands, row.get("status")
    return {
        "achieved": "the value has reached the target",
        "on_track": f"R ≥ {bands.on_track:g}",
        "acceleration_needed": f"{bands.acceleration_needed:g} ≤ R < {bands.on_track:g}",
        "limited_progress": f"{bands.limited_progress:g} ≤ R < {bands.acceleration_needed:g}",
        "deteriorating": f"R < {bands.limited_progress:g}",
        "not_enough_data": val(row, "status_reason")
        or "needs a baseline and two quarters with data",
    }.get(str(status), "")


@dataclass(frozen=True)
class Band:
    """One status rule: '▲ Acceleration needed', '0.5 ≤ R < 0.95'."""

    status: str  # glyph and words
    rule: str


def bands(cfg: mconfig.Config) -> tuple[Band, ...]:
    """The status rules with the configured band edges, best first."""
    out = [Band(label(s), band_text({"status": s}, cfg)) for s in BANDED]
    return (
        *out,
        Band(
            label("not_enough_data"),
            "no baseline, fewer than two quarters with data, or the baseline quarter",
        ),
    )


BANDED = ("achieved", "on_track", "acceleration_needed", "limited_progress", "deteriorating")


def workings(row: Row, cfg: mconfig.Config) -> tuple[Step, ...]:
    """The exact numbers behind a summary row's status, step by step.

    (Step("Expected progress by now E = (T − b) × (t − t0) ÷ (D − t0)",
          "(10 − 0) × 5 ÷ 22 = 2.27"), ...)
    """
    unit = str(row.get("unit"))

    def f(x: Any) -> str:
        return format_value(x, unit)

    def f2(x: Any) -> str:
        return format_value(x, unit, 2) if unit != "count" or float(x) != int(x) else f(x)

    v, b, t = val(row, "value"), val(row, "baseline"), val(row, "target")
    q, bq, d = row.get("quarter"), val(row, "baseline_quarter"), val(row, "deadline")
    out = [Step(f"Value in {q} (v)", f(v))]
    coverage = coverage_text(row)
    records = val(row, "coverage_reporting")
    if coverage:
        out.append(Step("What the value rests on", coverage))
    elif records is not None and unit != "milestone":
        out.append(Step("Records the value rests on", f"{int(records)}"))
    if unit == "milestone":
        out.append(Step("Status", status_label(shown_status(row))))
        return tuple(out)
    out.append(Step(f"Baseline in {bq} (b)", f(b)))
    if t is None:
        direction = val(row, "direction")
        out.append(
            Step(
                "Target",
                "none for this group: the national count is not split"
                if row.get("status") == "no_group_target"
                else "none: tracked measure",
            )
        )
        out.append(
            Step(
                f"Direction of travel over the last {cfg.direction_quarters} quarters "
                f"(change within {row_tolerance(row, cfg)} is stable)",
                status_label(direction) if direction else "not enough data",
            )
        )
        return tuple(out)
    out.append(Step(f"Target by {d} (T)", f(t)))
    span, gone = _q_count(bq, d), _q_count(bq, q)
    out.append(Step("Quarters from baseline to deadline (D − t0)", str(span)))
    out.append(Step(f"Quarters from baseline to {q} (t − t0)", str(gone)))
    e_now, ratio = val(row, "expected_now"), val(row, "ratio")
    if e_now is not None and b is not None and span:
        e = float(e_now) - float(b)
        out.append(
            Step(
                "Expected progress by now E = (T − b) × (t − t0) ÷ (D − t0)",
                f"({f(t)} − {f(b)}) × {gone} ÷ {span} = {f2(e)}",
            )
        )
        out.append(Step("Expected value by now (b + E)", f2(e_now)))
    if ratio is not None and e_now is not None and b is not None:
        out.append(
            Step(
                "Progress ratio R = (v − b) ÷ E",
                f"({f(v)} − {f(b)}) ÷ {f2(float(e_now) - float(b))} = {float(ratio):.2f}",
            )
        )
    out.append(Step("Status", f"{status_label(shown_status(row))}: {band_text(row, cfg)}"))
    proj, reached = val(row, "projected_at_deadline"), val(row, "projected_quarter_reached")
    if proj is not None:
        out.append(
            Step(
                f"Projected for {d} (straight line through the quarters with data among "
                f"the last {cfg.projection_quarters}: {fitted(row)})",
                f(proj),
            )
        )
        out.append(
            Step(
                "Quarter the target would be reached at that pace",
                reached or "not before the deadline at the recent pace",
            )
        )
    return tuple(out)


UNIT_WORDS = {
    "percent": "percent (0 to 100)",
    "count": "count",
    "score": "score (1 to 5)",
    "milestone": "milestone",
}


@dataclass(frozen=True)
class Fact:
    item: str
    value: str


def facts(m: mconfig.Measure) -> tuple[Fact, ...]:
    """A measure's settings: unit, target, baseline quarter, direction, group target."""
    target = (
        "in place (achieved)"
        if m.is_milestone
        else "none: tracked (direction of travel only)"
        if m.tracked
        else (f"{m.target:g}%" if m.unit == "percent" else f"{m.target:g}")
    )
    out = [
        Fact("Unit", UNIT_WORDS[m.unit]),
        Fact("Target", target + (f" by {m.deadline}" if m.deadline else "")),
        Fact("Baseline quarter", m.baseline_quarter),
        Fact("Better when the value goes", "up" if m.direction == "increase" else "down"),
    ]
    if m.split:
        out.append(
            Fact(
                "Target for a group",
                "the national target times the group's share of councils in scope",
            )
        )
    elif m.unit == "count" and not m.tracked:
        out.append(Fact("Target for a group", "none: the national count is not split"))
    return tuple(out)


@dataclass(frozen=True)
class MeasureMethod:
    id: str
    title: str
    definition: str
    formula: str
    facts: tuple[Fact, ...]
    workings: tuple[Step, ...] | None  # None without a quarter shown (or no summary row)
    markdown: str  # all of the above as one markdown block


def measure_markdown(
    title: str,
    definition: str,
    formula_text: str,
    fact_rows: tuple[Fact, ...],
    steps: tuple[Step, ...] | None,
    quarter: str | None,
) -> str:
    parts = [
        f"### {title}",
        definition,
        f"**Formula:** {formula_text}",
        markdown_table([asdict(x) for x in fact_rows], {"item": "Setting", "value": "Value"}),
    ]
    if steps:
        parts += [
            f"**The numbers behind the status in {quarter}:**",
            markdown_table([asdict(s) for s in steps], {"step": "Step", "value": "Number"}),
        ]
    return "\n\n".join(parts)


@dataclass(frozen=True)
class ThemeMethods:
    id: str
    title: str
    vision: str
    measures: tuple[MeasureMethod, ...]


def themes(
    con: Any, quarter: str | None, cfg: mconfig.Config | None = None
) -> tuple[ThemeMethods, ...]:
    """Every theme with its measures: definition, formula, settings and, when a quarter is
    shown, the exact numbers behind the measure's status (England as a whole)."""
    cfg = cfg or mconfig.load()
    rows = (
        {
            r["id"]: r
            for r in msummary.summary(con, as_of=quarter, by=None, config=cfg).to_dict("records")
        }
        if quarter
        else {}
    )
    out = []
    for theme in cfg.themes.values():
        measures = []
        for m in cfg.measures.values():
            if m.theme != theme.id:
                continue
            fact_rows = facts(m)
            text = formula(m, cfg)
            steps = workings(rows[m.id], cfg) if m.id in rows else None
            measures.append(
                MeasureMethod(
                    id=m.id,
                    title=m.title,
                    definition=m.definition,
                    formula=text,
                    facts=fact_rows,
                    workings=steps,
                    markdown=measure_markdown(
                        m.title, m.definition, text, fact_rows, steps, quarter
                    ),
                )
            )
        out.append(
            ThemeMethods(
                id=theme.id, title=theme.title, vision=theme.vision, measures=tuple(measures)
            )
        )
    return tuple(out)


# Data sources and the attributions their licences ask for (metrics.sources: written once;
# OS_ATTRIBUTION also beside every map).
OS_ATTRIBUTION = msources.MAP_ATTRIBUTION


def sources(where_batches: str = "see Upload history") -> list[dict[str, str]]:
    """The data sources with their licences and attributions; ``where_batches`` says
    where the batches the figures rest on are listed."""
    out = []
    for s in msources.ALL:
        attribution = s.attribution
        if s is msources.RETURNS:
            attribution = f"{attribution}; {where_batches}."
        elif s.url and s is msources.COUNCILS:
            attribution = f"{attribution}: {s.url}"
        out.append({"source": s.title, "licence": s.licence, "attribution": attribution})
    return out


SOURCES = sources()

SOURCES_MARKDOWN = "\n".join(
    f"- **{s['source']}**: licence: {s['licence']}. {s['attribution']}" for s in SOURCES
)
