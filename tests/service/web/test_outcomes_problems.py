"""A refused outcomes file answers as a refused candidates file does (the programme managers'
audit): every problem with its spreadsheet row, its column as the file heads it, what is wrong
and how to fix it in the language of Accept-Language; repeated problems grouped; and
`POST /v1/problems/export` writes every one of them as a CSV or XLSX file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from data.messages import Language
from service.web.i18n import message
from tests.service.support import AUTH, TestClient, upload_outcomes
from tests.service.web.conftest import csv_bytes

LISTED = 300  # the list's MSMEs, each named once by the outcomes file
WRONG_YES_NO = list(range(0, 280, 2))  # 140 rows whose `didampingi` is not yes/no
IMPOSSIBLE_DATE = 281  # 31 February
NOT_ON_LIST = 290  # an MSME id the list does not hold
PROBLEMS = len(WRONG_YES_NO) + 2
# The words that say a problem's language: Bahasa reasons speak of a "nilai", English of a "value".
REASON_START = {"id": "nilai", "en": "value"}


@pytest.fixture(scope="module")
def listed(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """A list issued on the page from the session's first LISTED candidates."""
    content = csv_bytes(candidate_frame.head(LISTED), tmp_path_factory.mktemp("outcomes"))
    response = client.post(
        "/v1/lists/upload",
        files={"file": ("kandidat_hasil.csv", content)},
        data={"options": json.dumps({"capacity": 10, "exploration_share": 0}), "repeat": "true"},
        headers=AUTH,
    )
    assert response.status_code == 200, response.text
    made: dict[str, Any] = response.json()
    assert made["candidates"] == LISTED
    return made


def _members(made: dict[str, Any]) -> list[str]:
    """Every MSME on the list, selected or not, in the file's order (by spreadsheet row)."""
    members = [*made["selected"], *made["not_selected"]]
    return [item["msme_id"] for item in sorted(members, key=lambda item: item["row"])]


def _bad_rows(made: dict[str, Any]) -> list[list[str]]:
    """One outcome per MSME of the list, in Bahasa; 142 rows wrong in three ways."""
    today = f"{dt.datetime.now(dt.UTC).date():%d/%m/%Y}"
    rows = [[msme_id, "ya", "tidak", today] for msme_id in _members(made)]
    for index in WRONG_YES_NO:
        rows[index][1] = "mungkin"
    rows[IMPOSSIBLE_DATE][3] = "31/02/2026"
    rows[NOT_ON_LIST][0] = "TIDAK-ADA-DI-DAFTAR"
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id_umkm", "didampingi", "go_digital", "tanggal"])
    writer.writerows(rows)
    return out.getvalue().encode()


def _send(
    client: TestClient, list_id: str, content: bytes, language: Language, name: str = "hasil.csv"
) -> Any:
    return upload_outcomes(client, list_id, content, name, language)


@pytest.fixture(scope="module")
def refused(client: TestClient, listed: dict[str, Any]) -> dict[Language, dict[str, Any]]:
    """The refusal of the same bad file, asked in Bahasa and in English."""
    content = _csv(_bad_rows(listed))
    answers: dict[Language, dict[str, Any]] = {}
    for language in ("id", "en"):
        response = _send(client, listed["list_id"], content, language)
        assert response.status_code == 422, response.text
        assert response.headers["content-language"] == language
        answers[language] = response.json()
    return answers


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_problem_is_named_by_row_column_and_fix_in_the_language_asked(
    refused: dict[Language, dict[str, Any]], language: Language
) -> None:
    body = refused[language]
    assert body["error"] == "invalid_file"
    assert body["message"] == message(
        language, "error.invalid_rows", n=PROBLEMS, rows=PROBLEMS, total=LISTED
    )
    problems = body["problems"]
    assert len(problems) == PROBLEMS
    # Rows as the spreadsheet numbers them (the header is row 1), columns as the file heads them.
    assert [(p["row"], p["column"]) for p in problems] == sorted(
        [(index + 2, "didampingi") for index in WRONG_YES_NO]
        + [(IMPOSSIBLE_DATE + 2, "tanggal"), (NOT_ON_LIST + 2, "id_umkm")]
    )
    for problem in problems:
        assert problem["reason"] and problem["fix"], problem
        assert problem["field"] == f"file.rows.{problem['row']}.{problem['column']}"
    by_column = {p["column"]: p for p in problems}
    yes_no, date, unknown = by_column["didampingi"], by_column["tanggal"], by_column["id_umkm"]
    assert yes_no["reason"].startswith(REASON_START[language]) and "ya/tidak" in yes_no["reason"]
    assert yes_no["fix"] == message(language, "fix.boolean")
    # The language's own yes/no first, then true/false and the others (reason and fix).
    own_first = {"id": ("bebas: ya/tidak, true/false", "Isi salah satu: ya/tidak, true/false")}
    own_first["en"] = ("any case: yes/no, true/false", "Enter one of: yes/no, true/false")
    reason_words, fix_words = own_first[language]
    assert reason_words in yes_no["reason"] and yes_no["fix"].startswith(fix_words), yes_no
    assert date["reason"].startswith(REASON_START[language])
    assert date["fix"] == message(language, "outcomes.fix_date")
    assert unknown["reason"] == message(
        language, "outcomes.not_on_list", msme_id="TIDAK-ADA-DI-DAFTAR"
    )
    assert unknown["fix"] == message(language, "outcomes.not_on_list_fix")


def test_the_two_languages_name_the_same_places_in_their_own_words(
    refused: dict[Language, dict[str, Any]],
) -> None:
    bahasa, english = refused["id"]["problems"], refused["en"]["problems"]
    assert [(p["row"], p["column"]) for p in bahasa] == [(p["row"], p["column"]) for p in english]
    for ours, theirs in zip(bahasa, english, strict=True):
        assert ours["reason"] != theirs["reason"] and ours["fix"] != theirs["fix"]


@pytest.mark.parametrize("language", ["id", "en"])
def test_repeated_problems_are_grouped_with_their_first_rows_and_count(
    refused: dict[Language, dict[str, Any]], language: Language
) -> None:
    body = refused[language]
    groups = body["groups"]
    assert [(g["column"], g["count"]) for g in groups] == [
        ("didampingi", len(WRONG_YES_NO)),
        ("tanggal", 1),
        ("id_umkm", 1),
    ]
    assert groups[0]["rows"] == [index + 2 for index in WRONG_YES_NO[:10]]  # the first ten
    assert (groups[1]["rows"], groups[2]["rows"]) == ([IMPOSSIBLE_DATE + 2], [NOT_ON_LIST + 2])
    first = body["problems"][0]
    assert (groups[0]["reason"], groups[0]["fix"]) == (first["reason"], first["fix"])
    assert sum(group["count"] for group in groups) == len(body["problems"])


# The problem export as the page asks for it in each language: its CSV style, separator, header.
EXPORTED = {
    "id": ("excel_id", ";", ["Baris", "Kolom", "Masalah", "Cara memperbaiki"]),
    "en": ("standard", ",", ["Row", "Column", "Problem", "How to fix"]),
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_problem_export_of_the_answer_holds_every_problem(
    client: TestClient, refused: dict[Language, dict[str, Any]], language: Language
) -> None:
    """What the page sends back to POST /v1/problems/export: every problem, one per line."""
    problems = refused[language]["problems"]
    sent = {
        "language": language,
        "problems": [
            {name: p[name] for name in ("row", "column", "reason", "fix")} for p in problems
        ],
    }
    expected = [[str(p["row"]), p["column"], p["reason"], p["fix"]] for p in problems]
    csv_style, separator, header = EXPORTED[language]

    params = {"format": "csv", "csv_style": csv_style}
    as_csv = client.post("/v1/problems/export", params=params, json=sent, headers=AUTH)
    assert as_csv.status_code == 200, as_csv.text
    lines = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=separator))
    assert lines[0] == header
    assert lines[1:] == expected

    as_xlsx = client.post("/v1/problems/export", params={"format": "xlsx"}, json=sent, headers=AUTH)
    assert as_xlsx.status_code == 200, as_xlsx.text
    assert as_xlsx.headers["content-disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    cells = [[str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == header
    assert cells[1:] == expected


def test_rows_are_numbered_as_the_spreadsheet_numbers_them_below_a_title(
    client: TestClient, listed: dict[str, Any]
) -> None:
    """A workbook with a title and a blank row above its header (on row 3): its first outcome is
    on row 4, and its problems are named from there."""
    rows = _bad_rows(listed)[:5]  # the first, third and fifth with a wrong `didampingi`
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Hasil pendampingan UMKM"])
    sheet.append([])
    sheet.append(["id_umkm", "didampingi", "go_digital", "tanggal"])
    for row in rows:
        sheet.append(row)
    content = io.BytesIO()
    book.save(content)

    response = _send(client, listed["list_id"], content.getvalue(), "en", "hasil.xlsx")
    assert response.status_code == 422, response.text
    body = response.json()
    assert [(p["row"], p["column"]) for p in body["problems"]] == [
        (4, "didampingi"),
        (6, "didampingi"),
        (8, "didampingi"),
    ]
    assert body["groups"][0]["rows"] == [4, 6, 8]


def test_an_id_too_long_for_a_list_is_cut_and_its_problem_still_exports(
    client: TestClient, listed: dict[str, Any]
) -> None:
    """An id no list can hold (a pasted paragraph) is named by its first 64 characters: the
    problem stays within what POST /v1/problems/export takes back."""
    today = dt.datetime.now(dt.UTC).date().isoformat()
    pasted = "X" * 3_000
    response = _send(client, listed["list_id"], _csv([[pasted, "ya", "tidak", today]]), "en")
    assert response.status_code == 404, response.text
    (problem,) = response.json()["problems"]
    assert "X" * 64 + "…" in problem["reason"] and "X" * 65 not in problem["reason"]
    sent = {"language": "en", "problems": [problem]}
    exported = client.post("/v1/problems/export", json=sent, headers=AUTH)
    assert exported.status_code == 200, exported.text


def test_an_unknown_list_is_said_in_a_message_without_problems(client: TestClient) -> None:
    today = dt.datetime.now(dt.UTC).date().isoformat()
    content = _csv([["A-1", "ya", "tidak", today]])
    response = _send(client, "no-such-list", content, "id")
    assert response.status_code == 404, response.text
    body = response.json()
    assert (body["error"], body["message"]) == (
        "list_not_found",
        message("id", "outcomes.list_unknown"),
    )
    assert (body["problems"], body["groups"]) == ([], [])


def test_the_openapi_document_gives_the_refusals_their_rows_fixes_and_groups(
    client: TestClient,
) -> None:
    document = client.get("/openapi.json").json()
    responses = document["paths"]["/v1/outcomes/upload"]["post"]["responses"]
    schemas = document["components"]["schemas"]
    for status in ("404", "422"):
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/UploadErrorResponse"), status
    refusal = schemas["UploadErrorResponse"]["properties"]
    assert {"error", "message", "problems", "groups"} <= set(refusal)
    assert {"row", "column", "reason", "fix"} <= set(schemas["UploadProblem"]["properties"])
    assert "POST /v1/problems/export" in responses["422"]["description"]
    assert "constraints" not in responses["422"]["description"]  # a candidates list's refusal
