"""A list's own columns (business name, phone, notes beside the profile): recorded with the list,
read back in order with their values, refused past their bounds, and kept across the migration
that added them (lists recorded before it reopen as they did)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from data.messages import render
from data.store import migrate
from data.store.engine import make_engine
from data.store.errors import InvalidListError
from data.store.extras import (
    EXTRA_CELL_LENGTH,
    EXTRA_NAME_LENGTH,
    MAX_EXTRA_COLUMNS,
    candidate_columns,
    check_extras,
)
from data.store.records import ListedMsmeIn, OutcomeIn
from data.store.repository import ProgramStore
from tests.data.store.conftest import members

OWN = ("nama_usaha", "telepon_pemilik", "catatan")


def _with_extras(n: int, selected: int) -> tuple[list[ListedMsmeIn], list[str]]:
    """Candidates with three own columns (the last one without a note), and the columns in the
    order a file had them: an own column between two profile fields."""
    given = members(n, selected)
    listed = [
        dataclasses.replace(
            member,
            extra={
                "nama_usaha": f"Warung Ibu {index}",
                "telepon_pemilik": f"0812-000-{index:04d}",
                "catatan": None if index == n - 1 else '=HYPERLINK("http://x")',
            },
        )
        for index, member in enumerate(given)
    ]
    profile = list(given[0].profile)
    columns = [profile[0], "nama_usaha", *profile[1:], "telepon_pemilik", "catatan"]
    return listed, columns


def _record(store: ProgramStore, listed: list[ListedMsmeIn], columns: Any) -> str:
    return store.record_list(
        created_by="page",
        model_name="umkm-uplift",
        model_version="3",
        members=listed,
        source_file="kandidat.csv",
        input_columns=columns,
    )


def test_own_columns_are_recorded_and_read_back_in_order(store: ProgramStore) -> None:
    listed, columns = _with_extras(5, 2)

    issued = store.get_list(_record(store, listed, columns))

    assert issued.input_columns == tuple(columns)
    by_id = {member.msme_id: member for member in issued.members}
    for member in listed:
        assert by_id[member.msme_id].extra == member.extra, member.msme_id
    assert {m.selected for m in issued.members} == {True, False}  # on the list and left off
    # The profile stays the profile: the own columns are beside it, never in it.
    assert not set(OWN) & set(issued.members[0].profile)


def test_a_list_without_own_columns_has_none(store: ProgramStore) -> None:
    issued = store.get_list(_record(store, members(3, 1), None))
    assert issued.input_columns is None
    assert {member.extra for member in issued.members} == {None}


def _too_many(extra: dict[str, Any], index: int) -> dict[str, Any]:
    return extra | {f"kolom_{k}": k for k in range(MAX_EXTRA_COLUMNS)}


def _profile_name(extra: dict[str, Any], index: int) -> dict[str, Any]:
    return extra | {"province_code": "32"}


def _long_name(extra: dict[str, Any], index: int) -> dict[str, Any]:
    return extra | {"x" * (EXTRA_NAME_LENGTH + 1): 1}


def _long_text(extra: dict[str, Any], index: int) -> dict[str, Any]:
    return extra | {"catatan": "a" * (EXTRA_CELL_LENGTH + 1)} if index == 1 else extra


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_too_many, "invalid_list_extra_columns"),
        (_profile_name, "invalid_list_extra_column_name"),
        (_long_name, "invalid_list_extra_column_name"),
        (_long_text, "invalid_list_extra_cell_too_long"),
    ],
)
def test_own_columns_past_their_bounds_are_refused_whole(
    store: ProgramStore, change: Any, reason: str
) -> None:
    listed, _ = _with_extras(4, 2)
    hostile = [
        dataclasses.replace(member, extra=change(dict(member.extra or {}), i))
        for i, member in enumerate(listed)
    ]
    columns = candidate_columns(
        [m.profile for m in hostile], sorted({k for m in hostile for k in (m.extra or {})})
    )
    with pytest.raises(InvalidListError) as refused:
        _record(store, hostile, columns)
    assert refused.value.reason == reason
    for language in ("en", "id"):
        worded = render("invalid_list", refused.value.params, language)
        assert "{" not in worded
    assert store.list_lists()[1] == 0  # nothing was written


def test_refusals_name_the_limit_and_the_msmes(store: ProgramStore) -> None:
    listed, columns = _with_extras(4, 2)
    long_note = "a" * (EXTRA_CELL_LENGTH + 1)
    hostile = [
        dataclasses.replace(m, extra=dict(m.extra or {}) | {"catatan": long_note})
        if i in (1, 3)
        else m
        for i, m in enumerate(listed)
    ]
    with pytest.raises(InvalidListError) as refused:
        _record(store, hostile, columns)
    worded = render("invalid_list", refused.value.params, "id")
    assert "1.000 karakter" in worded
    assert f"(2): {listed[1].msme_id}, {listed[3].msme_id}" in worded
    assert long_note not in worded  # the text itself is never echoed


def test_a_hostile_column_name_is_shortened_in_the_refusal() -> None:
    name = "n" * 5_000
    with pytest.raises(InvalidListError) as refused:
        check_extras([("A", {name: 1})], [name])
    shown = refused.value.params["reason"]["column"]
    assert len(shown) <= 60
    assert shown.endswith("…")


@pytest.mark.parametrize(
    "columns",
    [
        None,  # own columns need their order
        ["msme_id", "nama_usaha"],  # one of them left out
        ["msme_id", "nama_usaha", "nama_usaha", "telepon_pemilik", "catatan"],  # twice
    ],
)
def test_an_order_that_loses_an_own_column_is_refused(columns: Any) -> None:
    extras = [("A", {"nama_usaha": "Warung", "telepon_pemilik": "0812", "catatan": None})]
    with pytest.raises(InvalidListError) as refused:
        check_extras(extras, columns)
    assert refused.value.reason == "invalid_list_input_columns"


def test_candidate_columns_follow_the_contract_then_the_own_columns() -> None:
    profiles = [
        {"owner_age": 40, "msme_id": "A", "cost": None},
        {"msme_id": "B", "province_code": "32", "cost": 5.0},
    ]
    assert candidate_columns(profiles, ["nama", "hp"]) == [
        "msme_id",
        "province_code",
        "owner_age",
        "cost",
        "nama",
        "hp",
    ]


def test_lists_recorded_before_the_migration_reopen_and_survive_it(database_url: str) -> None:
    """A list and its outcome stored at revision 0002 read back after the upgrade (no own
    columns), and survive the downgrade again: the new columns are added and dropped in place."""
    migrate.upgrade(database_url, "0002")
    profile = {"msme_id": "A1", "province_code": "32"}
    now = datetime(2026, 1, 5, tzinfo=UTC)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO issued_lists (id, created_at, created_by, model_name, options, "
                    "constraints, exploration_share) VALUES "
                    "('L1', :now, 'page', 'umkm-uplift', '{}', '{}', 0)"
                ),
                {"now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO listed_msmes (list_id, msme_id, profile, rank, selected, "
                    "selected_by, selection_probability) VALUES "
                    "('L1', 'A1', :profile, 1, true, 'model', 1)"
                ),
                {"profile": json.dumps(profile)},
            )
            connection.execute(
                text(
                    "INSERT INTO outcomes (list_id, msme_id, mentored, digitalized, recorded_at) "
                    "VALUES ('L1', 'A1', true, false, :now)"
                ),
                {"now": now},
            )
    finally:
        engine.dispose()

    assert migrate.upgrade(database_url) == migrate.head_revision()
    store = ProgramStore.from_url(database_url)
    try:
        issued = store.get_list("L1")
        assert issued.input_columns is None
        assert [(m.msme_id, m.profile, m.extra) for m in issued.members] == [("A1", profile, None)]
        assert store.outcome_counts("L1").outcomes == 1
    finally:
        store.close()

    assert migrate.downgrade(database_url, "0002") == "0002"
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM listed_msmes")).scalar() == 1
            assert connection.execute(text("SELECT count(*) FROM outcomes")).scalar() == 1
    finally:
        engine.dispose()


def test_own_columns_never_reach_the_training_history(store: ProgramStore) -> None:
    listed, columns = _with_extras(4, 2)
    list_id = _record(store, listed, columns)
    store.record_outcomes(
        [
            OutcomeIn(list_id=list_id, msme_id=m.msme_id, mentored=True, digitalized=False)
            for m in listed
        ]
    )
    history = store.export_history()
    assert len(history) == 4
    assert not set(OWN) & set(history.columns)
