"""What the page says of a file it cannot take: a PDF or workbook renamed to .csv is not a table
(as a real .pdf is), and a file over the row limit has "more than" the limit, never the count
where reading stopped; the page's messages are plain text, without Markdown."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from data.messages import Language
from service.app import create_app
from service.settings import Settings
from service.web.i18n import catalog
from tests.service.support import AUTH, TestClient
from tests.service.web.conftest import csv_bytes

UPLOAD = "/v1/prioritize/upload"


def _upload(client: TestClient, content: bytes, filename: str, language: str = "id") -> Any:
    return client.post(
        UPLOAD,
        files={"file": (filename, content)},
        data={"options": json.dumps({"capacity": 5})},
        headers=AUTH | {"Accept-Language": language},
    )


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n\x00\x01\x02binary\xff\xfe",  # the audit's laporan_as.csv
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",  # no NUL byte
        b"\xff\xfem\x00s\x00m\x00e\x00_\x00i\x00d\x00\n\x00",  # UTF-16 "Unicode text"
    ],
)
@pytest.mark.parametrize("language", ["id", "en"])
def test_a_binary_file_named_csv_is_not_a_table_as_a_pdf_is(
    client: TestClient, content: bytes, language: str
) -> None:
    as_pdf = _upload(client, content, "laporan.pdf", language).json()["message"]
    as_csv = _upload(client, content, "laporan_as.csv", language)

    assert as_csv.status_code == 422
    assert as_csv.json()["error"] == "unreadable_file"
    assert as_csv.json()["message"] == as_pdf.replace("laporan.pdf", "laporan_as.csv")


def test_a_workbook_named_csv_is_not_a_table(client: TestClient) -> None:
    response = _upload(client, _zip(), "kandidat.csv")
    assert response.status_code == 422
    assert "bukan CSV atau Excel" in response.json()["message"]


@pytest.mark.parametrize("name", ["kandidat.csv", "kandidat.xlsx"])
def test_a_file_over_the_row_limit_has_more_than_the_limit(
    make_settings: Callable[..., Settings],
    candidate_frame: pd.DataFrame,
    tmp_path: Path,
    name: str,
) -> None:
    content = csv_bytes(candidate_frame.head(80), tmp_path, name)
    with TestClient(create_app(make_settings(max_prioritize_msmes=50))) as small:
        bahasa = _upload(small, content, name)
        english = _upload(small, content, name, "en")

    for response in (bahasa, english):
        assert response.status_code == 413
        assert response.json()["error"] == "too_many_rows"
    assert bahasa.json()["message"].startswith("Berkas berisi lebih dari 50 UMKM")
    assert english.json()["message"].startswith("The file has more than 50 MSMEs")
    for response in (bahasa, english):
        assert "51" not in response.json()["message"]  # where reading stopped
        assert "`" not in response.json()["message"]


@pytest.mark.parametrize("key", ["error.too_large", "error.too_many_rows", "error.body_too_large"])
@pytest.mark.parametrize("language", ["id", "en"])
def test_size_messages_are_plain_text(key: str, language: Language) -> None:
    text = catalog(language)[key]
    assert "`" not in text and '"umkm prioritize"' in text
