"""Commands of the training package: `umkm train`, `umkm promote` and `umkm score`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

DEFAULT_MODEL_URI = "models:/umkm-uplift@champion"


def _fail(message: str) -> typer.Exit:
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(2)


def train(
    data: Annotated[
        Path | None,
        typer.Option(help="Mentoring history (CSV/Parquet/XLSX); overrides the config."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="TOML training config (default: the MSME contract).")
    ] = None,
    truth: Annotated[
        Path | None,
        typer.Option(help="Simulator truth file (default: truth.<ext> beside history.<ext>)."),
    ] = None,
    output_dir: Annotated[
        Path | None, typer.Option(help="Folder for the report, plots and quarantine file.")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Validate, train, evaluate, log to MLflow and register an uplift model.

    Uses MLFLOW_TRACKING_URI, else MLflow's default (sqlite:///mlflow.db in this folder).
    """
    from training.config import ConfigError, load_config
    from training.dataset import TrainingDataError
    from training.pipeline import train as run_training

    try:
        settings = load_config(config)
        overrides: dict[str, object] = {}
        if data is not None:
            overrides["data_path"] = data
        if truth is not None:
            overrides["truth_path"] = truth
        if output_dir is not None:
            overrides["output_dir"] = output_dir
        if overrides:
            settings = settings.with_overrides(**overrides)
        run_training(settings, show_progress=not quiet)
    except (ConfigError, TrainingDataError) as error:
        raise _fail(str(error)) from error


def promote(
    version: Annotated[int, typer.Option(min=1, help="Registered version to make champion.")],
    reason: Annotated[str, typer.Option(help="Why (kept as a version tag and an MLflow run).")],
    name: Annotated[str, typer.Option(help="Registered model name.")] = "umkm-uplift",
) -> None:
    """Make a version the champion by hand, overriding the promotion gate (logged)."""
    from training.registry import RegistryError
    from training.registry import promote as do_promote

    try:
        result = do_promote(name, version, reason)
    except RegistryError as error:
        raise _fail(str(error)) from error
    before = f"v{result.previous_champion}" if result.previous_champion else "none"
    print(
        f"{name}: champion is now v{result.version} (was {before}); logged in run {result.run_id}"
    )


def score(
    data: Annotated[Path, typer.Option(help="Profiles to score (CSV/Parquet/XLSX).")],
    output: Annotated[Path, typer.Option(help="Scores file, .csv or .parquet.")],
    model: Annotated[str, typer.Option(help="MLflow model URI.")] = DEFAULT_MODEL_URI,
) -> None:
    """Score profiles with a registered model: id (or row_number) and the four fields, in input
    order; rejected rows go to <output>.quarantine.csv."""
    from training.score import ScoringError, score_file

    try:
        result = score_file(data, output, model)
    except ScoringError as error:
        raise _fail(str(error)) from error
    print(
        f"{result.rows_read} rows read: {result.rows_scored} scored "
        f"({result.rows_stimulus_group} already digital: stimulus group), "
        f"{result.rows_rejected} rejected"
    )
    if result.quarantine is not None:
        print(f"rejected rows and reasons: {result.quarantine}")
    print(f"scores: {result.output}")


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `umkm` app."""
    app.command("train")(train)
    app.command("promote")(promote)
    app.command("score")(score)
