"""The store's one setting: read from UMKM_DATABASE_URL when asked, never at import."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.store.settings import DEFAULT_DATABASE_URL, StoreSettings, database_url

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_env_example_lists_every_store_setting_with_its_default() -> None:
    example = REPO_ROOT / ".env.example"
    text = example.read_text()
    for name in StoreSettings.model_fields:
        assert f"UMKM_{name.upper()}=" in text, name
    assert StoreSettings(_env_file=example) == StoreSettings(_env_file=None)  # type: ignore[call-arg]


def test_the_default_is_umkm_db_in_the_working_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UMKM_DATABASE_URL", raising=False)
    assert StoreSettings(_env_file=None).database_url == DEFAULT_DATABASE_URL  # type: ignore[call-arg]
    assert DEFAULT_DATABASE_URL == "sqlite:///umkm.db"


def test_an_explicit_url_wins_over_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UMKM_DATABASE_URL", "sqlite:///elsewhere.db")
    assert database_url("sqlite:///given.db") == "sqlite:///given.db"


def test_an_empty_url_is_refused_without_echoing_the_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UMKM_DATABASE_URL", "")
    with pytest.raises(ValueError) as raised:
        StoreSettings(_env_file=None)  # type: ignore[call-arg]
    assert "input_value" not in str(raised.value)
