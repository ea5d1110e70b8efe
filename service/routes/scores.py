"""POST /v1/scores: scores and reasons for 1 to 10,000 MSMEs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from starlette.concurrency import run_in_threadpool

from service.body import documented_body, json_body
from service.deps import LanguageDep, MetricsDep, ModelDep, SettingsDep
from service.errors import check_msme_list
from service.routes.responses import ERROR_RESPONSES
from service.schemas import ScoreRequest, ScoreResponse
from service.scoring import score_profiles

router = APIRouter(tags=["scores"])

# Up to this many MSMEs are scored on the event loop: a thread hop costs more than the work.
INLINE_MSMES = 32


@router.post(
    "/v1/scores",
    response_model=ScoreResponse,
    summary="Score MSMEs: chance of going digital with and without mentoring, and why",
    responses=ERROR_RESPONSES,
    openapi_extra=documented_body(ScoreRequest),
)
async def post_scores(
    *,
    request_body: Annotated[ScoreRequest, Depends(json_body(ScoreRequest))],
    loaded: ModelDep,
    language: LanguageDep,
    settings: SettingsDep,
    metrics: MetricsDep,
    response: Response,
) -> ScoreResponse:
    """Per MSME, in input order: both probabilities, the uplift, the segment and the top three
    reasons in Bahasa Indonesia (default) or English (`Accept-Language: en`)."""
    msmes = request_body.msmes
    check_msme_list(msmes, settings.max_score_msmes)
    if len(msmes) <= INLINE_MSMES:
        scores = score_profiles(loaded, msmes, language)
    else:
        scores = await run_in_threadpool(score_profiles, loaded, msmes, language)
    metrics.msmes_scored.labels("/v1/scores").inc(len(scores))
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language"
    return ScoreResponse.model_construct(model=loaded.ref, language=language, scores=scores)
