"""What a reopened list needs to read like the fresh one: each candidate's spreadsheet row, the
catalogue code wording a left-out MSME's reason, the list's figures the reasons name (revision
0004), its binding constraints and notes as codes (0005). Recorded and read back on each
backend, and kept across the migrations that added them: lists recorded before reopen without
them."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from data.store import migrate
from data.store.engine import make_engine
from data.store.records import IssuedListRecord, ListedMsmeIn
from data.store.repository import ProgramStore
from tests.data.store.conftest import members

FIGURES: dict[str, Any] = {
    "cutoff": 0.123456789012345,  # every digit kept
    "budget_left": 1_250_000.5,
    "min_shares": [
        {
            "code": "min_share_reserved.shares",
            "share": "owner_gender=female 0.5",
            "column": "owner_gender",
            "value": "female",
            "fraction": 0.5,
        }
    ],
    "drawn": 2,
    "pool": 18,
}


EXPLANATION: dict[str, Any] = {
    "binding": [
        {
            "kind": "quota",
            "name": "quota 31",
            "used": 2.0,
            "limit": 2.0,
            "unconstrained": 4.0,
            "code": "binding_quota",
            "params": {"province": "31", "used": 2, "limit": 2, "unconstrained": 4},
        }
    ],
    "notes": [{"code": "note_not_beneficial", "params": {"count": 1}}],
}


def _read_from_a_file(n: int, selected: int) -> list[ListedMsmeIn]:
    """Candidates from a file with two title rows (the first on row 4); one left out with a
    variant wording of its reason."""
    listed = [
        dataclasses.replace(member, source_row=4 + index)
        for index, member in enumerate(members(n, selected))
    ]
    listed[-1] = dataclasses.replace(
        listed[-1], reason_code="over_budget", reason_wording="over_budget_with_constraints"
    )
    return listed


def _recorded_now(store: ProgramStore, listed: list[ListedMsmeIn], **kept: Any) -> IssuedListRecord:
    """A list recorded after the migration with what it keeps (`kept`), read back."""
    list_id = store.record_list(
        created_by="page", model_name="umkm-uplift", model_version="3", members=listed, **kept
    )
    return store.get_list(list_id)


def test_rows_wordings_and_figures_read_back(store: ProgramStore) -> None:
    given = _read_from_a_file(5, 2)
    list_id = store.record_list(
        created_by="page",
        model_name="umkm-uplift",
        model_version="3",
        members=given,
        reason_figures=FIGURES,
        explanation=EXPLANATION,
    )

    issued = store.get_list(list_id)

    assert issued.reason_figures == FIGURES
    assert issued.explanation == EXPLANATION
    read = {member.msme_id: member for member in issued.members}
    assert [read[m.msme_id].source_row for m in given] == [4, 5, 6, 7, 8]
    assert [read[m.msme_id].reason_wording for m in given] == [None] * 4 + [
        "over_budget_with_constraints"
    ]
    assert read[given[-1].msme_id].reason_code == "over_budget"


def test_a_list_without_them_reads_back_without_them(store: ProgramStore) -> None:
    list_id = store.record_list(
        created_by="key-a", model_name="umkm-uplift", model_version="3", members=members(3, 1)
    )

    issued = store.get_list(list_id)

    assert issued.reason_figures is None and issued.explanation is None
    assert {(m.source_row, m.reason_wording) for m in issued.members} == {(None, None)}


def test_lists_recorded_at_0003_reopen_without_them_and_survive_the_migration(
    database_url: str,
) -> None:
    migrate.upgrade(database_url, "0003")
    now = datetime(2026, 1, 5, tzinfo=UTC)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO issued_lists (id, created_at, created_by, model_name, options, "
                    "constraints, exploration_share, input_columns) VALUES "
                    "('L1', :now, 'page', 'umkm-uplift', '{}', '{}', 0, :columns)"
                ),
                {"now": now, "columns": json.dumps(["msme_id", "nama_usaha"])},
            )
            connection.execute(
                text(
                    "INSERT INTO listed_msmes (list_id, msme_id, profile, selected, "
                    "selection_probability, reason_code, extra) VALUES "
                    "('L1', 'A1', :profile, false, 0, 'below_rank_cutoff', :extra)"
                ),
                {
                    "profile": json.dumps({"msme_id": "A1"}),
                    "extra": json.dumps({"nama_usaha": "Warung"}),
                },
            )
            connection.execute(
                text(
                    "INSERT INTO outcomes (list_id, msme_id, mentored, digitalized, recorded_at) "
                    "VALUES ('L1', 'A1', false, false, :now)"
                ),
                {"now": now},
            )
    finally:
        engine.dispose()

    assert migrate.upgrade(database_url) == migrate.head_revision()
    store = ProgramStore.from_url(database_url)
    try:
        issued = store.get_list("L1")
        assert issued.reason_figures is None
        [member] = issued.members
        assert (member.source_row, member.reason_wording) == (None, None)
        assert (member.reason_code, member.extra) == ("below_rank_cutoff", {"nama_usaha": "Warung"})
        # A list recorded now keeps them beside the old one.
        recorded = _recorded_now(store, _read_from_a_file(3, 1), reason_figures=FIGURES)
        assert recorded.reason_figures == FIGURES
    finally:
        store.close()

    assert migrate.downgrade(database_url, "0003") == "0003"
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM listed_msmes")).scalar() == 4
            assert connection.execute(text("SELECT count(*) FROM outcomes")).scalar() == 1
            extra = connection.execute(
                text("SELECT extra FROM listed_msmes WHERE msme_id = 'A1'")
            ).scalar()
            assert (json.loads(extra) if isinstance(extra, str) else extra) == {
                "nama_usaha": "Warung"
            }
    finally:
        engine.dispose()
    assert migrate.upgrade(database_url) == migrate.head_revision()


def test_lists_recorded_at_0004_reopen_without_an_explanation_and_survive_the_migration(
    database_url: str,
) -> None:
    migrate.upgrade(database_url, "0004")
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO issued_lists (id, created_at, created_by, model_name, options, "
                    "constraints, exploration_share, reason_figures) VALUES "
                    "('L4', :now, 'page', 'umkm-uplift', '{}', '{}', 0, :figures)"
                ),
                {"now": datetime(2026, 1, 6, tzinfo=UTC), "figures": json.dumps(FIGURES)},
            )
    finally:
        engine.dispose()

    assert migrate.upgrade(database_url) == migrate.head_revision()
    store = ProgramStore.from_url(database_url)
    try:
        issued = store.get_list("L4")
        assert issued.explanation is None and issued.reason_figures == FIGURES
        assert _recorded_now(store, members(3, 1), explanation=EXPLANATION).explanation == (
            EXPLANATION
        )
    finally:
        store.close()

    assert migrate.downgrade(database_url, "0004") == "0004"
