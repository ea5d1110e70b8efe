"""The composition root: a configuration mistake in any command is one line on stderr naming the
setting and its rule (never its value), with exit code 2; no traceback."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from typer.testing import CliRunner

from service.settings import Settings, get_settings
from umkm.cli import app, describe_configuration_error

REPO = Path(__file__).resolve().parents[2]
SHORT_KEY = "short-key-7"  # 11 characters
GOOD_KEY = "a-good-key-of-24-chars!!"


class _StoreSettings(BaseSettings):
    """A second deployable's settings, as another package would declare them."""

    model_config = SettingsConfigDict(env_prefix="UMKM_", hide_input_in_errors=True)
    pool_size: int = Field(default=5, ge=1)


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(REPO.parent)  # no .env of the working copy
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _service_settings() -> object:
    return Settings(_env_file=None)


def _store_settings() -> object:
    return _StoreSettings()


def _raising(build: Callable[[], object]) -> Callable[..., object]:
    def domain_function(*args: object, **kwargs: object) -> object:
        return build()

    return domain_function


# Each command, and a domain function it calls that reads settings (patched in for the test).
COMMANDS = [
    (["validate", "--data", "x.csv"], "data.validation", "validate_file"),
    (["simulate", "--rows", "10", "--output", "sim"], "data.simulate", "simulate_to_dir"),
    (["train", "--quiet"], "training.config", "load_config"),
    (["promote", "--version", "1", "--reason", "x"], "training.registry", "promote"),
    (["score", "--data", "x.csv", "--output", "y.csv"], "training.score", "score_file"),
]


@pytest.mark.parametrize(("argv", "module", "function"), COMMANDS, ids=[c[0][0] for c in COMMANDS])
def test_every_command_answers_a_settings_mistake_with_one_line(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], module: str, function: str
) -> None:
    monkeypatch.setenv("UMKM_API_KEYS", f"{GOOD_KEY},{SHORT_KEY}")
    monkeypatch.setattr(f"{module}.{function}", _raising(_service_settings))

    result = CliRunner().invoke(app, argv)

    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: UMKM_API_KEYS: key number 2 is shorter than 16 characters"
    ]
    assert SHORT_KEY not in result.output and GOOD_KEY not in result.output


def test_any_settings_class_is_named_by_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UMKM_POOL_SIZE", "-31")
    monkeypatch.setattr("data.validation.validate_file", _raising(_store_settings))

    result = CliRunner().invoke(app, ["validate", "--data", "x.csv"])

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: UMKM_POOL_SIZE: Input should be greater than or equal to 1"
    ]
    assert "-31" not in result.output


def test_serve_refuses_a_short_key_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UMKM_API_KEYS", SHORT_KEY)

    result = CliRunner().invoke(app, ["serve"])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: UMKM_API_KEYS: key number 1 is shorter than 16 characters"
    ]


def test_a_training_config_mistake_is_one_line_naming_each_field(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('folds = 1\nlearners = ["q"]\n', encoding="utf-8")

    result = CliRunner().invoke(app, ["train", "--config", str(config), "--quiet"])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: {config}: invalid training config: field learners.0: Input should be 's', "
        "'t', 'x', 'dr' or 'r'; field folds: Input should be greater than or equal to 2"
    ]


def test_a_process_gets_one_line_and_no_traceback(tmp_path: Path) -> None:
    """The installed entry point, in a fresh process: what an operator sees."""
    config = tmp_path / "bad.toml"
    config.write_text("seed = 'zero'\n", encoding="utf-8")

    completed = subprocess.run(
        [sys.executable, "-m", "umkm", "train", "--config", str(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.splitlines() == [
        f"error: {config}: invalid training config: field seed: Input should be a valid integer, "
        "unable to parse string as an integer"
    ]


def test_the_description_never_holds_a_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UMKM_ADMIN_KEYS", SHORT_KEY)
    monkeypatch.setenv("UMKM_MODEL_POLL_SECONDS", "-7.5")
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None)

    message = describe_configuration_error(raised.value)

    assert message == (
        "UMKM_ADMIN_KEYS: key number 1 is shorter than 16 characters; "
        "UMKM_MODEL_POLL_SECONDS: Input should be greater than or equal to 0"
    )


# Commands with --lang, and a domain function each calls after reading its options.
LANG_COMMANDS = [
    (["validate", "--data", "x.csv"], "data.validation", "validate_file"),
    (["evaluate-policy", "--all"], "data.store.engine", "make_engine"),
]


@pytest.mark.parametrize("command", LANG_COMMANDS, ids=[c[0][0] for c in LANG_COMMANDS])
@pytest.mark.parametrize(("lang", "label"), [("id", "galat:"), ("en", "error:"), (None, "error:")])
def test_a_configuration_error_is_labelled_in_the_commands_language(
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[list[str], str, str],
    lang: str | None,
    label: str,
) -> None:
    argv, target, function = command
    monkeypatch.setenv("UMKM_POOL_SIZE", "-31")
    monkeypatch.setattr(f"{target}.{function}", _raising(_store_settings))

    result = CliRunner().invoke(app, argv + (["--lang", lang] if lang else []))

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"{label} UMKM_POOL_SIZE: Input should be greater than or equal to 1"
    ]


def test_a_database_url_that_names_no_database_is_one_line_in_the_commands_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for url, lang, line in (
        ("notaurl", "en", "error: UMKM_DATABASE_URL is not a database URL"),
        ("notaurl", "id", "galat: UMKM_DATABASE_URL bukan URL basis data"),
        ("nodialect://x", "id", "galat: UMKM_DATABASE_URL menyebut nodialect: penyimpanan"),
    ):
        argv = ["evaluate-policy", "--all", "--url", url, "--lang", lang]
        result = CliRunner().invoke(app, argv)
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines()[0].startswith(line), result.stderr
        assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("command", "named"),
    [
        (["score"], ["p_digital_if_mentored, p_digital_if_not, uplift and segment", "msme_id"]),
        (["serve"], ["UMKM_API_KEYS", "UMKM_MODEL_URI", "UMKM_DATABASE_URL"]),
        (["evaluate-policy"], ["default: UMKM_DATABASE_URL, else sqlite:///umkm.db"]),
        (["promote"], ["--force", "weak_evidence = true"]),
    ],
    ids=["score", "serve", "evaluate-policy", "promote"],
)
def test_help_names_what_the_command_reads_and_writes(command: list[str], named: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.replace("│", " ").split())
    for words in named:
        assert words in text


def _command_rows(panel: list[str]) -> dict[str, list[str]]:
    """A help panel's rows by command: the description column's lines of each."""
    rows: dict[str, list[str]] = {}
    name = ""
    for line in panel:
        cells = line.strip("│ ").split(None, 1) if line.startswith("│") else []
        if line.startswith("│ ") and not line.startswith("│  ") and cells:
            name = cells[0]
            rows[name] = [cells[1]] if len(cells) > 1 else []
        elif name and cells:
            rows[name].append(line.strip("│ "))
    return rows


@pytest.mark.parametrize("group", [[], ["db"]], ids=["umkm", "umkm db"])
def test_help_wraps_descriptions_at_the_terminal_width_not_at_the_sources_line_breaks(
    group: list[str],
) -> None:
    result = CliRunner().invoke(app, [*group, "--help"], env={"COLUMNS": "100"})

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "Commands" in line)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("╰"))
    first = lines[start + 1]  # "│ name   description … │"
    after_name = first.index(first.split()[1]) + len(first.split()[1])
    column = after_name + len(first[after_name:]) - len(first[after_name:].lstrip())
    width = len(first) - column - len(" │")
    rows = _command_rows(lines[start + 1 : end])
    assert len(rows) >= 3, rows
    for name, described in rows.items():
        # Wrapped greedily at the column's width, no line could have taken the next word.
        for line, after in itertools.pairwise(described):
            assert len(line) + 1 + len(after.split()[0]) > width, (name, line, after)


def test_every_commands_help_has_its_paragraphs_on_one_line() -> None:
    commands = [*app.registered_commands]
    groups = [g.typer_instance for g in app.registered_groups if g.typer_instance is not None]
    commands += [c for group in groups for c in group.registered_commands]
    assert len(commands) >= 13
    for command in commands:
        assert command.help, command.name
        assert all("\n" not in part for part in command.help.split("\n\n")), command.name


PROGRESS_BARS = "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"


@pytest.mark.parametrize(("before", "after"), [(None, "false"), ("true", "true")])
def test_mlflows_download_bars_are_off_unless_the_environment_asks_for_them(
    before: str | None, after: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(PROGRESS_BARS, "placeholder")  # restored (or removed) after the test
    if before is None:
        monkeypatch.delenv(PROGRESS_BARS)
    else:
        monkeypatch.setenv(PROGRESS_BARS, before)
    result = CliRunner().invoke(app, ["simulate", "--rows", "20", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert os.environ[PROGRESS_BARS] == after
