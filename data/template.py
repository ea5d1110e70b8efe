"""A candidates workbook to fill in: the contract's profile columns with drop-down lists.

Headers, drop-down values and the example row are in the chosen language (Bahasa: the contract's
`term_id` headers and Bahasa values, which validation reads back through `data.aliases`), so a
filled template validates as it is. A second sheet explains each column; a third, hidden, holds
the drop-down lists (a list typed into the validation itself is limited to 255 characters).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from data.contract import (
    FALSE_STRINGS,
    PROFILE_COLUMNS,
    TRUE_STRINGS,
    ColumnSpec,
)
from data.messages import Language, format_param
from data.reference import allowed_values, value_label

TEMPLATE_ROWS = 1_000  # rows below the header given the drop-down lists and number checks

SHEET_NAMES: dict[Language, tuple[str, str, str]] = {
    "id": ("UMKM", "Penjelasan", "Pilihan"),
    "en": ("MSMEs", "Columns", "Lists"),
}
GUIDE_HEADERS: dict[Language, tuple[str, ...]] = {
    "id": ("kolom", "nama di kontrak", "jenis", "nilai yang diterima", "satuan", "wajib", "arti"),
    "en": ("column", "contract name", "type", "accepted values", "unit", "required", "meaning"),
}
_KINDS: dict[Language, dict[str, str]] = {
    "id": {
        "string": "teks",
        "category": "pilihan",
        "integer": "bilangan bulat",
        "number": "angka",
        "boolean": "ya/tidak",
    },
    "en": {
        "string": "text",
        "category": "choice",
        "integer": "whole number",
        "number": "number",
        "boolean": "yes/no",
    },
}
_REQUIRED: dict[Language, tuple[str, str]] = {
    "id": ("ya", "boleh kosong"),
    "en": ("yes", "may be empty"),
}
# One filled row, valid under the contract (a test validates the built template).
EXAMPLE: dict[str, object] = {
    "msme_id": "UMKM-0001",
    "province_code": "32",
    "area_type": "urban",
    "sector": "food_beverage",
    "business_age_years": 3.5,
    "workers": 2,
    "monthly_revenue_idr": 4_500_000,
    "owner_age": 41,
    "owner_gender": "female",
    "owner_education": "senior_secondary",
    "has_smartphone": True,
    "has_bank_account": False,
    "has_business_id": True,
    "prior_digital_training": False,
    "internet_access": "good",
    "digital_status": "offline",
}


def build_candidates_template(language: Language) -> bytes:
    """The template as .xlsx bytes, headers and values in `language` ("id" or "en")."""
    main_name, guide_name, lists_name = SHEET_NAMES[language]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = main_name
    guide = workbook.create_sheet(guide_name)
    lists = workbook.create_sheet(lists_name)
    lists.sheet_state = "hidden"

    for position, spec in enumerate(PROFILE_COLUMNS, start=1):
        letter = get_column_letter(position)
        header = header_for(spec, language)
        sheet.cell(row=1, column=position, value=header).font = Font(bold=True)
        sheet.cell(row=2, column=position, value=_example(spec, language))
        sheet.column_dimensions[letter].width = max(12, len(header) + 2)
        choices = choices_for(spec, language)
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if choices:
            for row, choice in enumerate(choices, start=1):
                lists.cell(row=row, column=position, value=choice)
            source = f"{quote_sheetname(lists_name)}!${letter}$1:${letter}${len(choices)}"
            check = DataValidation(type="list", formula1=f"={source}", allow_blank=spec.nullable)
        elif spec.kind in ("integer", "number") and spec.minimum is not None:
            check = DataValidation(
                type="whole" if spec.kind == "integer" else "decimal",
                operator="between",
                formula1=f"{spec.minimum:g}",
                formula2=f"{spec.maximum:.0f}" if spec.maximum is not None else None,
                allow_blank=spec.nullable,
            )
        else:
            continue
        check.error = _range_text(spec, language)
        check.showErrorMessage = True
        sheet.add_data_validation(check)
        check.add(cells)
    sheet.freeze_panes = "A2"

    guide.append(GUIDE_HEADERS[language])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for spec in PROFILE_COLUMNS:
        required = _REQUIRED[language][1 if spec.nullable else 0]
        guide.append(
            (
                header_for(spec, language),
                spec.name,
                _KINDS[language][spec.kind],
                _range_text(spec, language),
                (spec.unit_id or spec.unit) if language == "id" else spec.unit,
                required,
                (spec.description_id or spec.description) if language == "id" else spec.description,
            )
        )
    for letter, width in zip("ABCDEFG", (30, 24, 14, 60, 14, 14, 70), strict=True):
        guide.column_dimensions[letter].width = width

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def header_for(spec: ColumnSpec, language: Language) -> str:
    """A column's header: the Bahasa term or the contract name (both read by validation)."""
    return spec.term_id if language == "id" else spec.name


def choices_for(spec: ColumnSpec, language: Language) -> list[str]:
    """The drop-down values of a column; empty for free text and numbers."""
    if spec.kind == "boolean":
        yes, no = (TRUE_STRINGS[2], FALSE_STRINGS[2]) if language == "id" else ("true", "false")
        return [yes, no]
    if spec.kind != "category":
        return []
    return [value_label(spec.name, code, language) for code in allowed_values(spec.name)]


def _example(spec: ColumnSpec, language: Language) -> object:
    value = EXAMPLE[spec.name]
    if isinstance(value, bool):
        return choices_for(spec, language)[0 if value else 1]
    if spec.kind == "category":
        return value_label(spec.name, str(value), language)
    return value


def _range_text(spec: ColumnSpec, language: Language) -> str:
    choices = choices_for(spec, language)
    if choices:
        return ", ".join(choices)
    if spec.minimum is not None and spec.maximum is not None:
        joiner = " sampai " if language == "id" else " to "
        # A contract bound in the language's own digits: "1.000" in Bahasa (where "1,000" reads
        # as one), as validation words it.
        low = format_param("minimum", spec.minimum, language)
        high = format_param("maximum", spec.maximum, language)
        return f"{low}{joiner}{high}"
    if spec.unique:
        return "unik dalam berkas" if language == "id" else "unique in the file"
    return ""
