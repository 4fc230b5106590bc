"""The overview: every theme in configured order, each with one card per measure and its
sparkline (England as a whole, the quarter shown)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metrics import config as mconfig
from metrics import figures
from metrics import summary as msummary
from metrics.progress import format_value
from viewmodels.text import Card, card, is_missing


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
    quarters shown' (the card beside it gives the value, target and status in words)."""
    first, last = (format_value(v, c.unit) for v in (drawn[0], drawn[-1]))
    return f"{c.title}, England: {first} to {last} over the {quarters} quarters shown"


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
                    figures.sparkline(spark, unit=c.unit), alt=spark_alt(c, drawn, len(spark))
                )
            cards.append(OverviewCard(card=c, figure=figure))
        out.append(
            ThemeCards(id=theme.id, title=theme.title, vision=theme.vision, cards=tuple(cards))
        )
    return tuple(out)
