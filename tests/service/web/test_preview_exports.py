"""A list not recorded (the page's preview) says so in every file it downloads as: a first column
on every row, the summary's first row, the printed page header and the file name; a recorded
list's files carry none of it."""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from data.messages import Language
from service.web.i18n import message
from tests.service.support import AUTH, TestClient

EXPORT = "/v1/lists/export"
OPTIONS = {"capacity": 12, "exploration_share": 0.1}


def _made(client: TestClient, content: bytes, path: str, language: Language) -> dict[str, Any]:
    response = client.post(
        path,
        files={"file": ("kandidat.csv", content)},
        data={"options": json.dumps(OPTIONS), "repeat": "true"},
        headers=AUTH | {"Accept-Language": language},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def preview(client: TestClient, candidates_csv: bytes) -> dict[str, Any]:
    return _made(client, candidates_csv, "/v1/prioritize/upload", "id")


@pytest.fixture(scope="module")
def issued(client: TestClient, candidates_csv: bytes) -> dict[str, Any]:
    return _made(client, candidates_csv, "/v1/lists/upload", "id")


def _export(client: TestClient, body: dict[str, Any], **params: str) -> Any:
    response = client.post(EXPORT, params=params, json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    return response


def _workbook_texts(content: bytes) -> tuple[dict[str, list[list[Any]]], dict[str, str]]:
    """Each sheet's cells, row by row, and each sheet's printed page header."""
    book = load_workbook(io.BytesIO(content))
    cells = {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book
    }
    headers = {sheet.title: sheet.oddHeader.center.text or "" for sheet in book}
    return cells, headers


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_previews_workbook_is_marked_on_every_sheet(
    client: TestClient, preview: dict[str, Any], language: Language
) -> None:
    mark = message(language, "export.status_preview")
    assert mark == {"id": "PRATINJAU – tidak dicatat", "en": "PREVIEW – not recorded"}[language]
    response = _export(client, preview | {"language": language}, format="xlsx")
    suffix = message(language, "export.filename_preview")
    assert f'-{suffix}.xlsx"' in response.headers["content-disposition"]

    cells, headers = _workbook_texts(response.content)
    chosen, others, summary = cells.values()
    status = message(language, "export.status")
    for rows, count in ((chosen, len(preview["selected"])), (others, len(preview["not_selected"]))):
        assert rows[0][0] == status  # the first column, on every row
        assert [row[0] for row in rows[1:]] == [mark] * count
    assert summary[0][:2] == [status, mark]
    assert "issue" in str(summary[0][2]).lower() or "terbitkan" in str(summary[0][2]).lower()
    assert all(mark in header for header in headers.values()), headers


@pytest.mark.parametrize("style", ["standard", "excel_id"])
@pytest.mark.parametrize("part", ["selected", "not_selected"])
def test_a_previews_csv_is_marked_on_every_row(
    client: TestClient, preview: dict[str, Any], part: str, style: str
) -> None:
    response = _export(client, preview, format="csv", part=part, csv_style=style)
    assert "-pratinjau-" in response.headers["content-disposition"]
    separator = ";" if style == "excel_id" else ","
    table = pd.read_csv(io.BytesIO(response.content), sep=separator, encoding="utf-8-sig")
    assert table.columns[0] == "Status daftar"
    assert set(table["Status daftar"]) == {"PRATINJAU – tidak dicatat"}
    assert len(table) == len(preview[part])


def test_a_recorded_lists_files_carry_no_mark(client: TestClient, issued: dict[str, Any]) -> None:
    languages: tuple[Language, ...] = ("id", "en")
    marks = {message(language, "export.status_preview") for language in languages}
    statuses = {message(language, "export.status") for language in languages}
    list_id = issued["list_id"]
    workbooks = [
        _export(client, issued, format="xlsx"),  # the list just issued, as the page holds it
        client.get(f"/v1/lists/{list_id}/export", headers=AUTH),  # reopened from the records
    ]
    for response in workbooks:
        assert response.status_code == 200, response.text
        assert "pratinjau" not in response.headers["content-disposition"]
        assert list_id[:8] in response.headers["content-disposition"]
        cells, headers = _workbook_texts(response.content)
        texts = {str(value) for rows in cells.values() for row in rows for value in row}
        assert not texts & (marks | statuses)
        assert not any(headers.values())
        # Its number is inside the file too (a renamed file still names its list).
        summary = cells[list(cells)[2]]
        assert summary[0][:2] == [message("id", "export.list_number"), list_id[:8]]
        assert list_id in summary[0][2]
    for part in ("selected", "not_selected"):
        exported = _export(client, issued, format="csv", part=part)
        table = pd.read_csv(io.BytesIO(exported.content), encoding="utf-8-sig")
        assert table.columns[0] == ("Peringkat" if part == "selected" else "ID UMKM")
        assert not set(table.columns) & statuses
