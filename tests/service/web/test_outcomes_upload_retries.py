"""The page's `POST /v1/outcomes/upload` with an Idempotency-Key (the page sends one per upload and
the same again when it re-sends an upload whose answer never came): the same file for the same
list again gets the first answer, in the first answer's language, and is not applied again, so a
late retry cannot undo a correction recorded since; another file or list with the key is
refused; a refused upload frees its key."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from data.messages import Language
from tests.service.support import AUTH, TestClient
from tests.service.web.conftest import csv_bytes


def issue(client: TestClient, content: bytes) -> dict[str, Any]:
    response = client.post(
        "/v1/lists/upload",
        files={"file": ("kandidat_hasil.csv", content)},
        data={"options": json.dumps({"capacity": 4, "exploration_share": 0}), "repeat": "true"},
        headers=AUTH,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def outcomes_file(
    ids: list[str], digital: list[str], tmp_path: Path, *, days_ahead: int = 0
) -> bytes:
    """An outcomes file in Bahasa (every MSME mentored), dated today plus `days_ahead` (UTC)."""
    day = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days_ahead)
    frame = pd.DataFrame(
        {
            "id_umkm": ids,
            "didampingi": ["ya"] * len(ids),
            "go_digital": digital,
            "tanggal": [f"{day:%d/%m/%Y}"] * len(ids),
        }
    )
    return csv_bytes(frame, tmp_path, "hasil.csv")


def send(
    client: TestClient,
    list_id: str,
    content: bytes,
    key: str | None,
    language: Language = "id",
) -> Any:
    headers = AUTH | {"Accept-Language": language} | ({"Idempotency-Key": key} if key else {})
    return client.post(
        "/v1/outcomes/upload",
        files={"file": ("hasil.csv", content)},
        data={"list_id": list_id},
        headers=headers,
    )


def digitalized(client: TestClient, list_id: str) -> dict[str, bool]:
    page = client.get(
        f"/v1/lists/{list_id}/outcomes", params={"page_size": 100}, headers=AUTH
    ).json()
    return {item["msme_id"]: item["digitalized"] for item in page["items"]}


def test_a_late_retry_is_answered_as_first_and_leaves_a_correction_standing(
    client: TestClient, candidates_csv: bytes, tmp_path: Path
) -> None:
    made = issue(client, candidates_csv)
    ids = [item["msme_id"] for item in made["selected"]]
    original = outcomes_file(ids, ["ya", "tidak", "ya", "tidak"], tmp_path)
    first = send(client, made["list_id"], original, "outcomes-file-1", "id")
    assert first.status_code == 200, first.text
    assert (first.json()["inserted"], first.json()["outcomes"]) == (4, 4)
    assert "idempotent-replayed" not in first.headers

    corrected = outcomes_file(ids, ["ya", "ya", "ya", "tidak"], tmp_path)
    fixed = send(client, made["list_id"], corrected, None)
    assert fixed.json()["updated"] == 1

    # The first upload's answer was lost; the page sends it again with its key, in English now.
    late = send(client, made["list_id"], original, "outcomes-file-1", "en")
    assert late.status_code == 200, late.text
    assert late.headers["idempotent-replayed"] == "true"
    assert late.content == first.content
    assert late.headers["content-language"] == "id"
    assert digitalized(client, made["list_id"])[ids[1]] is True


def test_another_file_or_list_with_the_key_is_refused(
    client: TestClient, candidates_csv: bytes, tmp_path: Path
) -> None:
    made, other = issue(client, candidates_csv), issue(client, candidates_csv)
    ids = [item["msme_id"] for item in made["selected"]]
    content = outcomes_file(ids, ["ya"] * 4, tmp_path)
    assert send(client, made["list_id"], content, "outcomes-file-2").status_code == 200

    other_file = send(client, made["list_id"], content + b"\n", "outcomes-file-2")
    other_list = send(client, other["list_id"], content, "outcomes-file-2")
    for refused in (other_file, other_list):
        assert refused.status_code == 422
        assert refused.json()["error"] == "idempotency_key_reused"
    assert digitalized(client, other["list_id"]) == {}


def test_a_refused_upload_frees_its_key(
    client: TestClient, candidates_csv: bytes, tmp_path: Path
) -> None:
    made = issue(client, candidates_csv)
    ids = [item["msme_id"] for item in made["selected"]]
    wrong = outcomes_file(["bukan-di-daftar", *ids[1:]], ["ya"] * 4, tmp_path)
    refused = send(client, made["list_id"], wrong, "outcomes-file-3")
    assert refused.status_code == 404, refused.text

    right = outcomes_file(ids, ["ya"] * 4, tmp_path)
    recorded = send(client, made["list_id"], right, "outcomes-file-3")
    assert recorded.status_code == 200, recorded.text
    assert "idempotent-replayed" not in recorded.headers
    assert len(digitalized(client, made["list_id"])) == 4
