"""The store's domain exceptions (the lowest module of the package: imports nothing).

Every error the store raises on purpose derives from StoreError; its message is for
people. store.db re-exports them, so ``from store.db import StoreError`` keeps working.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error the store raises on purpose; the message is for people."""


class StoreBusy(StoreError):
    """Another process held the database for longer than we were willing to wait."""


class StoreMissing(StoreError):
    """The database file does not exist yet."""


class SchemaError(StoreError):
    """The database file's schema cannot be used or upgraded; the message says why."""
