"""POST /v1/admin/reload: check the alias now and swap in a new version (admin keys only), in
this worker at once and in every other worker at its next check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from service.auth import require_admin_key
from service.deps import StoreDep, WorkerSyncDep
from service.keys import ApiKey
from service.routes.responses import ERROR_RESPONSES
from service.schemas import ErrorResponse, ReloadResult

router = APIRouter(tags=["admin"], dependencies=[Depends(require_admin_key)])


@router.post(
    "/v1/admin/reload",
    response_model=ReloadResult,
    summary="Load the version the model URI points to now",
    responses={
        401: ERROR_RESPONSES[401],
        422: ERROR_RESPONSES[422],
        403: {
            "model": ErrorResponse,
            "description": "The key lacks the admin scope (`missing_scope`), or no key holds it "
            "(`forbidden`: admin routes are off until UMKM_ADMIN_KEYS is set)",
        },
    },
)
async def reload_model(
    store: StoreDep,
    sync: WorkerSyncDep,
    key: Annotated[ApiKey, Depends(require_admin_key)],
    force: bool = False,
) -> ReloadResult:
    """Loads the alias's current version beside the old one and swaps it in; a failed load keeps
    the old model (and `error` says why). `force=true` reloads even an unchanged version.

    The answer is this worker's; every other worker (and replica) on the same program store
    does the same within `UMKM_WORKER_SYNC_SECONDS`."""
    outcome = await sync.reload(force=force, requested_by=key.name)
    current = store.current
    return ReloadResult(
        changed=outcome.changed,
        model=current.ref if current is not None else None,
        error=outcome.error,
    )
