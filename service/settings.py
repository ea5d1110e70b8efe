"""Settings of the scoring service, read from `UMKM_*` environment variables (or a `.env` file)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import NoDecode
from pydantic_settings import SettingsError as SourceError

from data.messages import Language
from data.store.settings import StoreSettings
from models.settings import ModelSettings
from service.exceptions import ServiceError
from service.keys import (
    ALL_SCOPES,
    DEFAULT_API_SCOPES,
    ApiKey,
    check_distinct,
    configured_keys,
    parse_entries,
    read_keys_file,
)

# The longest valid profile is about 480 bytes of compact JSON and 570 indented with a cost
# (tests/service/test_limits.py builds it). Default body limits allow 720 bytes per MSME at each
# route's documented maximum: a legal request fits, and a body much larger is refused unread.
BYTES_PER_MSME = 720
MAX_SCORE_MSMES = 10_000
MAX_PRIORITIZE_MSMES = 100_000
MAX_OUTCOMES = 10_000  # per POST /v1/outcomes
OUTCOME_BYTES = 1_024  # an outcome with every string at its limit is about 600 bytes of JSON
BODY_ENVELOPE_BYTES = 64 * 1024


class Settings(StoreSettings, ModelSettings):
    """Everything the service can be told at start; see `.env.example` for the variables.

    The store's settings (`database_url`: the program store of issued lists and outcomes,
    migrated when the service starts) and how they are read come from `StoreSettings`, the
    model's (`model_uri`, which `umkm score` and `umkm prioritize` read too) from
    `ModelSettings`: inputs
    are hidden from errors there, so keys never reach a log, not even inside a traceback."""

    api_keys: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Keys accepted in X-API-Key, comma-separated: a bare key (16+ printable "
        "ASCII characters; scopes read+lists+outcomes, named api-key-<position>) or "
        "name:scopes:key with scopes from read, lists, outcomes, admin joined by + "
        "(name::key: the default scopes). Empty, and no UMKM_API_KEYS_FILE: open (demo).",
    )
    admin_keys: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Admin keys, comma-separated, in the same format; they hold every scope "
        "unless their entry lists some (bare ones are named admin-key-<position>). "
        "No key with the admin scope: admin routes disabled.",
    )
    api_keys_file: Path | None = Field(
        default=None,
        description="A file of key entries in the format of UMKM_API_KEYS, one per line (blank "
        "lines and # comments skipped; bare keys named file-key-<line>; a line whose scopes "
        "include admin is an admin key), added to the keys above and read again while serving "
        "when it changes. Set: the API is never open, even with the file empty or gone.",
    )
    api_keys_file_check_seconds: float = Field(
        default=5.0,
        ge=0,
        le=3600,
        allow_inf_nan=False,
        description="How often each worker looks at UMKM_API_KEYS_FILE for a change (its "
        "modification time and size; read only when they changed), on a request; 0: at every "
        "request.",
    )
    tracking_uri: str | None = Field(
        default=None, description="MLflow tracking/registry URI; unset: MLFLOW_TRACKING_URI."
    )
    model_poll_seconds: float = Field(
        default=60.0, ge=0, description="How often to check the alias for a new version; 0: never."
    )
    worker_sync_seconds: float = Field(
        default=10.0,
        ge=0,
        le=3600,
        description="How often each worker saves its drift counts to the program store and "
        "acts on admin reloads received by other workers (or replicas on the same store); "
        "0: workers share nothing (each its own drift; a reload reaches one worker).",
    )
    freeze_heap: bool = Field(
        default=True,
        description="After each model load, collect once and set every object then alive (the "
        "model, the libraries) aside from the garbage collector (gc.freeze), so that full "
        "collections no longer stop a worker for 100-700 ms under load; false: ordinary "
        "collection.",
    )
    model_load_timeout_seconds: float = Field(
        default=120.0,
        gt=0,
        le=3600,
        description="Time limit of one model load (registry lookup and download); /readyz "
        "reports a load that runs out of it.",
    )
    max_score_msmes: int = Field(
        default=MAX_SCORE_MSMES, ge=1, le=MAX_SCORE_MSMES, description="MSMEs per /v1/scores."
    )
    max_prioritize_msmes: int = Field(
        default=MAX_PRIORITIZE_MSMES,
        ge=1,
        le=MAX_PRIORITIZE_MSMES,
        description="MSMEs per /v1/prioritize (longer lists: `umkm prioritize` with files).",
    )
    max_body_bytes_scores: int | None = Field(
        default=None, ge=1024, description="Body limit of POST /v1/scores; unset: from the maximum."
    )
    max_body_bytes_prioritize: int | None = Field(
        default=None, ge=1024, description="Body limit of POST /v1/prioritize; unset: likewise."
    )
    max_body_bytes_default: int = Field(
        default=1024 * 1024, ge=1024, description="Body limit of every other route."
    )
    default_language: Language = Field(
        default="id", description="Language of reasons when Accept-Language names neither."
    )

    @field_validator("api_keys", "admin_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        """Accept `a,b,c` from the environment as well as a list from code."""
        if isinstance(value, str):
            return tuple(key.strip() for key in value.split(",") if key.strip())
        return value

    @field_validator("api_keys")
    @classmethod
    def _api_entries_are_valid(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        """Refuse short keys (a guessable key is worse than none, because it looks safe) and
        entries whose name or scopes cannot be read."""
        parse_entries(value, default_scopes=DEFAULT_API_SCOPES, bare_name="api-key")
        return value

    @field_validator("admin_keys")
    @classmethod
    def _admin_entries_are_valid(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        parse_entries(value, default_scopes=ALL_SCOPES, bare_name="admin-key")
        return value

    @field_validator("api_keys_file", mode="before")
    @classmethod
    def _empty_file_is_unset(cls, value: object) -> object:
        """`UMKM_API_KEYS_FILE=` (as .env.example would have it) names no file."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("api_keys_file")
    @classmethod
    def _keys_file_is_valid(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        """At start the file must be there and every line usable (later, a bad edit is only
        logged and not applied: `service.key_ring`); the message names the file and the line."""
        if value is not None:
            # The environment's keys, if they are valid (their own errors are theirs).
            try:
                against = configured_keys(
                    info.data.get("api_keys", ()), info.data.get("admin_keys", ())
                )
            except ValueError:
                against = ()
            read_keys_file(value, against=against)
        return value

    @model_validator(mode="after")
    def _keys_are_distinct(self) -> Settings:
        check_distinct(self.keys)
        return self

    @property
    def keys(self) -> tuple[ApiKey, ...]:
        """Every key of the environment (not the keys file's) with its name and scopes, API keys
        first."""
        return configured_keys(self.api_keys, self.admin_keys)

    @property
    def body_limit_scores(self) -> int:
        """Bytes allowed in a POST /v1/scores body."""
        return self.max_body_bytes_scores or limit_for(self.max_score_msmes)

    @property
    def body_limit_prioritize(self) -> int:
        """Bytes allowed in a POST /v1/prioritize body."""
        return self.max_body_bytes_prioritize or limit_for(self.max_prioritize_msmes)


def limit_for(items: int, item_bytes: int = BYTES_PER_MSME) -> int:
    """Bytes of a body holding `items` entries of at most `item_bytes` each."""
    return items * item_bytes + BODY_ENVELOPE_BYTES


class SettingsError(ServiceError, ValueError):
    """Settings that cannot be used; the message names each setting and its rule, never a value."""


def describe_settings_error(error: ValidationError) -> str:
    """One line: `UMKM_API_KEYS: key number 2 is shorter than 16 characters; UMKM_...: ...`."""
    parts = []
    for problem in error.errors(include_input=False, include_url=False, include_context=False):
        name = str(problem["loc"][0]) if problem["loc"] else ""
        variable = f"UMKM_{name.upper()}" if name in Settings.model_fields else "settings"
        rule = str(problem["msg"]).removeprefix("Value error, ")
        parts.append(f"{variable}: {rule}")
    return "; ".join(parts)


@cache
def get_settings() -> Settings:
    """The settings from the environment, read once per process (tests pass their own).

    Raises `SettingsError` with a one-line message; the validation error (which would quote the
    values, API keys included) is not chained to it.
    """
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(describe_settings_error(error)) from None
    except SourceError as error:  # a value the source could not even decode
        raise SettingsError(f"settings: {error}".splitlines()[0]) from None


def unknown_variables(environ: Mapping[str, str], env_file: Path | None) -> list[str]:
    """`UMKM_*` names in `environ` or `env_file` that no setting reads, each with the setting it
    looks like (`UMKM_API_KEY: not a setting; did you mean UMKM_API_KEYS?`). pydantic-settings
    ignores them, so a misspelt key would leave the API open without a word."""
    from difflib import get_close_matches

    from dotenv import dotenv_values

    from data.reference import ReferenceSettings

    fields = [*Settings.model_fields, *ReferenceSettings.model_fields]  # the simulator's own
    known = {f"UMKM_{name.upper()}" for name in fields}
    names = {name.upper() for name in environ}
    if env_file is not None and env_file.is_file():
        names |= {name.upper() for name in dotenv_values(env_file)}
    lines = []
    for name in sorted(n for n in names if n.startswith("UMKM_") and n not in known):
        if name.startswith("UMKM_TEST_"):  # the test suite's own (UMKM_TEST_POSTGRES_URL)
            continue
        close = get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        hint = f"; did you mean {close[0]}?" if close else ""
        lines.append(f"{name}: not a setting (ignored){hint}")
    return lines
