"""The OpenAPI document declares the answers the service gives: every error in the service's own
shape (never FastAPI's `HTTPValidationError`), and a 403 on every route behind a scoped key.

Schemathesis (`test_openapi_contract.py`) calls with keys that hold every scope, so it never sees
a 403; and it checks answers against the document, not the document against the handlers. This
walks the document itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from service.app import create_app
from service.settings import Settings

KEY = "openapi-walk-key-0123456789"
# The schemas of error bodies: the service's one shape, and the uploads' richer one built on it.
# ListAlreadyIssuedResponse: an ErrorResponse naming the list issued before (the page's 409).
ERROR_SCHEMAS = frozenset({"ErrorResponse", "UploadErrorResponse", "ListAlreadyIssuedResponse"})
REF = "#/components/schemas/"


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The app's document; nothing is loaded or served to build it."""
    folder = tmp_path_factory.mktemp("openapi")
    settings = Settings(
        _env_file=None,
        api_keys=(KEY,),
        model_uri="models:/not-loaded@champion",
        tracking_uri=f"file://{folder / 'mlruns'}",
        database_url=f"sqlite:///{folder / 'umkm.db'}",
    )
    schema: dict[str, Any] = create_app(settings).openapi()
    return schema


def operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    methods = {"get", "post", "put", "patch", "delete"}
    for path, items in document["paths"].items():
        for method, operation in items.items():
            if method in methods:
                yield f"{method.upper()} {path}", operation


def _schema_name(response: dict[str, Any]) -> str | None:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    return ref.removeprefix(REF) if ref.startswith(REF) else None


def test_no_route_declares_fastapis_validation_error(document: dict[str, Any]) -> None:
    declaring = [
        (label, status)
        for label, operation in operations(document)
        for status, response in operation["responses"].items()
        if _schema_name(response) == "HTTPValidationError"
    ]
    assert declaring == []
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_every_keyed_route_declares_403_in_the_error_shape(document: dict[str, Any]) -> None:
    keyed = [(label, op) for label, op in operations(document) if op.get("security")]
    assert len(keyed) > 10
    missing = [
        label
        for label, operation in keyed
        if _schema_name(operation["responses"].get("403", {})) not in ERROR_SCHEMAS
    ]
    assert missing == []


def test_every_v1_route_needs_a_key(document: dict[str, Any]) -> None:
    open_routes = [
        label
        for label, operation in operations(document)
        if label.split()[1].startswith("/v1/") and not operation.get("security")
    ]
    assert open_routes == []


def test_every_declared_error_of_the_api_has_the_error_shape(document: dict[str, Any]) -> None:
    wrong = [
        (label, status, _schema_name(response))
        for label, operation in operations(document)
        if label.split()[1].startswith("/v1/")
        for status, response in operation["responses"].items()
        if int(status) >= 400 and _schema_name(response) not in ERROR_SCHEMAS
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "route", [("get", "/v1/lists/{list_id}/export"), ("post", "/v1/lists/export")]
)
def test_an_export_says_what_part_all_gives_as_csv(
    document: dict[str, Any], route: tuple[str, str]
) -> None:
    method, path = route
    parameters = document["paths"][path][method]["parameters"]
    (part,) = [parameter for parameter in parameters if parameter["name"] == "part"]
    assert part["schema"]["default"] == "all"
    assert "all (default) and selected give the selected MSMEs" in part["description"]
