"""`POST /v1/outcomes/upload` with `dry_run` (the page re-words a refused file so on a language
switch): the file goes through the checks of recording and is refused alike, or answered with
the counts recording would give now, worded in the language asked; nothing is recorded, and an
`Idempotency-Key` sent with a check is neither claimed nor answered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from data.messages import Language
from service.web.i18n import message
from tests.service.support import AUTH, TestClient
from tests.service.web.test_outcomes_upload_retries import issue, outcomes_file


def send(
    client: TestClient,
    list_id: str,
    content: bytes,
    *,
    dry_run: bool,
    language: Language = "id",
    key: str | None = None,
) -> Any:
    headers = AUTH | {"Accept-Language": language} | ({"Idempotency-Key": key} if key else {})
    form = {"list_id": list_id} | ({"dry_run": "true"} if dry_run else {})
    return client.post(
        "/v1/outcomes/upload", files={"file": ("hasil.csv", content)}, data=form, headers=headers
    )


def digitalized(client: TestClient, list_id: str) -> dict[str, bool]:
    page = client.get(
        f"/v1/lists/{list_id}/outcomes", params={"page_size": 100}, headers=AUTH
    ).json()
    return {item["msme_id"]: item["digitalized"] for item in page["items"]}


def counts(body: dict[str, Any]) -> tuple[int, int, int, int]:
    return body["inserted"], body["updated"], body["unchanged"], body["outcomes"]


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_check_answers_what_recording_would_and_records_nothing(
    client: TestClient, candidates_csv: bytes, tmp_path: Path, language: Language
) -> None:
    made = issue(client, candidates_csv)
    list_id = made["list_id"]
    ids = [item["msme_id"] for item in made["selected"]]
    content = outcomes_file(ids, ["ya", "tidak", "ya", "tidak"], tmp_path)

    checked = send(client, list_id, content, dry_run=True, language=language)

    assert checked.status_code == 200, checked.text
    assert checked.headers["content-language"] == language
    body = checked.json()
    assert body["dry_run"] is True
    assert counts(body) == (4, 0, 0, 4)
    assert body["message"] == message(
        language, "outcomes.checked", inserted=4, updated=0, unchanged=0, total=4
    )
    assert digitalized(client, list_id) == {}

    recorded = send(client, list_id, content, dry_run=False, language=language)
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["dry_run"] is False
    assert counts(recorded.json()) == counts(body)
    assert recorded.json()["message"] == message(
        language, "outcomes.done", inserted=4, updated=0, unchanged=0, total=4
    )

    # A correction checked: one would change, and the recorded outcome stays as it was.
    corrected = outcomes_file(ids, ["ya", "ya", "ya", "tidak"], tmp_path)
    again = send(client, list_id, corrected, dry_run=True, language=language)
    assert counts(again.json()) == (0, 1, 3, 4)
    assert digitalized(client, list_id)[ids[1]] is False


def test_the_bahasa_check_says_nothing_was_recorded(
    client: TestClient, candidates_csv: bytes, tmp_path: Path
) -> None:
    made = issue(client, candidates_csv)
    ids = [item["msme_id"] for item in made["selected"]]
    content = outcomes_file(ids, ["ya"] * 4, tmp_path)
    text = send(client, made["list_id"], content, dry_run=True).json()["message"]
    assert (
        text.startswith("Berkas ini lolos semua pemeriksaan") and "Belum ada yang dicatat" in text
    )


def test_a_refused_file_is_refused_alike_when_only_checked(
    client: TestClient, candidates_csv: bytes, tmp_path: Path
) -> None:
    made = issue(client, candidates_csv)
    list_id = made["list_id"]
    ids = [item["msme_id"] for item in made["selected"]]
    refused = {
        "not_on_list": outcomes_file(["BUKAN-DI-DAFTAR", *ids[1:]], ["ya"] * 4, tmp_path),
        "later_than_tomorrow": outcomes_file(ids, ["ya"] * 4, tmp_path, days_ahead=3),
        "not_yes_or_no": outcomes_file(ids, ["mungkin", "ya", "ya", "ya"], tmp_path),
    }
    expected = {
        "not_on_list": (404, "unknown_ids"),
        "later_than_tomorrow": (422, "invalid_outcome_dates"),
        "not_yes_or_no": (422, "invalid_file"),
    }
    for name, content in refused.items():
        for language in ("id", "en"):
            checked = send(client, list_id, content, dry_run=True, language=language)
            recorded = send(client, list_id, content, dry_run=False, language=language)
            assert (checked.status_code, checked.json()["error"]) == expected[name], name
            assert checked.status_code == recorded.status_code, name
            assert checked.json() == recorded.json(), name
            assert checked.json()["problems"], name
    assert digitalized(client, list_id) == {}


def test_a_check_neither_claims_nor_answers_an_idempotency_key(
    client: TestClient, candidates_csv: bytes, tmp_path: Path
) -> None:
    made = issue(client, candidates_csv)
    list_id = made["list_id"]
    ids = [item["msme_id"] for item in made["selected"]]
    content = outcomes_file(ids, ["ya"] * 4, tmp_path)

    checked = send(client, list_id, content, dry_run=True, key="outcomes-check-1")
    assert checked.status_code == 200, checked.text
    assert "idempotent-replayed" not in checked.headers
    assert digitalized(client, list_id) == {}

    recorded = send(client, list_id, content, dry_run=False, key="outcomes-check-1")
    assert recorded.status_code == 200, recorded.text
    assert "idempotent-replayed" not in recorded.headers  # the check claimed nothing
    assert (recorded.json()["dry_run"], recorded.json()["inserted"]) == (False, 4)
    assert len(digitalized(client, list_id)) == 4

    retried = send(client, list_id, content, dry_run=False, key="outcomes-check-1")
    assert retried.headers["idempotent-replayed"] == "true"
    assert retried.content == recorded.content

    # A check with the key of a recorded upload is a check still, not its replay.
    checked_after = send(client, list_id, content, dry_run=True, key="outcomes-check-1")
    assert "idempotent-replayed" not in checked_after.headers
    assert (checked_after.json()["dry_run"], counts(checked_after.json())) == (True, (0, 0, 4, 4))


def test_the_openapi_document_describes_the_check(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/v1/outcomes/upload"]["post"]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    schemas = document["components"]["schemas"]
    form = schemas[body["$ref"].rsplit("/", 1)[-1]]["properties"]
    assert form["dry_run"]["default"] is False
    assert "Idempotency-Key" in form["dry_run"]["description"]
    assert "dry_run" in operation["description"]
    assert "dry_run" in schemas["OutcomesUploadResponse"]["properties"]


WOULD_AND_DID = {
    "en": ("would be recorded", "were recorded"),
    "id": ("akan tetap dicatat", "tetap dicatat"),
}


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_checks_warning_says_the_outcomes_would_be_recorded_not_that_they_were(
    client: TestClient, candidates_csv: bytes, tmp_path: Path, language: Language
) -> None:
    """Outcomes that say mentored for MSMEs the list left out are recorded with a warning; a
    check warns alike, in the conditional: nothing was recorded."""
    would, did = WOULD_AND_DID[language]
    made = issue(client, candidates_csv)
    left_out = [item["msme_id"] for item in made["not_selected"]][:2]
    content = outcomes_file(left_out, ["ya", "tidak"], tmp_path)

    checked = send(client, made["list_id"], content, dry_run=True, language=language).json()
    assert checked["mentored_not_selected"] == 2
    [warning] = checked["warnings"]
    assert would in warning
    assert digitalized(client, made["list_id"]) == {}

    recorded = send(client, made["list_id"], content, dry_run=False, language=language).json()
    [warning] = recorded["warnings"]
    assert did in warning and would not in warning
