"""Which model the command line scores with when no `--model` is given: `UMKM_MODEL_URI`.

Read like every `UMKM_*` setting (pydantic-settings: the environment, else `.env` in the working
folder), so `umkm score`, `umkm prioritize` and the service (`service.settings`) agree on the
model; a command's own `--model` wins.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from data.contract import DEFAULT_MODEL_URI

MODEL_OPTION_HELP = (
    "MLflow URI of the uplift model; default: the setting UMKM_MODEL_URI (environment or .env), "
    f"else {DEFAULT_MODEL_URI}."
)


class ModelSettings(BaseSettings):
    """`UMKM_MODEL_URI`, read from the environment or `.env`."""

    model_config = SettingsConfigDict(
        env_prefix="UMKM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    model_uri: str = Field(
        default=DEFAULT_MODEL_URI,
        min_length=1,
        description="MLflow URI of the uplift model to serve and to score with.",
    )


def model_uri_or_setting(given: str | None) -> str:
    """The model a command was given (`--model`), else the `UMKM_MODEL_URI` setting."""
    return given if given is not None else ModelSettings().model_uri
