"""The page's `POST /v1/lists/upload` with an Idempotency-Key (the page sends one per upload and
the same again when it re-sends an upload whose answer never came): the same file and options
again answer the recorded list, reopened, instead of recording another; another file with the
key is refused; a refused upload frees its key."""

from __future__ import annotations

import json
from typing import Any

from tests.service.support import AUTH, TestClient

OPTIONS = {"capacity": 5, "exploration_seed": 11}


def send(
    client: TestClient, content: bytes, key: str | None, options: dict[str, Any] = OPTIONS
) -> Any:
    headers = AUTH | ({"Idempotency-Key": key} if key else {})
    return client.post(
        "/v1/lists/upload",
        files={"file": ("kandidat_ulang.csv", content)},
        data={"options": json.dumps(options), "repeat": "true"},
        headers=headers,
    )


def recorded(client: TestClient) -> list[str]:
    items = client.get("/v1/lists", params={"page_size": 1000}, headers=AUTH).json()["items"]
    return [item["list_id"] for item in items if item["source_file"] == "kandidat_ulang.csv"]


def test_the_same_upload_again_reopens_the_list_it_recorded(
    client: TestClient, candidates_csv: bytes
) -> None:
    before = recorded(client)
    first = send(client, candidates_csv, "page-upload-1")
    again = send(client, candidates_csv, "page-upload-1")

    assert first.status_code == again.status_code == 200, again.text
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    fresh, reopened = first.json(), again.json()
    assert reopened["list_id"] == fresh["list_id"]
    assert [row["msme_id"] for row in reopened["selected"]] == [
        row["msme_id"] for row in fresh["selected"]
    ]
    assert len(reopened["not_selected"]) == len(fresh["not_selected"])
    assert recorded(client) == [fresh["list_id"], *before]


def test_another_file_or_settings_with_the_key_are_refused_and_a_new_key_records(
    client: TestClient, candidates_csv: bytes
) -> None:
    assert send(client, candidates_csv, "page-upload-2").status_code == 200
    before = recorded(client)

    other_settings = send(client, candidates_csv, "page-upload-2", OPTIONS | {"capacity": 4})
    other_file = send(client, candidates_csv + b"\n", "page-upload-2")

    for refused in (other_settings, other_file):
        assert refused.status_code == 422
        assert refused.json()["error"] == "idempotency_key_reused"
    assert recorded(client) == before
    assert send(client, candidates_csv, "page-upload-3").status_code == 200
    assert len(recorded(client)) == len(before) + 1


def test_a_refused_upload_frees_its_key(client: TestClient, candidates_csv: bytes) -> None:
    broken = candidates_csv.replace(b"\n", b"\nxx,", 1)  # a row that cannot be read
    refused = send(client, broken, "page-upload-4")
    assert refused.status_code == 422 and refused.json()["error"] != "idempotency_key_reused"

    fixed = send(client, candidates_csv, "page-upload-4")
    assert fixed.status_code == 200, fixed.text
    assert "idempotent-replayed" not in fixed.headers
