"""A workbook's zip read within bounds whatever its parts are named: the sheets openpyxl opens
are the sheets scanned, every other part is capped, the archive's entries are counted before
zipfile builds them, and a row numbered `inf` is a file error, not a crash."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

import data.xlsx
from data.cli import validate_file_command
from data.io import DataFileError, DataLimitError, ReadLimits, read_table
from data.limits import XLSX_MAX_PART_BYTES, XLSX_MAX_PARTS
from tests.data import bombs

SMALL = ReadLimits(max_rows=10, max_columns=10, max_cells=100)
UPLOAD = ReadLimits.for_upload(bombs.UPLOAD_ROWS)
DATA_ROW = b'<row r="2"><c r="A2" t="inlineStr"><is><t>H1</t></is></c></row>'
WORKBOOK_PARTS = 6  # bombs.workbook's: content types, two relationships, workbook, strings, sheet


@pytest.fixture
def openpyxl_never_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    """The file must be refused before openpyxl opens it (it parses a sheet without
    `<dimension>` through to size it, and other parts whole)."""

    def opened(*args: Any, **kwargs: Any) -> None:
        pytest.fail("openpyxl opened a workbook that the checks should have refused")

    monkeypatch.setattr(data.xlsx, "load_workbook", opened)


# ------------------------------------------------------------------------------ sheets by name


@pytest.mark.parametrize(
    "sheet_part",
    [
        "xl/sheet1.dat",  # outside xl/worksheets/
        "xl/worksheets/sheet1.bin",  # not .xml
        "sheet1.xml",  # at the package's root
        "xl/media/image1.png",  # named as a picture
    ],
)
@pytest.mark.usefixtures("openpyxl_never_opens")
def test_a_sheet_is_scanned_whatever_its_part_is_named(tmp_path: Path, sheet_part: str) -> None:
    """The rows are counted in the part the workbook's relationships name, and refused
    before openpyxl reads them (the audit's 180 KB file held 120 MB of `<row/>` there)."""
    path = bombs.xlsx_renamed_sheet_rows(tmp_path / "rows.xlsx", 1_000, sheet_part)

    with pytest.raises(DataLimitError) as refused:
        read_table(path, limits=SMALL)

    assert refused.value.code == "too_many_rows"
    assert "at most 10 are read" in str(refused.value)


@pytest.mark.parametrize("sheet_part", ["xl/sheet1.dat", "xl/worksheets/sheet1.bin"])
def test_a_sheet_named_otherwise_is_read(tmp_path: Path, sheet_part: str) -> None:
    path = bombs.workbook(tmp_path / "ok.xlsx", [_header(), DATA_ROW], sheet_part=sheet_part)

    assert read_table(path, limits=SMALL)["msme_id"].tolist() == ["H1"]


def test_a_workbook_part_named_otherwise_is_read(tmp_path: Path) -> None:
    path = bombs.workbook(tmp_path / "ok.xlsx", [_header(), DATA_ROW], workbook_part="xl/book.bin")

    assert read_table(path, limits=SMALL)["msme_id"].tolist() == ["H1"]


def test_a_sheet_opened_but_not_scanned_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the sheets found ever differ from those openpyxl opens, the sheet is refused,
    not read as empty."""
    path = bombs.workbook(tmp_path / "ok.xlsx", [_header(), DATA_ROW])
    monkeypatch.setattr(data.xlsx, "_streamed_parts", lambda *_: ("xl/sharedStrings.xml", []))

    with pytest.raises(DataFileError) as refused:
        read_table(path, limits=SMALL)

    assert refused.value.code == "file_not_workbook"
    assert "xl/worksheets/sheet1.xml" in str(refused.value)
    assert "not checked" in str(refused.value)


# ------------------------------------------------------------------------------ other parts


@pytest.mark.usefixtures("openpyxl_never_opens")
def test_a_large_workbook_part_is_refused_whatever_its_name(tmp_path: Path) -> None:
    """The workbook part is the one the content types name, `.bin` or not."""
    path = bombs.xlsx_large_workbook_part(
        tmp_path / "book.xlsx", XLSX_MAX_PART_BYTES + 1, "xl/book.bin"
    )

    with pytest.raises(DataLimitError) as refused:
        read_table(path, limits=UPLOAD)

    assert refused.value.code == "unzipped_too_large"
    assert refused.value.limit == XLSX_MAX_PART_BYTES
    assert "xl/book.bin" in str(refused.value)


@pytest.mark.parametrize(
    "name",
    [
        "xl/worksheets/_rels/sheet1.xml.rels",  # a sheet's relationships, parsed whole
        "xl/worksheets/sheet2.xml",  # under xl/worksheets/ but no sheet of the workbook
        "xl/media/image1.png",
        "docProps/custom.dat",
    ],
)
@pytest.mark.usefixtures("openpyxl_never_opens")
def test_every_part_not_scanned_is_capped(tmp_path: Path, name: str) -> None:
    path = bombs.xlsx_large_part(tmp_path / "part.xlsx", name, XLSX_MAX_PART_BYTES)

    with pytest.raises(DataLimitError) as refused:
        read_table(path, limits=UPLOAD)

    assert refused.value.code == "unzipped_too_large"
    assert name in str(refused.value)


# ------------------------------------------------------------------------------ row numbers


@pytest.mark.parametrize("reference", ["inf", "1e400", "-inf", "nan", "-1", "2.5", "1e3", "x", ""])
def test_a_row_number_that_is_not_one_is_a_file_error(tmp_path: Path, reference: str) -> None:
    path = bombs.xlsx_row_number(tmp_path / "row.xlsx", reference)

    with pytest.raises(DataFileError) as refused:
        read_table(path, limits=UPLOAD)

    assert type(refused.value) is DataFileError
    assert refused.value.code == "file_not_workbook"
    assert f"the row after row 1 is numbered {reference!r}" in str(refused.value)


@pytest.mark.parametrize("reference", ["2", "2.0", " 2 ", "02"])
def test_row_numbers_as_writers_put_them_are_read(tmp_path: Path, reference: str) -> None:
    path = bombs.xlsx_row_number(tmp_path / "row.xlsx", reference)

    assert read_table(path, limits=UPLOAD)["msme_id"].tolist() == ["H1"]


@pytest.mark.parametrize("reference", ["inf", "1e400"])
def test_umkm_validate_prints_one_line_for_an_infinite_row_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reference: str
) -> None:
    code = validate_file_command(bombs.xlsx_row_number(tmp_path / "row.xlsx", reference))

    printed = capsys.readouterr()
    assert code == 2
    assert printed.err.count("\n") == 1
    assert "Traceback" not in printed.err
    assert reference in printed.err


# ------------------------------------------------------------------------------ zip entries


@pytest.mark.usefixtures("openpyxl_never_opens")
def test_too_many_zip_entries_are_refused(tmp_path: Path) -> None:
    path = bombs.xlsx_many_parts(tmp_path / "parts.xlsx", XLSX_MAX_PARTS)
    entries = XLSX_MAX_PARTS + WORKBOOK_PARTS

    with pytest.raises(DataFileError) as refused:
        read_table(path, limits=UPLOAD)

    assert refused.value.code == "file_too_many_parts"
    assert refused.value.params == {"found": entries, "limit": XLSX_MAX_PARTS}  # as declared
    assert "more than 10,000 files" in str(refused.value)


@pytest.mark.usefixtures("openpyxl_never_opens")
def test_zip_entries_are_counted_in_the_directory_not_taken_as_declared(tmp_path: Path) -> None:
    """zipfile reads every entry of the directory whatever the end record declares, so a
    record declaring 6 does not let 10,006 through."""
    path = bombs.xlsx_many_parts(tmp_path / "parts.xlsx", XLSX_MAX_PARTS)
    _declare_entries(path, WORKBOOK_PARTS)
    with zipfile.ZipFile(path) as archive:  # zipfile still reads them all
        assert len(archive.infolist()) == XLSX_MAX_PARTS + WORKBOOK_PARTS

    with pytest.raises(DataFileError) as refused:
        read_table(path, limits=UPLOAD)

    assert refused.value.code == "file_too_many_parts"
    assert refused.value.params["found"] == XLSX_MAX_PARTS + 1  # counting stopped there


@pytest.mark.usefixtures("openpyxl_never_opens")
def test_the_zip64_end_record_is_read_too(tmp_path: Path) -> None:
    path = bombs.workbook(tmp_path / "zip64.xlsx", [_header(), DATA_ROW])
    _as_zip64(path, declared=700_000)

    with pytest.raises(DataFileError) as refused:
        read_table(path, limits=UPLOAD)

    assert refused.value.code == "file_too_many_parts"
    assert refused.value.params["found"] == 700_000


def test_a_zip64_workbook_or_one_with_a_comment_is_read(tmp_path: Path) -> None:
    zip64 = bombs.workbook(tmp_path / "zip64.xlsx", [_header(), DATA_ROW])
    _as_zip64(zip64, declared=5)
    commented = bombs.workbook(tmp_path / "comment.xlsx", [_header(), DATA_ROW])
    with zipfile.ZipFile(commented, "a") as archive:
        archive.comment = b"a comment after the end record " * 100

    for path in (zip64, commented):
        assert read_table(path, limits=SMALL)["msme_id"].tolist() == ["H1"], path.name


def test_the_many_parts_bomb_is_refused_before_zipfile_reads_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = bombs.xlsx_many_parts(tmp_path / "parts.xlsx", XLSX_MAX_PARTS)

    def built(*args: Any, **kwargs: Any) -> None:
        pytest.fail("zipfile read the directory of an archive with too many entries")

    monkeypatch.setattr(zipfile, "ZipFile", built)
    with pytest.raises(DataFileError, match="more than 10,000 files"):
        data.xlsx.read_xlsx_grid(path, UPLOAD)


# ------------------------------------------------------------------------------ helpers


def _header() -> bytes:
    return b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'


def _end_record(data: bytes) -> int:
    at = data.rfind(b"PK\x05\x06")
    assert at == len(data) - 22, "the archive has no comment"
    return at


def _declare_entries(path: Path, entries: int) -> None:
    """The end record's entry counts set to `entries`, the directory left as it is."""
    data = bytearray(path.read_bytes())
    at = _end_record(bytes(data))
    struct.pack_into("<2H", data, at + 8, entries, entries)
    path.write_bytes(bytes(data))


def _as_zip64(path: Path, declared: int) -> None:
    """The archive rewritten with a zip64 end record and locator declaring `declared` entries,
    the plain end record's fields saying "see zip64"."""
    data = path.read_bytes()
    at = _end_record(data)
    _, _, _, _, _, size, offset, _ = struct.unpack("<4s4H2LH", data[at : at + 22])
    record64 = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, declared, declared, size, offset
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, at, 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    path.write_bytes(data[:at] + record64 + locator + end)
