"""`train(config) -> TrainResult`: histories in, a registered, evaluated uplift model out.

Stages: read and validate (rejected rows quarantined, already-digital MSMEs excluded, all counted);
a leakage check; cross-fitted propensity with overlap diagnostics; every configured learner
cross-fitted on every row (`training.crossfit`: k folds stratified by arm x outcome, on a sample
of at most `selection_rows` rows for very large histories), the learner or the ensemble of
learners that cannot be told apart chosen by the out-of-fold Qini coefficient; the chosen recipe
refit on every row, calibrated per arm on its out-of-fold chances; evaluation of the out-of-fold
predictions against references (random, response model) with bootstrap intervals; an evidence
check (events per arm, Qini interval); MLflow logging and registration (alias `candidate`); the
promotion gate (`training.gate`).

Selection metric: the Qini coefficient (sklift's normalised area under the Qini curve). It judges
the whole ranking, so one model serves every capacity a program may have; policy values at the
configured capacities are reported next to it.
"""

from __future__ import annotations

import json
import math
import platform
import re
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
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

from data.io import read_table
from data.reference import island_group_by_province
from data.validation import write_quarantine
from models.boosting import fit_booster, parse_params, predict
from models.features import (
    FeatureSpec,
    FloatArray,
    categorical_indices,
    feature_matrix,
    resolve_specs,
)
from models.propensity import PropensityResult, crossfit_propensity, stratified_folds
from models.pyfunc import log_uplift_model
from models.uplift_model import HeldOutPredictions, UpliftModel
from training import crossfit, plots
from training import evaluation as ev
from training.config import ConfigError, TrainConfig
from training.dataset import TrainingData, fingerprint, load_training_data
from training.gate import (
    WEAK_EVIDENCE_ADVICE,
    Evidence,
    GateResult,
    assess_evidence,
    check_leakage,
    process_tags,
    promotion_gate,
    recover_interrupted_runs,
)
from training.registry import CANDIDATE, experiment_id_for, now_utc
from training.report import write_report
from training.tuning import tune

SELECTION_METRIC = "qini_coefficient"
LIBRARIES = ("numpy", "pandas", "scikit-learn", "lightgbm", "mlflow", "optuna", "pydantic")
TRUTH_COLUMN = "true_uplift"
REFERENCE_NAMES = ("random", "response")


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


# ----------------------------------------------------------------------------- small helpers


def git_commit() -> tuple[str | None, bool]:
    """The repository's HEAD commit and whether the tree has changes; (None, False) outside git."""
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607 - git from PATH on purpose
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain"],  # noqa: S607
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None, False
    return commit or None, bool(status.strip())


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries a model depends on."""
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def resolve_truth_path(config: TrainConfig, data_path: Path) -> Path | None:
    """The truth file: the config's, or a simulator `truth.<ext>` beside a `history.<ext>`."""
    if config.truth_path is not None:
        return config.truth_path
    if data_path.stem == "history":
        beside = data_path.with_name("truth" + data_path.suffix)
        if beside.is_file():
            return beside
    return None


def load_true_uplift(path: Path, ids: pd.Series, id_column: str | None) -> FloatArrayOrNone:
    """True uplift for these ids from a simulator truth file (None when ids are unknown)."""

    if id_column is None:
        raise ConfigError("truth_path needs an id_column to join the truth to the rows")
    truth = read_table(path)
    if id_column not in truth.columns or TRUTH_COLUMN not in truth.columns:
        raise ConfigError(f"{path}: a truth file needs columns {id_column} and {TRUTH_COLUMN}")
    values = pd.to_numeric(truth[TRUTH_COLUMN], errors="coerce")
    lookup = pd.Series(values.to_numpy(), index=truth[id_column].astype(str))
    matched = lookup.reindex(ids.astype(str).to_numpy()).to_numpy(dtype=np.float64)
    if np.isnan(matched).any():
        return None
    return matched


FloatArrayOrNone = ev.FloatArray | None


def _prefixed(prefix: str, values: Mapping[str, float]) -> dict[str, float]:
    return {f"{prefix}{name}": value for name, value in values.items()}


def _metric_key(text: str) -> str:
    """A group value as part of an MLflow metric name (letters, digits, _ - . only)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "blank"


def _finite(metrics: Mapping[str, float]) -> dict[str, float]:
    return {k: float(v) for k, v in metrics.items() if v is not None and math.isfinite(v)}


def _flat_params(config: TrainConfig) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in config.model_dump(mode="json").items():
        if isinstance(value, dict):
            for sub, item in value.items():
                values[f"{key}.{sub}"] = json.dumps(item) if not isinstance(item, str) else item
        elif key == "features":
            values[key] = "msme contract" if value is None else ",".join(f["name"] for f in value)
        else:
            values[key] = value if isinstance(value, str) else json.dumps(value)
    return values


class _Steps:
    """A rich progress bar over the run's steps (disabled for quiet runs)."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.task: TaskID | None = None
        if progress is not None:
            self.task = progress.add_task("starting", total=total)

    def start(self, description: str) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, description=description)

    def learner(self, name: str) -> None:
        """A learner's cross-fitting starts."""
        self.start(f"cross-fitting learner {name}")
        self.advance()

    def advance(self, steps: int = 1) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task, steps)


@contextmanager
def _progress(console: Console, enabled: bool) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        yield progress


# ----------------------------------------------------------------------------- stages


@dataclass(frozen=True)
class Arrays:
    """Feature matrix, arm and outcome of a set of rows."""

    X: FloatArray
    t: FloatArray
    y: FloatArray


@dataclass(frozen=True)
class Prepared:
    """Checked data, its fingerprint, every row's arrays and the cross-fitting rows."""

    data: TrainingData
    fingerprint: dict[str, Any]
    specs: tuple[FeatureSpec, ...]
    categorical: list[int]  # what the learners treat as categories ([] with "codes")
    all_rows: Arrays
    cv_rows: Arrays  # every row, or a stratified sample of `selection_rows`
    cv_df: pd.DataFrame
    quarantine_path: Path | None

    @property
    def sampled(self) -> bool:
        return len(self.cv_rows.y) < len(self.all_rows.y)


@dataclass(frozen=True)
class Evaluation:
    """Out-of-fold numbers of the chosen recipe, each candidate and the references."""

    metrics: dict[str, float]
    rankings: dict[str, ev.FloatArray]
    groups: dict[str, pd.DataFrame]
    calibration: pd.DataFrame
    truth_known: bool


def _selection_sample(data: TrainingData, config: TrainConfig) -> pd.Index:
    """Every row, or a seeded sample of `selection_rows` stratified by arm x outcome."""
    index = data.frame.index
    cap = config.selection_rows
    if cap is None or len(index) <= cap:
        return index
    strata = data.t * 2 + data.y
    rng = np.random.default_rng(config.seed)
    keep = np.zeros(len(index), dtype=bool)
    for value in np.unique(strata):
        rows = np.flatnonzero(strata == value)
        take = round(len(rows) * cap / len(index))
        keep[rng.choice(rows, size=max(take, 1), replace=False)] = True
    return index[keep]


def prepare(config: TrainConfig, data_path: Path, out: Path, console: Console) -> Prepared:
    """Read, validate (quarantine), count, fingerprint, check for leaks, build the matrices."""
    data = load_training_data(config, data_path)
    quarantine_path = _quarantine(data, out, console)
    for note in data.notes:
        console.print(f"[yellow]note:[/] {note}")
    fp = fingerprint(data_path, data)
    console.print(
        f"data: {fp['rows_read']} rows read, {fp['rows_rejected']} rejected, "
        f"{fp['rows_used']} used ({fp['treated_rows']} treated, {fp['control_rows']} control; "
        f"outcome rate {fp['outcome_rate_treated']:.3f} treated, "
        f"{fp['outcome_rate_control']:.3f} control)"
    )
    frame = data.frame
    specs = resolve_specs(frame, data.specs)
    X = feature_matrix(frame, specs)
    t = frame[data.treatment].to_numpy(np.float64)
    y = frame[data.outcome].to_numpy(np.float64)
    check_leakage(X, y, [s.name for s in specs])
    cv_index = _selection_sample(data, config)
    positions = frame.index.get_indexer(cv_index)
    if len(cv_index) < len(frame):
        console.print(
            f"cross-fitting on a stratified sample of {len(cv_index)} of {len(frame)} rows "
            "(selection_rows); the served model is fit on every row"
        )
    return Prepared(
        data=data,
        fingerprint=fp,
        specs=specs,
        categorical=categorical_indices(specs) if config.categorical_encoding == "native" else [],
        all_rows=Arrays(X, t, y),
        cv_rows=Arrays(X[positions], t[positions], y[positions]),
        cv_df=frame.loc[cv_index],
        quarantine_path=quarantine_path,
    )


def log_run_context(config: TrainConfig, fp: Mapping[str, Any]) -> str | None:
    """Params (config, data fingerprint), tags (git, library versions); returns the commit."""
    commit, dirty = git_commit()
    mlflow.log_params(_flat_params(config))
    mlflow.log_params({f"data.{k}": v for k, v in fp.items()})
    mlflow.log_params(
        {"selection_metric": f"{SELECTION_METRIC}, out-of-fold ({config.folds} folds)"}
    )
    mlflow.set_tags(
        {
            "umkm.kind": "training",
            "git_commit": commit or "unknown (not a git checkout)",
            "git_dirty": str(dirty).lower(),
            "data_sha256": fp["sha256"],
            **{f"version.{k}": v for k, v in library_versions().items()},
        }
    )
    mlflow.log_dict(config.model_dump(mode="json"), "config.json")
    mlflow.log_dict(dict(fp), "data_fingerprint.json")
    return commit


def tuned_params(
    config: TrainConfig, prepared: Prepared, propensity: FloatArray | None
) -> dict[str, dict[str, Any]]:
    """Each learner's parameters: the config's, or the best of an optuna search by
    cross-validated Qini (`[tuning] trials > 0`)."""
    base = dict(config.learner_params)
    if config.tuning.trials == 0:
        return dict.fromkeys(config.learners, base)
    rows = prepared.cv_rows
    fold_of = stratified_folds(rows.t * 2 + rows.y, config.folds, config.seed)
    names = [s.name for s in prepared.specs]
    found: dict[str, dict[str, Any]] = {}
    for name in config.learners:

        def score(params: Mapping[str, Any], learner: str = name) -> float:
            oof = crossfit.crossfit_learner(
                learner,
                params,
                rows.X,
                rows.t,
                rows.y,
                fold_of=fold_of,
                propensity=propensity,
                categorical=prepared.categorical,
                feature_names=names,
                seed=config.seed,
            )
            return ev.qini_coefficient(rows.y, oof.uplift, rows.t)

        result = tune(
            name,
            score,
            base_params=base,
            seed=config.seed,
            trials=config.tuning.trials,
            timeout_seconds=config.tuning.timeout_seconds,
        )
        found[name] = result.params
    return found


def build_model(
    config: TrainConfig,
    prepared: Prepared,
    selection: crossfit.Selection,
    *,
    propensity: FloatArray | None,
    run_id: str,
    evidence: Evidence,
) -> UpliftModel:
    """The served model: the chosen recipe refit on every row, calibrated per arm on its
    out-of-fold chances."""
    data, chosen = prepared.data, selection.chosen
    rows = prepared.all_rows
    learner = crossfit.refit(
        chosen,
        rows.X,
        rows.t,
        rows.y,
        propensity=propensity,
        categorical=prepared.categorical,
        feature_names=[s.name for s in prepared.specs],
        seed=config.seed,
    )
    cv = prepared.cv_rows
    return UpliftModel.from_learner(
        learner,
        specs=prepared.specs,
        calibration_df=None,
        held_out=HeldOutPredictions(p1=chosen.oof.p1, p0=chosen.oof.p0, t=cv.t, y=cv.y),
        treatment=data.treatment,
        outcome=data.outcome,
        calibration=config.calibration,
        id_column=config.id_column,
        model_info={
            "learner": chosen.name
            if chosen.name != crossfit.ENSEMBLE
            else "+".join(chosen.members),
            "members": list(chosen.members),
            "params": chosen.params,
            "seed": config.seed,
            "contract": config.contract,
            "model_name": config.model_name,
            "run_id": run_id,
            "selection_metric": SELECTION_METRIC,
            "selection": selection.reason,
            "cv_qini": chosen.qini,
            "cv_qini_interval": list(chosen.qini_interval),
            "evidence": evidence.as_info(),
            "n_train": len(rows.y),
            "data_sha256": prepared.fingerprint["sha256"],
            "trained_at": now_utc(),
            "treatment": data.treatment,
            "outcome": data.outcome,
        },
    )


def evaluate(
    config: TrainConfig,
    prepared: Prepared,
    selection: crossfit.Selection,
    truth_path: Path | None,
) -> Evaluation:
    """Every number from out-of-fold predictions: chosen recipe, candidates, references, groups."""
    data, cv = prepared.data, prepared.cv_rows
    chosen = selection.chosen.oof
    true_uplift = None
    if truth_path is not None and data.id_column is not None:
        ids = prepared.cv_df[data.id_column]
        true_uplift = load_true_uplift(truth_path, ids, data.id_column)
        if true_uplift is None:
            data.notes.append(f"{truth_path}: some ids have no truth; truth metrics skipped")
    rankings: dict[str, ev.FloatArray] = {"chosen": chosen.uplift}
    for name, candidate in selection.candidates.items():
        rankings[f"learner_{name}"] = candidate.oof.uplift
    if config.references:
        rankings.update(_references(config, prepared))
    metrics = _evaluate(config, rankings, cv.y, cv.t, true_uplift)
    metrics["cv_folds"] = float(selection.folds)
    metrics["cv_rows"] = float(len(cv.y))
    metrics.update(_prefixed("test/", ev.arm_fit(cv.y, cv.t, chosen.p1, chosen.p0)))
    groups = _group_tables(
        config, prepared.cv_df, y=cv.y, t=cv.t, uplift=chosen.uplift, true_uplift=true_uplift
    )
    for table in groups.values():
        metrics.update(_group_metrics(table))
    return Evaluation(
        metrics=metrics,
        rankings=rankings,
        groups=groups,
        calibration=ev.calibration_table(cv.y, cv.t, chosen.p1, chosen.p0),
        truth_known=true_uplift is not None,
    )


def write_artifacts(
    out: Path,
    prepared: Prepared,
    evaluation: Evaluation,
    *,
    selection: crossfit.Selection,
    propensity: ev.FloatArray,
) -> None:
    """Plots and tables of the evaluation into `out` (logged with the run afterwards)."""
    y, t = prepared.cv_rows.y, prepared.cv_rows.t
    chosen = selection.chosen
    labels = (
        ("chosen", f"chosen ({'+'.join(chosen.members)})"),
        ("ref_response", "response model"),
    )
    shown = {label: evaluation.rankings[key] for key, label in labels if key in evaluation.rankings}
    plots.curves_plot(y, t, shown, out / "qini_curve.png", kind="qini")
    plots.curves_plot(y, t, shown, out / "uplift_curve.png", kind="uplift")
    plots.calibration_plot(evaluation.calibration, out / "calibration.png")
    plots.overlap_plot(propensity, t, out / "propensity_overlap.png")
    evaluation.calibration.to_csv(out / "calibration.csv", index=False)
    for group, table in evaluation.groups.items():
        table.to_csv(out / f"by_{group}.csv", index=False)
    pd.DataFrame(
        [
            {
                "candidate": c.name,
                "members": "+".join(c.members),
                "cv_qini": c.qini,
                "cv_qini_ci05": c.qini_interval[0],
                "cv_qini_ci95": c.qini_interval[1],
                "seconds": round(c.seconds, 1),
                "params": json.dumps(c.params, sort_keys=True),
            }
            for c in selection.candidates.values()
        ]
    ).to_csv(out / "learners.csv", index=False)


def register(
    config: TrainConfig,
    model: UpliftModel,
    prepared: Prepared,
    metrics: Mapping[str, float],
    evidence: Evidence,
    *,
    run_id: str,
    commit: str | None,
) -> tuple[str, GateResult]:
    """Log the pyfunc model, register a version with alias `candidate`, run the gate, tag."""
    info = log_uplift_model(
        model,
        input_example=prepared.cv_df.head(5),
        registered_model_name=config.model_name,
        metadata={"run_id": run_id, "contract": config.contract},
    )
    version = str(info.registered_model_version)
    client = mlflow.MlflowClient()
    client.set_registered_model_alias(config.model_name, CANDIDATE, version)
    cv = prepared.cv_rows
    gate = promotion_gate(
        config.model_name,
        version,
        evidence=evidence,
        qini=metrics[SELECTION_METRIC],
        response_qini=metrics.get(f"ref_response/{SELECTION_METRIC}"),
        data_sha256=prepared.fingerprint["sha256"],
        frame=prepared.cv_df,
        y=cv.y,
        t=cv.t,
    )
    version_tags = {
        "run_id": run_id,
        "learner": str(model.model_info.get("learner")),
        "data_sha256": prepared.fingerprint["sha256"],
        f"cv_{SELECTION_METRIC}": f"{metrics[SELECTION_METRIC]:.6f}",
        "weak_evidence": str(evidence.weak).lower(),
        "evidence": "; ".join(evidence.reasons) or "ranking better than chance (90% interval)",
        "promotion": gate.note,
        "git_commit": commit or "unknown",
    }
    for key, value in version_tags.items():
        client.set_model_version_tag(config.model_name, version, key, value[:5000])
    mlflow.set_tags(
        {
            "registered_model": config.model_name,
            "registered_version": version,
            "promotion": gate.note,
            "weak_evidence": str(evidence.weak).lower(),
        }
    )
    return version, gate


# ----------------------------------------------------------------------------- the run


def train(
    config: TrainConfig, *, console: Console | None = None, show_progress: bool = True
) -> TrainResult:
    """Train, evaluate, log, register and gate one model; see the module docstring."""
    console = console or Console()
    if config.data_path is None:
        raise ConfigError("no training data: give --data FILE or data_path in the config")
    data_path = Path(config.data_path)
    truth_path = resolve_truth_path(config, data_path)
    experiment_id = experiment_id_for(config.experiment_name)
    for run_id in recover_interrupted_runs(experiment_id, config.model_name):
        console.print(f"[yellow]note:[/] run {run_id} was interrupted earlier: marked failed")
    timings: dict[str, float] = {}
    started = tick = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal tick
        now = time.perf_counter()
        timings[stage] = now - tick
        tick = now

    total_steps = 7 + len(config.learners)
    with (
        mlflow.start_run(experiment_id=experiment_id, run_name="train") as run,
        _progress(console, show_progress) as progress,
    ):
        mlflow.set_tags(process_tags())
        steps = _Steps(progress, total_steps)
        run_id = run.info.run_id
        out = Path(config.output_dir) / run_id
        out.mkdir(parents=True, exist_ok=True)

        steps.start(f"reading and validating {data_path.name}")
        prepared = prepare(config, data_path, out, console)
        commit = log_run_context(config, prepared.fingerprint)
        lap("read_validate")
        steps.advance()

        steps.start("cross-fitting the propensity model")
        cv = prepared.cv_rows
        propensity = _propensity(config, prepared, cv)
        if propensity.overlap_warning:
            console.print(f"[yellow]warning:[/] {propensity.overlap_warning}")
        overlap = ev.propensity_overlap(propensity.scores_raw, cv.t)
        # DR needs out-of-fold propensities for every row it is fit on.
        needs_propensity = "dr" in config.learners
        lap("propensity")
        steps.advance()

        steps.start("tuning")
        params = tuned_params(
            config, prepared, propensity.scores_clipped if needs_propensity else None
        )
        lap("tuning")
        steps.advance()

        selection = crossfit.select(
            config.learners,
            params,
            cv.X,
            cv.t,
            cv.y,
            folds=config.folds,
            propensity=propensity.scores_clipped if needs_propensity else None,
            categorical=prepared.categorical,
            feature_names=[s.name for s in prepared.specs],
            seed=config.seed,
            ensemble=config.ensemble,
            min_events_per_arm=config.min_events_per_arm,
            on_learner=steps.learner,
        )
        for name, candidate in selection.candidates.items():
            timings[f"crossfit_{name}"] = candidate.seconds
        lap("crossfit")
        chosen = selection.chosen
        console.print(
            "cross-validated Qini coefficient (90% interval): "
            + ", ".join(
                f"{c.name}={c.qini:.4f} [{c.qini_interval[0]:.4f}, {c.qini_interval[1]:.4f}]"
                for c in selection.candidates.values()
            )
        )
        console.print(f"chosen: [bold]{'+'.join(chosen.members)}[/]: {selection.reason}")
        evidence = assess_evidence(
            cv.t,
            cv.y,
            qini=chosen.qini,
            qini_interval=chosen.qini_interval,
            min_events_per_arm=config.min_events_per_arm,
        )
        if evidence.weak:
            console.print(
                "[bold yellow]warning: weak evidence, the ranking is not shown to be better "
                "than chance[/]"
            )
            for reason in evidence.reasons:
                console.print(f"  - {reason}")
            console.print(f"  {WEAK_EVIDENCE_ADVICE}")

        steps.start("refitting the chosen model on every row")
        full_propensity = None
        if needs_propensity:
            full_propensity = (
                propensity.scores_clipped
                if not prepared.sampled
                else _propensity(config, prepared, prepared.all_rows).scores_clipped
            )
        model = build_model(
            config,
            prepared,
            selection,
            propensity=full_propensity,
            run_id=run_id,
            evidence=evidence,
        )
        lap("refit_calibrate")
        steps.advance()

        steps.start("evaluating the out-of-fold predictions")
        evaluation = evaluate(config, prepared, selection, truth_path)
        metrics = evaluation.metrics
        metrics.update(_prefixed("overlap/", overlap))
        metrics["weak_evidence"] = float(evidence.weak)
        lap("evaluation")
        steps.advance()

        steps.start("writing plots and the report")
        write_artifacts(
            out, prepared, evaluation, selection=selection, propensity=propensity.scores_raw
        )
        lap("artifacts")
        steps.advance()

        steps.start("logging and registering the model")
        version, gate = register(
            config, model, prepared, metrics, evidence, run_id=run_id, commit=commit
        )
        metrics.update(gate.metrics)
        lap("log_register")
        timings["total"] = time.perf_counter() - started
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
            overlap_warning=propensity.overlap_warning,
            evidence=evidence,
            cv_rows=len(cv.y),
        )
        mlflow.log_metrics(_finite(metrics))
        mlflow.log_metrics(_prefixed("time/", timings))
        mlflow.log_artifacts(str(out), artifact_path="evaluation")
        steps.advance()

    fp = prepared.fingerprint
    result = TrainResult(
        run_id=run_id,
        model_name=config.model_name,
        version=version,
        promoted=gate.promoted,
        promotion_note=gate.note,
        champion_version=version if gate.promoted else gate.previous_champion,
        chosen_learner="+".join(chosen.members),
        metrics=metrics,
        output_dir=out,
        report_path=report_path,
        quarantine_path=prepared.quarantine_path,
        counts={k: int(v) for k, v in fp.items() if k.startswith("rows_") or k.endswith("_rows")},
        timings=timings,
        notes=prepared.data.notes,
        evidence=evidence,
        selection_reason=selection.reason,
    )
    print_summary(result, config, console)
    return result


def _quarantine(data: TrainingData, out: Path, console: Console) -> Path | None:
    """Write rejected rows with their reasons; log them as an artifact; print the count."""

    result = data.validation
    if result is None or result.n_rejected == 0:
        return None
    path = write_quarantine(result, out / "quarantine.csv")
    mlflow.log_artifact(str(path), artifact_path="quarantine")
    console.print(
        f"[yellow]{result.n_rejected} of {result.n_rows} rows rejected[/] "
        f"(reasons per row in {path})"
    )
    for problem in result.problems[:5]:
        console.print(f"  {problem.message()}")
    return path


def _propensity(config: TrainConfig, prepared: Prepared, rows: Arrays) -> PropensityResult:
    """Out-of-fold chances of being mentored for these rows (overlap check; DR's weights)."""
    return crossfit_propensity(
        rows.X,
        rows.t,
        folds=config.folds,
        seed=config.seed,
        params=config.learner_params,
        categorical=prepared.categorical,
    )


def _references(config: TrainConfig, prepared: Prepared) -> dict[str, ev.FloatArray]:
    """Out-of-fold scores of the reference rankings: random, and the response model (the chance
    of going digital when mentored, what a program without uplift modelling would rank by)."""
    cv = prepared.cv_rows
    rng = np.random.default_rng(config.seed)
    fold_of = stratified_folds(cv.t * 2 + cv.y, config.folds, config.seed)
    response = np.empty(len(cv.y))
    options = parse_params(config.learner_params)
    names = [s.name for s in prepared.specs]
    for k in range(config.folds):
        train_rows = (fold_of != k) & (cv.t == 1)
        model = fit_booster(
            cv.X[train_rows],
            cv.y[train_rows],
            role="outcome",
            options=options,
            categorical=prepared.categorical,
            seed=config.seed + k,
            feature_names=names,
        )
        response[fold_of == k] = predict(model, cv.X[fold_of == k])
    return {"ref_random": rng.uniform(size=len(cv.y)), "ref_response": response}


def _evaluate(
    config: TrainConfig,
    rankings: Mapping[str, ev.FloatArray],
    y: ev.FloatArray,
    t: ev.FloatArray,
    true_uplift: ev.FloatArray | None,
) -> dict[str, float]:
    """Headline numbers and bootstrap intervals for every ranking (chosen without a prefix)."""
    metrics: dict[str, float] = {}
    for key, score in rankings.items():
        prefix = "" if key == "chosen" else f"{key}/"
        metrics.update(
            _prefixed(prefix, ev.headline_metrics(y, score, t, config.capacities, true_uplift))
        )
    if config.bootstrap_resamples > 0:
        # Intervals for the served ranking and the references it is judged against.
        judged = {k: v for k, v in rankings.items() if k == "chosen" or k.startswith("ref_")}
        intervals = ev.bootstrap_many(
            y,
            t,
            judged,
            config.capacities,
            true_uplift=true_uplift,
            resamples=config.bootstrap_resamples,
            seed=config.seed,
        )
        for key, found in intervals.items():
            prefix = "" if key == "chosen" else f"{key}/"
            for name, (low, high) in found.items():
                metrics[f"{prefix}{name}_ci05"] = low
                metrics[f"{prefix}{name}_ci95"] = high
    return metrics


def _group_tables(
    config: TrainConfig,
    test_df: pd.DataFrame,
    *,
    y: ev.FloatArray,
    t: ev.FloatArray,
    uplift: ev.FloatArray,
    true_uplift: ev.FloatArray | None,
) -> dict[str, pd.DataFrame]:
    frame = pd.DataFrame({"y": y, "t": t, "score": uplift}, index=test_df.index)
    if true_uplift is not None:
        frame["truth"] = true_uplift
    tables = {}
    for column in config.group_columns:
        if column in test_df.columns:
            values = test_df[column]
        elif column == "island_group" and "province_code" in test_df.columns:
            values = test_df["province_code"].astype(str).map(island_group_by_province())
        else:
            continue
        frame["group"] = values.astype(str).to_numpy()
        table = ev.metrics_by_group(
            frame,
            "group",
            y_column="y",
            treatment_column="t",
            score_column="score",
            capacities=config.capacities,
            truth_column="truth" if true_uplift is not None else None,
        )
        table["group"] = column
        tables[column] = table
    return tables


def _group_metrics(table: pd.DataFrame) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for _, row in table.iterrows():
        prefix = f"by_{row['group']}/{_metric_key(str(row['value']))}/"
        for name in ("qini_coefficient", "uplift_at_10pct", "oracle_share_10pct"):
            if name in row and pd.notna(row[name]):
                metrics[prefix + name] = float(row[name])
    return metrics


def print_summary(result: TrainResult, config: TrainConfig, console: Console) -> None:
    """Run id, registered name and version, and the headline metrics."""
    m = result.metrics
    console.print(f"run id: [bold]{result.run_id}[/]")
    console.print(
        f"registered: [bold]{result.model_name}[/] version [bold]{result.version}[/] "
        f"(alias {CANDIDATE}); {result.promotion_note}"
    )
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
    console.print(table)
    low, high = m.get("qini_coefficient_ci05"), m.get("qini_coefficient_ci95")
    if low is not None and high is not None:
        console.print(
            f"Qini coefficient {m['qini_coefficient']:.4f}, 90% interval [{low:.4f}, {high:.4f}]"
        )
    if result.evidence is not None and result.evidence.weak:
        console.print(
            "[bold yellow]WEAK EVIDENCE:[/] this model's list is not shown to be better than "
            f"chance; {WEAK_EVIDENCE_ADVICE}"
        )
    console.print(f"report: {result.report_path}")
