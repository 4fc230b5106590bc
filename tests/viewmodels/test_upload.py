"""viewmodels.upload: kind labels, guidance, problems and the size limit (no database)."""

from __future__ import annotations

from types import SimpleNamespace

from viewmodels import upload


def problem(column, severity="error", row=2):
    return SimpleNamespace(severity=severity, row=row, column=column, value="x", message="m")


def test_kind_labels():
    assert upload.kind_label(upload.RECOGNISE) == "Recognise from the column headers"
    assert upload.kind_label("survey").endswith(" (survey)")
    assert "survey" in upload.KIND_NAMES and "workforce" in upload.KIND_NAMES


def test_guidance_lists_every_column_and_the_template():
    g = upload.guidance("workforce")
    assert g.columns[0]["column"] == "council_code"
    assert {c["required"] for c in g.columns} == {"yes", "no"}
    assert g.template is not None and g.template.name == "workforce.csv"
    assert g.template_name == "workforce_template.csv"


def test_problem_count_and_rows():
    problems = [problem("a"), problem("a", row=3), problem("b"), problem(None, row=None)]
    assert upload.problem_count(problems, hidden=0) == (
        "4 problems in 2 columns and the file as a whole"
    )
    assert upload.problem_count(problems[:1], hidden=0) == "1 problem in 1 column"
    assert (
        upload.problem_count([problem(None)], hidden=1999)
        == "2,000 problems in the file as a whole"
    )
    rows = upload.problem_rows(problems)
    assert rows[3] == {
        "severity": "error",
        "row": None,
        "column": "(whole file)",
        "value": "x",
        "what_to_do": "m",
    }


def test_size_limit_message():
    assert upload.too_large("a.csv", 50 * 1024 * 1024, 50) is None
    msg = upload.too_large("big.csv", 60 * 1024 * 1024, 50)
    assert "big.csv is 60.0 MB; the limit is 50 MB" in msg and "server.maxUploadSize" in msg
    assert upload.too_large("a.csv", 1, 0).startswith("a.csv is 0.0 MB; the limit is 0 MB")


def report(**kw):
    """A store.ingest.Report-like object for the outcome view-model."""

    base = dict(
        file_name="q3.csv",
        problems=[],
        hidden=0,
        notes=[],
        duplicate_of=None,
        ok=True,
        rows_in_file=2,
        rows_added=2,
        rows_replaced=0,
        change_rows=[],
        sample=None,
        comparison=None,
        compared=0,
        unchanged=0,
        summary=lambda: "summary",
    )
    base.update(kw)
    return SimpleNamespace(**base)


def test_one_outcome_per_file():
    assert upload.outcome(report(duplicate_of=3), 1).state == upload.DUPLICATE
    assert not upload.outcome(report(duplicate_of=3), 1).loadable
    refused = upload.outcome(report(ok=False, problems=[problem("a")]), 1)
    assert refused.state == upload.REFUSED and not refused.loadable
    assert refused.count == "1 problem in 1 column"
    warned = upload.outcome(report(problems=[problem("a", severity="warning")]), 1)
    assert warned.state == upload.WARNED and warned.loadable
    assert upload.outcome(report(), 1).state == upload.READY


def test_summary_links_every_problem_to_its_table_row():
    problems = [
        problem("quarter", row=3),
        problem(None, row=None),
        problem("headcount", severity="warning", row=4),
    ]
    problems[0].message = "'2026-Q9' is not a quarter: use 2025-Q3. More text"
    box = upload.summary_html(2, "q3 <x>.csv", problems, hidden=0)
    assert '<h2 id="upload-2-summary">There is a problem</h2>' in box
    assert "q3 &lt;x&gt;.csv cannot be loaded" in box
    assert (
        '<a href="#upload-2-problem-1">Row 3, quarter: &#x27;2026-Q9&#x27; is not a quarter: use 2025-Q3</a>'
        in box
    )
    assert '<a href="#upload-2-problem-2">The file: m</a>' in box
    assert '<a href="#upload-2-problem-3">Warning: Row 4, headcount: m</a>' in box
    table = upload.problems_html(2, problems)
    for i in (1, 2, 3):
        assert f'<tr id="upload-2-problem-{i}">' in table
    warn_only = upload.summary_html(1, "a.csv", problems[2:], hidden=0)
    assert "Check before loading" in warn_only and "warnings do not stop the load" in warn_only


def test_long_lists_link_the_first_and_count_the_rest():
    problems = [problem("a", row=i) for i in range(2, 40)]
    box = upload.summary_html(1, "a.csv", problems, hidden=5)
    assert box.count("<li>") == upload.SUMMARY_LINKS
    assert "… and 18 more in the table below (5 not listed)." in box


def test_preview_tables_are_text_without_none():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "row": [2, 3],
            "flag": pd.array([True, None], dtype="boolean"),
            "n": [1200.0, float("nan")],
            "items": [["a", "b"], None],
        }
    )
    shown = upload.display_frame(frame)
    assert shown.to_dict("records") == [
        {"row": 2, "flag": "yes", "n": "1,200", "items": "a; b"},
        {"row": 3, "flag": "", "n": "", "items": ""},
    ]


def test_demo_notice_says_what_happens():
    demo = SimpleNamespace(
        batches=(1, 2, 3), rows=1200, first_quarter="2024-Q1", last_quarter="2026-Q3"
    )
    assert upload.demo_notice(demo, 5) == (
        "The dashboard holds demo data: 3 generated batches (1,200 rows, 2024-Q1 to 2026-Q3). "
        "Loading these files replaces the 5 stored rows with the same keys; the rest of the "
        "demo would stay in every figure beside your data. Removing the demo first rolls back "
        "every demo batch in one step (the Upload history page can do it later too)."
    )
