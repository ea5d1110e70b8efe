"""Settings from UMKM_* variables: comma-separated keys, unsafe values refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from service.settings import Settings


def test_keys_come_comma_separated_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UMKM_API_KEYS", " first-key-0123456789 , second-key-0123456789,")
    monkeypatch.setenv("UMKM_ADMIN_KEYS", "admin-key-0123456789")
    monkeypatch.setenv("UMKM_MODEL_POLL_SECONDS", "15")
    monkeypatch.setenv("UMKM_MODEL_URI", "models:/other@candidate")
    settings = Settings(_env_file=None)
    assert settings.api_keys == ("first-key-0123456789", "second-key-0123456789")
    assert settings.admin_keys == ("admin-key-0123456789",)
    assert settings.model_poll_seconds == 15
    assert settings.model_uri == "models:/other@candidate"


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("UMKM_API_KEYS", "UMKM_ADMIN_KEYS", "UMKM_MODEL_URI", "UMKM_MODEL_POLL_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.api_keys == () and settings.admin_keys == ()
    assert settings.model_uri == "models:/umkm-uplift@champion"
    assert settings.model_poll_seconds == 60
    assert settings.default_language == "id"


@pytest.mark.parametrize(
    "values",
    [
        {"api_keys": "short"},
        {"admin_keys": "long-enough-key-123,tiny"},
        {"api_keys": "kunci-rahasia-ñandú-123"},
        {"model_poll_seconds": -1},
        {"max_body_bytes_scores": 10},
        {"default_language": "fr"},
    ],
)
def test_unsafe_or_broken_settings_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_env_example_lists_every_setting_and_parses() -> None:
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / ".env.example"
    text = example.read_text()
    for name in Settings.model_fields:
        assert f"UMKM_{name.upper()}=" in text, name
    assert Settings(_env_file=example) == Settings(_env_file=None)
