"""The server's repeat guard on `POST /v1/lists/upload`: the same file and settings (the draw's
seed aside) issued again within a day, by anyone, are refused with 409 `list_already_issued`
naming the earlier list, unless `repeat` is true; an Idempotency-Key retry still replays; and
the lists issued carry their settings in a few words."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import update

from data.messages import Language, format_date
from data.store.repository import ProgramStore
from data.store.schema import IssuedList, ListSource
from service.list_settings import settings_summary
from service.web.repeats import canonical_options, issue_digest
from service.web.schemas import UploadOptions
from tests.service.support import AUTH, TestClient

FILENAME = "kandidat_sama.csv"


def send(
    client: TestClient,
    content: bytes,
    options: dict[str, Any],
    *,
    repeat: bool = False,
    key: str | None = None,
    language: Language = "id",
) -> Any:
    headers = AUTH | {"Accept-Language": language} | ({"Idempotency-Key": key} if key else {})
    data = {"options": json.dumps(options)} | ({"repeat": "true"} if repeat else {})
    return client.post(
        "/v1/lists/upload", files={"file": (FILENAME, content)}, data=data, headers=headers
    )


def unique(content: bytes, tag: str) -> bytes:
    """The candidates with an own column naming the test: a file no other test issues (the
    session's store is shared)."""
    lines = content.decode().splitlines()
    marked = [f"{lines[0]},catatan", *(f"{line},{tag}" for line in lines[1:] if line)]
    return ("\n".join(marked) + "\n").encode()


def recorded(client: TestClient) -> list[dict[str, Any]]:
    items = client.get("/v1/lists", params={"page_size": 1000}, headers=AUTH).json()["items"]
    return [item for item in items if item["source_file"] == FILENAME]


def digest(content: bytes, options: dict[str, Any]) -> str:
    chosen = UploadOptions.model_validate(options)
    return issue_digest(hashlib.sha256(content).hexdigest(), chosen)


# ------------------------------------------------------------------------------- the digest


def test_the_digest_ignores_the_seed_and_changes_with_a_byte_or_an_option() -> None:
    content = b"msme_id,province_code\nA-1,31\n"
    first = digest(content, {"capacity": 5, "exploration_seed": 1})

    assert digest(content, {"capacity": 5, "exploration_seed": 2}) == first
    assert digest(content, {"capacity": 5}) == first
    # Defaults filled in: an option sent as its default is the same setting.
    assert digest(content, {"capacity": 5, "exclude_digital": True}) == first
    assert digest(content, {"capacity": 5, "exploration_share": 0.1}) == first
    assert digest(content, {"capacity": 5, "time_limit_seconds": 30}) == first
    assert digest(content.replace(b"31", b"32"), {"capacity": 5}) != first
    assert digest(content + b" ", {"capacity": 5}) != first
    assert digest(content, {"capacity": 6}) != first
    assert digest(content, {"capacity": 5, "exploration_share": 0.2}) != first
    assert len(first) == 64


def test_minimum_shares_compare_in_any_order() -> None:
    shares = [
        {"column": "owner_gender", "value": "female", "share": 0.5},
        {"column": "area_type", "value": "rural", "share": 0.3},
    ]
    forward = UploadOptions.model_validate({"capacity": 9, "min_share": shares})
    backward = UploadOptions.model_validate({"capacity": 9, "min_share": shares[::-1]})
    assert canonical_options(forward) == canonical_options(backward)
    assert "exploration_seed" not in canonical_options(forward)
    assert "time_limit_seconds" not in canonical_options(forward)


# ------------------------------------------------------------------------------- the route


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_repeat_within_a_day_is_refused_naming_the_earlier_list(
    client: TestClient, candidates_csv: bytes, language: Language
) -> None:
    content = unique(candidates_csv, f"within-{language}")
    options = {"capacity": 5, "exploration_seed": 3}
    first = send(client, content, options, language=language)
    assert first.status_code == 200, first.text
    before = recorded(client)
    earlier = next(item for item in before if item["list_id"] == first.json()["list_id"])

    # Another device: no Idempotency-Key in common, another draw.
    again = send(client, content, options | {"exploration_seed": 4}, language=language)

    assert again.status_code == 409, again.text
    body = again.json()
    assert body["error"] == "list_already_issued"
    assert body["issued_before"] == {
        "list_id": earlier["list_id"],
        "list_number": earlier["list_id"][:8],
        "created_at": body["issued_before"]["created_at"],
        "created_by": earlier["created_by"],
    }
    created = dt.datetime.fromisoformat(body["issued_before"]["created_at"])
    assert created == dt.datetime.fromisoformat(earlier["created_at"])
    text = body["message"]
    assert earlier["list_id"][:8] in text
    in_wib = created.astimezone(dt.timezone(dt.timedelta(hours=7)))  # as downloads state it
    assert format_date(in_wib.date(), language) in text
    assert earlier["created_by"] in text
    clock = f"{in_wib.hour:02d}{'.' if language == 'id' else ':'}{in_wib.minute:02d}"
    assert f"{clock} WIB" in text
    assert ("sudah diterbitkan" if language == "id" else "already issued") in text
    assert recorded(client) == before  # nothing recorded


def test_repeat_true_records_a_second_list(client: TestClient, candidates_csv: bytes) -> None:
    content = unique(candidates_csv, "second")
    options = {"capacity": 7}
    assert send(client, content, options).status_code == 200
    assert send(client, content, options).status_code == 409
    before = recorded(client)

    second = send(client, content, options, repeat=True)

    assert second.status_code == 200, second.text
    assert [item["list_id"] for item in recorded(client)] == [
        second.json()["list_id"],
        *(item["list_id"] for item in before),
    ]
    # The second list is itself the latest of its kind: a third is named after it.
    third = send(client, content, options)
    assert third.status_code == 409
    assert third.json()["issued_before"]["list_id"] == second.json()["list_id"]


def test_a_repeat_after_a_day_is_recorded(client: TestClient, candidates_csv: bytes) -> None:
    content = unique(candidates_csv, "after-a-day")
    options = {"capacity": 8}
    first = send(client, content, options)
    assert first.status_code == 200
    store: ProgramStore = client.app.state.program_store  # type: ignore[attr-defined]
    a_day_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=24, minutes=1)
    with store.session() as session:
        session.execute(
            update(IssuedList)
            .where(IssuedList.id == first.json()["list_id"])
            .values(created_at=a_day_ago)
        )
        session.execute(
            update(ListSource)
            .where(ListSource.list_id == first.json()["list_id"])
            .values(issued_at=a_day_ago)
        )

    again = send(client, content, options)

    assert again.status_code == 200, again.text
    assert again.json()["list_id"] != first.json()["list_id"]


def test_a_repeat_recorded_while_this_one_was_built_is_refused_as_it_is_recorded(
    client: TestClient, candidates_csv: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two devices upload the same file at the same moment: both find nothing issued before
    they build the list. The one recorded second is refused in its own transaction, naming the
    first; nothing of it is kept and its Idempotency-Key is free again."""
    content = unique(candidates_csv, "same-moment")
    options = {"capacity": 6}
    first = send(client, content, options, key="same-moment-1")
    assert first.status_code == 200, first.text
    before = recorded(client)
    # This upload checked before the first was recorded: its check found nothing.
    monkeypatch.setattr("service.web.uploads.issued_before", lambda *_, **__: None)

    second = send(client, content, options, key="same-moment-2", language="en")

    assert second.status_code == 409, second.text
    body = second.json()
    assert body["error"] == "list_already_issued"
    assert body["issued_before"]["list_id"] == first.json()["list_id"]
    assert first.json()["list_id"][:8] in body["message"]
    assert "already issued" in body["message"]
    assert recorded(client) == before
    anyway = send(client, content, options, key="same-moment-2", repeat=True)
    assert anyway.status_code == 200, anyway.text
    assert "idempotent-replayed" not in anyway.headers


def test_an_idempotency_key_retry_still_replays(client: TestClient, candidates_csv: bytes) -> None:
    content = unique(candidates_csv, "replay")
    options = {"capacity": 9, "exploration_seed": 5}
    first = send(client, content, options, key="repeat-guard-1")
    assert first.status_code == 200, first.text
    before = recorded(client)

    retried = send(client, content, options, key="repeat-guard-1")
    other_device = send(client, content, options, key="repeat-guard-2")

    assert retried.status_code == 200, retried.text
    assert retried.headers["idempotent-replayed"] == "true"
    assert retried.json()["list_id"] == first.json()["list_id"]
    assert other_device.status_code == 409
    assert recorded(client) == before
    # The refused key is free again: sent with `repeat`, it records.
    anyway = send(client, content, options, key="repeat-guard-2", repeat=True)
    assert anyway.status_code == 200, anyway.text
    assert "idempotent-replayed" not in anyway.headers


def test_post_v1_lists_is_not_guarded(client: TestClient, profiles: list[dict[str, Any]]) -> None:
    """The JSON API for other systems keeps its behaviour: the same body twice, two lists."""
    body = {"msmes": profiles[:5], "capacity": 1}
    first = client.post("/v1/lists", json=body, headers=AUTH)
    second = client.post("/v1/lists", json=body, headers=AUTH)
    assert first.status_code == second.status_code == 201, second.text
    assert first.json()["list_id"] != second.json()["list_id"]


# ------------------------------------------------------------------------------- settings


SETTINGS_OPTIONS = {"capacity": 300, "exploration_share": 0.1, "exclude_digital": True}
SETTINGS_CONSTRAINTS = {
    "quotas": {"31": 40, "32": 60, "33": 10},
    "budget": 50_000_000,
    "min_share": [{"column": "owner_gender", "value": "female", "share": 0.5}],
}


def test_the_settings_summary_in_both_languages() -> None:
    assert settings_summary(SETTINGS_OPTIONS, SETTINGS_CONSTRAINTS, "id") == (
        "300 slot · undian acak 10% · batas 3 provinsi · anggaran Rp 50.000.000 · "
        "porsi minimum perempuan 50%"
    )
    assert settings_summary(SETTINGS_OPTIONS, SETTINGS_CONSTRAINTS, "en") == (
        "300 slots · random draw 10% · limits in 3 provinces · budget Rp 50,000,000 · "
        "at least 50% female"
    )
    plain = {"capacity": 1, "exploration_share": 0.0, "exclude_digital": False}
    assert settings_summary(plain, {"quotas": {"31": 1}}, "en") == (
        "1 slot · no random draw · a limit in 1 province · already-digital MSMEs included"
    )
    assert settings_summary({}, {}, "id") == ""  # nothing recorded, nothing said


def test_the_lists_issued_carry_their_settings(client: TestClient, candidates_csv: bytes) -> None:
    content = unique(candidates_csv, "settings")
    options = {"capacity": 4, "exploration_share": 0.25}
    made = send(client, content, options, repeat=True)
    assert made.status_code == 200, made.text
    list_id = made.json()["list_id"]
    worded = {}
    for language in ("id", "en"):
        page = client.get(
            "/v1/lists", params={"page_size": 1000}, headers=AUTH | {"Accept-Language": language}
        ).json()
        worded[language] = next(i for i in page["items"] if i["list_id"] == list_id)["settings"]
    assert worded == {
        "id": "4 slot · undian acak 25%",
        "en": "4 slots · random draw 25%",
    }
