"""The register of the blueprint's actions, checked against the targets configuration.

    reg = load()                                  # RegisterError names the entry and field
    actions_for_measure(reg, "data_exchanges")    # the actions meant to move a measure
    actions_for_theme(reg, "data")
    table(reg)                                    # one row per action, for pages and exports

The file is metrics/register.toml (or $TRACKER_REGISTER); it is read and validated by
domain.register, here with the theme and measure ids and the baseline quarter of the
validated targets configuration (metrics.config), so a link to a measure that the
targets file does not have is refused when the register is read.
"""

from __future__ import annotations

import os

import pandas as pd

from domain.register import (
    CLOSED,
    CONFIDENCES,
    KIND_LABELS,
    KINDS,
    STATUS_LABELS,
    STATUSES,
    TABLE_ORGANISATIONS,
    Action,
    Register,
    RegisterError,
)
from domain.register import load as _load
from metrics import config as mconfig

__all__ = [
    "CLOSED",
    "CONFIDENCES",
    "KINDS",
    "KIND_LABELS",
    "STATUSES",
    "STATUS_LABELS",
    "TABLE_ORGANISATIONS",
    "Action",
    "Register",
    "RegisterError",
    "TABLE_COLUMNS",
    "actions_for_measure",
    "actions_for_theme",
    "load",
    "table",
]

TABLE_COLUMNS = [
    "id",
    "kind",
    "kind_label",
    "theme",
    "owner",
    "owner_name",
    "due_quarter",
    "measures",
    "text",
]


def load(path: str | os.PathLike | None = None, config: mconfig.Config | None = None) -> Register:
    """The validated register, its themes, measures and baseline quarter those of
    ``config`` (default: the targets file, metrics.config.load())."""
    cfg = config or mconfig.load()
    return _load(
        path,
        themes=tuple(cfg.themes),
        measures=tuple(cfg.measures),
        baseline_quarter=cfg.baseline_quarter,
    )


def actions_for_measure(reg: Register, measure_id: str) -> list[Action]:
    """The actions meant to move the measure, in register order."""
    return [a for a in reg.actions if measure_id in a.measures]


def actions_for_theme(reg: Register, theme: str) -> list[Action]:
    """The actions of a theme, in register order."""
    return [a for a in reg.actions if a.theme == theme]


def table(reg: Register) -> pd.DataFrame:
    """One row per action (TABLE_COLUMNS); ``measures`` a list of ids, owner None when
    unassigned (owner_name 'Unassigned'); object columns, so a missing value is None."""
    rows = [
        {
            "id": a.id,
            "kind": a.kind,
            "kind_label": KIND_LABELS[a.kind],
            "theme": a.theme,
            "owner": a.owner,
            "owner_name": reg.organisation_name(a.owner),
            "due_quarter": a.due_quarter,
            "measures": list(a.measures),
            "text": a.text,
        }
        for a in reg.actions
    ]
    return pd.DataFrame(rows, columns=TABLE_COLUMNS, dtype=object)  # None stays None
