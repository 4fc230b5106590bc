"""The overview: first the quarter at a glance (metrics.glance: counts by status, the
milestones, what changed since the quarter before, what needs attention and why), then
one compact table of every measure, then every theme with one card per measure and its
sparkline. England as a whole, the quarter shown."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pandas as pd

from metrics import charts, export, figures
from metrics import config as mconfig
from metrics import glance as G
from metrics import summary as msummary
from metrics.progress import format_value
from viewmodels.downloads import TRACKER, Download, demo_loaded
from viewmodels.text import BADGE_COLOURS, Card, card, escape_markdown, is_missing

# What the geography control does on this page (the frame shows it beside the control).
GEOGRAPHY_NOTE = "The overview shows England; choose a level on Themes or Places."
CHANGE_WORDS = {"better": "better", "worse": "worse", "changed": "changed"}
CHANGE_ICONS = {"better": "arrow_upward", "worse": "arrow_downward", "changed": "sync_alt"}
ACTION_TITLE_CHARS = 90
# The headline a little larger than the text around it (markdown has no large text).
HEADLINE_STYLE = "font-size: 1.25rem; font-weight: 600; line-height: 1.4"


# ---------------------------------------------------------------- the top of the page


@dataclass(frozen=True)
class Tally:
    """How many measures with a target have one status: '✓ On track: 3'."""

    status: str
    label: str  # '✓ On track' (glyph and words)
    count: int
    measures: tuple[str, ...]  # their titles
    badge: str  # markdown: ':green-badge[:material/check_circle: ✓ On track: 3]'


@dataclass(frozen=True)
class Line:
    """One line of the "needs attention" or "changed" list (markdown, escaped)."""

    title: str
    text: str  # the reason, or 'On track → Acceleration needed'
    kind: str  # attention: deteriorating / limited_progress / worse / extra; change: better ...
    markdown: str


@dataclass(frozen=True)
class Top:
    quarter: str
    previous_quarter: str | None
    headline: str  # "3 of 7 measures with a target achieved or on track; 1 of 4 ..."
    headline_markdown: str  # the headline in large bold type (HTML-escaped: show it with
    # unsafe_allow_html=True; its one span is the only markup)
    tallies: tuple[Tally, ...]
    tallies_markdown: str  # every tally as one line of badges (words, glyph, icon and count)
    milestones: str  # '1 of 4 milestones in place'
    attention_title: str  # 'Needs attention: 2 measures'
    attention: tuple[Line, ...]  # the measures
    attention_empty: str  # said when no measure needs attention
    actions_title: str  # '8 delivery actions need attention'
    actions: tuple[Line, ...]  # the delivery register's (empty without the register's data)
    actions_note: str | None  # why no action is listed when the register cannot be read
    changes_title: str  # 'Status changed since 2026-Q2'
    changes: tuple[Line, ...]
    changes_empty: str
    table: pd.DataFrame  # table_columns(): each theme's row, then its measures' (as shown)
    theme_rows: tuple[int, ...]  # the positions of the theme rows in ``table``
    table_caption: str
    download: Download  # the table as a file


def _md(text: str) -> str:
    """Text shown literally inside markdown (escaped: titles come from the targets file,
    reasons from the delivery register's uploads)."""
    return escape_markdown(str(text))


def tally(c: G.StatusCount) -> Tally:
    colour = BADGE_COLOURS.get(c.status, "gray")
    label = c.label
    badge = f":{colour}-badge[:material/{c.icon}: {_md(label)}: **{c.count}**]"
    return Tally(c.status, label, c.count, c.measures, badge)


def attention_line(a: G.AttentionItem) -> Line:
    if not a.label:  # an extra (a delivery action): its reason says what is wrong
        return Line(a.title, a.reason, a.kind, f"**{_md(a.title)}**: {_md(a.reason)}")
    lead = f"**{_md(a.title)}** · {_md(a.label)}"
    return Line(a.title, a.reason, a.kind, f"{lead}: {_md(_after_colon(a.reason))}")


def _after_colon(reason: str) -> str:
    """'Deteriorating: 22.0% in ...' -> '22.0% in ...' when the status words lead it
    (the label beside it already says them)."""
    head, sep, tail = reason.partition(": ")
    return tail if sep and len(head) < 60 and not any(ch.isdigit() for ch in head) else reason


def change_line(c: G.StatusChange) -> Line:
    icon = CHANGE_ICONS.get(c.change, "sync_alt")
    words = CHANGE_WORDS.get(c.change, c.change)
    text = f"{c.before_label} → {c.after_label}"
    markdown = f":material/{icon}: **{_md(c.title)}**: {_md(text)} ({words})"
    return Line(c.title, text, c.change, markdown)


NBSP = "\u00a0"


def _one_line(text: str) -> str:
    """Spaces that do not break: the short columns stay on one line (st.table's cells
    wrap whatever their style says)."""
    return text.replace(" ", NBSP)


def table_frame(
    lines: tuple[G.MeasureLine, ...], since: str | None, deadline: str | None
) -> tuple[pd.DataFrame, tuple[int, ...]]:
    """The compact table and the positions of its theme rows: each theme is a row of its
    own (its title in the first column, the other cells empty) above its measures, so the
    measures' columns keep the width a laptop and a phone have; the texts are as shown
    and short (the deadline and the quarter compared with are in the headers; the
    download repeats them in every row)."""
    rows: list[tuple[str, ...]] = []
    themes: list[int] = []
    last = None
    for ln in lines:
        if ln.theme_title != last:
            themes.append(len(rows))
            rows.append((ln.theme_title, "", "", "", "", ""))
            last = ln.theme_title
        rows.append(
            (
                ln.title,
                _one_line(short_relative(ln.value_text)),
                _one_line(short_status(ln)),
                _one_line(short_relative(short_target(ln.target_text, deadline))),
                _one_line(short_change(ln.change_text, since)),
                short_coverage(ln.coverage_text),
            )
        )
    return pd.DataFrame(rows, columns=table_columns(since, deadline)), tuple(themes)


def table_columns(since: str | None, deadline: str | None) -> list[str]:
    """The measure, then what a phone must show first (value and status), then the rest."""
    return [
        "Theme and measure",
        "Value",
        "Status",
        f"Target for {deadline}" if deadline else "Target",
        f"Change since {since}" if since else "Change",
        "Councils (or register)",
    ]


def short_coverage(text: str) -> str:
    """What a figure rests on, short (the column is 'Councils (or register)'):
    '305 of 317 councils reporting' -> '305 of 317'; a register's 'the exchanges register
    (12 lead councils)' -> 'register: 12 lead councils' (the row names the measure; a
    line may break after the colon). The download keeps the words of metrics.wording."""
    import re

    found = re.fullmatch(r"the \w+ register(?: \((.*)\))?", text)
    if found:
        inner = found.group(1)
        return f"register: {_one_line(inner)}" if inner else "register"
    return _one_line(text.removesuffix(" councils reporting"))


RELATIVE = " on the baseline"  # how metrics.wording writes a relative change


def short_relative(text: str) -> str:
    """'up 6.0% on the baseline' -> 'up 6.0%' in the compact table (its caption says
    what 'up' and 'down' mean there; the download keeps the words)."""
    return text.removesuffix(RELATIVE)


def short_target(text: str, deadline: str | None) -> str:
    """'target 33% by 2030-Q4' -> '33%' (the header names the deadline shared by every
    measure), 'target: in place by 2030-Q4' -> 'in place', 'tracked: no target' -> 'none'."""
    if text == "tracked: no target":
        return "none"
    text = text.removeprefix("target: ").removeprefix("target ")
    return text.removesuffix(f" by {deadline}") if deadline else text


def short_status(ln: G.MeasureLine) -> str:
    """The status with its glyph; a measure without a target (its target cell says
    "none"): its direction of travel, '↑ Improving'."""
    if ln.status in ("tracked", "no_group_target") and ln.direction:
        from metrics.progress import label

        return label(ln.direction)
    return ln.status_label


def short_change(text: str, since: str | None) -> str:
    """'-0.4 points since 2026-Q2' -> '-0.4 points' (the header says since when)."""
    if not since:
        return text
    text = text.replace(f" since {since}", "")
    return "nothing to compare" if text.startswith("nothing to compare") else text


def one_deadline(cfg: mconfig.Config) -> str | None:
    """The deadline every measure with one shares (None when they differ)."""
    found = {m.deadline for m in cfg.measures.values() if m.deadline}
    return found.pop() if len(found) == 1 else None


def delivery_attention(con: Any, quarter: str) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """The delivery register's actions that need attention as at ``quarter``, each as
    (title, one-line reason), and a note when the register cannot be read. Nothing (and
    no note) while no delivery update is loaded for the quarter or before it: the
    overview works without the register."""
    try:
        from metrics import delivery

        if not any(q <= quarter for q in delivery.quarters(con)):
            return (), None
        found = delivery.compute(con, quarter)
    except Exception as exc:  # the register file or its table: the overview goes on
        return (), f"The delivery register could not be read, so no action is listed ({exc})."
    texts = dict(zip(found.actions["id"], found.actions["text"]))
    out = []
    for aid, codes, why in zip(
        found.attention["id"], found.attention["codes"], found.attention["why"]
    ):
        text = str(texts.get(aid) or "").strip().rstrip(".")
        if len(text) > ACTION_TITLE_CHARS:
            text = text[: ACTION_TITLE_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-–/") + "…"
        title = f"{aid}: {text}" if text else str(aid)
        whys, codes = list(why or []), list(codes or [])
        reason = whys[0] if whys else "needs attention"
        rest = [delivery.ATTENTION.get(c, c).lower() for c in codes[1:]]
        if rest:
            reason += "; also " + ", ".join(rest)
        out.append((title, reason))
    return tuple(out), None


def top(con: Any, quarter: str, cfg: mconfig.Config | None = None) -> Top:
    """The quarter at a glance and the table of every measure (England, ``quarter``)."""
    cfg = cfg or mconfig.load()
    extras, actions_note = delivery_attention(con, quarter)
    g = G.glance_for(con, quarter, extras=extras, config=cfg)
    measures = tuple(attention_line(a) for a in g.attention if a.kind != "extra")
    actions = tuple(attention_line(a) for a in g.attention if a.kind == "extra")
    since = g.previous_quarter
    n = len(measures)
    table, theme_rows = table_frame(g.table, since, one_deadline(cfg))
    tallies = tuple(tally(c) for c in g.counts)
    full = pd.DataFrame(
        [
            (
                ln.theme_title,
                ln.title,
                ln.value_text,
                ln.target_text,
                ln.status_text,
                ln.change_text,
                ln.coverage_text,
            )
            for ln in g.table
        ],
        columns=["theme", "measure", "value", "target", "status", "change", "coverage"],
    )
    demo = demo_loaded(con)
    return Top(
        quarter=quarter,
        previous_quarter=since,
        headline=g.headline,
        headline_markdown=f'<span style="{HEADLINE_STYLE}">{html.escape(g.headline)}</span>',
        tallies=tallies,
        tallies_markdown=" ".join(t.badge for t in tallies),
        milestones=g.milestones.text,
        attention_title=f"Needs attention: {n} measure{'s' if n != 1 else ''}",
        attention=measures,
        attention_empty=(
            "No measure is deteriorating, making limited progress or doing worse than in "
            f"{since or 'the quarter before'}."
        ),
        actions_title=(
            f"{len(actions)} delivery action{'s' if len(actions) != 1 else ''} "
            f"{'need' if len(actions) != 1 else 'needs'} attention"
        ),
        actions=actions,
        actions_note=actions_note,
        changes_title=f"Status changed since {since}" if since else "Status changes",
        changes=tuple(change_line(c) for c in g.changes),
        changes_empty=(
            f"No status changed since {since}."
            if since
            else "There is no earlier quarter with data to compare with."
        ),
        table=table,
        theme_rows=theme_rows,
        table_caption=(
            f"Every measure in {quarter}, England: value, target, status, change since "
            f"{since or 'the quarter before'} and what the figure rests on."
            + (
                " 'Up' or 'down' with a %: a relative change on the baseline (not points)."
                if any(ln.value_text.endswith(RELATIVE) for ln in g.table)
                else ""
            )
        ),
        download=Download(
            table=full,
            name=f"all-measures-{quarter}-england",
            notes=export.Notes(
                title=f"All measures, {quarter}, England",
                measure=f"all {len(table)} measures of metrics/targets.toml",
                quarter=quarter,
                scope="England",
                source=f"{TRACKER}: the councils' quarterly returns, as uploaded; computed as "
                "the Methodology page sets out",
                demo=demo,
                values="as on screen: each value with its unit (% a percentage, a score "
                "from 1 to 5, a count), rounded as shown",
            ),
        ),
    )


# ---------------------------------------------------------------- the cards


@dataclass(frozen=True)
class OverviewCard:
    card: Card
    figure: figures.FrozenFigure | None  # the sparkline; None with fewer than two values


@dataclass(frozen=True)
class ThemeCards:
    id: str
    title: str
    vision: str
    cards: tuple[OverviewCard, ...]


def spark_values(
    con: Any, measure_id: str, quarter: str, cfg: mconfig.Config
) -> list[float | None]:
    """The national values of a measure, oldest first, up to the quarter shown."""
    df = msummary.series(con, measure_id, by=None, up_to=quarter, config=cfg)
    return [None if is_missing(v) else float(v) for v in df["value"]] if len(df) else []


def spark_alt(c: Card, drawn: list[float], quarters: int) -> str:
    """The sparkline's text alternative: 'Data maturity, England: 2.40 to 2.82 over the 6
    quarters shown' ('..., 2 of them without data' when some are gaps; the card beside it
    gives the value, target and status in words)."""
    first, last = (format_value(v, c.unit) for v in (drawn[0], drawn[-1]))
    gaps = quarters - len(drawn)
    tail = f", {gaps} of them without data" if gaps > 0 else ""
    return f"{c.title}, England: {first} to {last} over the {quarters} quarters shown{tail}"


def themes(con: Any, quarter: str, cfg: mconfig.Config | None = None) -> tuple[ThemeCards, ...]:
    """Every theme of the configuration with a card per measure that has a summary row."""
    cfg = cfg or mconfig.load()
    rows = msummary.summary(con, as_of=quarter, by=None, config=cfg)
    by_id = {r["id"]: r for r in rows.to_dict("records")}
    out = []
    for theme in cfg.themes.values():
        cards = []
        for m in cfg.measures.values():
            if m.theme != theme.id or m.id not in by_id:
                continue
            c = card(by_id[m.id], None if m.is_milestone else spark_values(con, m.id, quarter, cfg))
            spark: list[Any] = list(c.spark)  # None: a quarter without a figure (a gap)
            drawn = [v for v in spark if v is not None]
            figure = None
            if len(drawn) > 1:
                figure = figures.frozen(
                    charts.sparkline(spark, unit=c.unit), alt=spark_alt(c, drawn, len(spark))
                )
            cards.append(OverviewCard(card=c, figure=figure))
        out.append(
            ThemeCards(id=theme.id, title=theme.title, vision=theme.vision, cards=tuple(cards))
        )
    return tuple(out)
