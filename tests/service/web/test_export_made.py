"""A download says when its list was made as a program manager reads it, in the list's language:
`10 Januari 2026 pukul 15.04 WIB`, `10 January 2026, 15:04 WIB` (the month by its name, as every
other date the service shows); file names keep their sortable stamp."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from data.messages import WIB, Language, format_time
from service.web.export_summary import made_text
from service.web.i18n import message
from tests.service.support import AUTH, TestClient

MADE = dt.datetime(2026, 1, 10, 15, 4, 59, tzinfo=WIB)
SHOWN: dict[Language, str] = {
    "id": "10 Januari 2026 pukul 15.04 WIB",
    "en": "10 January 2026, 15:04 WIB",
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_made_line_reads_in_the_lists_language(language: Language) -> None:
    assert made_text(MADE, language) == SHOWN[language]
    # The store's UTC time is stated in WIB; a naive time is taken as WIB already.
    assert made_text(MADE.astimezone(dt.UTC), language) == SHOWN[language]
    assert made_text(MADE.replace(tzinfo=None), language) == SHOWN[language]
    morning = dt.datetime(2026, 3, 1, 7, 5, tzinfo=WIB)
    expected = {"id": "1 Maret 2026 pukul 07.05 WIB", "en": "1 March 2026, 07:05 WIB"}
    assert made_text(morning, language) == expected[language]


def test_a_time_of_day_reads_with_each_languages_separator() -> None:
    assert format_time(dt.time(15, 4), "id") == "15.04"
    assert format_time(dt.time(15, 4), "en") == "15:04"
    assert format_time(dt.datetime(2026, 1, 10, 0, 0), "id") == "00.00"


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_downloads_summary_says_when_it_was_made_in_its_language(
    client: TestClient,
    candidates_csv: bytes,
    language: Language,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uploaded = client.post(
        "/v1/prioritize/upload",
        files={"file": ("kandidat.csv", candidates_csv)},
        data={"options": json.dumps({"capacity": 10}), "repeat": "true"},
        headers=AUTH | {"Accept-Language": language},
    )
    assert uploaded.status_code == 200, uploaded.text
    body = uploaded.json()
    assert body["language"] == language and body["issued_at"] is None  # a preview: made now
    monkeypatch.setattr("service.web.exports.now", lambda: MADE)
    exported = client.post("/v1/lists/export", params={"format": "xlsx"}, json=body, headers=AUTH)
    assert exported.status_code == 200, exported.text[:500]
    book = load_workbook(io.BytesIO(exported.content))
    summary = book[message(language, "sheet.summary")]
    made = {row[0].value: row[1] for row in summary.iter_rows()}[message(language, "export.made")]
    assert made.value == SHOWN[language] and made.data_type == "s"
    assert "-2026-01-10-1504" in exported.headers["content-disposition"]
