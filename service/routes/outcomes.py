"""POST /v1/outcomes: what happened to listed MSMEs, recorded once per (list, MSME)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from data.store.errors import StoreError
from service.auth import OutcomesKey
from service.body import documented_body, read_json_body
from service.deps import LanguageDep, ProgramStoreDep
from service.errors import store_refusal
from service.program import outcome_positions, record_outcomes
from service.program_schemas import OutcomesRequest, OutcomesSummary
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
    responses=(ERROR_RESPONSES | PROGRAM_RESPONSES | OUTCOME_RESPONSES),
    openapi_extra=documented_body(OutcomesRequest),
)
async def post_outcomes(
    request: Request, key: OutcomesKey, store: ProgramStoreDep, language: LanguageDep
) -> Response:
    """Mentored or not, digital or not, when and how verified, per (list_id, msme_id). The same
    outcome twice is stored once; a changed one replaces it and keeps the earlier version. Any
    unknown list or MSME not on its list refuses the whole batch, naming each (404), and so does
    any date that cannot be right (422): later than tomorrow (UTC), observed before the
    mentoring, or before the day the list was issued less a day. Outcomes that say mentored for
    MSMEs their list did not select are recorded, counted and warned of (`warnings`). Refusals
    and warnings are worded in the language of Accept-Language."""
    body = await read_json_body(request, OutcomesRequest)
    try:
        summary = await run_in_threadpool(
            record_outcomes, store, body, recorded_by=key.name, language=language
        )
    except StoreError as exc:
        return store_refusal(exc, language, positions=outcome_positions(body)).response()
    return JSONResponse(summary.model_dump(mode="json"))
