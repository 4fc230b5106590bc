"""docs/uploads.md is generated from store/kinds.py: it must say what the code does."""

from store import kinds, templates


def test_committed_guide_is_current():
    committed = templates.GUIDE.read_text(encoding="utf-8")
    assert committed == templates.guide(), (
        "docs/uploads.md is out of date: run `.venv/bin/python -m store.templates`"
    )


def test_guide_lists_every_kind_and_column():
    text = templates.guide()
    for name in kinds.KINDS:
        assert f"### `{name}`" in text
        for column in kinds.get(name).all_columns():
            assert f"| `{column.name}` |" in text
    # A rule stated in the guide is one the validator enforces (see tests/store/broken/).
    assert "2025/26 Q2" in text and "2025-Q3" in text
