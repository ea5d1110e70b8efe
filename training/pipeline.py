"""`train(config) -> TrainResult`: histories in, a registered, evaluated uplift model out.

One module a stage, each a function with typed inputs and outputs; this one runs them in order,
times them and tells the caller what happens through typed events (`training.events`):

1. `training.prepare`: read and validate (rejected rows quarantined, already-digital MSMEs
   excluded, all counted), fingerprint, leakage check (`training.evidence`), feature matrices;
2. `training.propensity`: cross-fitted propensity with overlap diagnostics, recorded chances of
   selection in its place where the history has them;
3. `training.selection`: every configured learner cross-fitted (`training.crossfit`: k folds
   stratified by arm x outcome, fewer above `large_history_rows`, on a sample of at most
   `selection_rows` rows for very large histories), each judged by the out-of-fold Qini
   coefficient, and the served recipe chosen: a stacked average of the core learners and the
   best one (`training.stacking`); then the evidence check (events per arm, Qini interval);
4. `training.refit`: the chosen recipe (its fold models' average, or refit on every row),
   calibrated per arm;
5. `training.evaluate`: the out-of-fold predictions against references (random, response model)
   with bootstrap intervals;
6. `training.artifacts` and `training.report`: plots, tables and the report;
7. `training.registry`: registration (alias `candidate`) and the promotion gate;
   `training.tracking` logs the run's context, numbers and files to MLflow.

The run's files (quarantine, plots, tables, report) are written into a hidden folder beside
their final place, `<output_dir>/.<run id>.<random>.partial`, logged to MLflow from there, and
the folder is renamed to `<output_dir>/<run id>` as the run's last step: a folder under a run's
id is a finished run's, whole. A run that fails or is killed leaves its files (the rejected
rows among them) under the hidden name, which says it is not a finished run's.

Selection metric: the Qini coefficient (sklift's normalised area under the Qini curve). It judges
the whole ranking, so one model serves every capacity a program may have; policy values at the
configured capacities are reported next to it.
"""

from __future__ import annotations

import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import mlflow

from data.writing import plain_temporary
from training import propensity as propensity_stage
from training.artifacts import write_artifacts
from training.config import ConfigError, TrainConfig
from training.errors import TrainingError
from training.evaluate import evaluate, prefixed, resolve_truth_path
from training.events import (
    InterruptedRunMarked,
    LearnerChosen,
    OnEvent,
    PoorOverlap,
    RecordedPropensities,
    Steps,
    TruthUnmatched,
    WeakEvidence,
    ignore,
)
from training.evidence import Evidence, assess_evidence, average_effect
from training.prepare import prepare
from training.refit import build_model
from training.registry import experiment_id_for, register_candidate
from training.report import write_report
from training.selection import select_learner, tuned_params
from training.tracking import (
    error_tag,
    log_results,
    log_run_context,
    process_tags,
    recover_interrupted_runs,
)


@dataclass
class TrainResult:
    """What one training run produced."""

    run_id: str
    model_name: str
    version: str
    promoted: bool
    promotion_note: str
    champion_version: str | None
    chosen_learner: str
    metrics: dict[str, float]
    output_dir: Path
    report_path: Path
    quarantine_path: Path | None
    counts: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    evidence: Evidence | None = None
    selection_reason: str = ""
    served_as: str = ""  # the fold models' average, or refit on every row


class _Laps:
    """Seconds per stage, and the total."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.started = self.tick = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = now - self.tick
        self.tick = now

    def total(self) -> None:
        self.timings["total"] = time.perf_counter() - self.started


def train(
    config: TrainConfig,
    *,
    on_event: OnEvent | None = None,
    config_path: Path | None = None,
    run_name: str = "train",
) -> TrainResult:
    """Train, evaluate, log, register and gate one model; see the module docstring.

    `config_path` (the TOML file `config` came from) and `run_name` (`train`, or `retrain` for
    `training.retrain`) are recorded on the MLflow run. A run that fails keeps the one-line
    error as its `error` tag (`training.tracking.error_tag`).
    """
    emit = on_event or ignore
    if config.data_path is None:
        raise ConfigError("no training data: give --data FILE or data_path in the config")
    data_path = Path(config.data_path)
    truth_path = resolve_truth_path(config, data_path)
    truth_source = "none"
    if truth_path is not None:
        truth_source = "given" if config.truth_path is not None else "found beside the history"
        # Logged as used: a truth file found beside the history is in the run's config too.
        config = config.with_overrides(truth_path=truth_path)
    experiment_id = experiment_id_for(config.experiment_name)
    for run_id in recover_interrupted_runs(experiment_id, config.model_name):
        emit(InterruptedRunMarked(run_id))
    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name) as run:
        try:
            return _run(
                config,
                run.info.run_id,
                data_path=data_path,
                truth_path=truth_path,
                emit=emit,
                config_path=config_path,
                truth_source=truth_source,
            )
        except Exception as error:
            # The run ends FAILED (MLflow's context manager); the reason stays with it, unless
            # the store itself is what failed: then the original error is the one to see.
            with suppress(Exception):
                mlflow.set_tag("error", error_tag(error))
            raise


def _run(
    config: TrainConfig,
    run_id: str,
    *,
    data_path: Path,
    truth_path: Path | None,
    emit: OnEvent,
    config_path: Path | None,
    truth_source: str,
) -> TrainResult:
    """The stages inside the active MLflow run (module docstring)."""
    laps = _Laps()
    steps = Steps(emit, total=7 + len(config.learners))
    mlflow.set_tags(process_tags())
    folder = Path(config.output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / run_id
    # Every file of the run goes here first; renamed to `final` once the run is logged.
    out = plain_temporary(folder, f".{run_id}.", ".partial", directory=True)

    steps.start(f"reading and validating {data_path.name}")
    prepared = prepare(config, data_path, out, emit)
    commit = log_run_context(
        config, prepared.fingerprint, config_path=config_path, truth_source=truth_source
    )
    laps.lap("read_validate")
    steps.advance()

    steps.start("cross-fitting the propensity model")
    propensity = propensity_stage.estimate(config, prepared)
    recorded = propensity.recorded
    if recorded.rows:
        emit(RecordedPropensities(recorded.rows, recorded.of_rows, recorded.selection_differs))
    if propensity.cv.overlap_warning:
        emit(PoorOverlap(propensity.cv.overlap_warning))
    laps.lap("propensity")
    steps.advance()

    steps.start("tuning")
    params = tuned_params(config, prepared, propensity.for_learners)
    laps.lap("tuning")
    steps.advance()

    selection = select_learner(
        config,
        prepared,
        params,
        propensity=propensity.for_learners,
        stack_propensity=propensity.cv.scores_clipped,
        on_learner=steps.learner,
    )
    for name, candidate in selection.candidates.items():
        laps.timings[f"crossfit_{name}"] = candidate.seconds
    laps.lap("crossfit")
    emit(LearnerChosen(selection))
    cv = prepared.cv_rows
    chosen = selection.chosen
    effect = average_effect(cv.t, cv.y, propensity_stage.for_effect_check(config, prepared))
    evidence = assess_evidence(
        cv.t,
        cv.y,
        qini=chosen.qini,
        qini_interval=chosen.qini_interval if config.bootstrap_resamples > 0 else None,
        min_events_per_arm=config.min_events_per_arm,
        effect=effect,
    )
    if evidence.weak:
        emit(WeakEvidence(evidence))
    laps.lap("evidence")

    steps.start("building the served model")
    model = build_model(
        config,
        prepared,
        selection,
        propensity=propensity_stage.for_every_row(config, prepared, propensity),
        run_id=run_id,
        evidence=evidence,
    )
    if model.drift_reference is not None:
        mlflow.log_dict(model.drift_reference.as_dict(), "drift_reference.json")
    laps.lap("refit_calibrate")
    steps.advance()

    steps.start("evaluating the out-of-fold predictions")
    evaluation = evaluate(config, prepared, selection, truth_path)
    match = evaluation.truth_match
    if match is not None and truth_path is not None and match.true_uplift is None:
        emit(TruthUnmatched(truth_path, match.matched, match.rows))
    metrics = evaluation.metrics
    metrics.update(prefixed("overlap/", propensity.overlap))
    metrics["evidence/average_effect"] = effect.estimate
    metrics["evidence/average_effect_low"] = effect.low
    metrics["evidence/average_effect_high"] = effect.high
    metrics["propensity/rows_recorded"] = float(recorded.rows)
    metrics["propensity/rows_recorded_selection_differs"] = float(recorded.selection_differs)
    metrics["weak_evidence"] = float(evidence.weak)
    laps.lap("evaluation")
    steps.advance()

    steps.start("writing plots and the report")
    write_artifacts(
        out, prepared, evaluation, selection=selection, propensity=propensity.cv.scores_raw
    )
    laps.lap("artifacts")
    steps.advance()

    steps.start("logging and registering the model")
    version, gate = register_candidate(
        config,
        model,
        prepared,
        metrics,
        evidence,
        run_id=run_id,
        commit=commit,
        candidate_uplift=chosen.oof.uplift,
    )
    metrics.update(gate.metrics)
    laps.lap("log_register")
    laps.total()
    report_path = write_report(
        out / "report.md",
        config=config,
        fingerprint=prepared.fingerprint,
        notes=prepared.data.notes,
        selection=selection,
        metrics=metrics,
        groups=evaluation.groups,
        version=version,
        promotion=gate.note,
        truth_known=evaluation.truth_known,
        overlap_warning=propensity.cv.overlap_warning,
        evidence=evidence,
        cv_rows=len(cv.y),
        served_as=str(model.model_info["served_as"]),
        quarantine_path=prepared.quarantine_path,
    )
    log_results(out, metrics, laps.timings)
    _put_in_place(out, final)
    steps.advance()

    fp = prepared.fingerprint
    return TrainResult(
        run_id=run_id,
        model_name=config.model_name,
        version=version,
        promoted=gate.promoted,
        promotion_note=gate.note,
        champion_version=version if gate.promoted else gate.previous_champion,
        chosen_learner="+".join(chosen.members),
        metrics=metrics,
        output_dir=final,
        report_path=final / report_path.relative_to(out),
        quarantine_path=_moved(prepared.quarantine_path, out, final),
        counts={k: int(v) for k, v in fp.items() if k.startswith("rows_") or k.endswith("_rows")},
        timings=laps.timings,
        notes=prepared.data.notes,
        evidence=evidence,
        selection_reason=selection.reason,
        served_as=str(model.model_info["served_as"]),
    )


def _put_in_place(staging: Path, final: Path) -> None:
    """The run's folder, written and logged, renamed to its final name in one step."""
    try:
        staging.rename(final)
    except OSError as error:
        reason = error.strerror or str(error)
        raise TrainingError(
            f"{final}: cannot move the run's files into place ({reason}); they are in {staging}"
        ) from error


def _moved(path: Path | None, staging: Path, final: Path) -> Path | None:
    """Where a file written in the staging folder is once the folder is in place."""
    return None if path is None else final / path.relative_to(staging)
