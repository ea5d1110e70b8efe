"""The program store's refusals: worded in the requester's language, the same codes in each."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from data.messages import Language, render
from data.store.errors import (
    ConflictingOutcomesError,
    InvalidListError,
    InvalidOutcomeDatesError,
    ListNotFoundError,
    OutcomeDateProblem,
    StoreError,
    UnknownIdsError,
)
from service.app import create_app
from service.errors import store_refusal
from service.settings import Settings
from tests.service.support import AUTH

FUTURE = OutcomeDateProblem(
    "L1",
    "M7",
    "observed_on",
    "outcome_date_in_future",
    {"date": "2027-01-05", "latest": "2026-12-07"},
)
EARLY = OutcomeDateProblem(
    "L1",
    "M8",
    "mentored_on",
    "outcome_date_before_list",
    {"date": "2026-01-05", "issued": "2026-03-01", "earliest": "2026-02-28"},
)

STORE_ERRORS = [
    InvalidOutcomeDatesError([FUTURE, EARLY]),
    ListNotFoundError("L1"),
    UnknownIdsError(["L9"], [("L1", "M7")]),
    UnknownIdsError([], [("L1", "M7")]),
    ConflictingOutcomesError([("L1", "M7")]),
    InvalidListError("invalid_list_no_msmes"),
    StoreError("the database is down"),
]


@pytest.mark.parametrize("error", STORE_ERRORS, ids=lambda error: type(error).__name__)
def test_a_refusal_keeps_its_status_and_codes_in_every_language(error: StoreError) -> None:
    english, bahasa = store_refusal(error), store_refusal(error, "id")
    assert (bahasa.status, bahasa.error) == (english.status, english.error)
    assert [(p.field, p.type) for p in bahasa.problems] == [
        (p.field, p.type) for p in english.problems
    ]
    assert bahasa.message != english.message


def test_refusals_are_english_by_default() -> None:
    missing = store_refusal(ListNotFoundError("L1"))
    assert missing.message == "No mentoring list has id L1."
    assert [p.reason for p in missing.problems] == ["no mentoring list with id L1"]
    unknown = store_refusal(UnknownIdsError(["L9"], [("L1", "M7")]))
    assert unknown.message == "2 unknown ids, each named below; no outcome was recorded."
    assert [p.reason for p in unknown.problems] == [
        "no mentoring list L9",
        "MSME M7 is not on list L1",
    ]
    one = store_refusal(UnknownIdsError([], [("L1", "M7")]))
    assert one.message.startswith("1 unknown id, each named below")
    conflict = store_refusal(ConflictingOutcomesError([("L1", "M7")]))
    assert conflict.message.startswith("One request gives two different outcomes")
    assert conflict.problems[0].reason == "two different outcomes for MSME M7 on list L1"
    invalid = store_refusal(InvalidListError("invalid_list_no_msmes"))
    assert invalid.message == "The list cannot be recorded."
    assert invalid.problems[0].reason == "list not recorded: a list needs at least one MSME"
    assert [p.type for p in invalid.problems] == ["invalid_list"]
    assert store_refusal(StoreError("down")).message.startswith("The program store cannot be used")


def test_refusals_speak_bahasa_for_id() -> None:
    missing = store_refusal(ListNotFoundError("L1"), "id")
    assert missing.message == "Tidak ada daftar pendampingan dengan id L1."
    assert [p.reason for p in missing.problems] == ["tidak ada daftar pendampingan dengan id L1"]
    unknown = store_refusal(UnknownIdsError(["L9"], [("L1", "M7")]), "id")
    assert unknown.message.startswith("2 id tidak dikenal")
    assert [p.reason for p in unknown.problems] == [
        "tidak ada daftar pendampingan L9",
        "UMKM M7 tidak ada di daftar L1",
    ]
    conflict = store_refusal(ConflictingOutcomesError([("L1", "M7")]), "id")
    assert conflict.message.startswith("Satu permintaan memberi dua hasil berbeda")
    assert conflict.problems[0].reason == "dua hasil berbeda untuk UMKM M7 di daftar L1"
    invalid = store_refusal(InvalidListError("invalid_list_msmes_twice", msme_ids=["M7"]), "id")
    assert invalid.message == "Daftar tidak dapat dicatat."
    assert [(p.type, p.reason) for p in invalid.problems] == [
        ("invalid_list", "daftar tidak dicatat: UMKM tercantum dua kali (1): M7")
    ]
    assert store_refusal(StoreError("down"), "id").message.startswith("Penyimpanan program")


def test_a_refusal_of_dates_names_each_date_by_field_and_says_why() -> None:
    error = InvalidOutcomeDatesError([FUTURE, EARLY])
    assert "M7 (list L1) observed_on: 5 January 2027 is in the future" in str(error)
    by_msme = store_refusal(error)
    assert (by_msme.status, by_msme.error) == (422, "invalid_outcome_dates")
    assert by_msme.message == "2 dates cannot be right, each named below; no outcome was recorded."
    assert [(p.field, p.type) for p in by_msme.problems] == [
        ("observed_on", "outcome_date_in_future"),
        ("mentored_on", "outcome_date_before_list"),
    ]
    assert by_msme.problems[1].reason == (
        "MSME M8 on list L1: 5 January 2026 is before the list was issued on 1 March 2026 (the "
        "earliest date accepted is 28 February 2026)"
    )
    by_index = store_refusal(error, "id", positions={("L1", "M7"): 4, ("L1", "M8"): 0})
    assert [p.field for p in by_index.problems] == [
        "outcomes.4.observed_on",
        "outcomes.0.mentored_on",
    ]
    assert by_index.message.startswith("2 tanggal tidak mungkin benar")
    assert by_index.problems[0].reason.startswith(
        "UMKM M7 di daftar L1: 5 Januari 2027 ada di masa depan"
    )
    assert store_refusal(InvalidOutcomeDatesError([FUTURE])).message.startswith(
        "1 date cannot be right, named below"
    )


def test_a_program_store_that_cannot_be_used_answers_503_in_the_callers_language(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    """The store's tables gone under a running service (a store being restored, a wrong file):
    every program route answers 503 `store_unavailable` with Retry-After, not a 500."""
    database = tmp_path / "umkm.db"
    settings = make_settings(database_url=f"sqlite:///{database}")
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/lists", headers=AUTH).status_code == 200
        with sqlite3.connect(database) as connection:
            connection.executescript(
                "PRAGMA foreign_keys = OFF;"
                "DROP TABLE outcome_history; DROP TABLE outcomes; DROP TABLE listed_msmes;"
                "DROP TABLE issued_lists;"
            )
        some_list = "11111111-1111-4111-8111-111111111111"
        asked: tuple[tuple[str, str, Language], ...] = (
            ("GET", "/v1/lists", "id"),
            ("GET", f"/v1/lists/{some_list}", "en"),
            ("GET", f"/v1/lists/{some_list}/view", "id"),
        )
        for method, path, language in asked:
            answer = client.request(method, path, headers=AUTH | {"Accept-Language": language})
            assert answer.status_code == 503, (path, answer.text)
            assert answer.json()["error"] == "store_unavailable"
            assert answer.json()["message"] == render("refusal_store_unavailable", {}, language)
            assert answer.headers["retry-after"] == "30"
            assert answer.headers["content-language"] == language
