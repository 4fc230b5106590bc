"""The theme page: each measure of one theme against its trajectory, its status in one
sentence, and its breakdown by the geography level chosen in the frame; beside them the
theme's actions of the register (``actions``, from viewmodels.delivery)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from metrics import charts, export, figures, methods, wording
from metrics import config as mconfig
from metrics import summary as msummary
from viewmodels import delivery
from viewmodels.downloads import demo_loaded, measure_notes, rounded_table, unit_header
from viewmodels.text import LEVELS, Card, Row, by, card, is_missing, status_label, target_text, val


@dataclass(frozen=True)
class ThemeChoices:
    """The theme picker: ids in configured order, and each theme's title and vision."""

    ids: tuple[str, ...]
    titles: dict[str, str]
    visions: dict[str, str]


def choices(cfg: mconfig.Config) -> ThemeChoices:
    return ThemeChoices(
        ids=tuple(cfg.themes),
        titles={t.id: t.title for t in cfg.themes.values()},
        visions={t.id: t.vision for t in cfg.themes.values()},
    )


@dataclass(frozen=True)
class MeasureView:
    id: str
    title: str
    card: Card
    sentence: str  # why the status, with its numbers (metrics.wording.explain)
    projection: str | None  # the projection in words, under the chart (None: none)
    trend: figures.FrozenFigure  # trajectory (a milestone: its steps)
    trend_table: pd.DataFrame  # the trend chart's points, rounded as on screen
    trend_file: str  # download name of trend_table
    trend_notes: export.Notes  # what the downloaded trend_table is
    # The breakdown by the chosen level (all None for 'national'):
    groups: pd.DataFrame | None  # summary rows of each group, by value, largest first
    breakdown: figures.FrozenFigure | None  # its bar chart (None when there are no groups)
    group_table: pd.DataFrame | None  # its table view
    group_file: str | None  # download name of group_table
    group_notes: export.Notes | None  # what the downloaded group_table is
    note: str | None  # what the breakdown's target mark means


@dataclass(frozen=True)
class ThemeView:
    level_name: str  # the chosen level in words, lower case ('region')
    measures: tuple[MeasureView, ...]


GROUP_COLUMNS = {
    "group": "group",
    "value": "value",
    "target": "target",
    "status": "status",
    "direction": "direction of travel",
    "coverage_reporting": "councils reporting",
    "coverage_total": "councils in scope",
}


def group_table(groups: pd.DataFrame, unit: str, relative: bool = False) -> pd.DataFrame:
    """The breakdown's table view: group, value and target (rounded as on screen, the unit
    in the header), status and direction in words, coverage; a group without a figure is
    marked "not reported" (never 0)."""
    table = groups[[c for c in GROUP_COLUMNS if c in groups.columns]].copy()
    for column in ("status", "direction"):
        if column in table:
            table[column] = [status_label(s) if not is_missing(s) else "" for s in table[column]]
    table["note"] = ["not reported" if is_missing(v) else "" for v in groups["value"]]
    table = rounded_table(
        table,
        {"value": unit, "target": unit, "coverage_reporting": "count", "coverage_total": "count"},
    )
    return table.rename(
        columns={
            **GROUP_COLUMNS,
            "value": unit_header("value", unit, relative),
            "target": unit_header("target", unit, relative),
        }
    )


def trend_table(trend: figures.FrozenFigure, unit: str) -> pd.DataFrame:
    """The trend chart's points (series, quarter, value, note), rounded as on screen; a
    quarter without data has no value and the note "not reported"."""
    table = charts.chart_table(trend, unit=unit)
    return rounded_table(table, {unit_header("value", unit): unit})


def group_target(groups: pd.DataFrame, is_milestone: bool) -> float | list[float | None] | None:
    """The target the breakdown marks: one number when every group has the same one, one
    per group when they differ, None when no group has one (or for a milestone)."""
    targets = (
        [None if is_missing(t) else float(t) for t in groups["target"]] if not is_milestone else []
    )
    known = {t for t in targets if t is not None}
    if len(known) == 1 and None not in targets:
        return known.pop()
    return targets if known else None


def breakdown_note(row: Row, target: float | list[float | None] | None, level: str) -> str | None:
    """One line under a breakdown saying what its target mark means (or why there is none)."""
    if row.get("unit") == "milestone" or val(row, "target") is None:
        return None
    shown = target_text(row).replace("target ", "", 1)
    if target is None:
        return (
            f"No target for a single group: the national target ({shown}) is not split "
            f"between groups of this level ({LEVELS.get(level, level).lower()})."
        )
    if isinstance(target, list):
        return (
            "Each group's target (diamond) is the national target times the group's share "
            "of the councils in scope."
        )
    return f"The dashed line is the national target ({shown}); it applies to every group."


def breakdown_title(title: str, level_name: str, quarter: str, groups: pd.DataFrame) -> str:
    """A breakdown's title that says what it shows: 'Digital spend with SMEs by region,
    2026-Q3: highest London (30.0%), lowest North East (25.0%)'; groups that tie are named
    together, or counted when there are more than two."""
    rows = [r for r in groups.to_dict("records") if not is_missing(r["value"])]
    head = f"{title} by {level_name}, {quarter}"
    if len(rows) < 2:
        return head
    top = max(float(r["value"]) for r in rows)
    low = min(float(r["value"]) for r in rows)
    if top == low:
        return f"{head}: the same in every group with data"

    def who(value: float) -> str:
        names = [str(r["group"]) for r in rows if float(r["value"]) == value]
        shown = wording.value_text(next(r for r in rows if float(r["value"]) == value))
        said = " and ".join(names) if len(names) <= 2 else f"{len(names)} groups"
        return f"{said} ({shown})"

    return f"{head}: highest {who(top)}, lowest {who(low)}"


def measures(
    con: Any, theme_id: str, quarter: str, level: str, cfg: mconfig.Config | None = None
) -> ThemeView:
    """Every measure of the theme (configured order) that has a summary row in ``quarter``,
    with its breakdown by ``level`` unless that is 'national'."""
    cfg = cfg or mconfig.load()
    national = {
        r["id"]: r
        for r in msummary.summary(con, as_of=quarter, by=None, config=cfg).to_dict("records")
    }
    level_by = by(level)
    cut = msummary.summary(con, as_of=quarter, by=level_by, config=cfg) if level_by else None
    level_name = LEVELS.get(level, str(level)).lower()
    demo = demo_loaded(con)
    out = []
    for m in cfg.measures.values():
        if m.theme != theme_id or m.id not in national:
            continue
        row = national[m.id]
        df = msummary.series(con, m.id, by=None, up_to=quarter, config=cfg)
        actual: list[tuple[str, Any]] = [
            (q_, None if is_missing(v) else float(v)) for q_, v in zip(df["quarter"], df["value"])
        ]
        first = next((q_ for q_, v in actual if v is not None), None)
        relative = methods.get(m.method).relative
        subtitle = wording.subtitle(row, scope="England", first=first)
        if m.is_milestone:
            trend = figures.frozen(
                figures.milestone_steps(actual, title=wording.finding(row), subtitle=subtitle)
            )
        else:
            trend = figures.frozen(
                figures.trajectory(
                    row,
                    actual,
                    title=wording.finding(row),
                    subtitle=subtitle,
                    bounds=m.bounds,
                    relative=relative,
                )
            )
        groups = breakdown = table = note = group_file = group_notes = None
        if cut is not None:
            groups = (
                cut[cut["id"] == m.id]
                .sort_values(["value", "group"], ascending=[False, True], na_position="last")
                .reset_index(drop=True)
            )
            if not groups.empty:
                target = group_target(groups, m.is_milestone)
                values: list[Any] = [None if is_missing(v) else float(v) for v in groups["value"]]
                breakdown = figures.frozen(
                    charts.breakdown(
                        list(groups["group"]),
                        values,
                        unit=m.unit,
                        target=target,
                        title=breakdown_title(m.title, level_name, quarter, groups),
                        subtitle=wording.subtitle(row, scope=f"by {level_name}"),
                        relative=relative,
                    )
                )
                table = group_table(groups, m.unit, relative)
                note = breakdown_note(row, target, level)
                group_file = f"{row['id']}-{quarter}-by-{level}"
                group_notes = measure_notes(
                    m,
                    quarter,
                    f"by {level_name} (each group's own figure)",
                    f"{m.title} by {level_name}, {quarter}",
                    demo=demo,
                )
        out.append(
            MeasureView(
                id=str(row["id"]),
                title=str(row["title"]),
                card=card(row),
                sentence=wording.explain(row),
                projection=wording.projection_text(row),
                trend=trend,
                trend_table=trend_table(trend, m.unit),
                trend_file=f"{row['id']}-{quarter}-trajectory",
                trend_notes=measure_notes(
                    m,
                    quarter,
                    "England",
                    f"{m.title}: the trajectory chart's points up to {quarter}, England",
                    demo=demo,
                ),
                groups=groups,
                breakdown=breakdown,
                group_table=table,
                group_file=group_file,
                group_notes=group_notes,
                note=note,
            )
        )
    return ThemeView(level_name=level_name, measures=tuple(out))


def actions(
    con: Any, theme_id: str, quarter: str | None, register_file: tuple[Any, ...]
) -> delivery.ThemeActions:
    """The theme's actions of the register, beside its measures: each linked to its page
    on the Delivery page (``register_file``: ui.cache.register_state())."""
    return delivery.theme_actions(con, theme_id, quarter, register_file)
