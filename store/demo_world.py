"""The demo's seeded world: every council's latent traits, fixed for a seed (_World), and
the survey and workforce rows drawn from it each quarter, calibrated so that the
national figures tell the story of store.demo_story exactly."""

from __future__ import annotations

import math
import random
from typing import TypedDict

from domain.survey import SURVEY_COLUMN_NAMES
from store.demo_story import (
    GAP_WEIGHTS,
    LEVELS,
    REGION_EFFECT,
    ROLE_SHARES,
    STANDARD_EASE,
    STANDARDS,
    TYPE_SIZE,
    collective_share,
    components_share,
    maturity_mean,
    outcome_share,
    sme_share,
    standards_share,
    underrepresented_share,
)


def _yesno(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _nudge(values: list[int], caps: list[int], target_total: int, rng: random.Random) -> None:
    """Add or take 1 from random entries (0 <= value <= cap) until they sum to target_total."""
    diff = target_total - sum(values)
    order = list(range(len(values)))
    while diff:
        rng.shuffle(order)
        moved = False
        for i in order:
            if diff > 0 and values[i] < caps[i]:
                values[i] += 1
                diff -= 1
                moved = True
            elif diff < 0 and values[i] > 0:
                values[i] -= 1
                diff += 1
                moved = True
            if not diff:
                break
        if not moved:
            break


class _Traits(TypedDict):
    """A council's latent traits (fixed for a seed)."""

    ready: float
    std_a: dict[str, float]
    gap: str
    maturity: float
    maturity_u: float
    spend: float
    sme: float
    contracts: float
    outcome: float
    collective: float
    components: float
    headcount: float
    ur: float
    ur_family: dict[str, float]
    mix: dict[str, float]
    reports_all: bool
    family_gap: list[bool]
    blank_lse: bool
    blank_disabled: bool
    apprentice_rate: float


class _SurveyRow(TypedDict):
    std: dict[str, str | None]
    maturity: int | None
    ceo: bool | None
    spend: float | None
    sme_raw: float | None
    sme: float
    contracts: int
    outcome: int
    collective: bool
    components: int


class _World:
    """Per-council latent traits (fixed for a seed) from which every quarter is drawn."""

    def __init__(self, councils, seed: int, n_quarters: int):
        self.councils = councils  # list of dicts: code, name, type, region
        self.codes = [c["code"] for c in councils]
        self.by_code = {c["code"]: c for c in councils}
        self.n = n_quarters
        rng = random.Random(f"{seed}:councils")
        districts = [c["code"] for c in councils if c["type"] == "district"]
        self.never = set(rng.sample(districts, 3))
        reporters = [c for c in self.codes if c not in self.never]
        story_pool = [
            c["code"]
            for c in councils
            if c["type"] in ("unitary", "metropolitan district", "London borough")
        ]
        ceo_always, ceo_left, ceo_joined = rng.sample(story_pool, 3)
        self.ceo = {"always": ceo_always, "left": ceo_left, "joined": ceo_joined}
        protected = set(self.ceo.values())
        others = [c for c in reporters if c not in protected]
        self.ceo_blank = set(rng.sample(others, round(0.08 * len(others))))
        self.sparse = set(
            rng.sample(others, round(0.03 * len(others)))
        )  # leave money and maturity blank
        mrng = random.Random(f"{seed}:missing")
        self.missing_survey: list[set[str]] = []
        self.missing_workforce: list[set[str]] = []
        for _ in range(n_quarters):
            miss = set(mrng.sample(others, mrng.randint(8, 15)))
            self.missing_survey.append(self.never | miss)
            self.missing_workforce.append(self.never | miss | set(mrng.sample(others, 3)))
        t: dict[str, _Traits] = {}
        for c in councils:
            code, region, kind = c["code"], c["region"], c["type"]
            readiness, ur_eff, sme_eff = REGION_EFFECT[region]
            headcount, spend, contracts, type_ready = TYPE_SIZE[kind]
            t[code] = {
                "ready": readiness + type_ready + rng.gauss(0, 0.6),
                "std_a": {s: 1.0 + STANDARD_EASE[s] + rng.gauss(0, 0.7) for s in STANDARDS},
                "gap": rng.choices(STANDARDS, weights=[GAP_WEIGHTS[s] for s in STANDARDS])[0],
                "maturity": rng.gauss(0, 0.8),
                "maturity_u": rng.random(),
                "spend": spend * math.exp(rng.gauss(0, 0.35)),
                "sme": min(max(0.24 + sme_eff + rng.gauss(0, 0.06), 0.03), 0.7),
                "contracts": contracts * math.exp(rng.gauss(0, 0.3)),
                "outcome": min(max(0.18 + rng.gauss(0, 0.07), 0.0), 0.6),
                "collective": rng.random()
                - (0.05 if region in ("E12000001", "E12000002") else 0.0),
                "components": rng.random(),
                "headcount": headcount * math.exp(rng.gauss(0, 0.3)),
                "ur": min(max(0.30 + ur_eff + rng.gauss(0, 0.05), 0.08), 0.7),
                "ur_family": {f: rng.gauss(0, 0.04) for f in ROLE_SHARES},
                "mix": {
                    f: rng.uniform(0.45, 0.65)
                    for f in ("women", "ethnic_minority", "disabled", "lower_socioeconomic")
                },
                "reports_all": rng.random() < 0.15,
                "family_gap": [rng.random() < 0.5 for _ in ROLE_SHARES],
                "blank_lse": rng.random() < 0.35,
                "blank_disabled": rng.random() < 0.10,
                "apprentice_rate": rng.uniform(0.02, 0.06),
            }
            t[code]["std_a"] = {s: a + 0.9 * t[code]["ready"] for s, a in t[code]["std_a"].items()}
        self.t = t
        # Councils adopting every core standard at quarter k: the most ready reporters.
        ranked = sorted(reporters, key=lambda c: -t[c]["ready"])
        self.full_rank = {code: i for i, code in enumerate(ranked)}
        self.full_n = self._calibrate_full(ranked)
        never_full = ranked[self.full_n[-1] :]
        self.std_blank = {
            c: rng.choice(STANDARDS) for c in rng.sample(never_full, round(0.05 * len(never_full)))
        }
        # data maturity: per quarter, the offset that makes the mean of the councils
        # reporting it maturity_mean(k); offsets rise, so no council's score falls.
        self.maturity_offset: list[float] = []
        for k in range(n_quarters):
            base = [
                c for c in self.codes if c not in self.missing_survey[k] and c not in self.sparse
            ]
            lo, hi = -3.0, 8.0
            for _ in range(40):
                mid = (lo + hi) / 2
                mean = sum(self._maturity(c, mid) for c in base) / len(base)
                lo, hi = (mid, hi) if mean < maturity_mean(k) else (lo, mid)
            previous = self.maturity_offset[-1] if self.maturity_offset else -math.inf
            self.maturity_offset.append(max((lo + hi) / 2, previous))

    def _maturity(self, code: str, offset: float) -> int:
        t = self.t[code]
        return min(max(math.floor(t["maturity"] + offset + t["maturity_u"]), 1), 5)

    def _calibrate_full(self, ranked: list[str]) -> list[int]:
        """How many of the most ready councils adopt every standard at each quarter, so
        that the councils counted as adopting (latest return, carried forward over a
        missed quarter) are standards_share(k) of all councils."""
        full_n: list[int] = []
        total = len(self.codes)
        for k in range(self.n):
            want = round(total * standards_share(k))
            n = full_n[-1] if full_n else 0
            while n < len(ranked):
                trial = full_n + [n]
                counted = 0
                for code in ranked[:n]:
                    latest = next(
                        (
                            j
                            for j in range(k, max(k - 4, -1), -1)
                            if code not in self.missing_survey[j]
                        ),
                        None,
                    )
                    if latest is not None and self.full_rank[code] < trial[latest]:
                        counted += 1
                if counted >= want:
                    break
                n += 1
            full_n.append(n)
        return full_n

    def standards(self, code: str, k: int) -> dict[str, str | None]:
        t = self.t[code]
        full = self.full_rank.get(code, 10**9) < self.full_n[k]
        out: dict[str, str | None] = {}
        for s in STANDARDS:
            level = min(max(math.floor(t["std_a"][s] + 0.22 * k), 0), 4)
            if full:
                level = max(level, 3)
            elif s == t["gap"]:
                level = min(level, 2)
            out[s] = LEVELS[level]
        if code in self.std_blank:
            out[self.std_blank[code]] = None
        return out


def _survey_rows(w: _World, k: int, rng: random.Random) -> list[list]:
    reporting = [c for c in w.codes if c not in w.missing_survey[k]]
    rows: dict[str, _SurveyRow] = {}
    for code in reporting:
        t = w.t[code]
        ceo = None if code in w.ceo_blank else False
        if code == w.ceo["always"]:
            ceo = True
        elif code == w.ceo["left"]:
            ceo = k < 4  # yes to 2026-Q1, left in 2026-Q2
        elif code == w.ceo["joined"]:
            ceo = k >= 3  # joined in 2026-Q1
        sparse = code in w.sparse
        spend = None if sparse else t["spend"] * (1.01**k) * math.exp(rng.gauss(0, 0.05))
        contracts = max(1, round(t["contracts"] * math.exp(rng.gauss(0, 0.15))))
        rows[code] = {
            "sme": 0.0,  # (set below, from the whole quarter's spend)
            "std": w.standards(code, k),
            "maturity": None if sparse else w._maturity(code, w.maturity_offset[k]),
            "ceo": ceo,
            "spend": spend,
            "sme_raw": None if spend is None else spend * min(t["sme"] * sme_share(k) / 0.24, 0.95),
            "contracts": contracts,
            "outcome": min(contracts, round(contracts * t["outcome"])),
            "collective": t["collective"] < collective_share(k),
            "components": (
                0
                if t["components"] >= components_share(k)
                else 1 + math.floor((components_share(k) - t["components"]) * 20)
            ),
        }
    # SME share of spend, summed over reporting councils: exactly sme_share(k) (to £100s)
    money = [(r, r["spend"], r["sme_raw"]) for r in rows.values()]
    paid = [(r, spend, raw) for r, spend, raw in money if spend is not None and raw is not None]
    factor = sme_share(k) * sum(s for _, s, _ in paid) / sum(raw for _, _, raw in paid)
    for r, spend, raw in paid:
        r["spend"] = round(spend, -2)
        r["sme"] = min(round(raw * factor, -2), round(spend, -2))
    # outcome-based contracts: flat share
    codes = list(rows)
    outcome = [rows[c]["outcome"] for c in codes]
    _nudge(
        outcome,
        [rows[c]["contracts"] for c in codes],
        round(outcome_share(k) * sum(rows[c]["contracts"] for c in codes)),
        rng,
    )
    out: list[list] = []
    for code, o in zip(codes, outcome):
        r = rows[code]
        survey: dict[str, str | int | None] = {
            "data_maturity": r["maturity"],
            "ceo_digital_background": _yesno(r["ceo"]),
            "digital_spend_gbp": None if r["spend"] is None else int(r["spend"]),
            "sme_spend_gbp": None if r["spend"] is None else int(r["sme"]),
            "contracts_total": r["contracts"],
            "contracts_outcome_based": o,
            "collective_buying": _yesno(r["collective"]),
            "common_components": r["components"],
        }
        out.append(
            [code, None]
            + [r["std"][s] for s in STANDARDS]
            + [survey[c] for c in SURVEY_COLUMN_NAMES]
        )
    return out


def _workforce_rows(w: _World, k: int, rng: random.Random) -> list[list]:
    reporting = [c for c in w.codes if c not in w.missing_workforce[k]]
    lines = []  # [code, family, headcount, raw underrepresented]
    for code in reporting:
        t = w.t[code]
        total = max(3, round(t["headcount"] * (1.015**k) * math.exp(rng.gauss(0, 0.03))))
        if t["reports_all"]:
            lines.append([code, "all", total, total * t["ur"]])
            continue
        shares = list(ROLE_SHARES.items())
        exact = [total * s for _, s in shares]
        counts = [math.floor(x) for x in exact]
        for i in sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])[
            : total - sum(counts)
        ]:
            counts[i] += 1
        for i, x in enumerate(exact):  # a small team often has nobody in a family
            if x < 1 and counts[i] and t["family_gap"][i]:
                counts[2] += counts[i]  # it_operations covers it
                counts[i] = 0
        for (family, _), n in zip(shares, counts):
            if n:
                p = min(max(t["ur"] + t["ur_family"][family], 0.02), 0.9)
                lines.append([code, family, n, n * p])
    # Like for like with the baseline: the share over councils reporting in both this
    # quarter and the baseline is exactly underrepresented_share(k); the baseline is set
    # over the councils that report in both it and the last quarter.
    base = set(w.codes) - w.missing_workforce[0]
    other = set(w.codes) - w.missing_workforce[w.n - 1 if k == 0 else k]
    like = base & other
    target = underrepresented_share(k)
    in_like = [ln for ln in lines if ln[0] in like]
    factor = target * sum(ln[2] for ln in in_like) / sum(ln[3] for ln in in_like)
    for ln in lines:
        ln[3] = min(ln[2], round(ln[3] * factor))
    values = [ln[3] for ln in in_like]
    _nudge(values, [ln[2] for ln in in_like], round(target * sum(ln[2] for ln in in_like)), rng)
    for ln, v in zip(in_like, values):
        ln[3] = v
    out = []
    for code, family, n, u in lines:
        t = w.t[code]
        london = w.by_code[code]["region"] == "E12000007"
        women = min(u, round(u * t["mix"]["women"]))
        ethnic = min(u, round(u * (t["mix"]["ethnic_minority"] * (1.3 if london else 0.7))))
        disabled = None if t["blank_disabled"] else min(u, round(u * t["mix"]["disabled"] * 0.3))
        lse = None if t["blank_lse"] else min(u, round(u * t["mix"]["lower_socioeconomic"] * 0.5))
        apprentices = min(n, round(n * t["apprentice_rate"] * (1 + 0.05 * k)))
        out.append([code, None, family, n, u, ethnic, disabled, women, lse, apprentices])
    return out
