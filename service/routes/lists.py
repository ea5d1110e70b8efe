"""POST /v1/lists (build a list as /v1/prioritize does, with exploration slots, and record it),
GET /v1/lists (paged), GET /v1/lists/{list_id} and GET /v1/lists/{list_id}/value."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from allocation import AllocationError
from data.messages import Language
from data.store.errors import StoreError
from data.store.repository import ProgramStore
from service.auth import ListsKey, ReadKey
from service.body import documented_body, read_json_body
from service.deps import (
    ACCEPT_LANGUAGE_PARAMETER,
    LanguageDep,
    ProgramStoreDep,
    current_model,
    reply_language,
)
from service.errors import allocation_refusal, check_msme_list, store_refusal
from service.heap import gc_paused_for
from service.idempotency import (
    IDEMPOTENCY_RESPONSES,
    REPLAYED,
    IdempotencyKeyHeader,
    claim_body,
    holding_key,
)
from service.list_value import list_value
from service.metrics import ServiceMetrics
from service.program import (
    issue_list,
    keep_selected_factors,
    list_detail,
    list_page,
)
from service.program_schemas import (
    IssuedListOut,
    IssuedListResponse,
    ListId,
    ListPage,
    ListRequest,
    ListValueOut,
    PageNumber,
    PageSize,
)
from service.routes.responses import ERROR_RESPONSES, PROGRAM_RESPONSES
from service.settings import Settings

router = APIRouter(tags=["lists"])
_Answer = TypeVar("_Answer")


@router.post(
    "/v1/lists",
    response_model=IssuedListResponse,
    status_code=status.HTTP_201_CREATED,
    summary="Build a mentoring list and record it, with a share of slots explored at random",
    responses=ERROR_RESPONSES | IDEMPOTENCY_RESPONSES,
    openapi_extra=documented_body(ListRequest) | {"parameters": [ACCEPT_LANGUAGE_PARAMETER]},
)
async def post_list(
    request: Request,
    key: ListsKey,
    store: ProgramStoreDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """The list POST /v1/prioritize would build, except that `exploration_share` of the slots
    (default 0.1) go at random to eligible MSMEs the model did not pick, within the same quotas
    and budget. The list and every candidate are recorded; each selected MSME says how it was
    selected and its exact selection probability. Send outcomes later to POST /v1/outcomes.
    With an `Idempotency-Key`, a retry of the same request answers the list already issued.
    The list keeps its selected MSMEs' reasons (their top factors, found once the answer is
    sent): reopened on the page, it shows them whatever model serves by then."""
    with gc_paused_for(request):
        body = await read_json_body(request, ListRequest)
        loaded = current_model(request)
        settings: Settings = request.app.state.settings
        metrics: ServiceMetrics = request.app.state.metrics
        check_msme_list(
            body.msmes, settings.max_prioritize_msmes, need_cost=body.budget is not None
        )
        language = reply_language(request)
        claim = await claim_body(
            request,
            store,
            key.name,
            idempotency_key,
            language,
            issues_list=True,
            replayed=lambda replay: _created(replay.reply, str(replay.list_id), replayed=True),
        )
        if isinstance(claim, Response):
            return claim
        async with holding_key(store, claim) as held:
            try:
                issued = await run_in_threadpool(
                    partial(issue_list, created_by=key.name, language=language, request=claim),
                    loaded,
                    body,
                    store,
                )
            except ValidationError as exc:
                raise RequestValidationError(exc.errors()) from None
            except AllocationError as exc:
                return allocation_refusal(exc, language).response()
            except StoreError as exc:
                return store_refusal(exc, language).response()
            held.keep()
        metrics.msmes_scored.labels("/v1/lists").inc(len(body.msmes))
        del body
    # The reasons' factors (TreeSHAP, CPU-bound) are found and kept after the answer is sent,
    # in the threadpool (a sync task): the answer carries no reasons and waits for none.
    keep = BackgroundTask(keep_selected_factors, store, loaded, issued.list_id, issued.selected)
    return _created(issued.payload, issued.list_id, replayed=False, background=keep)


def _created(
    payload: bytes, list_id: str, *, replayed: bool, background: BackgroundTask | None = None
) -> Response:
    headers = {"Location": f"/v1/lists/{list_id}"} | (REPLAYED if replayed else {})
    return Response(
        payload,
        status_code=status.HTTP_201_CREATED,
        media_type="application/json",
        headers=headers,
        background=background,
    )


@router.get(
    "/v1/lists",
    response_model=ListPage,
    summary="The lists issued, newest first",
    responses={code: (ERROR_RESPONSES | PROGRAM_RESPONSES)[code] for code in (401, 403, 422, 503)},
)
def get_lists(
    _key: ReadKey,
    store: ProgramStoreDep,
    language: LanguageDep,
    page: Annotated[PageNumber, Query()] = 1,
    page_size: Annotated[PageSize, Query()] = 50,
) -> ListPage:
    """When each list was issued, by which key, with which model, how many candidates, slots
    and outcomes it has, and its settings in a few words (`settings`, in the language of
    Accept-Language); `total` counts every list."""
    return list_page(store, page, page_size, language)


# The routes that read one list: its id in the path, the answers they may refuse with.
ListIdPath = Annotated[ListId, Path(description="The id POST /v1/lists answered.")]
ONE_LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: (ERROR_RESPONSES | PROGRAM_RESPONSES)[code] for code in (401, 403, 404, 422, 503)
}


def _one_list(
    read: Callable[[ProgramStore, str], _Answer],
    store: ProgramStore,
    list_id: str,
    language: Language,
) -> _Answer | Response:
    """`read(store, list_id)`, or the store's refusal (an unknown list: 404) in `language` as the
    answer."""
    try:
        return read(store, list_id)
    except StoreError as exc:
        return store_refusal(exc, language).response()


@router.get(
    "/v1/lists/{list_id}",
    response_model=IssuedListOut,
    summary="One issued list: every candidate, how it was selected, and its outcome counts",
    responses=ONE_LIST_RESPONSES,
)
def get_list(
    list_id: ListIdPath, _key: ReadKey, store: ProgramStoreDep, language: LanguageDep
) -> Response | IssuedListOut:
    """The list's options and constraints, every candidate as scored (ranked ones first) with
    its selection probability, and how many outcomes are in. An unknown id is refused (404) in
    the language of Accept-Language."""
    answer = _one_list(list_detail, store, list_id, language)
    if isinstance(answer, Response):
        return answer
    # Written by pydantic-core in one go: FastAPI's own path (to Python objects, then
    # `json.dumps`) took several seconds more for a 100,000-candidate list.
    return Response(answer.model_dump_json(by_alias=True), media_type="application/json")


@router.get(
    "/v1/lists/{list_id}/value",
    response_model=ListValueOut,
    summary="The model's list against random allocation, estimated from its explored slots",
    responses=ONE_LIST_RESPONSES,
)
def get_list_value(
    list_id: ListIdPath, _key: ReadKey, store: ProgramStoreDep, language: LanguageDep
) -> Response | ListValueOut:
    """Digitalizations per slot of the model's picks, of random allocation of the same slots
    among the list's eligible MSMEs, and their difference: inverse propensity and doubly robust,
    with intervals, from the outcomes in so far. Random allocation is seen only through the
    explored slots: `status` says when it cannot be estimated yet, and `note` what that means,
    in the language of Accept-Language."""
    return _one_list(partial(list_value, language=language), store, list_id, language)
