"""One error format for every 4xx/5xx answer: `{"error", "message", "problems"}`.

Validation errors list every problem with its field path (`msmes.3.owner_age`), pydantic's error
type and a reason in the language of Accept-Language (`service.request_problems`), but never the
submitted value: profiles are personal data, and errors end up in logs. Beyond 1,000 problems they
are summarised (`problems_total`, `problems_left_out`), so a small bad body gets a small answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPMethod
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from allocation import AllocationError, CandidateError, InfeasibleConstraints
from data.field_rules import FieldRuleError
from data.messages import Language, render
from data.store.errors import (
    ConflictingOutcomesError,
    IdempotencyKeyReusedError,
    InvalidListError,
    InvalidOutcomeDatesError,
    ListNotFoundError,
    RequestInProgressError,
    StoreError,
    UnknownIdsError,
)
from data.store.schema import IDEMPOTENCY_KEY_LENGTH
from service.auth import ScopeError
from service.deps import reply_language
from service.exceptions import WordedHTTPError
from service.headers import word_reply_in
from service.request_problems import (
    readable_path,
    request_message,
    request_problems,
)
from service.schemas import ErrorResponse, Problem

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal_error",
    503: "not_ready",
}


def error_body(error: str, message: str, problems: Sequence[Problem] = ()) -> bytes:
    """The JSON bytes of an error answer."""
    return (
        ErrorResponse(error=error, message=message, problems=list(problems))
        .model_dump_json()
        .encode()
    )


def error_response(
    status: int,
    error: str,
    message: str,
    problems: Sequence[Problem] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An error answer as a response."""
    content = ErrorResponse(error=error, message=message, problems=list(problems))
    return JSONResponse(
        content.model_dump(mode="json"), status_code=status, headers=dict(headers or {})
    )


def validation_error(problems: Sequence[Problem], language: Language = "en") -> JSONResponse:
    """422 listing every problem."""
    return error_response(
        422, "invalid_request", request_message(len(problems), language), problems
    )


def request_refusal(errors: Sequence[Any], language: Language = "en") -> JSONResponse:
    """422 `invalid_request` for pydantic/FastAPI errors: every problem, or beyond
    `MAX_LISTED_PROBLEMS` a summary with `problems_total` and `problems_left_out`."""
    found = request_problems(errors, language)
    problems = [
        Problem(field=item.field, type=item.type, reason=item.reason) for item in found.problems
    ]
    content = ErrorResponse(
        error="invalid_request",
        message=found.message,
        problems=problems,
        problems_total=found.total,
        problems_left_out=found.left_out,
    )
    return JSONResponse(content.model_dump(mode="json"), status_code=422)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return request_refusal(exc.errors(), reply_language(request))


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    # Its detail is English whatever Accept-Language asked, unless it was worded already.
    word_reply_in(request, exc.language if isinstance(exc, WordedHTTPError) else None)
    code = ERROR_CODES.get(exc.status_code, f"http_{exc.status_code}")
    detail = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if isinstance(exc, ScopeError):
        problem = Problem(field=None, type="missing_scope", reason=f"needs scope {exc.scope}")
        return error_response(exc.status_code, "missing_scope", detail, [problem])
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return error_response(exc.status_code, code, detail, headers=headers)


def _allowed_methods(request: Request) -> str:
    """The methods this path serves: those the OpenAPI document gives its most specific path
    (`/v1/lists/upload` rather than `/v1/lists/{list_id}`), else, for a path it does not
    document (the page), those some route would take it with. Starlette names only the first
    route's (/v1/lists has a route for GET and one for POST), and FastAPI keeps included
    routers' routes inside them."""
    documented = _documented_methods(request.app, request.url.path)
    if documented is not None:
        return ", ".join(documented)
    routes = request.app.router.routes
    allowed = [
        method.value
        for method in HTTPMethod
        if any(
            route.matches({**request.scope, "method": method.value})[0] == Match.FULL
            for route in routes
        )
    ]
    return ", ".join(allowed)


def _documented_methods(app: FastAPI, path: str) -> list[str] | None:
    """The methods of the documented path template that matches ``path`` with the fewest
    parameters; None when no documented template matches."""
    found = [
        (pattern.pattern.count("[^/]+"), methods)
        for pattern, methods in _documented_paths(app)
        if pattern.fullmatch(path)
    ]
    return min(found)[1] if found else None


def _documented_paths(app: FastAPI) -> list[tuple[re.Pattern[str], list[str]]]:
    """Each documented path template as a pattern, with its methods (built once per app)."""
    cached: list[tuple[re.Pattern[str], list[str]]] | None = getattr(
        app.state, "documented_paths", None
    )
    if cached is None:
        methods = {method.value.lower() for method in HTTPMethod}
        cached = [
            (
                re.compile(
                    "".join(
                        "[^/]+" if part.startswith("{") else re.escape(part)
                        for part in re.split(r"(\{[^}]+\})", template)
                    )
                ),
                sorted(key.upper() for key in operations if key in methods),
            )
            for template, operations in app.openapi().get("paths", {}).items()
        ]
        app.state.documented_paths = cached
    return cached


async def _on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug, not an input: still the one format, and nothing of the request in the answer
    (Starlette logs the traceback after this handler answers)."""
    word_reply_in(request, None)  # English, whatever Accept-Language asked
    return error_response(
        500, "internal_error", "The service failed on this request; nothing was applied."
    )


# The program store cannot be reached or used (down, locked past its wait, its tables gone):
# not a bug of the request, so 503 with a retry hint, not 500.
STORE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, PoolTimeoutError)
STORE_RETRY_AFTER_SECONDS = 30
logger = logging.getLogger(__name__)


async def _on_store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """503 `store_unavailable` in the language of Accept-Language, `Retry-After` set; the log
    names the error's kind only (a database message may quote the statement's values)."""
    cause = getattr(exc, "orig", None) or exc
    logger.warning(
        "program store unavailable on %s %s: %s",
        request.method,
        request.url.path,
        type(cause).__name__,
    )
    language = reply_language(request)
    message = render("refusal_store_unavailable", {}, language)
    headers = {"Retry-After": str(STORE_RETRY_AFTER_SECONDS)}
    return error_response(503, "store_unavailable", message, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error answer use the one format, unexpected ones (500) included, and a program
    store that cannot be used a 503."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_error)
    for kind in STORE_UNAVAILABLE_ERRORS:
        app.add_exception_handler(kind, _on_store_unavailable)
    app.add_exception_handler(Exception, _on_unexpected_error)


def check_msme_list(msmes: Sequence[Any], maximum: int, *, need_cost: bool = False) -> None:
    """Problems the schema cannot see: the configured maximum, duplicate msme_id values and,
    with a budget, MSMEs without a cost (each worded from its code, `service.request_problems`)."""
    errors: list[dict[str, Any]] = []
    if len(msmes) > maximum:
        rule = FieldRuleError(
            "field_too_many_msmes_one" if maximum == 1 else "field_too_many_msmes", limit=maximum
        )
        errors.append(_rule_error("too_long", ("body", "msmes"), rule))
    first_seen: dict[str, int] = {}
    for index, profile in enumerate(msmes):
        previous = first_seen.setdefault(profile.msme_id, index)
        if previous != index:
            first = readable_path(("msmes", previous, "msme_id"))
            rule = FieldRuleError("field_duplicate", first=first)
            errors.append(_rule_error("duplicate", ("body", "msmes", index, "msme_id"), rule))
        if need_cost and profile.cost is None:
            rule = FieldRuleError("field_cost_needed")
            errors.append(_rule_error("missing", ("body", "msmes", index, "cost"), rule))
    if errors:
        raise RequestValidationError(errors)


def _rule_error(kind: str, loc: tuple[str | int, ...], rule: FieldRuleError) -> dict[str, Any]:
    """A service check's error as pydantic shapes one: its `type`, and its code in `ctx`."""
    return {"type": kind, "loc": loc, "msg": str(rule), "ctx": {"error": rule}}


@dataclass(frozen=True)
class AllocationRefusal:
    """How every edge answers an allocation error: the API's status, stable `error` code,
    English message and problems, and the exit code of `umkm prioritize`."""

    status: int
    error: str
    message: str
    problems: list[str]
    exit_code: int
    codes: list[str] = field(default_factory=list)  # each problem's own code, as `problems`
    # each problem's option at fault (`quotas.32`, `budget`), as `problems`; None: no one option
    fields: list[str | None] = field(default_factory=list)

    def response(self) -> JSONResponse:
        """The API's answer: each problem's `type` is its stable code, `reason` its words and
        `field` the option at fault, when one is."""
        codes = self.codes or [self.error] * len(self.problems)
        fields = self.fields or [None] * len(self.problems)
        problems = [
            Problem(field=at, type=code, reason=text)
            for code, text, at in zip(codes, self.problems, fields, strict=True)
        ]
        return error_response(self.status, self.error, self.message, problems)


def allocation_refusal(
    error: AllocationError,
    language: Language = "en",
    *,
    spell_option: Callable[[Mapping[str, object]], Mapping[str, object]] | None = None,
) -> AllocationRefusal:
    """The one mapping from allocation's errors to answers (routes, page and CLI use it), worded
    in `language` from each problem's code. A problem naming a list option (`option`) names it
    as a `ListOptions` field (`time_limit_seconds`) unless `spell_option` spells it otherwise
    (`umkm prioritize`: `--time-limit`)."""
    spell = spell_option or (lambda params: params)
    problems = [render(problem.code, spell(problem.params), language) for problem in error.details]
    codes = [problem.code for problem in error.details]
    fields = [problem.field for problem in error.details]
    message = render(error.code, {}, language)
    if isinstance(error, InfeasibleConstraints):
        return AllocationRefusal(422, error.code, message, problems, 1, codes, fields)
    if isinstance(error, CandidateError):  # the input's fault, like a bad option
        return AllocationRefusal(422, error.code, message, problems, 2, codes, fields)
    if language == "en":
        message = str(error) if spell_option is None else "; ".join(problems)
    else:
        message = "; ".join([message, *problems])
    return AllocationRefusal(422, error.code, message, [], 1)


# The store's refusals as the API and page word them (data.messages code -> parameters); the
# problems of `list_not_found` and `invalid_list` are worded from the store error's own code.
STORE_REFUSAL_CODES: dict[str, tuple[str, ...]] = {
    "refusal_list_not_found": ("list_id",),
    "refusal_unknown_list": ("list_id",),
    "refusal_not_on_list": ("list_id", "msme_id"),
    "refusal_unknown_id": ("count",),
    "refusal_unknown_ids": ("count",),
    "refusal_conflicting_outcome": ("list_id", "msme_id"),
    "refusal_conflicting_outcomes": (),
    "refusal_outcome_date": ("list_id", "msme_id", "reason"),
    "refusal_impossible_date": ("count",),
    "refusal_impossible_dates": ("count",),
    "refusal_invalid_list": (),
    "refusal_store_unavailable": (),
    "refusal_idempotency_key_reused": (),
    "refusal_request_in_progress": (),
    "idempotency_key_invalid": ("limit",),
    "idempotency_key_reused": (),
    "request_in_progress": (),
}
IDEMPOTENCY_KEY_FIELD = "header.Idempotency-Key"


@dataclass(frozen=True)
class StoreRefusal:
    """How the API answers a program-store error: status, stable `error` code, message and one
    problem per id or pair at fault (the store's `params` hold them all)."""

    status: int
    error: str
    message: str
    problems: list[Problem]
    headers: Mapping[str, str] | None = None

    def response(self) -> JSONResponse:
        """The API's answer."""
        return error_response(self.status, self.error, self.message, self.problems, self.headers)


def store_refusal(
    error: StoreError,
    language: Language = "en",
    *,
    positions: Mapping[tuple[str, str], int] | None = None,
) -> StoreRefusal:
    """The one mapping from the program store's errors to answers, worded in `language`; the
    `error` codes and each problem's `type` are the same in every language. `positions`: each
    (list_id, msme_id)'s index in the request's `outcomes`, for a problem to name its field as
    `outcomes.3.observed_on`, `outcomes.3.msme_id` or `outcomes.3` (an unknown list: its first
    outcome's `list_id`); without them `observed_on`, `msme_id`, `list_id` or `outcomes`, the
    reason naming MSME and list."""
    if isinstance(error, ListNotFoundError):
        params = {"list_id": error.list_id}
        problem = Problem(
            field="list_id", type="list_not_found", reason=render(error.code, params, language)
        )
        message = render("refusal_list_not_found", params, language)
        return StoreRefusal(404, error.code, message, [problem])
    at = positions or {}
    if isinstance(error, UnknownIdsError):
        first_of_list: dict[str, int] = {}
        for (list_id, _), index in sorted(at.items(), key=lambda item: item[1]):
            first_of_list.setdefault(list_id, index)
        problems = [
            Problem(
                field=_outcome_field(first_of_list.get(list_id), "list_id"),
                type="unknown_list",
                reason=render("refusal_unknown_list", {"list_id": list_id}, language),
            )
            for list_id in error.unknown_lists
        ] + [
            Problem(
                field=_outcome_field(at.get((list_id, msme_id)), "msme_id"),
                type="not_on_list",
                reason=render(
                    "refusal_not_on_list", {"list_id": list_id, "msme_id": msme_id}, language
                ),
            )
            for list_id, msme_id in error.unknown_msmes
        ]
        count = len(problems)
        code = "refusal_unknown_id" if count == 1 else "refusal_unknown_ids"
        return StoreRefusal(404, error.code, render(code, {"count": count}, language), problems)
    if isinstance(error, ConflictingOutcomesError):
        problems = [
            Problem(
                field=_outcome_field(at.get((list_id, msme_id)), None),
                type="conflicting_outcomes",
                reason=render(
                    "refusal_conflicting_outcome",
                    {"list_id": list_id, "msme_id": msme_id},
                    language,
                ),
            )
            for list_id, msme_id in error.pairs
        ]
        message = render("refusal_conflicting_outcomes", {}, language)
        return StoreRefusal(409, error.code, message, problems)
    if isinstance(error, InvalidOutcomeDatesError):
        return _dates_refusal(error, language, at)
    if isinstance(error, IdempotencyKeyReusedError | RequestInProgressError):
        return _idempotency_refusal(error, language)
    if isinstance(error, InvalidListError):
        reason = render(error.code, error.params, language)
        problem = Problem(field=None, type=error.code, reason=reason)
        message = render("refusal_invalid_list", {}, language)
        return StoreRefusal(422, error.code, message, [problem])
    message = render("refusal_store_unavailable", {}, language)
    return StoreRefusal(503, "store_unavailable", message, [])


def _idempotency_refusal(
    error: IdempotencyKeyReusedError | RequestInProgressError, language: Language
) -> StoreRefusal:
    """422 for a key sent again with another body; 409 with `Retry-After` while the first
    sending of the same request is still being answered (as the IETF draft on the header)."""
    problem = Problem(
        field=IDEMPOTENCY_KEY_FIELD, type=error.code, reason=render(error.code, {}, language)
    )
    message = render(f"refusal_{error.code}", {}, language)
    if isinstance(error, RequestInProgressError):
        headers = {"Retry-After": str(error.retry_after)}
        return StoreRefusal(409, error.code, message, [problem], headers)
    return StoreRefusal(422, error.code, message, [problem])


def invalid_idempotency_key(language: Language) -> JSONResponse:
    """422 for an `Idempotency-Key` header that is not a key (`data.store.requests.parse_key`),
    as every request problem is answered, the field named `header.Idempotency-Key`."""
    params = {"limit": IDEMPOTENCY_KEY_LENGTH}
    problem = Problem(
        field=IDEMPOTENCY_KEY_FIELD,
        type="idempotency_key_invalid",
        reason=render("idempotency_key_invalid", params, language),
    )
    return error_response(422, "invalid_request", request_message(1, language), [problem])


def _outcome_field(index: int | None, name: str | None) -> str:
    """`outcomes.3.msme_id` (or `outcomes.3` for the whole outcome) when the request's index is
    known; else the bare name (`msme_id`), or `outcomes`."""
    if index is None:
        return name or "outcomes"
    return f"outcomes.{index}" if name is None else f"outcomes.{index}.{name}"


def _dates_refusal(
    error: InvalidOutcomeDatesError, language: Language, positions: Mapping[tuple[str, str], int]
) -> StoreRefusal:
    """422 with one problem per date at fault: its field, its reason's code as `type`, and the
    reason naming the MSME, its list and the dates that say why."""
    problems = []
    for problem in error.problems:
        index = positions.get((problem.list_id, problem.msme_id))
        params = {
            "list_id": problem.list_id,
            "msme_id": problem.msme_id,
            "reason": {"code": problem.reason, **problem.params},
        }
        problems.append(
            Problem(
                field=problem.field if index is None else f"outcomes.{index}.{problem.field}",
                type=problem.reason,
                reason=render("refusal_outcome_date", params, language),
            )
        )
    count = len(problems)
    code = "refusal_impossible_date" if count == 1 else "refusal_impossible_dates"
    return StoreRefusal(422, error.code, render(code, {"count": count}, language), problems)
