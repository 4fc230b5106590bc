"""The layers the code is written in (docs/architecture.md), checked where import-linter
cannot look: pages/ and dashboard.py are scripts, not a package. import-linter
(`make lint`, pyproject.toml) checks the packages themselves."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPTS = sorted((ROOT / "pages").glob("*.py")) + [ROOT / "dashboard.py"]
# What a page may import: the glue, the view-models and Streamlit (and the standard library).
ALLOWED_FOR_PAGES = {"streamlit", "ui", "viewmodels"}
PACKAGES = ("domain", "store", "metrics", "viewmodels", "reports", "ui")
MAX_LINES = 550


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_pages_import_only_the_glue_and_view_models(script):
    roots = imported_roots(script) - set(sys.stdlib_module_names) - {"__future__"}
    assert roots <= ALLOWED_FOR_PAGES, (
        f"{script.relative_to(ROOT)} imports {sorted(roots - ALLOWED_FOR_PAGES)}: pages lay "
        "out what a view-model returns and reach data only through ui/ and viewmodels/"
    )


def test_the_check_sees_a_forbidden_import(tmp_path):
    page = tmp_path / "page.py"
    page.write_text("import streamlit as st\nfrom store import db\nimport pandas as pd\n")
    assert imported_roots(page) - ALLOWED_FOR_PAGES == {"store", "pandas"}


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_over_the_size_limit(package):
    too_long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / package).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not too_long, f"split these modules (over {MAX_LINES} lines): {too_long}"
