"""FastAPI dependencies: the settings, the model in service, the program store, what the workers
share, the metrics and the reply language.

All are `async def`: FastAPI runs plain `def` dependencies in its thread pool, and a thread hop
per dependency costs more than everything else a single-MSME request does. POST /v1/scores calls
the plain twins (`current_model`, `reply_language`) instead: resolving its dependencies cost as
much CPU as LightGBM's TreeSHAP on a single-MSME request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError

from data.field_rules import FieldRuleError
from data.messages import Language
from data.store.repository import ProgramStore
from service.headers import word_reply_in
from service.metrics import ServiceMetrics
from service.model_store import LoadedModel, ModelStore
from service.reasons import negotiate_language
from service.settings import Settings
from service.worker_sync import WorkerSync


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_store(request: Request) -> ModelStore:
    """The app's model store."""
    store: ModelStore = request.app.state.model_store
    return store


async def get_program_store(request: Request) -> ProgramStore:
    """The app's program store (issued lists and outcomes), opened and migrated at start."""
    program: ProgramStore = request.app.state.program_store
    return program


async def get_worker_sync(request: Request) -> WorkerSync:
    """What this worker shares with the others (reload requests, drift), set up at start."""
    sync: WorkerSync = request.app.state.worker_sync
    return sync


async def get_model(request: Request) -> LoadedModel:
    """The model in service now; 503 until one has loaded."""
    return current_model(request)


def current_model(request: Request) -> LoadedModel:
    """`get_model` as a plain call, for the hot route that resolves no dependencies."""
    store: ModelStore = request.app.state.model_store
    loaded = store.current
    if loaded is None:
        raise HTTPException(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            detail="No model is loaded yet; see GET /readyz for the reason.",
            headers={"Retry-After": "10"},
        )
    return loaded


async def get_metrics(request: Request) -> ServiceMetrics:
    """The app's Prometheus metrics."""
    metrics: ServiceMetrics = request.app.state.metrics
    return metrics


async def get_language(
    request: Request,
    settings: Annotated[Settings, Depends(get_app_settings)],
    accept_language: Annotated[
        str | None,
        Header(description="id (Bahasa Indonesia, the default) or en; q-values are honoured."),
    ] = None,
) -> Language:
    """Bahasa Indonesia or English for the answer's words, from Accept-Language; the answer
    says which in Content-Language (`service.headers`)."""
    language = negotiate_language(accept_language, settings.default_language)
    word_reply_in(request, language)
    return language


def reply_language(request: Request) -> Language:
    """`get_language` as a plain call, for the hot routes that resolve no dependencies."""
    settings: Settings = request.app.state.settings
    language = negotiate_language(request.headers.get("accept-language"), settings.default_language)
    word_reply_in(request, language)
    return language


# `openapi_extra` parameters of a route that reads Accept-Language through `reply_language`.
ACCEPT_LANGUAGE_PARAMETER = {
    "name": "accept-language",
    "in": "header",
    "required": False,
    "description": "id (Bahasa Indonesia, the default) or en; q-values are honoured.",
    "schema": {"type": "string"},
}


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
StoreDep = Annotated[ModelStore, Depends(get_store)]
ProgramStoreDep = Annotated[ProgramStore, Depends(get_program_store)]
WorkerSyncDep = Annotated[WorkerSync, Depends(get_worker_sync)]
ModelDep = Annotated[LoadedModel, Depends(get_model)]
MetricsDep = Annotated[ServiceMetrics, Depends(get_metrics)]
LanguageDep = Annotated[Language, Depends(get_language)]


async def single_query_values(request: Request) -> None:
    """Refuse a query parameter given more than once (422, as any invalid field): no route
    takes a list in its query, and reading the last of `?page_size=x&page_size=1` would accept
    what the OpenAPI document says is invalid.

    `async` although it awaits nothing: FastAPI runs a plain function on its thread pool, and
    this one runs on every request (the hop had cost a third of a single score's CPU)."""
    query = request.query_params
    repeated = sorted({key for key in query if len(query.getlist(key)) > 1})
    if repeated:
        raise RequestValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ("query", key),
                    "msg": "given more than once",
                    "input": None,
                    "ctx": {"error": FieldRuleError("field_repeated")},
                }
                for key in repeated
            ]
        )
