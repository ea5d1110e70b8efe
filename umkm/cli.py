"""`umkm`: the project's one command line. Each package registers its own commands here.

This module is the composition root: it is the only place that sees data, training and service
together. Command bodies import their heavy dependencies lazily so `umkm --help` stays fast.
A configuration mistake in any command (a setting, a training config) is answered here with one
line on stderr naming the setting and its rule, never its value, and exit code 2; so is a model
URI that names no model (`models.errors.ModelLookupError`: the model, the tracking store with its
credentials masked, and what to check, in the command's `--lang` where it has one).
"""

from __future__ import annotations

import inspect
import os
from typing import Any

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError as SettingsSourceError
from typer.core import TyperGroup

from data import cli as data_cli
from data import console
from service import cli as service_cli
from training import cli as training_cli

# Every deployable's settings class reads `UMKM_*` variables (pydantic-settings, env prefix).
ENV_PREFIX = "UMKM_"
# MLflow draws a progress bar for each artifact download (a champion's files read by the
# promotion gate): noise between the commands' own lines. Set to "true" to see them.
QUIET_MLFLOW = {"MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false"}


def describe_configuration_error(error: ValidationError) -> str:
    """One line, `UMKM_API_KEYS: key number 2 is shorter than 16 characters; ...`: each setting
    named with its rule; the values (API keys among them) are never included."""
    settings = error.title.endswith("Settings")
    parts = []
    for problem in error.errors(include_input=False, include_url=False, include_context=False):
        loc = [str(part) for part in problem["loc"]]
        if settings and loc:
            name = f"{ENV_PREFIX}{loc[0].upper()}"
        else:
            name = f"{error.title} field {'.'.join(loc)}" if loc else error.title
        rule = str(problem["msg"]).removeprefix("Value error, ")
        parts.append(f"{name}: {rule}")
    return "; ".join(parts)


class _Commands(TyperGroup):
    """The `umkm` group: configuration errors of every command, and model URIs that name no
    model, become one line, exit code 2."""

    def invoke(self, ctx: Any) -> Any:  # Any: the Context of typer's vendored click
        from models.errors import ModelLookupError
        from service.settings import SettingsError
        from training.config import ConfigError

        for name, value in QUIET_MLFLOW.items():
            os.environ.setdefault(name, value)
        try:
            return super().invoke(ctx)
        except ValidationError as error:
            message = describe_configuration_error(error)
        except (SettingsError, SettingsSourceError, ConfigError) as error:
            message = " ".join(str(error).split())
        except ModelLookupError as error:  # a model URI naming nothing (score, prioritize, ...)
            from data.messages import render

            worded = render(error.code, error.params, data_cli.command_language(ctx))
            message = " ".join(worded.split())
        console.error(message, language=data_cli.command_language(ctx))  # `galat:` for --lang id
        raise typer.Exit(2)


app = typer.Typer(
    cls=_Commands,
    name="umkm",
    help="Who should get mentoring? Simulate, validate, train, score, prioritize and serve.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def paragraphs_on_one_line(text: str) -> str:
    """``text`` (a docstring) with each paragraph's source line breaks turned into spaces;
    paragraphs stay apart."""
    return "\n\n".join(" ".join(part.split()) for part in inspect.cleandoc(text).split("\n\n"))


def _reflow_help(typer_app: typer.Typer) -> None:
    """Typer's rich help prints a docstring's line breaks where the source has them, so that
    `umkm --help` broke sentences mid-line ("one row per listed" / "MSME with an outcome"); each
    command's help is given with its paragraphs on one line, to be wrapped at the terminal's
    width."""
    for command in typer_app.registered_commands:
        text = command.help or inspect.getdoc(command.callback)
        if text:
            command.help = paragraphs_on_one_line(text)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _reflow_help(group.typer_instance)


data_cli.register(app)
training_cli.register(app)
service_cli.register(app)
_reflow_help(app)


def main() -> None:
    """Entry point for `python -m umkm`."""
    app()
