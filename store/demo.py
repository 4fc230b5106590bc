"""Demo data: a seeded generator of contract-valid upload files for the real 317 councils,
and its load through the same ingest as an upload.

``generate(out_dir, seed=2030, today=None)`` writes CSV files for every kind from 2025-Q2
(the baseline) to the last complete quarter. ``load_demo(db)`` generates into a temporary
folder and ingests every file as a demo batch.

The story as of 2026-Q3 (with the default seed; see tests/store/test_demo.py):
  - Centres of Service Innovation achieved: 0 at baseline, 1 from 2025-Q4, 2 from 2026-Q2
  - coordinating institute in progress; workforce plan achieved 2026-Q1; apprenticeship
    scheme in progress; audit regime not started
  - qualifying data exchanges: 1 at baseline, 2 from 2025-Q4, 3 at 2026-Q3
  - chief executives from a digital background: 2 at baseline; one joins 2026-Q1, one
    leaves 2026-Q2: 2 at 2026-Q3
  - placements started since the baseline: 4 (and one from 2024-Q4, not counted)
  - under-represented share of the digital workforce, like for like: 30.0% -> 31.8% (+6%)
  - councils adopting every core standard: ~12% -> ~20% of 317 (London and the North
    West ahead, the South West and East of England behind)
  - SME share of digital spend: 24% -> 22% (deteriorating)
  - tracked: common components and collective buying rising, data maturity 2.4 -> 2.8,
    outcome-based contracts flat at ~18%
Each quarter a few councils (3-6%) miss their return; three never report.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from pathlib import Path
from typing import TypedDict

from domain.survey import SURVEY_COLUMN_NAMES
from store import ingest, quarters
from store.errors import StoreError
from store.reference import read_councils
from store.scratch import Scratch

FIRST_QUARTER = "2025-Q2"  # the baseline: when the report was published

STANDARDS = (
    "service_standard",
    "tech_code_of_practice",
    "local_digital_declaration",
    "open_referral",
    "planning_data",
    "accessibility",
    "cyber_assessment_framework",
)
LEVELS = ("none", "planned", "adopting", "adopted", "audited")
ROLE_SHARES = {  # share of a council's digital workforce by DDaT role family
    "architecture": 0.06,
    "data": 0.14,
    "it_operations": 0.30,
    "product_delivery": 0.12,
    "quality_assurance": 0.05,
    "software_development": 0.15,
    "user_centred_design": 0.08,
    "cyber_security": 0.10,
}

# Regional character: standards readiness, under-represented share, SME share.
REGION_EFFECT = {  # region_code: (readiness, underrepresented share, sme share)
    "E12000001": (0.00, -0.02, 0.02),  # North East
    "E12000002": (0.45, 0.01, 0.01),  # North West: ahead on standards
    "E12000003": (0.05, -0.01, 0.02),  # Yorkshire and The Humber
    "E12000004": (-0.10, -0.01, 0.00),  # East Midlands
    "E12000005": (0.00, 0.01, 0.00),  # West Midlands
    "E12000006": (-0.40, -0.02, -0.01),  # East of England: behind
    "E12000007": (0.60, 0.08, -0.03),  # London: ahead, more diverse workforce
    "E12000008": (0.10, -0.01, 0.00),  # South East
    "E12000009": (-0.45, -0.03, 0.03),  # South West: behind
}
TYPE_SIZE = {  # council_type: (digital headcount, quarterly digital spend £, contracts per quarter, readiness)
    "county": (140, 2_400_000, 14, 0.0),
    "unitary": (110, 1_800_000, 12, 0.1),
    "metropolitan district": (150, 2_200_000, 12, 0.1),
    "London borough": (85, 1_400_000, 10, 0.1),
    "district": (18, 350_000, 4, -0.25),
    "city corporation": (60, 900_000, 6, 0.2),
}
STANDARD_EASE = {
    "service_standard": 0.3,
    "tech_code_of_practice": 0.4,
    "local_digital_declaration": 0.6,
    "open_referral": -0.4,
    "planning_data": -0.1,
    "accessibility": 0.2,
    "cyber_assessment_framework": -0.3,
}
GAP_WEIGHTS = {
    "service_standard": 1.5,
    "tech_code_of_practice": 1.0,
    "local_digital_declaration": 0.5,
    "open_referral": 3.0,
    "planning_data": 2.0,
    "accessibility": 1.0,
    "cyber_assessment_framework": 3.0,
}


# Story targets as functions of k = quarters since the baseline.
def standards_share(k: int) -> float:
    return min(0.12 + 0.016 * k, 0.9)


def underrepresented_share(k: int) -> float:
    return 0.30 * (1 + 0.012 * k)


def sme_share(k: int) -> float:
    return max(0.24 - 0.004 * k, 0.05)


def outcome_share(k: int) -> float:
    return 0.18


def maturity_mean(k: int) -> float:
    return 2.4 + 0.08 * k


def collective_share(k: int) -> float:
    return min(0.40 + 0.025 * k, 0.95)


def components_share(k: int) -> float:
    return min(0.35 + 0.026 * k, 0.95)


# (id, name, lead council GSS, partners, partner types, standards, status by k, evidence)
# A status list shorter than the number of quarters keeps its last value; None = not yet listed.
EXCHANGES: list[tuple[str, str, str, list[str], list[str], list[str], list[str | None], str]] = [
    (
        "EX-001",
        "Greater Manchester care records exchange",
        "E08000003",
        ["NHS Greater Manchester", "Salford City Council", "Stockport Council"],
        ["health", "council"],
        ["FHIR UK Core", "NHS number"],
        ["successful"],
        "Evaluation report published 2025; live in all ten boroughs",
    ),
    (
        "EX-002",
        "London school admissions data exchange",
        "E09000007",
        ["London Borough of Islington", "London Borough of Hackney", "Department for Education"],
        ["council", "central_government", "education"],
        ["BS7666 addresses", "UPRN"],
        ["live", "live", "successful"],
        "Pan-London admissions round 2026 ran on the exchange",
    ),
    (
        "EX-003",
        "West Yorkshire social care referrals",
        "E08000035",
        [
            "City of Bradford Metropolitan District Council",
            "Kirklees Council",
            "NHS West Yorkshire ICB",
        ],
        ["council", "health"],
        ["Open Referral UK"],
        ["pilot", "pilot", "live", "live", "live", "successful"],
        "Independent evaluation, September 2026",
    ),
    (
        "EX-004",
        "Devon household support data share",
        "E10000008",
        ["Department for Work and Pensions", "Citizens Advice Devon"],
        ["central_government", "voluntary"],
        [],
        ["pilot", "live", "live", "successful"],
        "Case study on the council website",
    ),
    (
        "EX-005",
        "Birmingham property and address data hub",
        "E08000025",
        [],
        [],
        ["BS7666 addresses", "UPRN"],
        ["live", "live", "successful"],
        "Internal audit, December 2025",
    ),
    (
        "EX-006",
        "Kent and Medway hospital discharge exchange",
        "E10000016",
        ["NHS Kent and Medway", "Medway Council"],
        ["health", "council"],
        ["FHIR UK Core"],
        ["pilot", "live"],
        "",
    ),
    (
        "EX-007",
        "Bristol housing and homelessness data share",
        "E06000023",
        ["Avon and Somerset Police", "Shelter"],
        ["police", "voluntary"],
        ["Open Referral UK", "UPRN"],
        ["planned", "pilot", "pilot", "live"],
        "",
    ),
    (
        "EX-008",
        "North East family hubs referral exchange",
        "E08000021",
        ["Gateshead Council", "Northumbria Police", "NHS North East and North Cumbria ICB"],
        ["council", "police", "health"],
        ["Open Referral UK"],
        [None, "planned", "planned", "pilot"],
        "",
    ),
    (
        "EX-009",
        "Cornwall planning data pipeline",
        "E06000052",
        ["Ministry of Housing, Communities and Local Government"],
        ["central_government"],
        ["Planning data specification"],
        ["planned", "pilot", "pilot", "pilot", "stopped"],
        "Paused: supplier contract ended",
    ),
    (
        "EX-010",
        "Liverpool City Region adult social care exchange",
        "E08000012",
        ["Wirral Council", "Sefton Council", "Mersey Care NHS Foundation Trust"],
        ["council", "health"],
        ["FHIR UK Core", "Open Referral UK"],
        ["planned", "pilot", "pilot", "live"],
        "",
    ),
    (
        "EX-011",
        "Hampshire safe and well referrals",
        "E10000014",
        ["Hampshire and Isle of Wight Fire and Rescue Service"],
        ["fire"],
        ["Open Referral UK"],
        [None, None, "planned", "pilot", "live"],
        "",
    ),
    (
        "EX-012",
        "Nottinghamshire SEND data exchange",
        "E10000024",
        [
            "Nottingham City Council",
            "NHS Nottingham and Nottinghamshire ICB",
            "Department for Education",
        ],
        ["council", "health", "central_government"],
        ["SEND data standard"],
        [None, None, None, "planned", "planned", "pilot"],
        "",
    ),
]

# (id, kind, title, region code, status by k; the last value holds afterwards)
MILESTONES: list[tuple[str, str, str, str, list[str]]] = [
    (
        "CSI-N",
        "centre_of_service_innovation",
        "Centre of Service Innovation: North",
        "E12000002",
        ["in_progress", "in_progress", "achieved"],
    ),
    (
        "CSI-L",
        "centre_of_service_innovation",
        "Centre of Service Innovation: London",
        "E12000007",
        ["in_progress", "in_progress", "in_progress", "in_progress", "achieved"],
    ),
    (
        "CSI-M",
        "centre_of_service_innovation",
        "Centre of Service Innovation: Midlands",
        "E12000005",
        ["not_started", "not_started", "in_progress"],
    ),
    (
        "CSI-S",
        "centre_of_service_innovation",
        "Centre of Service Innovation: South",
        "E12000009",
        ["not_started", "not_started", "not_started", "in_progress"],
    ),
    (
        "CSI-E",
        "centre_of_service_innovation",
        "Centre of Service Innovation: East of England",
        "E12000006",
        ["not_started"],
    ),
    (
        "INST-1",
        "coordinating_institute",
        "Single coordinating institution for local digital",
        "",
        ["not_started", "in_progress"],
    ),
    (
        "WFP-1",
        "workforce_plan",
        "Shared digital workforce plan for the sector",
        "",
        ["in_progress", "in_progress", "in_progress", "achieved"],
    ),
    (
        "APP-1",
        "apprenticeship_scheme",
        "Inclusive national digital apprenticeship scheme",
        "",
        ["not_started", "not_started", "in_progress"],
    ),
    ("AUD-1", "audit_regime", "Audit regime for service standards", "", ["not_started"]),
    (
        "PRC-1",
        "procurement_framework",
        "Collective digital procurement framework",
        "",
        ["in_progress"],
    ),
    (
        "CCL-1",
        "common_components_library",
        "Common components library",
        "",
        ["in_progress", "in_progress", "in_progress", "in_progress", "achieved"],
    ),
]

# (id, council GSS, destination, destination type, kind, start quarter, end quarter)
PLACEMENTS: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "PL-001",
        "E06000043",
        "Ministry of Housing, Communities and Local Government",
        "central_department",
        "secondment",
        "2024-Q4",
        "2025-Q3",
    ),
    (
        "PL-002",
        "E08000003",
        "Government Digital Service",
        "central_department",
        "secondment",
        "2025-Q3",
        "",
    ),
    (
        "PL-003",
        "E09000028",
        "Department for Education",
        "central_department",
        "permanent",
        "2025-Q4",
        "",
    ),
    ("PL-004", "E10000030", "NHS England", "arms_length_body", "secondment", "2026-Q1", ""),
    (
        "PL-005",
        "E06000014",
        "Central Digital and Data Office",
        "central_department",
        "secondment",
        "2026-Q3",
        "",
    ),
]


def _at(statuses: list[str | None] | list[str], k: int) -> str | None:
    return statuses[min(k, len(statuses) - 1)]


def _quarter_list(today) -> list[str]:
    if isinstance(today, str):
        today = dt.date.fromisoformat(today)
    last = quarters.last_complete(today)
    if quarters.index(last) < quarters.index(FIRST_QUARTER):
        raise StoreError(
            f"Demo data starts at {FIRST_QUARTER}; the last complete quarter is {last}."
        )
    return quarters.between(FIRST_QUARTER, last)


def _write(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


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


def generate(out_dir, seed: int = 2030, today=None, reference_dir=None) -> list[tuple[str, Path]]:
    """Write the demo upload files into ``out_dir``; return [(kind, path)] in load order.

    Deterministic for a seed and a last complete quarter (from ``today``, a date or
    'YYYY-MM-DD', default store.quarters.today()).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    qs = _quarter_list(today)
    frame = read_councils(reference_dir)
    councils = [
        {"code": r.council_code, "name": r.name, "type": r.council_type, "region": r.region_code}
        for r in frame.itertuples(index=False)
    ]
    w = _World(councils, seed, len(qs))
    names = {c["code"]: c["name"] for c in councils}
    files: list[tuple[str, Path]] = []
    survey_header = (
        ["council_code", "quarter"]
        + [f"standard_{s}" for s in STANDARDS]
        + list(SURVEY_COLUMN_NAMES)
    )
    workforce_header = [
        "council_code",
        "quarter",
        "role_family",
        "headcount",
        "underrepresented",
        "ethnic_minority",
        "disabled",
        "women",
        "lower_socioeconomic",
        "apprentices",
    ]
    for k, q in enumerate(qs):
        rng = random.Random(f"{seed}:survey:{q}")
        rows = _survey_rows(w, k, rng)
        for r in rows:
            r[1] = q
        files.append(("survey", _write(out / f"survey_{q}.csv", survey_header, rows)))
        rng = random.Random(f"{seed}:workforce:{q}")
        rows = _workforce_rows(w, k, rng)
        for r in rows:
            r[1] = q
        files.append(("workforce", _write(out / f"workforce_{q}.csv", workforce_header, rows)))
        rows = []
        for ex_id, name, lead, partners, types, standards, statuses, evidence in EXCHANGES:
            status = _at(statuses, k)
            if status is None:
                continue
            rows.append(
                [
                    ex_id,
                    q,
                    name,
                    lead,
                    "; ".join(partners),
                    "; ".join(types),
                    "; ".join(standards),
                    status,
                    evidence if status in ("successful", "stopped") else "",
                ]
            )
        files.append(
            (
                "exchanges",
                _write(
                    out / f"exchanges_{q}.csv",
                    [
                        "exchange_id",
                        "quarter",
                        "name",
                        "lead_council_code",
                        "partners",
                        "partner_types",
                        "standards",
                        "status",
                        "evidence",
                    ],
                    rows,
                ),
            )
        )
        rows = [
            [m_id, q, kind, title, region, _at(statuses, k)]
            for m_id, kind, title, region, statuses in MILESTONES
        ]
        files.append(
            (
                "milestones",
                _write(
                    out / f"milestones_{q}.csv",
                    ["milestone_id", "quarter", "kind", "title", "region_code", "status"],
                    rows,
                ),
            )
        )
    last = qs[-1]
    placements = [p for p in PLACEMENTS if quarters.index(p[5]) <= quarters.index(last)]
    extra_from = quarters.index("2026-Q4")  # beyond the story: one more every second quarter
    for n, i in enumerate(
        range(extra_from, quarters.index(last) + 1, 2), start=len(PLACEMENTS) + 1
    ):
        code = random.Random(f"{seed}:placement:{n}").choice(w.codes)
        placements.append(
            (
                f"PL-{n:03d}",
                code,
                "Department for Science, Innovation and Technology",
                "central_department",
                "secondment",
                quarters.from_index(i),
                "",
            )
        )
    rows = [
        [
            p_id,
            names[code],
            dest,
            dest_type,
            kind,
            start,
            end if end and quarters.index(end) <= quarters.index(last) else "",
        ]
        for p_id, code, dest, dest_type, kind, start, end in placements
    ]
    files.append(
        (
            "placements",
            _write(
                out / f"placements_register_{last}.csv",
                [
                    "placement_id",
                    "council_code",
                    "destination",
                    "destination_type",
                    "kind",
                    "start_quarter",
                    "end_quarter",
                ],
                rows,
            ),
        )
    )
    from store.demo_delivery import write_files as delivery_files

    files += delivery_files(out, qs)  # the blueprint's actions: one file per quarter
    return files


def load_demo(db, seed: int = 2030, today=None) -> list:
    """Generate the demo files and load them through store.ingest as demo batches (user
    'demo'), as uploads would be, all in one transaction (store.ingest.ingest_files):
    all or nothing, so a killed load leaves no part of the demo. The database must hold
    the reference geography. If any file is refused, nothing is written and StoreError
    names the file and its problems. Returns the ingest reports."""
    with Scratch(db) as s:  # (the generated files: removed after, or by the next run)
        files = generate(s.path("demo"), seed=seed, today=today)
        reports = ingest.ingest_files(
            db,
            [(kind, path.read_bytes(), path.name) for kind, path in files],
            user="demo",
            demo=True,
            meta={"demo": "true"},
        )
    refused = [(k, p, r) for (k, p), r in zip(files, reports) if not r.ok]
    unwritten = [(k, p, r) for (k, p), r in zip(files, reports) if r.batch_id is None]
    for kind, path, report in (refused or unwritten)[:1]:
        problems = "; ".join(f"row {p.row}, {p.column}: {p.message}" for p in report.errors[:5])
        raise StoreError(
            f"The demo file {path.name} ({kind}) was not loaded: {report.summary()} {problems}"
        )
    return reports
