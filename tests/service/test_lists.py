"""Issued lists and their outcomes through the API, on the real program store (a SQLite file per
session): recorded, read back, paged, found again after a restart; outcomes idempotent; key
scopes and names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from data.messages import Language, format_date, render
from service.app import create_app
from service.settings import Settings
from tests.service.support import (
    ADMIN,
    ADMIN_KEY,
    API_KEY,
    AUTH,
    OTHER_API_KEY,
    TestClient,
    assert_the_models_reasons,
    day,
)

READ_KEY = "reporting-key-0123456789"
OUTCOMES_KEY = "dinas-outcomes-key-0123456789"
READER = {"X-API-Key": READ_KEY}
RECORDER = {"X-API-Key": OUTCOMES_KEY}
KEYS = (
    API_KEY,
    OTHER_API_KEY,
    f"reporting:read:{READ_KEY}",
    f"dinas-jabar:read+outcomes:{OUTCOMES_KEY}",
)


@pytest.fixture(scope="module")
def keyed_settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(api_keys=KEYS)


@pytest.fixture(scope="module")
def client(keyed_settings: Settings) -> Iterator[TestClient]:
    """The app with keys of every kind: bare, read-only, read and outcomes."""
    with TestClient(create_app(keyed_settings)) as test_client:
        yield test_client


def issue(
    client: TestClient, profiles: list[dict[str, Any]], n: int = 40, **options: Any
) -> dict[str, Any]:
    body = {"msmes": profiles[:n], "capacity": 10, "exploration_seed": 7} | options
    response = client.post("/v1/lists", json=body, headers=AUTH)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    assert response.headers["location"] == f"/v1/lists/{answer['list_id']}"
    return answer


def test_a_list_is_prioritized_recorded_and_read_back(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    body = {"msmes": profiles[:40], "capacity": 10, "exploration_seed": 7}
    plain = client.post("/v1/prioritize", json=body, headers=AUTH).json()
    issued = issue(client, profiles, source_file="kandidat.xlsx")

    # Default share 0.1 of 10 slots: one slot drawn at random, nine as /v1/prioritize ranks them.
    exploration = issued["exploration"]
    assert (exploration["share"], exploration["slots"], exploration["seed"]) == (0.1, 1, 7)
    by = {entry["msme_id"]: entry for entry in issued["selected"]}
    explored = [i for i, entry in by.items() if entry["selected_by"] == "exploration"]
    assert len(explored) == exploration["drawn"] == 1
    assert by[explored[0]]["selection_probability"] == pytest.approx(1 / exploration["pool"])
    model_picks = [i for i, entry in by.items() if entry["selected_by"] == "model"]
    assert all(by[i]["selection_probability"] == 1.0 for i in model_picks)
    assert model_picks == [entry["msme_id"] for entry in plain["selected"][:9]]
    assert issued["filled"] == 10 and issued["model"] == plain["model"]

    stored = client.get(f"/v1/lists/{issued['list_id']}", headers=AUTH)
    assert stored.status_code == 200
    detail = stored.json()
    assert detail["created_by"] == "api-key-1"  # the bare key's name, never the key
    assert API_KEY not in stored.text
    assert detail["source_file"] == "kandidat.xlsx"
    assert detail["exploration_share"] == 0.1
    assert detail["options"]["exploration_seed"] == 7 and detail["options"]["capacity"] == 10
    assert (detail["candidates"], detail["selected"]) == (40, 10)
    assert detail["outcomes"]["outcomes"] == 0
    members = {member["msme_id"]: member for member in detail["members"]}
    assert len(members) == 40
    for msme_id, entry in by.items():
        member = members[msme_id]
        assert member["selected"] and member["rank"] == entry["rank"]
        assert member["selected_by"] == entry["selected_by"]
        assert member["selection_probability"] == entry["selection_probability"]
        assert member["uplift"] == pytest.approx(entry["expected_gain"])
        assert member["profile"]["province_code"] == entry["province_code"]
    # The pool's others had the draw's chance; each is told why the model passed it by, against
    # the model's last pick, as the rest left off are (with chance 0).
    left_out = [m for m in members.values() if not m["selected"]]
    pool = [m for m in left_out if m["selection_probability"] == exploration["probability"]]
    assert len(pool) == exploration["pool"] - 1
    others = [m for m in left_out if m["selection_probability"] != exploration["probability"]]
    assert all(m["selection_probability"] == 0.0 for m in others)
    cutoff = min(by[i]["expected_gain"] for i in model_picks)
    assert_the_models_reasons(((m["reason_code"], m["uplift"]) for m in left_out), cutoff)


def test_a_listed_profile_reads_back_with_every_field_null_where_it_was_null(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    sent = [dict(profiles[0], monthly_revenue_idr=None), *profiles[1:5]]
    issued = issue(client, sent)
    detail = client.get(f"/v1/lists/{issued['list_id']}", headers=AUTH).json()
    members = {member["msme_id"]: member for member in detail["members"]}
    first = members[str(sent[0]["msme_id"])]["profile"]
    assert "monthly_revenue_idr" in first and first["monthly_revenue_idr"] is None
    assert first["cost"] is None  # no budget: no cost sent
    assert all(
        set(member["profile"]) == set(first) for member in members.values()
    )  # one shape for every member
    assert first["province_code"] == sent[0]["province_code"]


def test_share_zero_is_recorded_and_gives_the_prioritize_list(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    plain = client.post(
        "/v1/prioritize", json={"msmes": profiles[:30], "capacity": 8}, headers=AUTH
    ).json()
    issued = issue(client, profiles, n=30, capacity=8, exploration_share=0)
    assert [e["msme_id"] for e in issued["selected"]] == [e["msme_id"] for e in plain["selected"]]
    assert {e["selected_by"] for e in issued["selected"]} == {"model"}
    assert issued["exploration"]["slots"] == 0
    detail = client.get(f"/v1/lists/{issued['list_id']}", headers=AUTH).json()
    assert detail["exploration_share"] == 0.0


def test_lists_are_paged_newest_first(client: TestClient, profiles: list[dict[str, Any]]) -> None:
    ids = [issue(client, profiles, n=12, capacity=3)["list_id"] for _ in range(3)]
    first = client.get("/v1/lists", params={"page": 1, "page_size": 2}, headers=READER)
    assert first.status_code == 200
    page = first.json()
    assert (page["page"], page["page_size"], len(page["items"])) == (1, 2, 2)
    assert [item["list_id"] for item in page["items"]] == ids[::-1][:2]
    assert page["items"][0]["candidates"] == 12 and page["items"][0]["selected"] == 3
    second = client.get("/v1/lists", params={"page": 2, "page_size": 2}, headers=READER).json()
    assert second["items"][0]["list_id"] == ids[0]
    assert second["total"] == page["total"] >= 3
    beyond = client.get("/v1/lists", params={"page": 10_000}, headers=READER).json()
    assert beyond["items"] == [] and beyond["total"] == page["total"]
    refused = client.get("/v1/lists", params={"page_size": 0}, headers=READER)
    assert refused.status_code == 422


def test_an_unknown_list_is_a_404_naming_it(client: TestClient) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    response = client.get(f"/v1/lists/{unknown}", headers=AUTH)
    assert response.status_code == 404
    assert response.json()["error"] == "list_not_found"
    assert unknown in response.json()["message"]


@pytest.mark.parametrize(
    ("language", "message", "reason"),
    [
        (
            "id",
            "Tidak ada daftar pendampingan dengan id {}.",
            "tidak ada daftar pendampingan dengan id {}",
        ),
        ("en", "No mentoring list has id {}.", "no mentoring list with id {}"),
        (None, "Tidak ada daftar pendampingan dengan id {}.", None),  # the default: Bahasa
    ],
)
def test_an_unknown_list_is_refused_in_the_language_asked(
    client: TestClient, language: str | None, message: str, reason: str | None
) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    headers = READER | ({"Accept-Language": language} if language else {})
    response = client.get(f"/v1/lists/{unknown}", headers=headers)
    assert response.status_code == 404
    answer = response.json()
    assert (answer["error"], answer["message"]) == ("list_not_found", message.format(unknown))
    assert [problem["type"] for problem in answer["problems"]] == ["list_not_found"]
    if reason is not None:
        assert answer["problems"][0]["reason"] == reason.format(unknown)


@pytest.mark.parametrize("language", ["id", "en"])
def test_below_the_cutoff_means_below_the_lowest_model_pick_not_a_random_draw(
    client: TestClient, profiles: list[dict[str, Any]], language: Language
) -> None:
    """Half the slots drawn at random, below the model's picks: an MSME told it ranked below the
    cutoff is told the lowest uplift the model picked, not a drawn MSME's."""
    from collections import Counter

    from data.messages import render

    msmes = profiles[:40]
    busiest = Counter(m["province_code"] for m in msmes).most_common(1)[0][0]
    body = {
        "msmes": msmes,
        "capacity": 10,
        "quotas": {busiest: 0},  # its MSMEs stay out of the draw: ranked, not drawn
        "exploration_share": 0.5,
        "exploration_seed": 5,
    }
    response = client.post("/v1/lists", json=body, headers=AUTH | {"Accept-Language": language})
    assert response.status_code == 201, response.text
    answer = response.json()
    model_cutoff = min(
        e["expected_gain"] for e in answer["selected"] if e["selected_by"] == "model"
    )
    list_cutoff = min(e["expected_gain"] for e in answer["selected"])
    below = [e for e in answer["not_selected"] if e["reason_code"] == "below_rank_cutoff"]
    assert below  # the case is there to word

    for entry in below:
        expected = render(
            "below_rank_cutoff", {"uplift": entry["uplift"], "cutoff": model_cutoff}, language
        )
        stale = render(
            "below_rank_cutoff", {"uplift": entry["uplift"], "cutoff": list_cutoff}, language
        )
        assert entry["reason"] == expected != stale  # a draw sits below the model's picks
        assert entry["uplift"] <= model_cutoff


# ------------------------------------------------------------------------- outcomes


def outcome(list_id: str, msme_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "list_id": list_id,
        "msme_id": msme_id,
        "mentored": True,
        "digitalized": False,
        "mentored_on": day(),
        "observed_on": day(),
        "verified_by": "field_visit",
    } | fields


def summary(received: int, inserted: int, updated: int, unchanged: int) -> dict[str, Any]:
    """An answer of POST /v1/outcomes with nothing to warn of."""
    counts = {"received": received, "inserted": inserted, "updated": updated}
    return counts | {"unchanged": unchanged, "mentored_not_selected": 0, "warnings": []}


def test_outcomes_posted_twice_are_stored_once(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles, n=20, capacity=5)
    listed = [entry["msme_id"] for entry in issued["selected"]]
    batch = {"outcomes": [outcome(issued["list_id"], msme_id) for msme_id in listed[:3]]}

    first = client.post("/v1/outcomes", json=batch, headers=RECORDER)
    second = client.post("/v1/outcomes", json=batch, headers=RECORDER)

    assert first.status_code == second.status_code == 200
    assert first.json() == summary(received=3, inserted=3, updated=0, unchanged=0)
    assert second.json() == summary(received=3, inserted=0, updated=0, unchanged=3)
    counts = client.get(f"/v1/lists/{issued['list_id']}", headers=AUTH).json()["outcomes"]
    assert counts == {"outcomes": 3, "outcomes_selected": 3, "mentored": 3, "digitalized": 0}
    store = client.app.state.program_store  # type: ignore[attr-defined]
    stored = store.get_outcomes(issued["list_id"])
    assert {row.recorded_by for row in stored} == {"dinas-jabar"}  # the key's name


def test_outcomes_take_the_contracts_boolean_spellings_as_profiles_do(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    """`ya`/`tidak` (any case) and `1`/`0` as text, as in `has_smartphone` and in files."""
    issued = issue(client, profiles, n=20, capacity=5)
    first, second = [entry["msme_id"] for entry in issued["selected"]][:2]
    batch = {
        "outcomes": [
            outcome(issued["list_id"], first, mentored="Ya", digitalized="tidak"),
            outcome(issued["list_id"], second, mentored="1", digitalized="YA"),
        ]
    }
    answer = client.post("/v1/outcomes", json=batch, headers=RECORDER)
    assert answer.status_code == 200, answer.text
    counts = client.get(f"/v1/lists/{issued['list_id']}", headers=AUTH).json()["outcomes"]
    assert counts == {"outcomes": 2, "outcomes_selected": 2, "mentored": 2, "digitalized": 1}


def test_a_changed_outcome_is_an_update_with_its_history_kept(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles, n=20, capacity=5)
    list_id, msme_id = issued["list_id"], issued["selected"][0]["msme_id"]
    client.post("/v1/outcomes", json={"outcomes": [outcome(list_id, msme_id)]}, headers=AUTH)

    changed = outcome(list_id, msme_id, digitalized=True, observed_on=day(1))
    answer = client.post("/v1/outcomes", json={"outcomes": [changed]}, headers=RECORDER)

    assert answer.json() == summary(received=1, inserted=0, updated=1, unchanged=0)
    store = client.app.state.program_store  # type: ignore[attr-defined]
    (current,) = store.get_outcomes(list_id)
    assert current.digitalized and current.recorded_by == "dinas-jabar"
    (earlier,) = store.outcome_history(list_id, msme_id)
    assert not earlier.digitalized and earlier.recorded_by == "api-key-1"


def test_unknown_ids_are_refused_by_name_and_nothing_is_written(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles, n=20, capacity=5)
    list_id = issued["list_id"]
    known = issued["selected"][0]["msme_id"]
    unknown_list = "11111111-1111-4111-8111-111111111111"
    batch = {
        "outcomes": [
            outcome(list_id, known),
            outcome(list_id, "UMKM-NOT-ON-LIST"),
            outcome(unknown_list, known),
        ]
    }
    response = client.post("/v1/outcomes", json=batch, headers=AUTH)

    assert response.status_code == 404
    answer = response.json()
    assert answer["error"] == "unknown_ids"
    reasons = " | ".join(problem["reason"] for problem in answer["problems"])
    assert unknown_list in reasons and "UMKM-NOT-ON-LIST" in reasons
    # Each problem names the outcome at fault by its index in the batch (an unknown list: the
    # first outcome naming it).
    assert {problem["type"]: problem["field"] for problem in answer["problems"]} == {
        "not_on_list": "outcomes.1.msme_id",
        "unknown_list": "outcomes.2.list_id",
    }
    detail = client.get(f"/v1/lists/{list_id}", headers=AUTH).json()
    assert detail["outcomes"]["outcomes"] == 0  # not even the known one


def test_two_different_outcomes_for_one_msme_in_a_batch_conflict(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles, n=20, capacity=5)
    list_id, msme_id = issued["list_id"], issued["selected"][0]["msme_id"]
    batch = {"outcomes": [outcome(list_id, msme_id), outcome(list_id, msme_id, digitalized=True)]}
    response = client.post("/v1/outcomes", json=batch, headers=AUTH)
    assert response.status_code == 409
    assert msme_id in response.json()["problems"][0]["reason"]
    assert response.json()["problems"][0]["field"] == "outcomes.0"  # its first outcome


# POST /v1/outcomes' refusals in each language: message, then the problems' reasons by type.
OUTCOME_REFUSALS = {
    "id": (
        "2 id tidak dikenal, masing-masing disebutkan di bawah; tidak ada hasil yang dicatat.",
        {
            "unknown_list": "tidak ada daftar pendampingan {unknown_list}",
            "not_on_list": "UMKM UMKM-NOT-ON-LIST tidak ada di daftar {list_id}",
        },
        "Satu permintaan memberi dua hasil berbeda untuk UMKM yang sama di daftar yang sama; "
        "tidak ada hasil yang dicatat.",
        "dua hasil berbeda untuk UMKM {msme_id} di daftar {list_id}",
    ),
    "en": (
        "2 unknown ids, each named below; no outcome was recorded.",
        {
            "unknown_list": "no mentoring list {unknown_list}",
            "not_on_list": "MSME UMKM-NOT-ON-LIST is not on list {list_id}",
        },
        "One request gives two different outcomes for the same MSME on the same list; no "
        "outcome was recorded.",
        "two different outcomes for MSME {msme_id} on list {list_id}",
    ),
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_outcome_refusals_follow_accept_language(
    client: TestClient, profiles: list[dict[str, Any]], language: str
) -> None:
    issued = issue(client, profiles, n=20, capacity=5)
    list_id, msme_id = issued["list_id"], issued["selected"][0]["msme_id"]
    unknown_list = "11111111-1111-4111-8111-111111111111"
    names = {"list_id": list_id, "msme_id": msme_id, "unknown_list": unknown_list}
    message, reasons, conflict_message, conflict_reason = OUTCOME_REFUSALS[language]
    headers = RECORDER | {"Accept-Language": language}

    batch = [outcome(list_id, "UMKM-NOT-ON-LIST"), outcome(unknown_list, msme_id)]
    unknown = client.post("/v1/outcomes", json={"outcomes": batch}, headers=headers)
    assert unknown.status_code == 404
    answer = unknown.json()
    assert (answer["error"], answer["message"]) == ("unknown_ids", message)
    assert {p["type"]: p["reason"] for p in answer["problems"]} == {
        kind: text.format(**names) for kind, text in reasons.items()
    }

    twice = [outcome(list_id, msme_id), outcome(list_id, msme_id, digitalized=True)]
    conflict = client.post("/v1/outcomes", json={"outcomes": twice}, headers=headers)
    assert conflict.status_code == 409
    answer = conflict.json()
    assert (answer["error"], answer["message"]) == ("conflicting_outcomes", conflict_message)
    assert [(p["type"], p["reason"]) for p in answer["problems"]] == [
        ("conflicting_outcomes", conflict_reason.format(**names))
    ]


# POST /v1/outcomes' refusal of dates: its message, then each problem's reason (by MSME).
DATE_REFUSALS = {
    "id": (
        "2 tanggal tidak mungkin benar, masing-masing disebutkan di bawah; tidak ada hasil yang "
        "dicatat.",
        "UMKM {msme_id} di daftar {list_id}: {date} ada di masa depan (tanggal paling akhir yang "
        "diterima {latest}: hari ini menurut UTC ditambah satu hari untuk zona waktu)",
    ),
    "en": (
        "2 dates cannot be right, each named below; no outcome was recorded.",
        "MSME {msme_id} on list {list_id}: {date} is in the future (the latest date accepted is "
        "{latest}: today in UTC plus a day for time zones)",
    ),
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_outcomes_dated_in_the_future_refuse_the_batch_by_field(
    client: TestClient, profiles: list[dict[str, Any]], language: Language
) -> None:
    issued = issue(client, profiles, n=20, capacity=5)
    list_id = issued["list_id"]
    first, second, third = [entry["msme_id"] for entry in issued["selected"]][:3]
    batch = [
        outcome(list_id, first),  # right: refused with the others all the same
        outcome(list_id, second, observed_on=day(2)),
        outcome(list_id, third, mentored_on=day(1), observed_on=day(400)),  # tomorrow: fine
    ]
    headers = RECORDER | {"Accept-Language": language}
    answer = client.post("/v1/outcomes", json={"outcomes": batch}, headers=headers)

    assert answer.status_code == 422, answer.text
    body = answer.json()
    message, reason = DATE_REFUSALS[language]
    assert (body["error"], body["message"]) == ("invalid_outcome_dates", message)
    # The dates as the language writes them (10 Januari 2026), not as the API took them.
    latest, shown = format_date(day(1), language), [format_date(day(n), language) for n in (2, 400)]
    assert body["problems"] == [
        {
            "field": "outcomes.1.observed_on",
            "type": "outcome_date_in_future",
            "reason": reason.format(msme_id=second, list_id=list_id, date=shown[0], latest=latest),
        },
        {
            "field": "outcomes.2.observed_on",
            "type": "outcome_date_in_future",
            "reason": reason.format(msme_id=third, list_id=list_id, date=shown[1], latest=latest),
        },
    ]
    detail = client.get(f"/v1/lists/{list_id}", headers=AUTH).json()
    assert detail["outcomes"]["outcomes"] == 0  # not even the first


def test_outcomes_observed_before_mentoring_or_before_the_list_are_refused(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles, n=20, capacity=5)
    list_id = issued["list_id"]
    first, second = [entry["msme_id"] for entry in issued["selected"]][:2]
    batch = [
        outcome(list_id, first, mentored_on=day(), observed_on=day(-1)),
        outcome(list_id, second, mentored_on=day(-30), observed_on=day()),
    ]
    headers = AUTH | {"Accept-Language": "en"}
    answer = client.post("/v1/outcomes", json={"outcomes": batch}, headers=headers)

    assert answer.status_code == 422, answer.text
    problems = answer.json()["problems"]
    assert [(p["field"], p["type"]) for p in problems] == [
        ("outcomes.0.observed_on", "outcome_observed_before_mentored"),
        ("outcomes.1.mentored_on", "outcome_date_before_list"),
    ]
    yesterday, today = format_date(day(-1), "en"), format_date(day(), "en")
    assert problems[0]["reason"].endswith(
        f"observed on {yesterday} (before the mentoring on {today})"
    )
    assert f"before the list was issued on {today}" in problems[1]["reason"]
    assert client.get(f"/v1/lists/{list_id}", headers=AUTH).json()["outcomes"]["outcomes"] == 0


def test_dates_within_a_day_of_the_list_and_of_today_are_recorded(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    """A day of grace on each side: Indonesia's days start 7 to 9 hours before UTC's."""
    issued = issue(client, profiles, n=20, capacity=5)
    msme_id = issued["selected"][0]["msme_id"]
    batch = [outcome(issued["list_id"], msme_id, mentored_on=day(-1), observed_on=day(1))]
    answer = client.post("/v1/outcomes", json={"outcomes": batch}, headers=AUTH)
    assert answer.status_code == 200, answer.text
    assert answer.json()["inserted"] == 1


@pytest.mark.parametrize("language", ["id", "en"])
def test_mentored_msmes_the_list_did_not_select_are_recorded_with_a_warning(
    client: TestClient, profiles: list[dict[str, Any]], language: Language
) -> None:
    issued = issue(client, profiles, n=20, capacity=5)
    list_id = issued["list_id"]
    chosen = {entry["msme_id"] for entry in issued["selected"]}
    others = [p["msme_id"] for p in profiles[:20] if p["msme_id"] not in chosen]
    batch = [
        outcome(list_id, sorted(chosen)[0]),
        outcome(list_id, others[0]),
        outcome(list_id, others[1]),
        outcome(list_id, others[2], mentored=False),
    ]
    headers = RECORDER | {"Accept-Language": language}
    answer = client.post("/v1/outcomes", json={"outcomes": batch}, headers=headers)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["inserted"], body["mentored_not_selected"]) == (4, 2)
    params = {"count": 2, "list_number": list_id[:8]}
    assert body["warnings"] == [render("warning_mentored_not_selected", params, language)]
    assert list_id[:8] in body["warnings"][0]
    assert ("tidak dipilih daftar" if language == "id" else "did not select") in body["warnings"][0]
    one = client.post(
        "/v1/outcomes", json={"outcomes": [outcome(list_id, others[3])]}, headers=headers
    )
    assert one.json()["warnings"] == [
        render(
            "warning_mentored_not_selected_one", {"count": 1, "list_number": list_id[:8]}, language
        )
    ]


def test_outcome_fields_are_strict(client: TestClient) -> None:
    bad = outcome("11111111-1111-4111-8111-111111111111", "X", mentored="maybe", extra=1)
    response = client.post("/v1/outcomes", json={"outcomes": [bad]}, headers=AUTH)
    assert response.status_code == 422
    fields = {problem["field"] for problem in response.json()["problems"]}
    assert fields == {"outcomes.0.mentored", "outcomes.0.extra"}


@pytest.mark.parametrize(
    ("language", "message", "reason"),
    [
        (
            "id",
            "Permintaan memiliki 1 masalah; tidak ada yang diproses. Perbaiki masalah yang "
            "tercantum.",
            "{field} harus berupa daftar (array JSON)",
        ),
        (
            "en",
            "The request has 1 problem; nothing was processed. Fix each field listed.",
            "{field} must be a list (a JSON array)",
        ),
    ],
)
def test_an_invalid_outcomes_body_is_answered_as_every_route_answers_one(
    client: TestClient, language: str, message: str, reason: str
) -> None:
    """Body validation has one wording for every route (`service.errors.validation_error`), in
    the language of Accept-Language: POST /v1/outcomes is no exception."""
    headers = AUTH | {"Accept-Language": language}
    answers = {
        field: client.post(path, json=body, headers=headers)
        for path, body, field in (
            ("/v1/outcomes", {"outcomes": "x"}, "outcomes"),
            ("/v1/lists", {"msmes": "x", "capacity": 1}, "msmes"),
            ("/v1/prioritize", {"msmes": "x", "capacity": 1}, "msmes"),
            ("/v1/scores", {"msmes": "x"}, "msmes"),
        )
    }
    assert {answer.status_code for answer in answers.values()} == {422}
    assert {(a.json()["error"], a.json()["message"]) for a in answers.values()} == {
        ("invalid_request", message)
    }
    for field, answer in answers.items():
        assert answer.json()["problems"] == [
            {"field": field, "type": "list_type", "reason": reason.format(field=field)}
        ]


# ------------------------------------------------------------------------- scopes


def test_a_read_only_key_reads_but_cannot_write(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles, n=12, capacity=3)
    assert client.get("/v1/lists", headers=READER).status_code == 200
    assert client.get(f"/v1/lists/{issued['list_id']}", headers=READER).status_code == 200
    assert client.get("/v1/model", headers=READER).status_code == 200
    assert (
        client.post("/v1/scores", json={"msmes": profiles[:1]}, headers=READER).status_code == 200
    )

    batch = {"outcomes": [outcome(issued["list_id"], issued["selected"][0]["msme_id"])]}
    for path, body, scope in (
        ("/v1/outcomes", batch, "outcomes"),
        ("/v1/lists", {"msmes": profiles[:3], "capacity": 1}, "lists"),
        ("/v1/prioritize", {"msmes": profiles[:3], "capacity": 1}, "lists"),
        ("/v1/admin/reload", None, "admin"),
    ):
        response = client.post(path, json=body, headers=READER)
        assert response.status_code == 403, path
        answer = response.json()
        assert answer["error"] == "missing_scope"
        assert answer["problems"] == [
            {"field": None, "type": "missing_scope", "reason": f"needs scope {scope}"}
        ]
        assert "reporting" in answer["message"] and READ_KEY not in response.text
    detail = client.get(f"/v1/lists/{issued['list_id']}", headers=AUTH).json()
    assert detail["outcomes"]["outcomes"] == 0


def test_an_outcomes_key_cannot_issue_lists(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    body = {"msmes": profiles[:3], "capacity": 1}
    assert client.post("/v1/lists", json=body, headers=RECORDER).status_code == 403


def test_a_missing_or_wrong_key_is_a_401_on_every_program_route(client: TestClient) -> None:
    for method, path in (
        ("POST", "/v1/lists"),
        ("GET", "/v1/lists"),
        ("GET", "/v1/lists/00000000-0000-4000-8000-000000000000"),
        ("POST", "/v1/outcomes"),
    ):
        for headers in ({}, {"X-API-Key": "wrong-key-0123456789"}):
            assert client.request(method, path, headers=headers).status_code == 401


def test_admin_keys_hold_every_scope(client: TestClient, profiles: list[dict[str, Any]]) -> None:
    response = client.post("/v1/lists", json={"msmes": profiles[:5], "capacity": 2}, headers=ADMIN)
    assert response.status_code == 201
    detail = client.get(f"/v1/lists/{response.json()['list_id']}", headers=ADMIN).json()
    assert detail["created_by"] == "admin-key-1"
    assert ADMIN_KEY not in response.text


# ------------------------------------------------------------------------- restart


def test_a_restarted_service_still_finds_the_list(
    client: TestClient, keyed_settings: Settings, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles, n=15, capacity=4)
    list_id = issued["list_id"]
    batch = {"outcomes": [outcome(list_id, issued["selected"][0]["msme_id"])]}
    assert client.post("/v1/outcomes", json=batch, headers=AUTH).status_code == 200

    with TestClient(create_app(keyed_settings)) as restarted:
        found = restarted.get(f"/v1/lists/{list_id}", headers=READER)
        again = restarted.post("/v1/outcomes", json=batch, headers=RECORDER)

    assert found.status_code == 200
    assert [m["msme_id"] for m in found.json()["members"] if m["selected"]] == [
        e["msme_id"] for e in issued["selected"]
    ]
    assert found.json()["outcomes"]["outcomes"] == 1
    assert again.json()["unchanged"] == 1


# ------------------------------------------------------------------------- policy value


def value_of(client: TestClient, list_id: str, language: str = "en") -> dict[str, Any]:
    response = client.get(
        f"/v1/lists/{list_id}/value", headers=READER | {"Accept-Language": language}
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def record_all(client: TestClient, issued: dict[str, Any], picks: list[str]) -> None:
    """Outcomes for `picks`: every other one went digital."""
    batch = [
        outcome(issued["list_id"], msme_id, digitalized=index % 2 == 0)
        for index, msme_id in enumerate(picks)
    ]
    assert client.post("/v1/outcomes", json={"outcomes": batch}, headers=AUTH).status_code == 200


def test_the_value_of_a_list_with_explored_outcomes_is_estimated_beside_random(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles, n=60, capacity=20, exploration_share=0.5)
    list_id = issued["list_id"]
    assert value_of(client, list_id)["status"] == "no_model_outcomes"

    record_all(client, issued, [entry["msme_id"] for entry in issued["selected"]])
    value = value_of(client, list_id)

    model = [e for e in issued["selected"] if e["selected_by"] == "model"]
    assert value["status"] == "few_explored_outcomes"  # 10 explored outcomes, fewer than 30
    assert value["note"] and value["level"] == 0.9
    assert (value["model_slots"], value["explored_slots"]) == (10, 10)
    assert value["explored_outcomes"] == 10 and value["take_up"] == 1.0
    digital = sum(index % 2 == 0 for index, e in enumerate(issued["selected"]) if e in model)
    assert value["ips"]["model_rate"]["value"] == pytest.approx(digital / len(model))
    for method in ("ips", "dr"):
        for name in ("model_rate", "random_rate", "difference", "extra_digitalizations"):
            estimate = value[method][name]
            assert estimate["low"] <= estimate["value"] <= estimate["high"], (method, name)


def test_a_list_without_exploration_gives_the_models_rate_only(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles, n=20, capacity=5, exploration_share=0)
    record_all(client, issued, [entry["msme_id"] for entry in issued["selected"]])
    value = value_of(client, issued["list_id"])
    assert value["status"] == "no_exploration" and "exploration_share 0" in value["note"]
    assert value["ips"]["model_rate"]["value"] == pytest.approx(3 / 5)
    assert value["ips"]["random_rate"] is None and value["dr"]["difference"] is None

    bahasa = value_of(client, issued["list_id"], "id")
    assert bahasa["status"] == "no_exploration"
    assert bahasa["note"].startswith(
        "daftar ini tidak menyisihkan slot untuk undian acak (porsinya"
    )
    assert {key: v for key, v in bahasa.items() if key != "note"} == {
        key: v for key, v in value.items() if key != "note"
    }


def test_one_explored_outcome_is_too_few_for_random_allocation(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles, n=40, capacity=10, exploration_share=0.3)
    by = {e["msme_id"]: e["selected_by"] for e in issued["selected"]}
    explored = [i for i, how in by.items() if how == "exploration"]
    record_all(client, issued, [i for i, how in by.items() if how == "model"] + explored[:1])
    value = value_of(client, issued["list_id"])
    assert (value["status"], value["explored_slots"], value["explored_outcomes"]) == (
        "no_explored_outcomes",
        3,
        1,
    )
    assert value["ips"]["random_rate"] is None and value["ips"]["model_rate"] is not None


def test_the_value_of_an_unknown_list_is_a_404_naming_it(client: TestClient) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    response = client.get(f"/v1/lists/{unknown}/value", headers=READER)
    assert response.status_code == 404
    assert response.json()["error"] == "list_not_found"
    assert unknown in response.json()["message"]
    for language, message in (
        ("id", f"Tidak ada daftar pendampingan dengan id {unknown}."),
        ("en", f"No mentoring list has id {unknown}."),
    ):
        headers = READER | {"Accept-Language": language}
        refused = client.get(f"/v1/lists/{unknown}/value", headers=headers).json()
        assert (refused["error"], refused["message"]) == ("list_not_found", message)
        assert [problem["type"] for problem in refused["problems"]] == ["list_not_found"]
    assert client.get(f"/v1/lists/{unknown}/value").status_code == 401


def test_list_refusals_follow_accept_language(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    """POST /v1/lists words its refusals as /v1/prioritize does: Bahasa by default, English on
    request, the stable code the same in both."""
    offline = [row for row in profiles if row["digital_status"] == "offline"]
    quotas = dict.fromkeys(sorted({row["province_code"] for row in offline}), 1)
    body = {"msmes": profiles, "capacity": len(profiles), "quotas": quotas}
    bahasa = client.post("/v1/lists", json=body, headers=AUTH)
    english = client.post("/v1/lists", json=body, headers=AUTH | {"Accept-Language": "en"})
    assert bahasa.status_code == english.status_code == 422
    assert [p["type"] for p in bahasa.json()["problems"]] == ["quota_too_tight"]
    assert [p["type"] for p in english.json()["problems"]] == ["quota_too_tight"]
    assert bahasa.json()["problems"][0]["reason"].startswith("batas provinsi")
    assert english.json()["problems"][0]["reason"].startswith("quotas allow at most")


def test_seeds_are_drawn_and_taken_below_2_53(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    """A seed such as 3153627889322778861 reads 3153627889322778600 in JavaScript and jq: new
    seeds are drawn below 2^53, and a seed given must be below it too."""
    body = {"msmes": profiles[:20], "capacity": 5}
    drawn = [
        client.post("/v1/lists", json=body, headers=AUTH).json()["exploration"]["seed"]
        for _ in range(3)
    ]
    assert all(0 <= seed < 2**53 for seed in drawn)
    largest = issue(client, profiles, n=20, exploration_seed=2**53 - 1)
    assert largest["exploration"]["seed"] == 2**53 - 1
    refused = client.post("/v1/lists", json=body | {"exploration_seed": 2**53}, headers=AUTH)
    assert refused.status_code == 422
    assert [(p["field"], p["type"]) for p in refused.json()["problems"]] == [
        ("exploration_seed", "less_than_equal")
    ]
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert schema["ListRequest"]["properties"]["exploration_seed"]["anyOf"][0]["maximum"] == (
        2**53 - 1
    )


def test_a_list_recorded_with_a_larger_seed_reopens_as_it_was(
    client: TestClient, profiles: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lists recorded before the limit keep their 64-bit seeds: read back, reopened on the page
    and exported as they were."""
    import allocation.listing

    old_seed = 3153627889322778861
    monkeypatch.setattr(allocation.listing, "fresh_seed", lambda: old_seed)
    issued = client.post(
        "/v1/lists", json={"msmes": profiles[:20], "capacity": 5}, headers=AUTH
    ).json()
    assert issued["exploration"]["seed"] == old_seed
    list_id = issued["list_id"]
    detail = client.get(f"/v1/lists/{list_id}", headers=AUTH).json()
    assert detail["options"]["exploration_seed"] == old_seed
    view = client.get(f"/v1/lists/{list_id}/view", headers=AUTH)
    assert view.status_code == 200, view.text
    assert view.json()["options"]["exploration_seed"] == old_seed
    exported = client.post("/v1/lists/export", json=view.json(), headers=AUTH)
    assert exported.status_code == 200, exported.text
    assert client.get(f"/v1/lists/{list_id}/export", headers=AUTH).status_code == 200
