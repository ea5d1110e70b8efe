"""POST /v1/prioritize: a mentoring list under capacity, quotas, minimum shares and a budget."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from service.allocation import CandidateError, InfeasibleConstraints, SolverError
from service.body import documented_body, json_body
from service.deps import MetricsDep, ModelDep, SettingsDep
from service.errors import check_msme_list, error_response
from service.routes.responses import ERROR_RESPONSES
from service.schemas import PrioritizeRequest, PrioritizeResponse, Problem
from service.scoring import prioritize_profiles

router = APIRouter(tags=["prioritize"])


@router.post(
    "/v1/prioritize",
    response_model=PrioritizeResponse,
    summary="Build a mentoring list: who gets the slots",
    responses=ERROR_RESPONSES,
    openapi_extra=documented_body(PrioritizeRequest),
)
async def post_prioritize(
    request_body: Annotated[PrioritizeRequest, Depends(json_body(PrioritizeRequest))],
    loaded: ModelDep,
    settings: SettingsDep,
    metrics: MetricsDep,
) -> PrioritizeResponse | JSONResponse:
    """Fills `capacity` slots (or every eligible MSME, when fewer: `shortfall_note` says so),
    maximising the expected extra digitalizations under the constraints given. Constraints that
    cannot all hold get a 422 naming them; every MSME left out is in `not_selected` with why."""
    check_msme_list(
        request_body.msmes, settings.max_prioritize_msmes, need_cost=request_body.budget is not None
    )
    try:
        result = await run_in_threadpool(prioritize_profiles, loaded, request_body)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    except InfeasibleConstraints as exc:
        message = "The constraints cannot all hold; nothing was listed."
        return _unprocessable("infeasible_constraints", message, exc.problems)
    except CandidateError as exc:
        message = "The candidates cannot be ranked."
        return _unprocessable("invalid_candidates", message, exc.problems)
    except SolverError as exc:
        return _unprocessable("solver_time_limit", str(exc), [])
    metrics.msmes_scored.labels("/v1/prioritize").inc(len(request_body.msmes))
    return result


def _unprocessable(error: str, message: str, problems: list[str]) -> JSONResponse:
    return error_response(
        422,
        error,
        message,
        [Problem(field=None, type=error, reason=problem) for problem in problems],
    )
