"""An uploaded candidates file read and checked, with no HTTP in sight: its format and size
(`upload_format`, `check_size`), its cells read by `data.io.read_table_info` (`read_upload`), and
its rows checked by `data.validation.validate_frame` plus the page's own rules (IDs, cost column,
the file's own columns); any invalid row refuses the whole file, with every problem listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from data.aliases import contract_headers
from data.contract import FIRST_DATA_ROW, spreadsheet_error
from data.io import (
    PARQUET_SUFFIXES,
    DataFileError,
    DataLimitError,
    ReadLimits,
    TableRead,
    money_texts,
    read_table_info,
)
from data.messages import Language, render
from data.read_info import ReadInfo
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
from service.schemas import MSME_ID_MAX_LENGTH
from service.web.i18n import counted, format_bytes, format_number, message
from service.web.problems import PageProblem, UploadError, file_headings, page_problems
from service.web.schemas import ColumnRead, SourceFile, UploadFormat, UploadOptions

UPLOAD_SUFFIXES: dict[str, UploadFormat] = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",  # what `umkm simulate` writes by default
}
COST_COLUMN = "cost"


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
        parquet = filename.lower().endswith(PARQUET_SUFFIXES)  # its text decodes past the limit
        key = "error.unzipped_too_large_parquet" if parquet else "error.unzipped_too_large"
        return message(language, key, file=filename, limit=limit)
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
        failed = spreadsheet_error(text.iloc[position]) if bad[position] else None
        if failed is not None:  # a formula that failed, not a cost mistyped
            reason = message(language, "error.cost_spreadsheet_error", error=failed)
            shown = message(language, "fix.spreadsheet_error")
        elif bad[position]:
            reason, shown = message(language, "error.cost_not_positive"), fix
        elif empty[position] and options.budget is not None:
            reason, shown = message(language, "error.cost_missing"), fix
        else:
            continue
        problems.append(
            PageProblem(row=position + first_row, column=column, reason=reason, fix=shown)
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
