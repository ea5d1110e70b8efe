"""Reading and writing contract files: text stays text; files that are not tables fail clearly."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from data.io import DataFileError, read_table, read_table_info
from data.validation import validate_file, validate_frame
from data.writing import write_table
from tests.data.conftest import HISTORY_NAMES, history_rows

HEADER = ",".join(HISTORY_NAMES)
ROW = (
    "H1,11,urban,craft,2.5,2,1500000,41,female,diploma,ya,tidak,1,0,good,offline,true,false,2024-07"
)


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_csv_cells_are_read_as_text_with_empty_kept(tmp_path: Path) -> None:
    path = write_text(tmp_path / "h.csv", f"{HEADER}\n{ROW.replace('1500000', '')}\n")

    frame = read_table(path)

    assert list(frame.columns) == HISTORY_NAMES
    assert all(dtype == np.dtype(object) for dtype in frame.dtypes)
    assert frame.loc[0, "province_code"] == "11"
    assert frame.loc[0, "workers"] == "2"
    assert frame.loc[0, "monthly_revenue_idr"] == ""
    assert frame.loc[0, "has_smartphone"] == "ya"


def test_csv_text_that_pandas_would_coerce_stays_text(tmp_path: Path) -> None:
    path = write_text(tmp_path / "t.csv", "msme_id,province_code,note\n007,011,NA\nH2,12,null\n")

    frame = read_table(path)

    assert frame["msme_id"].tolist() == ["007", "H2"]
    assert frame["province_code"].tolist() == ["011", "12"]
    assert frame["note"].tolist() == ["NA", "null"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "data.txt",
            b"a,b\n1,2\n",
            "unknown file type .txt; use one of .csv, .parquet, .pq, .xlsx",
        ),
        ("data", b"a,b\n1,2\n", "unknown file type (no extension)"),
        ("empty.csv", b"", "file is empty"),
        ("empty.parquet", b"", "file is empty"),
        ("empty.xlsx", b"", "file is empty"),
        ("header.csv", b"msme_id,owner_age\n", "file has a header but no data rows"),
        ("blank.csv", b"\n\n", "file is empty"),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(64), "not an Excel .xlsx workbook"),
        ("junk.parquet", b"PAR1 this is not parquet", "not a readable Parquet file"),
        (
            "neither.csv",  # 0x81 is neither UTF-8 nor Windows-1252 (latin-1 reads as cp1252)
            b"msme_id,owner_gender\nH1,perempuan \x81\n",
            "not UTF-8 text (invalid start byte at byte 34), nor Windows-1252",
        ),
        ("ragged.csv", b"a,b\n1,2\n3,4,5\n", "not a readable CSV file"),
    ],
)
def test_unreadable_files_raise_a_clear_error(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(DataFileError, match=re.escape(message)) as raised:
        read_table(path)

    assert str(raised.value).startswith(str(path))
    assert "\n" not in str(raised.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="file not found"):
        read_table(tmp_path / "nowhere.csv")


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")

    with pytest.raises(DataFileError, match=r"not a readable Excel \.xlsx workbook"):
        read_table(path)


def test_duplicate_header_names_raise_or_are_kept(tmp_path: Path) -> None:
    path = write_text(tmp_path / "dup.csv", "msme_id,sector,sector\nH1,craft,retail_trade\n")

    with pytest.raises(DataFileError, match="duplicate column names in the header: sector"):
        read_table(path)
    kept = read_table(path, duplicate_columns="keep")

    assert list(kept.columns) == ["msme_id", "sector", "sector"]
    assert kept.iloc[0].tolist() == ["H1", "craft", "retail_trade"]


def test_duplicate_names_in_parquet_are_kept_for_validation(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "dup.parquet"
    table = pa.table([pa.array(["H1"]), pa.array(["x"]), pa.array(["y"])], names=["a", "b", "b"])
    pq.write_table(table, path)

    with pytest.raises(DataFileError, match="duplicate column names in the header: b"):
        read_table(path)
    assert list(read_table(path, duplicate_columns="keep").columns) == ["a", "b", "b"]


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    rows = history_rows(3).to_csv(index=False).splitlines()
    text = "\n".join([rows[0], rows[1], "", rows[2], rows[3], "", ""]) + "\n"
    path = write_text(tmp_path / "gaps.csv", text)

    frame = read_table(path)
    result = validate_frame(frame, "history")

    assert len(frame) == 4  # the blank line in the middle is row 3; trailing blanks are not rows
    assert {problem.row for problem in result.problems} == {3}
    assert result.valid.index.tolist() == [2, 4, 5]
    assert result.valid["msme_id"].tolist() == ["H0000001", "H0000002", "H0000003"]


def test_excel_style_csv_bom_and_semicolons(tmp_path: Path) -> None:
    text = history_rows(2).to_csv(index=False, sep=";")
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeff".encode() + text.encode())

    frame = read_table(path)

    assert list(frame.columns) == HISTORY_NAMES
    assert validate_frame(frame, "history").ok


def test_header_names_are_trimmed_and_empty_columns_dropped(tmp_path: Path) -> None:
    path = write_text(tmp_path / "t.csv", " msme_id , owner_age ,,\nH1,40,,\nH2,41,,x\n")

    frame = read_table(path)

    assert list(frame.columns) == ["msme_id", "owner_age", "unnamed_4"]
    assert frame["unnamed_4"].tolist() == ["", "x"]


def test_xlsx_numbers_booleans_and_text_read_as_text(tmp_path: Path) -> None:
    clean = history_rows(2)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HISTORY_NAMES)
    for record in clean.to_dict("records"):
        cells: list[object] = [record[name] for name in HISTORY_NAMES]
        cells[HISTORY_NAMES.index("province_code")] = int(record["province_code"])  # a number
        cells[HISTORY_NAMES.index("workers")] = float(record["workers"])  # 2.0 in Excel
        cells[HISTORY_NAMES.index("has_smartphone")] = record["has_smartphone"] == "true"
        sheet.append(cells)
    path = tmp_path / "book.xlsx"
    book.save(path)

    frame = read_table(path)
    result = validate_file(path)

    assert all(dtype == np.dtype(object) for dtype in frame.dtypes)
    assert frame["province_code"].tolist() == list(clean["province_code"])
    assert frame["workers"].tolist() == list(clean["workers"])
    assert result.ok, [str(problem) for problem in result.problems]
    assert result.valid["has_smartphone"].tolist() == [True, False]
    assert result.valid["province_code"].tolist() == list(clean["province_code"])


def test_write_csv_booleans_as_true_false_and_codes_as_two_digits(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "msme_id": ["H1", "H2"],
            "province_code": np.array([11, 94]),
            "mentored": [True, False],
            "digitalized": pd.array([True, None], dtype="boolean"),
            "monthly_revenue_idr": [1500000.5, np.nan],
        },
        index=pd.Index([7, 9], name="row"),
    )

    path = write_table(frame, tmp_path / "out" / "t.csv")
    lines = path.read_text(encoding="utf-8").splitlines()

    assert lines == [
        "msme_id,province_code,mentored,digitalized,monthly_revenue_idr",
        "H1,11,true,true,1500000.5",
        "H2,94,false,,",
    ]


def test_write_parquet_keeps_province_code_as_text(tmp_path: Path) -> None:
    frame = pd.DataFrame({"msme_id": ["H1"], "province_code": [11]})

    back = read_table(write_table(frame, tmp_path / "t.pq"))

    assert back["province_code"].tolist() == ["11"]


def test_write_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"unknown file type \.json"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.json")


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_a_cover_sheet_gives_way_to_the_first_sheet_with_a_header(tmp_path: Path) -> None:
    """A workbook whose first sheet is a cover (a title, no header row) is read from the first
    sheet that has a header, and says which; `read_table` (header in row 1) keeps the first."""
    clean = history_rows(3)
    table: list[list[object]] = [list(HISTORY_NAMES), *clean[HISTORY_NAMES].to_numpy().tolist()]
    cover: list[list[object]] = [["DAFTAR USULAN UMKM 2026"], ["Dinas Koperasi"]]
    path = _workbook(tmp_path / "book.xlsx", {"Sampul": cover, "Catatan": [], "Data": table})

    read = read_table_info(path)

    assert read.info.sheet == "Data" and read.info.header_row == 1
    assert read.frame["msme_id"].tolist() == clean["msme_id"].tolist()
    assert validate_frame(read.frame, "history", source=read.info).ok
    assert list(read_table(path).columns) != HISTORY_NAMES  # row 1 of the first sheet
    # A first sheet with a header is read, whatever follows it.
    first = _workbook(tmp_path / "first.xlsx", {"Data": table, "Lain": table})
    assert read_table_info(first).info.sheet is None
    # No sheet with a header: the first sheet is read, and validation says the header is missing.
    none = _workbook(tmp_path / "none.xlsx", {"Sampul": cover, "Lain": cover})
    read = read_table_info(none)
    assert read.info.sheet is None
    codes = [
        problem.code for problem in validate_frame(read.frame, "history", source=read.info).problems
    ]
    assert codes[0] == "header_not_found"
