"""Reading an outcomes file: Bahasa headers and values, every problem by row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from data.io import read_table_info
from data.messages import Language, render
from data.outcomes_file import parse_outcomes
from data.read_info import ReadInfo
from data.validation import Problem


def _frame(rows: list[list[str]], header: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=header, dtype=object)


def test_bahasa_headers_and_values_are_read() -> None:
    frame = _frame(
        [
            ["U-1", "ya", "tidak", "27/02/2026", "kunjungan"],
            ["U-2", "Tidak", "YA", "2026-03-01", ""],
        ],
        ["id_umkm", "didampingi", "go_digital", "tanggal", "diverifikasi_oleh"],
    )
    parsed = parse_outcomes(frame)
    assert parsed.problems == ()
    first, second = parsed.rows
    assert (first.row, first.msme_id, first.mentored, first.digitalized) == (2, "U-1", True, False)
    assert first.observed_on == dt.date(2026, 2, 27)
    assert first.verified_by == "kunjungan"
    assert (second.mentored, second.digitalized, second.verified_by) == (False, True, None)
    assert parsed.columns_read_as["tanggal"] == "observed_on"


def test_every_row_problem_is_named_and_no_row_is_kept() -> None:
    frame = _frame(
        [
            ["U-1", "mungkin", "ya", "2026-02-30"],
            ["", "ya", "ya", "2026-01-01"],
            ["U-1", "ya", "ya", "1/1/2026"],
            ["U-2", "ya", "tidak", "31/12/2026"],
        ],
        ["msme_id", "mentored", "digitalisasi", "date"],
    )
    parsed = parse_outcomes(frame)
    assert parsed.rows == ()
    # The rows read right are kept apart, for the list's checks to name theirs in one answer.
    assert [(row.row, row.msme_id) for row in parsed.sound_rows] == [(5, "U-2")]
    assert parsed.row_count == 4
    found = {(p.row, p.column, p.code) for p in parsed.problems}
    assert found == {
        (2, "mentored", "value_not_boolean"),
        (2, "observed_on", "value_date_not_a_day"),  # 30 February
        (3, "msme_id", "value_missing"),
        (4, "msme_id", "value_duplicate_of_row"),
    }


def test_a_missing_column_refuses_the_file() -> None:
    parsed = parse_outcomes(_frame([["U-1", "ya"]], ["msme_id", "mentored"]))
    assert {(p.row, p.column, p.code) for p in parsed.problems} == {
        (None, "digitalized", "column_missing"),
        (None, "observed_on", "column_missing"),
    }


def test_the_file_s_own_headers_name_its_columns() -> None:
    """Problems carry contract names; `headed` says how this file heads each column, and how a
    file in the page's language would head one it lacks."""
    frame = _frame(
        [["U-1", "ya", "2026-01-01", "x"]], ["ID UMKM", "didampingi", "Tanggal", "status"]
    )
    parsed = parse_outcomes(frame)
    assert {p.column for p in parsed.problems} == {"digitalized"}
    headed = parsed.headed("id")
    assert (headed["msme_id"], headed["mentored"], headed["observed_on"]) == (
        "ID UMKM",
        "didampingi",
        "Tanggal",
    )
    assert (headed["digitalized"], headed["mentored_on"]) == ("go_digital", "tanggal_pendampingan")
    english = parsed.headed("en")
    assert (english["observed_on"], english["digitalized"]) == ("Tanggal", "digitalized")


def test_a_repeated_column_is_named_by_its_first_header() -> None:
    frame = _frame(
        [["U-1", "ya", "ya", "2026-01-01", "2026-01-02"]],
        ["id_umkm", "didampingi", "go_digital", "tanggal", "date"],
    )
    parsed = parse_outcomes(frame)
    assert [(p.column, p.code) for p in parsed.problems] == [("observed_on", "column_repeated")]
    assert parsed.headed("en")["observed_on"] == "tanggal"


def test_t_means_tidak_beside_y_and_true_beside_f() -> None:
    """An office's Y/T column: T is *tidak*; an export's T/F column: T is true."""
    rows = [["U-1", "Y", "T", "2026-01-01"], ["U-2", "T", "T", "2026-01-01"]]
    rows += [["U-3", "T", "F", "2026-01-01"], ["U-4", "y", "f", "2026-01-01"]]
    parsed = parse_outcomes(_frame(rows, ["msme_id", "mentored", "digitalized", "date"]))
    assert parsed.problems == ()
    # mentored holds Y and T (T is tidak); digitalized holds T and F (T is true).
    assert [(r.msme_id, r.mentored, r.digitalized) for r in parsed.rows] == [
        ("U-1", True, True),
        ("U-2", False, True),
        ("U-3", False, False),
        ("U-4", True, False),
    ]


def test_a_lone_t_is_refused_with_its_row() -> None:
    rows = [["U-1", "T", "tidak", "2026-01-01"], ["U-2", "T", "ya", "2026-01-01"]]
    parsed = parse_outcomes(_frame(rows, ["msme_id", "mentored", "digitalized", "date"]))
    assert parsed.rows == ()
    assert {(p.row, p.column, p.code) for p in parsed.problems} == {
        (2, "mentored", "value_boolean_ambiguous_t"),
        (3, "mentored", "value_boolean_ambiguous_t"),
    }


def test_a_file_with_title_rows_keeps_its_header_row_for_the_fix() -> None:
    """Where to add a missing column: the row the header was found on, not row 1."""
    frame = _frame([["U-1", "ya"]], ["msme_id", "mentored"])
    parsed = parse_outcomes(frame, ReadInfo(format="csv", header_row=4))
    assert parsed.header_row == 4
    assert {p.code for p in parsed.problems} == {"column_missing"}
    assert parse_outcomes(frame).header_row == 1


def _date_problems(dates: list[str]) -> list[Problem]:
    rows = [[f"U-{index}", "ya", "tidak", date] for index, date in enumerate(dates)]
    parsed = parse_outcomes(_frame(rows, ["id_umkm", "didampingi", "go_digital", "tanggal"]))
    return list(parsed.problems)


def _reason(problem: Problem, language: Language) -> str:
    """As a reader words it: after "value" / "nilai"."""
    reason = render(problem.code, problem.params, language)
    return render("cell_value", {"reason": reason}, language)


@pytest.mark.parametrize(
    ("text", "english", "bahasa"),
    [
        (
            "31/02/2026",
            "value names 31 February 2026, a day that does not exist: February 2026 has 28 days",
            "nilai menyebut 31 Februari 2026, tanggal yang tidak ada: Februari 2026 hanya 28 hari",
        ),
        (
            "29/02/2025",
            "value names 29 February 2025, a day that does not exist: February 2025 has 28 days",
            "nilai menyebut 29 Februari 2025, tanggal yang tidak ada: Februari 2025 hanya 28 hari",
        ),
        (
            "31/04/2026",
            "value names 31 April 2026, a day that does not exist: April 2026 has 30 days",
            "nilai menyebut 31 April 2026, tanggal yang tidak ada: April 2026 hanya 30 hari",
        ),
        (
            "2026-02-30",
            "value names 30 February 2026, a day that does not exist: February 2026 has 28 days",
            "nilai menyebut 30 Februari 2026, tanggal yang tidak ada: Februari 2026 hanya 28 hari",
        ),
        (
            "00/01/2026",
            "value names 0 January 2026, a day that does not exist: the days of a month are "
            "counted from 1",
            "nilai menyebut 0 Januari 2026, tanggal yang tidak ada: tanggal dalam sebulan dimulai "
            "dari 1",
        ),
        (
            "15-13-2026",
            "value names day 15 of month 13 of 2026, a day that does not exist: a year has 12 "
            "months",
            "nilai menyebut tanggal 15 bulan ke-13 tahun 2026, tanggal yang tidak ada: setahun "
            "hanya 12 bulan",
        ),
    ],
)
def test_a_date_in_an_accepted_form_that_names_no_day_says_so(
    text: str, english: str, bahasa: str
) -> None:
    """The audit's 31/02/2026 is written as the help asks: it is the day that does not exist,
    not the form that is wrong."""
    (problem,) = _date_problems(["27/02/2026", text])
    assert (problem.row, problem.column, problem.code) == (3, "observed_on", "value_date_not_a_day")
    assert _reason(problem, "en") == english
    assert _reason(problem, "id") == bahasa
    assert render("value_date_not_a_day_fix", {}, "en").startswith("Write a day that exists")
    assert render("value_date_not_a_day_fix", {}, "id").startswith(
        "Tulis tanggal yang ada di kalender"
    )


def test_29_february_of_a_leap_year_is_a_day() -> None:
    rows = [["U-1", "ya", "tidak", "29/02/2024"], ["U-2", "ya", "tidak", "2024-02-29"]]
    parsed = parse_outcomes(_frame(rows, ["id_umkm", "didampingi", "go_digital", "tanggal"]))
    assert parsed.problems == ()
    assert [row.observed_on for row in parsed.rows] == [dt.date(2024, 2, 29)] * 2


@pytest.mark.parametrize("text", ["mungkin", "31-31-31", "31/02/26", "01/01/0000"])
def test_a_text_in_no_accepted_form_keeps_the_wrong_form_message(text: str) -> None:
    (problem,) = _date_problems([text])
    assert problem.code == "value_wrong_form"
    assert _reason(problem, "en") == (
        "value does not match the expected form (27/02/2026, 2026-02-27)"
    )
    assert _reason(problem, "id") == (
        "nilai tidak sesuai bentuk yang diharapkan (27/02/2026, 2026-02-27)"
    )


def test_a_day_that_does_not_exist_in_mentored_on_is_named_in_its_column() -> None:
    rows = [["U-1", "ya", "tidak", "2026-03-01", "31/04/2026"]]
    header = ["id_umkm", "didampingi", "go_digital", "tanggal", "tanggal_pendampingan"]
    parsed = parse_outcomes(_frame(rows, header))
    assert [(p.row, p.column, p.code) for p in parsed.problems] == [
        (2, "mentored_on", "value_date_not_a_day")
    ]
    assert parsed.sound_rows == ()


def test_spreadsheet_error_cells_are_refused_as_such_not_read_as_ids_or_labels(
    tmp_path: Path,
) -> None:
    """A workbook's error cells are read as their codes: an id of #N/A is no MSME (it was an
    empty id before, and would now be an id), a program of #REF! no label."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id_umkm", "didampingi", "go_digital", "tanggal", "program"])
    sheet.append(["U-1", "ya", "tidak", "27/02/2026", "Go Digital"])
    sheet.append(["#N/A", "ya", "ya", "27/02/2026", "Go Digital"])  # error cells, t="e"
    sheet.append(["U-3", "#N/A", "ya", "#VALUE!", "#REF!"])
    path = tmp_path / "hasil.xlsx"
    workbook.save(path)
    read = read_table_info(path)

    parsed = parse_outcomes(read.frame, read.info)

    assert [(p.row, p.column, p.code, dict(p.params)) for p in parsed.problems] == [
        (3, "msme_id", "value_spreadsheet_error", {"error": "#N/A"}),
        (4, "mentored", "value_spreadsheet_error", {"error": "#N/A"}),
        (4, "observed_on", "value_spreadsheet_error", {"error": "#VALUE!"}),
        (4, "program", "value_spreadsheet_error", {"error": "#REF!"}),
    ]
    assert [row.msme_id for row in parsed.sound_rows] == ["U-1"]
    assert parsed.named_rows == ((2, "U-1"), (4, "U-3"))  # no MSME named #N/A
    problem = parsed.problems[0]
    assert render(problem.code, problem.params, "id").startswith("adalah galat lembar kerja #N/A")
    assert render(problem.code, problem.params, "en").startswith("is the spreadsheet error #N/A")
