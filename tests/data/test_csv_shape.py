"""A CSV whose rows do not fit its header is refused by name: the row with a field too many, or
the line where a quoted cell that never closes begins (not pandas' `Error tokenizing data` or
csv's `field larger than field limit`), in both languages; and reading in chunks changes
nothing (pandas took each chunk's width from its first line)."""

from __future__ import annotations

from pathlib import Path

import pytest

import data.csv_reading
from data.io import DataFileError, read_table, read_table_info
from data.messages import render

HEADER = "msme_id,owner_age,province_code,sector"
ROWS = [f"U{i},{30 + i},11,craft" for i in range(20)]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refused(path: Path) -> DataFileError:
    with pytest.raises(DataFileError) as raised:
        read_table(path)
    assert str(raised.value).startswith(f"{path}: not a readable CSV file: ")
    assert "\n" not in str(raised.value)
    return raised.value


def test_a_row_with_a_field_too_many_is_named_by_its_row(tmp_path: Path) -> None:
    # Row 12 of the spreadsheet: a decimal comma split 2,5 into two fields.
    path = write_lines(tmp_path / "h.csv", [HEADER, *ROWS[:10], "U99,2,5,11,craft", *ROWS[10:]])

    error = refused(path)

    assert error.code == "file_csv_extra_fields"
    assert error.params == {"row": 12, "found": 5, "expected": 4}
    assert str(error).endswith(
        "row 12 has 5 fields where the header has 4: a separator (,) too many, or a cell "
        "holding it without quotes around the cell"
    )
    assert "tokenizing" not in str(error)


def test_the_row_is_the_spreadsheets_below_title_rows_and_a_multi_line_cell(
    tmp_path: Path,
) -> None:
    lines = ["Laporan UMKM 2025", ";", HEADER.replace(",", ";")]
    lines += [row.replace(",", ";") for row in ROWS[:3]]
    lines += ['U50;41;11;"craft\nwith a note"', "U51;42;11;craft;extra"]  # rows 7 and 8
    path = write_lines(tmp_path / "titled.csv", lines)

    with pytest.raises(DataFileError) as raised:
        read_table_info(path)

    assert raised.value.params == {"row": 8, "found": 5, "expected": 4}
    assert "a separator (;) too many" in str(raised.value)


@pytest.mark.parametrize("after", [20, 20_000])  # past csv's field limit (131,072 characters)
def test_a_quote_never_closed_is_named_by_the_line_it_opens(tmp_path: Path, after: int) -> None:
    rows = [f"U{i},{30 + i % 50},11,craft" for i in range(after)]
    path = write_lines(tmp_path / "q.csv", [HEADER, *ROWS[:7], 'U77,40,11,"craft', *rows])

    error = refused(path)

    assert error.code == "file_csv_unclosed_quote"
    assert error.params == {"line": 9}
    assert str(error).endswith(
        "a quoted cell from line 9 is never closed, so the rest of the file reads as one cell: "
        'add the closing quote (") or remove the opening one'
    )
    assert "field limit" not in str(error) and "EOF" not in str(error)


def test_a_quote_never_closed_below_the_rows_searched_for_the_header(tmp_path: Path) -> None:
    lines = [HEADER, *(f"U{i},40,11,craft" for i in range(30)), 'U77,"40,11,craft', "U78,1,11,x"]
    error = refused(write_lines(tmp_path / "q.csv", lines))

    assert (error.code, error.params) == ("file_csv_unclosed_quote", {"line": 32})


def test_both_are_worded_in_bahasa_too() -> None:
    extra = render("file_csv_extra_fields", {"row": 12, "found": 17, "expected": 16}, "id")
    quote = render("file_csv_unclosed_quote", {"line": 9}, "id")

    assert extra.startswith("baris 12 berisi 17 sel, padahal baris judul hanya 16 kolom")
    assert quote.startswith("sel bertanda kutip mulai baris 9 tidak pernah ditutup")


@pytest.mark.parametrize("chunk_rows", [5, 50_000])
def test_reading_in_chunks_refuses_a_wide_row_and_keeps_a_short_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_rows: int
) -> None:
    """Rows 11 and 16 start chunks of 5 (the header is the first chunk's first row): pandas
    read a row too wide there as if it fitted, dropping its last field, and failed the row
    after a short one."""
    monkeypatch.setattr(data.csv_reading, "CSV_CHUNK_ROWS", chunk_rows)
    short = [HEADER, *ROWS[:9], "U90,40,11", *ROWS[9:]]

    frame = read_table(write_lines(tmp_path / "short.csv", short))

    assert len(frame) == len(ROWS) + 1
    assert frame.iloc[9].tolist() == ["U90", "40", "11", ""]  # the missing cell is empty
    assert frame.iloc[10].tolist() == ROWS[9].split(",")

    wide = [HEADER, *ROWS[:14], "U95,45,11,craft,oops", *ROWS[14:]]
    error = refused(write_lines(tmp_path / "wide.csv", wide))
    assert error.params == {"row": 16, "found": 5, "expected": 4}


def test_a_trailing_separator_is_an_empty_field_and_no_problem(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "t.csv", [HEADER, ROWS[0] + ",", ROWS[1]])

    frame = read_table(path)

    assert frame.values.tolist() == [ROWS[0].split(","), ROWS[1].split(",")]
    error = refused(write_lines(tmp_path / "two.csv", [HEADER, ROWS[0] + ",,", ROWS[1]]))
    assert error.params == {"row": 2, "found": 6, "expected": 4}
