"""Routes of the program managers' web page: the page, its "how the list is made" page, its
static files, the candidates template, a number reader, and three API routes.

The page is a client like any other: `POST /v1/prioritize/upload` turns a CSV/XLSX file into the
same list `POST /v1/prioritize` gives (plus what a person needs to read it), `POST /v1/lists/export`
turns that answer into files, and `POST /v1/problems/export` writes a refused file's problems as a
file. Each /v1 route takes the scope of its API equivalent: making a list and exporting it
`lists` (as `POST /v1/prioritize`), reading a recorded one `read`, recording outcomes `outcomes`;
a refused file's problems, a candidates file's or an outcomes file's, `lists` or `outcomes`. The
page's helpers (template, number reader) hold no data and need no key.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.templating import Jinja2Templates

from data.contract import AREA_TYPES, GENDERS, PROFILE_COLUMNS, SECTORS
from data.messages import LANGUAGES, Language, render
from data.numbers import NumberError, NumberKind, parse_number
from data.reference import island_groups, provinces
from data.store.errors import StoreError
from data.store.repository import ProgramStore
from data.store.requests import Replay, RequestKey
from data.template import build_candidates_template, choices_for
from service.auth import (
    ListsKey,
    OutcomesKey,
    ReadKey,
    ScopeError,
    api_key_header,
    authorize,
)
from service.body import documented_body, read_json_body
from service.deps import (
    LanguageDep,
    MetricsDep,
    ModelDep,
    ProgramStoreDep,
    SettingsDep,
    reply_language,
)
from service.errors import error_response, store_refusal, validation_error
from service.headers import word_reply_in
from service.idempotency import (
    IDEMPOTENCY_RESPONSES,
    REPLAYED,
    IdempotencyKeyHeader,
    claim_key,
    release_key,
)
from service.keys import ApiKey, Scope
from service.limits import RouteLimit
from service.metrics import ServiceMetrics
from service.model_store import LoadedModel
from service.program_schemas import DEFAULT_EXPLORATION_SHARE, ListId
from service.request_problems import readable_field
from service.routes.responses import ERROR_RESPONSES, PROGRAM_RESPONSES
from service.schemas import ErrorResponse, Problem
from service.settings import Settings
from service.web.exports import ExportFile, ExportRefusedError, export_list
from service.web.form_numbers import number_problem, understood_text
from service.web.i18n import catalog, format_bytes, format_number, message
from service.web.issued import (
    read_outcomes_file,
    record_outcomes_file,
    recording,
    reopened_list,
)
from service.web.lists import (
    KeepFactors,
    PreviewedOption,
    Prioritize,
    UploadError,
    check_size,
    make_list,
    option_value_problem,
    parse_options,
    unrecorded,
)
from service.web.problem_files import export_problems, group_problems
from service.web.schemas import (
    CsvStyle,
    ExportFormat,
    ExportPart,
    OutcomesUploadResponse,
    ProblemsExport,
    UploadOptions,
    UploadResponse,
)

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"
STATIC_MEDIA_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
UPLOAD_PATH = "/v1/prioritize/upload"
EXPORT_PATH = "/v1/lists/export"
PROBLEMS_EXPORT_PATH = "/v1/problems/export"
LISTS_UPLOAD_PATH = "/v1/lists/upload"
OUTCOMES_UPLOAD_PATH = "/v1/outcomes/upload"
# The `csv_style` query parameter of every CSV export (the list's, a recorded list's, problems').
CsvStyleQuery = Annotated[
    CsvStyle,
    Query(
        description="CSV only. standard: comma-separated, decimal point (other systems); "
        "excel_id: semicolon-separated, decimal comma, for Excel set to Indonesian. Both UTF-8 "
        "with a byte-order mark, formulas neutralised."
    ),
]
# The `format` and `part` query parameters of a list's export (the list's, a recorded list's).
ExportFormatQuery = Annotated[
    ExportFormat,
    Query(alias="format", description="xlsx (default): one workbook; csv: one file, one list"),
]
ExportPartQuery = Annotated[
    ExportPart,
    Query(
        description="xlsx: all (default) gives every sheet (selected, not selected, summary); "
        "selected or not_selected that list with the summary. csv: one file holding one list: "
        "all (default) and selected give the selected MSMEs, not_selected the others with "
        "their reasons (download it as a second file)."
    ),
]
# The answer of the routes that send a file.
FILE_ANSWER: dict[str, Any] = {
    "content": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
        "text/csv": {},
    },
    "description": "The file, as an attachment",
}
# Who issued a list on the page when the API is open (no key names it).
PAGE_ISSUER = "page"
TEMPLATE_PATH = "/template.xlsx"
NUMBER_PATH = "/numbers/understood"
HOW_PATH = "/how"
TEMPLATE_NAMES: dict[Language, str] = {
    "id": "templat-kandidat-umkm.xlsx",
    "en": "msme-candidates-template.xlsx",
}
# The page loads only its own files and talks only to its own origin.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter()
# Each route names its key's scope (`ListsKey`, `ReadKey`, `OutcomesKey`), as the API's routes do.
_api = APIRouter(prefix="/v1", tags=["web page"])
# The scopes of the uploads whose refusals `POST /v1/problems/export` writes as a file.
PROBLEMS_SCOPES: frozenset[Scope] = frozenset({"lists", "outcomes"})


async def require_problems_key(
    request: Request, api_key: Annotated[str | None, Depends(api_key_header)]
) -> ApiKey:
    """A key that may upload a file, candidates (`lists`) or outcomes (`outcomes`): either may
    download its refused file's problems; a key with neither is told of `lists`."""
    key = authorize(request, api_key, None)
    if not key.scopes & PROBLEMS_SCOPES:
        raise ScopeError(key, "lists")
    return key


ProblemsKey = Annotated[ApiKey, Depends(require_problems_key)]


def body_limits(settings: Settings) -> dict[str, RouteLimit]:
    """Body limits of this module's API routes, for the app's BodyLimitMiddleware: an upload may
    be as large as the longest /v1/prioritize body, and so may the list sent back for export."""
    limit = settings.body_limit_prioritize
    return {
        UPLOAD_PATH: RouteLimit(limit, "file"),
        EXPORT_PATH: RouteLimit(limit),
        PROBLEMS_EXPORT_PATH: RouteLimit(limit),
        LISTS_UPLOAD_PATH: RouteLimit(limit, "file"),
        OUTCOMES_UPLOAD_PATH: RouteLimit(limit, "file"),
    }


# ------------------------------------------------------------------------------- the page


@cache
def _templates() -> Jinja2Templates:
    return Jinja2Templates(directory=WEB_DIR / "templates")


@cache
def _static_files() -> dict[str, Path]:
    """The files the page may load, with a version tag (content hash) for cache busting."""
    return {path.name: path for path in STATIC_DIR.iterdir() if path.suffix in STATIC_MEDIA_TYPES}


@cache
def _static_version(name: str) -> str:
    return hashlib.sha256(_static_files()[name].read_bytes()).hexdigest()[:12]


def _page_config(settings: Settings, root: str) -> dict[str, Any]:
    table = provinces()
    return {
        "defaultLanguage": settings.default_language,
        "languages": list(LANGUAGES),
        "catalogs": {language: catalog(language) for language in LANGUAGES},
        "provinces": [
            {"code": code, "name": name}
            for code, name in zip(table["province_code"], table["province_name"], strict=True)
        ],
        "provinceNames": dict(zip(table["province_code"], table["province_name"], strict=True)),
        "minShareValues": {
            "owner_gender": list(GENDERS),
            "province_code": list(table["province_code"]),
            "area_type": list(AREA_TYPES),
            "sector": list(SECTORS),
            "island_group": list(island_groups()),
        },
        "maxRows": settings.max_prioritize_msmes,
        "maxUploadBytes": settings.body_limit_prioritize,
        "columns": accepted_columns(),
        "endpoints": {
            "upload": root + UPLOAD_PATH,
            "export": root + EXPORT_PATH,
            "problems": root + PROBLEMS_EXPORT_PATH,
            "template": root + TEMPLATE_PATH,
            "number": root + NUMBER_PATH,
            "how": root + HOW_PATH,
            "listsUpload": root + LISTS_UPLOAD_PATH,
            "lists": root + "/v1/lists",
            "outcomesUpload": root + OUTCOMES_UPLOAD_PATH,
            "model": root + "/v1/model",
        },
        "defaultExplorationShare": DEFAULT_EXPLORATION_SHARE,
    }


@cache
def accepted_columns() -> list[dict[str, Any]]:
    """The columns a file may hold and the values each accepts, in both languages: the same
    headers and values the template's drop-downs offer (`data.template`); `nullable`: the
    column is required but its cells may be empty (the contract's, as the template says)."""
    columns = []
    for spec in PROFILE_COLUMNS:
        columns.append(
            {
                "name": spec.name,
                "header": {"id": spec.term_id, "en": spec.name},
                "required": spec.required,
                "nullable": spec.nullable,
                "kind": spec.kind,
                "values": {language: choices_for(spec, language) for language in LANGUAGES},
                "minimum": spec.minimum,
                "maximum": spec.maximum,
            }
        )
    return columns


@router.get("/", include_in_schema=False, response_class=HTMLResponse)
def page(request: Request, settings: SettingsDep) -> Response:
    """The page, rendered in the default language; its script switches language in place."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    language: Language = settings.default_language
    context = {
        "language": language,
        "languages": LANGUAGES,
        "t": catalog(language),
        # The required columns' headers as the template (and the page's column list) head
        # them in each language: `kode provinsi` on the Bahasa page, `province_code` in English.
        "required_columns": {
            "id": ", ".join(spec.term_id for spec in PROFILE_COLUMNS if spec.required),
            "en": ", ".join(spec.name for spec in PROFILE_COLUMNS if spec.required),
        },
        "upload_limit_text": message(
            language,
            "upload.limit",
            rows=format_number(settings.max_prioritize_msmes, language, 0),
            size=format_bytes(settings.body_limit_prioritize, language),
        ),
        "page_config": _page_config(settings, root),
        "how_url": root + HOW_PATH,
        "template_url": root + TEMPLATE_PATH,
        "static_url": lambda name: f"{root}/static/{name}?v={_static_version(name)}",
    }
    return _templates().TemplateResponse(request, "index.html", context, headers=PAGE_HEADERS)


@router.get(HOW_PATH, include_in_schema=False, response_class=HTMLResponse)
def how_page(
    request: Request,
    settings: SettingsDep,
    lang: Annotated[Language | None, Query()] = None,
) -> Response:
    """How the list is made, in plain words (Bahasa Indonesia or English)."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    language: Language = lang or settings.default_language
    context = {
        "language": language,
        "languages": LANGUAGES,
        "t": catalog(language),
        "root": root,
        "static_url": lambda name: f"{root}/static/{name}?v={_static_version(name)}",
    }
    return _templates().TemplateResponse(request, "how.html", context, headers=PAGE_HEADERS)


@router.get("/favicon.ico", include_in_schema=False)
def favicon(request: Request) -> Response:
    """Browsers ask for /favicon.ico; the page's icon is an SVG."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return RedirectResponse(f"{root}/static/favicon.svg", status_code=308)


@router.get(
    TEMPLATE_PATH,
    summary="A candidates workbook to fill in (headers, drop-down lists, an example row)",
    tags=["web page"],
    response_class=Response,
    responses={
        200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
        422: ERROR_RESPONSES[422],
    },
)
def candidates_template(
    settings: SettingsDep, lang: Annotated[Language | None, Query()] = None
) -> Response:
    """The XLSX template in Bahasa Indonesia or English; a filled template uploads as it is."""
    language: Language = lang or settings.default_language
    return Response(
        _template_bytes(language),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="{TEMPLATE_NAMES[language]}"',
            "Content-Language": language,
        },
    )


@cache
def _template_bytes(language: Language) -> bytes:
    return build_candidates_template(language)


@router.get(
    NUMBER_PATH,
    summary="A number as typed, as the page understands it",
    tags=["web page"],
    responses={422: ERROR_RESPONSES[422]},
)
def number_understood(
    text: Annotated[str, Query(max_length=200)],
    kind: Annotated[NumberKind, Query()] = "number",
    lang: Annotated[Language, Query()] = "id",
    option: Annotated[
        PreviewedOption | None,
        Query(description="The list option the number is for: also checked against its bounds."),
    ] = None,
) -> dict[str, Any]:
    """What `1.000`, `Rp 500.000.000` or `70,5%` will be read as, before anything runs; with
    `option`, a number the list would refuse (0 slots) is a problem, in the refusal's words."""
    try:
        parsed = parse_number(text, kind)
    except NumberError as error:
        return {"ok": False, "code": error.code, "problem": number_problem(error, lang)}
    refused = None if option is None else option_value_problem(option, parsed.value, lang)
    if refused is not None:
        return {"ok": False, "code": "option_out_of_bounds", "problem": refused}
    return {
        "ok": True,
        "value": parsed.value,
        "understood": understood_text(parsed, lang),
        "read_as_percent": parsed.read_as_percent,
    }


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: str) -> Response:
    """One of the page's own files (nothing else is served from disk)."""
    path = _static_files().get(name)
    if path is None:
        return error_response(404, "not_found", "No such file.")  # the API's error shape
    return FileResponse(
        path,
        media_type=STATIC_MEDIA_TYPES[path.suffix],
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


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


@_api.post(
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


@_api.post(
    "/lists/upload",
    response_model=UploadResponse,
    summary="Build a mentoring list from a CSV or XLSX file and record it (as POST /v1/lists)",
    responses=UPLOAD_ERRORS | IDEMPOTENCY_RESPONSES,
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
    idempotency_key: IdempotencyKeyHeader = None,
) -> UploadResponse | JSONResponse:
    """What POST /v1/prioritize/upload answers, with `exploration_share` of the slots (default
    0.1) drawn at random, and the list recorded with its file name, like POST /v1/lists: the
    answer carries `list_id`; GET /v1/lists shows it among the lists issued. With an
    `Idempotency-Key` (the page sends one per upload, and the same again when it re-sends an
    upload whose answer never came), the same file and options again answer the list already
    recorded, reopened from the store, instead of recording another."""
    claimed: RequestKey | None = None
    if idempotency_key is not None:
        claim = await _claim_upload(
            store, key, idempotency_key, file, options, language=language, issues_list=True
        )
        if isinstance(claim, JSONResponse):
            return claim
        if isinstance(claim, Replay):
            issued = await run_in_threadpool(store.get_list, str(claim.list_id))
            reopened = await run_in_threadpool(reopened_list, issued, loaded, language)
            return JSONResponse(reopened.model_dump(mode="json"), headers=REPLAYED)
        claimed = claim
    record = partial(recording, store, created_by=_issuer(key), request=claimed)
    answer: UploadResponse | JSONResponse | None = None
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
    finally:
        if claimed is not None and not isinstance(answer, UploadResponse):
            await release_key(store, claimed)
    return answer


async def _claim_upload(
    store: ProgramStore,
    key: ApiKey,
    header: str,
    file: UploadFile,
    form: str,
    *,
    language: Language,
    issues_list: bool,
) -> RequestKey | Replay | JSONResponse:
    """`claim_key` for a page upload: its digest is the SHA-256 of its other form field (the
    options, or the list an outcomes file is for), file name and bytes (not of the multipart
    body, whose boundary a browser draws afresh for each sending); the file is read back from
    its start."""
    digest = hashlib.sha256(form.encode() + b"\0" + (file.filename or "").encode() + b"\0")
    while chunk := await file.read(1 << 20):
        digest.update(chunk)
    await file.seek(0)
    return await claim_key(
        store, _issuer(key), header, digest.hexdigest(), language, issues_list=issues_list
    )


def _issuer(key: ApiKey) -> str:
    """Who issued a list or recorded outcomes: the key's name, or the page when the API is open."""
    return PAGE_ISSUER if key.name == "anonymous" else key.name


def _reopened(
    request: Request, store: ProgramStore, list_id: str, language: Language
) -> UploadResponse:
    loaded = request.app.state.model_store.current
    return reopened_list(store.get_list(list_id), loaded, language)


@_api.get(
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


@_api.get(
    "/lists/{list_id}/export",
    summary="A recorded list as XLSX or CSV, from the store",
    response_class=Response,
    responses={
        200: FILE_ANSWER,
        **{code: (ERROR_RESPONSES | PROGRAM_RESPONSES)[code] for code in (401, 403, 404, 422, 503)},
    },
)
async def get_list_export(  # noqa: PLR0917  (FastAPI passes dependencies by name)
    request: Request,
    list_id: ListId,
    _key: ReadKey,
    store: ProgramStoreDep,
    language: LanguageDep,
    export_format: ExportFormatQuery = "xlsx",
    part: ExportPartQuery = "all",
    csv_style: CsvStyleQuery = "standard",
) -> Response:
    """The files POST /v1/lists/export writes, for a recorded list, dated when it was issued
    (not when it is downloaded)."""
    try:
        issued = await run_in_threadpool(store.get_list, list_id)
        loaded = request.app.state.model_store.current
        reopened = await run_in_threadpool(reopened_list, issued, loaded, language)
        exported = await run_in_threadpool(
            export_list, reopened, export_format, part, language, csv_style=csv_style
        )
    except StoreError as error:  # an unknown list: 404
        return store_refusal(error, language).response()
    except ExportRefusedError as refused:
        return _export_refusal(refused, language)
    return _attachment(exported, language)


@_api.post(
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
    claimed: RequestKey | None = None
    answer: OutcomesUploadResponse | JSONResponse | None = None
    try:
        if idempotency_key is not None and not dry_run:
            claim = await _claim_upload(
                store, key, idempotency_key, file, list_id, language=language, issues_list=False
            )
            if isinstance(claim, JSONResponse):
                return claim
            if isinstance(claim, Replay):
                word_reply_in(request, claim.language)
                return Response(claim.reply, media_type="application/json", headers=REPLAYED)
            claimed = claim
        limit = settings.body_limit_prioritize
        check_size(file.size or 0, limit, language, "error.too_large_outcomes")
        with tempfile.TemporaryDirectory(prefix="umkm-outcomes-") as folder:
            path = await _saved(file, folder, filename)
            parsed = await run_in_threadpool(
                read_outcomes_file, path, filename, language, settings.max_prioritize_msmes
            )
        answer = await run_in_threadpool(
            partial(record_outcomes_file, request=claimed, dry_run=dry_run),
            store,
            list_id,
            parsed,
            filename=filename,
            recorded_by=_issuer(key),
            language=language,
        )
    except UploadError as refused:
        answer = _refusal(refused)
    finally:
        await file.close()
        if claimed is not None and not isinstance(answer, OutcomesUploadResponse):
            await release_key(store, claimed)
    return answer


# ------------------------------------------------------------------------------- export


@_api.post(
    "/lists/export",
    summary="A mentoring list as XLSX (selected + not selected + summary) or CSV",
    response_class=Response,
    responses={
        200: FILE_ANSWER,
        **{code: ERROR_RESPONSES[code] for code in (401, 403, 413, 415, 422)},
    },
    openapi_extra=documented_body(UploadResponse),
)
async def post_export(
    request: Request,
    _key: ListsKey,
    export_format: ExportFormatQuery = "xlsx",
    part: ExportPartQuery = "all",
    csv_style: CsvStyleQuery = "standard",
) -> Response:
    """Send back the answer of POST /v1/prioritize/upload; get the list as a file in the list's
    language. The XLSX has the selected MSMEs, the not-selected ones with their reasons, and a
    summary; CSV gives one of the two lists per file (`part`), in `csv_style`."""
    body = await read_json_body(request, UploadResponse)  # strictly typed, like every JSON body
    try:
        exported = await run_in_threadpool(
            export_list, body, export_format, part, body.language, csv_style=csv_style
        )
    except ExportRefusedError as refused:
        return _export_refusal(refused, reply_language(request))
    return _attachment(exported, body.language)


def _export_refusal(refused: ExportRefusedError, language: Language) -> JSONResponse:
    """422 naming each field whose text a spreadsheet would misread, in `language`."""
    problems = [
        Problem(
            field=field,
            type="control_character",
            reason=render("field_control_character", {"field": readable_field(field)}, language),
        )
        for field in refused.fields
    ]
    return validation_error(problems, language)


def _attachment(exported: ExportFile, language: Language) -> Response:
    """An exported file as a download, in the language it is written in."""
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{exported.filename}"',
            "Content-Language": language,
        },
    )


@_api.post(
    "/problems/export",
    summary="A refused file's problems as CSV or XLSX",
    response_class=Response,
    responses={
        200: FILE_ANSWER,
        **{code: ERROR_RESPONSES[code] for code in (401, 403, 413, 415, 422)},
    },
    openapi_extra=documented_body(ProblemsExport),
)
async def post_problems_export(
    request: Request,
    _key: ProblemsKey,
    export_format: Annotated[ExportFormat, Query(alias="format")] = "csv",
    csv_style: CsvStyleQuery = "standard",
) -> Response:
    """Send back the `problems` of a refused upload (of candidates or of outcomes); get every
    one of them as a file, one per line (row, column, problem, fix), headed in the given
    language (a CSV in `csv_style`). A key with `lists` or `outcomes` may."""
    body = await read_json_body(request, ProblemsExport)
    exported = await run_in_threadpool(
        export_problems, body.problems, export_format, body.language, csv_style=csv_style
    )
    return _attachment(exported, body.language)


router.include_router(_api)
