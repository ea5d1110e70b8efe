"""POST /v1/lists with the program's own columns (`extra`: business name, phone, notes): kept with
the list, given back by GET /v1/lists/{id} and by the page's view and export of the recorded
list, never scored; past their bounds the list is refused before anyone is scored."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from data.store.extras import EXTRA_CELL_LENGTH, MAX_EXTRA_COLUMNS
from tests.service.support import AUTH, TestClient

FORMULA = '=HYPERLINK("http://example.com","klik")'
OWN = ["business_name", "owner_phone", "notes", "employees_on_paper", "village"]


def _msmes(profiles: list[dict[str, Any]], n: int = 30) -> list[dict[str, Any]]:
    """`n` candidates with own columns; the formula-like note on the first, a village on the
    sixth only (a column first seen late), no note on the last."""
    msmes = []
    for index, profile in enumerate(profiles[:n]):
        extra: dict[str, Any] = {
            "business_name": f"Warung Ibu {index}",
            "owner_phone": f"0812-000-{index:04d}",
            "notes": FORMULA if index == 0 else (None if index == n - 1 else f"kunjungan {index}"),
            "employees_on_paper": index,
        }
        if index == 5:
            extra["village"] = "Sukamaju"
        msmes.append(profile | {"extra": extra})
    return msmes


def _post(client: TestClient, msmes: list[dict[str, Any]], **options: Any) -> Any:
    body = {"msmes": msmes, "capacity": 6, "exploration_seed": 11} | options
    return client.post("/v1/lists", json=body, headers=AUTH | {"Accept-Language": "en"})


def _csv_rows(content: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.lstrip("\ufeff"))))


@pytest.fixture(scope="module")
def issued(client: TestClient, profiles: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    msmes = _msmes(profiles)
    response = _post(client, msmes)
    assert response.status_code == 201, response.text
    return response.json()["list_id"], msmes


def test_own_columns_come_back_with_every_candidate(
    client: TestClient, issued: tuple[str, list[dict[str, Any]]]
) -> None:
    list_id, msmes = issued
    detail = client.get(f"/v1/lists/{list_id}", headers=AUTH).json()

    assert detail["extra_columns"] == OWN
    by_id = {member["msme_id"]: member for member in detail["members"]}
    assert {member["selected"] for member in detail["members"]} == {True, False}
    for sent in msmes:
        member = by_id[sent["msme_id"]]
        assert member["extra"] == sent["extra"], sent["msme_id"]
        assert "business_name" not in member["profile"]  # beside the profile, not in it


def test_the_page_view_of_an_api_list_shows_them_after_the_profile(
    client: TestClient, issued: tuple[str, list[dict[str, Any]]]
) -> None:
    list_id, msmes = issued
    view = client.get(f"/v1/lists/{list_id}/view", headers=AUTH).json()

    columns = view["source"]["columns"]
    assert columns[0] == "msme_id"
    assert columns[-5:] == OWN
    sent = {msme["msme_id"]: msme["extra"] for msme in msmes}
    for item in view["selected"] + view["not_selected"]:
        assert list(item["input"]) == columns
        extra = sent[item["msme_id"]]
        assert item["input"]["business_name"] == extra["business_name"]
        assert item["input"]["village"] == extra.get("village")


def test_the_export_carries_them_and_neutralises_a_formula(
    client: TestClient, issued: tuple[str, list[dict[str, Any]]]
) -> None:
    list_id, msmes = issued
    first = msmes[0]["msme_id"]
    rows = []
    for part in ("selected", "not_selected"):
        exported = client.get(
            f"/v1/lists/{list_id}/export?format=csv&part={part}",
            headers=AUTH | {"Accept-Language": "en"},
        )
        assert exported.status_code == 200, exported.text
        rows += _csv_rows(exported.text)
    assert len(rows) == len(msmes)
    by_id = {row["MSME ID"]: row for row in rows}
    assert by_id[first]["notes"] == "'" + FORMULA  # as the fresh exports write it
    assert by_id[msmes[5]["msme_id"]]["village"] == "Sukamaju"
    assert by_id[msmes[3]["msme_id"]]["owner_phone"] == "0812-000-0003"
    assert by_id[msmes[3]["msme_id"]]["employees_on_paper"] == "3"

    workbook = client.get(f"/v1/lists/{list_id}/export?format=xlsx", headers=AUTH)
    book = load_workbook(io.BytesIO(workbook.content))
    found = [
        cell
        for sheet in book.worksheets[:2]
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == FORMULA
    ]
    assert len(found) == 1
    assert found[0].data_type == "s"  # a text cell, never a formula


def test_a_text_past_the_bound_is_refused_by_field(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    msmes = _msmes(profiles, 5)
    msmes[2]["extra"]["notes"] = "a" * (EXTRA_CELL_LENGTH + 1)
    refused = _post(client, msmes)
    assert refused.status_code == 422
    fields = {problem["field"] for problem in refused.json()["problems"]}
    assert "msmes.2.extra.notes" in fields
    assert "a" * 50 not in refused.text  # the text is never echoed


def test_an_own_column_that_is_no_cell_is_one_problem(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    msmes = _msmes(profiles, 5)
    msmes[1]["extra"]["notes"] = {"nested": "value"}
    msmes[3]["extra"]["village"] = ["Sukamaju", "Sukajadi"]
    refused = _post(client, msmes)
    assert refused.status_code == 422
    problems = [(problem["field"], problem["reason"]) for problem in refused.json()["problems"]]
    assert problems == [
        (
            "msmes.1.extra.notes",
            "msmes[1].extra.notes must be text, a number, true/false or null (one cell)",
        ),
        (
            "msmes.3.extra.village",
            "msmes[3].extra.village must be text, a number, true/false or null (one cell)",
        ),
    ]


def test_more_own_columns_than_a_list_keeps_are_refused_before_scoring(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    before = client.get("/v1/lists", headers=AUTH).json()["total"]
    msmes = _msmes(profiles, 5)
    # Each MSME stays within the bound; together they have more columns than a list keeps.
    for index, msme in enumerate(msmes):
        msme["extra"] |= {f"kolom_{index}_{k}": k for k in range(MAX_EXTRA_COLUMNS // 2)}
    refused = _post(client, msmes)
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["error"] == "invalid_list"
    [problem] = body["problems"]
    assert problem["type"] == "invalid_list"
    assert f"at most {MAX_EXTRA_COLUMNS}" in problem["reason"]
    assert client.get("/v1/lists", headers=AUTH).json()["total"] == before  # nothing recorded

    in_bahasa = client.post(
        "/v1/lists",
        json={"msmes": msmes, "capacity": 6},
        headers=AUTH | {"Accept-Language": "id"},
    ).json()
    assert "paling banyak 30" in in_bahasa["problems"][0]["reason"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({f"k{k}": k for k in range(MAX_EXTRA_COLUMNS + 1)}, "msmes.0.extra"),
        ({"": "kosong"}, "msmes.0.extra"),
        ({"x": float("inf")}, "msmes.0.extra.x"),
    ],
)
def test_one_msmes_own_columns_past_the_bound_are_refused_by_field(
    client: TestClient, profiles: list[dict[str, Any]], extra: dict[str, Any], field: str
) -> None:
    body = {"msmes": [profiles[0] | {"extra": extra}], "capacity": 1}
    refused = client.post(
        "/v1/lists",
        content=json.dumps(body),  # Infinity as some clients write it
        headers=AUTH | {"Content-Type": "application/json"},
    )
    assert refused.status_code == 422, refused.text
    assert any(problem["field"].startswith(field) for problem in refused.json()["problems"])


def test_an_own_column_named_as_a_profile_field_is_refused(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    msmes = _msmes(profiles, 3)
    msmes[1]["extra"]["province_code"] = "11"
    refused = _post(client, msmes)
    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["problems"]
    # Refused by the request's schema, which says so (schemathesis found the store refusing a
    # name the document allowed), at the MSME and column it came from.
    assert problem["field"].startswith("msmes.1.extra.province_code")
    assert "profile field" in problem["reason"], problem
    in_bahasa = client.post(
        "/v1/lists",
        json={"msmes": msmes, "capacity": 3},
        headers=AUTH | {"Accept-Language": "id"},
    ).json()
    assert "nama kolom profil" in in_bahasa["problems"][0]["reason"]


def test_the_document_says_which_own_column_names_are_refused(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    names = schema["ListMsme"]["properties"]["extra"]["anyOf"][0]["propertyNames"]
    profile_names, control = names["not"]["anyOf"]
    assert {"province_code", "area_type", "cost", "msme_id"} <= set(profile_names["enum"])
    assert re.search(control["pattern"], "nama\tusaha") and not re.search(
        control["pattern"], "nama usaha"
    )
