"""Requests remembered by their Idempotency-Key (lists and outcomes): claimed before they are
carried out, answered again from the store, refused when reused for another body or still being
answered, released on failure, taken over when abandoned, forgotten after a day; on SQLite and
PostgreSQL, concurrent claims included."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from data.store import requests
from data.store.errors import (
    IdempotencyKeyReusedError,
    RequestInProgressError,
    UnknownIdsError,
)
from data.store.records import OutcomeSummary
from data.store.repository import ProgramStore
from data.store.requests import IN_PROGRESS_TIMEOUT, REMEMBERED, Replay, RequestKey
from data.store.schema import IssuedList, RequestClaim
from tests.data.store.conftest import ISSUED_AT, members, outcome

KEY = RequestKey(key_name="crm", idempotency_key="k-1", digest="a" * 64)
T0 = datetime(2026, 12, 6, 5, 0, tzinfo=UTC)


def issue(store: ProgramStore, request: RequestKey, reply: bytes, now: datetime = T0) -> str:
    return store.record_list(
        created_by=request.key_name,
        model_name="umkm-uplift",
        model_version="1",
        members=members(4, 2),
        created_at=now,
        request=request,
        reply=reply,
    )


def lists_recorded(store: ProgramStore) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(IssuedList)) or 0)


def test_the_same_request_again_gets_the_first_answer_and_no_second_list(
    store: ProgramStore,
) -> None:
    assert requests.claim(store, KEY, now=T0) is None
    reply = b'{"list_id": "...", "selected": []}' * 1000
    list_id = issue(store, KEY, reply)

    again = requests.claim(store, KEY, now=T0 + timedelta(hours=1))

    assert again == Replay(list_id=list_id, reply=reply)
    assert lists_recorded(store) == 1
    with store.session() as session:
        row = session.get(RequestClaim, ("crm", "k-1"))
        assert row is not None and row.reply is not None
        assert len(row.reply) < len(reply) / 10  # kept compressed


def test_the_answers_language_is_kept_for_the_retry(store: ProgramStore) -> None:
    assert requests.claim(store, KEY, now=T0) is None
    list_id = store.record_list(
        created_by="crm",
        model_name="umkm-uplift",
        model_version="1",
        members=members(4, 2),
        request=KEY,
        reply=b"{}",
        reply_language="en",
    )
    assert requests.claim(store, KEY, now=T0) == Replay(b"{}", "en", list_id)


def test_the_key_with_another_body_is_refused(store: ProgramStore) -> None:
    assert requests.claim(store, KEY, now=T0) is None
    issue(store, KEY, b"{}")
    other = RequestKey("crm", "k-1", "b" * 64)

    with pytest.raises(IdempotencyKeyReusedError) as refused:
        requests.claim(store, other, now=T0)
    assert refused.value.code == "idempotency_key_reused"
    with pytest.raises(IdempotencyKeyReusedError):  # also while the first is being answered
        requests.claim(store, RequestKey("crm", "k-2", "c" * 64), now=T0)
        requests.claim(store, RequestKey("crm", "k-2", "d" * 64), now=T0)


def test_a_request_still_being_answered_is_refused_until_its_claim_is_abandoned(
    store: ProgramStore,
) -> None:
    assert requests.claim(store, KEY, now=T0) is None

    with pytest.raises(RequestInProgressError) as busy:
        requests.claim(store, KEY, now=T0 + timedelta(seconds=30))
    assert busy.value.retry_after == requests.RETRY_AFTER_SECONDS

    # Its process died: after the timeout the retry takes the claim over and issues the list.
    assert requests.claim(store, KEY, now=T0 + IN_PROGRESS_TIMEOUT + timedelta(seconds=1)) is None
    list_id = issue(store, KEY, b"{}")
    assert requests.claim(store, KEY, now=T0 + IN_PROGRESS_TIMEOUT * 2) == Replay(
        b"{}", list_id=list_id
    )


def test_a_released_claim_can_be_sent_again_with_any_body(store: ProgramStore) -> None:
    assert requests.claim(store, KEY, now=T0) is None
    requests.release(store, KEY)

    fixed = RequestKey("crm", "k-1", "e" * 64)  # the refused body, corrected
    assert requests.claim(store, fixed, now=T0) is None
    list_id = issue(store, fixed, b"{}")
    requests.release(store, fixed)  # a recorded list's claim is not released
    assert requests.claim(store, fixed, now=T0) == Replay(b"{}", list_id=list_id)


def test_keys_are_per_api_key_and_forgotten_after_a_day(store: ProgramStore) -> None:
    assert requests.claim(store, KEY, now=T0) is None
    issue(store, KEY, b"{}")

    assert requests.claim(store, RequestKey("page", "k-1", "f" * 64), now=T0) is None

    later = T0 + REMEMBERED + timedelta(minutes=1)
    assert requests.claim(store, RequestKey("crm", "k-1", "f" * 64), now=later) is None
    with store.session() as session:
        kept = session.scalars(select(RequestClaim.key_name)).all()
    assert sorted(kept) == ["crm"]  # the day-old rows are gone, the new claim is there
    assert lists_recorded(store) == 1  # forgetting a key never removes its list


def test_of_concurrent_first_sendings_one_claims_and_the_rest_wait(store: ProgramStore) -> None:
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def send() -> None:
        start.wait()
        try:
            outcomes.append("claimed" if requests.claim(store, KEY) is None else "replay")
        except RequestInProgressError:
            outcomes.append("in progress")

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["claimed", "in progress", "in progress", "in progress"]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("5f1c8d2e-3b7a-4f7e-9b1e-2c8f0a6d4e11", "5f1c8d2e-3b7a-4f7e-9b1e-2c8f0a6d4e11"),
        ('"order-7"', "order-7"),  # the IETF draft's sf-string
        ("x" * 255, "x" * 255),
        ("", None),
        ('""', None),
        ("x" * 256, None),
        ("two words", None),
        ("kunci-ä", None),
        ('a"b', None),
    ],
)
def test_a_header_gives_its_key_or_none(header: str, key: str | None) -> None:
    assert requests.parse_key(header) == key


def test_a_late_retry_of_a_keyed_batch_does_not_undo_a_correction(store: ProgramStore) -> None:
    """The case the key exists for: a batch is recorded, a correction follows, then the first
    batch's retry arrives late. Answered as the first time, it changes nothing."""
    list_id = store.record_list(
        created_by="cli",
        model_name="umkm-uplift",
        model_version="1",
        members=members(4, 2),
        created_at=ISSUED_AT,
    )
    first = outcome(list_id, digitalized=False)
    sent = RequestKey("dinas", "batch-1", "1" * 64)

    def answer(summary: OutcomeSummary) -> requests.Answer:
        return requests.Answer(f"{summary.created}/{summary.updated}".encode(), "id")

    assert requests.claim(store, sent) is None
    store.record_outcomes([first], recorded_by="dinas", request=sent, answer=answer)
    store.record_outcomes([outcome(list_id, digitalized=True)], recorded_by="dinas")

    assert requests.claim(store, sent) == Replay(b"1/0", "id", None)
    [current] = store.get_outcomes(list_id)
    assert current.digitalized is True  # the correction stands
    assert len(store.outcome_history(list_id, first.msme_id)) == 1


def test_a_refused_keyed_batch_keeps_nothing(store: ProgramStore) -> None:
    sent = RequestKey("dinas", "batch-2", "2" * 64)
    assert requests.claim(store, sent) is None
    with pytest.raises(UnknownIdsError):
        store.record_outcomes(
            [outcome("no-such-list")],
            request=sent,
            answer=lambda summary: requests.Answer(b"{}"),
        )
    with pytest.raises(RequestInProgressError):  # not answered: still claimed until released
        requests.claim(store, sent)
    requests.release(store, sent)
    assert requests.claim(store, sent) is None
