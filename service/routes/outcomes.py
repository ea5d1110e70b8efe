"""POST /v1/outcomes: what happened to listed MSMEs, recorded once per (list, MSME); and
GET /v1/lists/{list_id}/outcomes: what was recorded, read back."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from data.store.errors import StoreError
from service.auth import OutcomesKey, ReadKey
from service.body import documented_body, read_json_body
from service.deps import LanguageDep, ProgramStoreDep
from service.errors import store_refusal
from service.idempotency import (
    IDEMPOTENCY_RESPONSES,
    REPLAYED,
    IdempotencyKeyHeader,
    claim_body,
    holding_key,
)
from service.program import outcome_positions, outcomes_page, record_outcomes
from service.program_schemas import (
    MsmeId,
    OutcomesRequest,
    OutcomesSummary,
    PageNumber,
    PageSize,
    RecordedOutcomesPage,
)
from service.routes.lists import ONE_LIST_RESPONSES, ListIdPath, _one_list
from service.routes.responses import ERROR_RESPONSES, PROGRAM_RESPONSES
from service.schemas import ErrorResponse

router = APIRouter(tags=["outcomes"])

OUTCOME_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ErrorResponse,
        "description": "Every problem of the request with its field path and type, or dates "
        "that cannot be right (`invalid_outcome_dates`: one problem per date, such as "
        "`outcomes.3.observed_on`); message and reasons in the language of Accept-Language "
        "(values other than dates never echoed); nothing recorded",
    }
}


@router.post(
    "/v1/outcomes",
    response_model=OutcomesSummary,
    summary="Record outcomes of listed MSMEs (idempotent)",
    responses=(ERROR_RESPONSES | PROGRAM_RESPONSES | OUTCOME_RESPONSES | IDEMPOTENCY_RESPONSES),
    openapi_extra=documented_body(OutcomesRequest),
)
async def post_outcomes(
    request: Request,
    key: OutcomesKey,
    store: ProgramStoreDep,
    language: LanguageDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Mentored or not, digital or not, when and how verified, per (list_id, msme_id). The same
    outcome twice is stored once; a changed one replaces it and keeps the earlier version. Any
    unknown list or MSME not on its list refuses the whole batch, naming each (404), and so does
    any date that cannot be right (422): later than tomorrow (UTC), observed before the
    mentoring, or before the day the list was issued less a day. Outcomes that say mentored for
    MSMEs their list did not select are recorded, counted and warned of (`warnings`). Refusals
    and warnings are worded in the language of Accept-Language. With an `Idempotency-Key`, the
    same batch sent again is answered as it was the first time and not applied again: a late
    retry cannot put old values back over a correction recorded since."""
    body = await read_json_body(request, OutcomesRequest)
    claim = await claim_body(
        request,
        store,
        key.name,
        idempotency_key,
        language,
        issues_list=False,
        replayed=lambda replay: Response(
            replay.reply, media_type="application/json", headers=REPLAYED
        ),
    )
    if isinstance(claim, Response):
        return claim
    async with holding_key(store, claim) as held:
        try:
            summary = await run_in_threadpool(
                partial(record_outcomes, recorded_by=key.name, language=language, request=claim),
                store,
                body,
            )
        except StoreError as exc:
            return store_refusal(exc, language, positions=outcome_positions(body)).response()
        held.keep()
    return JSONResponse(summary.model_dump(mode="json"))


@router.get(
    "/v1/lists/{list_id}/outcomes",
    response_model=RecordedOutcomesPage,
    summary="The outcomes recorded for a list, by MSME id, with their earlier versions on request",
    responses=ONE_LIST_RESPONSES,
)
def get_list_outcomes(
    list_id: ListIdPath,
    *,
    _key: ReadKey,
    store: ProgramStoreDep,
    language: LanguageDep,
    page: Annotated[PageNumber, Query(description="1 = the lowest MSME ids.")] = 1,
    page_size: Annotated[PageSize, Query(description="Outcomes per page.")] = 50,
    msme_id: Annotated[
        MsmeId | None, Query(description="Only this MSME's outcome (none: `items` empty).")
    ] = None,
    history: Annotated[
        bool, Query(description="Give each outcome the versions it replaced, oldest first.")
    ] = False,
) -> Response | RecordedOutcomesPage:
    """The list's current outcomes, every field as recorded with who recorded it and when, by
    MSME id; `total` counts them all. With `history=true`, each also gives the versions a
    change replaced, oldest first, with when each was replaced. An unknown list is refused
    (404) in the language of Accept-Language; an MSME without an outcome, or not on the list,
    gives no items."""
    read = partial(outcomes_page, page=page, page_size=page_size, msme_id=msme_id, history=history)
    return _one_list(read, store, list_id, language)
