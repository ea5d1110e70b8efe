"""Outcomes: idempotent on (list, MSME), changes keep history, unknown ids and dates that cannot
be right refuse the batch, mentored MSMEs the list did not select are counted; a dry run checks
a batch as recording does and keeps nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from data.store.errors import ConflictingOutcomesError, InvalidOutcomeDatesError, UnknownIdsError
from data.store.records import OutcomeIn
from data.store.repository import ProgramStore
from data.store.requests import Answer, RequestKey
from data.store.schema import Outcome, OutcomeVersion, RequestClaim
from tests.data.store.conftest import ISSUED_AT, members, outcome


def issue(
    store: ProgramStore, n: int = 6, selected: int = 3, created_at: datetime = ISSUED_AT
) -> str:
    return store.record_list(
        created_by="cli",
        model_name="umkm-uplift",
        model_version="1",
        members=members(n, selected),
        created_at=created_at,
    )


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


def test_a_batch_says_how_many_outcomes_each_of_its_lists_holds_after_it(
    store: ProgramStore,
) -> None:
    first, second = issue(store), issue(store)
    store.record_outcomes([outcome(first, "H0000001"), outcome(first, "H0000002")])

    summary = store.record_outcomes(
        [
            outcome(first, "H0000002"),  # a repeat: counted once among the list's outcomes
            outcome(first, "H0000003"),
            outcome(second, "H0000001"),
        ]
    )

    assert dict(summary.stored) == {first: 3, second: 1}
    assert summary.stored[first] == store.outcome_counts(first).outcomes


def test_large_batches_are_read_in_chunks(store: ProgramStore) -> None:
    """More ids than SQLite's oldest limit of bound variables (999) in one batch."""
    list_id = issue(store, n=1_200, selected=100)
    batch = [outcome(list_id, f"H{i + 1:07d}") for i in range(1_200)]
    assert store.record_outcomes(batch).created == 1_200
    assert store.record_outcomes(batch).unchanged == 1_200


# ------------------------------------------------------------------------- dates

# A list issued at 07:30 WIB on 1 March 2026 (00:30 UTC), and a clock set to 1 June 2026.
MARCH_1 = datetime(2026, 3, 1, 0, 30, tzinfo=UTC)
TODAY = date(2026, 6, 1)


def dated(
    list_id: str, msme_id: str, mentored_on: date | None, observed_on: date | None
) -> OutcomeIn:
    return outcome(list_id, msme_id, mentored_on=mentored_on, observed_on=observed_on)


def test_a_date_in_the_future_refuses_the_whole_batch_naming_each(store: ProgramStore) -> None:
    list_id = issue(store, created_at=MARCH_1)
    batch = [
        dated(list_id, "H0000001", date(2026, 3, 5), date(2026, 5, 30)),  # fine on its own
        dated(list_id, "H0000002", date(2026, 3, 5), date(2026, 6, 3)),  # two days ahead
        dated(list_id, "H0000003", date(2027, 3, 5), date(2027, 3, 6)),  # a year ahead, both
    ]

    with pytest.raises(InvalidOutcomeDatesError) as raised:
        store.record_outcomes(batch, today=TODAY)

    found = [(p.msme_id, p.field, p.reason) for p in raised.value.problems]
    assert found == [
        ("H0000002", "observed_on", "outcome_date_in_future"),
        ("H0000003", "mentored_on", "outcome_date_in_future"),
        ("H0000003", "observed_on", "outcome_date_in_future"),
    ]
    assert raised.value.problems[0].params == {"date": "2026-06-03", "latest": "2026-06-02"}
    assert raised.value.code == "invalid_outcome_dates"
    assert "3 June 2026" in str(raised.value) and "H0000002" in str(raised.value)
    assert store.get_outcomes(list_id) == []  # not even the one that was right


def test_an_outcome_observed_before_its_mentoring_is_refused(store: ProgramStore) -> None:
    list_id = issue(store, created_at=MARCH_1)
    batch = [dated(list_id, "H0000001", date(2026, 4, 10), date(2026, 4, 9))]
    with pytest.raises(InvalidOutcomeDatesError) as raised:
        store.record_outcomes(batch, today=TODAY)
    (problem,) = raised.value.problems
    assert (problem.field, problem.reason) == ("observed_on", "outcome_observed_before_mentored")
    assert problem.params == {"observed_on": "2026-04-09", "mentored_on": "2026-04-10"}
    assert store.get_outcomes(list_id) == []


def test_dates_before_the_list_was_issued_are_refused(store: ProgramStore) -> None:
    list_id = issue(store, created_at=MARCH_1)
    batch = [
        dated(list_id, "H0000001", date(2026, 2, 27), date(2026, 3, 20)),
        dated(list_id, "H0000002", None, date(2025, 12, 31)),
    ]
    with pytest.raises(InvalidOutcomeDatesError) as raised:
        store.record_outcomes(batch, today=TODAY)
    found = [(p.msme_id, p.field, p.reason) for p in raised.value.problems]
    assert found == [
        ("H0000001", "mentored_on", "outcome_date_before_list"),
        ("H0000002", "observed_on", "outcome_date_before_list"),
    ]
    assert raised.value.problems[0].params == {
        "date": "2026-02-27",
        "issued": "2026-03-01",
        "earliest": "2026-02-28",
    }


def test_dates_within_a_day_of_grace_are_recorded(store: ProgramStore) -> None:
    """Tomorrow in UTC is today in WIT; a list issued at 01:00 WIB is dated the day before in
    UTC, and mentoring the same local morning is dated by the local day."""
    list_id = issue(store, created_at=MARCH_1)
    evening = issue(store, created_at=datetime(2026, 2, 28, 18, 0, tzinfo=UTC))  # 01:00 WIB
    batch = [
        dated(list_id, "H0000001", date(2026, 2, 28), date(2026, 6, 2)),  # both edges
        dated(list_id, "H0000002", date(2026, 3, 1), date(2026, 3, 1)),  # the same day
        dated(list_id, "H0000003", None, None),  # no dates: nothing to check
        dated(evening, "H0000001", date(2026, 3, 1), date(2026, 6, 1)),
    ]
    assert store.record_outcomes(batch, today=TODAY).created == 4


def test_the_store_s_clock_is_today_by_default(
    store: ProgramStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    list_id = issue(store, created_at=MARCH_1)
    monkeypatch.setattr(
        "data.store.repository.utc_now", lambda: datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
    )
    with pytest.raises(InvalidOutcomeDatesError):
        store.record_outcomes([dated(list_id, "H0000001", date(2026, 3, 2), date(2026, 3, 12))])
    ok = [dated(list_id, "H0000001", date(2026, 3, 2), date(2026, 3, 11))]
    assert store.record_outcomes(ok).created == 1


def test_wrong_dates_leave_earlier_outcomes_as_they_were(store: ProgramStore) -> None:
    list_id = issue(store, created_at=MARCH_1)
    store.record_outcomes(
        [dated(list_id, "H0000001", date(2026, 3, 2), date(2026, 5, 1))], today=TODAY
    )
    changed = replace(
        dated(list_id, "H0000001", date(2026, 3, 2), date(2026, 5, 2)), digitalized=True
    )
    with pytest.raises(InvalidOutcomeDatesError):
        store.record_outcomes(
            [changed, dated(list_id, "H0000002", date(2026, 3, 2), date(2036, 5, 2))],
            today=TODAY,
        )
    (current,) = store.get_outcomes(list_id)
    assert (current.digitalized, current.observed_on) == (False, date(2026, 5, 1))
    assert store.outcome_history(list_id, "H0000001") == []


def test_unknown_ids_are_named_before_dates_are_checked(store: ProgramStore) -> None:
    list_id = issue(store, created_at=MARCH_1)
    future = TODAY + timedelta(days=30)
    with pytest.raises(UnknownIdsError):
        store.record_outcomes(
            [dated(list_id, "NOT-LISTED", None, future), dated(list_id, "H0000001", None, future)],
            today=TODAY,
        )


# ------------------------------------------------------------------------- selection


def test_mentored_msmes_the_list_did_not_select_are_recorded_and_counted(
    store: ProgramStore,
) -> None:
    list_id = issue(store, n=6, selected=3)  # H0000001..3 selected, H0000004..6 not
    other = issue(store, n=6, selected=1)
    batch = [
        outcome(list_id, "H0000001", mentored=True),
        outcome(list_id, "H0000004", mentored=True),  # a substitution, or another list's file
        outcome(list_id, "H0000005", mentored=True),
        outcome(list_id, "H0000006", mentored=False),  # not mentored: as the list said
        outcome(other, "H0000002", mentored=True),
    ]

    summary = store.record_outcomes(batch)

    assert summary.created == 5  # recorded all the same
    assert summary.mentored_not_selected == {list_id: 2, other: 1}
    assert store.record_outcomes(batch).mentored_not_selected == {list_id: 2, other: 1}
    clean = store.record_outcomes([outcome(list_id, "H0000002", mentored=True)])
    assert clean.mentored_not_selected == {}


# ------------------------------------------------------------------------- check only


def stored_rows(store: ProgramStore) -> tuple[int, ...]:
    """Outcomes, earlier versions and remembered requests in the whole store."""
    with store.session() as session:
        return tuple(
            int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in (Outcome, OutcomeVersion, RequestClaim)
        )


def test_a_dry_run_answers_what_recording_would_and_keeps_nothing(store: ProgramStore) -> None:
    list_id = issue(store)
    store.record_outcomes(
        [outcome(list_id), outcome(list_id, "H0000002")], recorded_by="first", today=TODAY
    )
    before = store.get_outcomes(list_id)
    batch = [
        outcome(list_id),  # unchanged
        outcome(list_id, "H0000002", digitalized=True),  # changed: a version would be kept
        outcome(list_id, "H0000003"),  # new
        outcome(list_id, "H0000004", mentored=True),  # new, and not selected by the list
    ]

    checked = store.record_outcomes(batch, recorded_by="second", today=TODAY, dry_run=True)

    assert (checked.created, checked.updated, checked.unchanged) == (2, 1, 1)
    assert checked.stored == {list_id: 4}  # as the list would hold them
    assert checked.mentored_not_selected == {list_id: 1}
    assert store.get_outcomes(list_id) == before
    assert store.outcome_history(list_id, "H0000002") == []
    assert stored_rows(store) == (2, 0, 0)
    assert store.outcome_counts(list_id).outcomes == 2

    recorded = store.record_outcomes(batch, recorded_by="second", today=TODAY)
    assert (recorded.created, recorded.updated, recorded.unchanged) == (2, 1, 1)
    assert (recorded.statuses, recorded.stored) == (checked.statuses, checked.stored)
    assert stored_rows(store) == (4, 1, 0)


def test_a_dry_run_refuses_what_recording_refuses(store: ProgramStore) -> None:
    list_id = issue(store, created_at=MARCH_1)
    unknown = [outcome(list_id, mentored_on=None, observed_on=None), outcome(list_id, "NOPE")]
    future = [dated(list_id, "H0000001", date(2026, 3, 5), date(2026, 6, 3))]
    for batch, error in ((unknown, UnknownIdsError), (future, InvalidOutcomeDatesError)):
        with pytest.raises(error) as checked:
            store.record_outcomes(batch, today=TODAY, dry_run=True)
        with pytest.raises(error) as recorded:
            store.record_outcomes(batch, today=TODAY)
        assert str(checked.value) == str(recorded.value)
    assert stored_rows(store) == (0, 0, 0)


def test_a_dry_run_answers_no_idempotency_key(store: ProgramStore) -> None:
    list_id = issue(store)
    with pytest.raises(ValueError, match="dry run"):
        store.record_outcomes(
            [outcome(list_id)],
            today=TODAY,
            request=RequestKey("dinas", "check-1", "3" * 64),
            answer=lambda summary: Answer(b"{}"),
            dry_run=True,
        )
    assert stored_rows(store) == (0, 0, 0)
