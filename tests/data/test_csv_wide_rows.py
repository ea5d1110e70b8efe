"""A CSV row of any width or a cell of any length costs a piece of text before it is parsed: a
line wider than the column limit is refused as it is counted (csv.reader built the first 20 rows
as lists first: a 72 MB line `msme_id,ab,ab,…` peaked at 1.84 GB before the refusal), so is a row
wider than the header further down (before pandas' tokenizer holds it whole); and a long cell
reads the same in every row (csv.reader refused one of more than 131,072 characters in the first
20 rows only, without naming a row or line)."""

from __future__ import annotations

import csv
import io
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import data.csv_reading
import data.csv_records
from data.contract import contract_name
from data.io import DataFileError, DataLimitError, ReadLimits, read_table, read_table_info
from data.limits import UPLOAD_MAX_COLUMNS

UPLOAD = ReadLimits.for_upload(100_000)
HEADER = "msme_id,owner_age,province_code,sector"
ROWS = [f"U{i},{30 + i},11,craft" for i in range(40)]
MAX_PEAK = 16 * 1024 * 1024  # bytes Python may hold to refuse a row of millions of fields


def traced_peak(read: Callable[[], Any]) -> tuple[Any, int]:
    """What `read` gave (or raised) and the most memory Python held meanwhile (tracemalloc:
    every list and text the reading built, not pandas' C buffers)."""
    tracemalloc.start()
    try:
        try:
            outcome: Any = read()
        except DataFileError as error:
            outcome = error
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def wide_line(fields: int) -> bytes:
    return b"msme_id" + b",ab" * (fields - 1)


def test_a_line_past_the_column_limit_is_refused_before_its_cells_are_built(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(wide_line(2_000_000) + b"\n")  # 6 MB, one line

    refused, peak = traced_peak(lambda: read_table(path, limits=UPLOAD))

    assert isinstance(refused, DataLimitError)
    assert (refused.code, refused.found, refused.limit) == ("too_many_columns", 2_000_000, 256)
    # Its 2,000,000 cells were texts in lists (over 100 MB); counted, they cost pieces of text
    # (the encoding's check reads a megabyte at a time).
    assert peak < MAX_PEAK, f"{peak:,} bytes"
    assert str(refused) == (
        f"{path} (line 1): the table is 2,000,000 columns wide; at most 256 are read here "
        "(delete the columns the contract does not need)"
    )


def test_a_wide_line_among_title_rows_is_refused_by_its_line(tmp_path: Path) -> None:
    """Every row the header search reads is bounded, a title row above the header too (it was
    built whole, then passed over)."""
    lines = [b"Laporan UMKM 2025", b"", wide_line(UPLOAD_MAX_COLUMNS + 1), HEADER.encode()]
    lines += [row.encode() for row in ROWS[:3]]
    path = tmp_path / "titled.csv"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")

    with pytest.raises(DataLimitError) as refused:
        read_table_info(path, limits=UPLOAD)

    assert (refused.value.code, refused.value.found) == ("too_many_columns", 257)
    assert str(refused.value).startswith(f"{path} (line 3): the table is 257 columns wide")


def test_separators_inside_quotes_are_no_columns(tmp_path: Path) -> None:
    """Counted as csv.reader reads the line: a quoted title holding 600 commas is one cell."""
    title = '"Laporan' + "," * 600 + ' 2025",,'
    path = tmp_path / "quoted.csv"
    path.write_text("\n".join([title, HEADER, *ROWS[:3]]) + "\n")

    read = read_table_info(path, limits=UPLOAD)

    assert read.info.header_row == 2
    assert read.frame.columns.tolist() == HEADER.split(",")


def test_a_row_of_many_quoted_cells_is_counted_within_bounds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each quoted cell is a turn of the count: past CSV_COUNT_TURNS the count so far is the
    row's width (a lower bound), still past the limit."""
    monkeypatch.setattr(data.csv_records, "CSV_COUNT_TURNS", 2_000)
    path = tmp_path / "quotes.csv"
    path.write_text("msme_id" + ',""' * 100_000 + "\n")

    with pytest.raises(DataLimitError) as refused:
        read_table(path, limits=UPLOAD)

    assert refused.value.code == "too_many_columns"
    assert 256 < refused.value.found < 100_001


def test_a_row_too_wide_below_the_header_is_named_before_it_is_parsed(tmp_path: Path) -> None:
    rows = [HEADER, *ROWS[:28], "U99" + ",ab" * 999_999]  # spreadsheet row 30: 3 MB
    path = tmp_path / "row30.csv"
    path.write_text("\n".join(rows) + "\n")

    refused, peak = traced_peak(lambda: read_table(path, limits=UPLOAD))

    assert isinstance(refused, DataFileError)
    assert refused.code == "file_csv_extra_fields"
    assert refused.params == {"row": 30, "found": 1_000_000, "expected": 4}
    assert "row 30 has 1000000 fields where the header has 4" in str(refused)
    assert peak < MAX_PEAK, f"{peak:,} bytes"  # the scan after pandas built it as a list: 60 MB


@pytest.mark.parametrize("limits", [None, UPLOAD], ids=["cli", "upload"])
@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
@pytest.mark.parametrize("row", [2, 5, 30])
def test_a_long_cell_reads_the_same_in_every_row(
    tmp_path: Path, row: int, quoted: bool, limits: ReadLimits | None
) -> None:
    """One rule for every row: a cell longer than csv.reader's field limit (131,072) is read,
    whether among the first 20 rows (the header search) or below them."""
    note = ("catatan panjang, " if quoted else "catatan panjang ") * 12_000  # 192,000 or more
    cell = f'"{note}"' if quoted else note
    rows = [f"{HEADER},note", *(f"{line},kosong" for line in ROWS[:30])]
    rows[row - 1] = f"U{row},40,11,craft,{cell}"
    path = tmp_path / "long.csv"
    path.write_text("\n".join(rows) + "\n")

    frame = read_table(path, limits=limits)

    assert len(frame) == 30
    assert frame["note"].iloc[row - 2] == note
    assert frame["msme_id"].iloc[row - 2] == f"U{row}"


@pytest.mark.parametrize("where", [5, 30])
def test_a_quote_never_closed_after_a_long_cell_is_named_by_its_line(
    tmp_path: Path, where: int
) -> None:
    """A long cell no longer passes for a quote never closed: the one that is, is named."""
    rows = [HEADER, *ROWS[:35]]
    rows[where - 1] = f'U{where},40,11,"{"x" * 200_000}"'
    rows[33] = 'U77,41,11,"craft'  # line 34 opens a quote that never closes
    path = tmp_path / "open.csv"
    path.write_text("\n".join(rows) + "\n")

    with pytest.raises(DataFileError) as refused:
        read_table(path, limits=UPLOAD)

    assert (refused.value.code, refused.value.params) == ("file_csv_unclosed_quote", {"line": 34})


# ------------------------------------------------------------------------------ as csv.reader

TEXT = st.lists(
    st.sampled_from(
        ["a", "b", " ", ",", ";", "\t", '"', '""', "\n", "\r", "\r\n", "msme_id", "Sektor"]
    ),
    max_size=40,
).map("".join)


def _reference(text: str, separator: str) -> list[tuple[int, int, int, bool, frozenset[str]]]:
    """Each record as csv.reader reads it: begins, ends (line_num), fields, last filled, names."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records, begins = [], 1
    for record in reader:
        names = frozenset({contract_name(cell) for cell in record if cell.strip()} - {None})
        filled = bool(record) and record[-1] != ""
        records.append((begins, reader.line_num, len(record), filled, names))  # type: ignore[arg-type]
        begins = reader.line_num + 1
    return records  # type: ignore[return-value]


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT, separator=st.sampled_from([",", ";", "\t"]), piece=st.integers(1, 9))
def test_records_are_counted_as_csv_reader_reads_them(
    monkeypatch: pytest.MonkeyPatch, text: str, separator: str, piece: int
) -> None:
    """Lines, fields, the last field and the names cells give, whatever the pieces' size."""
    monkeypatch.setattr(data.csv_records, "CSV_PIECE_CHARS", piece)
    read = data.csv_records.CsvRecords(io.StringIO(text, newline=""), separator, names=True)

    counted = [(r.begins, r.ends, r.fields, r.last_filled, r.names) for r in read]

    assert counted == _reference(text, separator)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=TEXT,
    separator=st.sampled_from([",", ";", "\t"]),
    piece=st.integers(1, 9),
    header_row=st.integers(0, 3),
    width=st.integers(1, 4),
)
def test_the_scan_finds_the_row_csv_reader_finds(  # noqa: PLR0917
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    separator: str,
    piece: int,
    header_row: int,
    width: int,
) -> None:
    """The first row below the header too wide for it, and the line the last record read
    begins on, with the rows that fit passed over in bulk."""
    monkeypatch.setattr(data.csv_records, "CSV_PIECE_CHARS", piece)
    expected, last = None, 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    begins = 1
    for row, record in enumerate(reader, start=1):
        last = begins
        if row > header_row and (
            len(record) > width + 1 or (len(record) > width and record[width] != "")
        ):
            expected = (row, len(record))
            break
        begins = reader.line_num + 1

    handle = io.StringIO(text, newline="")
    read = data.csv_records.CsvRecords(
        handle, separator, max_fields=width + 1, fit=width, fit_from=header_row + 1
    )
    found = next(
        (
            (r.row, r.fields)
            for r in read
            if r.row > header_row and data.csv_reading._too_wide(r.fields, r.last_filled, width)
        ),
        None,
    )

    assert (found, read.last_begins) == (expected, last)
