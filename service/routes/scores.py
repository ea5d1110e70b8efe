"""POST /v1/scores: scores and reasons for 1 to 10,000 MSMEs.

The busiest route, so it resolves no dependencies of its own (only the app-wide one refusing a
repeated query parameter): the key, the body, the model and the
language are plain calls (`check_scope`, `read_json_body`, `current_model`, `reply_language`,
the same functions the dependencies of the other routes use), and the answer is serialised once
by pydantic-core. On a single-MSME request that halved the CPU outside the model (docs/results.md,
"Scoring service"). OpenAPI still documents the body, the key, the header and the answer.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from service.auth import API_KEY_SECURITY, check_scope
from service.body import documented_body, read_json_body
from service.deps import ACCEPT_LANGUAGE_PARAMETER, current_model, reply_language
from service.errors import check_msme_list
from service.heap import gc_paused_for
from service.metrics import ServiceMetrics
from service.routes.responses import ERROR_RESPONSES
from service.schemas import ScoreRequest, ScoreResponse
from service.scoring import score_profiles
from service.settings import Settings

router = APIRouter(tags=["scores"])

# Up to this many MSMEs are scored on the event loop: a thread hop costs more than the work.
INLINE_MSMES = 32


@router.post(
    "/v1/scores",
    response_model=ScoreResponse,
    summary="Score MSMEs: chance of going digital with and without mentoring, and why",
    responses=ERROR_RESPONSES,
    openapi_extra=documented_body(ScoreRequest)
    | API_KEY_SECURITY
    | {"parameters": [ACCEPT_LANGUAGE_PARAMETER]},
)
async def post_scores(request: Request) -> Response:
    """Per MSME, in input order: both probabilities, the uplift, the segment and the top three
    reasons in Bahasa Indonesia (default) or English (`Accept-Language: en`)."""
    check_scope(request, "read")
    with gc_paused_for(request):  # a long list: until its objects are released (see prioritize)
        body = await read_json_body(request, ScoreRequest)
        loaded = current_model(request)
        language = reply_language(request)
        settings: Settings = request.app.state.settings
        metrics: ServiceMetrics = request.app.state.metrics
        msmes = body.msmes
        check_msme_list(msmes, settings.max_score_msmes)
        if len(msmes) <= INLINE_MSMES:
            scores = score_profiles(loaded, msmes, language)
        else:
            scores = await run_in_threadpool(score_profiles, loaded, msmes, language)
        metrics.msmes_scored.labels("/v1/scores").inc(len(scores))
        answer = ScoreResponse.model_construct(model=loaded.ref, language=language, scores=scores)
        payload = answer.model_dump_json()
        del body, msmes, scores, answer
    return Response(payload, media_type="application/json")  # Content-Language: service.headers
