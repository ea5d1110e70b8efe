"""A ".csv" holding a PDF, a workbook or other binary content is refused as not a CSV file
(`file_not_csv`), not read as Windows-1252 text into a file with no data rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.io import DataFileError, read_table_info
from data.numbers import CANONICAL


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"%PDF-1.4\n\x00\x01\x02binary\xff\xfe", "a PDF document"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "a PDF document"),
        (b"PK\x03\x04\x14\x00\x00\x00", "a zip archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
        (b"\xff\xfem\x00s\x00m\x00e\x00_\x00i\x00d\x00\n\x00", "NUL bytes"),  # UTF-16
    ],
)
def test_binary_content_named_csv_is_not_a_csv_file(
    tmp_path: Path, content: bytes, said: str
) -> None:
    path = tmp_path / "laporan_as.csv"
    path.write_bytes(content)

    with pytest.raises(DataFileError) as raised:
        read_table_info(path)

    assert raised.value.code == "file_not_csv"
    assert said in str(raised.value) and str(raised.value).startswith(str(path))


def test_text_that_merely_mentions_pdf_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_bytes(b"msme_id,note\nU1,%PDF in a cell\n")

    read = read_table_info(path)

    assert read.frame["note"].tolist() == ["%PDF in a cell"]
    assert read.info.number_format == CANONICAL
