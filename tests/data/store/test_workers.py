"""What the service's workers share through the store: reload requests and drift tallies."""

from __future__ import annotations

from typing import Any

from data.store.repository import ProgramStore
from data.store.workers import (
    PendingReload,
    StoredTally,
    latest_reload,
    reloads_after,
    request_reload,
    save_tally,
    tallies,
)

DIGEST = "a" * 64
COUNTS = {"features": [[1, 2, 0], [3, 0, 0]], "score": [2, 1]}


def test_reload_requests_are_numbered_and_summed_up_since_the_last_seen(
    store: ProgramStore,
) -> None:
    assert latest_reload(store) == 0
    assert reloads_after(store, 0) is None

    first = request_reload(store, force=False, requested_by="ops")
    second = request_reload(store, force=True, requested_by="ops")
    third = request_reload(store, force=False, requested_by="release")
    assert first < second < third
    assert latest_reload(store) == third

    assert reloads_after(store, 0) == PendingReload(latest=third, force=True)
    assert reloads_after(store, second) == PendingReload(latest=third, force=False)
    assert reloads_after(store, third) is None


def _save(store: ProgramStore, tally_id: str, rows: int, **fields: Any) -> None:
    values: dict[str, Any] = {
        "model_name": "umkm-uplift",
        "model_version": "3",
        "reference_digest": DIGEST,
        "rows_seen": rows,
        "counts": COUNTS,
    }
    save_tally(store, tally_id, **(values | fields))


def test_a_tally_is_saved_again_in_place_and_read_by_version_and_bins(
    store: ProgramStore,
) -> None:
    _save(store, "worker-1", 3)
    _save(store, "worker-1", 9, counts={"features": [[9]], "score": [9]})  # the same tally, later
    _save(store, "worker-2", 4)
    _save(store, "other-version", 5, model_version="4")
    _save(store, "other-bins", 6, reference_digest="b" * 64)
    _save(store, "other-name", 7, model_name="another-model")
    _save(store, "nothing-yet", 0)

    found = tallies(store, model_name="umkm-uplift", model_version="3", reference_digest=DIGEST)
    assert sorted(found, key=lambda tally: tally.rows_seen) == [
        StoredTally(4, COUNTS),
        StoredTally(9, {"features": [[9]], "score": [9]}),
    ]
    mine_left_out = tallies(
        store,
        model_name="umkm-uplift",
        model_version="3",
        reference_digest=DIGEST,
        excluding="worker-1",
    )
    assert mine_left_out == [StoredTally(4, COUNTS)]


def test_an_unregistered_model_has_tallies_too(store: ProgramStore) -> None:
    _save(store, "runs-uri", 2, model_name="runs:/abc/model", model_version=None)
    _save(store, "registered", 3, model_name="runs:/abc/model", model_version="1")

    found = tallies(
        store, model_name="runs:/abc/model", model_version=None, reference_digest=DIGEST
    )
    assert found == [StoredTally(2, COUNTS)]
