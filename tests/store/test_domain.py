"""store reads the shared vocabulary from domain/, never from metrics."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from domain import milestones, standards, survey
from store import columns, kinds

ROOT = Path(__file__).resolve().parents[2]


def test_store_imports_nothing_from_metrics():
    code = (
        "import sys, store.kinds, store.ingest, store.validate, store.batches, store.demo, "
        "store.templates, store.cli; "
        "sys.exit(1 if any(m == 'metrics' or m.startswith('metrics.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_domain_imports_nothing_from_the_project():
    code = (
        "import sys, domain.geography, domain.survey, domain.milestones, domain.standards; "
        "sys.exit(1 if {m.split('.')[0] for m in sys.modules} & {'store', 'metrics'} else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_survey_kind_columns_come_from_domain():
    kind = kinds.get("survey")
    declared = [c for c in kind.columns if c.name in survey.SURVEY_COLUMN_NAMES]
    assert [c.name for c in declared] == list(survey.SURVEY_COLUMN_NAMES)
    for c in declared:
        d = survey.column(c.name)
        assert (c.type, c.min, c.max, c.at_most) == (d.type, d.min, d.max, d.at_most)
    assert {c.name for c in declared if c.type == "yesno"} == set(survey.SURVEY_COLUMNS_BOOL)
    assert kinds.get("milestones").column("kind").choices == milestones.MILESTONE_KINDS
    assert columns.standard_column("x").choices == standards.STANDARD_STATUSES
    assert kinds.standard_ids() == standards.core_standard_ids()
