"""Advice for a bad cell fits the file it is in: a number is told how to be written in the format
found for its file, a province that is neither a code nor a name gets the closest name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from data.aliases import closest_code
from data.cli import validate_file_command
from data.messages import render
from data.validation import (
    MAX_PROVINCE_SUGGESTIONS,
    Problem,
    problem_line,
    validate_file,
    validate_frame,
)
from tests.data.conftest import profile_rows

BAD_ROW = 3  # the spreadsheet row of the frame's second row (header = row 1)
REVENUE = "monthly_revenue_idr"


def _decimal_comma(frame: pd.DataFrame) -> pd.DataFrame:
    """As Indonesian Excel writes numbers: 1.512.345 and 1,5."""
    return frame.assign(
        business_age_years=frame["business_age_years"].str.replace(".", ",", regex=False),
        monthly_revenue_idr=frame[REVENUE].map(
            lambda t: f"{int(t):,}".replace(",", ".") if t else t
        ),
    )


def _thousands_comma(frame: pd.DataFrame) -> pd.DataFrame:
    """As English spreadsheets write them: 1,512,345 and 1.5."""
    return frame.assign(monthly_revenue_idr=frame[REVENUE].map(lambda t: f"{int(t):,}" if t else t))


def _as_is(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


@dataclass(frozen=True)
class NumberFile:
    """A file whose numbers are written one way, and the advice its bad number gets."""

    separator: str
    written: Callable[[pd.DataFrame], pd.DataFrame]
    fixed: str  # the bad cell written as the advice says
    code: str
    english: str
    bahasa: str

    def write(self, path: Path, revenue: str) -> Path:
        frame = self.written(profile_rows(6))
        frame.loc[BAD_ROW - 2, REVENUE] = revenue
        frame.to_csv(path, sep=self.separator, index=False)
        return path


DECIMAL_COMMA = NumberFile(
    ";",
    _decimal_comma,
    "1.500.000",
    "value_not_number_decimal_comma",
    "use a comma for decimals and a dot or nothing between thousands, digits only",
    "pakai koma untuk desimal dan titik atau tanpa pemisah untuk ribuan, hanya angka",
)
THOUSANDS_COMMA = NumberFile(
    ",",
    _thousands_comma,
    "1,500,000",
    "value_not_number_thousands_comma",
    "use a dot for decimals and a comma or nothing between thousands, digits only",
    "pakai titik untuk desimal dan koma atau tanpa pemisah untuk ribuan, hanya angka",
)
DOT_DECIMALS = NumberFile(
    ",",
    _as_is,
    "1500000",
    "value_not_number",
    "use a dot for decimals and no thousands separators",
    "pakai titik untuk desimal, tanpa pemisah ribuan",
)


@pytest.mark.parametrize(
    "case",
    [DECIMAL_COMMA, THOUSANDS_COMMA, DOT_DECIMALS],
    ids=["decimal-comma", "thousands-comma", "dot-decimals"],
)
def test_a_bad_number_is_told_the_format_of_its_file(tmp_path: Path, case: NumberFile) -> None:
    path = case.write(tmp_path / "profiles.csv", "1,5 juta")

    [problem] = validate_file(path, "profile").problems

    assert (problem.row, problem.column, problem.code) == (BAD_ROW, REVENUE, case.code)
    assert case.english in problem_line(problem, "en")
    assert case.bahasa in problem_line(problem, "id")
    # Following the advice reads the cell right, and the file's other cells as before.
    repaired = validate_file(case.write(path, case.fixed), "profile")
    assert repaired.problems == []
    assert repaired.valid.loc[BAD_ROW, REVENUE] == 1_500_000


def test_umkm_validate_lang_id_gives_the_decimal_comma_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = DECIMAL_COMMA.write(tmp_path / "profiles.csv", "1,5 juta")

    assert validate_file_command(path, "profile", "id") == 1

    first = capsys.readouterr().out.splitlines()[0]
    assert first == (
        f'baris {BAD_ROW}, kolom {REVENUE}: nilai "1,5 juta" bukan angka (pakai koma untuk '
        "desimal dan titik atau tanpa pemisah untuk ribuan, hanya angka, mis. 1.500.000 atau 2,5)"
    )
    assert "pakai titik" not in first


def test_a_frame_without_a_file_gets_the_dot_advice() -> None:
    frame = profile_rows(3)
    frame.loc[1, REVENUE] = "1,5 juta"

    [problem] = validate_frame(frame, "profile").problems

    assert problem.code == "value_not_number"


# --- provinces ---------------------------------------------------------------------------------


def _province_problems(*values: str) -> list[Problem]:
    frame = profile_rows(len(values))
    frame["province_code"] = list(values)
    return validate_frame(frame, "profile").problems


def test_a_misspelt_province_name_is_answered_with_the_close_name() -> None:
    [problem] = _province_problems("Jawa Tegah", "jawa tengah", "33")

    assert (problem.row, problem.column) == (2, "province_code")
    assert (problem.code, problem.params) == (
        "value_not_province_suggestion",
        {"province": "33", "code": "33"},
    )
    english = render(problem.code, problem.params, "en")
    bahasa = render(problem.code, problem.params, "id")
    assert english.endswith("nor a province name; did you mean Jawa Tengah (33)?")
    assert bahasa.endswith("dan bukan nama provinsi; maksud Anda Jawa Tengah (33)?")
    # The reason (what the API and the page show) names the reference province, never the cell.
    assert "Tegah" not in english + bahasa
    assert str(problem) == (
        'row 2, column province_code: value "Jawa Tegah" is neither one of the 38 province codes '
        "(2 digits, like 33) nor a province name; did you mean Jawa Tengah (33)?"
    )


def test_a_value_close_to_no_name_says_codes_and_names_are_accepted() -> None:
    problems = _province_problems("Atlantis", "99", "3", "11")

    assert [(p.row, p.code, dict(p.params)) for p in problems] == [
        (2, "value_not_province", {}),
        (3, "value_not_province", {}),
        (4, "value_not_province", {}),
    ]
    assert "nor a province name" in problems[0].reason
    assert "dan bukan nama provinsi" in render("value_not_province", {}, "id")


def test_each_misspelling_gets_its_own_suggestion() -> None:
    problems = _province_problems("DKI Jakrta", "Sulawesi Selatn", "Jawa Tegah", "Jawa Tegah")

    assert [p.params.get("province") for p in problems] == ["31", "73", "33", "33"]


def test_only_the_first_distinct_unknown_values_are_looked_up() -> None:
    unknown = [f"Atlantis {i}" for i in range(MAX_PROVINCE_SUGGESTIONS)]
    problems = _province_problems(*unknown, "Jawa Tegah")

    assert len(problems) == MAX_PROVINCE_SUGGESTIONS + 1
    assert problems[-1].code == "value_not_province"  # past the bound: reported, not looked up


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Jawa Tegah", "33"),
        ("jawa  tengah!", "33"),  # compared as header keys: any case and punctuation
        ("Yogyakarta", "34"),  # DI Yogyakarta
        ("Sumatra Utara", "12"),
        ("Jawa", None),  # too far from any one name
        ("331", None),  # codes are not candidates
        ("", None),
    ],
)
def test_closest_code(text: str, code: str | None) -> None:
    assert closest_code("province_code", text) == code


@pytest.mark.parametrize(
    ("column", "headed", "bahasa", "english"),
    [
        ("digital_status", "Status digital", "luring, daring", "offline, digital"),
        ("sector", "Sektor", "Makanan dan minuman, Perdagangan eceran", "food_beverage"),
        ("owner_education", "Pendidikan terakhir pemilik", "SD atau lebih rendah, SMP", "diploma"),
    ],
)
def test_allowed_values_are_named_in_the_language_however_the_column_is_named(
    column: str, headed: str, bahasa: str, english: str
) -> None:
    """The page names a problem's column as the file heads it (`Status digital`); the allowed
    values are still Bahasa labels in Bahasa, never the contract's codes."""
    frame = profile_rows(2)
    frame.loc[1, column] = "lain"
    problem = validate_frame(frame, "profile").problems[0]
    assert problem.code == "value_not_allowed"

    for name in (column, headed):
        params = {**problem.params, "column": name}
        assert bahasa in render(problem.code, params, "id")
        assert english in render(problem.code, params, "en")
