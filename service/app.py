"""The FastAPI app: `create_app(settings)` wires settings, model store, routes and middleware.

Nothing happens at import; the lifespan migrates and opens the program store (issued lists and
outcomes, `UMKM_DATABASE_URL`), then starts a background task that loads the model (the process
serves /healthz meanwhile) and checks the alias every `model_poll_seconds`, so a newly promoted
version is served without a restart, and another that shares admin reloads and drift with the
other workers through the program store every `worker_sync_seconds` (`service.worker_sync`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import Depends, FastAPI
from starlette.types import ASGIApp

from data.store import migrate
from data.store.repository import ProgramStore
from service.auth import require_read, warn_if_open
from service.body import install_openapi
from service.deps import single_query_values
from service.docs import router as docs_router
from service.errors import install_error_handlers
from service.headers import ResponseHeadersMiddleware
from service.key_ring import KeyRing
from service.limits import BodyLimitMiddleware, RouteLimit
from service.metrics import MetricsMiddleware, ServiceMetrics, forget_this_process
from service.model_store import ModelStore, bound_registry_requests
from service.program_schemas import ListRequest, OutcomesRequest
from service.routes import ADMIN_ROUTERS, KEYED_ROUTERS, OPEN_ROUTERS, SELF_KEYED_ROUTERS
from service.schemas import PrioritizeRequest, ScoreRequest
from service.settings import (
    MAX_OUTCOMES,
    OUTCOME_BYTES,
    Settings,
    SettingsError,
    get_settings,
    limit_for,
)
from service.web.routes import WEB_ROUTERS
from service.web.routes import body_limits as web_body_limits
from service.web.schemas import ProblemsExport, UploadResponse
from service.worker_sync import WorkerSync

logger = logging.getLogger(__name__)

API_VERSION = "1"
DESCRIPTION = """\
Scores MSMEs (UMKM) for the mentoring (pendampingan) programs of Indonesia's digitalization
drive, and builds mentoring lists under capacity, provincial quotas, minimum shares and a budget.

All `/v1` routes need an `X-API-Key` header (when the service has keys configured) whose key has
the route's scope: `read` (scores, model, GET lists), `lists` (POST /v1/lists, /v1/prioritize),
`outcomes` (POST /v1/outcomes) or `admin`; the web page's routes take the scope of their API
equivalent (a list from a file and its exports `lists`, a recorded list `read`, an outcomes
file `outcomes`). Reasons come
in Bahasa Indonesia by default; send `Accept-Language: en` for English. Errors always have the
form `{"error", "message", "problems": [{"field", "type", "reason"}]}` and never repeat the
submitted values.

This page (`/docs`, served from the installed package) is the one documentation page; the
document itself is at `/openapi.json`.
"""


class _ServiceApp(FastAPI):
    """FastAPI whose every response, the 500s of Starlette's outermost middleware included,
    carries the headers of `service.headers`."""

    def build_middleware_stack(self) -> ASGIApp:
        return ResponseHeadersMiddleware(super().build_middleware_stack())


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app; pass `settings` in tests, or let it read `UMKM_*` from the environment.

    Unusable settings end the process with one line naming each setting and its rule (no
    traceback, no values): uvicorn would otherwise print a traceback for the app factory.
    """
    if settings is None:
        try:
            settings = get_settings()
        except SettingsError as error:
            raise SystemExit(f"error: {error}") from None
    metrics = ServiceMetrics()
    store = ModelStore(
        settings.model_uri,
        settings.tracking_uri,
        metrics,
        load_timeout=settings.model_load_timeout_seconds,
        freeze_heap=settings.freeze_heap,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        bound_registry_requests()
        warn_if_open(app.state.key_ring)
        # Idempotent: `umkm serve` has migrated already, and each worker finds the head.
        migrate.upgrade(settings.database_url)
        app.state.program_store = ProgramStore.from_url(settings.database_url)
        sync_seconds = settings.worker_sync_seconds
        sync = WorkerSync(store, app.state.program_store, enabled=sync_seconds > 0)
        app.state.worker_sync = sync
        await sync.start()  # before the first load: reload requests until now are done with
        # In the background: /healthz answers at once, /readyz says how loading goes.
        tasks = [asyncio.create_task(store.keep_loaded(settings.model_poll_seconds))]
        if sync.enabled:
            tasks.append(asyncio.create_task(sync.run(sync_seconds)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await sync.save_drift()  # this worker's last counts, for the others and the next
            forget_this_process()
            app.state.program_store.close()

    app = _ServiceApp(
        title="UMKM uplift scoring service",
        version=f"{API_VERSION}.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # service.docs serves Swagger UI from the package, not a CDN
        redoc_url=None,
        dependencies=[Depends(single_query_values)],
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.model_store = store
    # The keys file, if any, is read here and again when it changes (`service.key_ring`).
    app.state.key_ring = KeyRing.from_settings(settings, metrics)

    install_error_handlers(app)
    install_openapi(
        app,
        bodies=(
            ScoreRequest,
            PrioritizeRequest,
            ListRequest,
            OutcomesRequest,
            UploadResponse,
            ProblemsExport,
        ),
    )
    for router in (docs_router, *OPEN_ROUTERS, *ADMIN_ROUTERS, *SELF_KEYED_ROUTERS):
        app.include_router(router)
    for router in KEYED_ROUTERS:
        app.include_router(router, dependencies=[Depends(require_read)])
    for router in WEB_ROUTERS:  # the page, then its API routes
        app.include_router(router)

    body_limits = {
        "/v1/scores": RouteLimit(settings.body_limit_scores, "scores"),
        "/v1/prioritize": RouteLimit(settings.body_limit_prioritize, "lists"),
        "/v1/lists": RouteLimit(settings.body_limit_prioritize, "lists"),
        "/v1/outcomes": RouteLimit(limit_for(MAX_OUTCOMES, OUTCOME_BYTES), "outcomes"),
        **web_body_limits(settings),  # the page's file upload and export
    }
    app.add_middleware(
        BodyLimitMiddleware,
        limits=body_limits,
        default=settings.max_body_bytes_default,
        default_language=settings.default_language,
    )
    # Outermost, so it also counts the 413s refused before routing.
    app.add_middleware(MetricsMiddleware, metrics=metrics, known_paths=frozenset(body_limits))
    return app
