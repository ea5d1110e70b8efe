"""Validation problems worded for the page: every reason translated, fixes from the contract."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from data import validation
from data.io import read_table_info
from data.messages import Language
from data.validation import Problem
from service.web.i18n import catalog, format_number, message
from service.web.problems import UploadError, fix_for, page_problems, problem_reason
from service.web.upload_options import parse_options
from tests.data.conftest import profile_rows

ROW_CODES = [code for code in validation.VALIDATION_CODES if code.startswith("value_")]
FILE_CODES = ["column_missing", "column_not_in_contract", "column_repeated"]
PARAMS = {"count": 2, "positions": [4, 6], "column": "sector", "allowed": ("craft",), "row": 5}


@pytest.mark.parametrize("code", ROW_CODES)
def test_every_row_reason_of_validation_reads_in_bahasa_indonesia(code: str) -> None:
    """Rendered from the catalog by code (the regular expressions that translated the English
    sentence back are gone)."""
    params = {name: PARAMS.get(name, 1) for name in validation.VALIDATION_CODES[code]}
    problem = Problem(3, "sector", code, params)
    translated = problem_reason(problem, "id")
    assert translated.startswith("nilai") and translated != problem_reason(problem, "en")
    assert problem_reason(problem, "en") == f"value {problem.reason}"


@pytest.mark.parametrize("code", FILE_CODES)
def test_every_file_reason_of_validation_reads_in_bahasa_indonesia(code: str) -> None:
    params = {name: PARAMS[name] for name in validation.VALIDATION_CODES[code]}
    assert problem_reason(Problem(None, "sector", code, params), "id").startswith("kolom")


def test_problems_found_by_validation_are_all_translated() -> None:
    frame = pd.DataFrame(
        {
            "msme_id": ["A", "A", "C"],
            "province_code": ["31", "1", "99"],
            "area_type": ["urban", "town", "rural"],
            "sector": ["craft", "craft", "craft"],
            "business_age_years": ["1", "-2", "x"],
            "workers": ["1", "1.5", "0"],
            "monthly_revenue_idr": ["", "10", "10"],
            "owner_age": ["30", "130", "20"],
            "owner_gender": ["female", "male", "male"],
            "owner_education": ["diploma", "diploma", "diploma"],
            "has_smartphone": ["ya", "maybe", "tidak"],
            "has_bank_account": ["1", "0", "1"],
            "has_business_id": ["1", "0", "1"],
            "prior_digital_training": ["1", "0", "1"],
            "digital_status": ["offline", "offline", "offline"],
        }
    )
    result = validation.validate_frame(frame, "profile")
    shown = page_problems(result.problems, "id")
    assert len(shown) == len(result.problems) > 8
    english_words = ("value", "column", "is not", "missing", "range", "duplicate")
    for problem in shown:
        assert not any(word in problem.reason for word in english_words), problem
        assert problem.fix
    assert any(p.row is None and p.column == "internet_access" for p in shown)


def test_fixes_come_from_the_contract() -> None:
    assert "15 dan 100" in fix_for("owner_age", "value_out_of_range", "id", whole_file=False)
    assert "between 15 and 100" in fix_for(
        "owner_age", "value_out_of_range", "en", whole_file=False
    )
    assert "urban, rural" in fix_for("area_type", "x", "en", whole_file=False)
    # In Bahasa the allowed values read as the reason shows them (and as a file may hold them).
    assert "perempuan, laki-laki" in fix_for("owner_gender", "x", "id", whole_file=False)
    assert "female, male" in fix_for("owner_gender", "x", "en", whole_file=False)
    assert "ya/tidak" in fix_for("has_smartphone", "x", "id", whole_file=False)
    assert "33 atau Jawa Tengah" in fix_for("province_code", "x", "id", whole_file=False)
    assert "or its name" in fix_for("province_code", "x", "en", whole_file=False)
    assert "unik" in fix_for("msme_id", "value_duplicate_of_row", "id", whole_file=False)


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    indonesian, english = catalog("id"), catalog("en")
    assert indonesian.keys() == english.keys()
    for key, text in indonesian.items():
        names = sorted(part.split("}")[0] for part in text.split("{")[1:])
        assert names == sorted(part.split("}")[0] for part in english[key].split("{")[1:]), key


def test_numbers_use_each_languages_separators() -> None:
    assert format_number(1234.5, "id") == "1.234,5"
    assert format_number(1234.5, "en") == "1,234.5"


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_missing_columns_fix_names_the_row_the_header_was_found_on(
    language: Language,
) -> None:
    """With a title and blank rows above it, the header is on row 4: a column is added there."""
    problem = Problem(None, "internet_access", "column_missing", {})
    (worded,) = page_problems([problem], language, header_row=4)
    row = "baris 4" if language == "id" else "row 4"
    assert row in worded.fix and ("baris 1" if language == "id" else "row 1") not in worded.fix


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_file_level_fix_does_not_point_at_a_cell(language: Language) -> None:
    """A header not found says where the header goes; no whole-file problem says "this cell"."""
    generic = catalog(language)["fix.generic"]
    params = {"searched_rows": 2, "header_row": 1, "header_columns": 0}
    for code in ("header_not_found", "column_check_failed"):
        (worded,) = page_problems([Problem(None, None, code, params | {"check": "x"})], language)
        assert worded.fix and worded.fix != generic, code
    (header,) = page_problems([Problem(None, None, "header_not_found", params)], language)
    assert "20" in header.fix


@pytest.mark.parametrize("language", ["id", "en"])
def test_an_option_out_of_its_bounds_says_how_to_fix_it(language: Language) -> None:
    """0 slots is refused with a fix in the page's language, as every option bound is."""
    with pytest.raises(UploadError) as refused:
        parse_options(json.dumps({"capacity": "0"}), language)
    (problem,) = refused.value.problems
    assert problem.field == "options.capacity"
    assert problem.fix == message(language, "fix.option_at_least", limit="1")
    with pytest.raises(UploadError) as refused:
        parse_options(json.dumps({"capacity": 5, "budget": 0, "cost_column": "biaya"}), language)
    assert refused.value.problems[0].fix == message(language, "fix.option_above", limit="0")


def test_a_spreadsheet_error_in_a_workbook_is_worded_with_its_code_and_the_formula_fix(
    tmp_path: Path,
) -> None:
    """#N/A error cells (a VLOOKUP that found nothing) in a required and an optional column: the
    page names the code, never the other cells, and says to correct the formula."""
    frame = profile_rows(4)
    frame.loc[0, "owner_age"] = "#N/A"  # row 2, required
    frame.loc[2, "monthly_revenue_idr"] = "#N/A"  # row 4, may be empty
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(frame.columns))
    for record in frame.to_dict("records"):
        sheet.append([text or None for text in record.values()])  # "#N/A": an error cell
    path = tmp_path / "kandidat.xlsx"
    workbook.save(path)
    read = read_table_info(path)
    result = validation.validate_frame(read.frame, "profile", source=read.info)

    indonesian = page_problems(result.problems, "id")
    english = page_problems(result.problems, "en")

    assert [(p.row, p.column) for p in indonesian] == [(2, "owner_age"), (4, "monthly_revenue_idr")]
    assert indonesian[0].reason == (
        "nilai adalah galat lembar kerja #N/A (rumus yang gagal, atau nilai yang tidak dapat "
        "ditampilkan lembar kerja); perbaiki atau kosongkan sel ini"
    )
    assert english[0].reason == (
        "value is the spreadsheet error #N/A (a formula that failed, or a value the spreadsheet "
        "cannot show); correct it or clear the cell"
    )
    assert indonesian[0].fix == message("id", "fix.spreadsheet_error")
    assert english[0].fix == message("en", "fix.spreadsheet_error")
    assert english[1].fix == message("en", "fix.spreadsheet_error") + message("en", "fix.nullable")


@pytest.mark.parametrize("language", ["id", "en"])
def test_an_outcomes_files_spreadsheet_error_keeps_the_formula_fix(language: Language) -> None:
    """A date's and a label's cells have fixes of their own (how to write a date, how long a
    label may be); a spreadsheet error in them is fixed in the formula instead."""
    from data.outcomes_file import parse_outcomes
    from service.web.issued import _own_problems

    header = ["id_umkm", "didampingi", "go_digital", "tanggal", "program"]
    rows = [["U-1", "ya", "ya", "#VALUE!", "#REF!"], ["U-2", "ya", "ya", "31/02/2026", ""]]
    parsed = parse_outcomes(pd.DataFrame(rows, columns=header, dtype=object))

    worded = _own_problems(parsed, language)

    assert [(p.row, p.column) for p in worded] == [(2, "tanggal"), (2, "program"), (3, "tanggal")]
    formula = message(language, "fix.spreadsheet_error")
    assert [p.fix == formula for p in worded] == [True, True, False]
    assert "#VALUE!" in worded[0].reason and "#REF!" in worded[1].reason
