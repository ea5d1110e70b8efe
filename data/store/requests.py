"""Requests to issue a list, remembered by their `Idempotency-Key` (table `list_requests`).

A client that sends `POST /v1/lists` again after a timeout must not get a second list. With the
header, the first request *claims* the key (its API key's name, the header, a SHA-256 of the
body) before the list is built; the list and the answer given are then recorded in one
transaction (`ProgramStore.record_list(request=...)`). The same request sent again is answered
with that answer (`Replay`); the same key with another body is refused
(`IdempotencyKeyReusedError`), and so is a request whose first sending is still being answered
(`RequestInProgressError`). A claim whose list was never recorded (its build failed) is
released; one left by a process that died is taken over after `IN_PROGRESS_TIMEOUT`. Keys are
remembered for `REMEMBERED`, as the IETF draft and Stripe do (a day): older rows are deleted as
new keys come.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.store.errors import IdempotencyKeyReusedError, RequestInProgressError
from data.store.schema import IDEMPOTENCY_KEY_LENGTH, ListRequest, utc_now

if TYPE_CHECKING:
    from data.store.repository import ProgramStore

REMEMBERED = timedelta(hours=24)
# Far beyond a list's build (at most `time_limit_seconds`, 60, plus scoring): a claim older
# than this whose list was never recorded belongs to a process that died.
IN_PROGRESS_TIMEOUT = timedelta(minutes=10)
RETRY_AFTER_SECONDS = 5
# Printable ASCII without spaces, as a header carries it; quoted, as the draft's sf-string.
_KEY = re.compile(rf"[!#-~]{{1,{IDEMPOTENCY_KEY_LENGTH}}}")


@dataclass(frozen=True)
class RequestKey:
    """One request to issue a list: the API key's name, its `Idempotency-Key` and the SHA-256
    (hex) of its body."""

    key_name: str
    idempotency_key: str
    digest: str


@dataclass(frozen=True)
class Replay:
    """The answer a request with this key was given: its list, the JSON sent and the language
    its words are in (None when not kept)."""

    list_id: str
    reply: bytes
    language: str | None = None


def parse_key(header: str) -> str | None:
    """The key an `Idempotency-Key` header gives (without an sf-string's quotes); None when it
    is not one: empty, longer than `IDEMPOTENCY_KEY_LENGTH`, or with spaces, quotes inside or
    characters outside printable ASCII."""
    unquoted = header[1:-1] if len(header) > 2 and header[0] == header[-1] == '"' else header
    return unquoted if _KEY.fullmatch(unquoted) else None


def claim(store: ProgramStore, request: RequestKey, now: datetime | None = None) -> Replay | None:
    """Claim `request`'s key before its list is built: None when the caller is to build it (and
    then record it with `record_list(request=...)`, or `release` the claim on failure); the
    earlier answer when the same request was answered already. Raises
    `IdempotencyKeyReusedError` (same key, other body) and `RequestInProgressError`."""
    now = now or utc_now()
    with store.session() as session:
        session.execute(delete(ListRequest).where(ListRequest.claimed_at < now - REMEMBERED))
    try:
        with store.session() as session:
            session.add(_claim_row(request, now))
        return None
    except IntegrityError:
        pass  # claimed before: by this request's first sending, or by another request
    with store.session() as session:
        row = session.scalars(select(ListRequest).where(*_is(request))).one_or_none()
        if row is None:  # deleted since (a day old): claim it afresh
            session.add(_claim_row(request, now))
            return None
        if row.request_digest != request.digest:
            raise IdempotencyKeyReusedError()
        if row.list_id is not None and row.reply is not None:
            return Replay(row.list_id, gzip.decompress(row.reply), row.reply_language)
        # Still being answered, unless its process died: take over a claim that old, atomically
        # (of two retries that find it so, one gets it).
        taken = session.execute(
            update(ListRequest)
            .where(
                *_is(request),
                ListRequest.list_id.is_(None),
                ListRequest.claimed_at < now - IN_PROGRESS_TIMEOUT,
            )
            .values(claimed_at=now)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return None
    raise RequestInProgressError(RETRY_AFTER_SECONDS)


def release(store: ProgramStore, request: RequestKey) -> None:
    """Give up a claim whose list was not recorded (the request was refused or failed), so the
    same key can be sent again."""
    with store.session() as session:
        session.execute(delete(ListRequest).where(*_is(request), ListRequest.list_id.is_(None)))


def attach(  # noqa: PLR0917  (one row's fields)
    session: Session,
    request: RequestKey,
    list_id: str,
    reply: bytes,
    now: datetime,
    language: str | None = None,
) -> None:
    """In the transaction that records the list: the claim now names the list and keeps the
    answer (gzip) and its language. A claim no longer there (taken over or expired) is written
    again."""
    packed = gzip.compress(reply, compresslevel=6)
    done = session.execute(
        update(ListRequest)
        .where(*_is(request), ListRequest.request_digest == request.digest)
        .values(list_id=list_id, reply=packed, reply_language=language)
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        row = _claim_row(request, now, list_id=list_id, reply=packed)
        row.reply_language = language
        session.merge(row)


def _claim_row(
    request: RequestKey, now: datetime, *, list_id: str | None = None, reply: bytes | None = None
) -> ListRequest:
    return ListRequest(
        key_name=request.key_name,
        idempotency_key=request.idempotency_key,
        request_digest=request.digest,
        claimed_at=now,
        list_id=list_id,
        reply=reply,
    )


def _is(request: RequestKey) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (
        ListRequest.key_name == request.key_name,
        ListRequest.idempotency_key == request.idempotency_key,
    )
