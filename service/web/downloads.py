"""The page's API routes that send a file: a list's answer as XLSX or CSV
(`POST /v1/lists/export`, scope `lists`, as `POST /v1/prioritize`), a recorded list's
(`GET /v1/lists/{id}/export`, `read`), and a refused file's problems, a candidates file's or an
outcomes file's (`POST /v1/problems/export`, `lists` or `outcomes`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from data.messages import Language, render
from data.store.errors import StoreError
from service.auth import ListsKey, ReadKey, ScopeError, api_key_header, authorize
from service.body import documented_body, read_json_body
from service.deps import LanguageDep, ProgramStoreDep, reply_language
from service.errors import store_refusal, validation_error
from service.keys import ApiKey, Scope
from service.program_schemas import ListId
from service.request_problems import readable_field
from service.routes.responses import ERROR_RESPONSES, PROGRAM_RESPONSES
from service.schemas import Problem
from service.web.export_files import ExportFile
from service.web.exports import ExportRefusedError, export_list
from service.web.issued import reopened_list
from service.web.problem_files import export_problems
from service.web.schemas import CsvStyle, ExportFormat, ExportPart, ProblemsExport, UploadResponse

EXPORT_PATH = "/v1/lists/export"
PROBLEMS_EXPORT_PATH = "/v1/problems/export"
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

# Each route names its key's scope (`ListsKey`, `ReadKey`, `ProblemsKey`), as the API's routes do.
router = APIRouter(prefix="/v1", tags=["web page"])
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


@router.get(
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


@router.post(
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


@router.post(
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
