"""The register of the blueprint's actions (metrics/register.toml): every action the
report names, transcribed from it, and validated when read (an error names the entry
and the field)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from domain import register as dreg
from metrics import config as mconfig
from metrics import register as R

REPORT = (
    Path(__file__).resolve().parents[3] / "shared" / "seed" / "digital-local-government-report.txt"
)
THEMES = ("infrastructure", "data", "leadership", "skills", "standards", "procurement")
ORGS = ("councils", "centres", "institute", "lga", "mhclg", "digital_centre")


@pytest.fixture(scope="module")
def reg():
    return R.load()


def test_counts_per_kind(reg):
    assert Counter(a.kind for a in reg.actions) == {
        "recommendation": 18,
        "priority": 5,
        "next_step": 7,
        "responsibility": 36,
    }
    assert len(reg.actions) == 66


def test_ids_are_unique_and_numbered_in_report_order(reg):
    ids = reg.ids
    assert len(set(ids)) == len(ids) == 66
    for theme in THEMES:
        recs = [a for a in reg.of_kind("recommendation") if a.theme == theme]
        assert [a.id for a in recs] == [f"REC-{theme}-{n}" for n in (1, 2, 3)]
    assert [a.id for a in reg.of_kind("priority")] == [f"PRI-{n}" for n in range(1, 6)]
    assert [a.id for a in reg.of_kind("next_step")] == [f"NEXT-{n}" for n in range(1, 8)]


def test_every_organisation_theme_cell_is_there_once(reg):
    cells = Counter((a.owner, a.theme) for a in reg.of_kind("responsibility"))
    assert set(cells) == {(o, t) for o in ORGS for t in THEMES}
    assert set(cells.values()) == {1}
    for a in reg.of_kind("responsibility"):
        assert a.id == f"ROLE-{a.owner}-{a.theme}"
    assert tuple(reg.organisations) == ORGS == dreg.TABLE_ORGANISATIONS


def test_owners_as_the_report_names_them(reg):
    # The report names owners only in its table: everything else is unassigned.
    assert all(a.owner is None for a in reg.actions if a.kind != "responsibility")
    assert all(a.due_quarter is None for a in reg.actions)  # the report sets no due quarter


def test_linked_measures_exist(reg):
    measures = set(mconfig.load().measures)
    linked = [m for a in reg.actions for m in a.measures]
    assert linked and set(linked) <= measures
    for a in reg.actions:
        assert len(set(a.measures)) == len(a.measures)


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_every_text_is_the_reports_wording(reg):
    report = _norm(REPORT.read_text(encoding="utf-8"))
    for a in reg.actions:
        assert a.text in report, a.id


def test_table_cells_where_the_renderings_differ(reg):
    # delivery.md: the two later renderings agree on the MHCLG data exchange cell
    assert reg.get("ROLE-mhclg-data").text == (
        "Develop relevant guidance, tools to unblock data challenges."
    )
    report = REPORT.read_text(encoding="utf-8")
    assert report.count("Develop relevant guidance, tools to unblock data challenges.") == 2
    # the Digital Centre's procurement cell keeps both sentences
    assert reg.get("ROLE-digital_centre-procurement").text == (
        "Legislation setting. Where appropriate underwriting risk around innovation/ technology."
    )


def test_themes_of_priorities_and_next_steps(reg):
    assert [a.theme for a in reg.of_kind("priority")] == [
        "skills",
        "leadership",
        "procurement",
        "standards",
        "data",
    ]
    assert [a.theme for a in reg.of_kind("next_step")] == [
        "skills",
        None,
        None,
        None,
        "leadership",
        None,
        "infrastructure",
    ]


def test_table_has_a_row_per_action(reg):
    df = R.table(reg)
    assert list(df.columns) == R.TABLE_COLUMNS and len(df) == 66
    row = next(r for r in df.to_dict("records") if r["id"] == "REC-data-2")
    assert (row["owner"], row["owner_name"], row["kind_label"]) == (
        None,
        "Unassigned",
        "Recommendation",
    )
    assert [a.id for a in R.actions_for_measure(reg, "audit_regime")] == [
        "REC-standards-2",
        "REC-standards-3",
        "ROLE-mhclg-standards",
    ]
    assert len(R.actions_for_theme(reg, "data")) == 3 + 1 + 6  # recs, PRI-5, the column


# ------------------------------------------------------------------ validated when read

GOOD = """
[organisations]
councils = "Individual councils"
centres = "Strategic Centres of Service Innovation"
institute = "A co-ordinating institute"
lga = "Local Government Association"
mhclg = "Ministry of Housing, Communities and Local Government"
digital_centre = "The Digital Centre"

[[actions]]
id = "REC-data-1"
kind = "recommendation"
theme = "data"
text = "Addressing issues of trust"
measures = ["data_exchanges"]

[[actions]]
id = "ROLE-mhclg-data"
kind = "responsibility"
owner = "mhclg"
theme = "data"
due_quarter = "2026-Q4"
text = "Develop relevant guidance"
"""


def loads(text: str):
    return dreg.loads(
        text,
        "register.toml",
        themes=THEMES,
        measures=["data_exchanges", "data_maturity"],
        baseline_quarter="2025-Q2",
    )


def test_a_small_register_reads():
    reg = loads(GOOD)
    assert reg.ids == ["REC-data-1", "ROLE-mhclg-data"]
    assert reg.get("ROLE-mhclg-data").due_quarter == "2026-Q4"


@pytest.mark.parametrize(
    "old, new, where, what",
    [
        (
            'id = "REC-data-1"',
            'id = "REC-data-01"',
            "action REC-data-01 (entry 1), field 'id'",
            "REC-<theme>-<n>",
        ),
        ('id = "REC-data-1"', 'id = "REC-money-1"', "entry 1), field 'id'", "REC-<theme>-<n>"),
        (
            'theme = "data"\ntext = "Add',
            'theme = "skills"\ntext = "Add',
            "action REC-data-1 (entry 1), field 'theme'",
            "expected 'data'",
        ),
        (
            'owner = "mhclg"',
            'owner = "lga"',
            "action ROLE-mhclg-data (entry 2), field 'owner'",
            "expected 'mhclg'",
        ),
        ('owner = "mhclg"', 'owner = "mhclgg"', "field 'owner'", "'mhclgg' is not an organisation"),
        (
            'due_quarter = "2026-Q4"',
            'due_quarter = "2025-Q1"',
            "field 'due_quarter'",
            "before the baseline quarter 2025-Q2",
        ),
        ('due_quarter = "2026-Q4"', 'due_quarter = "Q4 2026"', "field 'due_quarter'", "YYYY-Qn"),
        (
            'measures = ["data_exchanges"]',
            'measures = ["data_exchange"]',
            "field 'measures'",
            "'data_exchange' is not a measure",
        ),
        ('kind = "recommendation"', 'kind = "idea"', "field 'kind'", "'idea' is not a kind"),
        (
            'text = "Addressing issues of trust"',
            'txt = "Addressing"',
            "field 'txt'",
            "unknown field",
        ),
        (
            'id = "ROLE-mhclg-data"',
            'id = "REC-data-1"',
            "action REC-data-1 (entry 2), field 'id'",
            "also the id of entry 1",
        ),
        (
            'mhclg = "Ministry of Housing, Communities and Local Government"\n',
            "",
            "[organisations]",
            "mhclg are missing",
        ),
    ],
)
def test_a_bad_entry_is_named(old, new, where, what):
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    with pytest.raises(dreg.RegisterError) as exc:
        loads(text)
    message = str(exc.value)
    assert message.startswith("register.toml: ") and where in message and what in message, message


def test_metrics_loader_checks_against_the_targets_configuration(tmp_path):
    bad = tmp_path / "register.toml"
    bad.write_text(GOOD.replace('"data_exchanges"', '"no_such_measure"'), encoding="utf-8")
    with pytest.raises(R.RegisterError, match=r"REC-data-1 \(entry 1\), field 'measures'"):
        R.load(bad)


def test_register_path_from_the_environment(tmp_path, monkeypatch):
    other = tmp_path / "r.toml"
    other.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("TRACKER_REGISTER", str(other))
    assert R.load().ids == ["REC-data-1", "ROLE-mhclg-data"]


def test_no_project_import_in_domain():
    source = Path(dreg.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import)\s+(store|metrics|viewmodels|ui|pages)\b", source, re.M)
