"""Settings from UMKM_* variables: comma-separated keys, unsafe values refused."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from service.settings import Settings, describe_settings_error


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
    example = Path(__file__).resolve().parents[2] / ".env.example"
    text = example.read_text()
    for name in Settings.model_fields:
        assert f"UMKM_{name.upper()}=" in text, name
    assert Settings(_env_file=example) == Settings(_env_file=None)


GOOD_KEY = "good-key-0123456789abcdef"
SHORT_KEY = "tiny-k3y"


def _start(command: list[str], folder: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """Run `command` in a clean folder (no .env) with `settings` (`UMKM_<NAME>`), by default a
    good and a short key."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("UMKM_")}
    settings = settings or {"api_keys": f"{GOOD_KEY},{SHORT_KEY}"}
    env |= {f"UMKM_{name.upper()}": value for name, value in settings.items()}
    return subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "command",
    [
        pytest.param([sys.executable, "-m", "umkm", "serve", "--port", "1"], id="umkm serve"),
        pytest.param(
            [sys.executable, "-m", "uvicorn", "--factory", "service.app:create_app", "--port", "1"],
            id="app factory",
        ),
    ],
)
def test_a_short_key_stops_the_start_with_one_line_and_no_key(
    command: list[str], tmp_path: Path
) -> None:
    started = _start(command, tmp_path)
    output = started.stdout + started.stderr

    assert started.returncode != 0
    assert output.strip().splitlines() == [
        "error: UMKM_API_KEYS: key number 2 is shorter than 16 characters"
    ]
    assert GOOD_KEY not in output and SHORT_KEY not in output
    assert "Traceback" not in output


SERVE = [sys.executable, "-m", "umkm", "serve", "--port", "1"]


def test_a_missing_keys_file_stops_the_start_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "secrets" / "umkm-api-keys"
    started = _start(SERVE, tmp_path, api_keys=GOOD_KEY, api_keys_file=str(missing))
    output = started.stdout + started.stderr

    assert started.returncode == 2
    assert output.strip().splitlines() == [
        f"error: UMKM_API_KEYS_FILE: {missing} cannot be read (No such file or directory)"
    ]
    assert GOOD_KEY not in output


def test_a_bad_line_of_the_keys_file_stops_the_start_naming_the_line_never_the_key(
    tmp_path: Path,
) -> None:
    keys_file = tmp_path / "umkm-api-keys"
    keys_file.write_text(f"# reporting systems\n\nreporting:read:{GOOD_KEY}\nbad::{SHORT_KEY}\n")
    started = _start(SERVE, tmp_path, api_keys_file=str(keys_file))
    output = started.stdout + started.stderr

    assert started.returncode == 2
    assert output.strip().splitlines() == [
        f"error: UMKM_API_KEYS_FILE: {keys_file}: line 4 is shorter than 16 characters"
    ]
    assert GOOD_KEY not in output and SHORT_KEY not in output
    assert "Traceback" not in output


def test_keys_of_the_file_are_checked_against_the_environments(tmp_path: Path) -> None:
    keys_file = tmp_path / "keys"
    keys_file.write_text(f"page:read:{GOOD_KEY}\n")
    with pytest.raises(ValidationError) as raised:  # the name with other scopes
        Settings(_env_file=None, api_keys=f"page::{'p' * 20}", api_keys_file=keys_file)  # type: ignore[arg-type]
    message = describe_settings_error(raised.value)
    assert message.startswith(f"UMKM_API_KEYS_FILE: {keys_file}: line 1: its name is also key ")
    assert "share a name" in message and GOOD_KEY not in str(raised.value)

    with pytest.raises(ValidationError) as raised:  # the same key twice
        Settings(_env_file=None, admin_keys=GOOD_KEY, api_keys_file=keys_file)  # type: ignore[arg-type]
    assert "line 1: a key appears twice (also key number 1 of UMKM_ADMIN_KEYS)" in (
        describe_settings_error(raised.value)
    )

    keys_file.write_text(f"page:read+lists+outcomes:{GOOD_KEY}\nops:read+admin:{'o' * 20}\n")
    settings = Settings(_env_file=None, api_keys=f"page::{'p' * 20}", api_keys_file=keys_file)  # type: ignore[arg-type]
    assert settings.api_keys_file == keys_file
    assert [key.name for key in settings.keys] == ["page"]  # the file's are the app's to read
    assert Settings(_env_file=None, api_keys_file=" ").api_keys_file is None  # type: ignore[arg-type]


def test_keys_may_share_a_name_only_with_the_same_scopes() -> None:
    """Rotation: the old and the new key side by side under one name (lists keep their issuer)."""
    settings = Settings(
        _env_file=None,
        api_keys=f"dinas:read+lists:{'a' * 20},dinas:lists+read:{'b' * 20}",  # type: ignore[arg-type]
    )
    assert [key.name for key in settings.keys] == ["dinas", "dinas"]
    assert {key.scopes for key in settings.keys} == {frozenset({"read", "lists"})}
    with pytest.raises(ValidationError, match="share a name"):
        Settings(_env_file=None, api_keys=f"dinas::{'a' * 20},dinas:read:{'b' * 20}")  # type: ignore[arg-type]


def test_the_settings_error_names_each_setting_never_a_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UMKM_ADMIN_KEYS", f"{GOOD_KEY},{SHORT_KEY}")
    monkeypatch.setenv("UMKM_MODEL_POLL_SECONDS", "-7.5")
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None)

    message = describe_settings_error(raised.value)
    assert message.startswith("UMKM_ADMIN_KEYS: key number 2 is shorter than 16 characters; ")
    assert "UMKM_MODEL_POLL_SECONDS: Input should be greater than or equal to 0" in message
    # Even the raw error (what a traceback would show) hides the values.
    assert SHORT_KEY not in str(raised.value) and "-7.5" not in str(raised.value)


def test_keys_may_carry_a_name_and_scopes() -> None:
    settings = Settings(
        _env_file=None,
        api_keys="first-key-0123456789,reporting:read:second-key-0123456789,"  # type: ignore[arg-type]
        "dinas-jabar::third-key-01234:56789",
        admin_keys="admin-key-0123456789",  # type: ignore[arg-type]
    )
    keys = {key.name: key for key in settings.keys}
    assert set(keys) == {"api-key-1", "reporting", "dinas-jabar", "admin-key-1"}
    assert keys["api-key-1"].scopes == {"read", "lists", "outcomes"}  # bare keys as before
    assert keys["reporting"].scopes == {"read"}
    assert keys["dinas-jabar"].scopes == {"read", "lists", "outcomes"}
    assert keys["dinas-jabar"].secret == b"third-key-01234:56789"  # colons after the second
    assert keys["admin-key-1"].scopes == {"read", "lists", "outcomes", "admin"}
    assert "0123456789" not in repr(settings.keys)


@pytest.mark.parametrize(
    ("entries", "rule"),
    [
        ("reader:writes:secret-key-0123456789", "key number 1: scopes are read, lists"),
        ("reader:read+read:secret-key-0123456789", "key number 1: scopes are"),
        ("no spaces:read:secret-key-0123456789", "key number 1: a name is"),
        ("reader:read:short", "key number 1 is shorter than 16 characters"),
        ("a:read:secret-key-0123456789,a:lists:other-key-0123456789", "share a name"),
        ("secret-key-0123456789,x::secret-key-0123456789", "appears twice"),
    ],
)
def test_unreadable_key_entries_are_refused_by_number_never_echoed(entries: str, rule: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None, api_keys=entries)  # type: ignore[arg-type]
    message = describe_settings_error(raised.value)
    assert rule in message
    assert "secret-key" not in message and "secret-key" not in str(raised.value)
    assert "writes" not in message and "spaces" not in message


def test_a_misspelt_setting_is_named_with_the_one_it_looks_like(tmp_path: Path) -> None:
    """pydantic-settings ignores unknown names: UMKM_API_KEY (no S) would leave the API open."""
    from service.settings import unknown_variables

    env_file = tmp_path / ".env"
    env_file.write_text("UMKM_MODEL_URL=models:/x@champion\nUMKM_DATABASE_URL=sqlite:///a.db\n")
    environ = {"UMKM_API_KEY": "page::" + "k" * 20, "UMKM_API_KEYS": "", "PATH": "/bin"}
    environ |= {"UMKM_TEST_POSTGRES_URL": "postgresql+psycopg://x", "UMKM_ZZZ": "1"}
    assert unknown_variables(environ, env_file) == [
        "UMKM_API_KEY: not a setting (ignored); did you mean UMKM_API_KEYS?",
        "UMKM_MODEL_URL: not a setting (ignored); did you mean UMKM_MODEL_URI?",
        "UMKM_ZZZ: not a setting (ignored)",
    ]
    assert unknown_variables({"UMKM_API_KEYS": ""}, None) == []
    # The simulator's setting is known too (`umkm simulate` reads it; `.env` is shared).
    assert unknown_variables({"UMKM_SHARED_DATA": "/srv/shared/data"}, None) == []


def test_serve_waits_for_a_database_server_then_says_why_it_gave_up(tmp_path: Path) -> None:
    pytest.importorskip("psycopg", reason="the postgres extra is not installed")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {name: value for name, value in os.environ.items() if not name.startswith("UMKM_")}
    env["UMKM_DATABASE_URL"] = f"postgresql+psycopg://ops:{GOOD_KEY}@127.0.0.1:{port}/umkm"
    env["UMKM_DATABASE_WAIT_SECONDS"] = "1.5"
    started = subprocess.run(
        [sys.executable, "-m", "umkm", "serve", "--port", "1"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = started.stderr.strip().splitlines()

    assert started.returncode == 1
    assert lines[0].startswith("warning: program store: the database server takes no connection")
    assert "(attempt 1, for up to 1.5 s, UMKM_DATABASE_WAIT_SECONDS)" in lines[0]
    assert lines[-1].startswith(
        "error: program store: the database server took no connection within 1.5 s"
    )
    assert GOOD_KEY not in started.stdout + started.stderr
    assert "Traceback" not in started.stderr
