from __future__ import annotations

import pytest
from botbuilder.dialogs import DialogInstance, DialogState

from dialogs.state_storage import DatabaseStorage
from storage import EtagConflict, Store


@pytest.fixture
def storage(store: Store, clock) -> DatabaseStorage:
    return DatabaseStorage(store, clock=clock)


async def test_dict_items_get_an_etag_and_stale_writes_conflict(storage: DatabaseStorage):
    await storage.write({"conv/1": {"count": 1}})
    item = (await storage.read(["conv/1"]))["conv/1"]
    assert item["count"] == 1 and item["e_tag"]
    stale = dict(item)
    item["count"] = 2
    await storage.write({"conv/1": item})
    stale["count"] = 3
    with pytest.raises(EtagConflict):
        await storage.write({"conv/1": stale})
    assert (await storage.read(["conv/1"]))["conv/1"]["count"] == 2


async def test_star_writes_unconditionally(storage: DatabaseStorage):
    await storage.write({"k": {"v": 1}})
    await storage.write({"k": {"v": 2, "e_tag": "*"}})
    assert (await storage.read(["k"]))["k"]["v"] == 2


async def test_dialog_stack_objects_survive_a_round_trip(storage: DatabaseStorage):
    state = DialogState([DialogInstance(id="start_trajectory", state={"step": 1})])
    await storage.write({"conv/2": {"DialogState": state}})
    restored = (await storage.read(["conv/2"]))["conv/2"]["DialogState"]
    assert isinstance(restored, DialogState)
    assert restored.dialog_stack[0].id == "start_trajectory"
    assert restored.dialog_stack[0].state == {"step": 1}


async def test_delete_and_missing_keys(storage: DatabaseStorage):
    await storage.write({"a": {"x": 1}})
    await storage.delete(["a", "never-there"])
    assert await storage.read(["a"]) == {}
    assert await storage.read([]) == {}
