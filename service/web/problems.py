"""Validation problems of an uploaded file, worded for the page: what is wrong and how to fix it,
and `UploadError`, the refusal of an upload that carries them.

`data.validation` says what is wrong as a code with parameters; this module words it from the
catalog of the page's language (`data.messages.render`) and adds a fix derived from the data
contract. Cell values are never repeated (the file holds personal data, and answers end up in
logs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from data.contract import (
    HISTORY_COLUMNS,
    PROFILE_COLUMNS,
    ColumnSpec,
    contract_name,
    header_key,
    header_names,
)
from data.messages import Language, format_param, render, value_name
from data.read_info import HEADER_MIN_COLUMNS, HEADER_SEARCH_ROWS
from data.validation import SPREADSHEET_ERROR
from service.exceptions import ServiceError
from service.web.i18n import message

# Profile columns, and a history's `mentored` and `digitalized` (an outcomes file's).
_SPECS = {spec.name: spec for spec in HISTORY_COLUMNS}
# `data.validation`'s codes for a file whose header row was not found.
HEADER_NOT_FOUND = ("header_not_found", "header_not_found_elsewhere")


@dataclass(frozen=True)
class PageProblem:
    """One problem as the page shows it."""

    row: int | None  # spreadsheet row (header = 1); None for the whole file
    column: str | None
    reason: str
    fix: str
    field: str | None = None  # a path like options.capacity, when not a place in the file


class UploadError(ServiceError):
    """The upload cannot become a list; `status`, a stable `error` code and a worded message."""

    def __init__(
        self, status: int, error: str, message: str, problems: Sequence[PageProblem] = ()
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.problems = list(problems)


class PlacedProblem(Protocol):
    """A problem's place in the file: its spreadsheet row and column (None: the whole file)."""

    @property
    def row(self) -> int | None: ...

    @property
    def column(self) -> str | None: ...


class ProblemLike(PlacedProblem, Protocol):
    """What `data.validation.Problem` offers."""

    @property
    def code(self) -> str: ...

    @property
    def params(self) -> Mapping[str, object]: ...


def page_problems(
    problems: Sequence[ProblemLike],
    language: Language,
    headed: Mapping[str, str] | None = None,
    *,
    header_row: int = 1,
) -> list[PageProblem]:
    """Each validation problem with its reason in `language` and a fix from the contract.
    `headed`: how the file heads each column (`tanggal` for observed_on), for the problems to
    name columns as the user's file does; columns not in it keep their own names. `header_row`:
    the spreadsheet row the header was found on, where a missing column is to be added."""
    named = headed or {}
    return [
        PageProblem(
            row=problem.row,
            column=_named(problem.column, named),
            reason=problem_reason(problem, language, named),
            fix=fix_for(
                problem.column,
                problem.code,
                language,
                whole_file=problem.row is None,
                shown=_named(problem.column, named),
                header_row=header_row,
            ),
        )
        for problem in problems
    ]


def problem_reason(
    problem: ProblemLike, language: Language, headed: Mapping[str, str] | None = None
) -> str:
    """The problem's reason in `language`; a row-level one reads as a sentence about the value.
    A column it names is named as `headed` says the file heads it."""
    params = problem.params
    column = params.get("column")
    if headed and isinstance(column, str) and column in headed:
        params = {**params, "column": headed[column]}
    reason = render(problem.code, params, language)
    if problem.row is None:
        return reason
    return render("cell_value", {"reason": reason}, language)


def fix_for(
    column: str | None,
    code: str,
    language: Language,
    *,
    whole_file: bool,
    shown: str | None = None,
    header_row: int = 1,
) -> str:
    """How to fix a problem (by its validation code), from the contract's rule for the column;
    the column named as `shown` (as the file heads it), else by its name; a missing column is
    added on `header_row`, the row the file's header is on."""
    if whole_file:
        name = shown or column
        if column is not None and code == "column_repeated":
            return message(language, "fix.duplicate_column", column=name)
        if column is not None and (column in _SPECS or code == "column_missing"):
            others = _other_headers(column, name or column, language)
            if others:
                return message(
                    language, "fix.add_column_or", column=name, others=others, row=header_row
                )
            return message(language, "fix.add_column", column=name, row=header_row)
        if code in HEADER_NOT_FOUND:
            return message(
                language,
                "fix.header_not_found",
                rows=HEADER_SEARCH_ROWS,
                min=HEADER_MIN_COLUMNS,
            )
        if column is None:  # the whole file: no cell to point at
            return message(language, "fix.generic_file")
        return message(language, "fix.generic")
    spec = _SPECS.get(column or "")
    if code == SPREADSHEET_ERROR:  # whatever the column: the formula, not the value's form
        fix = message(language, "fix.spreadsheet_error")
        nullable = spec is not None and spec.nullable
        return fix + (message(language, "fix.nullable") if nullable else "")
    if spec is None:
        return message(language, "fix.generic")
    if code.startswith("value_duplicate"):
        return message(language, "fix.unique")
    if code == "value_control_character":
        return message(language, "fix.control_character")
    return _fix_for_spec(spec, language)


def file_headings(headers: Sequence[object], language: Language) -> dict[str, str]:
    """Each profile column as the file heads it (its first header read as that column), else as
    a file in `language` would (`sektor usaha` in Bahasa, `sector` in English): for `page_problems`
    to name columns as the person's file does."""
    found: dict[str, str] = {}
    for header in headers:
        name = contract_name(header) if isinstance(header, str) else None
        if name is not None:
            found.setdefault(name, str(header))
    for spec in PROFILE_COLUMNS:
        found.setdefault(spec.name, spec.term_id if language == "id" else spec.name)
    return found


def _other_headers(column: str, shown: str, language: Language) -> str:
    """The other headers read as `column` beside `shown`, quoted, the page's language first
    (Bahasa terms and aliases, then the contract name; in English the other way round); empty
    for a column the contract does not know."""
    spec = _SPECS.get(column)
    if spec is None:
        return ""
    names = header_names(spec)  # name, Bahasa term, Bahasa aliases
    ordered = (*names[1:], names[0]) if language == "id" else names
    seen = {header_key(shown)}
    others: list[str] = []
    for name in ordered:
        if header_key(name) not in seen:
            seen.add(header_key(name))
            others.append(f'"{name}"')
    return ", ".join(others)


def _named(column: str | None, headed: Mapping[str, str]) -> str | None:
    return None if column is None else headed.get(column, column)


def _fix_for_spec(spec: ColumnSpec, language: Language) -> str:
    if spec.name == "province_code":
        return message(language, "fix.province_code")
    if spec.kind == "category" and spec.allowed is not None:
        # The values as the reason shows them (`perempuan, laki-laki` in Bahasa).
        values = [value_name(spec.name, value, language) for value in spec.allowed]
        return message(language, "fix.allowed", values=", ".join(values))
    if spec.kind == "boolean":
        return message(language, "fix.boolean")
    if spec.name == "msme_id":
        return message(language, "fix.unique")
    if spec.kind in ("integer", "number"):
        text = message(language, f"fix.{spec.kind}", range=_range_text(spec, language))
        return text + (message(language, "fix.nullable") if spec.nullable else "")
    return message(language, "fix.string")


def _range_text(spec: ColumnSpec, language: Language) -> str:
    if spec.minimum is not None and spec.maximum is not None:
        return message(
            language,
            "fix.range_between",
            min=format_param("minimum", spec.minimum, language),
            max=format_param("maximum", spec.maximum, language),
        )
    if spec.minimum is not None:
        return message(
            language, "fix.range_min", min=format_param("minimum", spec.minimum, language)
        )
    return ""
