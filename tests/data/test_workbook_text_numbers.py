"""A workbook's number cells are exact and say nothing about how its text cells write numbers:
`Rp 7.000.000` or `2,5` typed as text beside real numbers is read the Indonesian way, as the same
values in a CSV are; a CSV's cells all vote, as before."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from data.io import money_texts, read_table_info
from data.numbers import CANONICAL, NumberFormat, detect_number_format
from data.read_info import ReadInfo
from data.validation import validate_frame
from tests.data.conftest import profile_rows

INDONESIAN = NumberFormat(",", ".")
ROWS = 40
NUMERIC = ("business_age_years", "workers", "monthly_revenue_idr", "owner_age")
COST = "Biaya pendampingan"


def _workbook(path: Path, text_cells: dict[tuple[int, str], str], costs: list[object]) -> Path:
    """Contract rows whose numbers are number cells (ages like 3.5), except `text_cells`
    ((row, column) -> text), and a cost column holding `costs`."""
    frame = profile_rows(ROWS)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([*frame.columns, COST])
    for position, record in enumerate(frame.to_dict("records")):
        cells: list[object] = []
        for name, text in record.items():
            typed = text_cells.get((position, str(name)))
            if typed is not None:
                cells.append(typed)
            elif name in NUMERIC and text:
                cells.append(float(text) if "." in str(text) else int(str(text)))
            else:
                cells.append(text or None)
        sheet.append([*cells, costs[position % len(costs)]])
    workbook.save(path)
    return path


def test_text_cells_beside_number_cells_are_read_by_their_own_format(tmp_path: Path) -> None:
    text = {(1, "monthly_revenue_idr"): "Rp 7.000.000", (2, "business_age_years"): "2,5"}
    path = _workbook(tmp_path / "omzet.xlsx", text, [1_250_000])
    frame = profile_rows(ROWS)
    assert frame["business_age_years"].str.contains(r"\.[1-9]").any()  # real 3.5-like cells

    read = read_table_info(path)
    result = validate_frame(read.frame, "profile", extra_columns="ignore", source=read.info)

    assert read.info.number_format == INDONESIAN
    assert result.problems == []
    assert result.valid.loc[3, "monthly_revenue_idr"] == 7_000_000  # spreadsheet row 3
    assert result.valid.loc[4, "business_age_years"] == 2.5
    # The number cells are exact: 3.5 stays 3.5, 1200000 stays 1200000.
    expected = pd.to_numeric(frame["business_age_years"].drop(index=2).replace("", None))
    got = result.valid["business_age_years"].drop(index=4).to_numpy(dtype=float)
    assert got == pytest.approx(expected.to_numpy(dtype=float), nan_ok=True)


@pytest.mark.parametrize(
    ("costs", "expected"),
    [
        (["Rp 1.250.000"], 1_250_000),
        (["1.250.000"], 1_250_000),
        (["1.250.000,75"], 1_250_000.75),
        (["Rp 1.250.000", 750_000, 1_250_000.5], 1_250_000),  # text beside number cells
    ],
)
def test_a_text_cost_column_in_a_workbook_of_numbers_is_read(
    tmp_path: Path, costs: list[object], expected: float
) -> None:
    read = read_table_info(_workbook(tmp_path / "biaya.xlsx", {}, costs))
    assert read.info.number_format == CANONICAL  # nothing in the contract columns says

    numbers = pd.to_numeric(money_texts(read.frame[COST], read.info), errors="coerce")

    assert numbers.notna().all()
    assert numbers.iloc[0] == expected
    if len(costs) == 3:
        assert numbers.iloc[1:3].tolist() == [750_000, 1_250_000.5]


def test_a_cost_column_without_evidence_is_read_in_the_files_format() -> None:
    semicolon = ReadInfo("csv", delimiter=";", decimal=",", thousands=".")
    comma = ReadInfo("csv", delimiter=",", decimal=".", thousands="")
    one_group = pd.Series(["Rp 750.000", "1.500", " "])

    assert money_texts(one_group, semicolon).tolist() == ["750000", "1500", ""]
    assert money_texts(one_group, comma).tolist() == ["750.000", "1.500", ""]
    assert money_texts(one_group, None).tolist() == ["Rp 750.000", "1.500", ""]


def test_number_cells_do_not_vote_in_a_workbook_but_csv_cells_do() -> None:
    texts = ["3.5", "0.25", "1250000", "7.000.000", "2,5"]
    counts = [300, 200, 400, 1, 1]

    assert detect_number_format(texts, counts=counts, workbook=True) == INDONESIAN
    # In a CSV the person wrote `3.5` too: 500 English votes against 2, as before.
    assert detect_number_format(texts, counts=counts) == CANONICAL
    # English text cells in a workbook still vote for the English reading.
    assert detect_number_format(["3.5", "1,500,000"], workbook=True) == NumberFormat(".", ",")
    # Number cells alone say nothing: the default.
    assert detect_number_format(["3.5", "12.375"], workbook=True) == CANONICAL
    assert detect_number_format(["3.5"], workbook=True, default=INDONESIAN) == INDONESIAN


def test_a_csv_mixing_formats_is_not_guessed_as_before(tmp_path: Path) -> None:
    frame = profile_rows(ROWS)
    frame.loc[1, "monthly_revenue_idr"] = "Rp 7.000.000"
    path = tmp_path / "campur.csv"
    frame.to_csv(path, index=False)

    read = read_table_info(path)

    assert read.info.number_format == CANONICAL
    assert read.frame.loc[1, "monthly_revenue_idr"] == "Rp 7.000.000"


def test_a_number_cell_with_three_decimals_is_exact_in_an_indonesian_file(
    tmp_path: Path,
) -> None:
    """`2,375` typed as text is two and three eighths in an Indonesian file, `7.000.000` seven
    million; a number cell 2.375 is the same number, never read as 2375 by that convention."""
    text = {(1, "monthly_revenue_idr"): "Rp 7.000.000", (2, "business_age_years"): "2,375"}
    path = _workbook(tmp_path / "tiga_desimal.xlsx", text, [1_250_000.125, "Rp 1.250.000"])
    workbook = load_workbook(path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=6, column=header.index("business_age_years") + 1, value=2.375)
    workbook.save(path)

    read = read_table_info(path)
    result = validate_frame(read.frame, "profile", extra_columns="ignore", source=read.info)

    assert read.info.number_format == INDONESIAN
    assert result.problems == []
    assert result.valid.loc[4, "business_age_years"] == 2.375  # the text cell 2,375
    assert result.valid.loc[6, "business_age_years"] == 2.375  # the number cell, not 2375
    costs = pd.to_numeric(money_texts(read.frame[COST], read.info))
    assert costs.iloc[0] == 1_250_000.125 and costs.iloc[1] == 1_250_000
