"""A mentoring list as files to act on: XLSX (selected, not selected, summary sheets) or CSV.

Each MSME row carries every column of the uploaded file (business name, phone, address: the
columns outside the contract too, under their own headers; the cost column under the user's
name), after what the list computed. Headers, category values, segments and reasons are in the
list's language, provinces and sectors by name. Numbers stay numbers: XLSX numeric cells with a
number format, CSV without a trailing `.0`; a column of the file's own that holds only whole
numbers (`WHOLE_NUMBER`: a "No." column) is written as numbers too. CSV comes in two styles
(`export_files.CSV_STYLES`): `standard` (comma, decimal point) for other systems, `excel_id`
(semicolon, decimal comma) for Excel set to Indonesian. The summary sheet (`export_summary`) holds
when the list was made, in the list's language (`made_text`: 10 Januari 2026 pukul 15.04 WIB,
10 January 2026, 15:04 WIB), the model, every setting and every limit (binding or not). File names
carry the date and time. This module says what the files hold; `export_files` writes their bytes.

A list that was not recorded (no `list_id`: the page's preview, `POST /v1/prioritize/upload`)
says so in every file, so it is not passed around as a list issued: a first column holding the
mark on every row (it stays with rows copied elsewhere), the summary's first row, the sheets'
printed page header and the file name (`-pratinjau`, `-preview`).

No text becomes a formula: XLSX text cells, and in CSV (either style) a `'` before `= + - @`,
tab or CR (`data.writing.neutralised`), in a cell or a header (a column of the file's own named
`=HYPERLINK(…)`). A control character in an MSME's fields or reasons, or in the file's name, was
not made by the upload (the contract refuses them): such a list is refused with the field named.
The file's own columns are the file's, as the upload took them (an address over two lines):
they are written, not refused, each control character a cell cannot show replaced, in CSV as in
XLSX (`export_words.own_text`, `own_header`; a tab or line break is kept in a cell, a header is
one line).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
from pydantic import BaseModel

from data.contract import CONTROL_CHARACTERS
from data.messages import WIB, Language
from service.exceptions import ServiceError
from service.web.export_files import (
    COUNT_FORMAT,
    CSV_MEDIA_TYPE,
    DECIMAL_FORMAT,
    XLSX_MEDIA_TYPE,
    ExportFile,
    Sheet,
    csv_bytes,
    xlsx_bytes,
)
from service.web.export_summary import summary_sheet
from service.web.export_words import (
    SPECS,
    cell_value,
    column_header,
    label,
    own_header,
    own_text,
    preview_mark,
    reason_label,
)
from service.web.i18n import message
from service.web.schemas import CsvStyle, ExportFormat, ExportPart, InputCell, UploadResponse

MAX_REASONS = 3
# Columns the computed part of each row already shows; the input part does not repeat them.
SHOWN = ("msme_id", "province_code", "sector", "owner_gender")
POINTS_FORMAT = "0.00"  # chances and gains in percent (points), two decimals
WHOLE_FORMAT = "0"  # an own column of whole numbers: no thousands mark (13-digit ids read whole)
# An own column's text read as a whole number: no leading zero ("0012" is an id, and stays text),
# at most 15 digits (a spreadsheet keeps 15 significant digits: a 16-digit NIK would lose its
# last one), no separators or signs but a leading minus.
WHOLE_NUMBER = re.compile(r"0|-?[1-9][0-9]{0,14}")


class ExportRefusedError(ServiceError, ValueError):
    """The list holds text no spreadsheet cell should: `fields` names where (never the value)."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(f"control characters in {', '.join(fields)}")
        self.fields = fields


def _percent(value: float | None) -> float | None:
    """A chance (0–1) as a percentage rounded to 0.01, readable in any spreadsheet locale."""
    return None if value is None else round(100 * value, 2)


# ------------------------------------------------------------------------------ the tables


SELECTED_KEYS = (
    "col.rank",
    "col.msme_id",
    "col.province_code",
    "col.province",
    "col.sector",
    "col.owner_gender",
    "export.p_mentored",
    "export.p_not",
    "export.gain",
    "col.segment",
)
NOT_SELECTED_KEYS = SELECTED_KEYS[1:]  # the same columns without the rank
POINT_KEYS = ("export.p_mentored", "export.p_not", "export.gain")


def _msme_cells(item: Any, gain: float | None, language: Language) -> list[object]:
    """The cells both sheets share (NOT_SELECTED_KEYS order): who, where, chances, gain, segment."""
    return [
        item.msme_id,
        item.province_code,
        item.province_name,
        label(item.sector, language),
        label(item.owner_gender, language),
        _percent(item.p_digital_if_mentored),
        _percent(item.p_digital_if_not),
        _percent(gain),
        label(item.segment, language, "segment"),
    ]


def _input_columns(result: UploadResponse) -> list[str]:
    """The file's columns the computed part does not already show, in the file's order."""
    return [name for name in result.source.columns if name not in SHOWN]


def _input_headers(columns: Sequence[str], taken: Sequence[str], language: Language) -> list[str]:
    """Headers of the input part: contract columns in `language`, others as the file had them;
    a header equal to one already used gets a mark (` (berkas)`) so no two columns share one."""
    used = set(taken)
    headers = []
    for name in columns:
        header = own_header(column_header(name, language))
        if header in used:
            header = f"{header} ({message(language, 'export.from_file')})"
        used.add(header)
        headers.append(header)
    return headers


def whole_number_columns(result: UploadResponse, columns: Sequence[str]) -> frozenset[str]:
    """The file's own columns (outside the contract) in which every filled cell, selected or
    not, is a whole number (`WHOLE_NUMBER`, or a number sent as one): exported as numbers, so a
    spreadsheet sorts them. One cell that is not (an id with a leading zero, a 16-digit NIK, a
    phone with a dash) keeps the whole column as text."""
    items: list[Any] = [*result.selected, *result.not_selected]
    found = set()
    for name in columns:
        if name in SPECS or name == result.options.cost_column:
            continue
        values = [item.input.get(name) for item in items]
        # `all` first: a column of texts stops at its first cell.
        if all(_whole(value) or _blank(value) for value in values) and any(
            _whole(value) for value in values
        ):
            found.add(name)
    return frozenset(found)


def _whole(value: object) -> bool:
    if isinstance(value, str):
        return WHOLE_NUMBER.fullmatch(value.strip()) is not None
    return isinstance(value, int) and not isinstance(value, bool)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _input_cell(
    name: str, value: InputCell, language: Language, whole: frozenset[str]
) -> InputCell:
    """A cell of the file's columns as exported: `cell_value`, a whole-number column's text as
    the number."""
    if name in whole and isinstance(value, str):
        text = value.strip()
        return int(text) if text else None
    shown = cell_value(name, value, language)
    return own_text(shown) if isinstance(shown, str) else shown


def _input_formats(
    result: UploadResponse,
    columns: Sequence[str],
    headers: Sequence[str],
    whole: frozenset[str] = frozenset(),
) -> dict[str, str]:
    formats: dict[str, str] = {}
    for name, header in zip(columns, headers, strict=True):
        spec = SPECS.get(name)
        if name in whole:
            formats[header] = WHOLE_FORMAT
        elif (
            name == result.options.cost_column
            or (spec is not None and "IDR" in spec.unit)
            or (spec is not None and spec.kind == "integer")
        ):
            formats[header] = COUNT_FORMAT
        elif spec is not None and spec.kind == "number":
            formats[header] = DECIMAL_FORMAT
    return formats


def selected_sheet(result: UploadResponse, language: Language) -> Sheet:
    """The list in rank order: rank, chances, segment, reasons, then every column of the file;
    a list not recorded has its mark first."""
    mark = preview_mark(result, language)
    marked = [] if mark is None else [message(language, "export.status")]
    columns = [*marked, *(message(language, key) for key in SELECTED_KEYS)]
    # A recorded list says who was picked by the model and who was drawn at random.
    recorded = any(item.selected_by is not None for item in result.selected)
    if recorded:
        columns.append(message(language, "export.selected_by"))
    columns += [message(language, "export.reason_n", n=n + 1) for n in range(MAX_REASONS)]
    inputs = _input_columns(result)
    headers = _input_headers(inputs, columns, language)
    whole = whole_number_columns(result, inputs)
    by = {
        "model": message(language, "export.by_model"),
        "exploration": message(language, "export.by_draw"),
    }
    rows = []
    for item in sorted(result.selected, key=lambda entry: entry.rank):
        texts = [reason.text for reason in item.reasons[:MAX_REASONS]]
        rows.append(
            [
                *([mark] if marked else []),
                item.rank,
                *_msme_cells(item, item.expected_gain, language),
                *([by.get(item.selected_by or "model", "")] if recorded else []),
                *texts,
                *[""] * (MAX_REASONS - len(texts)),
                *[_input_cell(name, item.input.get(name), language, whole) for name in inputs],
            ]
        )
    formats = {message(language, key): POINTS_FORMAT for key in POINT_KEYS}
    formats[message(language, "col.rank")] = "0"
    formats |= _input_formats(result, inputs, headers, whole)
    table = pd.DataFrame(rows, columns=[*columns, *headers])
    return Sheet(message(language, "sheet.selected"), table, formats, banner=mark)


def not_selected_sheet(result: UploadResponse, language: Language) -> Sheet:
    """Everyone left off the list, with the reason (in general and for this MSME), then every
    column of the file; a list not recorded has its mark first."""
    mark = preview_mark(result, language)
    marked = [] if mark is None else [message(language, "export.status")]
    columns = [*marked, *(message(language, key) for key in NOT_SELECTED_KEYS)]
    columns += [message(language, "export.reason_kind"), message(language, "col.reason")]
    inputs = _input_columns(result)
    headers = _input_headers(inputs, columns, language)
    whole = whole_number_columns(result, inputs)
    rows = [
        [
            *([mark] if marked else []),
            *_msme_cells(item, item.uplift, language),
            reason_label(item.reason_code, language),
            item.reason,
            *[_input_cell(name, item.input.get(name), language, whole) for name in inputs],
        ]
        for item in result.not_selected
    ]
    formats = {message(language, key): POINTS_FORMAT for key in POINT_KEYS}
    formats |= _input_formats(result, inputs, headers, whole)
    table = pd.DataFrame(rows, columns=[*columns, *headers])
    return Sheet(message(language, "sheet.not_selected"), table, formats, banner=mark)


# ------------------------------------------------------------------------------ files


def now() -> dt.datetime:
    return dt.datetime.now(WIB)


def in_wib(moment: dt.datetime) -> dt.datetime:
    """A stored time in WIB (the store keeps UTC; a database that drops the zone gives it
    back naive)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(WIB)


def made_at(result: UploadResponse) -> dt.datetime:
    """When a list was made, as its files say: a recorded list's issue time (the store's, the
    same in every download of it), else now."""
    return in_wib(result.issued_at) if result.issued_at is not None else now()


def stamped(stem: str, made: dt.datetime) -> str:
    """`daftar-pendampingan-2026-12-04-1530`: a new name for every export, in date order."""
    return f"{stem}-{made.strftime('%Y-%m-%d-%H%M')}"


def export_list(
    result: UploadResponse,
    fmt: ExportFormat,
    part: ExportPart,
    language: Language,
    made: dt.datetime | None = None,
    *,
    csv_style: CsvStyle = "standard",
) -> ExportFile:
    """The list as an XLSX workbook (every part) or one CSV file (selected or not selected) in
    `csv_style`, dated `made`: by default when a recorded list was issued (`issued_at`, the
    same in every download of it), else now.

    Raises ExportRefusedError when a text of the list holds a control character."""
    _refuse_control_characters(result)
    made = made or made_at(result)
    stem = stamped(message(language, "export.filename"), made)
    if result.list_id:  # a recorded list's files carry its number: two lists never share a name
        stem = f"{stem}-{result.list_id[:8]}"
    else:  # and one not recorded says so in its name too
        stem = f"{stem}-{message(language, 'export.filename_preview')}"
    if fmt == "xlsx":
        sheets = [
            selected_sheet(result, language),
            not_selected_sheet(result, language),
            summary_sheet(result, language, made),
        ]
        if part != "all":
            sheets = [sheets[0] if part == "selected" else sheets[1], sheets[2]]
        return ExportFile(xlsx_bytes(sheets), f"{stem}.xlsx", XLSX_MEDIA_TYPE)
    if part == "not_selected":
        table = not_selected_sheet(result, language).table
        suffix = message(language, "sheet.not_selected").lower().replace(" ", "-")
    else:
        table = selected_sheet(result, language).table
        suffix = message(language, "sheet.selected").lower().replace(" ", "-")
    return ExportFile(csv_bytes(table, csv_style), f"{stem}-{suffix}.csv", CSV_MEDIA_TYPE)


def _refuse_control_characters(result: UploadResponse) -> None:
    """The texts the export writes that the upload never makes with a control character,
    checked against the contract's rule for text cells: each MSME's fields and reasons, and the
    file's name (the file's own columns are written as `own_text` and `own_header` make them)."""
    fields: list[str] = []
    parts: dict[str, Sequence[BaseModel]] = {
        "selected": result.selected,
        "not_selected": result.not_selected,
    }
    for part, items in parts.items():
        for index, item in enumerate(items):
            for name, value in item:
                if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                    fields.append(f"{part}.{index}.{name}")
            for number, reason in enumerate(getattr(item, "reasons", [])[:MAX_REASONS]):
                if CONTROL_CHARACTERS.search(reason.text):
                    fields.append(f"{part}.{index}.reasons.{number}.text")
    if CONTROL_CHARACTERS.search(result.source.filename):
        fields.append("source.filename")
    if fields:
        raise ExportRefusedError(fields[:50])
