"""Reading outcomes back: a list's current outcomes a page at a time by MSME id, with the total,
for one MSME, and the earlier versions of those that changed, oldest first."""

from __future__ import annotations

from dataclasses import replace

import pytest

from data.store import queries
from data.store.errors import ListNotFoundError
from data.store.records import outcome_fields
from data.store.repository import ProgramStore
from tests.data.store.conftest import ISSUED_AT, members, outcome


def issue(store: ProgramStore, n: int = 7, prefix: str = "H") -> str:
    return store.record_list(
        created_by="cli",
        model_name="umkm-uplift",
        model_version="1",
        members=members(n, selected=3, prefix=prefix),
        created_at=ISSUED_AT,
    )


def ids(n: int, prefix: str = "H") -> list[str]:
    return [f"{prefix}{index + 1:07d}" for index in range(n)]


def test_pages_follow_msme_ids_and_each_gives_the_list_s_total(store: ProgramStore) -> None:
    list_id = issue(store)
    other = issue(store)
    sent = [
        outcome(list_id, msme_id, digitalized=index % 2 == 0, mentored_on=None)
        for index, msme_id in enumerate(reversed(ids(7)))
    ]
    store.record_outcomes(sent, recorded_by="dinas-jabar")
    store.record_outcomes([outcome(other, "H0000001")])  # another list's: not counted

    pages = [store.outcome_page(list_id, page, page_size=3) for page in (1, 2, 3, 4)]

    assert [[row.msme_id for row in rows] for rows, _ in pages] == [
        ids(7)[0:3],
        ids(7)[3:6],
        ids(7)[6:7],
        [],
    ]
    assert {total for _, total in pages} == {7}
    read = {row.msme_id: row for rows, _ in pages for row in rows}
    for item in sent:
        row = read[item.msme_id]
        assert (row.list_id, outcome_fields(row)) == (list_id, outcome_fields(item))
        assert row.recorded_by == "dinas-jabar" and row.recorded_at is not None
    # Every page together is what get_outcomes reads at once.
    assert store.get_outcomes(list_id) == [row for rows, _ in pages for row in rows]


def test_one_msme_s_outcome_or_none(store: ProgramStore) -> None:
    list_id = issue(store)
    store.record_outcomes([outcome(list_id, "H0000002"), outcome(list_id, "H0000005")])

    rows, total = store.outcome_page(list_id, msme_id="H0000005")
    assert ([row.msme_id for row in rows], total) == (["H0000005"], 1)
    for msme_id in ("H0000001", "NOT-LISTED"):  # on the list without an outcome; not on it
        assert store.outcome_page(list_id, msme_id=msme_id) == ([], 0)
    assert store.outcome_page(list_id, page=2, msme_id="H0000005") == ([], 1)


def test_a_list_without_outcomes_reads_empty_and_an_unknown_one_is_refused(
    store: ProgramStore,
) -> None:
    list_id = issue(store)
    assert store.outcome_page(list_id) == ([], 0)
    with pytest.raises(ListNotFoundError) as raised:
        store.outcome_page("no-such-list")
    assert raised.value.list_id == "no-such-list"


@pytest.mark.parametrize(("page", "page_size"), [(0, 10), (1, 0), (1, 1_001)])
def test_pages_outside_their_bounds_are_refused(
    store: ProgramStore, page: int, page_size: int
) -> None:
    list_id = issue(store)
    with pytest.raises(ValueError, match="page_size within"):
        store.outcome_page(list_id, page, page_size)


def test_earlier_versions_come_oldest_first_with_when_each_was_replaced(
    store: ProgramStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "CHUNK", 2)  # several chunks of MSME ids
    list_id = issue(store)
    other = issue(store)
    first = [outcome(list_id, msme_id) for msme_id in ids(5)]
    store.record_outcomes([*first, outcome(other, "H0000004")], recorded_by="first")
    second = replace(first[3], digitalized=True)
    store.record_outcomes(
        [second, outcome(list_id, "H0000001", mentored=False)], recorded_by="second"
    )
    third = replace(second, verified_by="marketplace", observed_on=None)
    store.record_outcomes(
        [third, replace(outcome(other, "H0000004"), program=None)], recorded_by="third"
    )

    versions = store.outcome_versions(list_id, ids(5))

    assert sorted(versions) == ["H0000001", "H0000004"]  # the others never changed
    changed = versions["H0000004"]
    assert [outcome_fields(v.outcome) for v in changed] == [
        outcome_fields(first[3]),
        outcome_fields(second),
    ]
    assert [v.outcome.recorded_by for v in changed] == ["first", "second"]
    # Each version was replaced when the next one was recorded.
    (current,) = store.outcome_page(list_id, msme_id="H0000004")[0]
    assert changed[0].replaced_at == changed[1].outcome.recorded_at
    assert changed[1].replaced_at == current.recorded_at
    assert {v.outcome.list_id for vs in versions.values() for v in vs} == {list_id}
    assert [outcome_fields(v.outcome) for v in versions["H0000001"]] == [outcome_fields(first[0])]
    # What outcome_history reads, one MSME at a time.
    assert [v.outcome for v in changed] == store.outcome_history(list_id, "H0000004")
    assert store.outcome_versions(list_id, []) == {}
