"""The methodology appendix: how each measure is computed and the numbers behind its status.

Pure: a measure's configuration and its summary row in, texts out. (The dashboard's
Methodology page states the same in the same words.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metrics import config as mconfig
from metrics.glance import coverage_text
from metrics.progress import DIRECTION_LABELS, STATUS_LABELS, format_value
from store import quarters as Q

UNIT_WORDS = {
    "percent": "percent (0 to 100)",
    "count": "count",
    "score": "score (1 to 5)",
    "milestone": "milestone",
}

# Data sources and the attributions their licences ask for.
OS_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government "
    "Licence v.3.0. Contains OS data © Crown copyright and database right 2024."
)
SOURCES = [
    {
        "source": "Quarterly returns from councils (survey, workforce, data exchanges, placements, "
        "milestones)",
        "licence": "collected by the forum for this tracker",
        "attribution": "Figures are as uploaded by the forum's analysts; the batches this pack "
        "rests on are listed below.",
    },
    {
        "source": "UK Local Authority Names and Codes (the council list, names and types)",
        "licence": "Creative Commons Attribution 4.0 (CC BY 4.0)",
        "attribution": "UK Local Authority Names and Codes, © mySociety, licensed under CC BY 4.0: "
        "https://mysociety.github.io/uk_local_authority_names_and_codes/",
    },
    {
        "source": "ONS Open Geography Portal boundaries (regions, local authority districts, "
        "counties and unitary authorities)",
        "licence": "Open Government Licence v3.0",
        "attribution": OS_ATTRIBUTION,
    },
    {
        "source": "The six visions and their targets: The Future Governance Forum, Digital local "
        "government (2025)",
        "licence": "quoted for reference",
        "attribution": "The visions are quoted from the report; the targets file of this tracker "
        "(metrics/targets.toml) turns each into measures.",
    },
]


def _val(row: Mapping, key: str) -> Any:
    v = row.get(key)
    if v is None:
        return None
    try:
        if v != v:  # NaN
            return None
    except TypeError:
        return v
    return v


def words(status: str | None) -> str:
    if not status:
        return "No status"
    found = STATUS_LABELS.get(status) or DIRECTION_LABELS.get(status)
    return found[0] if found else status.replace("_", " ").capitalize()


def formula(m: mconfig.Measure, cfg: mconfig.Config) -> str:
    """How a measure is computed, in words with its column names (from the configuration)."""
    p = m.params
    latest = (
        f"each council's latest value at or before the quarter shown, carried forward "
        f"at most {cfg.staleness_quarters} quarters"
    )
    texts = {
        "milestones_achieved": f"number of milestones of kind {p.get('milestone_kind')} whose "
        "latest status at or before the quarter shown is achieved",
        "milestone": f"achieved when the latest status of the {p.get('milestone_kind')} milestone "
        "at or before the quarter shown is achieved, otherwise not yet",
        "share_of_councils": f"councils with {p.get('column')} yes (or at least 1) ÷ councils "
        f"reporting {p.get('column')} × 100, using {latest}",
        "mean_of_councils": f"mean of {p.get('column')} over reporting councils, using {latest}",
        "councils_yes": f"number of councils whose {p.get('column')} is yes, using {latest}",
        "ratio_of_sums": f"sum of {p.get('numerator')} ÷ sum of {p.get('denominator')} × 100 over "
        f"reporting councils (both from the same return), using {latest}",
        "exchanges_qualifying": "number of exchanges whose latest status at or before the quarter "
        "shown is successful, that list at least one standard and at least one partner",
        "placements_started": f"number of placements whose start_quarter is from "
        f"{m.baseline_quarter} up to the quarter shown",
        "workforce_uplift": "(s_now − s_baseline) ÷ s_baseline × 100, where s = sum of "
        "underrepresented ÷ sum of headcount, over councils that reported in both "
        f"{m.baseline_quarter} and the quarter shown (like for like)",
        "standards_all_core": "councils whose latest return reports adopted or audited for every "
        f"one of the {len(cfg.core_standards)} core standards ÷ all councils in scope × 100 "
        "(a council that does not report counts as not adopting)",
    }
    return texts.get(m.method, m.method)


def facts(m: mconfig.Measure) -> list[dict[str, str]]:
    """The measure's settings: unit, target, baseline quarter, better direction, group target."""
    if m.is_milestone:
        target = "in place (achieved)"
    elif m.target is None:
        target = "none: tracked (direction of travel only)"
    else:
        t = float(m.target)
        target = f"{t:g}%" if m.unit == "percent" else f"{t:g}"
    out = [
        {"item": "Unit", "value": UNIT_WORDS.get(m.unit, m.unit)},
        {"item": "Target", "value": target + (f" by {m.deadline}" if m.deadline else "")},
        {"item": "Baseline quarter", "value": m.baseline_quarter},
        {
            "item": "Better when the value goes",
            "value": "up" if m.direction == "increase" else "down",
        },
    ]
    if m.split:
        out.append(
            {
                "item": "Target for a group",
                "value": "the national target times the group's share of councils in scope",
            }
        )
    elif m.unit == "count" and not m.tracked:
        out.append({"item": "Target for a group", "value": "none: the national count is not split"})
    return out


def band_text(row: Mapping, cfg: mconfig.Config) -> str:
    """Which rule gave the status, with the configured band edges."""
    b = cfg.bands
    return {
        "achieved": "the value has reached the target",
        "on_track": f"R ≥ {b.on_track:g}",
        "acceleration_needed": f"{b.acceleration_needed:g} ≤ R < {b.on_track:g}",
        "limited_progress": f"{b.limited_progress:g} ≤ R < {b.acceleration_needed:g}",
        "deteriorating": f"R < {b.limited_progress:g}",
        "not_enough_data": _val(row, "status_reason")
        or "needs a baseline and two quarters with data",
    }.get(str(row.get("status")), "")


def bands(cfg: mconfig.Config) -> list[dict[str, str]]:
    """The status rules, one row each."""
    b = cfg.bands
    return [
        {"status": "★ Achieved", "rule": "the value has reached the target"},
        {"status": "✓ On track", "rule": f"R ≥ {b.on_track:g}"},
        {
            "status": "▲ Acceleration needed",
            "rule": f"{b.acceleration_needed:g} ≤ R < {b.on_track:g}",
        },
        {
            "status": "■ Limited progress",
            "rule": f"{b.limited_progress:g} ≤ R < {b.acceleration_needed:g}",
        },
        {"status": "▼ Deteriorating", "rule": f"R < {b.limited_progress:g}"},
        {
            "status": "? Not enough data",
            "rule": "no baseline, fewer than two quarters with data, or the baseline quarter",
        },
    ]


def _span(first: str | None, last: str | None) -> int | None:
    return None if not first or not last else Q.index(last) - Q.index(first)


def workings(row: Mapping, cfg: mconfig.Config) -> list[dict[str, str]]:
    """The exact numbers behind a summary row's status, step by step.

    [{"step": "Expected progress by now E = (T − b) × (t − t0) ÷ (D − t0)",
      "value": "(10 − 0) × 5 ÷ 22 = 2.27"}, ...]
    """
    unit = str(row.get("unit") or "")

    def f(x: Any) -> str:
        return format_value(x, unit)

    def f2(x: Any) -> str:
        if unit == "count" and float(x) == int(x):
            return f(x)
        return format_value(x, unit, 2)

    v, b, t = _val(row, "value"), _val(row, "baseline"), _val(row, "target")
    q, bq, d = row.get("quarter"), _val(row, "baseline_quarter"), _val(row, "deadline")
    status, direction = _val(row, "status"), _val(row, "direction")
    out = [{"step": f"Value in {q} (v)", "value": f(v)}]
    cover = coverage_text(row)
    if cover != "no coverage":
        out.append({"step": "What the value rests on", "value": cover})
    if unit == "milestone":
        out.append({"step": "Status", "value": words(status)})
        return out
    out.append({"step": f"Baseline in {bq} (b)", "value": f(b)})
    if t is None or isinstance(t, str):
        m = cfg.measures.get(str(row.get("id")))
        tol = format_value(m.tolerance if m else cfg.direction_tolerance, unit)
        out.append(
            {
                "step": "Target",
                "value": "none for this group: the national count is not split"
                if status == "no_group_target"
                else "none: tracked measure",
            }
        )
        out.append(
            {
                "step": f"Direction of travel over the last {cfg.direction_quarters} quarters "
                f"(a change within {tol} is stable)",
                "value": words(direction) if direction else "not enough data",
            }
        )
        return out
    out.append({"step": f"Target by {d} (T)", "value": f(t)})
    span, gone = _span(bq, d), _span(bq, q)
    out.append({"step": "Quarters from baseline to deadline (D − t0)", "value": str(span)})
    out.append({"step": f"Quarters from baseline to {q} (t − t0)", "value": str(gone)})
    e_now, ratio = _val(row, "expected_now"), _val(row, "ratio")
    if e_now is not None and b is not None and span:
        e = float(e_now) - float(b)
        out.append(
            {
                "step": "Expected progress by now E = (T − b) × (t − t0) ÷ (D − t0)",
                "value": f"({f(t)} − {f(b)}) × {gone} ÷ {span} = {f2(e)}",
            }
        )
        out.append({"step": "Expected value by now (b + E)", "value": f2(e_now)})
        if ratio is not None:
            out.append(
                {
                    "step": "Progress ratio R = (v − b) ÷ E",
                    "value": f"({f(v)} − {f(b)}) ÷ {f2(e)} = {float(ratio):.2f}",
                }
            )
    out.append({"step": "Status", "value": f"{words(status)}: {band_text(row, cfg)}"})
    proj, reached = _val(row, "projected_at_deadline"), _val(row, "projected_quarter_reached")
    if proj is not None:
        out.append(
            {
                "step": f"Projected for {d} (straight line through the last up to "
                f"{cfg.projection_quarters} quarters)",
                "value": f(proj),
            }
        )
        out.append(
            {
                "step": "Quarter the target would be reached at that pace",
                "value": reached or "not before the deadline at the recent pace",
            }
        )
    return out
