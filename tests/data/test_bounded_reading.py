"""Reading within bounds: every bomb of issue 10 is refused clearly, before it costs memory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from data.cli import validate_file_command
from data.io import DataFileError, DataLimitError, ReadLimits, read_table
from tests.data import bombs

UPLOAD = ReadLimits.for_upload(bombs.UPLOAD_ROWS)
# Peak memory a refused file may add to the reader (the readers' own imports not counted).
MAX_ADDED_MB = 150

REFUSED: list[tuple[str, Callable[[Path], Path], str, str]] = [
    ("far.xlsx", bombs.xlsx_far_cell, "too_many_rows", "used range A1:XFD1048576"),
    ("far_undeclared.xlsx", bombs.xlsx_far_cell_undeclared, "too_many_rows", "data rows"),
    ("huge_string.xlsx", bombs.xlsx_huge_shared_string, "text_too_long", "longer than a cell"),
    ("huge_cell.xlsx", bombs.xlsx_huge_inline_cell, "text_too_long", "32,767 characters"),
    ("strings.xlsx", bombs.xlsx_many_strings, "too_many_strings", "distinct texts"),
    ("empty_rows.xlsx", bombs.xlsx_empty_rows, "too_many_rows", "at most 100,000"),
    (
        "renamed_sheet.xlsx",
        lambda path: bombs.xlsx_renamed_sheet_rows(path, 5_000_000),
        "too_many_rows",
        "at most 100,000",
    ),
    ("book_part.xlsx", bombs.xlsx_large_workbook_part, "unzipped_too_large", "xl/book.bin"),
    ("rows.parquet", bombs.parquet_rows, "too_many_rows", "20,000,000 data rows"),
    (
        "dictionary.parquet",
        bombs.parquet_dictionary_text,
        "unzipped_too_large",
        "unpacks to 2,002,188,890 bytes",
    ),
    (
        "understated.parquet",
        bombs.parquet_understated_pages,
        "unzipped_too_large",
        "pages unpack to at least 629,146,007 bytes, as their headers declare",
    ),
    ("rows.csv", bombs.csv_rows, "too_many_rows", "at most 100,000"),
    ("wide.csv", bombs.csv_wide, "too_many_columns", "100,000 columns"),
    ("wide_line.csv", bombs.csv_wide_line, "too_many_columns", "(line 1): the table is 2,796,"),
]
UNREADABLE: list[tuple[str, Callable[[Path], Path], str]] = [
    ("entities.xlsx", bombs.xlsx_entities, "not a readable Excel .xlsx workbook"),
    ("truncated.xlsx", bombs.xlsx_truncated_xml, "not a readable Excel .xlsx workbook"),
    ("parts.xlsx", lambda path: bombs.xlsx_many_parts(path, 20_000), "more than 10,000 files"),
    ("row_inf.xlsx", lambda path: bombs.xlsx_row_number(path, "inf"), "numbered 'inf'"),
    ("struct.parquet", bombs.parquet_struct, "nested values"),
    ("wide_row.csv", bombs.csv_wide_row, "row 30 has 2796204 fields where the header has 2"),
]


@pytest.mark.parametrize(("name", "build", "code", "words"), REFUSED)
def test_each_bomb_is_refused_by_the_limit_it_passes(
    tmp_path: Path, name: str, build: Callable[[Path], Path], code: str, words: str
) -> None:
    with pytest.raises(DataLimitError) as refused:
        read_table(build(tmp_path / name), limits=UPLOAD)

    assert refused.value.code == code
    assert words in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(("name", "build", "words"), UNREADABLE)
def test_malformed_files_are_unreadable_not_crashes(
    tmp_path: Path, name: str, build: Callable[[Path], Path], words: str
) -> None:
    with pytest.raises(DataFileError, match=words):
        read_table(build(tmp_path / name), limits=UPLOAD)


def test_bombs_are_refused_within_bounded_memory(tmp_path: Path) -> None:
    """Each read in a fresh process; the kernel's high-water mark says what it cost."""
    paths = [build(tmp_path / name) for name, build, _, _ in REFUSED]
    paths += [build(tmp_path / name) for name, build, _ in UNREADABLE]
    paths.append(bombs.xlsx_gr20000(tmp_path / "gr20000.xlsx"))

    outcomes = bombs.measure(paths)

    for path, outcome in zip(paths, outcomes, strict=True):
        assert outcome.added_mb < MAX_ADDED_MB, (path.name, outcome)
    # GR20000 fits the limits (20,000 rows × 200 columns); it is read, and validation refuses it.
    assert outcomes[-1].outcome == "read: 19999 rows"


def test_cli_reads_the_xlsx_bombs_within_the_format_ceilings(tmp_path: Path) -> None:
    """Without upload limits (the CLI) a worksheet's own size still bounds the grid."""
    with pytest.raises(DataLimitError, match="cells"):
        read_table(bombs.xlsx_far_cell(tmp_path / "far.xlsx"))


def test_styled_empty_cells_far_away_do_not_count(tmp_path: Path) -> None:
    rows = [
        b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>H1</t></is></c></row>',
        b'<row r="900000"><c r="XFD900000" s="1"/></row>',
    ]
    path = bombs.workbook(tmp_path / "styled.xlsx", rows)

    frame = read_table(path, limits=UPLOAD)

    assert frame["msme_id"].tolist() == ["H1"]


def test_csv_blank_lines_past_the_limit_are_trailing_not_rows(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("msme_id\nH1\nH2\n" + "\n" * 1000)

    assert read_table(path, limits=ReadLimits(max_rows=2))["msme_id"].tolist() == ["H1", "H2"]

    path.write_text("msme_id\nH1\nH2\n" + "\n" * 1000 + "H3\n")
    with pytest.raises(DataLimitError, match="at least 3 data rows"):
        read_table(path, limits=ReadLimits(max_rows=2))


def test_parquet_within_the_row_limit_is_read(tmp_path: Path) -> None:
    path = bombs.parquet_rows(tmp_path / "small.parquet", rows=5)

    assert len(read_table(path, limits=ReadLimits(max_rows=5))) == 5
    with pytest.raises(DataLimitError, match="5 data rows; at most 4"):
        read_table(path, limits=ReadLimits(max_rows=4))


@pytest.mark.parametrize(
    ("name", "build"),
    [("entities.xlsx", bombs.xlsx_entities), ("struct.parquet", bombs.parquet_struct)],
)
def test_umkm_validate_prints_one_line_for_a_broken_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    build: Callable[[Path], Path],
) -> None:
    code = validate_file_command(build(tmp_path / name))

    printed = capsys.readouterr()
    assert code == 2
    assert printed.out == ""
    assert printed.err.count("\n") == 1
    assert printed.err.startswith("error: ")
    assert "Traceback" not in printed.err


def test_parquet_read_within_upload_limits_is_the_file_as_written(tmp_path: Path) -> None:
    """Reading text as dictionaries to count it changes nothing in what is read: plain, large
    and dictionary text, numbers and nulls come back as an unbounded read gives them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = 70_000  # three row groups
    table = pa.table(
        {
            "msme_id": pa.array([f"M{i}" for i in range(rows)]),
            "business_name": pa.array([None if i % 7 == 0 else "Warung" for i in range(rows)]),
            "address": pa.array(["Jl. Merdeka"] * rows, pa.large_string()),
            "sector": pa.DictionaryArray.from_arrays(
                pa.array([i % 2 for i in range(rows)], pa.int32()), pa.array(["food", "retail"])
            ),
            "owner_age": pa.array(range(rows), pa.int64()),
        }
    )
    path = tmp_path / "plain.parquet"
    pq.write_table(table, path, row_group_size=30_000)

    bounded = read_table(path, limits=ReadLimits.for_upload(rows))

    unbounded = read_table(path)
    assert bounded.equals(unbounded)
    assert bounded.dtypes.to_dict() == unbounded.dtypes.to_dict()
    assert bounded["business_name"].isna().sum() == 10_000
    assert isinstance(bounded["sector"].dtype, pd.CategoricalDtype)
