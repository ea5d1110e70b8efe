"""Commands of this package for the `umkm` CLI (registered by `umkm.cli`)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `umkm` app."""
