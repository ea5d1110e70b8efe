"""From an uploaded spreadsheet to a readable mentoring list, with no HTTP in sight.

The steps are the API's own: the file is read by `data.io.read_table_info` and checked by
`data.validation.validate_frame`; the list is built by `service.scoring.prioritize_profiles`, the
function behind `POST /v1/prioritize`, which scores every candidate once; the listed MSMEs' reasons
come from `service.scoring.explain_profiles`, as `POST /v1/scores` gives them. This module only
adds what a person needs to read the result.

Nothing is half-applied: any invalid row refuses the whole file, with every problem listed.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import pandas as pd
from pydantic import TypeAdapter, ValidationError

from allocation import AllocationError, AllocationResult
from allocation.explain import BindingConstraint, Note, NotSelectedReasons, shortfall_code
from data.aliases import contract_headers
from data.contract import FIRST_DATA_ROW, GENDERS, PROFILE_COLUMNS, SECTORS
from data.field_rules import FieldRuleError
from data.io import (
    DataFileError,
    DataLimitError,
    ReadInfo,
    ReadLimits,
    TableRead,
    money_texts,
    read_table_info,
)
from data.messages import (
    CATALOGS,
    Language,
    format_param,
    format_percents,
    placeholders,
    render,
    shares_read_alike,
)
from data.reference import island_group_by_province, province_name_by_code
from data.segments import SCORED_SEGMENTS, SEGMENTS
from data.store.extras import (
    EXTRA_CELL_LENGTH,
    EXTRA_NAME_LENGTH,
    MAX_EXTRA_COLUMNS,
    PROFILE_FIELDS,
    bad_name,
    shown_name,
    too_long,
)
from data.validation import validate_frame
from service.errors import allocation_refusal
from service.exceptions import ServiceError
from service.model_store import LoadedModel
from service.program_schemas import ListMsme
from service.schemas import (
    MSME_ID_MAX_LENGTH,
    BindingConstraintOut,
    PrioritizeMsme,
    PrioritizeRequest,
    PrioritizeResponse,
)
from service.scoring import (
    Factor,
    factors_by_msme,
    prioritize_profiles_with_result,
    shortfall_note,
    worded_reasons,
)
from service.web.form_numbers import read_form_numbers
from service.web.i18n import counted, format_bytes, format_number, message
from service.web.problems import PageProblem, file_headings, page_problems
from service.web.schemas import (
    ColumnRead,
    InputCell,
    LeftOutMsme,
    ListedMsme,
    ListSummary,
    ReasonCount,
    SegmentCount,
    SourceFile,
    SpreadItem,
    UploadFormat,
    UploadOptions,
    UploadResponse,
)

PROFILE_NAMES = tuple(spec.name for spec in PROFILE_COLUMNS)
UPLOAD_SUFFIXES: dict[str, UploadFormat] = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",  # what `umkm simulate` writes by default
}
COST_COLUMN = "cost"
# An allocation refusal's words on the page: message key, fix key and the field to change.
REFUSAL_WORDS: dict[str, tuple[str, str | None, str]] = {
    "infeasible_constraints": ("error.infeasible", "error.infeasible_fix", "options"),
    "invalid_candidates": ("error.invalid_candidates", "fix.generic", "file"),
    "solver_time_limit": ("error.solver", None, "options"),
}
# What builds the list from the request, the file's columns (in the file's order) and each
# MSME's spreadsheet row (in the request's order): `unrecorded`, or a caller's function that
# also records it (the answer then carries `list_id`).
Prioritize = Callable[
    [LoadedModel, PrioritizeRequest, SourceFile, Sequence[int]],
    tuple[PrioritizeResponse, AllocationResult],
]


# Keeps a recorded list's selected MSMEs' factors (`ProgramStore.attach_factors`): the list's id,
# then (feature, value, contribution) of each, by MSME id.
KeepFactors = Callable[[str, Mapping[str, Sequence[Factor]]], None]


def unrecorded(
    loaded: LoadedModel, body: PrioritizeRequest, source: SourceFile, rows: Sequence[int]
) -> tuple[PrioritizeResponse, AllocationResult]:
    """The list as POST /v1/prioritize builds it, recorded nowhere (the file and its rows
    unneeded)."""
    return prioritize_profiles_with_result(loaded, body)


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


# --------------------------------------------------------------------------- the whole path


def parse_options(text: str, language: Language) -> tuple[UploadOptions, dict[str, str]]:
    """The upload's options from their JSON, numbers typed as text read the Indonesian way
    (`service.web.form_numbers`), and each such number as understood; UploadError (422)
    naming every bad field."""
    try:
        numbers = read_form_numbers(json.loads(text), language)
    except json.JSONDecodeError:
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


def make_list(
    path: Path,
    filename: str,
    *,
    options: UploadOptions,
    loaded: LoadedModel,
    language: Language,
    max_rows: int,
    prioritize: Prioritize = unrecorded,
    recorded: bool = False,
    keep_factors: KeepFactors | None = None,
) -> UploadResponse:
    """File in, list out; every refusal (file, rows, constraints) as an UploadError. A list to be
    `recorded` keeps the file's own columns, within the store's bounds (`own_column_problems`),
    and its selected MSMEs' factors (`keep_factors`)."""
    fmt = upload_format(filename, language)
    read = read_upload(path, filename, language, ReadLimits.for_upload(max_rows))
    raw = read.frame
    frame = checked_candidates(raw, options, language, max_rows, source=read.info)
    columns = input_columns(frame, options)
    if recorded:
        problems = own_column_problems(frame, columns, language)
        if problems:
            raise invalid_file(problems, len(frame), language)
    source = source_file(filename, fmt, read, columns)
    try:
        return build_list(
            loaded,
            frame,
            options,
            language,
            source,
            prioritize=prioritize,
            keep_factors=keep_factors,
        )
    except AllocationError as error:
        raise _refused(error, language) from None


def _refused(error: AllocationError, language: Language) -> UploadError:
    """The API's refusal (`allocation_refusal`), worded in `language` for the page: columns and
    options named as the page labels them, each problem's field the option at fault when one is
    (`options.min_share.0`)."""
    refusal = allocation_refusal(
        error, language, spell_option=lambda params: _page_spelling(params, language)
    )
    text_key, fix_key, field = REFUSAL_WORDS[refusal.error]
    fix = "" if fix_key is None else message(language, fix_key)
    fields = refusal.fields or [None] * len(refusal.problems)
    problems = [
        PageProblem(
            row=None,
            column=None,
            reason=reason,
            fix=fix,
            field=f"{field}.{at}" if at is not None and field == "options" else field,
        )
        for reason, at in zip(refusal.problems, fields, strict=True)
    ]
    return UploadError(refusal.status, refusal.error, message(language, text_key), problems)


# A list option an allocation problem names (`option`) -> the page's name of its field, as a
# sentence says it ("kecilkan porsi slot yang diundi acak"; the form's label adds its unit).
OPTION_LABELS = {"exploration_share": "options.exploration_name"}


def _page_spelling(params: Mapping[str, object], language: Language) -> Mapping[str, object]:
    """An allocation problem's column and option as the page's form labels them (`jenis kelamin
    pemilik`, not `owner_gender`); others as they are."""
    labels = {
        "column": f"dim.{params.get('column')}",
        "option": OPTION_LABELS.get(str(params.get("option")), f"options.{params.get('option')}"),
    }
    spelled = dict(params)
    for name, key in labels.items():
        label = message(language, key)
        if name in params and label != key:
            spelled[name] = label[:1].lower() + label[1:]
    return spelled


# --------------------------------------------------------------------------- reading the file


def upload_format(filename: str, language: Language) -> UploadFormat:
    """CSV or XLSX by the file name's extension; anything else is refused (415)."""
    fmt = UPLOAD_SUFFIXES.get(Path(filename).suffix.lower())
    if fmt is None:
        raise UploadError(
            415, "not_a_spreadsheet", message(language, "error.not_spreadsheet", file=filename)
        )
    return fmt


def check_size(size: int, limit: int, language: Language, key: str = "error.too_large") -> None:
    """Refuse (413) a file larger than the route's limit, naming both sizes and, by the page's
    catalog `key`, what to do (a candidates file by default)."""
    if size > limit:
        raise UploadError(
            413,
            "file_too_large",
            message(
                language,
                key,
                size=format_bytes(size, language),
                limit=format_bytes(limit, language),
            ),
        )


def read_upload(
    path: Path, filename: str, language: Language, limits: ReadLimits | None = None
) -> TableRead:
    """The file's cells as text and how it was read (delimiter, encoding, numbers, header row),
    via `data.io.read_table_info` within `limits`: a file past them is refused (413) before it
    is parsed whole, an unreadable one too (422)."""
    try:
        return read_table_info(path, duplicate_columns="keep", limits=limits)
    except DataLimitError as error:
        raise UploadError(413, error.code, _past_limit(error, filename, language)) from None
    except DataFileError as error:
        raise UploadError(422, "unreadable_file", _unreadable(error, filename, language)) from None


def _past_limit(error: DataLimitError, filename: str, language: Language) -> str:
    """What a limit refused, in `language`, with the figures the page's way."""

    def count(value: int) -> str:
        return format_number(value, language, 0)

    if error.code == "too_many_rows":  # `found` is where reading stopped: "more than limit"
        return message(language, "error.too_many_rows", limit=count(error.limit))
    if error.code == "too_many_columns":
        return message(
            language,
            "error.too_many_columns",
            columns=count(error.found),
            limit=count(error.limit),
        )
    if error.code in ("too_many_cells", "too_many_strings"):
        return message(
            language, "error.too_many_cells", cells=count(error.found), limit=count(error.limit)
        )
    if error.code == "unzipped_too_large":
        limit = format_bytes(error.limit, language)
        return message(language, "error.unzipped_too_large", file=filename, limit=limit)
    return message(language, "error.text_too_long", file=filename)


# Reading errors the page words itself, with the file's name and how to save it again.
_UNREADABLE_WORDS = {
    "file_empty": "error.empty",
    "file_no_data_rows": "error.empty",
    "file_not_text": "error.not_utf8",
    "file_not_csv": "error.not_spreadsheet",
    "file_not_xlsx": "error.not_spreadsheet",
    "file_not_workbook": "error.not_spreadsheet",
}


def _unreadable(error: DataFileError, filename: str, language: Language) -> str:
    """Why the file cannot be read, in `language`, from the error's code."""
    key = _UNREADABLE_WORDS.get(error.code)
    if key is not None:
        return message(language, key, file=filename)
    detail = render(error.code, error.params, language)
    return message(language, "error.unreadable", file=filename, detail=detail)


# --------------------------------------------------------------------------- checking the rows


def input_columns(frame: pd.DataFrame, options: UploadOptions) -> list[str]:
    """The file's columns as the list carries them (contract names, the others as headed);
    the computed `cost` only when it is the file's own cost column."""
    return [
        str(name) for name in frame.columns if name != COST_COLUMN or name == options.cost_column
    ]


def own_column_problems(
    frame: pd.DataFrame, columns: Sequence[str], language: Language
) -> list[PageProblem]:
    """The file's own columns (beside the contract's) past what a recorded list keeps
    (`data.store.extras`): too many of them, a name too long, each text too long by its row."""
    own = [name for name in columns if name not in PROFILE_FIELDS]
    problems: list[PageProblem] = []

    def count(value: int) -> str:
        return format_number(value, language, 0)

    if len(own) > MAX_EXTRA_COLUMNS:
        limit = count(MAX_EXTRA_COLUMNS)
        problems.append(
            PageProblem(
                row=None,
                column=None,
                reason=message(
                    language, "error.own_columns_too_many", n=count(len(own)), limit=limit
                ),
                fix=message(language, "fix.own_columns_too_many", limit=limit),
            )
        )
    names_limit = count(EXTRA_NAME_LENGTH)
    cells_limit = count(EXTRA_CELL_LENGTH)
    rows = frame.index.to_numpy()
    for name in own:
        if bad_name(name):
            problems.append(
                PageProblem(
                    row=None,
                    column=shown_name(name),
                    reason=message(language, "error.own_column_name_too_long", limit=names_limit),
                    fix=message(language, "fix.own_column_name", limit=names_limit),
                )
            )
            continue
        for position, value in enumerate(frame[name].tolist()):
            if too_long(value):
                problems.append(
                    PageProblem(
                        row=int(rows[position]),
                        column=name,
                        reason=message(language, "error.own_cell_too_long", limit=cells_limit),
                        fix=message(language, "fix.own_cell_too_long", limit=cells_limit),
                    )
                )
    return problems


def source_file(
    filename: str, fmt: UploadFormat, read: TableRead, columns: list[str]
) -> SourceFile:
    """The uploaded file and what reading it found, for the result to state."""
    info = read.info
    return SourceFile(
        filename=filename,
        format=fmt,
        rows=len(read.frame),
        sheet=info.sheet,
        header_row=info.header_row,
        first_data_row=info.first_data_row,
        delimiter=info.delimiter,
        encoding=info.encoding,
        decimal=info.decimal,
        thousands=info.thousands,
        columns_read_as=[
            ColumnRead(header=header, column=column)
            for header, column in contract_headers(list(read.frame.columns)).items()
        ],
        columns=columns,
    )


def checked_candidates(
    raw: pd.DataFrame,
    options: UploadOptions,
    language: Language,
    max_rows: int,
    *,
    source: ReadInfo | None = None,
) -> pd.DataFrame:
    """The candidates, typed by the contract (index = spreadsheet row), with the file's other
    columns as written, plus `cost` when asked (read in the file's number format).

    Raises UploadError listing every problem when any row or column is wrong.
    """
    if len(raw) > max_rows:
        raise UploadError(
            413,
            "too_many_rows",
            message(language, "error.too_many_rows", limit=format_number(max_rows, language, 0)),
        )
    if options.cost_column is not None and options.cost_column not in raw.columns:
        raise _cost_column_missing(options.cost_column, raw.columns, language)
    result = validate_frame(raw, "profile", extra_columns="ignore", source=source)
    headed = file_headings(list(raw.columns), language)  # columns as the file heads them
    header_row = source.header_row if source is not None else FIRST_DATA_ROW - 1
    problems = page_problems(result.problems, language, headed, header_row=header_row)
    valid = result.valid
    problems.extend(_id_length_problems(valid, language, headed["msme_id"]))
    if options.cost_column is not None:
        problems.extend(_cost_problems(raw, options, language, source))
    if problems:
        problems.sort(key=lambda p: (p.row is not None, p.row or 0))
        raise invalid_file(problems, len(raw), language)
    frame = valid.copy()
    if options.cost_column is not None:
        costs = _cost_numbers(raw[options.cost_column], source)
        frame[options.cost_column] = costs.to_numpy(dtype=float)
        frame[COST_COLUMN] = costs.to_numpy(dtype=float)
    return frame


def invalid_file(problems: list[PageProblem], total: int, language: Language) -> UploadError:
    """The refusal of a file with `problems` among its `total` rows: the whole file when a
    column is wrong, else how many problems in how many rows."""
    file_level = any(problem.row is None for problem in problems)
    bad_rows = len({problem.row for problem in problems if problem.row is not None})
    text = (
        message(language, "error.invalid_columns")
        if file_level
        else message(
            language,
            counted("error.invalid_rows", len(problems)),
            n=format_number(len(problems), language, 0),
            rows=format_number(bad_rows, language, 0),
            total=format_number(total, language, 0),
        )
    )
    return UploadError(422, "invalid_file", text, problems)


def _cost_numbers(values: pd.Series[Any], source: ReadInfo | None) -> pd.Series[Any]:
    """The cost column as numbers (`Rp 1.500.000` too), read in the format its own cells show,
    else the file's (`data.io.money_texts`)."""
    text = money_texts(values, source)
    return pd.to_numeric(text.where(text != "", None), errors="coerce")


def _id_length_problems(valid: pd.DataFrame, language: Language, shown: str) -> list[PageProblem]:
    """The API refuses IDs longer than it stores; the file gets the same rule, said per row
    (the ID column named `shown`, as the file heads it)."""
    if "msme_id" not in valid.columns:
        return []
    too_long = valid.index[valid["msme_id"].astype(str).str.len() > MSME_ID_MAX_LENGTH]
    return [
        PageProblem(
            row=int(row),
            column=shown,
            reason=message(language, "error.id_too_long", n=MSME_ID_MAX_LENGTH),
            fix=message(language, "fix.id_length", n=MSME_ID_MAX_LENGTH),
        )
        for row in too_long
    ]


def _cost_problems(
    raw: pd.DataFrame, options: UploadOptions, language: Language, source: ReadInfo | None
) -> list[PageProblem]:
    column = options.cost_column
    assert column is not None and column in raw.columns  # `_cost_column_missing` otherwise
    text = raw[column].astype(str).str.strip()
    numbers = _cost_numbers(raw[column], source)
    empty = (text == "").to_numpy()
    first_row = source.first_data_row if source is not None else FIRST_DATA_ROW
    bad = ((numbers.isna() & ~empty) | (numbers <= 0)).to_numpy()
    problems: list[PageProblem] = []
    fix = message(language, "fix.cost")
    for position in range(len(raw)):
        if bad[position]:
            reason = message(language, "error.cost_not_positive")
        elif empty[position] and options.budget is not None:
            reason = message(language, "error.cost_missing")
        else:
            continue
        problems.append(
            PageProblem(row=position + first_row, column=column, reason=reason, fix=fix)
        )
    return problems


def _cost_column_missing(column: str, headers: pd.Index[Any], language: Language) -> UploadError:
    """A cost column typed in the settings that the file lacks: a mistake of the settings (422
    `invalid_options`, field `options.cost_column`), naming the name typed and the file's own."""
    columns = ", ".join(f'"{header}"' for header in headers)
    reason = message(language, "error.cost_column_missing", column=column, columns=columns)
    labels = {"cost": "options.cost_column", "budget": "options.budget"}
    fix = message(
        language,
        "fix.cost_column",
        **{name: message(language, key) for name, key in labels.items()},
    )
    problem = PageProblem(
        row=None, column=None, reason=reason, fix=fix, field="options.cost_column"
    )
    text = message(language, "error.options", detail=f"{problem.field}: {reason}")
    return UploadError(422, "invalid_options", text, [problem])


# --------------------------------------------------------------------------- building the list


def build_list(
    loaded: LoadedModel,
    frame: pd.DataFrame,
    options: UploadOptions,
    language: Language,
    source: SourceFile,
    *,
    prioritize: Prioritize = unrecorded,
    keep_factors: KeepFactors | None = None,
) -> UploadResponse:
    """The list `POST /v1/prioritize` would give for these rows, with display fields and reasons.

    Raises allocation's errors like that route. Each candidate is scored once, by the list;
    the listed ones are explained for their reasons. Each carries the file's own columns
    (`ListMsme.extra`), for a list that is recorded to keep.
    """
    has_cost = COST_COLUMN in frame.columns
    names = (*PROFILE_NAMES, COST_COLUMN) if has_cost else PROFILE_NAMES
    records = cast(list[dict[str, Any]], frame[list(names)].to_dict("records"))
    inputs = input_cells(frame[source.columns])
    own = [name for name in source.columns if name not in PROFILE_FIELDS]
    profiles = [
        cast(
            PrioritizeMsme,
            ListMsme.model_construct(
                **_plain(record), extra={name: cells[name] for name in own} if own else None
            ),
        )
        for record, cells in zip(records, inputs, strict=True)
    ]
    body = PrioritizeRequest.model_construct(
        msmes=profiles,
        capacity=options.capacity,
        quotas=options.quotas,
        min_share=options.min_share,
        budget=options.budget,
        exclude_digital=options.exclude_digital,
        only_beneficial=options.only_beneficial,
        exploration_share=options.exploration_share,
        exploration_seed=options.exploration_seed,
        time_limit_seconds=options.time_limit_seconds,
    )
    rows = [int(row) for row in frame.index]  # the spreadsheet's rows
    answer, result = prioritize(loaded, body, source, rows)

    position = {msme_id: i for i, msme_id in enumerate(frame["msme_id"])}
    chosen = [position[item.msme_id] for item in answer.selected]
    factors = factors_by_msme(loaded, [profiles[i] for i in chosen])
    explained = worded_reasons(list(factors.values()), language)
    list_id = getattr(answer, "list_id", None)
    if keep_factors is not None and list_id is not None:
        # Kept with the recorded list: it reopens with these reasons, whatever model serves.
        keep_factors(list_id, factors)
    names_by_code = _province_names()
    islands = _islands()

    selected = [
        ListedMsme.model_construct(
            **item.__dict__,
            row=rows[i],
            province_name=names_by_code.get(item.province_code, item.province_code),
            sector=records[i]["sector"],
            owner_gender=records[i]["owner_gender"],
            area_type=records[i]["area_type"],
            island_group=islands.get(item.province_code, ""),
            reasons=reasons,
            input=inputs[i],
        )
        for item, i, reasons in zip(answer.selected, chosen, explained, strict=True)
    ]
    cutoff = math.nan if result.reasons.cutoff is None else result.reasons.cutoff
    not_selected = []
    for item in answer.not_selected:
        i = position[item.msme_id]
        record = records[i]
        fields = {**item.__dict__}
        fields["reason"] = not_selected_reason(
            item.reason_code,
            item.uplift,
            record,
            cutoff=cutoff,
            options=options,
            language=language,
            reasons=result.reasons,
        )
        not_selected.append(
            LeftOutMsme.model_construct(
                **fields,
                row=rows[i],
                province_code=record["province_code"],
                province_name=names_by_code.get(record["province_code"], record["province_code"]),
                sector=record["sector"],
                owner_gender=record["owner_gender"],
                p_digital_if_mentored=None,
                p_digital_if_not=None,
                input=inputs[i],
            )
        )
    _fill_probabilities(not_selected, result.not_selected)
    common = {
        name: getattr(answer, name)
        for name in PrioritizeResponse.model_fields
        if name
        not in (
            "selected",
            "not_selected",
            "binding_constraints",
            "shortfall_note",
            "notes",
            "evidence_warning",
        )
    }
    exploration = answer.exploration  # the draw made, when the list explored
    if exploration is not None:  # the options as applied, not as sent
        options = options.model_copy(
            update={"exploration_share": exploration.share, "exploration_seed": exploration.seed}
        )
    return UploadResponse.model_construct(
        **common,
        binding_constraints=[
            _binding(item, coded, language)
            for item, coded in zip(answer.binding_constraints, result.binding, strict=True)
        ],
        shortfall_note=shortfall_note(result, language),
        notes=page_notes(result.coded_notes, language),
        evidence_warning=None
        if answer.evidence_code is None
        else render(answer.evidence_code, answer.evidence_params, language),
        selected=selected,
        not_selected=not_selected,
        language=language,
        source=source,
        options=options,
        summary=summarize(selected, not_selected, language),
        list_id=getattr(answer, "list_id", None),
        issued_at=getattr(answer, "created_at", None),
    )


# Notes the page words itself: the option they name is a checkbox of the page's form.
NOT_BENEFICIAL_NOTES = ("note_not_beneficial", "note_not_beneficial_one")


def page_notes(notes: Sequence[Note], language: Language) -> list[str]:
    """A list's notes in `language` (as `service.scoring.list_notes`), fresh or reopened; the one
    on MSMEs not expected to benefit names the page's checkbox, not the API's `only_beneficial`."""
    worded = []
    for note in notes:
        if note.code in NOT_BENEFICIAL_NOTES:
            count = cast(int, note.params.get("count", 0))
            key = counted("note.not_beneficial", count)
            worded.append(message(language, key, n=format_number(count, language, 0)))
        else:
            worded.append(render(note.code, note.params, language))
    return worded


def input_cells(frame: pd.DataFrame) -> list[dict[str, InputCell]]:
    """Every column of each row as JSON values (NaN as None), keys in the file's order."""
    return [_plain(record) for record in cast(list[dict[str, Any]], frame.to_dict("records"))]


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """Numpy scalars as Python values and NaN as None, as a JSON request would carry them."""
    out: dict[str, Any] = {}
    for name, value in record.items():
        missing = value is None or value is pd.NA or value is pd.NaT
        if missing or (isinstance(value, float) and math.isnan(value)):
            out[name] = None
        elif hasattr(value, "item"):
            out[name] = value.item()
        else:
            out[name] = value
    return out


def _fill_probabilities(not_selected: list[LeftOutMsme], scored: pd.DataFrame) -> None:
    """Both chances for the MSMEs left out too, so the second sheet shows why (in place);
    `scored` is the allocation's not-selected table, in the same order."""
    for item, p1, p0 in zip(
        not_selected,
        scored["p_digital_if_mentored"].tolist(),
        scored["p_digital_if_not"].tolist(),
        strict=True,
    ):
        item.p_digital_if_mentored = None if math.isnan(p1) else float(p1)
        item.p_digital_if_not = None if math.isnan(p0) else float(p0)


def _percents(values: Sequence[float | None], language: Language) -> list[str]:
    """Shares shown together, as the page shows them (one decimal, 35,0%; -0.0001 as 0,0%), with
    more decimals where two would otherwise read the same (`format_percents`); none as –."""
    known = [value for value in values if value is not None and math.isfinite(value)]
    shown = iter(format_percents(known, language, fixed=True))
    return [next(shown) if value is not None and math.isfinite(value) else "–" for value in values]


def not_selected_reason(
    code: str,
    uplift: float | None,
    record: dict[str, Any],
    *,
    cutoff: float,
    options: UploadOptions,
    language: Language,
    reasons: NotSelectedReasons | None = None,
) -> str:
    """The page's words for one left-out MSME, fresh or reopened (`service.web.issued`);
    `reasons` (the list's figures) word the codes the page leaves to the message catalog."""
    if code == "below_rank_cutoff" and uplift is not None and shares_read_alike(uplift, cutoff):
        [gain] = _percents([uplift], language)
        return message(language, "reason.below_rank_cutoff_tied", uplift=gain)
    if code == "below_rank_cutoff":  # side by side: never the same figure for two uplifts
        gain, lowest = _percents([uplift, cutoff], language)
        return message(language, "reason.below_rank_cutoff", uplift=gain, cutoff=lowest)
    [gain] = _percents([uplift], language)
    if code == "not_beneficial":
        return message(language, "reason.not_beneficial", uplift=gain)
    if code == "province_quota_full":
        province = str(record["province_code"])
        quota = (options.quotas or {}).get(province, 0)
        return message(
            language,
            counted("reason.province_quota_full", quota),
            province=_province_names().get(province, province),
            quota=quota,
        )
    if code in ("already_digital", "missing_uplift"):
        return message(language, f"reason.{code}")
    if reasons is None:
        return reason_generic(code, language)
    # min_share_reserved, over_budget, not_drawn and any code the page has no wording of: the
    # message catalog's, with the list's figures (the shares, the money left; never English on
    # the Bahasa page: the catalog test holds every reason code)
    province = record["province_code"]
    worded, params = reasons.message(code, math.nan if uplift is None else uplift, province)
    return render(worded, params, language)


def reason_generic(code: str, language: Language) -> str:
    """A reason code in general words (for counts), in `language`: the page's general wording,
    else the message catalog's (`data.messages`) when it needs no parameters."""
    for key in (f"reason.{code}.generic", f"reason.{code}"):
        text = message(language, key)
        if text != key:
            return text
    template = CATALOGS[language].get(code)
    if template is not None and not placeholders(template):
        return render(code, {}, language)
    return code


def _binding(
    item: BindingConstraintOut, coded: BindingConstraint, language: Language
) -> BindingConstraintOut:
    """The constraint's message in `language`, rendered from its code (data.messages)."""
    text = render(coded.code, coded.params, language)
    return BindingConstraintOut.model_construct(**{**item.__dict__, "message": text})


def shortfall_text(eligible: int, capacity: int, filled: int, language: Language) -> str:
    """Why slots stay free: fewer eligible MSMEs than the capacity, in `language`, as the list
    itself words it (a recorded list has its counts, not its notes)."""
    free = capacity - filled
    params = {"eligible": eligible, "capacity": capacity, "free": free}
    return render(shortfall_code(eligible, free), params, language)


# --------------------------------------------------------------------------- the summary


def summarize(
    selected: Sequence[ListedMsme], not_selected: Sequence[LeftOutMsme], language: Language
) -> ListSummary:
    """How the slots spread over provinces, sectors and owner gender; segments; reasons."""
    segments = Counter[str](item.segment for item in selected)
    reasons = Counter(item.reason_code for item in not_selected)
    return ListSummary.model_construct(
        by_province=_spread([item.province_code for item in selected], ()),
        by_sector=_spread([item.sector for item in selected], SECTORS),
        by_owner_gender=_spread([item.owner_gender for item in selected], GENDERS),
        segments=[
            SegmentCount.model_construct(segment=segment, count=segments.get(segment, 0))
            for segment in SCORED_SEGMENTS
            if segment in SEGMENTS or segments.get(segment, 0)
        ],
        not_selected_reasons=[
            ReasonCount.model_construct(
                reason_code=code, reason=reason_generic(code, language), count=n
            )
            for code, n in reasons.most_common()
        ],
    )


def _spread(values: Sequence[str], always: Sequence[str]) -> list[SpreadItem]:
    """Slots per value, most first (ties by value); `always` values appear even with none."""
    counts = Counter(values)
    for value in always:
        counts.setdefault(value, 0)
    total = max(len(values), 1)
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return [
        SpreadItem.model_construct(value=value, slots=n, share=n / total) for value, n in ordered
    ]


def _province_names() -> dict[str, str]:
    return province_name_by_code()


def _islands() -> dict[str, str]:
    return island_group_by_province()
