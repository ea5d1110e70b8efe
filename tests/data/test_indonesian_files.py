"""Spreadsheets as Indonesian Excel writes them: semicolons, decimal commas, Windows-1252,
Bahasa headers and values, and a header below title rows; row numbers as the user sees them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from data.aliases import contract_headers
from data.contract import HISTORY_COLUMNS, PROFILE_COLUMNS, column_by_header, header_key
from data.io import read_table, read_table_info
from data.read_info import ReadInfo
from data.reference import value_codes
from data.validation import validate_file, validate_frame
from tests.data.contract_table import alias_table

HEADER = [
    "ID UMKM",
    "Provinsi",
    "Tipe wilayah",
    "Sektor",
    "Lama usaha (tahun)",
    "Jumlah tenaga kerja",
    "Omzet bulanan (Rp)",
    "Usia pemilik",
    "Jenis kelamin",
    "Pendidikan terakhir",
    "Punya ponsel pintar",
    "Punya rekening bank",
    "Punya NIB",
    "Pernah ikut pelatihan digital",
    "Akses internet",
    "Status digital",
    "Nama usaha",  # the user's own column: kept, as is
]
ROWS = [
    ["U-1", "Jawa Barat", "Kota", "Makanan dan minuman", "2,5", "3", "Rp 1.500.000", "41",
     "Perempuan", "SMA", "Ya", "tidak", "ya", "Tidak", "baik", "luring", "Warung Bu Siti é"],
    ["U-2", "11", " desa ", "jasa", "10", "1", "750.000,50", "55",
     "laki-laki", "S1", "tidak", "ya", "tidak", "tidak", "lemah", "Luring", "Bengkel Pak Ahmad"],
    ["U-3", "Aceh", "DESA", "Kerajinan", "", "2", "", "30",
     "L", "SD", "ya", "ya", "ya", "ya", "tidak ada", "daring", "Anyaman"],
]  # fmt: skip
TITLES = [["Daftar UMKM calon peserta pendampingan"], ["Kabupaten Contoh, 2025"]]


def write_indonesian_csv(path: Path, rows: list[list[str]] = ROWS) -> Path:
    lines = [";".join(row) for row in [*TITLES, HEADER, *rows]]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def write_indonesian_xlsx(path: Path, rows: list[list[object]] | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [*TITLES, HEADER, *(rows or _as_excel_cells(ROWS))]:
        sheet.append(row)
    workbook.save(path)
    return path


def _as_excel_cells(rows: list[list[str]]) -> list[list[object]]:
    """Numbers as Excel stores them (numbers, not text); text as typed."""
    numeric = {4, 5, 6, 7}
    out: list[list[object]] = []
    for row in rows:
        cells: list[object] = []
        for position, cell in enumerate(row):
            if position in numeric and cell:
                text = cell.removeprefix("Rp ").replace(".", "").replace(",", ".")
                cells.append(float(text) if "." in text else int(text))
            else:
                cells.append(cell or None)
        out.append(cells)
    return out


EXPECTED = {
    "msme_id": ["U-1", "U-2", "U-3"],
    "province_code": ["32", "11", "11"],
    "area_type": ["urban", "rural", "rural"],
    "sector": ["food_beverage", "services", "craft"],
    "workers": [3, 1, 2],
    "owner_age": [41, 55, 30],
    "owner_gender": ["female", "male", "male"],
    "owner_education": ["senior_secondary", "bachelor_or_higher", "primary_or_less"],
    "has_smartphone": [True, False, True],
    "has_bank_account": [False, True, True],
    "internet_access": ["good", "weak", "none"],
    "digital_status": ["offline", "offline", "digital"],
}


def _check_values(valid: pd.DataFrame) -> None:
    for name, values in EXPECTED.items():
        assert valid[name].tolist() == values, name
    assert valid["business_age_years"].tolist()[:2] == [2.5, 10.0]
    assert valid["monthly_revenue_idr"].tolist()[:2] == [1_500_000.0, 750_000.5]
    assert pd.isna(valid["monthly_revenue_idr"].iloc[2])
    assert valid.index.tolist() == [4, 5, 6]  # spreadsheet rows: titles 1-2, header 3


def test_an_indonesian_excel_csv_reads_and_validates_cleanly(tmp_path: Path) -> None:
    read = read_table_info(write_indonesian_csv(tmp_path / "umkm.csv"))

    assert read.info == ReadInfo(
        "csv",
        header_row=3,
        delimiter=";",
        encoding="cp1252",
        decimal=",",
        thousands=".",
        header_columns=16,
        best_row=3,
        best_columns=16,
        searched_rows=6,
    )
    result = validate_frame(read.frame, "profile", source=read.info)
    assert result.problems == []
    _check_values(result.valid)
    assert result.valid["Nama usaha"].tolist()[0] == "Warung Bu Siti é"  # cp1252 read right


def test_the_same_sheet_as_xlsx_reads_and_validates_cleanly(tmp_path: Path) -> None:
    path = write_indonesian_xlsx(tmp_path / "umkm.xlsx")
    read = read_table_info(path)

    assert (read.info.format, read.info.header_row, read.info.first_data_row) == ("xlsx", 3, 4)
    result = validate_file(path, "profile")
    assert result.problems == []
    _check_values(result.valid)


def test_utf8_with_a_bom_and_tabs(tmp_path: Path) -> None:
    path = tmp_path / "tab.csv"
    lines = ["\t".join(row) for row in [HEADER, *ROWS]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    read = read_table_info(path)

    assert (read.info.delimiter, read.info.encoding, read.info.header_row) == ("\t", "utf-8", 1)
    result = validate_frame(read.frame, "profile", source=read.info)
    assert result.problems == []
    assert result.valid.index.tolist() == [2, 3, 4]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_errors_name_the_rows_the_user_sees(tmp_path: Path, suffix: str) -> None:
    rows = [list(row) for row in ROWS]
    rows[1][7] = "130"  # owner age, spreadsheet row 5
    rows[2][8] = "X"  # gender, spreadsheet row 6
    rows[2][0] = "U-1"  # a duplicate id
    if suffix == ".csv":
        path = write_indonesian_csv(tmp_path / "bad.csv", rows)
    else:
        path = write_indonesian_xlsx(tmp_path / "bad.xlsx", _as_excel_cells(rows))

    result = validate_file(path, "profile")

    assert [str(problem) for problem in result.problems] == [
        "row 4, column msme_id: value U-1 is a duplicate msme_id (also in row 6)",
        "row 5, column owner_age: value 130 is out of range 15–100",
        "row 6, column msme_id: value U-1 is a duplicate msme_id (also in row 4)",
        "row 6, column owner_gender: value X is not an allowed value (allowed: female, male)",
    ]
    assert result.rejected["row"].tolist() == [4, 5, 6]


def test_a_header_that_cannot_be_found_is_named(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    rows = [["Daftar"], ["nama", "alamat"], ["Provinsi", "Sektor", "x"], ["11", "jasa", "1"]]
    path.write_text("\n".join(";".join(row) for row in rows) + "\n", encoding="utf-8")

    result = validate_file(path, "profile")

    first = str(result.problems[0])
    assert first == (
        "header: no row among the first 4 names enough of the contract's columns: row 1 was "
        "read as the header and names 0; row 3 names 2"
    )
    assert any("required column is missing" in str(problem) for problem in result.problems)


def test_read_table_keeps_the_header_on_row_one(tmp_path: Path) -> None:
    """Callers that number rows from 2 get the old reading: titles are the header."""
    frame = read_table(write_indonesian_csv(tmp_path / "umkm.csv"))
    assert frame.columns[0] == "Daftar UMKM calon peserta pendampingan"


def test_english_comma_files_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "en.csv"
    path.write_text(
        "msme_id,business_age_years,monthly_revenue_idr\nH1,1.500,2000000\n", encoding="utf-8"
    )
    read = read_table_info(path)
    assert read.frame["business_age_years"].tolist() == ["1.500"]  # untouched: 1.5 years
    assert (read.info.delimiter, read.info.decimal, read.info.thousands) == (",", ".", "")


# --- the alias table -----------------------------------------------------------------------------


def test_no_header_alias_names_two_columns() -> None:
    seen: dict[str, str] = {}
    for spec in HISTORY_COLUMNS:
        for name in {header_key(alias) for alias in (spec.name, spec.term_id, *spec.aliases)}:
            assert seen.setdefault(name, spec.name) == spec.name, name
    assert len(column_by_header()) == len(seen)


def test_every_value_alias_names_an_allowed_code() -> None:
    for spec in PROFILE_COLUMNS:
        for alias, code in spec.value_aliases:
            assert spec.allowed is not None and code in spec.allowed, (spec.name, alias)
            assert value_codes(spec.name)[header_key(alias)] == code


def test_readme_holds_the_alias_table() -> None:
    readme = (Path(__file__).parents[2] / "data" / "README.md").read_text(encoding="utf-8")
    assert alias_table() in readme


def test_headers_are_reported_as_renamed() -> None:
    assert contract_headers(["Jenis kelamin", "sector", "Nama usaha"]) == {
        "Jenis kelamin": "owner_gender"
    }
