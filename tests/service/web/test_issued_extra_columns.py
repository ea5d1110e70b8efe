"""A candidates file with the program's own columns (business name, owner's phone, village,
notes) made into a recorded list on the page: reopened (view, export) it shows and exports them
as the fresh list did, in the file's order, formulas neutralised; past what a recorded list keeps,
the file is refused with each problem's row and column."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from data.store.extras import EXTRA_CELL_LENGTH, MAX_EXTRA_COLUMNS
from tests.service.support import AUTH, TestClient
from tests.service.web.conftest import csv_bytes

FORMULA = "=1+2"
OWN = ["nama_usaha", "telepon_pemilik", "desa", "catatan"]
ID_HEADERS = AUTH | {"Accept-Language": "id"}


def _file(candidate_frame: pd.DataFrame, n: int = 40) -> pd.DataFrame:
    """`n` candidates with own columns: the business name second (between contract columns),
    the others last; a formula-like note on every third row, no note on every fifth."""
    frame = candidate_frame.head(n).copy()
    frame.insert(1, "nama_usaha", [f"Warung Ibu {i}" for i in range(n)])
    frame["telepon_pemilik"] = [f"0812-000-{i:04d}" for i in range(n)]
    frame["desa"] = ["Sukamaju" if i % 2 else "Cibodas" for i in range(n)]
    frame["catatan"] = [
        FORMULA if i % 3 == 0 else ("" if i % 5 == 0 else f"kunjungan ke-{i}") for i in range(n)
    ]
    return frame


def _upload(client: TestClient, content: bytes, name: str, path: str = "/v1/lists/upload") -> Any:
    return client.post(
        path,
        files={"file": (name, content)},
        data={"options": json.dumps({"capacity": 8}), "repeat": "true"},
        headers=ID_HEADERS,
    )


def _raw_csv(frame: pd.DataFrame) -> bytes:
    """The frame as a CSV written as anyone may write it (formulas left as they are)."""
    return frame.to_csv(index=False).encode()


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("name", ["kandidat.csv", "kandidat.xlsx"])
def test_a_reopened_list_shows_and_exports_the_files_own_columns_as_the_fresh_one(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path, name: str
) -> None:
    made = _upload(client, csv_bytes(_file(candidate_frame), tmp_path, name), name)
    assert made.status_code == 200, made.text
    fresh = made.json()
    columns = fresh["source"]["columns"]
    assert columns[1] == "nama_usaha" and columns[-3:] == OWN[1:]

    view = client.get(f"/v1/lists/{fresh['list_id']}/view", headers=ID_HEADERS)
    assert view.status_code == 200, view.text
    reopened = view.json()
    assert reopened["source"]["columns"] == columns
    for part in ("selected", "not_selected"):
        fresh_inputs = {item["msme_id"]: item["input"] for item in fresh[part]}
        reopened_inputs = {item["msme_id"]: item["input"] for item in reopened[part]}
        assert reopened_inputs == fresh_inputs, part  # every cell, own and contract, in order
        assert list(next(iter(reopened_inputs.values()))) == columns

    # The exported selected list is the same file, cell for cell; the not-selected one has the
    # same columns and own cells (its reasons are worded in general when reopened).
    for part in ("selected", "not_selected"):
        fresh_file = client.post(
            f"/v1/lists/export?format=csv&part={part}", json=fresh, headers=ID_HEADERS
        )
        reopened_file = client.get(
            f"/v1/lists/{fresh['list_id']}/export?format=csv&part={part}", headers=ID_HEADERS
        )
        assert reopened_file.status_code == 200, reopened_file.text
        before, after = _csv(fresh_file.content), _csv(reopened_file.content)
        assert after[0] == before[0]
        if part == "selected":
            assert after == before
        else:
            own = [before[0].index(column) for column in OWN]
            assert sorted([row[i] for i in own] for row in after[1:]) == sorted(
                [row[i] for i in own] for row in before[1:]
            )


def test_a_formula_in_an_own_column_is_neutralised_in_the_reopened_exports(
    client: TestClient, candidate_frame: pd.DataFrame
) -> None:
    made = _upload(client, _raw_csv(_file(candidate_frame)), "kandidat.csv").json()
    everyone = made["selected"] + made["not_selected"]
    assert sum(item["input"]["catatan"] == FORMULA for item in everyone) == 14  # read as written
    list_id = made["list_id"]
    notes = []
    for part in ("selected", "not_selected"):
        rows = _csv(
            client.get(
                f"/v1/lists/{list_id}/export?format=csv&part={part}", headers=ID_HEADERS
            ).content
        )
        notes += [row[rows[0].index("catatan")] for row in rows[1:]]
    assert notes.count("'" + FORMULA) == 14  # rows 0, 3, ..., 39 of 40
    assert FORMULA not in notes

    workbook = client.get(f"/v1/lists/{list_id}/export?format=xlsx", headers=ID_HEADERS)
    book = load_workbook(io.BytesIO(workbook.content))
    cells = [
        cell
        for sheet in book.worksheets[:2]
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if cell.value == FORMULA
    ]
    assert len(cells) == 14
    assert {cell.data_type for cell in cells} == {"s"}  # text, never a formula


def test_a_text_longer_than_a_recorded_list_keeps_is_refused_by_row_and_column(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    before = client.get("/v1/lists", headers=AUTH).json()["total"]
    frame = _file(candidate_frame, 10)
    frame.loc[3, "catatan"] = "a" * (EXTRA_CELL_LENGTH + 1)  # spreadsheet row 5
    frame.loc[7, "desa"] = "b" * (EXTRA_CELL_LENGTH + 5)  # row 9
    content = csv_bytes(frame, tmp_path)

    refused = _upload(client, content, "kandidat.csv")

    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["error"] == "invalid_file"
    found = {(p["row"], p["column"]) for p in body["problems"]}
    assert found == {(5, "catatan"), (9, "desa")}
    problem = body["problems"][0]
    assert "1.000 karakter" in problem["reason"]
    assert "1.000 karakter" in problem["fix"]
    assert "a" * 50 not in refused.text
    assert client.get("/v1/lists", headers=AUTH).json()["total"] == before

    # The bound is the recorded list's: the same file as an unrecorded list is read as before.
    unrecorded = _upload(client, content, "kandidat.csv", path="/v1/prioritize/upload")
    assert unrecorded.status_code == 200, unrecorded.text


def test_more_own_columns_than_a_recorded_list_keeps_refuse_the_file(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    frame = candidate_frame.head(5).copy()
    for k in range(MAX_EXTRA_COLUMNS + 1):
        frame[f"kolom_{k}"] = k

    refused = _upload(client, csv_bytes(frame, tmp_path), "kandidat.csv")

    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["problems"]
    assert (problem["row"], problem["column"]) == (None, None)
    assert "31 kolom tambahan" in problem["reason"]
    assert "paling banyak 30" in problem["reason"]
    english = client.post(
        "/v1/lists/upload",
        files={"file": ("kandidat.csv", csv_bytes(frame, tmp_path))},
        data={"options": json.dumps({"capacity": 2}), "repeat": "true"},
        headers=AUTH | {"Accept-Language": "en"},
    ).json()
    assert "31 columns of its own" in english["problems"][0]["reason"]
