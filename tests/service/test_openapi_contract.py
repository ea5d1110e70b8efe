"""The OpenAPI document tells the truth: schemathesis, with every check, over every operation,
against the app serving the session's real model.

What JSON Schema cannot state is left out by name, each with its reason:

- `msme_id` unique within a list, each (column, value) once in `min_share`, and at most
  `MAX_EXTRA_COLUMNS` own columns (`extra`) over a whole list: well-formed cases are sent with
  repeats dropped (ids made distinct) and own columns past the list's bound left out. Malformed
  cases are sent as generated.
- Query parameters outside the document: not generated. The service ignores them, as HTTP APIs
  commonly do, and OpenAPI cannot declare a closed set of query parameters.
- A list whose constraints cannot all hold (`infeasible_constraints`), or whose solver ran out of
  time: a 422 for a well-formed request is that answer, not a broken contract; the response is
  still checked against its declared schema.
- An upload's file must hold the contract's rows (candidates, or outcomes) in CSV, XLSX or
  Parquet, with its options as JSON in a form field, and a list sent back for export must be one
  the service made (consistent counts, no control characters): no schema says either, so
  "schema-valid request rejected" is not checked for the three uploads and the export. Every
  other check, the response schemas of their 4xx answers included, is.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from data.contract import ID_COLUMN
from data.store.extras import MAX_EXTRA_COLUMNS
from service.schemas import MSME_ID_MAX_LENGTH
from tests.service.support import ADMIN, AUTH, TestClient

# Cases per operation and phase; the whole run stays well under a minute of CI time.
MAX_EXAMPLES = 15
# Cases sent, by operation (`pytest -s` prints them; docs/results.md records a run).
CASES_SENT: Counter[str] = Counter()
# 422 answers of well-formed requests that are outcomes, not contract breaches (a generated
# Idempotency-Key comes again with another body: the route refuses it, as documented).
OUTCOMES_NOT_BREACHES = frozenset(
    {"infeasible_constraints", "solver_time_limit", "idempotency_key_reused"}
)
# Routes whose bodies carry more than a schema can state (see the module docstring).
CONTENT_BEYOND_SCHEMA = frozenset(
    {
        "POST /v1/prioritize/upload",
        "POST /v1/lists/upload",
        "POST /v1/outcomes/upload",
        "POST /v1/lists/export",
    }
)


def without_repeats(body: Any) -> Any:
    """A well-formed body with distinct `msme_id`s, each (column, value) once in `min_share` and
    at most MAX_EXTRA_COLUMNS own columns over the list: rules across items that JSON Schema
    cannot state."""
    if not isinstance(body, dict):
        return body
    for index, profile in enumerate(body.get("msmes") or []):
        profile[ID_COLUMN] = f"{profile[ID_COLUMN]}"[: MSME_ID_MAX_LENGTH - 7] + f"~{index:06d}"
    kept_names: set[str] = set()
    for profile in body.get("msmes") or []:
        extra = profile.get("extra")
        if isinstance(extra, dict):
            for name in list(extra):
                if name not in kept_names and len(kept_names) >= MAX_EXTRA_COLUMNS:
                    del extra[name]
                else:
                    kept_names.add(name)
    if body.get("min_share"):
        seen: set[tuple[str, str]] = set()
        kept = []
        for share in body["min_share"]:
            if (share["column"], share["value"]) not in seen:
                seen.add((share["column"], share["value"]))
                kept.append(share)
        body["min_share"] = kept
    return body


@pytest.fixture(scope="module")
def api_schema(client: TestClient) -> Iterator[Any]:
    """The app's own document, called in-process (ASGI) on the running app."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    schema.config.generation.update(
        max_examples=MAX_EXAMPLES, database="none", allow_extra_parameters=False
    )
    yield schema
    for label, count in sorted(CASES_SENT.items()):
        print(f"schemathesis: {count:5d} cases  {label}")
    print(f"schemathesis: {sum(CASES_SENT.values()):5d} cases in all")


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """Schemathesis 4.32 renames the test node through `node._nodeid`, which pytest 9.2 no
    longer has; give it the attribute (it only affects how the test is reported)."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


# The same cases on every run, so a CI run passes or fails on the code alone; set
# UMKM_FUZZ_RANDOM=1 to draw new ones (a random run on 2026-12-06 found `?page_size=x&page_size=1`
# accepted, fixed since).
EXPLORE = os.environ.get("UMKM_FUZZ_RANDOM") == "1"


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=not EXPLORE)
def test_every_operation_keeps_its_documented_promises(case: Any) -> None:
    keys = ADMIN if case.path.startswith("/v1/admin/") else AUTH
    if case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
        case.body = without_repeats(case.body)
    response = case.call(headers=keys)
    CASES_SENT[case.operation.label] += 1
    excluded = []
    if f"{case.method.upper()} {case.path}" in CONTENT_BEYOND_SCHEMA or (
        response.status_code == 422 and response.json().get("error") in OUTCOMES_NOT_BREACHES
    ):
        excluded.append(positive_data_acceptance)
    case.validate_response(response, headers=keys, excluded_checks=excluded)


@pytest.mark.parametrize(
    ("field", "value"),
    [("only_beneficial", 0), ("exclude_digital", 1), ("capacity", "1"), ("capacity", True)],
)
def test_request_types_are_strict(
    client: TestClient, profiles: list[dict[str, Any]], field: str, value: Any
) -> None:
    body = {"msmes": profiles[:2], "capacity": 1, field: value}
    answer = client.post("/v1/prioritize", json=body, headers=AUTH)
    assert answer.status_code == 422
    assert [problem["field"] for problem in answer.json()["problems"]] == [field]


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("monthly_revenue_idr", 1e308, "must be at most 10,000,000,000"),
        ("workers", 10**30, "must be at most 1,000"),
        ("business_age_years", 151, "must be at most 150"),
        ("owner_age", 101, "must be at most 100"),
    ],
)
def test_numbers_beyond_the_contract_are_refused_by_field(
    client: TestClient, profiles: list[dict[str, Any]], column: str, value: Any, rule: str
) -> None:
    profile = profiles[0] | {column: value}
    headers = AUTH | {"Accept-Language": "en"}
    answer = client.post("/v1/scores", json={"msmes": [profile]}, headers=headers)
    (problem,) = answer.json()["problems"]
    assert answer.status_code == 422
    assert problem["field"] == f"msmes.0.{column}"
    assert problem["type"] == "less_than_equal"
    assert problem["reason"] == f"msmes[0].{column} {rule}"


def test_min_share_values_are_listed_per_column_in_the_document(client: TestClient) -> None:
    from allocation import MIN_SHARE_COLUMNS
    from data.reference import allowed_values

    variants = client.get("/openapi.json").json()["components"]["schemas"]["MinShare"]["oneOf"]
    listed = {
        v["properties"]["column"]["const"]: v["properties"]["value"]["enum"] for v in variants
    }
    assert listed == {column: list(allowed_values(column)) for column in MIN_SHARE_COLUMNS}


def test_an_upload_without_options_is_refused_in_its_documented_shape(client: TestClient) -> None:
    import jsonschema_rs

    document = client.get("/openapi.json").json()
    answer = client.post("/v1/prioritize/upload", files={"file": ("a.csv", b"x")}, headers=AUTH)
    declared = document["paths"]["/v1/prioritize/upload"]["post"]["responses"]["422"]
    schema = declared["content"]["application/json"]["schema"] | {
        "components": document["components"]
    }
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["field"] == "options"
    jsonschema_rs.validator_for(schema).validate(answer.json())
