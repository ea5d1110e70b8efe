"""Stores to test against: SQLite in a temporary folder always, PostgreSQL when
UMKM_TEST_POSTGRES_URL names a server (`.ci/postgres.sh` starts one); each test gets a fresh
database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from data.store.records import ListedMsmeIn, OutcomeIn
from data.validation import validate_frame
from tests.data.conftest import profile_rows

POSTGRES_URL_VARIABLE = "UMKM_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'umkm.db'}"
        return
    server = os.environ.get(POSTGRES_URL_VARIABLE)
    if not server:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set (.ci/postgres.sh starts a server)")
    yield from fresh_postgres_database(server)


def fresh_postgres_database(server: str) -> Iterator[str]:
    """A database made for one test on the server at `server`, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"umkm_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def store(database_url: str) -> Iterator[Any]:
    """A migrated, empty program store."""
    from data.store.migrate import upgrade
    from data.store.repository import ProgramStore

    upgrade(database_url)
    program_store = ProgramStore.from_url(database_url)
    yield program_store
    program_store.close()


def scored_profiles(n: int) -> list[dict[str, Any]]:
    """`n` typed, valid profiles as the service scores them (NaN and NumPy scalars included)."""
    result = validate_frame(profile_rows(n), "profile")
    assert result.ok, result.problems[:3]
    return [{str(k): v for k, v in row.items()} for row in result.valid.to_dict(orient="records")]


def members(n: int, selected: int, *, prefix: str = "H") -> list[ListedMsmeIn]:
    """`n` candidates, the first `selected` on the list by the model, ranked by falling uplift."""
    listed = []
    for index, profile in enumerate(scored_profiles(n)):
        msme_id = f"{prefix}{index + 1:07d}"
        on_list = index < selected
        listed.append(
            ListedMsmeIn(
                msme_id=msme_id,
                profile=profile | {"msme_id": msme_id},
                selected=on_list,
                selected_by="model" if on_list else None,
                selection_probability=1.0 if on_list else 0.0,
                rank=index + 1,
                p_if_mentored=0.5 - index / 100,
                p_if_not=0.2,
                uplift=0.3 - index / 100,
                segment="persuadable",
                reason_code=None if on_list else "below_rank_cutoff",
            )
        )
    return listed


# Lists whose outcomes are tested are issued on a fixed day, before the outcomes' dates below.
ISSUED_AT = datetime(2025, 1, 20, 3, 0, tzinfo=UTC)


def outcome(list_id: str, msme_id: str = "H0000001", **fields: object) -> OutcomeIn:
    """A valid outcome of `msme_id` on `list_id` (mentored, not digital), fields overridden."""
    base = OutcomeIn(
        list_id=list_id,
        msme_id=msme_id,
        mentored=True,
        digitalized=False,
        mentored_on=date(2025, 2, 1),
        observed_on=date(2026, 1, 31),
        verified_by="field_visit",
        program="Pendampingan UMKM Go Digital 2025",
    )
    return replace(base, **fields)  # type: ignore[arg-type]
