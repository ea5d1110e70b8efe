"""A spreadsheet's error codes (#N/A of a VLOOKUP that found nothing, #DIV/0!, #VALUE! of a date
it cannot show) are what the cell holds, not an empty cell: an XLSX error cell is read as its
code, and a contract cell holding one, in a workbook or a CSV saved from it, rejects its row
with `value_spreadsheet_error` naming row, column and code. The file's own columns keep them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_ERROR

from data.io import read_table_info
from data.validation import (
    SPREADSHEET_ERROR,
    Problem,
    ValidationResult,
    problem_line,
    quarantine_frame,
    validate_file,
)
from tests.data.conftest import profile_rows

REVENUE = "monthly_revenue_idr"  # nullable: an empty cell is allowed
NOTE = "Catatan petugas"  # a column of the file's own, outside the contract


def _write_workbook(
    path: Path, frame: pd.DataFrame, *, titles: list[list[object]] | None = None
) -> Path:
    """`frame` as a sheet below `titles`: numbers as number cells, `#…` texts as error cells
    (openpyxl writes a text that is an error code as one, `t="e"`), empty texts as no cell."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for title in titles or []:
        sheet.append(title)
    sheet.append(list(frame.columns))
    for record in frame.to_dict("records"):
        cells: list[object] = []
        for text in record.values():
            if text == "":
                cells.append(None)
            elif str(text).replace(".", "", 1).isdigit():
                cells.append(float(text) if "." in str(text) else int(str(text)))
            else:
                cells.append(text)
        sheet.append(cells)
    workbook.save(path)
    return path


def _problem(result: ValidationResult, row: int, column: str) -> Problem:
    [problem] = [p for p in result.problems if (p.row, p.column) == (row, column)]
    return problem


def _rejected_rows(result: ValidationResult) -> list[int]:
    return [int(row) for row in result.rejected["row"]]


def test_an_na_in_a_required_and_in_an_optional_number_column_of_a_workbook_is_refused(
    tmp_path: Path,
) -> None:
    frame = profile_rows(6).assign(**{NOTE: "ok"})
    frame.loc[1, "owner_age"] = "#N/A"  # spreadsheet row 3: required
    frame.loc[3, REVENUE] = "#N/A"  # row 5: nullable, its value was lost without a word
    path = _write_workbook(tmp_path / "umkm.xlsx", frame)

    read = read_table_info(path)
    assert read.frame.loc[1, "owner_age"] == "#N/A"  # the error cell as its code, not ""
    result = validate_file(path)

    assert _rejected_rows(result) == [3, 5]
    assert [(p.row, p.column, p.code, dict(p.params)) for p in result.problems] == [
        (3, "owner_age", SPREADSHEET_ERROR, {"error": "#N/A"}),
        (5, REVENUE, SPREADSHEET_ERROR, {"error": "#N/A"}),
    ]
    assert problem_line(_problem(result, 3, "owner_age"), "en") == (
        "row 3, column owner_age: value #N/A is the spreadsheet error #N/A (a formula that "
        "failed, or a value the spreadsheet cannot show); correct it or clear the cell"
    )
    assert problem_line(_problem(result, 5, REVENUE), "id") == (
        "baris 5, kolom monthly_revenue_idr: nilai #N/A adalah galat lembar kerja #N/A (rumus "
        "yang gagal, atau nilai yang tidak dapat ditampilkan lembar kerja); perbaiki atau "
        "kosongkan sel ini"
    )
    # Without the cell's value (the quarantine's reasons, logs) the code is still named.
    assert _problem(result, 5, REVENUE).message() == (
        "row 5, column monthly_revenue_idr: value is the spreadsheet error #N/A (a formula that "
        "failed, or a value the spreadsheet cannot show); correct it or clear the cell"
    )
    quarantine = quarantine_frame(result).set_index("row")
    assert quarantine.loc[3, "owner_age"] == "#N/A"
    assert quarantine.loc[5, REVENUE] == "#N/A"
    reasons = str(quarantine.loc[3, "reasons"])
    assert "column owner_age: value is the spreadsheet error #N/A" in reasons
    assert list(result.valid.index) == [2, 4, 6, 7]


def test_a_date_cell_whose_serial_no_calendar_holds_is_refused_not_lost(tmp_path: Path) -> None:
    """openpyxl reads a date-formatted 1e300 as #VALUE!: a file of only such cells read as
    having no data rows, and one in an optional column was an empty cell."""
    header = list(profile_rows(1).columns)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    sheet.append([1e300] * len(header))  # row 2: every cell a date past year 9999
    for cell in sheet[2]:
        cell.number_format = "yyyy-mm-dd"
    path = tmp_path / "tanggal.xlsx"
    workbook.save(path)

    read = read_table_info(path)
    assert len(read.frame) == 1  # a row of error cells is a data row, not a blank one
    result = validate_file(path)

    assert _rejected_rows(result) == [2]
    assert {(p.row, p.column, p.code) for p in result.problems} == {
        (2, name, SPREADSHEET_ERROR) for name in header
    }
    problem = _problem(result, 2, REVENUE)
    assert problem.params == {"error": "#VALUE!"}
    assert problem_line(problem, "en") == (
        "row 2, column monthly_revenue_idr: value #VALUE! is the spreadsheet error #VALUE! (a "
        "formula that failed, or a value the spreadsheet cannot show); correct it or clear the "
        "cell"
    )
    assert problem_line(problem, "id") == (
        "baris 2, kolom monthly_revenue_idr: nilai #VALUE! adalah galat lembar kerja #VALUE! "
        "(rumus yang gagal, atau nilai yang tidak dapat ditampilkan lembar kerja); perbaiki atau "
        "kosongkan sel ini"
    )


def test_a_csv_saved_from_excel_with_div_0_in_a_number_column_is_refused(tmp_path: Path) -> None:
    frame = profile_rows(4)
    frame.loc[2, "workers"] = " #DIV/0! "  # row 4, trimmed as any cell
    path = tmp_path / "umkm.csv"
    frame.to_csv(path, sep=";", index=False)

    result = validate_file(path)

    assert _rejected_rows(result) == [4]
    [problem] = result.problems
    assert (problem.row, problem.column, problem.code) == (4, "workers", SPREADSHEET_ERROR)
    assert problem.params == {"error": "#DIV/0!"}
    assert problem_line(problem, "en") == (
        "row 4, column workers: value #DIV/0! is the spreadsheet error #DIV/0! (a formula that "
        "failed, or a value the spreadsheet cannot show); correct it or clear the cell"
    )
    assert problem_line(problem, "id") == (
        "baris 4, kolom workers: nilai #DIV/0! adalah galat lembar kerja #DIV/0! (rumus yang "
        "gagal, atau nilai yang tidak dapat ditampilkan lembar kerja); perbaiki atau kosongkan "
        "sel ini"
    )
    assert quarantine_frame(result).loc[0, "workers"] == " #DIV/0! "  # as the file held it


def test_a_csv_saved_from_libreoffice_with_its_numbered_error_codes_is_refused(
    tmp_path: Path,
) -> None:
    """LibreOffice Calc writes a failed formula as `Err:502` (invalid argument) where Excel's
    names do not apply; a time such as `08:30` in a text column of the file's own stays."""
    frame = profile_rows(4).assign(**{NOTE: ["08:30", "Err:502", "kunjungan", "err:504"]})
    frame.loc[1, "workers"] = "Err:502"
    frame.loc[3, "owner_age"] = " err:504 "
    frame.loc[2, "sector"] = "Err:50"  # not a code: an unknown sector
    path = tmp_path / "umkm.csv"
    frame.to_csv(path, index=False)

    result = validate_file(path)

    errors = [
        (p.row, p.column, dict(p.params)) for p in result.problems if p.code == SPREADSHEET_ERROR
    ]
    assert errors == [(3, "workers", {"error": "Err:502"}), (5, "owner_age", {"error": "Err:504"})]
    assert _problem(result, 4, "sector").code != SPREADSHEET_ERROR
    assert _rejected_rows(result) == [3, 4, 5]
    assert "spreadsheet error Err:502" in problem_line(_problem(result, 3, "workers"), "en")


@pytest.mark.parametrize(
    ("column", "error"),
    [
        ("msme_id", "#REF!"),  # text: would have been an id
        ("province_code", "#N/A"),
        ("sector", "#NAME?"),  # category (Bahasa values are read through aliases)
        ("has_smartphone", "#n/a"),  # boolean; any case
        ("cohort", "#VALUE!"),  # a history's optional text column
    ],
)
def test_every_kind_of_contract_column_refuses_an_error_code_as_such(
    tmp_path: Path, column: str, error: str
) -> None:
    frame = profile_rows(4).assign(mentored="false", digitalized="true", cohort="2024-07")
    frame.loc[0, column] = error
    path = tmp_path / "riwayat.csv"
    frame.to_csv(path, index=False)

    result = validate_file(path, "history")

    assert [(p.row, p.column, p.code, dict(p.params)) for p in result.problems] == [
        (2, column, SPREADSHEET_ERROR, {"error": error.upper()})
    ]
    assert _rejected_rows(result) == [2]


def test_error_codes_in_the_files_own_columns_are_kept(tmp_path: Path) -> None:
    frame = profile_rows(3).assign(**{NOTE: ["#N/A", "kunjungan", "#REF!"]})
    workbook = _write_workbook(tmp_path / "umkm.xlsx", frame)
    csv = tmp_path / "umkm.csv"
    frame.to_csv(csv, index=False)

    for path in (workbook, csv):
        result = validate_file(path)
        assert result.problems == [], path
        assert result.valid[NOTE].tolist() == ["#N/A", "kunjungan", "#REF!"], path


def test_error_cells_in_title_rows_do_not_hide_the_header(tmp_path: Path) -> None:
    """Title rows of failed formulas above the header: the header is still found below them, and
    rows are numbered from it."""
    frame = profile_rows(3)
    frame.loc[1, "owner_age"] = "#N/A"
    titles: list[list[object]] = [["#REF!", "#REF!", "#N/A"], ["#VALUE!"]]
    path = _write_workbook(tmp_path / "judul.xlsx", frame, titles=titles)

    read = read_table_info(path)
    assert read.info.header_row == 3
    result = validate_file(path)

    assert [(p.row, p.column, p.code) for p in result.problems] == [
        (5, "owner_age", SPREADSHEET_ERROR)
    ]


def test_the_workbook_writer_used_here_writes_error_cells() -> None:
    """The tests above rely on openpyxl writing an error code as an error cell."""
    sheet = Workbook().active
    assert sheet is not None
    sheet["A1"] = "#N/A"
    assert sheet["A1"].data_type == TYPE_ERROR
