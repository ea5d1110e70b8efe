"""Options nested deeper than Python parses (100 KB of `[`, well under Starlette's 1 MB form-field
limit) are refused as the other unparseable options are (422 `invalid_options`, in the request's
language), not answered with a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest

from data.messages import Language
from service.web.i18n import message
from service.web.problems import UploadError
from service.web.upload_options import parse_options
from tests.service.support import AUTH, TestClient

DEEP = "[" * 100_000
DEEP_IN_AN_OBJECT = '{"capacity": "1.000", "quotas": ' + "[" * 100_000 + "}"
# Deep enough that `json.loads` may still take it, too deep for pydantic's parser.
BARELY_PARSED = '{"capacity": "5", "min_share": ' + "[" * 900 + "]" * 900 + "}"


def _refusal(text: str, language: Language) -> UploadError:
    with pytest.raises(UploadError) as refused:
        parse_options(text, language)
    return refused.value


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("text", [DEEP, DEEP_IN_AN_OBJECT, BARELY_PARSED])
def test_deeply_nested_options_are_refused_like_unparseable_ones(
    text: str, language: Language
) -> None:
    deep = _refusal(text, language)
    unparseable = _refusal("{not json", language)
    assert (deep.status, deep.error) == (422, "invalid_options")
    assert [problem.field for problem in deep.problems] == ["options"]
    assert deep.message == unparseable.message  # worded in `language` as any unparseable JSON
    assert deep.message.startswith(message(language, "error.options", detail=""))


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("/v1/prioritize/upload", {}),
        ("/v1/lists/upload", {"repeat": "true"}),
    ],
)
@pytest.mark.parametrize("language", ["id", "en"])
def test_an_upload_with_deeply_nested_options_is_a_422(
    client: TestClient, candidates_csv: bytes, route: str, data: dict[str, Any], language: str
) -> None:
    response = client.post(
        route,
        files={"file": ("kandidat.csv", candidates_csv)},
        data={"options": DEEP, **data},
        headers=AUTH | {"Accept-Language": language},
    )
    assert response.status_code == 422, response.text[:500]
    body = response.json()
    assert body["error"] == "invalid_options"
    assert [problem["field"] for problem in body["problems"]] == ["options"]
    expected = _refusal("{not json", "id" if language == "id" else "en")
    assert body["message"] == expected.message


def test_options_that_parse_still_build_the_list(client: TestClient, candidates_csv: bytes) -> None:
    """The same route takes options nested as they should be."""
    fine = client.post(
        "/v1/prioritize/upload",
        files={"file": ("kandidat.csv", candidates_csv)},
        data={"options": json.dumps({"capacity": 5})},
        headers=AUTH,
    )
    assert fine.status_code == 200, fine.text[:500]
