"""The program managers' page and what it loads: the page itself (`/`), its "how the list is
made" page, its static files and favicon, the candidates template and a number reader. They
hold no data and need no key; the page's settings (`_page_config`) name the API routes it calls
(`service.web.uploads`, `service.web.downloads`).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from starlette.templating import Jinja2Templates

from data.contract import AREA_TYPES, GENDERS, PROFILE_COLUMNS, SECTORS
from data.messages import LANGUAGES, Language
from data.numbers import NumberError, NumberKind, parse_number
from data.reference import island_groups, provinces
from data.template import build_candidates_template, choices_for
from service.deps import SettingsDep
from service.errors import error_response
from service.program_schemas import DEFAULT_EXPLORATION_SHARE
from service.routes.responses import ERROR_RESPONSES
from service.settings import Settings
from service.web.downloads import EXPORT_PATH, PROBLEMS_EXPORT_PATH
from service.web.form_numbers import number_problem, understood_text
from service.web.i18n import catalog, format_bytes, format_number, message
from service.web.upload_options import PreviewedOption, option_value_problem
from service.web.uploads import LISTS_UPLOAD_PATH, OUTCOMES_UPLOAD_PATH, UPLOAD_PATH

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"
STATIC_MEDIA_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
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
