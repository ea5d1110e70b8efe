"""Outcomes: idempotent on (list, MSME), changes keep history, unknown ids refuse the batch."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from data.store.errors import ConflictingOutcomesError, UnknownIdsError
from data.store.records import OutcomeIn
from data.store.repository import ProgramStore
from tests.data.store.conftest import members


def issue(store: ProgramStore, n: int = 6, selected: int = 3) -> str:
    return store.record_list(
        created_by="cli", model_name="umkm-uplift", model_version="1", members=members(n, selected)
    )


def outcome(list_id: str, msme_id: str = "H0000001", **fields: object) -> OutcomeIn:
    base = OutcomeIn(
        list_id=list_id,
        msme_id=msme_id,
        mentored=True,
        digitalized=False,
        mentored_on=date(2025, 2, 1),
        observed_on=date(2026, 1, 31),
        verified_by="field_visit",
        program="Pendampingan UMKM Go Digital 2025",
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def test_the_same_outcome_twice_is_stored_once(store: ProgramStore) -> None:
    list_id = issue(store)
    batch = [outcome(list_id), outcome(list_id, "H0000002", mentored=False)]

    first = store.record_outcomes(batch, recorded_by="dinas-jabar")
    second = store.record_outcomes(batch, recorded_by="another-key")

    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert second.statuses[(list_id, "H0000001")] == "unchanged"
    stored = store.get_outcomes(list_id)
    assert [row.msme_id for row in stored] == ["H0000001", "H0000002"]
    assert stored[0].recorded_by == "dinas-jabar"  # a repeat does not touch the row
    assert store.outcome_history(list_id, "H0000001") == []


def test_a_repeat_inside_one_batch_counts_once(store: ProgramStore) -> None:
    list_id = issue(store)
    summary = store.record_outcomes([outcome(list_id), outcome(list_id)])
    assert (summary.created, summary.received) == (1, 1)


def test_a_changed_outcome_is_updated_and_its_previous_version_kept(
    store: ProgramStore,
) -> None:
    list_id = issue(store)
    store.record_outcomes([outcome(list_id)], recorded_by="first")

    summary = store.record_outcomes(
        [outcome(list_id, digitalized=True, verified_by="marketplace")], recorded_by="second"
    )

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
    (current,) = store.get_outcomes(list_id)
    assert (current.digitalized, current.verified_by, current.recorded_by) == (
        True,
        "marketplace",
        "second",
    )
    (previous,) = store.outcome_history(list_id, "H0000001")
    assert (previous.digitalized, previous.verified_by, previous.recorded_by) == (
        False,
        "field_visit",
        "first",
    )
    assert previous.mentored_on == date(2025, 2, 1)
    assert previous.recorded_at is not None and current.recorded_at is not None
    assert previous.recorded_at <= current.recorded_at

    store.record_outcomes([outcome(list_id, digitalized=False)])
    assert len(store.outcome_history(list_id, "H0000001")) == 2


def test_unknown_ids_are_refused_by_name_and_nothing_is_written(store: ProgramStore) -> None:
    list_id = issue(store)
    other_list = issue(store)
    batch = [
        outcome(list_id),  # fine on its own: must not be written either
        outcome(list_id, "NOT-LISTED"),
        outcome("no-such-list", "H0000001"),
        outcome(other_list, "ALSO-NOT-LISTED"),
    ]

    with pytest.raises(UnknownIdsError) as raised:
        store.record_outcomes(batch)

    message = str(raised.value)
    for name in ("no-such-list", "NOT-LISTED", "ALSO-NOT-LISTED"):
        assert name in message
    assert raised.value.unknown_lists == ("no-such-list",)
    assert set(raised.value.unknown_msmes) == {
        (list_id, "NOT-LISTED"),
        (other_list, "ALSO-NOT-LISTED"),
    }
    assert raised.value.code == "unknown_ids"
    assert store.get_outcomes(list_id) == []
    assert store.outcome_counts(list_id).outcomes == 0


def test_a_failed_batch_leaves_earlier_outcomes_as_they_were(store: ProgramStore) -> None:
    list_id = issue(store)
    store.record_outcomes([outcome(list_id)])
    with pytest.raises(UnknownIdsError):
        store.record_outcomes([outcome(list_id, digitalized=True), outcome(list_id, "NOPE")])
    (current,) = store.get_outcomes(list_id)
    assert current.digitalized is False
    assert store.outcome_history(list_id, "H0000001") == []


def test_two_different_outcomes_in_one_batch_are_refused(store: ProgramStore) -> None:
    list_id = issue(store)
    with pytest.raises(ConflictingOutcomesError, match="H0000001"):
        store.record_outcomes([outcome(list_id), outcome(list_id, digitalized=True)])
    assert store.get_outcomes(list_id) == []


def test_outcome_counts(store: ProgramStore) -> None:
    list_id = issue(store, n=6, selected=3)
    store.record_outcomes(
        [
            outcome(list_id, "H0000001", mentored=True, digitalized=True),
            outcome(list_id, "H0000002", mentored=True, digitalized=False),
            outcome(list_id, "H0000005", mentored=False, digitalized=True),
        ]
    )

    counts = store.outcome_counts(list_id)

    assert (counts.candidates, counts.selected, counts.outcomes) == (6, 3, 3)
    assert (counts.outcomes_selected, counts.mentored, counts.digitalized) == (2, 2, 2)
    (summary,), _ = store.list_lists()
    assert summary.outcomes == 3


def test_large_batches_are_read_in_chunks(store: ProgramStore) -> None:
    """More ids than SQLite's oldest limit of bound variables (999) in one batch."""
    list_id = issue(store, n=1_200, selected=100)
    batch = [outcome(list_id, f"H{i + 1:07d}") for i in range(1_200)]
    assert store.record_outcomes(batch).created == 1_200
    assert store.record_outcomes(batch).unchanged == 1_200
