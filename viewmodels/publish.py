"""Publishing, as the upload history page and the frame's banner show it: which release
viewers see, what has been loaded or rolled back since, what a withdrawal goes back to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store import releases, schema
from store.releases import Release
from viewmodels.text import escape_markdown as md

_SHOWN = 8  # batches named in the list of changes; the rest are counted


@dataclass(frozen=True)
class PublishView:
    current: Release | None  # what viewers see; None: nothing published yet
    previous: Release | None  # what a withdrawal of the current release goes back to
    live_version: int
    loaded_since: tuple[str, ...]  # 'batch 31 (survey, a.csv)'
    rolled_back_since: tuple[str, ...]
    active_batches: int
    headline: str  # markdown: which release viewers see
    changes: str  # markdown: what publishing now would change for them
    short: str  # plain: the same in a few words, for the frame's banner

    @property
    def unpublished(self) -> bool:
        """Anything loaded that viewers do not see yet."""
        return self.current is None or self.current.data_version != self.live_version

    @property
    def next_number(self) -> int:
        return (self.current.number if self.current else 0) + 1


def _names(ids: list[int], labels: dict[int, str]) -> str:
    named = [labels.get(b, f"batch {b}") for b in ids[:_SHOWN]]
    more = len(ids) - len(named)
    return ", ".join(named) + (f" and {more} more" if more > 0 else "")


def _published(rel: Release) -> str:
    return rel.label.split("(published ", 1)[1].rstrip(")")


def view(con: Any, folder: str, current_number: int | None) -> PublishView:
    """``con`` reads the live database; ``folder`` is the releases folder;
    ``current_number`` (the current release's number) is part of the cache key only."""
    from pathlib import Path

    del current_number
    at = Path(folder)
    cur = releases.current(at=at)
    prev = releases.previous(at=at) if cur else None
    live = schema.data_version(con)
    rows = con.execute(
        "SELECT batch_id, kind, file_name, status FROM batches ORDER BY batch_id"
    ).fetchall()
    labels = {b: f"batch {b} ({kind}, {md(name)})" for b, kind, name, _ in rows}
    active = [b for b, _, _, status in rows if status == "active"]
    then = set(cur.batches) if cur else set()
    loaded = [b for b in active if b not in then]
    rolled = sorted(then - set(active))
    if cur is None:
        headline = (
            "**Nothing has been published yet.** Viewers see the loaded data, marked as "
            "not yet published, until the first release."
        )
        changes = (
            f"Publishing makes **release 1** from the loaded data: data version {live}, "
            f"{len(active)} active batch{'es' if len(active) != 1 else ''}."
        )
        short = "nothing has been published yet"
    else:
        who = f" by {md(cur.user)}" if cur.user else ""
        note = f": “{md(cur.note)}”" if cur.note else ""
        headline = f"Viewers see **release {cur.number}**, published {_published(cur)}{who}{note}."
        parts = []
        if loaded:
            parts.append(f"loaded since: {_names(loaded, labels)}")
        if rolled:
            parts.append(f"rolled back since: {_names(rolled, labels)}")
        if not parts and cur.data_version != live:
            parts.append(f"the data changed since (data version {cur.data_version} → {live})")
        if parts:
            changes = (
                f"Not yet published ({'; '.join(parts)}). Publishing makes **release "
                f"{cur.number + 1}** and every viewer sees it on their next click."
            )
            bits = []
            if loaded:
                bits.append(f"{len(loaded)} batch{'es' if len(loaded) != 1 else ''} loaded")
            if rolled:
                bits.append(f"{len(rolled)} rolled back")
            short = (", ".join(bits) or "the data changed") + f" since release {cur.number}"
        else:
            changes = (
                f"Nothing has changed since release {cur.number} was published: the loaded "
                "data is what viewers see."
            )
            short = f"the same as release {cur.number}"
    return PublishView(
        current=cur,
        previous=prev,
        live_version=live,
        loaded_since=tuple(labels[b] for b in loaded),
        rolled_back_since=tuple(labels[b] for b in rolled),
        active_batches=len(active),
        headline=headline,
        changes=changes,
        short=short,
    )
