"""The cyclic garbage collector around the service's work (`service.heap`)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from service.app import create_app
from service.heap import gc_paused, set_aside_long_lived
from service.settings import Settings
from tests.service.support import AUTH, TestClient


class _Node:
    """An object that can sit in a reference cycle and be watched through a weak reference."""

    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> tuple[_Node, weakref.ref[_Node]]:
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    return first, weakref.ref(first)


@pytest.fixture
def thawed() -> Iterator[None]:
    """Leave the process as found: nothing frozen, the collector on."""
    yield
    gc.unfreeze()
    gc.enable()


def test_gc_paused_counts_nested_and_inactive_uses(thawed: None) -> None:
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
        with gc_paused(active=False):
            assert not gc.isenabled()
    assert gc.isenabled()
    with gc_paused(active=False):
        assert gc.isenabled()


def test_set_aside_freezes_what_is_alive_and_frees_it_on_the_next_call(thawed: None) -> None:
    kept, watch = _cycle()

    frozen = set_aside_long_lived()

    # (not equal to the count now: a frozen object freed since, by any thread, leaves it)
    assert frozen > 0 and gc.get_freeze_count() > 0
    del kept  # now garbage, but frozen: ordinary collections leave it alone
    gc.collect()
    assert watch() is not None
    # The next call (the next model swap) releases what the previous one froze.
    set_aside_long_lived()
    assert watch() is None


def test_a_loaded_model_is_set_aside_from_collection(
    make_settings: Any, profiles: list[dict[str, Any]], thawed: None
) -> None:
    gc.unfreeze()
    settings: Settings = make_settings(freeze_heap=True)
    with TestClient(create_app(settings)) as fresh:
        assert fresh.get("/readyz").status_code == 200
        loaded = fresh.app.state.model_store.current  # type: ignore[attr-defined]
        collected = {id(thing) for thing in gc.get_objects()}  # the generations collections walk

        assert gc.get_freeze_count() > 0
        assert gc.is_tracked(loaded) and id(loaded) not in collected
        assert gc.is_tracked(loaded.model) and id(loaded.model) not in collected
        reply = fresh.post("/v1/scores", json={"msmes": profiles[:3]}, headers=AUTH)
        assert reply.status_code == 200


def test_freeze_heap_false_leaves_collection_as_it_is(make_settings: Any, thawed: None) -> None:
    gc.unfreeze()
    with TestClient(create_app(make_settings(freeze_heap=False))) as fresh:
        assert fresh.get("/readyz").status_code == 200
        assert gc.get_freeze_count() == 0
