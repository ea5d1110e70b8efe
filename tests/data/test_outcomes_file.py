"""Reading an outcomes file: Bahasa headers and values, every problem by row and column."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data.io import ReadInfo
from data.outcomes_file import parse_outcomes


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
        (2, "observed_on", "value_wrong_form"),
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
