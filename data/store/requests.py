"""Requests remembered by their `Idempotency-Key` (table `request_claims`): the routes that
issue a list (`POST /v1/lists`, the page's upload) and `POST /v1/outcomes`.

A client that sends a request again after a timeout must not have it carried out twice: a
second list (another draw), or an old batch of outcomes put back over a correction made since.
With the header, the first request *claims* the key (its API key's name, the header, a SHA-256
of the body) before it is carried out; what it writes and the answer given are then recorded in
one transaction (`ProgramStore.record_list(request=...)`, `record_outcomes(request=...)`). The
same request sent again is answered with that answer (`Replay`); the same key with another
body is refused (`IdempotencyKeyReusedError`), and so is a request whose first sending is still
being answered (`RequestInProgressError`). A claim never answered (the request was refused or
failed) is released; one left by a process that died is taken over after
`IN_PROGRESS_TIMEOUT`. Keys are remembered for `REMEMBERED`, as the IETF draft and Stripe do (a
day): older rows are deleted as new keys come.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.store.errors import IdempotencyKeyReusedError, RequestInProgressError
from data.store.schema import IDEMPOTENCY_KEY_LENGTH, RequestClaim, utc_now

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
class Answer:
    """What a request answered, to keep with its claim: the JSON, the language of its words
    and the list it issued (None for outcomes)."""

    reply: bytes
    language: str | None = None
    list_id: str | None = None


@dataclass(frozen=True)
class Replay:
    """The answer a request with this key was given: the JSON sent, the language its words are
    in (None when not kept) and the list it issued (None for outcomes)."""

    reply: bytes
    language: str | None = None
    list_id: str | None = None


def parse_key(header: str) -> str | None:
    """The key an `Idempotency-Key` header gives (without an sf-string's quotes); None when it
    is not one: empty, longer than `IDEMPOTENCY_KEY_LENGTH`, or with spaces, quotes inside or
    characters outside printable ASCII."""
    unquoted = header[1:-1] if len(header) > 2 and header[0] == header[-1] == '"' else header
    return unquoted if _KEY.fullmatch(unquoted) else None


def claim(store: ProgramStore, request: RequestKey, now: datetime | None = None) -> Replay | None:
    """Claim `request`'s key before it is carried out: None when the caller is to carry it out
    (and record it with `request=`, or `release` the claim on failure); the earlier answer when
    the same request was answered already. Raises
    `IdempotencyKeyReusedError` (same key, other body) and `RequestInProgressError`."""
    now = now or utc_now()
    with store.session() as session:
        session.execute(delete(RequestClaim).where(RequestClaim.claimed_at < now - REMEMBERED))
    try:
        with store.session() as session:
            session.add(_claim_row(request, now))
        return None
    except IntegrityError:
        pass  # claimed before: by this request's first sending, or by another request
    with store.session() as session:
        row = session.scalars(select(RequestClaim).where(*_is(request))).one_or_none()
        if row is None:  # deleted since (a day old): claim it afresh
            session.add(_claim_row(request, now))
            return None
        if row.request_digest != request.digest:
            raise IdempotencyKeyReusedError()
        if row.answered_at is not None and row.reply is not None:
            return Replay(gzip.decompress(row.reply), row.reply_language, row.list_id)
        # Still being answered, unless its process died: take over a claim that old, atomically
        # (of two retries that find it so, one gets it).
        taken = session.execute(
            update(RequestClaim)
            .where(
                *_is(request),
                RequestClaim.answered_at.is_(None),
                RequestClaim.claimed_at < now - IN_PROGRESS_TIMEOUT,
            )
            .values(claimed_at=now)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return None
    raise RequestInProgressError(RETRY_AFTER_SECONDS)


def release(store: ProgramStore, request: RequestKey) -> None:
    """Give up a claim never answered (the request was refused or failed), so the same key can
    be sent again."""
    with store.session() as session:
        session.execute(
            delete(RequestClaim).where(*_is(request), RequestClaim.answered_at.is_(None))
        )


def attach(
    session: Session,
    request: RequestKey,
    answer: Answer,
    now: datetime,
) -> None:
    """In the transaction that writes what the request does: the claim is answered, keeping
    the answer (gzip), its language and the list issued. A claim no longer there (taken over or
    expired) is written again."""
    values = {
        "answered_at": now,
        "reply": gzip.compress(answer.reply, compresslevel=6),
        "reply_language": answer.language,
        "list_id": answer.list_id,
    }
    done = session.execute(
        update(RequestClaim)
        .where(*_is(request), RequestClaim.request_digest == request.digest)
        .values(**values)
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        session.merge(_claim_row(request, now, **values))


def _claim_row(request: RequestKey, now: datetime, **answered: Any) -> RequestClaim:
    return RequestClaim(
        key_name=request.key_name,
        idempotency_key=request.idempotency_key,
        request_digest=request.digest,
        claimed_at=now,
        **answered,
    )


def _is(request: RequestKey) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (
        RequestClaim.key_name == request.key_name,
        RequestClaim.idempotency_key == request.idempotency_key,
    )
