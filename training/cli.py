"""Commands of the training package: `umkm train`, `umkm retrain`, `umkm promote`, `umkm score`
and `umkm evaluate-policy`.

The only place training's words reach a terminal (`data.console`'s style): progress, notes and
warnings on stderr; the run id, the learner choice, the metrics table and the paths on stdout.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from data import console
from data.cli import LangArg
from data.contract import DEFAULT_MODEL_NAME
from models.settings import MODEL_OPTION_HELP, model_uri_or_setting

if TYPE_CHECKING:
    from data.messages import Language
    from models.policy_value import Interval, Method, PolicyValue
    from training.config import TrainConfig
    from training.events import TrainEvent
    from training.pipeline import TrainResult

REFERENCE_NAMES = ("random", "response")


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
        with _progress(err, enabled=not quiet) as progress:
            view = _TrainView(err, out, progress)
            result = run_training(
                settings,
                on_event=view.show,
                config_path=None if config is None else config.resolve(),
            )
    except (ConfigError, TrainingDataError) as error:
        raise _fail(str(error)) from error
    _show_summary(result, settings, err, out)


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
    from training.config import ConfigError, load_config
    from training.dataset import TrainingDataError
    from training.retrain import retrain as run_retrain

    try:
        settings = load_config(config)
        if output_dir is not None:
            settings = settings.with_overrides(output_dir=output_dir)
        err, out = console.stderr(), console.stdout()
        with _progress(err, enabled=not quiet) as progress:
            view = _TrainView(err, out, progress)
            result = run_retrain(
                settings,
                since=since.date() if since is not None else None,
                database_url=database_url,
                on_event=view.show,
                config_path=None if config is None else config.resolve(),
            )
    except (ConfigError, TrainingDataError, StoreError, DataFileError) as error:
        raise _fail(str(error)) from error
    console.line(f"history: {result.history_path} ({result.history_rows} rows from the store)", out)
    _show_summary(result.trained, settings, err, out)
    trained = result.trained
    if trained.promoted:
        console.line(
            f"champion: {trained.model_name} v{trained.version}; a running service switches to "
            "it on its next alias check (UMKM_MODEL_POLL_SECONDS, default 60 s)",
            out,
        )
    else:
        kept = f"v{trained.champion_version}" if trained.champion_version else "none"
        console.line(f"champion unchanged ({kept}); v{trained.version} stays a candidate", out)


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
        _show_policy_value(value, out, err, lang)


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

# What `umkm evaluate-policy` says (data.messages code -> parameters); the status notes are
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
# The table's rows: label code, PolicyValue method attribute, decimals.
_POLICY_ROWS = (
    ("policy_model_rate", "model_rate", 4),
    ("policy_random_rate", "random_rate", 4),
    ("policy_difference", "difference", 4),
    ("policy_extra", "extra_digitalizations", 1),
)


def _show_policy_value(value: PolicyValue, out: Console, err: Console, language: Language) -> None:
    """One list's estimates as a table (stdout); what cannot be estimated, as a note (stderr);
    words and decimal separators in `language`."""
    from data.messages import render
    from models.policy_value import status_note

    def say(code: str, **params: object) -> str:
        return render(code, params, language)

    counts: dict[str, object] = {
        "list_id": value.list_id,
        "model_slots": value.model_slots,
        "model_outcomes": value.model_outcomes,
        "explored_slots": value.explored_slots,
        "explored_outcomes": value.explored_outcomes,
        "eligible": value.eligible,
    }
    if value.take_up is None:
        console.line(say("policy_counts", **counts), out)
    else:
        take_up = _fixed(100 * value.take_up, 1, language) + "%"
        console.line(say("policy_counts_take_up", **counts, take_up=take_up), out)
    note = status_note(value.status, language)
    if note is not None:
        console.note(say("policy_status", list_id=value.list_id, note=note), err, language)
    if not value.methods:
        return
    table = Table(title=say("policy_title", level=f"{value.level:.0%}"))
    table.add_column(say("policy_estimate"))
    for method in value.methods:
        table.add_column(say("policy_ips" if method == "ips" else "policy_dr"))

    def cell(found: Interval | None, digits: int) -> str:
        if found is None:
            return say("policy_not_available")
        low, high = (_fixed(bound, digits, language) for bound in (found.low, found.high))
        return say(
            "policy_interval", value=_fixed(found.value, digits, language), low=low, high=high
        )

    for code, attribute, digits in _POLICY_ROWS:
        cells = (cell(getattr(m, attribute), digits) for m in value.methods.values())
        table.add_row(say(code), *cells)
    out.print(table)
    verdict = policy_verdict(value, language)
    if verdict is not None:
        console.line(verdict, out)


def policy_verdict(value: PolicyValue, language: Language = "en") -> str | None:
    """One plain line: did the model's list beat a lottery for the same slots? Judged on the
    difference per slot, doubly robust when estimated (the tighter), else inverse propensity;
    None when no difference could be estimated (the status note says why)."""
    from data.messages import render

    judged: tuple[Method, ...] = ("dr", "ips")
    estimated = [
        (method, found.difference)
        for method in judged
        if (found := value.methods.get(method)) is not None and found.difference is not None
    ]
    if not estimated:
        return None
    method, difference = estimated[0]
    if difference.low > 0:
        kind = "better"
    elif difference.high < 0:
        kind = "worse"
    else:
        kind = "unclear"
    estimate = _fixed(difference.value, 4, language)
    sign = "+" if float(_fixed(difference.value, 4, "en")) > 0 else ""  # no +0.0000
    low, high = (_fixed(bound, 4, language) for bound in (difference.low, difference.high))
    shown = render(
        "policy_interval", {"value": sign + estimate, "low": low, "high": high}, language
    )
    params = {
        "list_id": value.list_id,
        "difference": shown,
        "method": render("policy_dr" if method == "dr" else "policy_ips", {}, language),
        "level": f"{value.level:.0%}",
    }
    return render(f"policy_verdict_{kind}", params, language)


def _fixed(number: float, digits: int, language: Language) -> str:
    """`number` with `digits` decimals and no grouping: 0.1234, or 0,1234 in Bahasa."""
    text = f"{number:.{digits}f}"
    return text if language == "en" else text.replace(".", ",")


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
    from training.registry import RegistryError
    from training.registry import promote as do_promote

    try:
        result = do_promote(name, version, reason, force=force)
    except RegistryError as error:
        raise _fail(str(error)) from error
    if result.unchanged:
        console.line(f"{name}: v{result.version} is champion already; nothing changed or logged")
        return
    if result.weak_evidence is not None:
        from training.evidence import WEAK_EVIDENCE_ADVICE

        console.warning(
            f"promoted despite weak evidence ({result.weak_evidence}): the list it makes is not "
            f"shown to be better than chance; {WEAK_EVIDENCE_ADVICE}"
        )
    before = f"v{result.previous_champion}" if result.previous_champion else "none"
    console.line(
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
    from training.score import ScoringError, score_file

    try:
        result = score_file(Path(data), output, model_uri)
    except ScoringError as error:
        raise _fail(str(error)) from error
    out = console.stdout()
    console.line(
        f"{result.rows_read} rows read: {result.rows_scored} scored "
        f"({result.rows_stimulus_group} already digital: stimulus group), "
        f"{result.rows_rejected} rejected",
        out,
    )
    if result.quarantine is not None:
        console.line(f"rejected rows and reasons: {result.quarantine}", out)
    if result.stale_quarantine_removed is not None:
        console.line(
            f"no rows rejected: removed {result.stale_quarantine_removed}, an earlier run's", out
        )
    console.line(f"scores: {result.output}", out)
    _warn_weak_evidence(result.evidence_warning)


def _warn_weak_evidence(warning: tuple[str, dict[str, int]] | None) -> None:
    """The warning every list of a model trained on weak evidence carries (`data.messages`),
    on scores too: their ranking is not shown to beat chance."""
    from data.messages import render

    if warning is not None:
        code, params = warning
        console.warning(render(code, params, "en"))


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
    out = console.stdout()
    console.line(
        f"{result.partitions} partitions, {result.rows_read} rows read: {result.rows_scored} "
        f"scored ({result.rows_stimulus_group} already digital: stimulus group), "
        f"{result.rows_rejected} rejected",
        out,
    )
    if result.quarantine_parts:
        console.line(f"rejected rows and reasons: {result.output / 'quarantine'}", out)
    console.line(f"scores: {result.output}/part-*.parquet", out)
    _warn_weak_evidence(model.evidence_warning)


# ----------------------------------------------------------------------------- `umkm train`'s words


@contextmanager
def _progress(err: Console, *, enabled: bool) -> Iterator[Progress | None]:
    """A transient progress bar over the run's steps on stderr (none for --quiet)."""
    if not enabled:
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        yield progress


class _TrainView:
    """Renders the pipeline's events: the bar and messages on stderr, the learner choice on
    stdout."""

    def __init__(self, err: Console, out: Console, progress: Progress | None) -> None:
        self.err, self.out, self.progress = err, out, progress
        self.task: TaskID | None = None

    def show(self, event: TrainEvent) -> None:
        from training import events

        err = self.err
        match event:
            case events.Progress(description=description, completed=done, total=total):
                if self.progress is not None:
                    if self.task is None:
                        self.task = self.progress.add_task(description, total=total)
                    self.progress.update(
                        self.task, description=description, completed=done, total=total
                    )
            case events.InterruptedRunMarked(run_id=run_id):
                console.note(f"run {run_id} was interrupted earlier: marked failed", err)
            case events.RowsRejected() as rejected:
                console.warning(
                    f"{rejected.rejected} of {rejected.rows} rows rejected "
                    f"(reasons per row in {rejected.quarantine_path})",
                    err,
                )
                for problem in rejected.first_problems:
                    console.detail(problem, err)
            case events.DataNote(text=text):
                console.note(text, err)
            case events.DataRead(fingerprint=fp):
                err.print(
                    Text(
                        f"data: {fp['rows_read']} rows read, {fp['rows_rejected']} rejected, "
                        f"{fp['rows_used']} used ({fp['treated_rows']} treated, "
                        f"{fp['control_rows']} control; outcome rate "
                        f"{fp['outcome_rate_treated']:.3f} treated, "
                        f"{fp['outcome_rate_control']:.3f} control)"
                    )
                )
            case events.SelectionSampled(sample_rows=sample, rows=rows):
                console.note(
                    f"cross-fitting on a stratified sample of {sample} of {rows} rows "
                    "(selection_rows); the served model is fit again on every row",
                    err,
                )
            case events.PoorOverlap(text=text):
                console.warning(text, err)
            case events.TruthUnmatched(path=path, matched=matched, rows=rows):
                console.warning(
                    f"{path}: only {matched} of the {rows} ids in the history have a true uplift "
                    "there: the oracle metrics are skipped (is it the truth file of this "
                    "history?)",
                    err,
                )
            case events.RecordedPropensities() as recorded:
                console.note(
                    f"recorded chances of selection used in place of the estimated propensity "
                    f"for {recorded.rows} of {recorded.of_rows} rows"
                    + (
                        f" ({recorded.selection_differs} of them selected but not mentored, or "
                        "mentored without being selected: there the chance of selection is not "
                        "the chance of mentoring)"
                        if recorded.selection_differs
                        else ""
                    ),
                    err,
                )
            case events.LearnerChosen(selection=selection):
                from training.crossfit import qini_text

                console.line(
                    "cross-validated Qini coefficient (90% interval): "
                    + ", ".join(f"{c.name}={qini_text(c)}" for c in selection.candidates.values()),
                    self.out,
                )
                chosen = "+".join(selection.chosen.members)
                self.out.print(Text.assemble("chosen: ", (chosen, "bold"), f": {selection.reason}"))
            case events.WeakEvidence(evidence=evidence):
                from training.evidence import WEAK_EVIDENCE_ADVICE

                console.warning(
                    "weak evidence: this history cannot show that the ranking beats chance", err
                )
                for reason in evidence.reasons:
                    console.detail(f"- {reason}", err)
                console.detail(WEAK_EVIDENCE_ADVICE, err)


def _show_summary(result: TrainResult, config: TrainConfig, err: Console, out: Console) -> None:
    """Run id, registered name and version, the headline metrics and the files (stdout); the
    weak-evidence reminder (stderr)."""
    from training import evaluation as ev
    from training.registry import CANDIDATE

    m = result.metrics
    out.print(Text.assemble("run id: ", (result.run_id, "bold")))
    out.print(
        Text.assemble(
            "registered: ",
            (result.model_name, "bold"),
            " version ",
            (result.version, "bold"),
            f" (alias {CANDIDATE}); {result.promotion_note}",
        )
    )
    if result.served_as:
        console.line(f"served as: {result.served_as}", out)
    table = Table(
        title=f"out-of-fold predictions ({int(m.get('cv_folds', 0))} folds, "
        f"{int(m.get('cv_rows', 0))} rows), chosen: {result.chosen_learner}"
    )
    table.add_column("metric")
    table.add_column("chosen", justify="right")
    for ref in REFERENCE_NAMES:
        table.add_column(ref.replace("_", " "), justify="right")
    names = ["qini_coefficient", "auuc"]
    names += [f"uplift_at_{ev.capacity_tag(k)}" for k in config.capacities]
    if "oracle_share_10pct" in m or any(k.startswith("oracle_share_") for k in m):
        names += [f"oracle_share_{ev.capacity_tag(k)}" for k in config.capacities]

    def cell(key: str) -> str:
        value = m.get(key)
        return "n/a" if value is None or not math.isfinite(value) else f"{value:.4f}"

    for name in names:
        table.add_row(name, cell(name), *(cell(f"ref_{r}/{name}") for r in REFERENCE_NAMES))
    out.print(table)
    low, high = m.get("qini_coefficient_ci05"), m.get("qini_coefficient_ci95")
    if low is not None and high is not None:
        console.line(
            f"Qini coefficient {m['qini_coefficient']:.4f}, 90% interval [{low:.4f}, {high:.4f}]",
            out,
        )
    if result.evidence is not None and result.evidence.weak:
        console.warning(
            "WEAK EVIDENCE (the reasons are above): this model's list is not shown to be "
            "better than chance",
            err,
        )
    if result.quarantine_path is not None:
        console.line(f"rejected rows and reasons: {result.quarantine_path}", out)
    console.line(f"report: {result.report_path}", out)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `umkm` app."""
    app.command("train")(train)
    app.command("retrain")(retrain)
    app.command("evaluate-policy")(evaluate_policy)
    app.command("promote")(promote)
    app.command("score")(score)
