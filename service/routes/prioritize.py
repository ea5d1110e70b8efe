"""POST /v1/prioritize: a mentoring list under capacity, quotas, minimum shares and a budget.

Like POST /v1/scores it resolves no dependencies of its own (see `service.routes.scores`). A long
list runs with the cyclic garbage collector paused from parsing until the request's objects are
released: re-enabling it while the 100,000 parsed profiles are still alive would make it scan
them all once more (measured at a tenth of the request's time).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from allocation import AllocationError
from service.auth import API_KEY_SECURITY, check_scope
from service.body import documented_body, read_json_body
from service.deps import ACCEPT_LANGUAGE_PARAMETER, current_model, reply_language
from service.errors import allocation_refusal, check_msme_list
from service.heap import gc_paused_for
from service.metrics import ServiceMetrics
from service.routes.responses import ERROR_RESPONSES
from service.schemas import PrioritizeRequest, PrioritizeResponse
from service.scoring import prioritize_profiles
from service.settings import Settings

router = APIRouter(tags=["prioritize"])


@router.post(
    "/v1/prioritize",
    response_model=PrioritizeResponse,
    summary="Build a mentoring list: who gets the slots",
    responses=ERROR_RESPONSES,
    openapi_extra=documented_body(PrioritizeRequest)
    | API_KEY_SECURITY
    | {"parameters": [ACCEPT_LANGUAGE_PARAMETER]},
)
async def post_prioritize(request: Request) -> Response:
    """Fills `capacity` slots (or every eligible MSME, when fewer: `shortfall_note` says so),
    maximising the expected extra digitalizations under the constraints given. Constraints that
    cannot all hold get a 422 naming them; every MSME left out is in `not_selected` with why.
    Reasons, notes and refusals are worded in Bahasa Indonesia (default) or English
    (`Accept-Language: en`), as `Content-Language` says."""
    check_scope(request, "lists")
    with gc_paused_for(request):
        body = await read_json_body(request, PrioritizeRequest)
        loaded = current_model(request)
        language = reply_language(request)
        settings: Settings = request.app.state.settings
        metrics: ServiceMetrics = request.app.state.metrics
        check_msme_list(
            body.msmes, settings.max_prioritize_msmes, need_cost=body.budget is not None
        )
        try:
            result = await run_in_threadpool(prioritize_profiles, loaded, body, language)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from None
        except AllocationError as exc:
            return allocation_refusal(exc, language).response()
        metrics.msmes_scored.labels("/v1/prioritize").inc(len(body.msmes))
        # Serialised once by pydantic-core (FastAPI would validate the entries again first).
        payload = result.model_dump_json()
        del body, result
    return Response(payload, media_type="application/json")
