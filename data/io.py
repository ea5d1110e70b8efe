"""Reading and writing contract files (CSV, Parquet, XLSX), with nothing coerced before validation.

CSV and XLSX cells are read as text (`""` for an empty cell) so validation sees exactly what the
file holds; Parquet keeps its own types. Row *k* of the returned frame is spreadsheet row *k* + 2
(the header is row 1), also when the file has blank lines in the middle.
"""

from __future__ import annotations

import warnings
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet", ".pq")
XLSX_SUFFIXES = (".xlsx",)
SUPPORTED_SUFFIXES = CSV_SUFFIXES + PARQUET_SUFFIXES + XLSX_SUFFIXES

DuplicateColumns = Literal["error", "keep"]


class DataFileError(Exception):
    """A data file that cannot be read or written as a table; the message names the file."""


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
        f"use one of {', '.join(SUPPORTED_SUFFIXES)}"
    )


def read_table(path: Path | str, *, duplicate_columns: DuplicateColumns = "error") -> pd.DataFrame:
    """Read a CSV, Parquet or XLSX file (first sheet) by extension, with nothing coerced.

    Raises DataFileError for an unknown extension, a missing, empty, corrupt or header-only file,
    and for duplicate column names (unless `duplicate_columns="keep"`, which returns them as they
    are so validation can report them).
    """
    path = Path(path)
    fmt = table_format(path)
    if not path.is_file():
        raise DataFileError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise DataFileError(f"{path}: file is empty")
    if fmt == "csv":
        frame = _read_csv(path)
    elif fmt == "parquet":
        frame = _read_parquet(path)
    else:
        frame = _read_xlsx(path)
    duplicates = sorted(name for name, count in Counter(frame.columns).items() if count > 1)
    if duplicates and duplicate_columns == "error":
        raise DataFileError(
            f"{path}: duplicate column names in the header: {', '.join(map(str, duplicates))}"
        )
    if len(frame) == 0:
        raise DataFileError(f"{path}: file has a header but no data rows")
    return frame


def write_table(df: pd.DataFrame, path: Path | str) -> Path:
    """Write a frame by extension, in a form `read_table` + validation read back unchanged.

    Booleans become true/false in CSV, `province_code` stays a 2-digit string, missing values
    become empty cells; the index is not written. Creates the parent folder.
    """
    path = Path(path)
    fmt = table_format(path)
    out = _for_writing(df, text_booleans=fmt == "csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if fmt == "csv":
            out.to_csv(path, index=False, na_rep="", lineterminator="\n")
        elif fmt == "parquet":
            out.to_parquet(path, index=False)
        else:
            out.to_excel(path, index=False, engine="openpyxl")
    except (OSError, ValueError, TypeError) as error:
        raise DataFileError(f"{path}: cannot write {fmt}: {_one_line(error)}") from error
    return path


def _for_writing(df: pd.DataFrame, *, text_booleans: bool) -> pd.DataFrame:
    out = df.reset_index(drop=True)
    for position, (name, dtype) in enumerate(zip(out.columns, out.dtypes, strict=True)):
        values = out.iloc[:, position]
        if name == "province_code" and pd.api.types.is_numeric_dtype(dtype):
            # A code read as a number (11) is written back as the contract's text ("11").
            text = values.map(lambda v: None if pd.isna(v) else f"{int(v):02d}")
            out.isetitem(position, text.to_numpy(dtype=object))
        elif text_booleans and pd.api.types.is_bool_dtype(dtype):
            text = values.map(lambda v: "" if pd.isna(v) else ("true" if v else "false"))
            out.isetitem(position, text.to_numpy(dtype=object))
    return out


def _sniff_delimiter(path: Path) -> str:
    """Comma, or semicolon/tab when the header clearly uses one (Excel exports in id-ID do)."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        header = handle.readline()
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    if counts[","] == 0 and max(counts[";"], counts["\t"]) > 0:
        return ";" if counts[";"] >= counts["\t"] else "\t"
    return ","


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        # header=None keeps duplicate header names as they are (pandas would rename them to
        # "name.1"); blank lines stay as rows so row numbers match the spreadsheet.
        grid = pd.read_csv(
            path,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
            sep=_sniff_delimiter(path),
        )
    except UnicodeDecodeError as error:
        raise DataFileError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start}); "
            "save the file as 'CSV UTF-8'"
        ) from error
    except pd.errors.EmptyDataError as error:
        raise DataFileError(f"{path}: file is empty") from error
    except (pd.errors.ParserError, ValueError) as error:
        raise DataFileError(f"{path}: not a readable CSV file: {_one_line(error)}") from error
    return _header_from_first_row(grid)


def _read_xlsx(path: Path) -> pd.DataFrame:
    if not zipfile.is_zipfile(path):
        raise DataFileError(f"{path}: not an Excel .xlsx workbook (the file is not a zip archive)")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and data validation it does not read; cells are fine.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            grid = pd.read_excel(
                path, header=None, dtype=str, keep_default_na=False, engine="openpyxl"
            )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise DataFileError(
            f"{path}: not a readable Excel .xlsx workbook: {_one_line(error)}"
        ) from error
    if grid.empty:
        raise DataFileError(f"{path}: the first sheet is empty")
    return _header_from_first_row(grid)


def _read_parquet(path: Path) -> pd.DataFrame:
    return read_parquet_row_groups(path)


def read_parquet_row_groups(
    path: Path | str, row_groups: Sequence[int] | None = None
) -> pd.DataFrame:
    """A Parquet file, or only some of its row groups, as `read_table` reads Parquet."""
    path = Path(path)
    try:
        source = pq.ParquetFile(path)  # unlike pq.read_table, allows duplicate names
        table = source.read() if row_groups is None else source.read_row_groups(list(row_groups))
    except (pa.ArrowException, OSError) as error:
        raise DataFileError(f"{path}: not a readable Parquet file: {_one_line(error)}") from error
    names = [str(name) for name in table.column_names]
    if len(set(names)) == len(names):
        frame: pd.DataFrame = table.to_pandas()
        return frame
    # Duplicate names: pandas refuses them, and validation wants to report them rather than fail.
    columns = [table.column(i).to_pandas() for i in range(table.num_columns)]
    frame = pd.concat(columns, axis=1, ignore_index=True) if columns else pd.DataFrame()
    frame.columns = pd.Index(names, dtype=object)
    return frame


def parquet_pieces(path: Path | str, rows_per_piece: int) -> list[tuple[Path, tuple[int, ...]]]:
    """Consecutive row groups of a Parquet file, about `rows_per_piece` rows each (a row group
    is never split): how a large file is cut into tasks."""
    path = Path(path)
    try:
        metadata = pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError) as error:
        raise DataFileError(f"{path}: not a readable Parquet file: {_one_line(error)}") from error
    pieces: list[tuple[Path, tuple[int, ...]]] = []
    current: list[int] = []
    rows = 0
    for group in range(metadata.num_row_groups):
        current.append(group)
        rows += metadata.row_group(group).num_rows
        if rows >= rows_per_piece:
            pieces.append((path, tuple(current)))
            current, rows = [], 0
    if current:
        pieces.append((path, tuple(current)))
    return pieces


def _header_from_first_row(grid: pd.DataFrame) -> pd.DataFrame:
    """Use the first row as the header: names trimmed; unnamed empty columns dropped."""
    header = [str(cell).strip() for cell in grid.iloc[0]]
    body = grid.iloc[1:]
    body.index = pd.RangeIndex(len(body))  # relabels without copying a million rows
    keep: list[int] = []
    names: list[str] = []
    for position, cell in enumerate(header):
        if cell == "" and _all_empty(body.iloc[:, position]):
            continue  # a stray separator or an Excel phantom column
        keep.append(position)
        names.append(cell or f"unnamed_{position + 1}")
    if len(keep) < len(header):
        body = body.iloc[:, keep]
    body.columns = pd.Index(names, dtype=object)
    return _drop_trailing_empty_rows(body)


def _all_empty(values: pd.Series[Any]) -> bool:
    return bool((values.isna() | (values.astype(str).str.strip() == "")).all())


def _drop_trailing_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Blank lines at the end of a file are not rows; blank lines in the middle still are."""
    end = len(frame)
    while end > 0 and _all_empty(frame.iloc[end - 1].reset_index(drop=True)):
        end -= 1
    return frame if end == len(frame) else frame.iloc[:end]


def _one_line(error: BaseException) -> str:
    """An error's message on one line: the CLI prints one line per file error."""
    return " ".join(str(error).split()) or type(error).__name__
