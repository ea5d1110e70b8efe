"""The page's API routes that take a file, each with the scope of its API equivalent: a list
from a candidates file (`POST /v1/prioritize/upload`, scope `lists`, as `POST /v1/prioritize`),
the same recorded (`POST /v1/lists/upload`, `lists`), a recorded list as the page shows it
(`GET /v1/lists/{id}/view`, `read`) and an outcomes file (`POST /v1/outcomes/upload`, `outcomes`).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from data.messages import Language
from data.store.errors import ListAlreadyIssuedError, StoreError
from data.store.repository import ProgramStore
from data.store.requests import Replay, RequestKey
from service.auth import ListsKey, OutcomesKey, ReadKey
from service.deps import LanguageDep, MetricsDep, ModelDep, ProgramStoreDep, SettingsDep
from service.errors import store_refusal
from service.headers import word_reply_in
from service.idempotency import (
    IDEMPOTENCY_RESPONSES,
    REPLAYED,
    IdempotencyKeyHeader,
    claim_key,
    holding_key,
)
from service.keys import ApiKey
from service.metrics import ServiceMetrics
from service.model_store import LoadedModel
from service.program_schemas import ListId
from service.routes.responses import ERROR_RESPONSES, PROGRAM_RESPONSES
from service.schemas import ErrorResponse, Problem
from service.settings import Settings
from service.web.issued import read_outcomes_file, record_outcomes_file, recording, reopened_list
from service.web.lists import KeepFactors, Prioritize, make_list, unrecorded
from service.web.problem_files import group_problems
from service.web.problems import UploadError
from service.web.repeats import (
    PAGE_ISSUER,
    REPEAT_WINDOW,
    ListAlreadyIssuedResponse,
    already_issued,
    issue_digest,
    issued_before,
)
from service.web.schemas import OutcomesUploadResponse, UploadOptions, UploadResponse
from service.web.upload_file import check_size
from service.web.upload_options import parse_options

UPLOAD_PATH = "/v1/prioritize/upload"
LISTS_UPLOAD_PATH = "/v1/lists/upload"
OUTCOMES_UPLOAD_PATH = "/v1/outcomes/upload"

# Each route names its key's scope (`ListsKey`, `ReadKey`, `OutcomesKey`), as the API's routes do.
router = APIRouter(prefix="/v1", tags=["web page"])


# ------------------------------------------------------------------------------- upload


class UploadProblem(Problem):
    """A problem of an uploaded file: its spreadsheet row and column, and how to fix it. The
    three are absent when the request itself is malformed (a missing form field, say)."""

    row: int | None = Field(
        default=None, description="Spreadsheet row (header = 1); null for the whole file."
    )
    column: str | None = Field(default=None, description="Column of the file, if one.")
    fix: str | None = Field(default=None, description="How to fix it, in the requested language.")


class UploadProblemGroup(BaseModel):
    """Problems sharing a column and a reason, with how many there are and the first rows."""

    column: str | None
    reason: str
    fix: str | None
    count: int
    rows: list[int] = Field(description="The first rows (at most 10), in file order.")


class UploadErrorResponse(ErrorResponse):
    """Why an upload was refused; nothing of it was applied."""

    problems: list[UploadProblem] = Field(default_factory=list)  # type: ignore[assignment]
    groups: list[UploadProblemGroup] = Field(
        default_factory=list, description="The problems grouped by column and reason."
    )


UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": UploadErrorResponse, "description": "The multipart body cannot be parsed"},
    401: ERROR_RESPONSES[401],
    403: ERROR_RESPONSES[403],
    413: {"model": UploadErrorResponse, "description": "File or list longer than the limits"},
    415: {"model": UploadErrorResponse, "description": "Not a CSV or XLSX file"},
    422: {
        "model": UploadErrorResponse,
        "description": "Every problem of the file (row, column, reason, fix), or constraints "
        "that cannot all hold; values are never echoed",
    },
    503: ERROR_RESPONSES[503],
}

# An outcomes file's refusals: every problem named by row as the candidates' are (one shape, one
# page table, one problem export); the MSME ids not on the list, and the dates, are named.
OUTCOMES_UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = UPLOAD_ERRORS | {
    404: {
        "model": UploadErrorResponse,
        "description": "The list is not in the records (`list_not_found`, no problems), or MSMEs "
        "of the file are not on it (`unknown_ids`): each in `problems` with its spreadsheet "
        "row, its column as the file heads it, the id it names and a fix, grouped in `groups`",
    },
    422: {
        "model": UploadErrorResponse,
        "description": "The file refused, nothing recorded: every problem of its rows "
        "(`invalid_file`, MSMEs not on the list among them) or every date that cannot be right "
        "(`invalid_outcome_dates`), each in `problems` with its spreadsheet row, its column as "
        "the file heads it, reason and fix in the language of Accept-Language, and grouped by "
        "column and reason in `groups`; columns the file lacks or repeats have no row. Send "
        "`problems` to POST /v1/problems/export for a file of them. Cell values are not "
        "echoed, but for the MSME ids not on the list and the dates that cannot be right. "
        "Also a malformed request or Idempotency-Key (`invalid_request`, its field named), or "
        "an Idempotency-Key sent before with another file (`idempotency_key_reused`)",
    },
}

OPTIONS_DESCRIPTION = (
    "JSON object with the options of POST /v1/prioritize (capacity, quotas, min_share, budget, "
    "exclude_digital, only_beneficial, time_limit_seconds) and cost_column, e.g. "
    '{"capacity": 300, "quotas": {"31": 40}, "min_share": [{"column": "owner_gender", '
    '"value": "female", "share": 0.5}]}'
)


def _refusal(refused: UploadError) -> JSONResponse:
    items = [
        UploadProblem(
            field=problem.field or _field_path(problem.row, problem.column),
            type=refused.error,
            reason=problem.reason,
            row=problem.row,
            column=problem.column,
            fix=problem.fix,
        )
        for problem in refused.problems
    ]
    groups = [UploadProblemGroup(**group.__dict__) for group in group_problems(refused.problems)]
    body = UploadErrorResponse(
        error=refused.error, message=refused.message, problems=items, groups=groups
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=refused.status)


def _field_path(row: int | None, column: str | None) -> str:
    path = "file" if row is None else f"file.rows.{row}"
    return f"{path}.{column}" if column is not None else path


def _safe_name(filename: str | None) -> str:
    """The file's base name, reduced to harmless characters (it names a temporary file)."""
    base = Path(filename or "upload").name
    cleaned = re.sub(r"[^\w.\- ]", "_", base).strip(" .") or "upload"
    return cleaned[-120:]


@router.post(
    "/prioritize/upload",
    response_model=UploadResponse,
    summary="Build a mentoring list from a CSV or XLSX file of candidates",
    responses=UPLOAD_ERRORS,
)
async def post_upload(  # noqa: PLR0917  (FastAPI passes dependencies by name)
    file: Annotated[UploadFile, File(description="Candidates in the data contract's columns.")],
    options: Annotated[str, Form(description=OPTIONS_DESCRIPTION)],
    _key: ListsKey,
    loaded: ModelDep,
    settings: SettingsDep,
    language: LanguageDep,
    metrics: MetricsDep,
) -> UploadResponse | JSONResponse:
    """Reads the file (header in row 1), checks every row against the data contract and builds
    the list `POST /v1/prioritize` would build for those rows, with province names, reasons in
    the requested language and the spread of the slots. Any invalid row refuses the whole file,
    listing every problem with its spreadsheet row, column and fix; nothing is half-applied."""
    return await _list_from_upload(file, options, UPLOAD_PATH, loaded, settings, language, metrics)


async def _list_from_upload(  # noqa: PLR0917  (the routes' dependencies, passed on)
    file: UploadFile,
    options: str,
    route: str,
    loaded: LoadedModel,
    settings: Settings,
    language: Language,
    metrics: ServiceMetrics,
    record: Callable[[UploadOptions, str], Prioritize] | None = None,
    keep_factors: KeepFactors | None = None,
) -> UploadResponse | JSONResponse:
    """The list made from an uploaded file, by `record(options, filename)` when given (a list
    recorded as issued, its selected MSMEs' factors kept by `keep_factors`), else as
    POST /v1/prioritize makes it; a refusal as its answer."""
    filename = _safe_name(file.filename)
    try:
        chosen, understood = parse_options(options, language)
        check_size(file.size or 0, settings.body_limit_prioritize, language)
        prioritize = unrecorded if record is None else record(chosen, filename)
        with tempfile.TemporaryDirectory(prefix="umkm-upload-") as folder:
            path = await _saved(file, folder, filename)
            result = await run_in_threadpool(
                make_list,
                path,
                filename,
                options=chosen,
                loaded=loaded,
                language=language,
                max_rows=settings.max_prioritize_msmes,
                prioritize=prioritize,
                recorded=record is not None,
                keep_factors=keep_factors,
            )
    except UploadError as refused:
        return _refusal(refused)
    finally:
        await file.close()
    result.understood = understood
    metrics.msmes_scored.labels(route).inc(result.source.rows)
    return result


# ------------------------------------------------------------------------------- lists issued


async def _saved(file: UploadFile, folder: str, filename: str) -> Path:
    """The uploaded file written to `folder`, read in chunks."""
    path = Path(folder) / filename
    with path.open("wb") as out:
        while chunk := await file.read(1 << 20):
            out.write(chunk)
    return path


# A list upload's 409s: the same file and settings issued within a day, or a first sending with
# the same Idempotency-Key still being answered.
LISTS_UPLOAD_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ListAlreadyIssuedResponse,
        "description": "`list_already_issued`: a list was issued from the same file and "
        "settings (the draw's seed and the solver's time limit aside) within the last 24 "
        "hours, by any key or device; nothing was recorded. The message names its number, "
        "when (WIB) and by whom; `issued_before` carries its `list_id`, `created_at` and "
        "`created_by`. Send `repeat=true` to issue another list anyway. Or "
        "`request_in_progress`: the first sending of this request (same Idempotency-Key and "
        "body) is still being answered; send it again after `Retry-After` seconds to get its "
        "answer.",
    },
}


@router.post(
    "/lists/upload",
    response_model=UploadResponse,
    summary="Build a mentoring list from a CSV or XLSX file and record it (as POST /v1/lists)",
    responses=UPLOAD_ERRORS | IDEMPOTENCY_RESPONSES | LISTS_UPLOAD_CONFLICT,
)
async def post_lists_upload(  # noqa: PLR0917  (FastAPI passes dependencies by name)
    file: Annotated[UploadFile, File(description="Candidates in the data contract's columns.")],
    options: Annotated[str, Form(description=OPTIONS_DESCRIPTION)],
    key: ListsKey,
    loaded: ModelDep,
    store: ProgramStoreDep,
    settings: SettingsDep,
    language: LanguageDep,
    metrics: MetricsDep,
    repeat: Annotated[
        bool,
        Form(
            description="Issue the list even though the same file and settings were issued "
            "within the last 24 hours (without it: 409 `list_already_issued`)."
        ),
    ] = False,
    idempotency_key: IdempotencyKeyHeader = None,
) -> UploadResponse | JSONResponse:
    """What POST /v1/prioritize/upload answers, with `exploration_share` of the slots (default
    0.1) drawn at random, and the list recorded with its file name, like POST /v1/lists: the
    answer carries `list_id`; GET /v1/lists shows it among the lists issued. With an
    `Idempotency-Key` (the page sends one per upload, and the same again when it re-sends an
    upload whose answer never came), the same file and options again answer the list already
    recorded, reopened from the store, instead of recording another. Without one (or with a
    new one), the same file and settings (the draw's seed and time limit aside) issued within
    the last 24 hours by anyone are refused with 409 `list_already_issued`, naming that list,
    unless `repeat` is true."""
    claim = await _claim_upload(
        store, key, idempotency_key, file, options, language=language, issues_list=True
    )
    if isinstance(claim, JSONResponse):
        return claim
    if isinstance(claim, Replay):
        issued = await run_in_threadpool(store.get_list, str(claim.list_id))
        reopened = await run_in_threadpool(reopened_list, issued, loaded, language)
        return JSONResponse(reopened.model_dump(mode="json"), headers=REPLAYED)
    async with holding_key(store, claim) as held:
        digest = await _source_digest(file, options, language)
        if digest is not None and not repeat:
            earlier = await run_in_threadpool(issued_before, store, digest, language)
            if earlier is not None:
                return JSONResponse(earlier.model_dump(mode="json"), status_code=409)
        record = partial(
            recording,
            store,
            created_by=_issuer(key),
            request=claim,
            source_digest=digest,
            refuse_repeat_within=None if repeat else REPEAT_WINDOW,
        )
        try:
            answer = await _list_from_upload(
                file,
                options,
                LISTS_UPLOAD_PATH,
                loaded,
                settings,
                language,
                metrics,
                record,
                keep_factors=store.attach_factors,
            )
        except ListAlreadyIssuedError as repeated:  # issued at the same moment, from another device
            refusal = already_issued(repeated.earlier, language)
            return JSONResponse(refusal.model_dump(mode="json"), status_code=409)
        if isinstance(answer, UploadResponse):
            held.keep()
        return answer


async def _source_digest(file: UploadFile, options: str, language: Language) -> str | None:
    """The digest of the upload's file and settings (`service.web.repeats.issue_digest`), the
    file read back from its start; None when the settings cannot be read (building the list
    refuses them)."""
    try:
        chosen, _ = parse_options(options, language)
    except UploadError:
        return None
    return issue_digest(await _sha256(file), chosen)


async def _claim_upload(
    store: ProgramStore,
    key: ApiKey,
    header: str | None,
    file: UploadFile,
    form: str,
    *,
    language: Language,
    issues_list: bool,
) -> RequestKey | Replay | JSONResponse | None:
    """`claim_key` for a page upload (None without a header): its digest is the SHA-256 of its
    other form field (the options, or the list an outcomes file is for), file name and bytes
    (not of the multipart body, whose boundary a browser draws afresh for each sending); the
    file is read back from its start."""
    if header is None:
        return None
    digest = await _sha256(file, form.encode() + b"\0" + (file.filename or "").encode() + b"\0")
    return await claim_key(store, _issuer(key), header, digest, language, issues_list=issues_list)


async def _sha256(file: UploadFile, prefix: bytes = b"") -> str:
    """The SHA-256 (hex) of `prefix` and the file's bytes, read in chunks; the file is read back
    from its start after."""
    digest = hashlib.sha256(prefix)
    while chunk := await file.read(1 << 20):
        digest.update(chunk)
    await file.seek(0)
    return digest.hexdigest()


def _issuer(key: ApiKey) -> str:
    """Who issued a list or recorded outcomes: the key's name, or the page when the API is open."""
    return PAGE_ISSUER if key.name == "anonymous" else key.name


def _reopened(
    request: Request, store: ProgramStore, list_id: str, language: Language
) -> UploadResponse:
    loaded = request.app.state.model_store.current
    return reopened_list(store.get_list(list_id), loaded, language)


@router.get(
    "/lists/{list_id}/view",
    response_model=UploadResponse,
    summary="A recorded list as the page shows it (table, figures), from the store",
    responses={
        code: (ERROR_RESPONSES | PROGRAM_RESPONSES)[code] for code in (401, 403, 404, 422, 503)
    },
)
async def get_list_view(
    request: Request,
    list_id: ListId,
    _key: ReadKey,
    store: ProgramStoreDep,
    language: LanguageDep,
) -> UploadResponse | Response:
    """The list as recorded: its MSMEs with their recorded scores and how each was selected,
    the spread of the slots; send it to POST /v1/lists/export, or use GET .../export."""
    try:
        return await run_in_threadpool(_reopened, request, store, list_id, language)
    except StoreError as error:  # an unknown list: 404
        return store_refusal(error, language).response()


@router.post(
    "/outcomes/upload",
    response_model=OutcomesUploadResponse,
    summary="Record the outcomes of a list from a CSV or XLSX file (idempotent), or check it only",
    responses=OUTCOMES_UPLOAD_ERRORS | IDEMPOTENCY_RESPONSES,
)
async def post_outcomes_upload(  # noqa: PLR0917  (FastAPI passes dependencies by name)
    request: Request,
    file: Annotated[
        UploadFile,
        File(description="msme_id, mentored, digitalized, a date; verified_by, program optional."),
    ],
    list_id: Annotated[ListId, Form(description="The list the outcomes belong to.")],
    key: OutcomesKey,
    store: ProgramStoreDep,
    settings: SettingsDep,
    language: LanguageDep,
    dry_run: Annotated[
        bool,
        Form(
            description="Check only: the same checks and refusals as recording, answered with "
            "the counts recording would give now (`dry_run` true); nothing is recorded and an "
            "`Idempotency-Key` is not claimed."
        ),
    ] = False,
    idempotency_key: IdempotencyKeyHeader = None,
) -> OutcomesUploadResponse | Response:
    """Reads the file (Bahasa headers and ya/tidak accepted), refuses it whole with every
    problem if any row is wrong, as a candidates file is refused (row, column, reason, fix,
    and the problems grouped; POST /v1/problems/export writes them), and records the outcomes as
    POST /v1/outcomes does: the same file twice stores them once; MSMEs not on the list, and
    dates that cannot be right (later than tomorrow, observed before the mentoring, before the
    list), are named by row and column as the file heads it; outcomes that say mentored for
    MSMEs the list did not select are recorded with a warning. With an `Idempotency-Key` (the
    page sends one per upload, and the same again when it re-sends an upload whose answer never
    came), the same file for the same list again gets the first answer and is not applied
    again: a late retry cannot put old values back over a correction recorded since. With
    `dry_run` the file is only checked (the page re-words a refusal so on a language switch):
    a check records nothing, so it neither claims nor answers an `Idempotency-Key`."""
    filename = _safe_name(file.filename)
    header = None if dry_run else idempotency_key  # a check records nothing: no key claimed
    try:
        claim = await _claim_upload(
            store, key, header, file, list_id, language=language, issues_list=False
        )
        if isinstance(claim, JSONResponse):
            return claim
        if isinstance(claim, Replay):
            word_reply_in(request, claim.language)
            return Response(claim.reply, media_type="application/json", headers=REPLAYED)
        async with holding_key(store, claim) as held:
            limit = settings.body_limit_prioritize
            check_size(file.size or 0, limit, language, "error.too_large_outcomes")
            with tempfile.TemporaryDirectory(prefix="umkm-outcomes-") as folder:
                path = await _saved(file, folder, filename)
                parsed = await run_in_threadpool(
                    read_outcomes_file, path, filename, language, settings.max_prioritize_msmes
                )
            answer = await run_in_threadpool(
                partial(record_outcomes_file, request=claim, dry_run=dry_run),
                store,
                list_id,
                parsed,
                filename=filename,
                recorded_by=_issuer(key),
                language=language,
            )
            held.keep()
            return answer
    except UploadError as refused:
        return _refusal(refused)
    finally:
        await file.close()
