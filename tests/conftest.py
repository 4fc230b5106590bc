"""Shared fixtures. Databases for tests come from tests/factory.py (named variants)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# Every test sees the same "today", so quarters and demo data are reproducible.
os.environ.setdefault("TRACKER_TODAY", "2026-11-26")
os.environ.setdefault("TRACKER_LOCK_WAIT", "20")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a new database file in the test's own folder (nothing exists yet)."""
    return tmp_path / "tracker.duckdb"


@pytest.fixture
def make_db(tmp_path: Path):
    """make_db('variant') -> path of a database built from a named variant in tests/factory.py."""
    from tests import factory

    def build(variant: str = "empty", **options) -> Path:
        return factory.build(variant, tmp_path / f"{variant}.duckdb", **options)

    return build
