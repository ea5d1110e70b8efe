"""Reading contract files (CSV, Parquet, XLSX), with nothing coerced before validation.

CSV and XLSX cells are read as text (`""` for an empty cell, an XLSX error cell as its code,
`#N/A`) so validation sees exactly what the file holds; Parquet keeps its own types. Row *k* of
the returned frame is spreadsheet row *k* + `ReadInfo.first_data_row` (2 when the header is row
1), also when the file has blank lines in the middle (a row of error cells is not blank).

Files as Indonesian Excel writes them (`read_table_info`, which says what it found in a
`ReadInfo`): CSV separated by comma, semicolon or tab; UTF-8 with or without a byte-order mark,
else Windows-1252; numbers with a decimal comma and thousands dots (detected per file by
`data.numbers.detect_number_format` over the numeric contract columns, whose cells are then
rewritten with a dot: the one exception to "as the file holds", so that validation and every
caller read one form; a workbook's number cells are exact and no vote on how its text cells are
written); a header below title rows, found among the first HEADER_SEARCH_ROWS rows (of a
workbook's first sheet, else of the first sheet holding one: a cover sheet is passed over). A ".csv"
holding binary content (a PDF, a workbook) is refused as not a CSV file; one whose rows do not
fit its header names the row with a value beyond the header (one empty field more, a trailing
separator, is let pass) or the line where a quoted cell that never closes begins.
`read_table` reads the header from row 1 only, for callers that number rows from 2.

Reading is bounded (`data.limits.ReadLimits`): Parquet by its metadata before any row is read,
CSV while streaming in chunks, each row's width counted before it is parsed
(`data.csv_records.CsvRecords`: a line of millions of fields costs a piece of text), XLSX by
`data.xlsx`. A CSV cell may be of any length in every row. Writing, safe to open in a spreadsheet
and atomic, is `data.writing`.
"""

from __future__ import annotations

import codecs
import dataclasses
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from data.contract import column as contract_column
from data.contract import contract_name
from data.csv_records import CsvRecord, CsvRecords, find_or_end, text_pieces
from data.errors import DataError, one_line
from data.limits import (
    DataFileError,
    DataLimitError,
    ReadLimits,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from data.numbers import (
    CANONICAL,
    NumberFormat,
    detect_number_format,
    is_number_text,
    normalise_number_texts,
    strip_currency,
)

CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet", ".pq")
XLSX_SUFFIXES = (".xlsx",)
SUPPORTED_SUFFIXES = CSV_SUFFIXES + PARQUET_SUFFIXES + XLSX_SUFFIXES

__all__ = ["DataFileError", "DataLimitError", "ReadLimits"]  # re-exported: callers import here

TableFormat = Literal["csv", "parquet", "xlsx"]
# A header is looked for in this many rows from the top, and taken below row 1 only when it
# names at least HEADER_MIN_COLUMNS contract columns (and more than row 1 does).
HEADER_SEARCH_ROWS = 20
HEADER_MIN_COLUMNS = 3
CSV_DELIMITERS = (",", ";", "\t")  # in this order of preference when counts tie
CSV_FALLBACK_ENCODING = "cp1252"  # Windows-1252: what Excel on Windows writes for "CSV"
# A ".csv" that is another kind of file: how such files begin, and a NUL byte near the start,
# which no text a spreadsheet writes as CSV holds (UTF-16 "Unicode text" does: not CSV either).
BINARY_STARTS = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a zip archive, such as an Excel workbook",
    b"\xd0\xcf\x11\xe0": "an old Office document, such as an Excel 97-2003 .xls",
}
BINARY_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class ReadInfo:
    """What reading a file found, for a result to state: `ReadInfo(delimiter=";", decimal=",",
    thousands=".", encoding="cp1252", header_row=3)`."""

    format: TableFormat
    header_row: int = 1  # spreadsheet row of the header
    delimiter: str | None = None  # CSV only
    encoding: str | None = None  # CSV only: "utf-8" (with or without BOM) or "cp1252"
    decimal: str | None = None  # decimal mark of the numeric columns; None for Parquet
    thousands: str | None = None  # thousands separator, "" for none; None for Parquet
    header_columns: int = 0  # contract columns the header row names
    best_row: int = 1  # the row naming the most contract columns (the header, when found)
    best_columns: int = 0
    searched_rows: int = 0  # rows looked at for the header
    # XLSX only: the sheet read when it is not the first (the first held no header row).
    sheet: str | None = None

    @property
    def first_data_row(self) -> int:
        """Spreadsheet row of the frame's first row: row numbers in messages start here."""
        return self.header_row + 1

    @property
    def number_format(self) -> NumberFormat:
        if self.decimal == "," and self.thousands == ".":
            return NumberFormat(",", ".")
        if self.thousands == ",":
            return NumberFormat(".", ",")
        return CANONICAL


@dataclass(frozen=True)
class TableRead:
    """A table as read (cells as text, numbers rewritten as ReadInfo says) and what was found."""

    frame: pd.DataFrame
    info: ReadInfo


DuplicateColumns = Literal["error", "keep"]
CSV_CHUNK_ROWS = 50_000


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
        frame, info = _read_csv(path, limits, find_header)
    elif fmt == "parquet":
        frame, info = _read_parquet(path, limits), ReadInfo("parquet")
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


def _detect_encoding(path: Path) -> str:
    """UTF-8 (a byte-order mark allowed) when every byte decodes so, else Windows-1252; one
    streaming pass, before parsing."""
    failure: UnicodeDecodeError | None = None
    for encoding in ("utf-8-sig", CSV_FALLBACK_ENCODING):
        decoder = codecs.getincrementaldecoder(encoding)()
        offset = 0
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1024 * 1024):
                    decoder.decode(chunk)
                    offset += len(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            if failure is None:
                failure = UnicodeDecodeError(
                    error.encoding,
                    error.object,
                    offset + error.start,
                    offset + error.end,
                    error.reason,
                )
            continue
        return "utf-8" if encoding == "utf-8-sig" else encoding
    assert failure is not None
    raise DataFileError(
        f"{path}: not UTF-8 text ({failure.reason} at byte {failure.start}), nor Windows-1252; "
        "save the file as 'CSV UTF-8'",
        code="file_not_text",
        params={"byte": failure.start},
    )


def _python_encoding(encoding: str) -> str:
    return "utf-8-sig" if encoding == "utf-8" else encoding


def _first_records(
    path: Path, encoding: str, separator: str, limits: ReadLimits
) -> list[CsvRecord]:
    """The first HEADER_SEARCH_ROWS records, counted (`CsvRecords`): a row wider than
    `limits.max_columns` is refused as it is read, before it costs more than a piece of text."""
    records: list[CsvRecord] = []
    with path.open(encoding=_python_encoding(encoding), newline="") as handle:
        read = CsvRecords(handle, separator, names=True, max_fields=limits.max_columns)
        for record in read:
            if limits.max_columns is not None and record.fields > limits.max_columns:
                raise too_many_columns(
                    f"{path} (line {record.begins})", record.fields, limits.max_columns
                )
            records.append(record)
            if len(records) >= HEADER_SEARCH_ROWS:
                break
    return records


def _sniff_delimiter(path: Path, encoding: str) -> str:
    """The separator splitting some line of the first rows into the most fields (titles above
    the header have few); comma on a tie, as before (Excel in id-ID writes semicolons). Counted
    in pieces of text: a line of any length costs a piece."""
    widths = dict.fromkeys(CSV_DELIMITERS, 0)
    counts = dict.fromkeys(CSV_DELIMITERS, 0)
    lines = 0
    with path.open(encoding=_python_encoding(encoding), errors="replace", newline="") as handle:
        pieces = text_pieces(handle)
        while lines < HEADER_SEARCH_ROWS and (piece := next(pieces, "")):
            start = 0
            while lines < HEADER_SEARCH_ROWS and start < len(piece):
                end = min(find_or_end(piece, "\n", start), find_or_end(piece, "\r", start))
                for sep in CSV_DELIMITERS:
                    counts[sep] += piece.count(sep, start, end)
                if end == len(piece):
                    break
                for sep in CSV_DELIMITERS:
                    widths[sep] = max(widths[sep], counts[sep])
                counts = dict.fromkeys(CSV_DELIMITERS, 0)
                start, lines = end + (2 if piece.startswith("\r\n", end) else 1), lines + 1
    for sep in CSV_DELIMITERS:  # the last line, without a line break
        widths[sep] = max(widths[sep], counts[sep])
    best = max(CSV_DELIMITERS, key=lambda sep: widths[sep])
    return best if widths[best] > widths[","] else ","


def _header_choice(rows: Sequence[Sequence[object]], find_header: bool) -> tuple[int, ReadInfo]:
    """The index of the header among `rows` (0 unless `find_header` finds a better one), and
    the header fields of a ReadInfo."""
    scores = [
        len(
            {contract_name(cell) for cell in row if isinstance(cell, str) and cell.strip()} - {None}
        )
        for row in rows
    ]
    return _header_scored(scores, find_header)


def _header_scored(scores: Sequence[int], find_header: bool) -> tuple[int, ReadInfo]:
    """`_header_choice` from each row's count of contract columns named."""
    searched = len(scores)
    scores = list(scores) or [0]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    moved = find_header and scores[best] >= HEADER_MIN_COLUMNS and scores[best] > scores[0]
    index = best if moved else 0
    info = ReadInfo(
        "csv",
        header_row=index + 1,
        header_columns=scores[index],
        best_row=best + 1,
        best_columns=scores[best],
        searched_rows=searched if find_header else 1,
    )
    return index, info


def _refuse_binary(path: Path) -> None:
    """Refuse a ".csv" holding a PDF, a workbook or other binary content as not a CSV file,
    before its bytes are decoded as Windows-1252 text into rows of nothing."""
    with path.open("rb") as handle:
        head = handle.read(BINARY_SNIFF_BYTES)
    kind = next((name for start, name in BINARY_STARTS.items() if head.startswith(start)), None)
    if kind is None and b"\x00" in head:
        kind = "binary content (NUL bytes)"
    if kind is not None:
        raise DataFileError(
            f"{path}: not a CSV file: it holds {kind}; save it as 'CSV UTF-8' or as an Excel "
            ".xlsx workbook",
            code="file_not_csv",
        )


def _read_csv(path: Path, limits: ReadLimits, find_header: bool) -> tuple[pd.DataFrame, ReadInfo]:
    _refuse_binary(path)
    encoding = _detect_encoding(path)
    separator = _sniff_delimiter(path, encoding)
    header_row, width = 1, None  # unknown until the header search has read the first rows
    try:
        records = _first_records(path, encoding, separator, limits)
        index, info = _header_scored([len(record.names) for record in records], find_header)
        skipped = records[index - 1].ends if index else 0  # lines above the header
        # Title rows left above the header (not found, or `read_table`) may be narrower than
        # the table: the grid is as wide as the widest row down to the best candidate.
        header_width = records[index].fields if records else 0
        below = records[index : max(index, info.best_row - 1) + 1]
        width = max((record.fields for record in below), default=0)
        header_row = info.header_row
        if not width:
            raise pd.errors.EmptyDataError("no columns")
        _check_csv_width(path, width, limits)
        if limits.max_columns is not None:
            # Read within bounds (an upload): a row wider than the header is refused before
            # pandas parses it, whose tokenizer holds a row whole (a 72 MB line: 450 MB).
            wide, _ = _scan_records(path, encoding, separator, header_row, width)
            if wide is not None:
                raise _extra_fields(path, separator, width, *wide)
        padded = width > header_width
        # header=None keeps duplicate header names as they are (pandas would rename them to
        # "name.1"); blank lines stay as rows so row numbers match the spreadsheet. One spare
        # column past the width: a row with a field too many fills it and is refused below
        # (`_within_width`), two too many pandas refuses. Without it pandas takes each chunk's
        # width from the chunk's first line: a row starting a chunk lost its extra field, and a
        # short one failed the row after it.
        chunks = pd.read_csv(
            path,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding=_python_encoding(encoding),
            sep=separator,
            skiprows=skipped,
            names=list(range(width + 1)),
            index_col=False,  # never the first field as an index, even in a row too wide
            chunksize=CSV_CHUNK_ROWS,
        )
        with chunks:
            grid = _bounded_rows(path, _within_width(chunks, width), limits)
        if padded:
            grid = grid.fillna("")
    except UnicodeDecodeError as error:  # not expected: the encoding was checked
        raise DataFileError(
            f"{path}: not {encoding} text ({error.reason})",
            code="file_not_text",
            params={"byte": error.start},
        ) from error
    except pd.errors.EmptyDataError as error:
        raise DataFileError(f"{path}: file is empty", code="file_empty") from error
    except (_WiderThanHeaderError, pd.errors.ParserError, ValueError) as error:
        raise _csv_problem(
            path, error, encoding=encoding, separator=separator, header_row=header_row, width=width
        ) from error
    frame, numbers = _read_numbers(_header_from_first_row(grid), separator, workbook=False)
    return frame, dataclasses.replace(
        info,
        delimiter=separator,
        encoding=encoding,
        decimal=numbers.decimal,
        thousands=numbers.thousands,
    )


class _WiderThanHeaderError(DataError, ValueError):
    """A row read with a value beyond the header (in the spare column); `row` counts from the
    header, 0."""

    def __init__(self, row: int) -> None:
        super().__init__(f"row {row} below the header has more fields than the header")
        self.row = row


def _within_width(chunks: Iterator[pd.DataFrame], width: int) -> Iterator[pd.DataFrame]:
    """The chunks without their spare column (position `width`), refusing the first row that
    holds a value there. An empty one is let pass: pandas pads every shorter row with empty
    cells up to the spare column, so a trailing separator (one empty field more than the
    header) cannot be told from them, and it holds nothing."""
    rows = 0
    for chunk in chunks:
        spare = chunk.iloc[:, width]
        beyond = (spare.notna() & (spare != "")).to_numpy(dtype=bool)
        if beyond.any():
            raise _WiderThanHeaderError(rows + int(beyond.argmax()))
        rows += len(chunk)
        yield chunk.iloc[:, :width]


# pandas' words (C parser) for a file ending inside a quoted field.
PANDAS_UNCLOSED_QUOTE = "EOF inside string"


def _csv_problem(
    path: Path,
    error: Exception,
    *,
    encoding: str,
    separator: str,
    header_row: int,
    width: int | None,
) -> DataFileError:
    """Why a CSV file cannot be parsed, in the user's terms: the first row with more fields than
    the header's `width` (its spreadsheet row), or the line where a quoted cell that is never
    closed begins; else the parser's own words. Found again by `CsvRecords`, which numbers
    rows as the header search did, and only on this failing path."""
    wide, last_start = _scan_records(path, encoding, separator, header_row, width)
    if wide is None and isinstance(error, _WiderThanHeaderError) and width is not None:
        wide = (header_row + error.row, width + 1)  # the readers disagree: pandas' count
    if wide is not None and width is not None:
        return _extra_fields(path, separator, width, *wide)
    unclosed = PANDAS_UNCLOSED_QUOTE in str(error)
    if unclosed and _has_quote(path, encoding, last_start):
        return DataFileError(
            f"{path}: not a readable CSV file: a quoted cell from line {last_start} is never "
            'closed, so the rest of the file reads as one cell: add the closing quote (") or '
            "remove the opening one",
            code="file_csv_unclosed_quote",
            params={"line": last_start},
        )
    return DataFileError(f"{path}: not a readable CSV file: {one_line(error)}", code="file_not_csv")


def _extra_fields(path: Path, separator: str, width: int, row: int, found: int) -> DataFileError:
    """Spreadsheet row `row` has `found` fields where the header has `width`."""
    return DataFileError(
        f"{path}: not a readable CSV file: row {row} has {found} fields where the header "
        f"has {width}: a separator ({_shown(separator)}) too many, or a cell holding it "
        "without quotes around the cell",
        code="file_csv_extra_fields",
        params={"row": row, "found": found, "expected": width},
    )


def _scan_records(
    path: Path, encoding: str, separator: str, header_row: int, width: int | None
) -> tuple[tuple[int, int] | None, int]:
    """The first row below the header that is `_too_wide` for `width` fields (None: not looked
    for), as (spreadsheet row, fields), or None; and the line the last record read begins on.
    Rows that fit are passed over by a regular expression (`CsvRecords`' `fit`); a row of any
    width or a cell of any length costs a piece of text."""
    with path.open(encoding=_python_encoding(encoding), newline="") as handle:
        read = CsvRecords(
            handle,
            separator,
            max_fields=None if width is None else width + 1,
            fit=width,
            fit_from=header_row + 1,
        )
        for record in read:
            if (
                width is not None
                and record.row > header_row
                and (not record.counted or _too_wide(record.fields, record.last_filled, width))
            ):
                return (record.row, record.fields), read.last_begins
    return None, read.last_begins


def _too_wide(fields: int, last_filled: bool, width: int) -> bool:
    """A row the reading refuses: a value beyond the header's `width` fields, or two fields
    more (one empty field more is a trailing separator, see `_within_width`)."""
    return fields > width + 1 or (fields == width + 1 and last_filled)


def _has_quote(path: Path, encoding: str, line: int) -> bool:
    """Whether line `line` (from 1) of the file holds a double quote."""
    with path.open(encoding=_python_encoding(encoding), newline="") as handle:
        for number, text in enumerate(handle, start=1):
            if number == line:
                return '"' in text
    return False


def _shown(separator: str) -> str:
    return "tab" if separator == "\t" else separator


def _check_csv_width(path: Path, width: int, limits: ReadLimits) -> None:
    """The header's width, before pandas sizes its columns by it."""
    if limits.max_columns is not None and width > limits.max_columns:
        raise too_many_columns(str(path), width, limits.max_columns)


def _read_numbers(
    frame: pd.DataFrame, separator: str | None, *, workbook: bool
) -> tuple[pd.DataFrame, NumberFormat]:
    """The numeric contract columns' convention, detected over their text cells (each distinct
    text once, with how many cells hold it: the convention most cells use wins; in a
    `workbook`, number cells are no vote), and the frame with the cells it reads rewritten with
    a dot for decimals and no grouping; cells only another convention reads stay as written,
    for validation to report."""
    positions: dict[int, bool] = {}  # column position -> money (a currency may come first)
    for position, header in enumerate(frame.columns):
        name = contract_name(header)
        spec = contract_column(name) if name is not None else None
        if spec is not None and spec.kind in ("number", "integer"):
            positions[position] = "IDR" in spec.unit
    read: set[int] = set()  # the positions holding text
    texts: list[str] = []  # each column's distinct texts, trimmed and without a currency
    counts: list[int] = []  # the cells holding each
    exact: dict[int, np.ndarray[Any, np.dtype[np.bool_]]] = {}  # a workbook's number cells
    for position, money in positions.items():
        values = frame.iloc[:, position]
        if values.dtype != object:
            continue
        read.add(position)
        if workbook:
            exact[position] = np.fromiter(
                map(is_number_text, values), dtype=bool, count=len(values)
            )
            values = values[~exact[position]]  # exact already: no vote on the text cells' form
        codes, uniques = pd.factorize(values.astype(str).str.strip())
        distinct = pd.Series(uniques, dtype=object)
        cleaned = strip_currency(distinct) if money else distinct
        filled = (cleaned != "").to_numpy(dtype=bool)
        texts.extend(cleaned[filled].tolist())
        counts.extend(np.bincount(codes, minlength=len(uniques))[filled].tolist())
    number_format = detect_number_format(
        texts, delimiter=separator, counts=counts, workbook=workbook
    )
    changed: dict[int, np.ndarray[Any, Any]] = {}
    for position, money in positions.items():
        if position not in read:
            continue
        values = frame.iloc[:, position].astype(str).str.strip()
        cleaned = strip_currency(values) if money else values
        rewritten = normalise_number_texts(cleaned, number_format)
        if not rewritten.equals(frame.iloc[:, position]):
            # Only cells the convention reads change; others stay as the file wrote them.
            keep = rewritten.str.fullmatch(r"[+-]?\d+(?:\.\d+)?").fillna(False).to_numpy(bool)
            if position in exact:
                keep &= ~exact[position]  # a number cell stays as the workbook holds it
            original = frame.iloc[:, position]
            changed[position] = np.where(keep, rewritten, original).astype(object)
    if changed:
        frame = frame.copy(deep=False)
        for position, rewritten_cells in changed.items():
            frame.isetitem(position, rewritten_cells)
    return frame, number_format


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


def _bounded_rows(path: Path, chunks: Any, limits: ReadLimits) -> pd.DataFrame:
    """The chunks together, stopping at the first row past the row or cell limit. Blank lines
    past the limit are kept out of memory: they count only if data follows them."""
    cap = None if limits.max_rows is None else limits.max_rows + 1  # the header too
    kept: list[pd.DataFrame] = []
    rows = 0
    for chunk in chunks:
        part = chunk
        if cap is not None and rows + len(chunk) > cap:
            part, beyond = chunk.iloc[: cap - rows], chunk.iloc[cap - rows :]
            if not _all_blank(beyond):
                raise too_many_rows(str(path), cap, cap - 1, at_least=True)
        found = (rows + len(part)) * part.shape[1]
        if limits.max_cells is not None and found > limits.max_cells:
            raise too_many_cells(str(path), found, limits.max_cells)
        if len(part):
            kept.append(part)
            rows += len(part)
    if not kept:
        raise pd.errors.EmptyDataError("no rows")
    return kept[0] if len(kept) == 1 else pd.concat(kept, ignore_index=True)


def _all_blank(frame: pd.DataFrame) -> bool:
    return bool(frame.apply(lambda column: (column.fillna("").str.strip() == "").all()).all())


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
    frame, numbers = _read_numbers(_header_from_first_row(grid), None, workbook=True)
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


def _read_parquet(path: Path, limits: ReadLimits) -> pd.DataFrame:
    """Checked against the limits from its metadata before any row is read, then again as it
    is read (`read_parquet_row_groups`): the metadata is written by whoever made the file."""
    try:
        metadata = pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError, ValueError) as error:
        raise DataFileError(
            f"{path}: not a readable Parquet file: {one_line(error)}", code="file_not_parquet"
        ) from error
    if limits.max_rows is not None and metadata.num_rows > limits.max_rows:
        raise too_many_rows(str(path), metadata.num_rows, limits.max_rows)
    if limits.max_columns is not None and metadata.num_columns > limits.max_columns:
        raise too_many_columns(str(path), metadata.num_columns, limits.max_columns)
    cells = (metadata.num_rows + 1) * metadata.num_columns
    if limits.max_cells is not None and cells > limits.max_cells:
        raise too_many_cells(str(path), cells, limits.max_cells)
    unpacked = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if limits.max_unzipped_bytes is not None and unpacked > limits.max_unzipped_bytes:
        raise _unpacks_to(path, unpacked, limits.max_unzipped_bytes)
    return read_parquet_row_groups(path, limits=limits)


def _unpacks_to(path: Path, found: int, limit: int, *, at_least: bool = False) -> DataLimitError:
    more = "at least " if at_least else ""
    return DataLimitError(
        f"{path}: the file unpacks to {more}{found:,} bytes; at most {limit:,} are read here",
        code="unzipped_too_large",
        found=found,
        limit=limit,
    )


def _decoded_bytes(column: pa.Array) -> int:
    """What a column takes once its dictionary is decoded: a dictionary's values counted as
    often as rows use them (one short page can repeat a long text a million times)."""
    if isinstance(column, pa.DictionaryArray):
        lengths = pc.binary_length(column.dictionary)
        used: int = pc.sum(pc.take(lengths, column.indices)).as_py() or 0
        indices: int = column.indices.nbytes
        return used + indices + 4 * len(column)
    return int(column.nbytes)


def read_parquet_row_groups(
    path: Path | str,
    row_groups: Sequence[int] | None = None,
    *,
    limits: ReadLimits | None = None,
) -> pd.DataFrame:
    """A Parquet file, or only some of its row groups, as `read_table` reads Parquet.

    Nested columns (struct, list, map) are refused: the contract's cells are plain values.
    With ``limits`` (an upload's), the text columns are read as dictionaries and the table is
    counted, rows and bytes as decoded, before they are decoded: a dictionary-encoded page of a
    few kilobytes can decode to gigabytes (the metadata's sizes are the encoded ones). Without,
    as the file holds them (training's and Dask's own files).
    """
    path = Path(path)
    limits = limits or ReadLimits()
    try:
        schema = pq.ParquetFile(path).schema_arrow  # unlike pq.read_table, allows duplicate names
        nested = [
            f"{field.name} ({field.type})" for field in schema if pa.types.is_nested(field.type)
        ]
        if nested:
            raise DataFileError(
                f"{path}: columns holding nested values (lists, structs or maps) cannot be "
                f"read: {', '.join(nested[:5])}; store one plain value per cell",
                code="file_nested_columns",
                params={"columns": [name.split(" (")[0] for name in nested[:5]]},
            )
        if limits.max_rows is None and limits.max_unzipped_bytes is None:
            source = pq.ParquetFile(path)
            groups = None if row_groups is None else list(row_groups)
            table = source.read() if groups is None else source.read_row_groups(groups)
        else:
            text = [i for i, field in enumerate(schema) if _is_text(field.type)]
            source = pq.ParquetFile(path, read_dictionary=sorted({schema[i].name for i in text}))
            table = _read_counted(
                path, source, schema, row_groups=row_groups, limits=limits, text=text
            )
        names = [str(name) for name in table.column_names]
        if len(set(names)) == len(names):
            frame: pd.DataFrame = table.to_pandas()
            return frame
        # Duplicate names: pandas refuses them, and validation wants to report them.
        columns = [table.column(i).to_pandas() for i in range(table.num_columns)]
    except (pa.ArrowException, OSError, ValueError, TypeError, IndexError) as error:
        raise DataFileError(
            f"{path}: not a readable Parquet file: {one_line(error)}", code="file_not_parquet"
        ) from error
    frame = pd.concat(columns, axis=1, ignore_index=True) if columns else pd.DataFrame()
    frame.columns = pd.Index(names, dtype=object)
    return frame


def _is_text(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
    )


def _read_counted(
    path: Path,
    source: pq.ParquetFile,
    schema: pa.Schema,
    *,
    row_groups: Sequence[int] | None,
    limits: ReadLimits,
    text: Sequence[int],
) -> pa.Table:
    """``source`` read with its ``text`` columns as dictionaries, its rows and decoded bytes
    counted, then those columns decoded back to their type in ``schema`` (the file's own)."""
    groups = None if row_groups is None else list(row_groups)
    table = source.read() if groups is None else source.read_row_groups(groups)
    if limits.max_rows is not None and table.num_rows > limits.max_rows:
        raise too_many_rows(str(path), table.num_rows, limits.max_rows)
    unpacked = sum(_decoded_bytes(chunk) for column in table.columns for chunk in column.chunks)
    if limits.max_unzipped_bytes is not None and unpacked > limits.max_unzipped_bytes:
        raise _unpacks_to(path, unpacked, limits.max_unzipped_bytes)
    for i in text:
        table = table.set_column(i, schema.field(i), table.column(i).cast(schema[i].type))
    return table


def parquet_pieces(path: Path | str, rows_per_piece: int) -> list[tuple[Path, tuple[int, ...]]]:
    """Consecutive row groups of a Parquet file, about `rows_per_piece` rows each (a row group
    is never split): how a large file is cut into tasks."""
    path = Path(path)
    try:
        metadata = pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError) as error:
        raise DataFileError(
            f"{path}: not a readable Parquet file: {one_line(error)}", code="file_not_parquet"
        ) from error
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
    if len(frame) == 0 or not _all_empty(frame.iloc[-1].reset_index(drop=True)):
        return frame
    blank = np.ones(len(frame), dtype=bool)
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        blank &= (values.isna() | (values.astype(str).str.strip() == "")).to_numpy(dtype=bool)
    filled = np.flatnonzero(~blank)
    end = int(filled[-1]) + 1 if filled.size else 0
    return frame.iloc[:end]
