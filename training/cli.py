"""Commands of the training package: `umkm train`, `umkm retrain`, `umkm promote`, `umkm score`
and `umkm evaluate-policy`.

Each parses its options, calls a typed function and hands the result to `training.cli_views`,
which shows it in `data.console`'s style: progress, notes and warnings on stderr; the run id, the
learner choice, the metrics table and the paths on stdout. Refusals are one line, exit code 2.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from data import console
from data.cli import LangArg
from data.contract import DEFAULT_MODEL_NAME
from models.settings import MODEL_OPTION_HELP, model_uri_or_setting

if TYPE_CHECKING:
    from data.messages import Language


def _fail(message: str, language: Language = "en") -> typer.Exit:
    console.error(message, language=language)
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
    from training.cli_views import TrainView, progress, show_summary
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
        err, out = console.stderr(), console.stdout()
        with progress(err, enabled=not quiet) as bar:
            view = TrainView(err, out, bar)
            result = run_training(
                settings,
                on_event=view.show,
                config_path=None if config is None else config.resolve(),
            )
    except (ConfigError, TrainingDataError) as error:
        raise _fail(str(error)) from error
    show_summary(result, settings, err, out)


def retrain(
    since: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Only lists issued on or after this UTC date."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="TOML training config (default: the MSME contract).")
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="SQLAlchemy URL of the program store; default: UMKM_DATABASE_URL, else "
            "sqlite:///umkm.db.",
            show_default=False,
        ),
    ] = None,
    output_dir: Annotated[
        Path | None, typer.Option(help="Folder for the exported history, report and plots.")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Export the program store's outcomes, train, register a candidate and run the promotion
    gate; a running service serves a new champion after its next alias check."""
    from data.io import DataFileError
    from data.store.errors import StoreError
    from training.cli_views import TrainView, progress, show_retrained
    from training.config import ConfigError, load_config
    from training.dataset import TrainingDataError
    from training.retrain import retrain as run_retrain

    try:
        settings = load_config(config)
        if output_dir is not None:
            settings = settings.with_overrides(output_dir=output_dir)
        err, out = console.stderr(), console.stdout()
        with progress(err, enabled=not quiet) as bar:
            view = TrainView(err, out, bar)
            result = run_retrain(
                settings,
                since=since.date() if since is not None else None,
                database_url=database_url,
                on_event=view.show,
                config_path=None if config is None else config.resolve(),
            )
    except (ConfigError, TrainingDataError, StoreError, DataFileError) as error:
        raise _fail(str(error)) from error
    show_retrained(result, settings, err, out)


def evaluate_policy(
    list_id: Annotated[
        str | None, typer.Option("--list-id", help="The issued list to evaluate.")
    ] = None,
    all_lists: Annotated[
        bool, typer.Option("--all", help="Every issued list, newest first.")
    ] = False,
    level: Annotated[float, typer.Option(min=0.5, max=0.999, help="Interval coverage.")] = 0.9,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="SQLAlchemy URL of the program store; default: UMKM_DATABASE_URL, else "
            "sqlite:///umkm.db.",
            show_default=False,
        ),
    ] = None,
    lang: LangArg = "en",
) -> None:
    """The value of the model's list against random allocation of the same slots, estimated
    from the explored (randomized) slots: inverse propensity and doubly robust, with intervals,
    and a verdict per list (better than a lottery, worse, or not shown either way)."""
    from sqlalchemy.exc import SQLAlchemyError

    from data.messages import render
    from data.store.engine import make_engine
    from data.store.errors import StoreError
    from data.store.repository import ProgramStore
    from data.store.settings import database_url as store_url
    from models.policy_value import list_policy_value
    from training.cli_views import show_policy_value

    if (list_id is None) == (not all_lists):
        raise _fail(render("policy_which_lists", {}, lang), lang)
    try:  # only reads: a SQLite store that does not exist is refused, not created
        store = ProgramStore(make_engine(store_url(database_url), existing=True))
    except (StoreError, SQLAlchemyError) as error:  # UMKM_DATABASE_URL is no usable URL
        raise _store_failure(error, lang) from error
    try:
        if list_id is not None:
            ids = [list_id]
        else:
            ids, page = [], 1
            while True:
                summaries, total = store.list_lists(page=page, page_size=1000)
                ids += [summary.id for summary in summaries]
                if len(ids) >= total or not summaries:
                    break
                page += 1
        values = [
            list_policy_value(store.get_list(one), store.get_outcomes(one), level) for one in ids
        ]
    except (StoreError, SQLAlchemyError) as error:
        raise _store_failure(error, lang) from error
    finally:
        store.close()
    if not values:
        console.note(render("policy_no_lists", {}, lang), language=lang)
    out, err = console.stdout(), console.stderr()
    for value in values:
        show_policy_value(value, out, err, lang)


def _store_failure(error: Exception, language: Language) -> typer.Exit:
    """A program store that cannot be opened or read, on one line in `language`."""
    from data.messages import render
    from data.store.errors import StoreError

    if isinstance(error, StoreError):
        message = str(error) if language == "en" else render(error.code, error.params, language)
        return _fail(message, language)
    first = str(getattr(error, "orig", None) or error).splitlines()[0]
    return _fail(render("policy_store_unreadable", {"detail": first}, language), language)


# ----------------------------------------------------------------------------- policy value's words

# What `umkm evaluate-policy` says, its refusals here and its lines and tables shown by
# `training.cli_views` (data.messages code -> parameters); the status notes are
# `models.policy_value.STATUS_NOTE_CODES`.
EVALUATE_POLICY_CODES: dict[str, tuple[str, ...]] = {
    "policy_which_lists": (),
    "policy_store_unreadable": ("detail",),
    "policy_no_lists": (),
    "policy_counts": (
        "list_id",
        "model_slots",
        "model_outcomes",
        "explored_slots",
        "explored_outcomes",
        "eligible",
    ),
    "policy_counts_take_up": (
        "list_id",
        "model_slots",
        "model_outcomes",
        "explored_slots",
        "explored_outcomes",
        "eligible",
        "take_up",
    ),
    "policy_status": ("list_id", "note"),
    "policy_title": ("level",),
    "policy_estimate": (),
    "policy_ips": (),
    "policy_dr": (),
    "policy_model_rate": (),
    "policy_random_rate": (),
    "policy_difference": (),
    "policy_extra": (),
    "policy_interval": ("value", "low", "high"),
    "policy_not_available": (),
    # The verdict under a list's table: `difference` is the estimate with its interval
    # (`policy_interval`), `method` the estimator's name, `level` the interval's coverage.
    "policy_verdict_better": ("list_id", "difference", "method", "level"),
    "policy_verdict_worse": ("list_id", "difference", "method", "level"),
    "policy_verdict_unclear": ("list_id", "difference", "method", "level"),
}


def promote(
    version: Annotated[int, typer.Option(min=1, help="Registered version to make champion.")],
    reason: Annotated[str, typer.Option(help="Why (kept as a version tag and an MLflow run).")],
    name: Annotated[str, typer.Option(help="Registered model name.")] = DEFAULT_MODEL_NAME,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Promote a version tagged weak_evidence = true (with a warning)."
        ),
    ] = False,
) -> None:
    """Make a version the champion by hand, overriding the promotion gate (logged).

    A version whose ranking is not shown to beat chance (tag weak_evidence = true) is refused,
    with its Qini and interval, unless --force."""
    from training.cli_views import show_promotion
    from training.registry import RegistryError
    from training.registry import promote as do_promote

    try:
        result = do_promote(name, version, reason, force=force)
    except RegistryError as error:
        raise _fail(str(error)) from error
    show_promotion(name, result)


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
    model: Annotated[str | None, typer.Option(help=MODEL_OPTION_HELP)] = None,
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
    """Score profiles with a registered model: the id (msme_id, or row_number) then
    p_digital_if_mentored, p_digital_if_not, uplift and segment, in input order; rejected rows go
    to <stem>.quarantine.csv beside the output (scores.csv: scores.quarantine.csv; with --dask:
    <output>/quarantine/), with their reasons: rows breaking the profile contract, or for a model
    trained from a config of another table, rows with a value its features cannot read or a
    category value none of the levels it knows.
    A model trained on weak evidence (tagged weak_evidence = true) adds a warning on stderr.

    The model (default models:/umkm-uplift@champion) is looked up in MLFLOW_TRACKING_URI's store,
    else MLflow's default: mlflow.db in the working folder."""
    model_uri = model_uri_or_setting(model)
    if dask or scheduler is not None:
        _score_with_dask(
            data=data,
            output=output,
            model_uri=model_uri,
            scheduler=scheduler,
            workers=workers,
            partition_rows=partition_rows,
        )
        return
    from training.cli_views import show_scored_file
    from training.score import ScoringError, score_file

    try:
        result = score_file(Path(data), output, model_uri)
    except ScoringError as error:
        raise _fail(str(error)) from error
    show_scored_file(result)


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
    from training.cli_views import show_scored_dataset
    from training.score_dask import DatasetScoringError, score_dataset

    model = load_uplift_model(model_uri)
    try:
        result = score_dataset(
            data,
            output,
            model,
            scheduler=scheduler,
            workers=workers,
            rows_per_partition=partition_rows,
        )
    except DatasetScoringError as error:
        raise _fail(str(error)) from error
    show_scored_dataset(result, model.evidence_warning)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `umkm` app."""
    app.command("train")(train)
    app.command("retrain")(retrain)
    app.command("evaluate-policy")(evaluate_policy)
    app.command("promote")(promote)
    app.command("score")(score)
