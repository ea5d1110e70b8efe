"""A table as a file's bytes, CSV in either style or an XLSX workbook, no text a formula: apart
from what the files hold (`exports`: a list's, `problem_files`: a refused file's problems)."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xlsxwriter

from data.writing import neutralised
from data.xlsx import CellFormats, is_number, new_workbook, plain_value, write_cell
from service.web.schemas import CsvStyle

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# Whole amounts and counts; a value with a fraction in such a column (a cost of 1.750.000,75)
# gets DECIMAL_FORMAT instead (`_shown_as`): `#,##0.##` would end 1,750,000 in a bare point.
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
# CSV styles: (separator, decimal mark). Excel reads a CSV with the list separator and decimal
# mark of the computer's region; set to Indonesian, they are `;` and `,`.
CSV_STYLES: dict[CsvStyle, tuple[str, str]] = {"standard": (",", "."), "excel_id": (";", ",")}


@dataclass(frozen=True)
class ExportFile:
    """File bytes with the name and media type to send them under."""

    content: bytes
    filename: str
    media_type: str


@dataclass
class Sheet:
    """A table to write, with the number format of its numeric columns (by header)."""

    name: str
    table: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    summary: bool = False
    banner: str | None = None  # printed at the top of every page (a list not recorded)


def csv_bytes(table: pd.DataFrame, style: CsvStyle = "standard") -> bytes:
    """UTF-8 with a byte-order mark (spreadsheets read the accents right), formulas neutralised,
    whole numbers without `.0` (`3000000`, not `3000000.0`), separator and decimal mark by
    `style` (`CSV_STYLES`)."""
    separator, decimal = CSV_STYLES[style]
    plain = table.copy(deep=False)
    for position in range(plain.shape[1]):
        values = plain.iloc[:, position]
        if values.dtype == object or pd.api.types.is_float_dtype(values.dtype):
            cells = np.empty(len(values), dtype=object)
            cells[:] = [_csv_number(value) for value in values.tolist()]
            plain.isetitem(position, cells)
    safe = neutralised(plain)  # texts only: a negative number stays a number in any style
    if decimal != ".":
        # pandas marks decimals in float columns only; these are object columns (whole numbers
        # as ints), so their floats are written here.
        for position in range(safe.shape[1]):
            values = safe.iloc[:, position]
            if values.dtype == object:
                cells = np.empty(len(values), dtype=object)
                cells[:] = [_decimal_text(value, decimal) for value in values.tolist()]
                safe.isetitem(position, cells)
    text = safe.to_csv(index=False, sep=separator, decimal=decimal, lineterminator="\n")
    return text.encode("utf-8-sig")


def _decimal_text(value: object, decimal: str) -> object:
    """A float as CSV writes it, with `decimal` as its decimal mark; anything else as it is."""
    return str(value).replace(".", decimal) if isinstance(value, float) else value


def _csv_number(value: object) -> object:
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
        return float(f"{value:.10g}")
    return value


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """Sheets written by XlsxWriter in constant-memory mode (each row streamed to a temporary
    file: four times faster than openpyxl's write-only mode, its memory bounded): every text a
    text cell, never a formula, a link or a number."""
    buffer = io.BytesIO()
    book = new_workbook(buffer)
    styles = _Styles(book)
    for spec in sheets:
        sheet = book.add_worksheet(spec.name[:31])
        if spec.banner is not None:  # `&` starts a code in a page header: `&&` is one
            sheet.set_header(f'&C&"-,Bold"{spec.banner.replace("&", "&&")}')
        table = spec.table
        for position, column in enumerate(table.columns):
            texts = [str(column)] + [str(v) for v in table.iloc[:200, position]]
            sheet.set_column(position, position, min(60, max(10, *map(len, texts)) + 2))
        if spec.summary:
            rows = table.itertuples(index=False, name=None)
            for row, (label, value, note) in enumerate(rows):
                write_cell(sheet, row, 0, str(label), styles.bold)
                plain = plain_value(value)
                number_format = spec.formats.get(str(label))
                style = None
                if number_format is not None and is_number(plain):
                    style = styles.number(_shown_as(number_format, plain))
                elif isinstance(plain, float):
                    style = styles.number("#,##0.0")
                write_cell(sheet, row, 1, plain, style, formats=styles)
                write_cell(sheet, row, 2, plain_value(note or None))
            continue
        sheet.freeze_panes(1, 0)
        for position, column in enumerate(table.columns):
            write_cell(sheet, 0, position, str(column), styles.header)
        formats = [spec.formats.get(str(column)) for column in table.columns]
        for row, values in enumerate(table.itertuples(index=False, name=None), start=1):
            for position, (value, number_format) in enumerate(zip(values, formats, strict=True)):
                plain = plain_value(value)
                style = None
                if number_format is not None and is_number(plain):
                    style = styles.number(_shown_as(number_format, plain))
                write_cell(sheet, row, position, plain, style, formats=styles)
    book.close()
    return buffer.getvalue()


class _Styles(CellFormats):
    """A workbook's cell formats, each made once: the header's, bold labels, number formats."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        super().__init__(book)
        self.bold = book.add_format({"bold": True})
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})


def _shown_as(number_format: str, value: float) -> str:
    """`number_format`, but a value with a fraction in a whole-number format with two decimals:
    1,750,000.75, not 1,750,001 (the value is kept either way)."""
    if number_format == COUNT_FORMAT and isinstance(value, float) and not value.is_integer():
        return DECIMAL_FORMAT
    return number_format


def percent_format(share: float) -> str:
    """10% as `10%`, 12.5% as `12.5%`: decimals only when the share has them."""
    return "0%" if float(round(100 * share, 9)).is_integer() else "0.0##%"
