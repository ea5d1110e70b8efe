"""A list's words follow Accept-Language through the message catalogue: `shortfall_note` and
`notes` of POST /v1/prioritize and POST /v1/lists, counts of one in the singular, an uplift and
the cutoff that would read the same told apart, and a not-drawn MSME's chance of being drawn."""

from __future__ import annotations

import re
from typing import Any

import pytest

from data.messages import Language, format_param, render
from tests.service.support import AUTH, TestClient, assert_the_models_reasons

LANGUAGES: tuple[Language, ...] = ("id", "en")


def _post(client: TestClient, path: str, body: dict[str, Any], language: str) -> dict[str, Any]:
    response = client.post(path, json=body, headers=AUTH | {"Accept-Language": language})
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


# (eligible MSMEs, capacity) -> the shortfall note, in Bahasa and in English.
SHORTFALL = {
    (0, 1): (
        "Tidak ada UMKM yang memenuhi syarat untuk 1 slot: slot itu tetap kosong.",
        "No eligible MSME for 1 slot: the slot stays free.",
    ),
    (1, 2): (
        "Hanya 1 UMKM yang memenuhi syarat untuk 2 slot: UMKM itu masuk daftar dan 1 slot tetap "
        "kosong.",
        "Only 1 eligible MSME for 2 slots: it is on the list and 1 slot stays free.",
    ),
    (2, 5): (
        "Hanya 2 UMKM yang memenuhi syarat untuk 5 slot: semuanya masuk daftar dan 3 slot tetap "
        "kosong.",
        "Only 2 eligible MSMEs for 5 slots: all of them are on the list and 3 slots stay free.",
    ),
}


@pytest.fixture(scope="module")
def best_first(client: TestClient, profiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Offline profiles the model expects to gain from mentoring, best first."""
    offline = [row for row in profiles[:60] if row["digital_status"] == "offline"]
    ranked = _post(client, "/v1/prioritize", {"msmes": offline, "capacity": 3}, "en")
    by_id = {row["msme_id"]: row for row in offline}
    assert all(entry["expected_gain"] > 0 for entry in ranked["selected"])
    return [by_id[entry["msme_id"]] for entry in ranked["selected"]]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("eligible", "capacity"), SHORTFALL)
def test_prioritize_says_why_slots_stay_free_in_the_requests_language(
    client: TestClient,
    best_first: list[dict[str, Any]],
    language: Language,
    eligible: int,
    capacity: int,
) -> None:
    digital = [row | {"digital_status": "digital"} for row in best_first[eligible:]]
    body = {"msmes": best_first[:eligible] + digital, "capacity": capacity}

    answer = _post(client, "/v1/prioritize", body, language)

    words = SHORTFALL[eligible, capacity][LANGUAGES.index(language)]
    assert answer["filled"] == eligible
    assert answer["shortfall_note"] == words
    assert answer["notes"] == [words]  # positive gains only: nothing else to note


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_list_issued_notes_its_draw_and_tells_who_was_not_drawn_the_chance(
    client: TestClient, profiles: list[dict[str, Any]], language: Language
) -> None:
    """The draw's odds are in the notes and each MSME's chance in `selection_probability`. An
    MSME the model passed by is told why, drawn slot or not; only when every slot is drawn (the
    model picked nobody) is an MSME of the pool told it was not drawn, and how many were."""
    body = {"msmes": profiles[:40], "capacity": 10, "exploration_seed": 7}

    answer = _post(client, "/v1/lists", body, language)

    draw = answer["exploration"]
    assert (draw["slots"], draw["drawn"]) == (1, 1) and draw["pool"] > 1
    pool = format_param("pool", draw["pool"], language)
    note = {
        "id": f"Undian acak: 1 slot diundi di antara {pool} UMKM yang memenuhi syarat tetapi "
        f"tidak dipilih model, masing-masing dengan peluang 1/{pool} (nomor undian 7)",
        "en": f"random draw: 1 of the slots went at random to 1 of {pool} eligible MSMEs the "
        f"model did not pick, each with chance 1/{pool} (draw number 7)",
    }[language]
    assert answer["notes"] == [note] and answer["shortfall_note"] is None
    chances = _chances(client, answer["list_id"])
    undrawn = [e for e in answer["not_selected"] if chances[e["msme_id"]] == draw["probability"]]
    assert len(undrawn) == draw["pool"] - 1
    cutoff = min(e["expected_gain"] for e in answer["selected"] if e["selected_by"] == "model")
    assert_the_models_reasons(((e["reason_code"], e["uplift"]) for e in undrawn), cutoff)
    below = [e for e in undrawn if e["reason_code"] == "below_rank_cutoff"]
    assert below  # worded against the model's last pick, not the draw below it
    for entry in below:
        params = {"uplift": entry["uplift"], "cutoff": cutoff}
        assert entry["reason"] == render("below_rank_cutoff", params, language)
    assert "not_drawn" not in {e["reason_code"] for e in answer["not_selected"]}

    # Every slot drawn: the model picked nobody, so the draw alone left the pool's others off.
    every = _post(client, "/v1/lists", body | {"capacity": 1, "exploration_share": 1.0}, language)

    draw = every["exploration"]
    assert (draw["slots"], draw["drawn"]) == (1, 1) and draw["pool"] > 1
    assert [e["selected_by"] for e in every["selected"]] == ["exploration"]
    pool = format_param("pool", draw["pool"], language)
    reason = {
        "id": "Bisa terpilih untuk slot undian acak, tetapi tidak terundi "
        f"(1 dari {pool} UMKM terundi)",
        "en": f"could have been drawn for a random slot, but was not (1 of {pool} drawn)",
    }[language]
    chances = _chances(client, every["list_id"])
    not_drawn = [e for e in every["not_selected"] if e["reason_code"] == "not_drawn"]
    assert len(not_drawn) == draw["pool"] - 1
    assert {chances[e["msme_id"]] for e in not_drawn} == {draw["probability"]}
    assert {e["reason"] for e in not_drawn} == {reason}
    others = [e for e in every["not_selected"] if e["reason_code"] != "not_drawn"]
    assert {chances[e["msme_id"]] for e in others} <= {0.0}


def _chances(client: TestClient, list_id: str) -> dict[str, float]:
    """Each candidate's recorded chance of being on the list (`selection_probability`)."""
    response = client.get(f"/v1/lists/{list_id}", headers=AUTH)
    assert response.status_code == 200, response.text
    return {m["msme_id"]: m["selection_probability"] for m in response.json()["members"]}


def test_a_list_issued_with_nobody_eligible_says_so_in_bahasa_by_default(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    body = {"msmes": [row | {"digital_status": "digital"} for row in profiles[:3]], "capacity": 1}
    response = client.post("/v1/lists", json=body, headers=AUTH)  # no Accept-Language: Bahasa
    assert response.status_code == 201, response.text
    answer = response.json()
    shortfall = "Tidak ada UMKM yang memenuhi syarat untuk 1 slot: slot itu tetap kosong."
    assert answer["shortfall_note"] == shortfall
    assert answer["notes"][0] == shortfall
    assert not any("slots" in note or "eligible" in note for note in answer["notes"])


PERCENT = re.compile(r"(-?\d+(?:[.,]\d+)?)%")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_uplift_just_below_the_cutoff_is_shown_apart_from_it(
    client: TestClient, profiles: list[dict[str, Any]], language: Language
) -> None:
    """Capacity set where the lowest uplift on the list and the highest left off round to the
    same tenth of a percent: the left-out MSME's reason shows them with more decimals."""
    offline = [row for row in profiles[:300] if row["digital_status"] == "offline"]
    ranked = _post(client, "/v1/prioritize", {"msmes": offline, "capacity": len(offline)}, "en")
    gains = [entry["expected_gain"] for entry in ranked["selected"]]
    ties = [
        rank
        for rank in range(1, len(gains))
        if gains[rank - 1] > gains[rank] > 0
        and f"{100 * gains[rank - 1]:.1f}" == f"{100 * gains[rank]:.1f}"
    ]
    assert ties, "no two neighbours read the same at one decimal"
    capacity = ties[0]  # the list ends at gains[capacity - 1]; gains[capacity] is left off
    left_off = ranked["selected"][capacity]["msme_id"]

    answer = _post(client, "/v1/prioritize", {"msmes": offline, "capacity": capacity}, language)

    [entry] = [e for e in answer["not_selected"] if e["msme_id"] == left_off]
    assert entry["reason_code"] == "below_rank_cutoff"
    uplift, cutoff = PERCENT.findall(entry["reason"])
    assert uplift != cutoff
    separator = "," if language == "id" else "."
    decimals = len(uplift.split(separator)[1])
    assert decimals > 1 and len(cutoff.split(separator)[1]) == decimals
    half_step = 0.51 * 10**-decimals / 100  # each figure is its uplift, rounded
    shown = [float(text.replace(",", ".")) / 100 for text in (uplift, cutoff)]
    assert shown[0] == pytest.approx(gains[capacity], abs=half_step)
    assert shown[1] == pytest.approx(gains[capacity - 1], abs=half_step)


# The note on listed MSMEs not expected to gain names the option that leaves their slots free,
# as the API's body spells it, in either language.
NOT_BENEFICIAL = {
    "id": "{count} UMKM di daftar tidak diperkirakan terbantu (tambahan peluang ≤ 0); aktifkan "
    "only_beneficial agar slot-slot itu dibiarkan kosong",
    "en": "{count} MSMEs on the list have uplift <= 0 (mentoring is not expected to help them); "
    "set only_beneficial to leave those slots free",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_note_on_msmes_not_expected_to_gain_names_the_option_to_set(
    client: TestClient, profiles: list[dict[str, Any]], language: Language
) -> None:
    offline = [row for row in profiles[:300] if row["digital_status"] == "offline"]
    body: dict[str, Any] = {"msmes": offline, "capacity": len(offline)}

    answer = _post(client, "/v1/prioritize", body, language)

    harmless = sum(entry["expected_gain"] <= 0 for entry in answer["selected"])
    assert harmless > 1, "every offline MSME expected to gain: nothing to note"
    count = format_param("count", harmless, language)
    assert NOT_BENEFICIAL[language].format(count=count) in answer["notes"]
    # Setting the option the note names leaves those slots free, and the note goes.
    chosen = _post(client, "/v1/prioritize", body | {"only_beneficial": True}, language)
    assert all(entry["expected_gain"] > 0 for entry in chosen["selected"])
    assert chosen["filled"] == answer["filled"] - harmless
    assert not any("only_beneficial" in note for note in chosen["notes"])
