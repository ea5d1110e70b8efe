"""A province name column beside a province code column (`Provinsi` beside `Kode provinsi`, as
the page's downloads hold them) must name the code's province: a manager who corrects the name
and not the code is told, not left with the MSME in the code's province."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from data.aliases import contract_headers
from data.messages import Language
from data.reference import province_name_by_code
from data.validation import problem_line, validate_file, validate_frame
from data.writing import write_table
from tests.data.conftest import profile_rows

CODE, NAME = "Kode provinsi", "Provinsi"
DISAGREES = "value_province_name_disagrees"


def with_province_columns(codes: list[str], names: Sequence[object]) -> pd.DataFrame:
    """Profile rows headed as the page's downloads are: the code, then the name beside it."""
    frame = profile_rows(len(codes)).rename(columns={"province_code": CODE})
    frame[CODE] = codes
    frame.insert(2, NAME, pd.Series(list(names), dtype=object))
    return frame


def test_a_name_of_another_province_than_the_code_refuses_the_row() -> None:
    frame = with_province_columns(["31", "32", "33"], ["DKI Jakarta", "Jawa Tengah", "Jawa Tengah"])

    result = validate_frame(frame, "profile")

    [problem] = result.problems
    assert (problem.row, problem.column, problem.code, problem.value) == (
        3,
        NAME,
        DISAGREES,
        "Jawa Tengah",
    )
    assert problem.params == {
        "name_province": "33",
        "code_column": CODE,
        "code": "32",
        "province": "32",
        "name_column": NAME,
    }
    assert result.rejected["row"].tolist() == [3]
    assert result.valid.index.tolist() == [2, 4]
    assert result.valid["province_code"].tolist() == ["31", "33"]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("row 3, column Provinsi", "Jawa Tengah, but Kode provinsi 32 is Jawa Barat")),
        ("id", ("baris 3, kolom Provinsi", "Jawa Tengah, padahal Kode provinsi 32 adalah Jawa")),
    ],
)
def test_the_refusal_names_both_provinces_in_each_language(
    language: Language, words: tuple[str, ...]
) -> None:
    frame = with_province_columns(["31", "32"], ["Jakarta", "Jateng"])

    [problem] = validate_frame(frame, "profile").problems
    line = problem_line(problem, language)

    assert all(word in line for word in words), line
    assert "Jateng" in line  # the cell as the file has it
    assert ("delete the Provinsi column" if language == "en" else "hapus kolom Provinsi") in line


def test_names_aliases_and_any_case_that_agree_are_accepted() -> None:
    codes = ["32", "32", "32", "34", "34", "31", "11", "33"]
    names = ["Jabar", "JAWA BARAT", " jawa barat ", "DIY", "d.i. yogyakarta", "Dki Jakarta",
             "Aceh", "33"]  # fmt: skip
    frame = with_province_columns(codes, names)

    result = validate_frame(frame, "profile")

    assert result.ok, [str(problem) for problem in result.problems]
    assert result.valid["province_code"].tolist() == codes
    assert result.valid[NAME].tolist() == names  # carried as it came


def test_empty_and_unknown_names_are_not_compared() -> None:
    names = ["", None, "Atlantis", "Jawa", "Kabupaten Bogor", "  "]
    frame = with_province_columns(["32"] * len(names), names)

    result = validate_frame(frame, "profile")

    assert result.ok, [str(problem) for problem in result.problems]
    assert result.valid[NAME].tolist() == names


def test_a_row_whose_code_is_invalid_is_reported_once_as_before() -> None:
    codes = ["99", "", "Jawa Barrat", "\t32", "32"]  # a tab: read as 32, but refused
    frame = with_province_columns(codes, ["Aceh", "Aceh", "Aceh", "Aceh", "Jabar"])

    result = validate_frame(frame, "profile")

    assert [(p.row, p.column, p.code) for p in result.problems] == [
        (2, "province_code", "value_not_province"),
        (3, "province_code", "value_missing"),
        (4, "province_code", "value_not_province_suggestion"),
        (5, "province_code", "value_control_character"),
    ]


def test_a_name_column_alone_is_still_the_province_column() -> None:
    frame = profile_rows(3).rename(columns={"province_code": NAME})
    frame[NAME] = ["Jabar", "Jawa Tengah", "33"]

    result = validate_frame(frame, "profile")

    assert contract_headers(list(frame.columns))[NAME] == "province_code"
    assert result.ok, [str(problem) for problem in result.problems]
    assert result.valid["province_code"].tolist() == ["32", "33", "33"]
    assert NAME not in result.valid.columns


def test_a_history_is_checked_too_and_dropped_extras_still_are() -> None:
    frame = profile_rows(2)
    history = pd.concat(
        [frame, pd.DataFrame({"mentored": ["false"] * 2, "digitalized": ["true"] * 2})], axis=1
    )
    history["province"] = ["Aceh", "Bali"]  # the English download's header

    result = validate_frame(history, "history", extra_columns="drop")

    assert [(p.row, p.column, p.code) for p in result.problems] == [(3, "province", DISAGREES)]
    assert "province" not in result.valid.columns


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_a_page_download_with_both_columns_reads_back_unchanged(
    tmp_path: Path, suffix: str
) -> None:
    codes = ["11", "32", "34", "35"]
    names = [province_name_by_code()[code] for code in codes]
    path = write_table(with_province_columns(codes, names), tmp_path / f"download{suffix}")

    result = validate_file(path, "profile")

    assert result.ok, [str(problem) for problem in result.problems]
    assert result.valid["province_code"].tolist() == codes
    assert result.valid[NAME].tolist() == names


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_every_reader_refuses_a_name_corrected_without_its_code(
    tmp_path: Path, suffix: str
) -> None:
    frame = with_province_columns(["11", "32", "34"], ["Aceh", "Jawa Tengah", "DIY"])
    path = write_table(frame, tmp_path / f"edited{suffix}")

    result = validate_file(path, "profile")

    assert [(p.row, p.column, p.code) for p in result.problems] == [(3, NAME, DISAGREES)]
    assert result.valid["province_code"].tolist() == ["11", "34"]


def test_a_workbook_with_codes_typed_as_numbers_below_a_title_is_compared(tmp_path: Path) -> None:
    """Excel keeps a typed 32 as a number, and rows count from the header found below titles."""
    frame = with_province_columns(["32", "33"], ["Jawa Barat", "Jawa Barat"])
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Daftar UMKM calon peserta pendampingan"])
    sheet.append(list(frame.columns))
    for values in frame.itertuples(index=False):
        sheet.append([int(cell) if i == 1 else cell for i, cell in enumerate(values)])
    path = tmp_path / "edited.xlsx"
    workbook.save(path)

    result = validate_file(path, "profile")

    assert [(p.row, p.column, p.params["code"]) for p in result.problems] == [(4, NAME, "33")]
