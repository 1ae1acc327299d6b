"""A Bot Framework ``Storage`` on the project's database, with real eTag semantics.

Items are flattened with jsonpickle (as the SDK's own ``BotState`` does for hashing), so dialog
stacks survive a restart. A write whose item carries an ``e_tag`` succeeds only while the stored
item still has that eTag; ``"*"`` or no eTag writes unconditionally.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from botbuilder.core import Storage, StoreItem
from jsonpickle.pickler import Pickler
from jsonpickle.unpickler import Unpickler

from storage import Store

ETAG = "e_tag"


class DatabaseStorage(Storage):
    def __init__(self, store: Store, *, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    async def read(self, keys: list[str]) -> dict[str, Any]:
        if not keys:
            return {}
        found = await self._store.dialogs.read(keys)
        items: dict[str, Any] = {}
        for key, (document, etag) in found.items():
            item = Unpickler().restore(document)
            if isinstance(item, dict):
                item[ETAG] = etag
            else:
                setattr(item, ETAG, etag)
            items[key] = item
        return items

    async def write(self, changes: dict[str, Any]) -> None:
        for key, item in (changes or {}).items():
            expected = item.get(ETAG) if isinstance(item, dict) else getattr(item, ETAG, None)
            document = Pickler().flatten(_without_etag(item))
            # raises storage.EtagConflict when the item changed since it was read
            new_etag = await self._store.dialogs.write(
                key, document, expected_etag=expected, now=self._clock()
            )
            if isinstance(item, dict):
                item[ETAG] = new_etag
            elif isinstance(item, StoreItem) or hasattr(item, "__dict__"):
                setattr(item, ETAG, new_etag)

    async def delete(self, keys: list[str]) -> None:
        await self._store.dialogs.delete(list(keys or []))


def _without_etag(item: Any) -> Any:
    if isinstance(item, dict):
        return {k: v for k, v in item.items() if k != ETAG}
    if hasattr(item, "__dict__") and ETAG in vars(item):
        clone = object.__new__(type(item))
        clone.__dict__.update({k: v for k, v in vars(item).items() if k != ETAG})
        return clone
    return item
