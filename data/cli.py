"""Commands of the data package: `umkm simulate` and `umkm validate`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer


def simulate(
    rows: Annotated[int, typer.Option(min=1, help="History rows (mentoring records) to simulate.")],
    output: Annotated[Path, typer.Option(help="Folder for history, candidates and truth.")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 0,
    candidates: Annotated[
        int | None, typer.Option(min=1, help="Candidate MSMEs to simulate (default: rows / 10).")
    ] = None,
    fmt: Annotated[
        Literal["parquet", "csv"], typer.Option("--format", help="File format.")
    ] = "parquet",
) -> None:
    """Simulate mentoring histories, candidates and true effects, calibrated to public data."""
    from data.io import DataFileError
    from data.simulate import simulate_to_dir

    try:
        simulate_to_dir(rows=rows, seed=seed, output=output, fmt=fmt, candidates=candidates)
    except DataFileError as error:
        print(f"error: {error}", file=sys.stderr)
        raise typer.Exit(2) from None


def validate(
    data: Annotated[Path, typer.Option(help="CSV or Parquet file of MSME profiles or histories.")],
    kind: Annotated[
        Literal["auto", "profile", "history"],
        typer.Option(help="Contract to check against; auto: history when outcome columns exist."),
    ] = "auto",
) -> None:
    """Check a file against the data contract; print every problem with row and column."""
    from data.validation import validate_file_command

    raise typer.Exit(validate_file_command(data, kind))


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `umkm` app."""
    from data.store.cli import db_app

    app.command("simulate")(simulate)
    app.command("validate")(validate)
    app.add_typer(db_app, name="db")
