"""GET /v1/model: which model is served, how it did in training, and the feature contract."""

from __future__ import annotations

from fastapi import APIRouter

from service.deps import ModelDep, WorkerSyncDep
from service.routes.responses import ERROR_RESPONSES
from service.schemas import ModelInfo

router = APIRouter(tags=["model"])


@router.get(
    "/v1/model",
    response_model=ModelInfo,
    summary="The model in service",
    responses={code: ERROR_RESPONSES[code] for code in (401, 403, 422, 503)},
)
async def get_model_info(loaded: ModelDep, sync: WorkerSyncDep) -> ModelInfo:
    """Name, version, alias, training date, headline metrics, the data contract, and the drift
    of everything this version scored (in every worker sharing the program store)."""
    return loaded.info(await sync.drift_report(loaded))
