"""Reading contract files (CSV, Parquet, XLSX), with nothing coerced before validation: the
entry points, and reading an XLSX workbook's grid (`data.xlsx`) as a table.

CSV and XLSX cells are read as text (`""` for an empty cell, an XLSX error cell as its code,
`#N/A`) so validation sees exactly what the file holds; Parquet keeps its own types. Row *k* of
the returned frame is spreadsheet row *k* + `ReadInfo.first_data_row` (2 when the header is row
1), also when the file has blank lines in the middle (a row of error cells is not blank).

Files as Indonesian Excel writes them (`read_table_info`, which says what it found in a
`ReadInfo`, `data.read_info`): numbers with a decimal comma and thousands dots, rewritten with a
dot (the one exception to "as the file holds"); a header below title rows, found among the first
HEADER_SEARCH_ROWS rows (of a workbook's first sheet, else of the first sheet holding one: a
cover sheet is passed over); a CSV file's separator and encoding, and rows that do not fit its
header, as `data.csv_reading` reads them. `read_table` reads the header from row 1 only, for
callers that number rows from 2. `money_texts` reads a money column outside the contract (a cost
column) in the form its cells show.

Reading is bounded (`data.limits.ReadLimits`): CSV by `data.csv_reading`, Parquet by
`data.parquet_reading`, XLSX by `data.xlsx`. Writing, safe to open in a spreadsheet and atomic,
is `data.writing`.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from data.contract import contract_name
from data.csv_reading import read_csv
from data.limits import DataFileError, DataLimitError, ReadLimits
from data.numbers import (
    detect_number_format,
    is_number_text,
    normalise_number_texts,
    strip_currency,
)
from data.parquet_reading import read_parquet
from data.read_info import (
    HEADER_MIN_COLUMNS,
    HEADER_SEARCH_ROWS,
    ReadInfo,
    header_from_first_row,
    header_scored,
    read_numbers,
)

CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet", ".pq")
XLSX_SUFFIXES = (".xlsx",)
SUPPORTED_SUFFIXES = CSV_SUFFIXES + PARQUET_SUFFIXES + XLSX_SUFFIXES

__all__ = ["DataFileError", "DataLimitError", "ReadLimits"]  # re-exported: callers import here


@dataclass(frozen=True)
class TableRead:
    """A table as read (cells as text, numbers rewritten as ReadInfo says) and what was found."""

    frame: pd.DataFrame
    info: ReadInfo


DuplicateColumns = Literal["error", "keep"]


def table_format(path: Path) -> Literal["csv", "parquet", "xlsx"]:
    """The table format a file name asks for, from its extension (any case)."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    raise DataFileError(
        f"{path}: unknown file type {suffix or '(no extension)'!s}; "
        f"use one of {', '.join(SUPPORTED_SUFFIXES)}",
        code="file_unknown_type",
        params={"suffix": suffix or "–", "allowed": list(SUPPORTED_SUFFIXES)},
    )


def read_table(
    path: Path | str,
    *,
    duplicate_columns: DuplicateColumns = "error",
    limits: ReadLimits | None = None,
) -> pd.DataFrame:
    """Read a CSV, Parquet or XLSX file (first sheet) by extension, with nothing coerced but
    Indonesian numbers (see the module docstring); the header is row 1.

    Raises DataFileError for an unknown extension, a missing, empty, corrupt or header-only file,
    and for duplicate column names (unless `duplicate_columns="keep"`, which returns them as they
    are so validation can report them); DataLimitError for a file past `limits`, found before
    the file is parsed whole.
    """
    read = read_table_info(
        path, duplicate_columns=duplicate_columns, limits=limits, find_header=False
    )
    return read.frame


def read_table_info(
    path: Path | str,
    *,
    duplicate_columns: DuplicateColumns = "error",
    limits: ReadLimits | None = None,
    find_header: bool = True,
) -> TableRead:
    """`read_table`, plus what was found (`ReadInfo`), and with `find_header` the header looked
    for among the first HEADER_SEARCH_ROWS rows: pass `info` to validation so row numbers are
    the spreadsheet's."""
    path = Path(path)
    fmt = table_format(path)
    limits = limits or ReadLimits()
    if not path.is_file():
        raise DataFileError(f"{path}: file not found", code="file_not_found")
    if path.stat().st_size == 0:
        raise DataFileError(f"{path}: file is empty", code="file_empty")
    if fmt == "csv":
        frame, info = read_csv(path, limits, find_header)
    elif fmt == "parquet":
        frame, info = read_parquet(path, limits), ReadInfo("parquet")
    else:
        frame, info = _read_xlsx(path, limits, find_header)
    duplicates = sorted(name for name, count in Counter(frame.columns).items() if count > 1)
    if duplicates and duplicate_columns == "error":
        raise DataFileError(
            f"{path}: duplicate column names in the header: {', '.join(map(str, duplicates))}",
            code="file_duplicate_columns",
            params={"columns": [str(name) for name in duplicates]},
        )
    if len(frame) == 0:
        raise DataFileError(f"{path}: file has a header but no data rows", code="file_no_data_rows")
    return TableRead(frame, info)


def money_texts(values: pd.Series[Any], info: ReadInfo | None) -> pd.Series[str]:
    """A money column outside the contract (a cost column) as trimmed texts with a dot for
    decimals and no grouping (`Rp 1.250.000` -> `1250000`), for `pd.to_numeric`; a cell no
    format reads stays as written. The column is read in the format its own cells show (in a
    workbook its number cells are no vote), else in the file's (`info.number_format`): a column
    of `1.250.000` beside real numbers or plain digits reads the Indonesian way. Without `info`
    (a frame, not a file) the texts are as they are."""
    text = values.astype(str).str.strip()
    if info is None:
        return text
    cleaned = strip_currency(text)
    exact = np.fromiter(map(is_number_text, values), dtype=bool, count=len(values))
    distinct = cleaned[(cleaned != "").to_numpy(bool) & ~exact].value_counts(sort=False)
    number_format = detect_number_format(
        distinct.index.astype(str),
        delimiter=info.delimiter,
        counts=distinct.to_numpy(dtype=np.int64),
        workbook=info.format == "xlsx",
        default=info.number_format,
    )
    read = normalise_number_texts(cleaned, number_format)
    return read.where(~exact, text) if exact.any() else read


def _read_xlsx(path: Path, limits: ReadLimits, find_header: bool) -> tuple[pd.DataFrame, ReadInfo]:
    """Numbers stored as numbers are exact; only text cells can hold a decimal comma. Title rows
    above the header count toward `limits.max_rows` (the grid is bounded before the search).
    With `find_header`, a first sheet without a header row (a cover sheet) gives way to the
    first sheet that has one (`ReadInfo.sheet` names it)."""
    from data.xlsx import read_xlsx_grid

    read = read_xlsx_grid(path, limits, has_header=_has_header if find_header else None)
    grid = read.grid
    index, info = _header_choice(_top_rows(grid), find_header)
    if index:
        grid = grid.iloc[index:].reset_index(drop=True)
    frame, numbers = read_numbers(header_from_first_row(grid), None, workbook=True)
    info = dataclasses.replace(
        info,
        format="xlsx",
        decimal=numbers.decimal,
        thousands=numbers.thousands,
        sheet=None if read.first else read.sheet,
    )
    return frame, info


def _top_rows(grid: pd.DataFrame) -> list[list[object]]:
    """The rows a header is looked for in."""
    rows: list[list[object]] = grid.iloc[:HEADER_SEARCH_ROWS].to_numpy(dtype=object).tolist()
    return rows


def _has_header(grid: pd.DataFrame) -> bool:
    """Whether a sheet holds a header row: one naming HEADER_MIN_COLUMNS contract columns among
    its top rows, as validation asks of the row read as the header."""
    return _header_choice(_top_rows(grid), True)[1].header_columns >= HEADER_MIN_COLUMNS


def _header_choice(rows: Sequence[Sequence[object]], find_header: bool) -> tuple[int, ReadInfo]:
    """The index of the header among `rows` (0 unless `find_header` finds a better one), and
    the header fields of a ReadInfo."""
    scores = [
        len(
            {contract_name(cell) for cell in row if isinstance(cell, str) and cell.strip()} - {None}
        )
        for row in rows
    ]
    return header_scored(scores, find_header)
