"""A file's number format is the one most of its cells use: one cell written the other way is a
problem of its own row and column, not a reason to misread or refuse the rest of the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from data.io import read_table_info
from data.numbers import NumberFormat
from data.validation import validate_frame
from tests.data.conftest import profile_rows

ROWS = 200
TITLE = "Daftar UMKM calon peserta pendampingan"  # row 1: the header is row 2
HEADER_ROW = 2
BAD = 57  # the frame's row holding the cell written the other way
BAD_ROW = BAD + HEADER_ROW + 1  # its spreadsheet row
AGE, REVENUE = "business_age_years", "monthly_revenue_idr"


def _tenth(text: str) -> str:
    """An age a tenth of the sample's, so most are below 1 (`0.1`, `2.9`)."""
    return f"{float(text) / 10:.1f}" if text else text


def _indonesian(frame: pd.DataFrame) -> pd.DataFrame:
    """As an Indonesian office writes numbers: `0,1`-style decimals, `Rp 2.272.000`."""
    return frame.assign(
        business_age_years=frame[AGE].map(lambda t: _tenth(t).replace(".", ",")),
        monthly_revenue_idr=frame[REVENUE].map(
            lambda t: f"Rp {int(t):,}".replace(",", ".") if t else t
        ),
    )


def _english(frame: pd.DataFrame) -> pd.DataFrame:
    """As an English spreadsheet writes them: `0.1`-style decimals, `2,272,000`."""
    return frame.assign(
        business_age_years=frame[AGE].map(_tenth),
        monthly_revenue_idr=frame[REVENUE].map(lambda t: f"{int(t):,}" if t else t),
    )


def _thousands_only(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole numbers of one thousand group (`Rp 512.000`): both formats read them, differently."""
    return frame.assign(
        business_age_years=frame[AGE].map(lambda t: str(int(float(t))) if t else t),
        monthly_revenue_idr=[f"Rp {100 + i}.000" for i in range(len(frame))],
    )


def _write(
    path: Path, written: Callable[[pd.DataFrame], pd.DataFrame], separator: str, bad: str
) -> tuple[Path, pd.DataFrame]:
    plain = profile_rows(ROWS)
    frame = written(plain)
    frame.loc[BAD, REVENUE] = bad
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(TITLE + "\n")
        frame.to_csv(handle, sep=separator, index=False, lineterminator="\n")
    return path, plain


Found = tuple[int | None, str | None, str, str | None]  # row, column, code, value


def _read_and_validate(path: Path) -> tuple[NumberFormat, pd.DataFrame, list[Found]]:
    read = read_table_info(path)
    assert read.info.header_row == HEADER_ROW
    result = validate_frame(read.frame, "profile", source=read.info)
    problems = [(p.row, p.column, p.code, p.value) for p in result.problems]
    assert result.rejected["row"].tolist() == [BAD_ROW]
    return read.info.number_format, result.valid, problems


def _expected_revenue(plain: pd.DataFrame) -> list[float]:
    revenue = [float(t) if t else float("nan") for t in plain[REVENUE]]
    return [value for row, value in enumerate(revenue) if row != BAD]


def _revenue(valid: pd.DataFrame) -> list[float]:
    return valid[REVENUE].astype("float64").tolist()


def _ages(plain: pd.DataFrame) -> list[float]:
    ages = [float(_tenth(t)) if t else float("nan") for t in plain[AGE]]
    return [age for row, age in enumerate(ages) if row != BAD]


def test_one_english_amount_in_an_indonesian_file_is_the_one_problem(tmp_path: Path) -> None:
    """The QA case: `Rp 1,500,000` among `0,1` and `Rp 2.272.000` used to reject every row."""
    path, plain = _write(tmp_path / "usulan.csv", _indonesian, ";", "Rp 1,500,000")

    number_format, valid, problems = _read_and_validate(path)

    assert number_format == NumberFormat(",", ".")
    assert problems == [(BAD_ROW, REVENUE, "value_not_number_decimal_comma", "Rp 1,500,000")]
    assert len(valid) == ROWS - 1 and BAD_ROW not in valid.index
    assert valid[AGE].astype("float64").tolist() == pytest.approx(_ages(plain), nan_ok=True)
    assert _revenue(valid) == pytest.approx(_expected_revenue(plain), nan_ok=True)
    assert valid.loc[BAD_ROW + 1, REVENUE] == 500_000 + 12_345 * (BAD + 1)


def test_one_indonesian_amount_in_an_english_file_is_the_one_problem(tmp_path: Path) -> None:
    """The mirror case: `1.500.000` among `0.1` and `2,272,000`."""
    path, plain = _write(tmp_path / "candidates.csv", _english, ",", "1.500.000")

    number_format, valid, problems = _read_and_validate(path)

    assert number_format == NumberFormat(".", ",")
    assert problems == [(BAD_ROW, REVENUE, "value_not_number_thousands_comma", "1.500.000")]
    assert len(valid) == ROWS - 1
    assert valid[AGE].astype("float64").tolist() == pytest.approx(_ages(plain), nan_ok=True)
    assert _revenue(valid) == pytest.approx(_expected_revenue(plain), nan_ok=True)


def test_one_english_amount_does_not_turn_a_semicolon_files_thousands_into_decimals(
    tmp_path: Path,
) -> None:
    """`Rp 512.000` is 512000 in a semicolon file; one `Rp 1,500,000` used to make every such
    cell 512.0, silently."""
    path, _ = _write(tmp_path / "usulan.csv", _thousands_only, ";", "Rp 1,500,000")

    number_format, valid, problems = _read_and_validate(path)

    assert number_format == NumberFormat(",", ".")
    assert problems == [(BAD_ROW, REVENUE, "value_not_number_decimal_comma", "Rp 1,500,000")]
    assert _revenue(valid) == [1000.0 * (100 + row) for row in range(ROWS) if row != BAD]


def test_a_file_mixing_both_formats_is_not_guessed(tmp_path: Path) -> None:
    """Half and half: no format has a clear majority, so none is guessed (the dot reading, as
    for a file with votes both ways before)."""
    plain = profile_rows(20)
    indonesian, english = _indonesian(plain), _english(plain)
    frame = pd.concat([indonesian.iloc[:10], english.iloc[10:]])
    path = tmp_path / "mixed.csv"
    frame.to_csv(path, sep=";", index=False)

    read = read_table_info(path)

    assert read.info.number_format == NumberFormat(".", "")
