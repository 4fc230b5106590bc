"""ui.cache.derived and register_state outside a script run: a value worked out from a
view-model's value once per value and arguments; the register file's state as a key."""

from __future__ import annotations

import gc
import logging

import pytest

from ui import cache


class Value:  # stands for what page_values returns (weakly referable)
    def __init__(self, rows):
        self.rows = rows


def keep(value, n):
    keep.calls += 1
    return value.rows[:n]


keep.calls = 0


@pytest.fixture(autouse=True)
def _quiet():
    logging.disable(logging.WARNING)
    cache.clear()
    yield
    cache.clear()
    logging.disable(logging.NOTSET)


def test_derived_once_per_value_and_arguments():
    keep.calls = 0
    v = Value([1, 2, 3])
    first = cache.derived(keep, v, 2)
    assert first == [1, 2] and cache.derived(keep, v, 2) is first and keep.calls == 1
    assert cache.derived(keep, v, 1) == [1] and keep.calls == 2
    other = Value([7, 8])
    assert cache.derived(keep, other, 2) == [7, 8] and keep.calls == 3


def test_derived_never_serves_a_value_gone():
    keep.calls = 0
    v = Value([1, 2])
    cache.derived(keep, v, 1)
    key = next(iter(cache._DERIVED))
    del v
    gc.collect()
    assert cache._DERIVED[key][0]() is None  # a new value at the same id is recomputed
    w = Value([5])
    assert cache.derived(keep, w, 1) == [5]


def test_register_state_follows_the_file(tmp_path, monkeypatch):
    from domain import register as dreg

    copy = tmp_path / "register.toml"
    copy.write_text(dreg.DEFAULT_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("TRACKER_REGISTER", str(copy))
    path, _mtime, size = cache.register_state()
    assert path == str(copy) and size == copy.stat().st_size
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache.register_state()[2] == size + len("\n# edited\n")
