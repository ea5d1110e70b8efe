"""GET /docs: Swagger UI from files installed with the service, never from a CDN.

The files are swagger-ui-dist 5 as the `fastapi-offline` package ships them, read from the
installed package; the page works offline and under a CSP that allows only this origin (its one
inline script is allowed by hash). ReDoc is not served: /docs is the one documentation page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from importlib import resources

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from service.errors import error_response

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"
# The only files served: name -> media type.
DOCS_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon.png": "image/png",
}
ASSETS_PACKAGE = "fastapi_offline"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

router = APIRouter(include_in_schema=False)


@cache
def docs_asset(name: str) -> bytes:
    """One of the Swagger UI files, read once from the installed package."""
    return (resources.files(ASSETS_PACKAGE) / "static" / name).read_bytes()


def docs_page(root: str, title: str) -> tuple[str, str]:
    """The page's HTML and its Content-Security-Policy."""
    page = get_swagger_ui_html(
        openapi_url=f"{root}/openapi.json",
        title=f"{title} - API",
        swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
        oauth2_redirect_url=None,
        # No badge from validator.swagger.io: the page talks to this origin only.
        swagger_ui_parameters={"validatorUrl": None},
    )
    html = bytes(page.body).decode()
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(html)
    )
    policy = (
        f"default-src 'self'; script-src 'self' {hashes}; "
        # Swagger UI sets style attributes and draws its icons as data: images.
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    return html, policy


@router.get(DOCS_PATH)
async def docs(request: Request) -> HTMLResponse:
    """Swagger UI for this service's OpenAPI document."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    html, policy = docs_page(root, request.app.title)
    return HTMLResponse(html, headers={"Content-Security-Policy": policy})


@router.get(f"{ASSETS_PATH}/{{name}}")
async def docs_file(name: str) -> Response:
    """A file of Swagger UI (nothing else is served from there)."""
    if name not in DOCS_ASSETS:
        return error_response(404, "not_found", "No such file.")
    return Response(
        docs_asset(name),
        media_type=DOCS_ASSETS[name],
        headers={"Cache-Control": "public, max-age=86400"},
    )
