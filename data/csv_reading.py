"""Reading a CSV contract file (`read_csv`, for `data.io.read_table_info`), every cell as text.

Files as Indonesian Excel writes them: separated by comma, semicolon or tab; UTF-8 with or
without a byte-order mark, else Windows-1252; a header below title rows and numbers with a
decimal comma found as in a workbook (`data.read_info`). A ".csv" holding binary content (a PDF,
a workbook) is refused as not a CSV file; one whose rows do not fit its header names the row with
a value beyond the header (one empty field more, a trailing separator, is let pass) or the line
where a quoted cell that never closes begins.

Reading is bounded (`data.limits.ReadLimits`) while streaming in chunks, each row's width counted
before it is parsed (`data.csv_records.CsvRecords`: a line of millions of fields costs a piece of
text). A cell may be of any length in every row.
"""

from __future__ import annotations

import codecs
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from data.csv_records import CsvRecord, CsvRecords, find_or_end, text_pieces
from data.errors import DataError, one_line
from data.limits import (
    DataFileError,
    ReadLimits,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from data.read_info import (
    HEADER_SEARCH_ROWS,
    ReadInfo,
    header_from_first_row,
    header_scored,
    read_numbers,
)

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
CSV_CHUNK_ROWS = 50_000


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


def read_csv(path: Path, limits: ReadLimits, find_header: bool) -> tuple[pd.DataFrame, ReadInfo]:
    _refuse_binary(path)
    encoding = _detect_encoding(path)
    separator = _sniff_delimiter(path, encoding)
    header_row, width = 1, None  # unknown until the header search has read the first rows
    try:
        records = _first_records(path, encoding, separator, limits)
        index, info = header_scored([len(record.names) for record in records], find_header)
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
    frame, numbers = read_numbers(header_from_first_row(grid), separator, workbook=False)
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
