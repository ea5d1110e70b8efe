"""The `Idempotency-Key` header of the routes that write to the program store (`POST /v1/lists`,
the page's `POST /v1/lists/upload`, `POST /v1/outcomes`): how it is declared, and the claim a
request makes with it in the store (`data.store.requests`), answered as the API answers the
store's refusals."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Header, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from data.messages import Language
from data.store import requests
from data.store.errors import IdempotencyKeyReusedError, StoreError
from data.store.repository import ProgramStore
from data.store.requests import Replay, RequestKey
from data.store.schema import IDEMPOTENCY_KEY_LENGTH
from service.errors import invalid_idempotency_key, store_refusal
from service.headers import word_reply_in
from service.schemas import ErrorResponse

logger = logging.getLogger(__name__)

# What `requests.parse_key` takes (printable ASCII, quoted or not, as the IETF draft's sf-string),
# as the OpenAPI document states it; checked there, so that a wrong key gets a sentence, not a
# regular expression.
KEY_PATTERN = rf'^(?:"[!#-~]{{1,{IDEMPOTENCY_KEY_LENGTH}}}"|[!#-~]{{1,{IDEMPOTENCY_KEY_LENGTH}}})$'
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Any unique string (a UUID, say: 1 to 255 printable ASCII characters, no "
        "spaces; quotes around it, as the IETF draft's sf-string, are allowed) that makes "
        "retries safe: the same request sent again with the same key within 24 hours gets the "
        "first answer (header `Idempotent-Replayed: true`) and is not carried out again (no "
        "second list; no old outcomes over a correction); the key "
        "with another body is refused (422 `idempotency_key_reused`), and while the first "
        "sending is still being answered, 409 `request_in_progress` with `Retry-After`. Keys "
        "are per API key.",
        json_schema_extra={
            "minLength": 1,
            "maxLength": IDEMPOTENCY_KEY_LENGTH + 2,
            "pattern": KEY_PATTERN,
        },
        examples=["5f1c8d2e-3b7a-4f7e-9b1e-2c8f0a6d4e11"],
    ),
]
IDEMPOTENCY_RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorResponse,
        "description": "`request_in_progress`: the first sending of this request (same "
        "Idempotency-Key and body) is still being answered; send it again after `Retry-After` "
        "seconds to get its answer. Nothing issued twice.",
    },
}
REPLAYED = {"Idempotent-Replayed": "true"}


async def claim_key(
    store: ProgramStore,
    key_name: str,
    header: str,
    digest: str,
    language: Language,
    *,
    issues_list: bool,
) -> RequestKey | Replay | JSONResponse:
    """Claim the request's key: the claim (carry the request out, record it with `request=`),
    the earlier answer (a retry), or the refusal to send (a header that is no key, a key reused
    for another body or on another route, a first sending still being answered, a store that
    cannot be used). `issues_list`: the route issues a list (its answers name one)."""
    given = requests.parse_key(header)
    if given is None:
        return invalid_idempotency_key(language)
    claimed = RequestKey(key_name, given, digest)
    try:
        replay = await run_in_threadpool(requests.claim, store, claimed)
        if replay is not None and (replay.list_id is not None) != issues_list:
            raise IdempotencyKeyReusedError  # the same bytes sent to another route
    except StoreError as exc:
        return store_refusal(exc, language).response()
    return claimed if replay is None else replay


async def claim_body(
    request: Request,
    store: ProgramStore,
    key_name: str,
    header: str | None,
    language: Language,
    *,
    issues_list: bool,
    replayed: Callable[[Replay], Response],
) -> RequestKey | Response | None:
    """`claim_key` for a JSON route, the body's bytes its digest: the claim (None without a
    header), or the answer to send (a refusal, or `replayed(replay)` for a retry, its words
    said to be the first's)."""
    if header is None:
        return None
    digest = hashlib.sha256(await request.body()).hexdigest()
    claim = await claim_key(store, key_name, header, digest, language, issues_list=issues_list)
    if isinstance(claim, Replay):
        word_reply_in(request, claim.language)
        return replayed(claim)
    return claim


async def release_key(store: ProgramStore, claimed: RequestKey) -> None:
    """Free the key of a request that issued no list, so it can be sent again; a store that
    cannot be reached now leaves the claim to expire (`requests.IN_PROGRESS_TIMEOUT`)."""
    try:
        await run_in_threadpool(requests.release, store, claimed)
    except (StoreError, SQLAlchemyError):
        logger.warning("could not release an Idempotency-Key claim; it expires by itself")


@dataclass
class HeldKey:
    """A request's claim of its key while the request is carried out: `holding_key` releases
    it unless the handler calls `keep()`."""

    kept: bool = False

    def keep(self) -> None:
        """The request succeeded, its answer recorded with the key: a retry gets that answer."""
        self.kept = True


@asynccontextmanager
async def holding_key(store: ProgramStore, claimed: RequestKey | None) -> AsyncIterator[HeldKey]:
    """Hold `claimed` (None: no key sent) while the request is carried out; leaving without
    `keep()` (a refusal, an exception) releases it (`release_key`), so that the request can be
    sent again."""
    held = HeldKey()
    try:
        yield held
    finally:
        if claimed is not None and not held.kept:
            await release_key(store, claimed)
