"""A mentoring list as files to hand out: XLSX (selected, not selected, summary sheets) or CSV.

Headers and labels are in the list's language; numbers stay numbers (probabilities as fractions,
formatted as percentages in XLSX) so a spreadsheet can sort and sum them in any locale. No text
becomes a formula: XLSX text cells, and in CSV a `'` before `= + - @` (`data.io.neutralised`).
A list holding a control character was not made by the upload (the contract refuses them) and is
refused with the field named.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from pydantic import BaseModel

from data.contract import CONTROL_CHARACTERS
from data.io import neutralised
from data.xlsx import safe_cells, text_cell
from service.web.i18n import Language, message
from service.web.lists import reason_generic
from service.web.schemas import ExportFormat, ExportPart, UploadResponse

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
MAX_REASONS = 3


class ExportRefusedError(ValueError):
    """The list holds text no spreadsheet cell should: `fields` names where (never the value)."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(f"control characters in {', '.join(fields)}")
        self.fields = fields


@dataclass(frozen=True)
class ExportFile:
    """File bytes with the name and media type to send them under."""

    content: bytes
    filename: str
    media_type: str


@cache
def _label(value: str, language: Language, prefix: str = "value") -> str:
    key = f"{prefix}.{value}"
    text = message(language, key)
    return value if text == key else text


def _percent(value: float | None) -> float | None:
    """A chance (0–1) as a percentage rounded to 0.01, readable in any spreadsheet locale."""
    return None if value is None else round(100 * value, 2)


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


def _msme_cells(item: Any, gain: float | None, language: Language) -> list[object]:
    """The cells both sheets share (NOT_SELECTED_KEYS order): who, where, chances, gain, segment."""
    return [
        item.msme_id,
        item.province_code,
        item.province_name,
        _label(item.sector, language),
        _label(item.owner_gender, language),
        _percent(item.p_digital_if_mentored),
        _percent(item.p_digital_if_not),
        _percent(gain),
        _label(item.segment, language, "segment"),
    ]


def selected_table(result: UploadResponse, language: Language) -> pd.DataFrame:
    """The list in rank order, one MSME per row, with its reasons in separate columns."""
    columns = [message(language, key) for key in SELECTED_KEYS]
    columns += [f"{message(language, 'col.reasons')} {n + 1}" for n in range(MAX_REASONS)]
    with_cost = any(item.cost is not None for item in result.selected)
    if with_cost:
        columns.append("cost")
    rows = []
    for item in sorted(result.selected, key=lambda entry: entry.rank):
        texts = [reason.text for reason in item.reasons[:MAX_REASONS]]
        row: list[object] = [
            item.rank,
            *_msme_cells(item, item.expected_gain, language),
            *texts,
            *[""] * (MAX_REASONS - len(texts)),
        ]
        if with_cost:
            row.append(item.cost)
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def not_selected_table(result: UploadResponse, language: Language) -> pd.DataFrame:
    """Everyone left off the list, with the reason (code and words)."""
    columns = [message(language, key) for key in NOT_SELECTED_KEYS]
    columns += ["reason_code", message(language, "col.reason")]
    rows = [
        [
            *_msme_cells(item, item.uplift, language),
            item.reason_code,
            item.reason,
        ]
        for item in result.not_selected
    ]
    return pd.DataFrame(rows, columns=columns)


def summary_table(result: UploadResponse, language: Language) -> pd.DataFrame:
    """The list's headline figures and constraints, one per row."""

    def h(key: str) -> str:
        return message(language, key)

    model = f"{result.model.name} v{result.model.version or '?'}"
    pairs: list[tuple[str, object]] = [
        (h("export.source"), result.source.filename),
        (h("export.model"), model),
        (h("export.capacity"), result.capacity),
        (h("export.filled"), result.filled),
        (h("export.total_gain"), result.total_expected_gain),
        (h("export.random_gain"), result.random_expected_gain),
        (h("export.success_rate"), result.expected_success_rate),
    ]
    for item in result.binding_constraints:
        pairs.append((h("export.binding"), item.message))
    if result.shortfall_note:
        pairs.append((h("summary.filled"), result.shortfall_note))
    for count in result.summary.not_selected_reasons:
        pairs.append((reason_generic(count.reason_code, language), count.count))
    return pd.DataFrame(pairs, columns=["", ""])


def export_list(
    result: UploadResponse, fmt: ExportFormat, part: ExportPart, language: Language
) -> ExportFile:
    """The list as an XLSX workbook (every part) or one CSV file (selected or not selected).

    Raises ExportRefusedError when a text of the list holds a control character."""
    _refuse_control_characters(result)
    stem = message(language, "export.filename")
    if fmt == "xlsx":
        sheets = [
            (message(language, "sheet.selected"), selected_table(result, language)),
            (message(language, "sheet.not_selected"), not_selected_table(result, language)),
            (message(language, "sheet.summary"), summary_table(result, language)),
        ]
        if part != "all":
            sheets = sheets[:1] if part == "selected" else sheets[1:2]
        return ExportFile(_xlsx(sheets, language), f"{stem}.xlsx", XLSX_MEDIA_TYPE)
    if part == "not_selected":
        table = not_selected_table(result, language)
        suffix = message(language, "sheet.not_selected").lower().replace(" ", "-")
    else:
        table = selected_table(result, language)
        suffix = message(language, "sheet.selected").lower().replace(" ", "-")
    # UTF-8 with a byte-order mark, so spreadsheet programs read the accents right.
    content = neutralised(table).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
    return ExportFile(content, f"{stem}-{suffix}.csv", CSV_MEDIA_TYPE)


def _xlsx(sheets: list[tuple[str, pd.DataFrame]], language: Language) -> bytes:
    """Sheets written in openpyxl's write-only mode (streams rows: 100,000 rows in seconds)."""
    workbook = Workbook(write_only=True)
    summary_name = message(language, "sheet.summary")
    rate = message(language, "export.success_rate")
    bold = Font(bold=True)
    for name, table in sheets:
        sheet = workbook.create_sheet(name[:31])
        for position, column in enumerate(table.columns, start=1):
            texts = [str(column)] + [str(v) for v in table.iloc[:200, position - 1]]
            width = min(60, max(10, *map(len, texts)) + 2)
            sheet.column_dimensions[get_column_letter(position)].width = width
        if name == summary_name:
            for label, value in table.itertuples(index=False, name=None):
                label_cell = text_cell(sheet, str(label))
                label_cell.font = bold
                value_cell = _safe_cell(sheet, value)
                if label == rate:
                    value_cell.number_format = "0.0%"
                elif isinstance(value, float):
                    value_cell.number_format = "#,##0.0"
                sheet.append([label_cell, value_cell])
            continue
        sheet.freeze_panes = "A2"
        header = []
        for column in table.columns:
            cell = text_cell(sheet, str(column))
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        sheet.append(header)
        for row in table.itertuples(index=False, name=None):
            sheet.append(safe_cells(sheet, map(_cell, row)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe_cell(sheet: Any, value: object) -> Cell:
    """A cell for `value`, formatted below: text as text, numbers as numbers."""
    (safe,) = safe_cells(sheet, [_cell(value)])
    return safe if isinstance(safe, Cell) else WriteOnlyCell(sheet, value=safe)


def _refuse_control_characters(result: UploadResponse) -> None:
    """Every text the export writes, checked against the contract's rule for text cells."""
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
    if CONTROL_CHARACTERS.search(result.source.filename):
        fields.append("source.filename")
    if fields:
        raise ExportRefusedError(fields[:50])


def _cell(value: object) -> object:
    """Missing values as empty cells; numpy scalars as Python values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    item = getattr(value, "item", None)
    return item() if callable(item) else value
