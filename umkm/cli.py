"""`umkm`: the project's one command line. Each package registers its own commands here.

This module is the composition root: it is the only place that sees data, training and service
together. Command bodies import their heavy dependencies lazily so `umkm --help` stays fast.
"""

from __future__ import annotations

import typer

from data import cli as data_cli
from service import cli as service_cli
from training import cli as training_cli

app = typer.Typer(
    name="umkm",
    help="Who should get mentoring? Simulate, validate, train, score, prioritize and serve.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

data_cli.register(app)
training_cli.register(app)
service_cli.register(app)


def main() -> None:
    """Entry point for `python -m umkm`."""
    app()
