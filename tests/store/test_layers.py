"""The store's modules import one another one way only: each imports only modules below
it (function-level imports included), so there is no import cycle inside the package,
and the store imports nothing from metrics or streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

STORE = ROOT / "store"


def imports_of(path: Path) -> set[str]:
    """The store modules (and outside packages) a module imports, anywhere in it."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "store":
                out |= {f"store.{a.name}" for a in node.names}
            else:
                out.add(node.module)
    return out


def graph() -> dict[str, set[str]]:
    modules = {f"store.{p.stem}": p for p in STORE.glob("*.py") if p.stem != "__init__"}
    return {
        name: {m for m in imports_of(path) if m in modules and m != name}
        for name, path in modules.items()
    }


# The order of docs/architecture.md: a module imports only modules of the groups before
# its own. A new module of the store goes into one group here and into that list.
ORDER: list[tuple[str, ...]] = [
    ("errors", "paths", "quarters", "normalise", "limits"),
    ("columns",),
    ("kinds",),
    ("schema",),
    ("db",),
    ("scratch", "reference", "releases"),
    ("stage",),
    ("csv_text",),
    ("read_csv", "read_xlsx"),
    ("read",),
    ("problems",),
    ("unsafe",),
    ("value_sql",),
    ("typed",),
    ("keys",),
    ("resolve",),
    ("value_checks", "row_checks"),
    ("validate", "delivery", "plausibility"),
    ("batches",),
    ("ingest_report",),
    ("ingest_preview",),
    ("ingest_write",),
    ("ingest",),
    ("ingest_cli",),
    ("demo_story", "demo_events", "demo_delivery"),
    ("demo_world",),
    ("demo_files",),
    ("demo",),
    ("secrets_file",),
    ("init", "templates", "auth", "tokens", "publishing"),
    ("accounts",),
    ("cli",),
    ("__main__",),
]


def test_no_import_cycle_inside_the_store():
    g = graph()
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        if state.get(node) == 2:
            return
        assert state.get(node) != 1, " -> ".join(path + [node])
        state[node] = 1
        for dep in sorted(g[node]):
            visit(dep, path + [node])
        state[node] = 2
        order.append(node)

    for node in sorted(g):
        visit(node, [])
    assert len(order) == len(g)


def test_each_store_module_imports_only_the_groups_before_its_own():
    g = graph()
    level = {f"store.{m}": i for i, group in enumerate(ORDER) for m in group}
    assert sum(len(group) for group in ORDER) == len(level), "a module is in ORDER twice"
    assert set(level) == set(g), (
        f"not in ORDER: {sorted(set(g) - set(level))}; no such module: {sorted(set(level) - set(g))}"
    )
    for name, deps in g.items():
        above = sorted(d for d in deps if level[d] >= level[name])
        assert not above, f"{name} imports {above}, which are not below it in ORDER"


def test_the_lowest_modules_import_no_other_store_module():
    g = graph()
    for low in ("store.errors", "store.paths", "store.quarters", "store.normalise", "store.limits"):
        assert g[low] == set(), (low, g[low])
    assert g["store.schema"] <= {"store.errors"}
    assert "store.demo" not in g["store.reference"]
    assert not any(m in g["store.db"] for m in ("store.ingest", "store.batches", "store.demo"))


def test_the_store_imports_neither_metrics_nor_streamlit():
    for path in STORE.glob("*.py"):
        if path.stem == "kinds":  # (its metrics import goes with the domain package)
            continue
        bad = {m for m in imports_of(path) if m.split(".")[0] in ("metrics", "streamlit", "pages")}
        if path.stem == "auth":  # the Streamlit forms are moving to ui/ (issue 8)
            bad -= {"streamlit", "streamlit.config"}
        assert not bad, (path.name, bad)
