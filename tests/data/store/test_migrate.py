"""Migrations: up creates every table, down to base removes them, and up works again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from data.store import migrate
from data.store.engine import make_engine
from data.store.errors import MigrationError
from data.store.schema import Base

STORE_TABLES = {"issued_lists", "listed_msmes", "outcomes", "outcome_history"}


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_up_down_and_up_again(database_url: str) -> None:
    assert migrate.current(database_url) is None

    assert migrate.upgrade(database_url) == migrate.head_revision()
    assert tables(database_url) >= STORE_TABLES

    assert migrate.downgrade(database_url, migrate.BASE) is None
    assert tables(database_url).isdisjoint(STORE_TABLES)

    assert migrate.upgrade(database_url) == migrate.head_revision()
    assert tables(database_url) >= STORE_TABLES


def test_migrations_match_the_models(database_url: str) -> None:
    """A change to schema.py without a new revision fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_upgrade_twice_is_harmless(database_url: str) -> None:
    migrate.upgrade(database_url)
    assert migrate.upgrade(database_url) == migrate.head_revision()


def test_default_url_is_umkm_db_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No alembic.ini and no setting needed: any working folder gets its own umkm.db."""
    from data.store.settings import get_store_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("UMKM_DATABASE_URL", raising=False)
    get_store_settings.cache_clear()
    try:
        assert migrate.upgrade() == migrate.head_revision()
    finally:
        get_store_settings.cache_clear()
    assert (tmp_path / "umkm.db").is_file()


def test_setting_names_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from data.store.settings import get_store_settings

    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    monkeypatch.setenv("UMKM_DATABASE_URL", url)
    get_store_settings.cache_clear()
    try:
        migrate.upgrade()
        assert migrate.current() == migrate.head_revision()
    finally:
        get_store_settings.cache_clear()
    assert (tmp_path / "elsewhere.db").is_file()


def test_sqlite_enforces_foreign_keys_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'umkm.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_unknown_revision_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="nosuchrevision"):
        migrate.upgrade(f"sqlite:///{tmp_path / 'umkm.db'}", "nosuchrevision")


def test_a_bad_url_is_refused_without_echoing_it() -> None:
    from data.store.errors import StoreError

    with pytest.raises(StoreError) as raised:
        migrate.upgrade("not a url with s3cret")
    assert "s3cret" not in str(raised.value)


def test_db_commands(tmp_path: Path) -> None:
    """`umkm db upgrade|current|downgrade`: the revision on stdout, messages on stderr."""
    from typer.testing import CliRunner

    from umkm.cli import app

    url = f"sqlite:///{tmp_path / 'umkm.db'}"
    runner = CliRunner()
    head = migrate.head_revision()

    upgraded = runner.invoke(app, ["db", "upgrade", "--url", url])
    assert upgraded.exit_code == 0, upgraded.output
    assert upgraded.stdout.strip() == head
    assert f"upgraded to revision {head}" in upgraded.stderr

    current = runner.invoke(app, ["db", "current", "--url", url])
    assert (current.exit_code, current.stdout.strip()) == (0, head)

    downgraded = runner.invoke(app, ["db", "downgrade", "base", "--url", url])
    assert (downgraded.exit_code, downgraded.stdout.strip()) == (0, "none")

    failed = runner.invoke(app, ["db", "downgrade", "nosuchrevision", "--url", url])
    assert failed.exit_code == 1
    assert "error:" in failed.stderr
    assert failed.stdout == ""


def test_0008_upgrades_a_store_holding_a_list(database_url: str) -> None:
    """A list recorded before the source digest was kept reads back after the upgrade, with
    none, and is no repeat of anything."""
    from datetime import UTC, datetime

    from sqlalchemy import MetaData, Table, insert

    from data.store.repository import ProgramStore

    migrate.upgrade(database_url, "0007")
    engine = make_engine(database_url)
    try:
        tables = MetaData()
        issued = Table("issued_lists", tables, autoload_with=engine)
        listed = Table("listed_msmes", tables, autoload_with=engine)
        with engine.begin() as connection:
            connection.execute(
                insert(issued).values(
                    id="0000aaaa-list-before-0008",
                    created_at=datetime.now(UTC),
                    created_by="page",
                    model_name="umkm-uplift",
                    model_version="1",
                    options={"capacity": 1},
                    constraints={},
                    source_file="kandidat.csv",
                    exploration_share=0.0,
                )
            )
            connection.execute(
                insert(listed).values(
                    list_id="0000aaaa-list-before-0008",
                    msme_id="A-1",
                    profile={"province_code": "31"},
                    rank=1,
                    selected=True,
                    selected_by="model",
                    selection_probability=1.0,
                )
            )
    finally:
        engine.dispose()

    assert migrate.upgrade(database_url) == migrate.head_revision()

    store = ProgramStore.from_url(database_url)
    try:
        kept = store.get_list("0000aaaa-list-before-0008")
        assert kept.source_digest is None
        assert [member.msme_id for member in kept.members] == ["A-1"]
        assert store.issued_from("0" * 64, datetime(2000, 1, 1, tzinfo=UTC)) is None
        items, total = store.list_lists()
        assert (total, items[0].options) == (1, {"capacity": 1})
    finally:
        store.close()


def test_0009_knows_the_latest_list_of_each_source_issued_before_it(database_url: str) -> None:
    """Lists issued with a source digest before the claims' table came are known to it: the
    latest of each digest refuses a repeat after the upgrade."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import MetaData, Table, insert

    from data.store.errors import ListAlreadyIssuedError
    from data.store.repository import ProgramStore
    from tests.data.store.conftest import members

    migrate.upgrade(database_url, "0008")
    now = datetime.now(UTC)
    engine = make_engine(database_url)
    try:
        issued = Table("issued_lists", MetaData(), autoload_with=engine)
        common = {
            "created_by": "page",
            "model_name": "umkm-uplift",
            "model_version": "1",
            "options": {"capacity": 1},
            "constraints": {},
            "exploration_share": 0.0,
        }
        with engine.begin() as connection:
            for list_id, digest, hours in [
                ("list-a-older", "a" * 64, 5),
                ("list-a-latest", "a" * 64, 2),
                ("list-b", "b" * 64, 30),
                ("list-no-digest", None, 1),
            ]:
                at = now - timedelta(hours=hours)
                connection.execute(
                    insert(issued).values(id=list_id, created_at=at, source_digest=digest, **common)
                )
    finally:
        engine.dispose()

    migrate.upgrade(database_url)

    store = ProgramStore.from_url(database_url)
    try:
        day = timedelta(hours=24)
        found = store.issued_from("a" * 64, now - day)
        assert found is not None
        assert found.id == "list-a-latest"
        assert store.issued_from("b" * 64, now - day) is None  # older than a day
        with pytest.raises(ListAlreadyIssuedError) as refused:
            store.record_list(
                created_by="hp",
                model_name="umkm-uplift",
                model_version="1",
                members=members(3, 1),
                source_digest="a" * 64,
                refuse_repeat_within=day,
            )
        assert refused.value.earlier.id == "list-a-latest"
        assert store.issued_from("b" * 64, now - 2 * day) is not None
    finally:
        store.close()
