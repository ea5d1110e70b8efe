"""POST /v1/prioritize/upload: a CSV/XLSX file in, the /v1/prioritize list out (plus what a person
needs to read it); bad files refused whole, every problem named by row and column."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook

from data.contract import GENDERS
from service.app import create_app
from service.settings import Settings
from tests.service.support import AUTH, TestClient
from tests.service.web.conftest import csv_bytes

UPLOAD = "/v1/prioritize/upload"


def _upload(
    client: TestClient,
    content: bytes,
    options: dict[str, Any] | str,
    *,
    filename: str = "kandidat.csv",
    headers: dict[str, str] | None = None,
) -> Any:
    data = {"options": options if isinstance(options, str) else json.dumps(options)}
    return client.post(
        UPLOAD,
        files={"file": (filename, content)},
        data=data,
        headers=AUTH | (headers or {}),
    )


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_upload_gives_the_list_prioritize_gives_with_display_fields(
    client: TestClient, candidates_csv: bytes, profiles: list[dict[str, Any]]
) -> None:
    from data.reference import province_name_by_code

    options = {"capacity": 40, "quotas": {"35": 3, "33": 3}}
    uploaded = _ok(_upload(client, candidates_csv, options))
    direct = client.post("/v1/prioritize", json={"msmes": profiles, **options}, headers=AUTH)
    assert direct.status_code == 200, direct.text
    expected = direct.json()

    assert [r["msme_id"] for r in uploaded["selected"]] == [
        r["msme_id"] for r in expected["selected"]
    ]
    assert uploaded["total_expected_gain"] == pytest.approx(expected["total_expected_gain"])
    assert uploaded["random_expected_gain"] == pytest.approx(expected["random_expected_gain"])
    assert {r["msme_id"]: r["reason_code"] for r in uploaded["not_selected"]} == {
        r["msme_id"]: r["reason_code"] for r in expected["not_selected"]
    }
    source = {"filename": "kandidat.csv", "format": "csv", "rows": len(profiles)}
    assert {name: uploaded["source"][name] for name in source} == source
    # What reading found, for the page to state (issue 12: the result says what was detected).
    assert uploaded["source"]["header_row"] == 1 and uploaded["source"]["delimiter"] == ","

    row_of = {p["msme_id"]: index + 2 for index, p in enumerate(profiles)}
    names = province_name_by_code()
    for item in uploaded["selected"]:
        assert item["row"] == row_of[item["msme_id"]]
        assert item["province_name"] == names[item["province_code"]]
        assert 1 <= len(item["reasons"]) <= 3
        assert all("pendampingan" in reason["text"] for reason in item["reasons"])
    for item in uploaded["not_selected"]:
        assert item["row"] == row_of[item["msme_id"]] and item["reason"]
    by_province = {s["value"]: s["slots"] for s in uploaded["summary"]["by_province"]}
    assert by_province["35"] <= 3 and by_province["33"] <= 3
    assert sum(s["slots"] for s in uploaded["summary"]["by_owner_gender"]) == 40
    assert sum(s["count"] for s in uploaded["summary"]["segments"]) == 40
    reasons = {r["reason_code"]: r["count"] for r in uploaded["summary"]["not_selected_reasons"]}
    assert sum(reasons.values()) == len(profiles) - 40


def test_reasons_and_messages_follow_accept_language(
    client: TestClient, candidates_csv: bytes
) -> None:
    response = _upload(client, candidates_csv, {"capacity": 5}, headers={"Accept-Language": "en"})
    body = _ok(response)
    assert response.headers["Content-Language"] == "en"
    assert body["language"] == "en"
    assert all("mentoring" in r["text"] for item in body["selected"] for r in item["reasons"])
    assert body["binding_constraints"][0]["message"].startswith("Capacity: all 5 slots")


def test_xlsx_upload_gives_the_same_list_as_csv(
    client: TestClient, candidate_frame: pd.DataFrame, candidates_csv: bytes, tmp_path: Path
) -> None:
    workbook = csv_bytes(candidate_frame, tmp_path, "kandidat.xlsx")
    from_xlsx = _ok(_upload(client, workbook, {"capacity": 25}, filename="kandidat.xlsx"))
    from_csv = _ok(_upload(client, candidates_csv, {"capacity": 25}))
    assert from_xlsx["source"]["format"] == "xlsx"
    assert [r["msme_id"] for r in from_xlsx["selected"]] == [
        r["msme_id"] for r in from_csv["selected"]
    ]


def test_invalid_rows_refuse_the_whole_file_listing_every_problem_without_values(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    broken = candidate_frame.head(30).astype(object).copy()
    broken.loc[1, "owner_age"] = 130  # spreadsheet row 3
    broken.loc[3, "sector"] = "bakery"  # row 5
    broken.loc[4, "workers"] = "dua"  # row 6
    broken.at[7, "msme_id"] = str(broken.at[6, "msme_id"])  # rows 8 and 9
    response = _upload(client, csv_bytes(broken, tmp_path), {"capacity": 5})

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_file"
    where = [(p["row"], p["column"]) for p in body["problems"]]
    assert where == [
        (3, "owner_age"),
        (5, "sector"),
        (6, "workers"),
        (8, "msme_id"),
        (9, "msme_id"),
    ]
    assert all(p["reason"] and p["fix"] for p in body["problems"])
    assert body["problems"][0]["field"] == "file.rows.3.owner_age"
    assert "15 dan 100" in body["problems"][0]["fix"]
    assert "5 masalah pada 5 dari 30 baris" in body["message"]
    for value in ("130", "bakery", "dua"):
        assert value not in response.text


def test_a_workbook_with_na_error_cells_is_refused_naming_the_error_not_a_missing_value(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    """A VLOOKUP that found nothing (#N/A error cells) in a required and an optional column:
    each cell's problem names the code and says to correct the formula; nothing else is echoed."""
    frame = candidate_frame.head(6).astype(object)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(frame.columns))
    for position, record in enumerate(frame.to_dict("records")):
        cells = [None if pd.isna(value) else value for value in record.values()]
        if position == 1:  # spreadsheet row 3
            cells[list(frame.columns).index("owner_age")] = "#N/A"  # an error cell
        if position == 3:  # row 5
            cells[list(frame.columns).index("monthly_revenue_idr")] = "#N/A"
        sheet.append(cells)
    path = tmp_path / "kandidat.xlsx"
    workbook.save(path)

    response = _upload(client, path.read_bytes(), {"capacity": 2}, filename="kandidat.xlsx")

    assert response.status_code == 422, response.text
    problems = response.json()["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [
        (3, "owner_age"),
        (5, "monthly_revenue_idr"),
    ]
    assert all("galat lembar kerja #N/A" in p["reason"] for p in problems)
    assert all(p["fix"].startswith("Perbaiki rumus") for p in problems)
    assert str(frame.at[1, "msme_id"]) not in response.text


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("laporan.pdf", b"%PDF-1.4", (415, "not_a_spreadsheet", "bukan CSV atau Excel")),
        ("kandidat.xlsx", b"not a zip", (422, "unreadable_file", "bukan CSV atau Excel")),
        ("kandidat.csv", b"", (422, "unreadable_file", "tidak berisi baris data")),
    ],
)
def test_files_that_are_not_readable_tables_get_a_message_naming_the_file(
    client: TestClient, name: str, content: bytes, expected: tuple[int, str, str]
) -> None:
    status, error, words = expected
    response = _upload(client, content, {"capacity": 5}, filename=name)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert name in body["message"] and words in body["message"]


def test_missing_and_duplicate_columns_are_file_level_problems(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    frame = candidate_frame.head(10).drop(columns=["internet_access"])
    frame.insert(1, "sector ", frame["sector"])  # the header is trimmed: "sector" twice
    response = _upload(
        client, csv_bytes(frame, tmp_path), {"capacity": 5}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    problems = {p["column"]: p for p in response.json()["problems"]}
    assert problems["internet_access"]["row"] is None
    assert "Add a column" in problems["internet_access"]["fix"]
    assert problems["sector"]["row"] is None
    assert "Remove or rename" in problems["sector"]["fix"]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ("{not json", "options"),
        ({"capacity": 0}, "options.capacity"),
        ({"capacity": 5, "quotas": {"99": 3}}, "options.quotas.99.[key]"),
        ({"capacity": 5, "budget": 1000}, "options"),
        (
            {"capacity": 5, "min_share": [{"column": "sector", "value": "x", "share": 0.5}]},
            "options.min_share.0",
        ),
        ({"capacity": 5, "surprise": True}, "options.surprise"),
    ],
)
def test_invalid_options_are_refused_with_their_field(
    client: TestClient, candidates_csv: bytes, options: dict[str, Any] | str, field: str
) -> None:
    response = _upload(client, candidates_csv, options)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_options"
    assert field in [p["field"] for p in body["problems"]]


def test_option_errors_are_worded_in_the_page_language_per_field(
    client: TestClient, candidates_csv: bytes
) -> None:
    options = {
        "capacity": 5,
        "min_share": [{"column": "owner_gender", "value": "female", "share": 2}],
    }
    bahasa = _upload(client, candidates_csv, options, headers={"Accept-Language": "id"}).json()
    english = _upload(client, candidates_csv, options, headers={"Accept-Language": "en"}).json()

    assert bahasa["error"] == "invalid_options"
    reasons = {p["field"]: p["reason"] for p in bahasa["problems"]}
    assert "melebihi batas atas 1" in reasons["options.min_share.0.share"]
    assert "less than" not in bahasa["message"]
    assert "above the maximum 1" in english["message"]


@pytest.mark.parametrize(
    ("language", "words"),
    [("id", "anggaran membutuhkan kolom biaya"), ("en", "a budget needs the cost column")],
)
def test_a_budget_without_a_cost_column_says_what_is_missing(
    client: TestClient, candidates_csv: bytes, language: str, words: str
) -> None:
    """Not "options: – is not valid": the rule in words, naming the field to fill."""
    options = {"capacity": 5, "budget": 10_000_000}
    answer = _upload(client, candidates_csv, options, headers={"Accept-Language": language})
    assert answer.status_code == 422
    reasons = [problem["reason"] for problem in answer.json()["problems"]]
    assert len(reasons) == 1 and reasons[0].startswith(words), reasons


def test_cost_column_and_budget_bound_the_list(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    frame = candidate_frame.head(200).copy()
    frame["biaya"] = [1_000_000 + 10_000 * i for i in range(len(frame))]
    options = {"capacity": 30, "cost_column": "biaya", "budget": 40_000_000}
    body = _ok(_upload(client, csv_bytes(frame, tmp_path), options))
    assert 34_350_000 <= body["total_cost"] <= 40_000_000
    assert body["total_cost"] == pytest.approx(sum(r["cost"] for r in body["selected"]))

    frame.loc[4, "biaya"] = -5  # row 6
    response = _upload(client, csv_bytes(frame, tmp_path), options)
    assert response.status_code == 422
    assert [(p["row"], p["column"]) for p in response.json()["problems"]] == [(6, "biaya")]

    # A cost column the file lacks is a mistake of the settings: the name typed, the file's own.
    response = _upload(client, csv_bytes(frame.drop(columns="biaya"), tmp_path), options)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_options"
    [problem] = body["problems"]
    assert problem["field"] == "options.cost_column" and problem["row"] is problem["column"] is None
    assert '"biaya"' in problem["reason"] and '"owner_age"' in problem["reason"]
    assert "Kolom biaya di berkas" in problem["fix"]


@pytest.mark.parametrize(
    ("language", "words", "fix"),
    [
        ("en", "the cost cell holds the spreadsheet error #N/A", "Correct the formula"),
        ("id", "sel biaya berisi galat lembar kerja #N/A", "Perbaiki rumus"),
    ],
)
def test_a_failed_formula_in_the_cost_column_is_named_as_such(  # noqa: PLR0917
    client: TestClient,
    candidate_frame: pd.DataFrame,
    tmp_path: Path,
    language: str,
    words: str,
    fix: str,
) -> None:
    """Not "the cost must be a number above 0": a #N/A is a lookup that failed."""
    frame = candidate_frame.head(20).copy()
    frame["biaya"] = ["1500000"] * 3 + ["#N/A"] + ["1500000"] * 16  # row 5
    options = {"capacity": 5, "cost_column": "biaya"}
    response = _upload(
        client, csv_bytes(frame, tmp_path), options, headers={"Accept-Language": language}
    )

    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert (problem["row"], problem["column"]) == (5, "biaya")
    assert problem["reason"].startswith(words) and problem["fix"].startswith(fix)


def test_constraints_that_cannot_hold_are_named(client: TestClient, candidates_csv: bytes) -> None:
    options = {
        "capacity": 40,
        "min_share": [{"column": "province_code", "value": "94", "share": 0.9}],
    }
    response = _upload(client, candidates_csv, options)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "infeasible_constraints"
    assert body["problems"] and all(p["fix"] for p in body["problems"])


@pytest.mark.parametrize(
    ("language", "column"), [("id", "jenis kelamin pemilik"), ("en", "owner gender")]
)
def test_shares_that_cannot_hold_name_the_column_as_the_page_does(
    client: TestClient, candidates_csv: bytes, language: str, column: str
) -> None:
    """Not `owner_gender` inside a Bahasa sentence; the field is the option at fault."""
    shares = [{"column": "owner_gender", "value": value, "share": 0.6} for value in GENDERS]
    options = {"capacity": 10, "min_share": shares}
    answer = _upload(client, candidates_csv, options, headers={"Accept-Language": language})
    assert answer.status_code == 422
    [problem] = answer.json()["problems"]
    assert problem["field"] == "options.min_share"
    assert column in problem["reason"] and "owner_gender" not in problem["reason"]


def test_upload_needs_an_api_key(client: TestClient, candidates_csv: bytes) -> None:
    response = client.post(
        UPLOAD, files={"file": ("k.csv", candidates_csv)}, data={"options": '{"capacity": 5}'}
    )
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_files_over_the_row_limit_are_refused(
    make_settings: Callable[..., Settings], candidates_csv: bytes
) -> None:
    with TestClient(create_app(make_settings(max_prioritize_msmes=50))) as small:
        response = _upload(small, candidates_csv, {"capacity": 5})
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "too_many_rows"
    assert "50" in body["message"]


def test_a_file_of_already_digital_msmes_gives_an_empty_list_that_says_why(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    frame = candidate_frame.head(12).assign(digital_status="digital")
    body = _ok(_upload(client, csv_bytes(frame, tmp_path), {"capacity": 5}))
    assert body["filled"] == 0 and body["selected"] == []
    assert (
        body["shortfall_note"]
        == "Tidak ada UMKM yang memenuhi syarat untuk 5 slot: semua slot tetap kosong."
    )
    assert {r["reason_code"] for r in body["not_selected"]} == {"already_digital"}
    assert all(r["reason"].startswith("Sudah digital") for r in body["not_selected"])

    export = client.post("/v1/lists/export", json=body, headers=AUTH)
    assert export.status_code == 200
