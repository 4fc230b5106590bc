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
        "expected": "m",
    }


def test_size_limit_message():
    assert upload.too_large("a.csv", 50 * 1024 * 1024, 50) is None
    msg = upload.too_large("big.csv", 60 * 1024 * 1024, 50)
    assert "big.csv is 60.0 MB; the limit is 50 MB" in msg and "server.maxUploadSize" in msg
    assert upload.too_large("a.csv", 1, 0).startswith("a.csv is 0.0 MB; the limit is 0 MB")
