"""Service test fixtures: settings pointing at the session's registered model, clients, profiles."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest

from service.app import create_app
from service.settings import Settings
from tests.service.support import ADMIN_KEY, API_KEY, OTHER_API_KEY, TestClient, records

SERVICE_POSTGRES_VARIABLE = "UMKM_TEST_SERVICE_POSTGRES_URL"


@pytest.fixture(scope="session")
def candidate_frame(registered_model: Any) -> pd.DataFrame:
    """The session's simulated candidate profiles (contract columns only)."""
    from data.contract import PROFILE_COLUMNS

    frame: pd.DataFrame = registered_model.candidates
    return frame[[spec.name for spec in PROFILE_COLUMNS]].reset_index(drop=True)


@pytest.fixture(scope="session")
def profiles(candidate_frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Candidate profiles as JSON records."""
    return records(candidate_frame)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The session's program store (migrated at start): a SQLite file in a temporary folder, or
    a fresh database on the PostgreSQL server `UMKM_TEST_SERVICE_POSTGRES_URL` names (.ci/run
    runs the program routes' tests once that way)."""
    server = os.environ.get(SERVICE_POSTGRES_VARIABLE)
    if server:
        from tests.data.store.conftest import fresh_postgres_database

        yield from fresh_postgres_database(server)
        return
    yield f"sqlite:///{tmp_path_factory.mktemp('program') / 'umkm.db'}"


@pytest.fixture(scope="session")
def make_settings(registered_model: Any, database_url: str) -> Callable[..., Settings]:
    """Settings for the session's model and program store; keyword arguments override."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "model_uri": registered_model.model_uri,
            "tracking_uri": registered_model.tracking_uri,
            "api_keys": (API_KEY, OTHER_API_KEY),
            "admin_keys": (ADMIN_KEY,),
            "model_poll_seconds": 0,
            # Apps of different tests share the session's store: each keeps to itself unless
            # a test sets this (tests/service/test_workers.py).
            "worker_sync_seconds": 0,
            # Each app's model load would collect the whole test process (0.4 s on average,
            # 106 loads in tests/service); tests/service/test_heap.py turns it on.
            "freeze_heap": False,
            "database_url": database_url,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)

    return make


@pytest.fixture(scope="module")
def client(make_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    """One running app per test module (the lifespan loads the model once)."""
    with TestClient(create_app(make_settings())) as test_client:
        yield test_client
