"""A request's validation errors (pydantic's, and the service's own checks) worded from the catalog
in the request's language.

Each error keeps its pydantic `type` and field path; the reason is a catalog code chosen by the
type, with parameters from pydantic's `ctx` (a bound, a length, the allowed values), and names the
field as a person reads it (`msmes[3].province_code`). A validator that refuses a value raises
`data.field_rules.FieldRuleError` with its own code, which pydantic reports as a `value_error`.

A request with more than `MAX_LISTED_PROBLEMS` problems is answered with them summarised
(`request_problems`): a problem repeated in several rows once, naming its rows, and at most
`MAX_LISTED_PROBLEMS` entries, with the total and how many are left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from data.field_rules import FieldRuleError
from data.messages import Language, format_param, render

# Pydantic's error types -> catalog codes (`_params` fills each code's parameters from `ctx`).
TYPE_CODES: dict[str, str] = {
    "missing": "field_missing",
    "extra_forbidden": "field_unknown",
    "string_type": "field_not_text",
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), "field_not_integer"),
    **dict.fromkeys(("float_type", "float_parsing", "finite_number"), "field_not_number"),
    **dict.fromkeys(("bool_type", "bool_parsing"), "field_not_boolean"),
    "greater_than": "field_not_above",
    "greater_than_equal": "field_below_minimum",
    "less_than": "field_not_below",
    "less_than_equal": "field_above_maximum",
    "string_too_short": "field_text_too_short",
    "string_too_long": "field_text_too_long",
    "too_short": "field_list_too_short",
    "too_long": "field_list_too_long",
    "string_pattern_mismatch": "field_wrong_form",
    **dict.fromkeys(("literal_error", "enum"), "field_not_allowed"),
    "json_invalid": "field_json_invalid",
    **dict.fromkeys(("model_type", "model_attributes_type", "dict_type"), "field_not_object"),
    "list_type": "field_not_list",
    **dict.fromkeys(
        ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"),
        "field_not_date",
    ),
    "value_error": "field_invalid",  # a validator's plain ValueError (no code of its own)
}
FALLBACK_CODE = "field_invalid"  # any other type: the field is named, the type says the rest

_FIELD = ("field",)
_LIMIT = ("field", "limit")
# Every code this module words a problem with (code -> parameters), for the catalog test.
REQUEST_PROBLEM_CODES: dict[str, tuple[str, ...]] = {
    "invalid_request": ("count",),
    "invalid_request_one": ("count",),
    "invalid_request_grouped": ("count",),
    "invalid_request_cut": ("count", "listed", "left_out"),
    "problem_in_every_row": ("problem", "count", "first", "last"),
    "problem_in_rows": ("problem", "count", "first", "last"),
    "field_body": (),
    **dict.fromkeys(
        (
            "field_missing",
            "field_unknown",
            "field_not_text",
            "field_not_integer",
            "field_not_number",
            "field_not_boolean",
            "field_empty",
            "field_json_invalid",
            "field_not_object",
            "field_not_list",
            "field_not_date",
            "field_invalid",
            "field_not_province",
            "field_not_contract_boolean",
            "field_share_value_not_province",
            "field_cost_needed",
            "field_cost_column_needed",
            "field_repeated",
            "field_control_character",
            "field_own_column_profile_name",
            "field_not_cell",
        ),
        _FIELD,
    ),
    **dict.fromkeys(
        (
            "field_not_above",
            "field_below_minimum",
            "field_not_below",
            "field_above_maximum",
            "field_text_too_short",
            "field_text_too_long",
            "field_text_too_long_one",
            "field_list_too_short",
            "field_list_too_long",
            "field_list_too_long_one",
            "field_too_many_msmes",
            "field_too_many_msmes_one",
        ),
        _LIMIT,
    ),
    "field_wrong_form": ("field", "pattern"),
    "field_not_allowed": ("field", "expected"),
    "field_json_invalid_at": ("field", "line", "column"),
    "field_json_number_too_long_at": ("field", "line", "column"),
    "field_share_value": ("field", "column", "expected"),
    "field_share_twice": (),
    "field_duplicate": ("field", "first"),
}
# Codes with an English singular for a limit of one (`field_list_too_long_one`).
_COUNTED = frozenset(code.removesuffix("_one") for code in REQUEST_PROBLEM_CODES if "_one" in code)
_BOUNDS = ("gt", "ge", "lt", "le")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
_JSON_POSITION = re.compile(r" at line (\d+) column (\d+)$")  # serde_json's `Display`

# Problems listed one by one at most; a request with more gets them summarised. A 280 KB body of
# 10,000 bare `msme_id`s has 130,000 problems: listed one by one, a 13 MB answer and 3.8 s of CPU.
MAX_LISTED_PROBLEMS = 1_000


class _EveryRow:
    """The row index of a problem repeated in several rows: `*` in `msmes.*.owner_age`,
    `[*]` in `msmes[*].owner_age` (a sentinel, so a mapping's key `"*"` still reads `["*"]`)."""

    def __str__(self) -> str:
        return "*"


EVERY_ROW: Final = _EveryRow()


def field_path(loc: Sequence[object]) -> str | None:
    """The stable, machine-readable path of a problem (`msmes.3.province_code`); None for the
    whole body."""
    parts = [str(part) for part in loc if part != "[key]"]  # a mapping's key: named already
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or None


def readable_path(loc: Sequence[object]) -> str | None:
    """The path as a person reads it: `msmes[3].province_code`, `quotas["99"]`; None for the
    whole body."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[1:]
    text = ""
    for part in parts:
        if part == "[key]":  # pydantic's marker for a mapping's key: the key is named already
            continue
        if isinstance(part, int) or part is EVERY_ROW:
            text += f"[{part}]"
        elif _NAME.fullmatch(str(part)):
            text += f".{part}" if text else str(part)
        else:
            text += f"[{json.dumps(str(part), ensure_ascii=False)}]"
    return text or None


def readable_field(field: str) -> str:
    """A dotted `field` (`selected.0.msme_id`) as `readable_path` shows it."""
    parts = [int(part) if part.isdigit() else part for part in field.split(".")]
    return readable_path(parts) or field


def problem_message(error: Mapping[str, Any]) -> tuple[str, dict[str, object]]:
    """The catalog code of one error and its parameters (without `field`)."""
    context = error.get("ctx") or {}
    cause = context.get("error")
    if isinstance(cause, FieldRuleError):
        return cause.code, dict(cause.params)
    kind = str(error.get("type", ""))
    code = TYPE_CODES.get(kind, FALLBACK_CODE)
    params: dict[str, object] = {}
    if code in ("field_not_above", "field_below_minimum", "field_not_below", "field_above_maximum"):
        params["limit"] = next((context[key] for key in _BOUNDS if key in context), None)
    elif code in ("field_text_too_short", "field_list_too_short"):
        params["limit"] = context.get("min_length")
        if params["limit"] == 1:
            return "field_empty", {}
    elif code in ("field_text_too_long", "field_list_too_long"):
        params["limit"] = context.get("max_length")
    elif code == "field_wrong_form":
        params["pattern"] = context.get("pattern")
    elif code == "field_not_allowed":
        params["expected"] = _expected_values(str(context.get("expected", "")))
    elif code == "field_json_invalid":
        position = _JSON_POSITION.search(str(context.get("error", "")))
        if position:
            # serde_json's "number out of range": digits beyond what any number field holds
            # (a 5,000-digit integer), which is well-formed JSON, so say so.
            too_long = str(context.get("error", "")).startswith("number out of range")
            code = "field_json_number_too_long_at" if too_long else "field_json_invalid_at"
            params = {"line": int(position[1]), "column": int(position[2])}
    if code in _COUNTED and params.get("limit") == 1:
        code += "_one"
    return code, params


def problem_reason(
    error: Mapping[str, Any], language: Language, *, field: str | None = None
) -> str:
    """One error worded in `language`, naming its field (as given, else from its path); never
    the submitted value (a reason that would show it falls back to naming the field alone)."""
    code, params = problem_message(error)
    field = field or readable_path(error.get("loc", ())) or render("field_body", {}, language)
    shown = " ".join(
        format_param(name, value, language, params, code) for name, value in params.items()
    )
    if _shows_input(error.get("input"), shown):
        code, params = FALLBACK_CODE, {}
    return render(code, params | {"field": field}, language)


def request_message(count: int, language: Language) -> str:
    """The 422's message: how many problems, and that nothing was processed."""
    code = "invalid_request_one" if count == 1 else "invalid_request"
    return render(code, {"count": count}, language)


@dataclass(frozen=True)
class ListedProblem:
    """One entry of a 422's `problems`: a problem, or one repeated in several rows."""

    field: str | None
    type: str
    reason: str


@dataclass(frozen=True)
class RequestProblems:
    """What a 422 `invalid_request` lists, and its message. `total` and `left_out` are set when
    the problems are summarised (more than the limit): every problem found, and how many of them
    no entry names."""

    problems: list[ListedProblem]
    message: str
    total: int | None = None
    left_out: int | None = None


@dataclass
class _Repeated:
    """The same problem (field, type, code and parameters) in the rows of one list."""

    error: Mapping[str, Any]  # its first occurrence
    loc: tuple[object, ...]  # its path, the row as EVERY_ROW
    shown: str  # its parameters as a reason shows them
    first: int | None
    last: int | None
    count: int = 1
    contiguous: bool = True  # every row from `first` to `last`
    shows_input: bool = False  # some row's value would show in the reason


def request_problems(
    errors: Sequence[Mapping[str, Any]],
    language: Language,
    limit: int = MAX_LISTED_PROBLEMS,
) -> RequestProblems:
    """A request's errors as a 422 lists them, worded in `language`: every one, up to `limit`;
    beyond, summarised: a problem repeated in several rows of a list (`msmes`, `min_share`) once,
    its field `msmes.*.owner_age` and its reason naming how many rows and which, then at most
    `limit` entries. Only the listed entries are worded, so the work stays bounded too."""
    if len(errors) <= limit:
        listed = [
            ListedProblem(
                field_path(error.get("loc", ())),
                str(error.get("type", "invalid")),
                problem_reason(error, language),
            )
            for error in errors
        ]
        return RequestProblems(listed, request_message(len(listed), language))
    groups = _repeated(errors, language)
    entries = list(groups.values())
    listed = [_entry(group, language) for group in entries[:limit]]
    left_out = sum(group.count for group in entries[limit:])
    count = len(errors)
    if left_out:
        params = {"count": count, "listed": len(listed), "left_out": left_out}
        message = render("invalid_request_cut", params, language)
    else:
        message = render("invalid_request_grouped", {"count": count}, language)
    return RequestProblems(listed, message, total=count, left_out=left_out)


def _repeated(
    errors: Sequence[Mapping[str, Any]], language: Language
) -> dict[tuple[object, ...], _Repeated]:
    """The errors grouped by problem, a row's index left out of the path (first seen first)."""
    groups: dict[tuple[object, ...], _Repeated] = {}
    for error in errors:
        loc = tuple(error.get("loc", ()))
        at = next((i for i, part in enumerate(loc) if isinstance(part, int)), None)
        row = None if at is None else loc[at]
        assert row is None or isinstance(row, int)
        general = loc if at is None else (*loc[:at], EVERY_ROW, *loc[at + 1 :])
        code, params = problem_message(error)
        key = (general, error.get("type"), code, repr(sorted(params.items())))
        group = groups.get(key)
        if group is None:
            shown = " ".join(
                format_param(name, value, language, params, code) for name, value in params.items()
            )
            group = groups[key] = _Repeated(error, general, shown, row, row)
        else:
            group.count += 1
            if row is not None and group.first is not None and group.last is not None:
                if row != group.last:  # pydantic reports rows in order: a gap breaks the run
                    group.contiguous = group.contiguous and row == group.last + 1
                group.first, group.last = min(group.first, row), max(group.last, row)
        group.shows_input = group.shows_input or _shows_input(error.get("input"), group.shown)
    return groups


def _entry(group: _Repeated, language: Language) -> ListedProblem:
    """One group as an entry: the problem itself when it is alone, else once for its rows."""
    error = group.error
    kind = str(error.get("type", "invalid"))
    if group.count == 1 or group.first is None or group.last is None:
        return ListedProblem(
            field_path(error.get("loc", ())), kind, problem_reason(error, language)
        )
    named = readable_path(group.loc)
    if group.shows_input:  # some row's value would show: name the field alone, as for one row
        problem = render(FALLBACK_CODE, {"field": named}, language)
    else:
        problem = problem_reason(error, language, field=named)
    loc = tuple(error.get("loc", ()))
    row_at = group.loc.index(EVERY_ROW)
    first = readable_path((*loc[:row_at], group.first))
    last = readable_path((*loc[:row_at], group.last))
    code = "problem_in_every_row" if group.contiguous else "problem_in_rows"
    params = {"problem": problem, "count": group.count, "first": first, "last": last}
    return ListedProblem(field_path(group.loc), kind, render(code, params, language))


def _expected_values(expected: str) -> list[str] | str:
    """Pydantic's `'a', 'b' or 'c'` as the values a, b, c; the text itself when it is not a list
    of quoted strings."""
    values = _QUOTED.findall(expected)
    quoted = [f"'{value}'" for value in values]
    rebuilt = ", ".join(quoted[:-1]) + f" or {quoted[-1]}" if len(quoted) > 1 else "".join(quoted)
    return values if values and rebuilt == expected else expected


def _shows_input(submitted: object, parameters: str) -> bool:
    """Whether a reason's parameters would show the submitted value (an allowed value or a
    limit can hold it as a substring: `foo` in `food_beverage`)."""
    if isinstance(submitted, str | int | float) and not isinstance(submitted, bool):
        text = str(submitted)
        return len(text) >= 3 and text in parameters
    return False
