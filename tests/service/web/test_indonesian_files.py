"""Issue 12 on the page's API: Indonesian Excel files, numbers typed the Indonesian way, the
template, grouped problems and their download, and exports a manager can act on."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from data.messages import MONTHS
from tests.service.support import AUTH, TestClient
from tests.service.web.conftest import csv_bytes
from tests.service.web.indonesian_file import (
    COST_COLUMN,
    HEADER_ROW,
    business_name,
    cost,
    indonesian_excel_csv,
    phone,
)

UPLOAD = "/v1/prioritize/upload"
EXPORT = "/v1/lists/export"
CAPACITY = 25


def _upload(
    client: TestClient,
    content: bytes,
    options: dict[str, Any],
    filename: str = "usulan.csv",
    language: str = "id",
) -> Any:
    return client.post(
        UPLOAD,
        files={"file": (filename, content)},
        data={"options": json.dumps(options)},
        headers=AUTH | {"Accept-Language": language},
    )


@pytest.fixture(scope="module")
def indonesian(client: TestClient, candidate_frame: pd.DataFrame) -> dict[str, Any]:
    frame = candidate_frame.head(120)
    content = indonesian_excel_csv(frame)
    options = {"capacity": str(CAPACITY), "cost_column": COST_COLUMN, "budget": "Rp 500.000.000"}
    response = _upload(client, content, options)
    assert response.status_code == 200, response.text[:1000]
    body: dict[str, Any] = response.json()
    return body


def test_an_indonesian_excel_file_gives_the_list_of_the_plain_file(
    client: TestClient, candidate_frame: pd.DataFrame, indonesian: dict[str, Any], tmp_path: Path
) -> None:
    plain = _upload(
        client,
        csv_bytes(candidate_frame.head(120), tmp_path),
        {"capacity": CAPACITY},
        filename="kandidat.csv",
    )
    assert plain.status_code == 200, plain.text[:500]
    expected = [item["msme_id"] for item in plain.json()["selected"]]
    assert [item["msme_id"] for item in indonesian["selected"]] == expected

    source = indonesian["source"]
    assert source["delimiter"] == ";" and source["encoding"] == "cp1252"
    assert (source["decimal"], source["thousands"]) == (",", ".")
    assert source["header_row"] == HEADER_ROW and source["first_data_row"] == HEADER_ROW + 1
    read_as = {item["header"]: item["column"] for item in source["columns_read_as"]}
    assert read_as["jenis kelamin pemilik"] == "owner_gender"
    # Rows are the spreadsheet's: the first MSME is on row 4.
    rows = sorted(item["row"] for item in indonesian["selected"] + indonesian["not_selected"])
    assert rows[0] == HEADER_ROW + 1 and rows[-1] == HEADER_ROW + 120


def test_the_columns_outside_the_contract_travel_with_each_msme(
    indonesian: dict[str, Any], candidate_frame: pd.DataFrame
) -> None:
    position = {msme_id: i + 1 for i, msme_id in enumerate(candidate_frame["msme_id"])}
    for item in indonesian["selected"] + indonesian["not_selected"]:
        i = position[item["msme_id"]]
        assert item["input"]["nama usaha"] == business_name(i)
        assert item["input"]["telepon"] == phone(i)  # the leading 0 kept
        assert item["input"][COST_COLUMN] == cost(i)  # "Rp 2.600.000" read as 2600000
    assert "nama usaha" in indonesian["source"]["columns"]


def test_numbers_typed_the_indonesian_way_are_read_and_echoed(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    content = csv_bytes(candidate_frame.head(60), tmp_path)
    options = {
        "capacity": "1.000",
        "min_share": [{"column": "owner_gender", "value": "female", "share": "40,5%"}],
    }
    response = _upload(client, content, options)
    assert response.status_code == 200, response.text[:1000]
    body = response.json()
    assert body["capacity"] == 1000
    assert body["options"]["min_share"][0]["share"] == pytest.approx(0.405)
    assert body["understood"] == {"capacity": "1.000 slot", "min_share.0": "40,5%"}

    english = _upload(client, content, {"capacity": "1,000"}, language="en")
    assert english.status_code == 422
    problem = english.json()["problems"][0]
    assert problem["field"] == "options.capacity" and "reads two ways" in problem["reason"]


@pytest.mark.parametrize(
    ("text", "kind", "shown"),
    [
        ("1.000", "integer", "1.000 slot"),
        ("Rp 500.000.000", "money", "Rp 500.000.000"),
        ("70,5", "share", "70,5%"),
        ("70,5%", "share", "70,5%"),
    ],
)
def test_the_page_can_show_a_number_as_understood_before_it_runs(
    client: TestClient, text: str, kind: str, shown: str
) -> None:
    answer = client.get("/numbers/understood", params={"text": text, "kind": kind}).json()
    assert answer["ok"] and answer["understood"] == shown


def test_a_number_that_is_not_one_is_said_in_bahasa(client: TestClient) -> None:
    answer = client.get("/numbers/understood", params={"text": "seribu", "kind": "integer"})
    assert answer.json() == {
        "ok": False,
        "code": "number_invalid",
        "problem": '"seribu" bukan angka; tulis mis. 1.000 atau 70,5',
    }


@pytest.mark.parametrize(
    ("language", "problem"),
    [
        ("id", "Jumlah slot pendampingan di bawah batas bawah 1"),
        ("en", "Mentoring slots is below the minimum 1"),
    ],
)
def test_a_number_the_list_would_refuse_is_a_problem_before_it_runs(
    client: TestClient, language: str, problem: str
) -> None:
    """0 slots reads as a number, but the list refuses it: the preview says so, in the
    refusal's words, instead of showing it as understood."""
    asked = {"text": "0", "kind": "integer", "lang": language, "option": "capacity"}
    answer = client.get("/numbers/understood", params=asked).json()
    assert answer == {"ok": False, "code": "option_out_of_bounds", "problem": problem}
    fine = client.get("/numbers/understood", params=asked | {"text": "1.000"}).json()
    assert fine["ok"] and fine["value"] == 1000
    budget = {"text": "0", "kind": "money", "lang": language, "option": "budget"}
    assert not client.get("/numbers/understood", params=budget).json()["ok"]


@pytest.mark.parametrize(("language", "header"), [("id", "ID UMKM"), ("en", "msme_id")])
def test_the_template_is_served_in_either_language(
    client: TestClient, language: str, header: str
) -> None:
    response = client.get("/template.xlsx", params={"lang": language})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.cell(1, 1).value == header
    assert 'href="/template.xlsx?lang=id"' in client.get("/").text


def test_repeated_problems_are_grouped_and_all_of_them_downloadable(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    broken = candidate_frame.head(300).astype(object).copy()
    broken["owner_age"] = 130  # every row
    broken.loc[5, "sector"] = "bakery"
    response = _upload(client, csv_bytes(broken, tmp_path), {"capacity": 5})
    assert response.status_code == 422
    body = response.json()
    groups = [(g["column"], g["count"]) for g in body["groups"]]
    assert groups == [("owner_age", 300), ("sector", 1)]
    assert body["groups"][0]["rows"] == list(range(2, 12))  # the first ten rows
    assert "15 dan 100" in body["groups"][0]["fix"]
    assert len(body["problems"]) == 301

    problems = body["problems"] + [{"row": None, "column": "=cmd", "reason": "+x", "fix": None}]
    sent = {"language": "id", "problems": problems}
    as_csv = client.post("/v1/problems/export", params={"format": "csv"}, json=sent, headers=AUTH)
    assert as_csv.status_code == 200
    assert "masalah-berkas-" in as_csv.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0] == ["Baris", "Kolom", "Masalah", "Cara memperbaiki"]
    assert len(rows) == 1 + 302
    assert rows[-1][1:3] == ["'=cmd", "'+x"]  # formulas neutralised
    as_xlsx = client.post("/v1/problems/export", params={"format": "xlsx"}, json=sent, headers=AUTH)
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    assert sheet.max_row == 1 + 302 and sheet.cell(2, 1).value == 2
    assert client.post("/v1/problems/export", json=sent).status_code == 401


@pytest.mark.parametrize(
    ("language", "named"),
    [
        ("id", ("sektor usaha", '"sektor", "bidang_usaha", "sector"')),
        ("en", ("sector", '"sektor usaha"')),
    ],
)
def test_problems_name_columns_as_the_file_heads_them(
    client: TestClient,
    candidate_frame: pd.DataFrame,
    tmp_path: Path,
    language: str,
    named: tuple[str, str],
) -> None:
    """One name per column in every table and file of problems: the file's own header, and for
    a column it lacks the page language's, with the other headers accepted for it."""
    missing, also = named
    broken = candidate_frame.head(30).astype(object).copy()
    broken.loc[1, "monthly_revenue_idr"] = -5  # row 3
    broken.loc[2, "owner_age"] = 130  # row 4
    headers = {"monthly_revenue_idr": "Omzet bulanan (Rp)", "owner_age": "usia pemilik"}
    broken = broken.rename(columns=headers).drop(columns=["sector"])
    response = _upload(client, csv_bytes(broken, tmp_path), {"capacity": 5}, language=language)
    assert response.status_code == 422
    body = response.json()
    places = [(p["row"], p["column"]) for p in body["problems"]]
    assert places == [(None, missing), (3, "Omzet bulanan (Rp)"), (4, "usia pemilik")]
    assert [g["column"] for g in body["groups"]] == [c for _, c in places]
    fix = body["problems"][0]["fix"]
    assert f'"{missing}"' in fix and also in fix and "persis" not in fix


def test_exports_carry_every_column_numbers_as_numbers_and_a_summary(
    client: TestClient, indonesian: dict[str, Any]
) -> None:
    response = client.post(EXPORT, params={"format": "xlsx"}, json=indonesian, headers=AUTH)
    assert response.status_code == 200, response.text[:500]
    workbook = load_workbook(io.BytesIO(response.content))
    chosen = workbook["Terpilih"]
    header = [cell.value for cell in chosen[1]]
    for name in ("nama usaha", "telepon", "alamat", COST_COLUMN, "Jenis kelamin pemilik"):
        assert name in header
    assert "cost" not in header and "reason_code" not in header
    first = dict(zip(header, list(chosen[2]), strict=True))
    assert str(first["telepon"].value).startswith("0812")
    assert first[COST_COLUMN].data_type == "n" and first[COST_COLUMN].number_format == "#,##0"
    assert first["Omzet bulanan (Rp)"].data_type == "n"
    assert first["Jenis kelamin pemilik"].value in ("Perempuan", "Laki-laki")
    left = workbook["Tidak terpilih"]
    left_header = [cell.value for cell in left[1]]
    assert "Jenis alasan" in left_header and "telepon" in left_header

    summary = {row[0].value: row for row in workbook["Ringkasan"].iter_rows()}
    made = summary["Dibuat"][1].value  # as a manager reads it: 10 Januari 2026 pukul 15.04 WIB
    months = "|".join(MONTHS["id"])
    assert re.fullmatch(rf"\d{{1,2}} ({months}) \d{{4}} pukul \d{{2}}\.\d{{2}} WIB", made), made
    assert "Model" in summary and summary["Jumlah slot"][1].value == CAPACITY
    assert "Anggaran: Rp 500.000.000" in summary  # every limit, binding or not
    assert summary["Jumlah slot: 25"][2].value in ("Ya", "Tidak")
    assert "dipisah titik koma" in summary["Berkas sumber"][2].value

    as_csv = client.post(
        EXPORT, params={"format": "csv", "part": "selected"}, json=indonesian, headers=AUTH
    )
    text = as_csv.content.decode("utf-8-sig")
    assert ".0," not in text and not text.rstrip().endswith(".0")
    table = pd.read_csv(io.StringIO(text), dtype={"telepon": str})
    assert table["telepon"].str.startswith("0812").all()
    assert table[COST_COLUMN].between(2_500_000, 3_200_000).all()


def test_english_exports_translate_headers_and_values(
    client: TestClient, indonesian: dict[str, Any]
) -> None:
    english = indonesian | {"language": "en"}
    response = client.post(
        EXPORT, params={"format": "csv", "part": "not_selected"}, json=english, headers=AUTH
    )
    table = pd.read_csv(io.StringIO(response.content.decode("utf-8-sig")))
    assert {"Kind of reason", "Owner gender", "Monthly revenue (Rp)"} <= set(table.columns)
    assert set(table["Owner gender"]) <= {"Female", "Male"}
    assert "Persuadable" not in set(table["Segment"])
