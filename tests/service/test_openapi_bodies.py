"""Bodies read by `read_json_body` appear in the OpenAPI document, or the document refuses."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from service.body import documented_body, install_openapi


class Given(BaseModel):
    name: str


class Forgotten(BaseModel):
    count: int


def _app(*bodies: type[BaseModel]) -> FastAPI:
    app = FastAPI()

    @app.post("/given", openapi_extra=documented_body(Given))
    def given() -> None: ...

    @app.post("/forgotten", openapi_extra=documented_body(Forgotten))
    def forgotten() -> None: ...

    install_openapi(app, bodies=bodies)
    return app


def test_every_documented_body_is_a_component() -> None:
    schemas = _app(Given, Forgotten).openapi()["components"]["schemas"]
    assert {"Given", "Forgotten"} <= set(schemas)


def test_a_body_left_out_of_install_openapi_is_refused_by_name() -> None:
    with pytest.raises(RuntimeError, match="POST /forgotten documents body Forgotten"):
        _app(Given).openapi()
