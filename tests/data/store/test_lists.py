"""Issued lists: recorded with their candidates in one go, read back whole, paged newest first."""

from __future__ import annotations

import math
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event

from data.messages import render
from data.store.errors import (
    MAX_NAMED,
    InvalidListError,
    ListAlreadyIssuedError,
    ListNotFoundError,
)
from data.store.records import ListedMsmeIn
from data.store.repository import ProgramStore
from tests.data.store.conftest import members

OPTIONS = {"capacity": 3, "exclude_digital": True}
CONSTRAINTS = {"quotas": {"32": 2}, "min_share": [{"column": "owner_gender", "value": "female"}]}


def record(store: ProgramStore, n: int = 5, selected: int = 3, **overrides: Any) -> str:
    arguments: dict[str, Any] = {
        "created_by": "page",
        "model_name": "umkm-uplift",
        "model_version": "3",
        "members": members(n, selected),
        "options": OPTIONS,
        "constraints": CONSTRAINTS,
        "source_file": "kandidat.xlsx",
        "exploration_share": 0.1,
    } | overrides
    return store.record_list(**arguments)


def test_a_recorded_list_reads_back_whole(store: ProgramStore) -> None:
    given = members(5, 3)
    list_id = record(store, members=given)

    issued = store.get_list(list_id)

    assert issued.id == list_id
    assert (issued.created_by, issued.model_version) == ("page", "3")
    assert issued.options == OPTIONS
    assert issued.constraints == CONSTRAINTS
    assert (issued.source_file, issued.exploration_share) == ("kandidat.xlsx", 0.1)
    assert issued.created_at.tzinfo is not None
    assert abs(issued.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert [m.msme_id for m in issued.members] == [m.msme_id for m in given]
    assert [m.msme_id for m in issued.selected] == [m.msme_id for m in given[:3]]
    first = issued.members[0]
    assert (first.list_id, first.rank, first.selected_by) == (list_id, 1, "model")
    assert (first.selection_probability, first.uplift) == (1.0, given[0].uplift)
    assert issued.members[4].reason_code == "below_rank_cutoff"
    assert issued.members[4].selected_by is None


def test_the_factors_a_list_was_shown_with_are_kept_as_plain_json(store: ProgramStore) -> None:
    list_id = record(store)
    first, second = (member.msme_id for member in members(5, 3)[:2])
    assert all(member.factors is None for member in store.get_list(list_id).members)

    store.attach_factors(
        list_id,
        {
            first: [
                ("has_smartphone", np.bool_(False), np.float64(-0.012)),
                ("workers", 3.0, 0.004),
            ],
            second: [("province_code", "32", 0.001)],
        },
    )

    issued = store.get_list(list_id)
    factors = {member.msme_id: member.factors for member in issued.members}
    assert factors[first] == [("has_smartphone", False, -0.012), ("workers", 3.0, 0.004)]
    assert factors[second] == [("province_code", "32", 0.001)]
    assert sum(found is None for found in factors.values()) == 3
    with pytest.raises(ListNotFoundError):
        store.attach_factors("no-such-list", {first: []})


def test_profiles_are_stored_as_plain_json(store: ProgramStore) -> None:
    """NumPy scalars and missing values (NaN, pd.NA) become numbers and null."""
    given = members(5, 1)
    missing = [
        v for m in given for v in m.profile.values() if isinstance(v, float) and math.isnan(v)
    ]
    assert missing, "the fixture should hold a missing number"

    stored = store.get_list(record(store, members=given)).members

    for before, after in zip(given, stored, strict=True):
        assert set(after.profile) == set(before.profile)
        for value in after.profile.values():
            assert value is None or isinstance(value, bool | int | float | str)
            if isinstance(value, float):
                assert math.isfinite(value)
        assert after.profile["province_code"] == before.profile["province_code"]


def test_lists_are_paged_newest_first_with_their_counts(store: ProgramStore) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    ids = [record(store, created_at=start + timedelta(days=day), n=4 + day) for day in range(3)]

    first, total = store.list_lists(page=1, page_size=2)
    second, total_again = store.list_lists(page=2, page_size=2)
    beyond, _ = store.list_lists(page=3, page_size=2)

    assert total == total_again == 3
    assert [item.id for item in first + second] == ids[::-1]
    assert beyond == []
    newest = first[0]
    assert (newest.candidates, newest.selected, newest.outcomes) == (6, 3, 0)
    assert newest.created_at == start + timedelta(days=2)


def test_no_lists_yet(store: ProgramStore) -> None:
    assert store.list_lists() == ([], 0)


@pytest.mark.parametrize("page, page_size", [(0, 10), (1, 0), (1, 100_000)])
def test_paging_out_of_range_is_refused(store: ProgramStore, page: int, page_size: int) -> None:
    with pytest.raises(ValueError, match="page"):
        store.list_lists(page, page_size)


def test_unknown_list_is_refused_by_name(store: ProgramStore) -> None:
    with pytest.raises(ListNotFoundError, match="no-such-list"):
        store.get_list("no-such-list")


def test_an_msme_twice_on_one_list_is_refused_by_name(store: ProgramStore) -> None:
    given = members(3, 1)
    with pytest.raises(InvalidListError, match="H0000002"):
        record(store, members=[*given, given[1]])
    assert store.list_lists() == ([], 0)


@pytest.mark.parametrize(
    "change",
    [
        {"selected": True, "selected_by": None},
        {"selected": False, "selected_by": "exploration"},
        {"selection_probability": 1.5},
    ],
)
def test_an_inconsistent_candidate_is_refused(store: ProgramStore, change: dict[str, Any]) -> None:
    given = members(3, 1)
    bad = ListedMsmeIn(**(given[2].__dict__ | change))
    with pytest.raises(InvalidListError, match="H0000003"):
        record(store, members=[*given[:2], bad])
    assert store.list_lists() == ([], 0)


def test_exploration_share_outside_zero_to_one_is_refused(store: ProgramStore) -> None:
    with pytest.raises(InvalidListError, match="exploration_share"):
        record(store, exploration_share=1.5)


def test_zero_exploration_is_recorded(store: ProgramStore) -> None:
    assert store.get_list(record(store, exploration_share=0.0)).exploration_share == 0.0


def test_an_msme_id_too_long_for_the_column_is_refused_on_every_backend(
    store: ProgramStore,
) -> None:
    given = members(2, 1)
    long_id = "X" * 129
    bad = ListedMsmeIn(**(given[1].__dict__ | {"msme_id": long_id}))
    with pytest.raises(InvalidListError, match="longer than 128"):
        record(store, members=[given[0], bad])


# Why a list is refused, as `render(error.code, error.params, language)` words it in each language.
REFUSED_LISTS: dict[str, dict[str, str]] = {
    "twice": {
        "en": "list not recorded: MSMEs listed twice (1): H0000002",
        "id": "daftar tidak dicatat: UMKM tercantum dua kali (1): H0000002",
    },
    "empty": {
        "en": "list not recorded: a list needs at least one MSME",
        "id": "daftar tidak dicatat: daftar memerlukan setidaknya satu UMKM",
    },
    "share": {
        "en": "list not recorded: exploration_share must be within 0..1",
        "id": "daftar tidak dicatat: porsi slot yang diundi acak (exploration_share) harus "
        "antara 0 dan 1",
    },
    "too_long": {
        "en": f"list not recorded: msme_id longer than 128 characters (1): {'X' * 129}",
        "id": f"daftar tidak dicatat: msme_id lebih panjang dari 128 karakter (1): {'X' * 129}",
    },
    "probability": {
        "en": "list not recorded: selection_probability of H0000003 is not within 0..1",
        "id": "daftar tidak dicatat: peluang terpilih (selection_probability) UMKM H0000003 "
        "tidak antara 0 dan 1",
    },
    "selected_by": {
        "en": "list not recorded: H0000003: a selected MSME says how (model or exploration), and "
        "one left off says nothing",
        "id": "daftar tidak dicatat: H0000003: UMKM terpilih harus menyebut caranya (model atau "
        "undian acak), dan UMKM yang tidak terpilih tidak menyebut apa pun",
    },
}


def _refused_list(case: str) -> dict[str, Any]:
    given = members(3, 1)
    third = given[2].__dict__
    cases: dict[str, dict[str, Any]] = {
        "twice": {"members": [*given, given[1]]},
        "empty": {"members": []},
        "share": {"exploration_share": 1.5},
        "too_long": {"members": [*given[:2], ListedMsmeIn(**(third | {"msme_id": "X" * 129}))]},
        "probability": {
            "members": [*given[:2], ListedMsmeIn(**(third | {"selection_probability": 1.5}))]
        },
        "selected_by": {"members": [*given[:2], ListedMsmeIn(**(third | {"selected": True}))]},
    }
    return cases[case]


@pytest.mark.parametrize("case", sorted(REFUSED_LISTS))
def test_a_refused_list_is_worded_whole_in_each_language(store: ProgramStore, case: str) -> None:
    with pytest.raises(InvalidListError) as refused:
        record(store, **_refused_list(case))
    error = refused.value
    assert error.code == "invalid_list"
    for language in ("id", "en"):
        assert render(error.code, error.params, language) == REFUSED_LISTS[case][language]
    assert str(error) == REFUSED_LISTS[case]["en"]
    assert store.list_lists() == ([], 0)


def test_a_refusal_names_the_first_ids_and_counts_them_all() -> None:
    twice = [f"H{index:07d}" for index in range(25)]
    error = InvalidListError("invalid_list_msmes_twice", msme_ids=twice)
    assert error.params["msme_ids"] == twice  # every one, for code that reads the parameters
    assert render(error.code, error.params, "id") == (
        f"daftar tidak dicatat: UMKM tercantum dua kali (25): {', '.join(twice[:MAX_NAMED])}"
    )
    assert render(error.code, error.params, "en").startswith(
        "list not recorded: MSMEs listed twice (25): H0000000, "
    )


def test_a_list_is_found_by_its_source_digest_within_the_window(store: ProgramStore) -> None:
    """`issued_from`: the latest list from the same file and settings since a time, any issuer;
    older lists, other digests and lists without one are not."""
    now = datetime.now(UTC)
    digest, other = "a" * 64, "b" * 64
    record(store, source_digest=digest, created_at=now - timedelta(hours=30), created_by="old")
    latest = record(
        store, source_digest=digest, created_at=now - timedelta(hours=2), created_by="hp"
    )
    record(store, source_digest=digest, created_at=now - timedelta(hours=3), created_by="desk")
    record(store, source_digest=other, created_at=now - timedelta(hours=1))
    record(store, created_at=now)

    found = store.issued_from(digest, now - timedelta(hours=24))

    assert found is not None
    assert (found.id, found.created_by) == (latest, "hp")
    assert found.created_at == store.get_list(latest).created_at
    assert store.get_list(latest).source_digest == digest
    assert store.issued_from(digest, now - timedelta(hours=1)) is None
    assert store.issued_from("c" * 64, now - timedelta(hours=24)) is None


DAY = timedelta(hours=24)


def test_a_repeat_within_the_window_is_refused_in_the_recording(store: ProgramStore) -> None:
    """`refuse_repeat_within`: a list from the same digest within the window refuses the new
    one, named, and nothing of the new one is kept; other digests and older lists do not."""
    now = datetime.now(UTC)
    digest = "d" * 64
    record(store, source_digest=digest, created_at=now - timedelta(hours=30), created_by="old")
    first = record(store, source_digest=digest, created_at=now - timedelta(hours=2))

    with pytest.raises(ListAlreadyIssuedError) as refused:
        record(store, source_digest=digest, refuse_repeat_within=DAY, list_id="refused-list")

    assert refused.value.code == "list_already_issued"
    assert (refused.value.earlier.id, refused.value.earlier.created_by) == (first, "page")
    with pytest.raises(ListNotFoundError):
        store.get_list("refused-list")
    assert store.list_lists()[1] == 2
    other = record(store, source_digest="e" * 64, refuse_repeat_within=DAY)
    assert store.get_list(other).source_digest == "e" * 64


def test_a_repeat_asked_for_or_past_the_window_is_recorded_and_becomes_the_latest(
    store: ProgramStore,
) -> None:
    now = datetime.now(UTC)
    digest = "f" * 64
    record(store, source_digest=digest, created_at=now - timedelta(hours=25))

    past_window = record(store, source_digest=digest, refuse_repeat_within=DAY)
    asked = record(store, source_digest=digest, created_by="hp")

    found = store.issued_from(digest, now - DAY)
    assert found is not None
    assert (found.id, found.created_by) == (asked, "hp")
    assert past_window != asked
    assert store.list_lists()[1] == 3


def test_of_two_same_uploads_at_once_one_is_recorded(store: ProgramStore) -> None:
    """Two recordings of the same digest that overlap: the second waits for the first's
    transaction (SQLite's write lock; PostgreSQL's key), then is refused naming it, whichever
    device sent it. The first is held open after its claim while the second starts."""
    digest = "9" * 64
    claimed, release = threading.Event(), threading.Event()
    first_thread: list[int] = []

    def hold_the_first(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if "INSERT INTO list_sources" in statement and threading.get_ident() in first_thread:
            claimed.set()
            release.wait(timeout=10)

    outcomes: dict[str, object] = {}

    def issue(name: str) -> None:
        if name == "first":
            first_thread.append(threading.get_ident())
        try:
            outcomes[name] = record(
                store, source_digest=digest, refuse_repeat_within=DAY, created_by=name
            )
        except ListAlreadyIssuedError as error:
            outcomes[name] = error

    event.listen(store.engine, "after_cursor_execute", hold_the_first)
    try:
        first = threading.Thread(target=issue, args=("first",))
        first.start()
        assert claimed.wait(timeout=10)
        second = threading.Thread(target=issue, args=("second",))
        second.start()
        time.sleep(0.5)  # the second is waiting on the first's transaction
        assert "second" not in outcomes
        release.set()
        first.join(timeout=20)
        second.join(timeout=20)
    finally:
        release.set()
        event.remove(store.engine, "after_cursor_execute", hold_the_first)

    assert isinstance(outcomes["first"], str)
    refused = outcomes["second"]
    assert isinstance(refused, ListAlreadyIssuedError)
    assert (refused.earlier.id, refused.earlier.created_by) == (outcomes["first"], "first")
    assert store.list_lists()[1] == 1
