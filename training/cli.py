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
    *,
    data: Annotated[
        str,
        typer.Option(
            help="Profiles to score (CSV/Parquet/XLSX); with --dask a Parquet dataset: a file, "
            "a folder or a glob."
        ),
    ],
    output: Annotated[
        Path, typer.Option(help="Scores file, .csv or .parquet; with --dask an empty folder.")
    ],
    model: Annotated[str, typer.Option(help="MLflow model URI.")] = DEFAULT_MODEL_URI,
    dask: Annotated[
        bool,
        typer.Option(
            "--dask",
            help="Score partition by partition on Dask (tens of millions of rows): local "
            "processes, or a cluster with --scheduler.",
        ),
    ] = False,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Local processes without --scheduler (default: cores)."),
    ] = None,
    partition_rows: Annotated[
        int, typer.Option(min=1, help="Rows per Dask partition (whole Parquet row groups).")
    ] = 250_000,
) -> None:
    """Score profiles with a registered model: id (or row_number) and the four fields, in input
    order; rejected rows go to <output>.quarantine.csv (with --dask: <output>/quarantine/)."""
    if dask or scheduler is not None:
        _score_with_dask(
            data=data,
            output=output,
            model_uri=model,
            scheduler=scheduler,
            workers=workers,
            partition_rows=partition_rows,
        )
        return
    from training.score import ScoringError, score_file

    try:
        result = score_file(Path(data), output, model)
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


def _score_with_dask(
    *,
    data: str,
    output: Path,
    model_uri: str,
    scheduler: str | None,
    workers: int | None,
    partition_rows: int,
) -> None:
    from models.pyfunc import load_uplift_model
    from training.score_dask import DatasetScoringError, score_dataset

    try:
        result = score_dataset(
            data,
            output,
            load_uplift_model(model_uri),
            scheduler=scheduler,
            workers=workers,
            rows_per_partition=partition_rows,
        )
    except DatasetScoringError as error:
        raise _fail(str(error)) from error
    print(
        f"{result.partitions} partitions, {result.rows_read} rows read: {result.rows_scored} "
        f"scored ({result.rows_stimulus_group} already digital: stimulus group), "
        f"{result.rows_rejected} rejected"
    )
    if result.quarantine_parts:
        print(f"rejected rows and reasons: {result.output / 'quarantine'}")
    print(f"scores: {result.output}/part-*.parquet")


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `umkm` app."""
    app.command("train")(train)
    app.command("promote")(promote)
    app.command("score")(score)
