"""The upload's options (`UploadOptions`) read from the page's form: numbers typed the Indonesian
way, every bad field named in the catalog's words (`OPTION_ERRORS`, `OPTION_CODES`), and the
check the form's number preview runs on one option (`option_value_problem`).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import TypeAdapter, ValidationError

from data.field_rules import FieldRuleError
from data.messages import Language, format_param, render
from service.web.form_numbers import read_form_numbers
from service.web.i18n import message
from service.web.problems import PageProblem, UploadError
from service.web.schemas import UploadOptions


def parse_options(text: str, language: Language) -> tuple[UploadOptions, dict[str, str]]:
    """The upload's options from their JSON, numbers typed as text read the Indonesian way
    (`service.web.form_numbers`), and each such number as understood; UploadError (422)
    naming every bad field."""
    try:
        numbers = read_form_numbers(json.loads(text), language)
    except (json.JSONDecodeError, RecursionError):
        # Not JSON, or nested deeper than Python parses (`[` * 100_000 fits in a form field):
        # pydantic's parser, which stops at its own depth, refuses it below as JSON it cannot
        # read, as it does any other.
        numbers = None
    if numbers is not None and numbers.problems:
        problems = [
            PageProblem(row=None, column=None, reason=reason, fix="", field=f"options.{path}")
            for path, reason in numbers.problems
        ]
        detail = "; ".join(f"{problem.field}: {problem.reason}" for problem in problems)
        text = message(language, "error.options", detail=detail)
        raise UploadError(422, "invalid_options", text, problems)
    try:
        body = text if numbers is None else json.dumps(numbers.options)
    except RecursionError:  # parsed, barely: too deep for `UploadOptions` all the same
        body = text
    try:
        return UploadOptions.model_validate_json(
            body
        ), {} if numbers is None else numbers.understood
    except ValidationError as error:
        problems = [_option_problem(item, language) for item in error.errors()]
        detail = "; ".join(f"{problem.field}: {problem.reason}" for problem in problems)
        text = message(language, "error.options", detail=detail)
        raise UploadError(422, "invalid_options", text, problems) from None


# Pydantic's error types -> the catalog's option codes (params `field`, and `limit` for a bound).
OPTION_ERRORS = {
    "less_than_equal": "option_too_large",
    "less_than": "option_too_large",
    "greater_than_equal": "option_too_small",
    "greater_than": "option_too_small",
    "int_parsing": "option_not_integer",
    "int_from_float": "option_not_integer",
    "int_type": "option_not_integer",
    "float_parsing": "option_not_number",
    "float_type": "option_not_number",
    "finite_number": "option_not_number",
    "bool_parsing": "option_not_boolean",
    "bool_type": "option_not_boolean",
    "missing": "option_missing",
    "extra_forbidden": "option_unknown",
    "too_long": "option_too_many",
}
OPTION_CODES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("option_too_large", "option_too_small"), ("field", "limit")),
    **dict.fromkeys(
        (
            "option_not_integer",
            "option_not_number",
            "option_not_boolean",
            "option_missing",
            "option_unknown",
            "option_too_many",
            "option_invalid",
        ),
        ("field",),
    ),
}


def _option_problem(error: Any, language: Language) -> PageProblem:
    """One pydantic error of the options, worded in `language` from its type."""
    field = ".".join(str(part) for part in error.get("loc", ())) or None
    code = OPTION_ERRORS.get(str(error.get("type")), "option_invalid")
    context = error.get("ctx") or {}
    limit = next((context[key] for key in ("le", "lt", "ge", "gt") if key in context), None)
    top = str(error.get("loc", ("options",))[0]) if field else "options"
    label = message(language, f"options.{top}")  # the form's own label, when it has one
    params = {"field": field if label == f"options.{top}" else label, "limit": limit}
    cause = context.get("error")
    if isinstance(cause, FieldRuleError):  # a rule of the options' own, with its own words
        code, params = cause.code, {**params, **cause.params}
    bound = next((key for key in OPTION_BOUND_FIXES if key in context), None)
    fix = ""
    if bound is not None and limit is not None:
        shown = format_param("limit", limit, language, params, code)
        fix = message(language, OPTION_BOUND_FIXES[bound], limit=shown)
    return PageProblem(
        row=None,
        column=None,
        reason=render(code, params, language),
        fix=fix,
        field=f"options.{field}" if field else "options",
    )


# A bound an option passed (pydantic's context key) -> how to fix it, in the page's catalog.
OPTION_BOUND_FIXES = {
    "ge": "fix.option_at_least",
    "gt": "fix.option_above",
    "le": "fix.option_at_most",
    "lt": "fix.option_below",
}
# Options whose form field says, while typing, whether the number is within their bounds.
PreviewedOption = Literal["capacity", "budget"]


@cache
def _option_type(option: PreviewedOption) -> TypeAdapter[Any]:
    info = UploadOptions.model_fields[option]
    annotated: Any = Annotated[info.annotation, info]  # the field's type with its bounds
    return TypeAdapter(annotated)


def option_value_problem(option: PreviewedOption, value: float, language: Language) -> str | None:
    """What building the list would say of `value` as `option` (a capacity of 0: below its lower
    bound 1), in the same words; None when the option takes it. For the form's number preview."""
    try:
        _option_type(option).validate_python(value)
    except ValidationError as error:
        first = error.errors()[0]
        return _option_problem({**first, "loc": (option, *first["loc"])}, language).reason
    return None
