"""/docs works offline (Swagger UI from the installed package), /redoc is off, and every
response says `X-Content-Type-Options: nosniff`."""

from __future__ import annotations

import base64
import hashlib
import inspect
import re
from collections.abc import Callable
from importlib import resources

import pytest

from service.app import create_app
from service.docs import DOCS_ASSETS
from service.settings import Settings
from tests.service.support import AUTH, TestClient


def test_docs_page_loads_only_files_of_this_origin(client: TestClient) -> None:
    page = client.get("/docs")
    html = page.text

    assert page.status_code == 200
    assert "/docs/assets/swagger-ui-bundle.js" in html and "/docs/assets/swagger-ui.css" in html
    assert "/openapi.json" in html
    assert not re.search(r"(src|href)=\"?(https?:)?//", html), "the page must name no other host"
    assert "cdn" not in html.lower()
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "https:" not in policy
    # The one inline script (Swagger UI's start) is allowed by its hash, nothing else inline.
    (script,) = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}';" in policy


@pytest.mark.parametrize("name", sorted(DOCS_ASSETS))
def test_swagger_ui_files_come_from_the_installed_package(client: TestClient, name: str) -> None:
    served = client.get(f"/docs/assets/{name}")
    installed = (resources.files("fastapi_offline") / "static" / name).read_bytes()

    assert served.status_code == 200
    assert served.content == installed
    assert served.headers["content-type"].startswith(DOCS_ASSETS[name])


def test_swagger_ui_is_version_5_which_reads_openapi_3_1(client: TestClient) -> None:
    bundle = client.get("/docs/assets/swagger-ui-bundle.js").text
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    assert re.search(r'"5\.\d+\.\d+"', bundle) and "SwaggerUIBundle" in bundle


@pytest.mark.parametrize("path", ["/redoc", "/docs/assets/index.html", "/docs/oauth2-redirect"])
def test_no_other_documentation_is_served(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status"),
    [
        ("GET", "/healthz", {}, None, 200),
        ("GET", "/readyz", {}, None, 200),
        ("GET", "/metrics", {}, None, 200),
        ("GET", "/openapi.json", {}, None, 200),
        ("GET", "/docs", {}, None, 200),
        ("GET", "/docs/assets/swagger-ui.css", {}, None, 200),
        ("GET", "/", {}, None, 200),
        ("GET", "/v1/model", AUTH, None, 200),
        ("GET", "/v1/model", {}, None, 401),
        ("POST", "/v1/scores", AUTH, b'{"msmes": []}', 422),
        ("POST", "/v1/scores", AUTH, b"not json", 422),
        ("POST", "/v1/scores", AUTH | {"content-type": "text/plain"}, b"x", 415),
        ("POST", "/v1/scores", AUTH, b"x" * 20_000_000, 413),
        ("GET", "/no/such/route", {}, None, 404),
        ("DELETE", "/healthz", {}, None, 405),
    ],
)
def test_every_response_says_nosniff(  # noqa: PLR0917  (pytest passes parameters by name)
    client: TestClient,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes | None,
    status: int,
) -> None:
    answer = client.request(method, path, headers=headers, content=body)
    assert answer.status_code == status
    assert answer.headers.get_list("x-content-type-options") == ["nosniff"]


def test_even_an_unexpected_500_says_nosniff(make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings())

    async def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as running:
        answer = running.get("/broken")
    assert answer.status_code == 500
    assert answer.headers.get_list("x-content-type-options") == ["nosniff"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/v1/scores", "POST"),
        ("PUT", "/v1/prioritize", "POST"),
        ("DELETE", "/v1/lists", "GET, POST"),
        ("POST", "/v1/lists/some-list", "GET"),
        ("DELETE", "/v1/lists/upload", "POST"),  # not /v1/lists/{list_id}'s GET
        ("PUT", "/", "GET"),  # the page: not in the OpenAPI document
        ("DELETE", "/v1/model", "GET"),
        ("GET", "/v1/outcomes", "POST"),
        ("DELETE", "/healthz", "GET"),
    ],
)
def test_a_wrong_method_answers_405_with_every_allowed_method(
    client: TestClient, method: str, path: str, allowed: str
) -> None:
    """RFC 9110: a 405 names the methods the path serves, including where a router holds the
    route and where two routes share the path."""
    answer = client.request(method, path, headers=AUTH)
    assert answer.status_code == 405
    assert answer.json()["error"] == "method_not_allowed"
    assert answer.headers["allow"] == allowed


@pytest.mark.parametrize("path", ["/v1/lists?page_size=x&page_size=1", "/healthz?a=1&a=2"])
def test_a_query_parameter_given_twice_is_refused(client: TestClient, path: str) -> None:
    """Not read as its last value: `?page_size=x&page_size=1` breaks the documented type."""
    answer = client.get(path, headers=AUTH | {"Accept-Language": "en"})
    assert answer.status_code == 422
    [problem] = answer.json()["problems"]
    assert problem["reason"].endswith("is given more than once; give it once")


def test_the_app_wide_dependency_runs_on_the_event_loop(client: TestClient) -> None:
    """It runs on every request: a plain function would be sent to the thread pool each time
    (a hop that cost a third of a single score's CPU)."""
    dependencies = client.app.router.dependencies  # type: ignore[attr-defined]
    assert dependencies
    assert all(inspect.iscoroutinefunction(each.dependency) for each in dependencies)
