"""How much a data file may hold before it is read, and the errors reading and writing raise.

Every reader checks these bounds before (or while) parsing, so memory stays bounded whatever a
file declares: a workbook with one cell at XFD1048576 or a 1 MB Parquet file holding 20 million
rows is refused, not expanded. The CLI reads with `ReadLimits()` (only the formats' own ceilings);
the service reads uploads with `ReadLimits.for_upload(max_rows)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from data.errors import DataError

# A worksheet's own size (Excel's specification), and a cell's longest text.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMNS = 16_384
XLSX_MAX_CELL_CHARS = 32_767
# The largest grid (rows × columns) read from a workbook even by the CLI: a million rows of 30
# columns. Larger tables belong in Parquet or CSV.
XLSX_MAX_CELLS = 30_000_000
# Bytes of XML between two tags: a cell of Excel's longest text with every character escaped
# (`&quot;` is 6 bytes) fits; one longer is not a spreadsheet cell but a memory bomb.
XML_MAX_TEXT_BYTES = 6 * XLSX_MAX_CELL_CHARS + 1024
# Every part of a workbook other than its worksheets and shared strings (found as openpyxl finds
# them, whatever their names), is capped at this size, whatever its name: openpyxl parses the
# styles, the workbook, relationships, properties and chart sheets whole (real ones are a few
# hundred kilobytes), and reads a chart sheet's pictures whole.
XLSX_MAX_PART_BYTES = 16 * 1024 * 1024
# Files in a workbook's zip archive: a real workbook has tens (a picture per row, a few
# thousand); zipfile builds an object for each entry of the archive's directory before anything
# else is read (700,000 empty entries in 63 MB cost 780 MB).
XLSX_MAX_PARTS = 10_000
XLSX_MAX_UNZIPPED_BYTES = 4 * 1024**3

# Upload bounds per allowed row: a contract file has 16 columns (plus cost and a few of the
# owner's); 40 cells per row leave room, 256 columns at most.
UPLOAD_CELLS_PER_ROW = 40
UPLOAD_MAX_COLUMNS = 256
# A 100,000-row, 40-column sheet is about 200 MB of XML with inline strings.
UPLOAD_MAX_UNZIPPED_BYTES = 512 * 1024**2

LimitCode = Literal[
    "too_many_rows",
    "too_many_columns",
    "too_many_cells",
    "too_many_strings",
    "unzipped_too_large",
    "text_too_long",
]


# What a file error says, as a code and the names of its parameters (rendered by
# `data.messages`); the English message (`str(error)`) also names the file and the library's
# own words, for the CLI and logs.
FILE_CODES: dict[str, tuple[str, ...]] = {
    "file_unknown_type": ("suffix", "allowed"),
    "file_not_found": (),
    "file_empty": (),
    "file_no_data_rows": (),
    "file_duplicate_columns": ("columns",),
    "file_not_text": ("byte",),
    "file_not_csv": (),
    "file_csv_extra_fields": ("row", "found", "expected"),
    "file_csv_unclosed_quote": ("line",),
    "file_not_parquet": (),
    "file_nested_columns": ("columns",),
    "file_not_xlsx": (),
    "file_not_workbook": (),
    "file_too_many_parts": ("found", "limit"),
    "file_too_many_pages": ("limit",),
    "file_parquet_footer_too_large": ("found", "limit"),
    "file_no_worksheet": (),
    "file_cannot_write": ("format",),
    "write_no_space": (),
    "write_quota": (),
    "write_read_only": (),
    "write_permission": (),
    "write_failed": (),
}


class DataFileError(DataError):
    """A data file that cannot be read or written as a table; the message names the file,
    `code` and `params` say what happened for a catalog to word (see FILE_CODES)."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        params: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.params: dict[str, object] = params or {}


class DataLimitError(DataFileError):
    """A file larger than a limit: `code` says which, `found` and `limit` by how much.

    `found` is a lower bound when reading stopped at the first excess (rows are counted as far
    as the limit, not to the end of the file).
    """

    def __init__(self, message: str, *, code: LimitCode, found: int, limit: int) -> None:
        super().__init__(message, code=code, params={"found": found, "limit": limit})
        self.code: LimitCode = code
        self.found = found
        self.limit = limit


@dataclass(frozen=True)
class ReadLimits:
    """Bounds checked before or while a file is read; None: only the format's own ceiling."""

    max_rows: int | None = None  # data rows, the header not counted
    max_columns: int | None = None
    max_cells: int | None = None  # rows × columns of the table as read (header included)
    max_unzipped_bytes: int | None = None  # a workbook's parts, decompressed, together
    max_text_bytes: int = field(default=XML_MAX_TEXT_BYTES)

    @classmethod
    def for_upload(cls, max_rows: int) -> ReadLimits:
        """The service's bounds for a file of at most `max_rows` MSMEs."""
        return cls(
            max_rows=max_rows,
            max_columns=UPLOAD_MAX_COLUMNS,
            max_cells=UPLOAD_CELLS_PER_ROW * (max_rows + 1),
            max_unzipped_bytes=UPLOAD_MAX_UNZIPPED_BYTES,
        )

    def xlsx(self) -> ReadLimits:
        """These bounds, each at most a worksheet's own ceiling."""
        return ReadLimits(
            max_rows=_smaller(self.max_rows, XLSX_MAX_ROWS - 1),
            max_columns=_smaller(self.max_columns, XLSX_MAX_COLUMNS),
            max_cells=_smaller(self.max_cells, XLSX_MAX_CELLS),
            max_unzipped_bytes=_smaller(self.max_unzipped_bytes, XLSX_MAX_UNZIPPED_BYTES),
            max_text_bytes=self.max_text_bytes,
        )


def _smaller(value: int | None, ceiling: int) -> int:
    return ceiling if value is None else min(value, ceiling)


def too_many_rows(where: str, found: int, limit: int, *, at_least: bool = False) -> DataLimitError:
    """`found` data rows where at most `limit` are read."""
    more = "at least " if at_least else ""
    return DataLimitError(
        f"{where}: the file has {more}{found:,} data rows; at most {limit:,} are read here "
        "(split the file)",
        code="too_many_rows",
        found=found,
        limit=limit,
    )


def too_many_columns(where: str, found: int, limit: int) -> DataLimitError:
    return DataLimitError(
        f"{where}: the table is {found:,} columns wide; at most {limit:,} are read here "
        "(delete the columns the contract does not need)",
        code="too_many_columns",
        found=found,
        limit=limit,
    )


def too_many_cells(where: str, found: int, limit: int) -> DataLimitError:
    return DataLimitError(
        f"{where}: the table spans {found:,} cells (rows × columns); at most {limit:,} are read "
        "here (delete empty rows and columns around the data, or split the file)",
        code="too_many_cells",
        found=found,
        limit=limit,
    )


def read_at_most(path: Path, limit: int) -> bytes | None:
    """A small file's bytes (a config, a quotas file), or None when it holds more than `limit`:
    its size is checked before it is opened, and no more than one byte past `limit` is read (a
    file that grows meanwhile, or a device such as /dev/zero, is caught too). OSError passes
    through for the caller to word."""
    if path.stat().st_size > limit:
        return None
    with path.open("rb") as handle:
        content = handle.read(limit + 1)
    return None if len(content) > limit else content
