"""GET /healthz, /readyz and /metrics: open, for probes and Prometheus."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from service.deps import MetricsDep, ProgramStoreDep, StoreDep, WorkerSyncDep
from service.schemas import Readiness

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    """Answers as long as the process serves HTTP; says nothing about the model."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="A model is loaded",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "No model loaded yet, and why"}},
)
async def readyz(store: StoreDep) -> JSONResponse:
    """200 when a model is loaded (and whether the latest reload failed); 503 before that, with
    the reason: still loading, or the latest attempt's error or time-out."""
    loaded = store.current
    body = Readiness(
        ready=loaded is not None,
        status=store.state,
        reason=store.reason(),
        model=loaded.ref if loaded is not None else None,
        last_reload_error=store.last_error,
    )
    if loaded is not None:
        return JSONResponse(body.model_dump(mode="json"))
    return JSONResponse(
        body.model_dump(mode="json"),
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": "5"},
    )


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text exposition format, version 0.0.4",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
async def metrics(
    service_metrics: MetricsDep, store: StoreDep, sync: WorkerSyncDep, program: ProgramStoreDep
) -> Response:
    """Requests and latency by route and status, MSMEs scored, model version, reload failures,
    whether the program store takes a query, and the drift of what the served version scored
    in every worker (PSI per feature and of the score)."""
    service_metrics.store_up.set(1 if await run_in_threadpool(program.ping) else 0)
    loaded = store.current
    service_metrics.drift(await sync.drift_report(loaded) if loaded is not None else None)
    return Response(service_metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
