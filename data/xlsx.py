"""Excel workbooks read within bounds and written without live formulas.

Reading: openpyxl in read-only mode (streaming, DTDs and entities refused through defusedxml),
after checks that bound memory whatever the file declares: the number of files in the zip archive
(counted in its directory before zipfile reads it), the parts' declared decompressed sizes (every
part openpyxl does not stream capped, whatever its name), the number of shared strings, the
longest text between two tags, and each sheet's rows, columns and cells, both as declared
(`<dimension>`) and as found in a streaming pass. The sheets scanned are the parts openpyxl opens
as sheets, found as it finds them (the workbook part named by the content types, its
relationships), whatever their names. Only then is the grid read, at exactly the size found.
Cells are read as text, an error cell as its code (`#N/A`, `#VALUE!`) for validation to refuse.

Writing: every text is written as a text cell (`data_type "s"`), so `=HYPERLINK(...)` or
`@SUM(A1)` in an id stays text; numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import struct
import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeGuard
from xml.etree.ElementTree import Element, ParseError

import numpy as np
import pandas as pd
import xlsxwriter
from defusedxml.ElementTree import fromstring as defused_fromstring
from defusedxml.ElementTree import iterparse as defused_iterparse
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_ERROR
from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_rels_path
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS, SHEET_MAIN_NS
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from data.errors import one_line
from data.limits import (
    XLSX_MAX_PART_BYTES,
    XLSX_MAX_PARTS,
    DataFileError,
    DataLimitError,
    ReadLimits,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from data.numbers import NumberText

_NS = f"{{{SHEET_MAIN_NS}}}"
_ROW, _CELL, _DIMENSION = f"{_NS}row", f"{_NS}c", f"{_NS}dimension"
_SHEET_DATA = f"{_NS}sheetData"
_READ_BYTES = 64 * 1024
# Elements of a sheet outside its cells (merged ranges, conditional formats, links, columns):
# openpyxl builds an object for each; real sheets have hundreds.
SHEET_MAX_OTHER_ELEMENTS = 100_000
_COLUMN_LETTERS = re.compile(r"[A-Za-z]+")
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
# A row's number as a writer puts it: digits (openpyxl reads `2.0` as 2 too; `inf` or `1e400`
# would overflow).
_ROW_NUMBER = re.compile(r"\s*([0-9]{1,18})(?:\.0*)?\s*")

# The zip archive's end records and directory entries (APPNOTE 4.3.12-4.3.16), read as zipfile
# reads them.
_END = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_END64 = struct.Struct("<4sQ2H2L4Q")
_END64_SIGNATURE = b"PK\x06\x06"
_DIRECTORY_ENTRY = struct.Struct("<4s4B4HL2L5H2L")
_DIRECTORY_ENTRY_SIGNATURE = b"PK\x01\x02"

# What a malformed workbook makes zipfile, expat, defusedxml or openpyxl raise. openpyxl reads
# parts with descriptors that fail in many ways (TypeError, KeyError, AttributeError, ...) on
# unexpected content; all of them mean "not a readable workbook".
_MALFORMED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ParseError,
    EOFError,
    KeyError,
    IndexError,
    ValueError,  # defusedxml's DTDForbidden / EntitiesForbidden are ValueErrors
    TypeError,
    AttributeError,
    OSError,
    NotImplementedError,
    RuntimeError,
    OverflowError,  # a number too large for an int or a date (`inf`, `1e400`)
    struct.error,
)


# ------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class SheetGrid:
    """A worksheet's cells as text, and which sheet they are."""

    grid: pd.DataFrame
    sheet: str  # the sheet's name, as its tab shows it
    first: bool = True  # the workbook's first sheet


def read_xlsx_grid(
    path: Path, limits: ReadLimits, *, has_header: Callable[[pd.DataFrame], bool] | None = None
) -> SheetGrid:
    """The first worksheet's cells as text (`""` when empty), from row 1 and column A; with
    `has_header`, the first sheet it holds for when the first does not (a cover or a title
    sheet before the table), else the first sheet still.

    Raises DataLimitError past a limit (before the grid is built) and DataFileError for a file
    that is not a readable workbook.
    """
    bounds = limits.xlsx()
    if not zipfile.is_zipfile(path):
        raise DataFileError(
            f"{path}: not an Excel .xlsx workbook (the file is not a zip archive)",
            code="file_not_xlsx",
        )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and data validation it does not read, and about sheets
            # without a relationship (left out); cells are fine.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            # Counted in the archive's directory: zipfile builds an object per entry.
            _check_part_count(path)
            with zipfile.ZipFile(path) as archive:
                _check_unzipped_size(path, archive, bounds)
                strings, sheets = _streamed_parts(path, archive)
                _check_part_sizes(path, archive, streamed={*sheets, *filter(None, [strings])})
                if strings is not None:
                    _check_shared_strings(path, archive, strings, bounds)
                # Every sheet openpyxl will open, before it opens any: it reads a sheet without
                # <dimension> through to size it.
                extents = {name: _scan_sheet(path, archive, name, bounds) for name in sheets}
            workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
            try:
                if not workbook.worksheets:
                    raise DataFileError(
                        f"{path}: the workbook has no worksheet", code="file_no_worksheet"
                    )
                first = _sheet_grid(path, workbook.worksheets[0], extents)
                chosen = None if first is None else SheetGrid(first, workbook.worksheets[0].title)
                if has_header is not None and (first is None or not has_header(first)):
                    for sheet in workbook.worksheets[1:]:
                        grid = _sheet_grid(path, sheet, extents)
                        if grid is not None and has_header(grid):
                            chosen = SheetGrid(grid, sheet.title, first=False)
                            break
                if chosen is None:
                    raise DataFileError(f"{path}: the first sheet is empty", code="file_empty")
            finally:
                workbook.close()
    except DataFileError:
        raise
    except _MALFORMED as error:
        raise DataFileError(
            f"{path}: not a readable Excel .xlsx workbook: {one_line(error)}",
            code="file_not_workbook",
        ) from error
    return chosen


def _sheet_grid(path: Path, sheet: Any, extents: dict[str, tuple[int, int]]) -> pd.DataFrame | None:
    """A worksheet's cells as text, within the extent the scan found (None when empty)."""
    # openpyxl keeps the part's name privately; the scan read that same part.
    part = getattr(sheet, "_worksheet_path", None)
    if part not in extents:  # never so: the sheets scanned are found as openpyxl finds them
        raise DataFileError(
            f"{path}: the sheet {str(sheet.title)[:40]!r} (part {str(part)[:80]}) was not "
            "checked before reading",
            code="file_not_workbook",
        )
    rows, columns = extents[part]
    if rows == 0:
        return None
    grid = [
        [_cell_text(cell) for cell in row]
        for row in sheet.iter_rows(min_row=1, max_row=rows, max_col=columns)
    ]
    return pd.DataFrame(grid, dtype=object)


def _check_part_count(path: Path) -> None:
    """At most XLSX_MAX_PARTS files in the archive, as declared by its end record (the zip64
    one too) and as found in its directory, entry by entry without keeping any, before zipfile
    reads the directory (it reads every entry there, whatever the end record declares). The
    records are found as zipfile finds them; an archive zipfile cannot read is left to it."""
    limit = XLSX_MAX_PARTS
    with path.open("rb") as file:
        directory = _zip_directory(file)
        if directory is None:
            return
        declared, start, size = directory
        if declared > limit:
            raise _too_many_parts(path, declared, limit)
        if start < 0:
            return  # zipfile refuses the archive
        position, end, count = start, start + size, 0
        while position < end:  # zipfile's own loop, entries counted, not built
            count += 1
            if count > limit:
                raise _too_many_parts(path, count, limit)
            file.seek(position)
            entry = file.read(_DIRECTORY_ENTRY.size)
            if len(entry) < _DIRECTORY_ENTRY.size or entry[:4] != _DIRECTORY_ENTRY_SIGNATURE:
                return  # zipfile refuses the archive
            name, extra, comment = struct.unpack_from("<3H", entry, 28)
            position += _DIRECTORY_ENTRY.size + name + extra + comment


def _zip_directory(file: IO[bytes]) -> tuple[int, int, int] | None:
    """The number of entries the archive declares, and where its directory starts and how long
    it is, as `zipfile._EndRecData` and `ZipFile._RealGetContents` read them; None where zipfile
    finds no end record."""
    file_size = file.seek(0, 2)
    if file_size < _END.size:
        return None
    file.seek(file_size - _END.size)
    data = file.read()
    if data[:4] == _END_SIGNATURE and data[-2:] == b"\0\0":
        location, record = file_size - _END.size, data
    else:  # a comment after the record, up to 64 KiB
        start = max(file_size - (1 << 16) - _END.size, 0)
        file.seek(start)
        data = file.read()
        found = data.rfind(_END_SIGNATURE)
        record = data[found : found + _END.size]
        if found < 0 or len(record) != _END.size:
            return None
        location = start + found
    _, _, _, _, declared, size, _, _ = _END.unpack(record)
    zip64 = 0
    if location >= _END64_LOCATOR.size + _END64.size:
        file.seek(location - _END64_LOCATOR.size)
        locator = file.read(_END64_LOCATOR.size)
        if locator[:4] == _END64_LOCATOR_SIGNATURE:
            file.seek(location - _END64_LOCATOR.size - _END64.size)
            record64 = file.read(_END64.size)
            if record64[:4] == _END64_SIGNATURE:
                _, _, _, _, _, _, _, declared, size, _ = _END64.unpack(record64)
                zip64 = _END64_LOCATOR.size + _END64.size
    return declared, location - size - zip64, size


def _too_many_parts(path: Path, found: int, limit: int) -> DataFileError:
    return DataFileError(
        f"{path}: the workbook's zip archive holds more than {limit:,} files (at least "
        f"{found:,}); a workbook has tens: not a workbook this reader reads",
        code="file_too_many_parts",
        params={"found": found, "limit": limit},
    )


def _check_unzipped_size(path: Path, archive: zipfile.ZipFile, bounds: ReadLimits) -> None:
    """Declared decompressed sizes together, before anything is decompressed (zipfile never
    reads past a part's declared size, so the declaration bounds what is read)."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if total > (bounds.max_unzipped_bytes or 0):
            raise DataLimitError(
                f"{path}: the workbook unpacks to more than {bounds.max_unzipped_bytes:,} bytes "
                "(a zip bomb, or a workbook too large for this reader)",
                code="unzipped_too_large",
                found=total,
                limit=bounds.max_unzipped_bytes or 0,
            )


def _streamed_parts(path: Path, archive: zipfile.ZipFile) -> tuple[str | None, list[str]]:
    """The parts openpyxl reads in a stream rather than whole, found as it finds them, whatever
    their names: the shared strings (by their content type) and the worksheets (each sheet of
    the workbook part named by the content types, through that part's relationships). A chart
    sheet, parsed whole, is not one. Each part read here to find them is capped first."""
    _check_part_size(path, archive.getinfo(ARC_CONTENT_TYPES))
    manifest = Manifest.from_tree(defused_fromstring(archive.read(ARC_CONTENT_TYPES)))
    strings = manifest.find(SHARED_STRINGS)
    workbook_part = _find_workbook_part(manifest).PartName[1:]
    for name in (workbook_part, get_rels_path(workbook_part)):
        _check_part_size(path, archive.getinfo(name))
    parser = WorkbookParser(archive, workbook_part, keep_links=False)
    parser.parse()
    names = set(archive.namelist())
    sheets: list[str] = []
    for _, relationship in parser.find_sheets():
        target = relationship.target
        if target in names and "chartsheet" not in relationship.Type and target not in sheets:
            sheets.append(target)
    return (None if strings is None else strings.PartName[1:]), sheets


def _check_part_sizes(path: Path, archive: zipfile.ZipFile, streamed: set[str]) -> None:
    """Every part but those scanned in a stream (`streamed`) at most XLSX_MAX_PART_BYTES,
    whatever its name or extension: openpyxl may parse it whole."""
    for info in archive.infolist():
        if info.filename not in streamed:
            _check_part_size(path, info)


def _check_part_size(path: Path, info: zipfile.ZipInfo) -> None:
    if info.file_size > XLSX_MAX_PART_BYTES:
        raise DataLimitError(
            f"{path}: the workbook part {info.filename[:120]} unpacks to {info.file_size:,} "
            f"bytes, more than the {XLSX_MAX_PART_BYTES:,} a workbook needs",
            code="unzipped_too_large",
            found=info.file_size,
            limit=XLSX_MAX_PART_BYTES,
        )


def _check_shared_strings(
    path: Path, archive: zipfile.ZipFile, part: str, bounds: ReadLimits
) -> None:
    """At most one shared string per allowed cell, none longer than a cell may be; openpyxl
    then reads them all at once."""
    limit = bounds.max_cells or 0
    count = 0
    tail = b""
    with archive.open(part) as raw:
        source = _BoundedText(path, raw, bounds.max_text_bytes)
        # Counted in the bytes, not parsed: a million <si/> cost milliseconds, not seconds.
        # (A tag never spans more than the last few bytes of a chunk: they are kept.)
        while True:
            chunk = source.read(_READ_BYTES)
            data = tail + chunk
            count += len(_SHARED_STRING.findall(data, 0, len(data) - 16))
            tail = data[max(0, len(data) - 16) :]
            if not chunk or count > limit:
                break
        count += len(_SHARED_STRING.findall(tail))
    if count > limit:
        raise DataLimitError(
            f"{path}: the workbook holds more than {limit:,} distinct texts, more than the "
            "cells read here",
            code="too_many_strings",
            found=count,
            limit=limit,
        )


def _scan_sheet(
    path: Path, archive: zipfile.ZipFile, part: str, bounds: ReadLimits
) -> tuple[int, int]:
    """The last row and column holding a value, found in one streaming pass that stops at the
    first bound passed (declared dimension, rows, columns, cells, text length, and elements that
    openpyxl would build as objects: merged ranges, formats, rich-text runs)."""
    with archive.open(part) as source:
        return _scan_cells(path, source, bounds)


def _scan_cells(path: Path, source: IO[bytes], bounds: ReadLimits) -> tuple[int, int]:
    """`_scan_sheet`'s pass. Row elements are counted too, empty or not: openpyxl keeps one
    object per row while it looks for the sheet's size."""
    max_row_tags = 2 * ((bounds.max_rows or 0) + 1)
    row_tags = 0
    max_rows = (bounds.max_rows or 0) + 1  # the header row too
    max_columns = bounds.max_columns or 0
    max_cells = bounds.max_cells or 0
    max_row_elements = 16 * max_columns + 64  # a cell is <c><v/></c>, or a few rich-text runs
    last_row = last_column = row = column = filled = row_elements = other_elements = 0
    root: Element | None = None
    sheet_data: Element | None = None
    in_data = False
    stream = _BoundedText(path, source, bounds.max_text_bytes)
    for event, element in defused_iterparse(stream, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if root is None:
                root = element
            elif tag == _SHEET_DATA:
                in_data, sheet_data = True, element
            elif tag == _ROW:
                row = _row_number(path, element.get("r"), row)
                column = row_elements = 0
                row_tags += 1
                if row_tags > max_row_tags:
                    raise too_many_rows(str(path), row_tags - 1, max_row_tags // 2 - 1)
            elif in_data:
                row_elements += 1
                if row_elements > max_row_elements:
                    raise _too_many_elements(path, f"row {row}", max_row_elements)
            else:
                other_elements += 1
                if other_elements > SHEET_MAX_OTHER_ELEMENTS:
                    raise _too_many_elements(path, "the sheet", SHEET_MAX_OTHER_ELEMENTS)
            continue
        if tag == _CELL:
            column = _column_number(element.get("r"), column)
            if len(element) == 0:  # no <v>, <is> or <f>: a styled empty cell
                continue
            filled += 1
            if row > max_rows:
                raise too_many_rows(str(path), row - 1, max_rows - 1, at_least=True)
            if column > max_columns:
                raise too_many_columns(str(path), column, max_columns)
            last_row, last_column = max(last_row, row), max(last_column, column)
            if filled > max_cells or last_row * last_column > max_cells:
                raise too_many_cells(str(path), max(filled, last_row * last_column), max_cells)
        elif tag == _ROW and sheet_data is not None:
            sheet_data.clear()  # rows already counted are not kept
        elif tag == _SHEET_DATA:
            in_data = False
        elif tag == _DIMENSION:
            _check_dimension(path, element.get("ref"), bounds)
        if not in_data and root is not None and element in root:
            root.remove(element)  # a part of the sheet already checked is not kept
    return last_row, last_column


def _too_many_elements(path: Path, where: str, limit: int) -> DataLimitError:
    return DataLimitError(
        f"{path}: {where} holds more than {limit:,} XML elements (merged ranges, formats, "
        "rich-text runs); save the data again without formatting",
        code="too_many_cells",
        found=limit + 1,
        limit=limit,
    )


def _check_dimension(path: Path, ref: str | None, bounds: ReadLimits) -> None:
    """The sheet's declared used range, refused when it alone passes a bound."""
    if not ref:
        return
    try:
        _, _, right, bottom = range_boundaries(ref.split(":")[-1] if ":" in ref else ref)
    except (ValueError, TypeError):
        return  # a malformed declaration says nothing; the cells are counted anyway
    if right is None or bottom is None:
        return
    max_rows, max_columns = (bounds.max_rows or 0) + 1, bounds.max_columns or 0
    if bottom > max_rows:
        raise too_many_rows(f"{path} (used range {ref})", bottom - 1, max_rows - 1)
    if right > max_columns:
        raise too_many_columns(f"{path} (used range {ref})", right, max_columns)
    if right * bottom > (bounds.max_cells or 0):
        raise too_many_cells(f"{path} (used range {ref})", right * bottom, bounds.max_cells or 0)


def _row_number(path: Path, reference: str | None, previous: int) -> int:
    """A row's number as openpyxl reads it: its `r` (digits; `2.0` too), else the one after
    the previous. Any other `r` (`inf`, `1e400`, `-1`, `2.5`) is refused, naming the row."""
    if reference is None:
        return previous + 1
    digits = _ROW_NUMBER.fullmatch(reference)
    if digits is None:
        where = f"after row {previous}" if previous else "first"
        raise DataFileError(
            f"{path}: the row {where} is numbered {reference[:20]!r}, not a row number like 7",
            code="file_not_workbook",
        )
    return int(digits.group(1))


def _column_number(reference: str | None, previous: int) -> int:
    if reference is None:
        return previous + 1
    letters = _COLUMN_LETTERS.match(reference)
    if letters is None:
        raise DataFileError(
            f"cell reference {reference[:20]!r} is not like B7", code="file_not_workbook"
        )
    column: int = coordinate_to_tuple(f"{letters.group()}1")[1]
    return column


class _BoundedText:
    """A part's bytes as read by the XML parser, refusing a run of text (or of one tag) longer
    than `max_run` bytes, so expat never buffers a giant cell."""

    def __init__(self, path: Path, source: IO[bytes], max_run: int) -> None:
        self._path = path
        self._source = source
        self._max_run = max_run
        self._run = 0  # bytes since the last < or >

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(_READ_BYTES if size < 0 else size)
        if not data:
            return data
        codes = np.frombuffer(data, dtype=np.uint8)
        marks = np.flatnonzero((codes == 0x3C) | (codes == 0x3E))
        if marks.size == 0:
            longest = self._run = self._run + len(data)
        else:
            inner = int(np.diff(marks).max()) - 1 if marks.size > 1 else 0
            longest = max(self._run + int(marks[0]), inner)
            self._run = len(data) - int(marks[-1]) - 1
        if max(longest, self._run) > self._max_run:
            raise DataLimitError(
                f"{self._path}: the workbook holds a text longer than a cell may be "
                f"(more than {self._max_run:,} bytes; Excel allows 32,767 characters)",
                code="text_too_long",
                found=max(longest, self._run),
                limit=self._max_run,
            )
        return data


def _cell_text(cell: Any) -> str:
    """A cell as `pd.read_excel(dtype=str)` gave it (integral numbers without `.0`, empty cells
    as `""`; a number cell's text is a `NumberText`), but an error cell as its code, as openpyxl
    gives it (`#N/A`; a date-formatted serial past year 9999 is `#VALUE!`), not `""`: validation
    refuses it in a contract column as a spreadsheet error (`value_spreadsheet_error`) rather than
    reading a failed formula as an empty cell. A row of error cells is a data row, not blank."""
    value = cell.value
    if value is None:
        return ""
    if getattr(cell, "data_type", None) == TYPE_ERROR:
        return str(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return NumberText(int(value))
    if isinstance(value, int | float):
        return NumberText(repr(value))
    return str(value)


# ------------------------------------------------------------------------------ writing


def write_workbook(target: Path | IO[bytes], sheets: Sequence[tuple[str, pd.DataFrame]]) -> None:
    """Sheets with a header row, written by XlsxWriter in constant-memory mode (rows streamed to
    temporary files); every text a text cell, never a formula, a link or a number."""
    book = new_workbook(target)
    formats = CellFormats(book)
    for name, table in sheets:
        sheet = book.add_worksheet(name[:31])
        for position, column in enumerate(table.columns):
            write_cell(sheet, 0, position, str(column))
        for row, values in enumerate(table.itertuples(index=False, name=None), start=1):
            for position, value in enumerate(values):
                write_cell(sheet, row, position, plain_value(value), formats=formats)
    book.close()


def new_workbook(target: Path | IO[bytes]) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook that streams its rows (constant memory) and takes every text as
    text: no formulas, links or numbers made of strings."""
    return xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


class CellFormats:
    """A workbook's number formats, each made once (XlsxWriter keeps every format it is given)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self._numbers: dict[str, Format] = {}

    def number(self, number_format: str) -> Format:
        if number_format not in self._numbers:
            self._numbers[number_format] = self.book.add_format({"num_format": number_format})
        return self._numbers[number_format]


def plain_value(value: object) -> object:
    """A value as a cell holds it: None for missing (NaN, NA, NaT, infinities too), Python
    scalars for NumPy's, a date as it is; anything else as its text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    item = getattr(value, "item", None)
    if isinstance(value, np.generic) and callable(item):
        value = item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str | bool | int | dt.datetime | dt.date):
        return value
    return str(value)


def is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def write_cell(
    sheet: Worksheet,
    row: int,
    column: int,
    value: object,
    style: Format | None = None,
    *,
    formats: CellFormats | None = None,
) -> None:
    """One cell: a text always as text (characters XML cannot hold, which the contract refuses
    in its own columns, become U+FFFD: a file's other columns are written rather than lost); a
    date with `formats`' date format (as text without `formats`)."""
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, style)
    elif isinstance(value, dt.datetime | dt.date) and formats is not None:
        naive = value.replace(tzinfo=None) if isinstance(value, dt.datetime) else value
        shown = "yyyy-mm-dd hh:mm:ss" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
        sheet.write_datetime(row, column, naive, style or formats.number(shown))
    else:
        sheet.write_string(row, column, ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value)), style)
