"""`train(config) -> TrainResult`: histories in, a registered, evaluated uplift model out.

Stages: read and validate (rejected rows quarantined, already-digital MSMEs excluded, all counted);
a stratified split (arm x outcome) into fit / validation / test; cross-fitted propensity with
overlap diagnostics; each configured learner fit and tuned on the validation split; the learner
with the best validation Qini coefficient chosen; per-arm calibration on the validation split;
evaluation of the chosen model and of references (random, response model, plain T-learner) on the
untouched test split; MLflow logging and registration (alias `candidate`); the promotion gate
(`champion` moves only when the new version beats it on the same test rows).

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
from sklearn.model_selection import train_test_split

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
from models.propensity import crossfit_propensity
from models.pyfunc import load_uplift_model, log_uplift_model
from models.uplift_model import UpliftModel
from training import evaluation as ev
from training import plots
from training.config import ConfigError, TrainConfig
from training.dataset import TrainingData, fingerprint, load_training_data
from training.registry import (
    CANDIDATE,
    CHAMPION,
    experiment_id_for,
    model_uri,
    now_utc,
    version_by_alias,
)
from training.report import write_report
from training.tuning import LearnerFit, SplitArrays, fit_learner, tune_learner

SELECTION_METRIC = "qini_coefficient"
LIBRARIES = ("numpy", "pandas", "scikit-learn", "lightgbm", "mlflow", "optuna", "pydantic")
TRUTH_COLUMN = "true_uplift"
REFERENCE_NAMES = ("random", "response", "t_plain")


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


@dataclass(frozen=True)
class Split:
    """Row labels (spreadsheet rows) of the three parts."""

    fit: pd.Index
    validation: pd.Index
    test: pd.Index


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


def split_rows(data: TrainingData, config: TrainConfig) -> Split:
    """Stratified (arm x outcome) test split, then a stratified validation split of the rest."""

    strata = pd.Series(data.t * 2 + data.y, index=data.frame.index)
    rest, test = train_test_split(
        data.frame.index.to_numpy(),
        test_size=config.test_fraction,
        random_state=config.seed,
        stratify=strata.to_numpy(),
    )
    fit, validation = train_test_split(
        rest,
        test_size=config.validation_fraction,
        random_state=config.seed + 1,
        stratify=strata.loc[rest].to_numpy(),
    )
    return Split(
        fit=pd.Index(np.sort(fit)),
        validation=pd.Index(np.sort(validation)),
        test=pd.Index(np.sort(test)),
    )


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
class Prepared:
    """Checked data, its fingerprint and split, and the feature matrices of the three parts."""

    data: TrainingData
    fingerprint: dict[str, Any]
    specs: tuple[FeatureSpec, ...]
    categorical: list[int]
    fit: SplitArrays
    validation: SplitArrays
    test: SplitArrays
    validation_df: pd.DataFrame
    test_df: pd.DataFrame
    quarantine_path: Path | None


@dataclass(frozen=True)
class Evaluation:
    """Test-set numbers of the served model, each learner and the references."""

    metrics: dict[str, float]
    rankings: dict[str, ev.FloatArray]
    groups: dict[str, pd.DataFrame]
    calibration: pd.DataFrame
    truth_known: bool


def prepare(config: TrainConfig, data_path: Path, out: Path, console: Console) -> Prepared:
    """Read, validate (quarantine), count, fingerprint, split and build the feature matrices."""
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
    split = split_rows(data, config)
    frame = data.frame
    specs = resolve_specs(frame.loc[split.fit], data.specs)

    def arrays(rows: pd.Index) -> SplitArrays:
        part = frame.loc[rows]
        return SplitArrays(
            feature_matrix(part, specs),
            part[data.treatment].to_numpy(np.float64),
            part[data.outcome].to_numpy(np.float64),
        )

    return Prepared(
        data=data,
        fingerprint=fp,
        specs=specs,
        categorical=categorical_indices(specs),
        fit=arrays(split.fit),
        validation=arrays(split.validation),
        test=arrays(split.test),
        validation_df=frame.loc[split.validation],
        test_df=frame.loc[split.test],
        quarantine_path=quarantine_path,
    )


def log_run_context(config: TrainConfig, fp: Mapping[str, Any]) -> str | None:
    """Params (config, data fingerprint), tags (git, library versions); returns the commit."""
    commit, dirty = git_commit()
    mlflow.log_params(_flat_params(config))
    mlflow.log_params({f"data.{k}": v for k, v in fp.items()})
    mlflow.log_params({"selection_metric": f"{SELECTION_METRIC} on the validation split"})
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


def fit_learners(
    config: TrainConfig, prepared: Prepared, propensity: FloatArray, steps: _Steps
) -> dict[str, LearnerFit]:
    """Fit and tune every configured learner on the fit part, scored on the validation part."""
    fits: dict[str, LearnerFit] = {}
    for name in config.learners:
        steps.start(f"learner {name}: fitting and tuning")
        fits[name] = tune_learner(
            name,
            prepared.fit,
            prepared.validation,
            base_params=config.learner_params,
            propensity=propensity,
            categorical=prepared.categorical,
            feature_names=[s.name for s in prepared.specs],
            seed=config.seed,
            trials=config.tuning.trials,
            timeout_seconds=config.tuning.timeout_seconds,
            on_trial=lambda _n: steps.advance(),
        )
        steps.advance(config.tuning.trials - fits[name].trials_completed)
    return fits


def build_model(
    config: TrainConfig, prepared: Prepared, chosen: LearnerFit, run_id: str
) -> UpliftModel:
    """The served model: features, the chosen learner, per-arm calibration on validation rows."""
    data = prepared.data
    return UpliftModel.from_learner(
        chosen.learner,
        specs=prepared.specs,
        calibration_df=prepared.validation_df,
        treatment=data.treatment,
        outcome=data.outcome,
        calibration=config.calibration,
        id_column=config.id_column,
        model_info={
            "learner": chosen.name,
            "params": chosen.params,
            "seed": config.seed,
            "contract": config.contract,
            "model_name": config.model_name,
            "run_id": run_id,
            "selection_metric": SELECTION_METRIC,
            "data_sha256": prepared.fingerprint["sha256"],
            "trained_at": now_utc(),
            "treatment": data.treatment,
            "outcome": data.outcome,
        },
    )


def evaluate(
    config: TrainConfig,
    prepared: Prepared,
    model: UpliftModel,
    fits: Mapping[str, LearnerFit],
    truth_path: Path | None,
) -> Evaluation:
    """Every number on the untouched test rows: served model, learners, references, groups."""
    data, test = prepared.data, prepared.test
    scores = model.predict(prepared.test_df)
    uplift = scores["uplift"].to_numpy(np.float64)
    p1 = scores["p_digital_if_mentored"].to_numpy(np.float64)
    p0 = scores["p_digital_if_not"].to_numpy(np.float64)
    true_uplift = None
    if truth_path is not None and data.id_column is not None:
        ids = prepared.test_df[data.id_column]
        true_uplift = load_true_uplift(truth_path, ids, data.id_column)
        if true_uplift is None:
            data.notes.append(f"{truth_path}: some test ids have no truth; truth metrics skipped")
    rankings: dict[str, ev.FloatArray] = {"chosen": uplift}
    for name, learner_fit in fits.items():
        rankings[f"learner_{name}"] = learner_fit.learner.predict_uplift(test.X)
    if config.references:
        names = [s.name for s in prepared.specs]
        rankings.update(_references(config, prepared.fit, test.X, prepared.categorical, names))
    metrics = _evaluate(config, rankings, test.y, test.t, true_uplift)
    metrics.update(
        _prefixed("validation/", {f"qini_{n}": f.validation_qini for n, f in fits.items()})
    )
    metrics.update(_prefixed("test/", ev.arm_fit(test.y, test.t, p1, p0)))
    groups = _group_tables(
        config, prepared.test_df, y=test.y, t=test.t, uplift=uplift, true_uplift=true_uplift
    )
    for table in groups.values():
        metrics.update(_group_metrics(table))
    return Evaluation(
        metrics=metrics,
        rankings=rankings,
        groups=groups,
        calibration=ev.calibration_table(test.y, test.t, p1, p0),
        truth_known=true_uplift is not None,
    )


def write_artifacts(
    out: Path,
    prepared: Prepared,
    evaluation: Evaluation,
    *,
    fits: Mapping[str, LearnerFit],
    chosen: str,
    propensity: ev.FloatArray,
) -> None:
    """Plots and tables of the evaluation into `out` (logged with the run afterwards)."""
    y, t = prepared.test.y, prepared.test.t
    labels = (
        ("chosen", f"chosen ({chosen})"),
        ("ref_response", "response model"),
        ("ref_t_plain", "plain T-learner"),
    )
    shown = {label: evaluation.rankings[key] for key, label in labels if key in evaluation.rankings}
    plots.curves_plot(y, t, shown, out / "qini_curve.png", kind="qini")
    plots.curves_plot(y, t, shown, out / "uplift_curve.png", kind="uplift")
    plots.calibration_plot(evaluation.calibration, out / "calibration.png")
    plots.overlap_plot(propensity, prepared.fit.t, out / "propensity_overlap.png")
    evaluation.calibration.to_csv(out / "calibration.csv", index=False)
    for group, table in evaluation.groups.items():
        table.to_csv(out / f"by_{group}.csv", index=False)
    pd.DataFrame(
        [
            {
                "learner": f.name,
                "validation_qini": f.validation_qini,
                "trials": f.trials_completed,
                "seconds": round(f.seconds, 1),
                "params": json.dumps(f.params, sort_keys=True),
            }
            for f in fits.values()
        ]
    ).to_csv(out / "learners.csv", index=False)


def register(
    config: TrainConfig,
    model: UpliftModel,
    prepared: Prepared,
    metrics: Mapping[str, float],
    *,
    run_id: str,
    commit: str | None,
) -> tuple[str, GateResult]:
    """Log the pyfunc model, register a version with alias `candidate`, run the gate, tag."""
    info = log_uplift_model(
        model,
        input_example=prepared.test_df.head(5),
        registered_model_name=config.model_name,
        metadata={"run_id": run_id, "contract": config.contract},
    )
    version = str(info.registered_model_version)
    client = mlflow.MlflowClient()
    client.set_registered_model_alias(config.model_name, CANDIDATE, version)
    gate = _promotion_gate(
        config.model_name,
        version,
        candidate_score=metrics[SELECTION_METRIC],
        test_df=prepared.test_df,
        y=prepared.test.y,
        t=prepared.test.t,
    )
    version_tags = {
        "run_id": run_id,
        "learner": str(model.model_info.get("learner")),
        "data_sha256": prepared.fingerprint["sha256"],
        f"test_{SELECTION_METRIC}": f"{metrics[SELECTION_METRIC]:.6f}",
        "promotion": gate.note,
        "git_commit": commit or "unknown",
    }
    for key, value in version_tags.items():
        client.set_model_version_tag(config.model_name, version, key, value)
    mlflow.set_tags(
        {
            "registered_model": config.model_name,
            "registered_version": version,
            "promotion": gate.note,
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
    timings: dict[str, float] = {}
    started = tick = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal tick
        now = time.perf_counter()
        timings[stage] = now - tick
        tick = now

    total_steps = 6 + sum(config.tuning.trials + 1 for _ in config.learners)
    with (
        mlflow.start_run(experiment_id=experiment_id, run_name="train") as run,
        _progress(console, show_progress) as progress,
    ):
        steps = _Steps(progress, total_steps)
        run_id = run.info.run_id
        out = Path(config.output_dir) / run_id
        out.mkdir(parents=True, exist_ok=True)

        steps.start(f"reading and validating {data_path.name}")
        prepared = prepare(config, data_path, out, console)
        commit = log_run_context(config, prepared.fingerprint)
        lap("read_validate_split")
        steps.advance()

        steps.start("cross-fitting the propensity model")
        propensity = crossfit_propensity(
            prepared.fit.X,
            prepared.fit.t,
            folds=config.folds,
            seed=config.seed,
            params=config.learner_params,
            categorical=prepared.categorical,
        )
        if propensity.overlap_warning:
            console.print(f"[yellow]warning:[/] {propensity.overlap_warning}")
        overlap = ev.propensity_overlap(propensity.scores_raw, prepared.fit.t)
        lap("propensity")
        steps.advance()

        fits = fit_learners(config, prepared, propensity.scores_clipped, steps)
        for name, learner_fit in fits.items():
            timings[f"learner_{name}"] = learner_fit.seconds
        lap("learners")
        chosen = max(
            fits.values(), key=lambda f: (f.validation_qini, -config.learners.index(f.name))
        )
        console.print(
            "validation Qini coefficient: "
            + ", ".join(f"{f.name}={f.validation_qini:.4f}" for f in fits.values())
            + f" -> chosen: [bold]{chosen.name}[/]"
        )

        steps.start("calibrating and building the model")
        model = build_model(config, prepared, chosen, run_id)
        steps.advance()

        steps.start("evaluating on the held-out test rows")
        evaluation = evaluate(config, prepared, model, fits, truth_path)
        metrics = evaluation.metrics
        metrics.update(_prefixed("overlap/", overlap))
        lap("evaluation")
        steps.advance()

        steps.start("writing plots and the report")
        write_artifacts(
            out,
            prepared,
            evaluation,
            fits=fits,
            chosen=chosen.name,
            propensity=propensity.scores_raw,
        )
        steps.advance()

        steps.start("logging and registering the model")
        version, gate = register(config, model, prepared, metrics, run_id=run_id, commit=commit)
        metrics.update(gate.metrics)
        lap("log_register")
        timings["total"] = time.perf_counter() - started
        report_path = write_report(
            out / "report.md",
            config=config,
            fingerprint=prepared.fingerprint,
            notes=prepared.data.notes,
            fits=fits,
            chosen=chosen.name,
            metrics=metrics,
            groups=evaluation.groups,
            version=version,
            promotion=gate.note,
            truth_known=evaluation.truth_known,
            overlap_warning=propensity.overlap_warning,
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
        chosen_learner=chosen.name,
        metrics=metrics,
        output_dir=out,
        report_path=report_path,
        quarantine_path=prepared.quarantine_path,
        counts={k: int(v) for k, v in fp.items() if k.startswith("rows_") or k.endswith("_rows")},
        timings=timings,
        notes=prepared.data.notes,
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


def _references(
    config: TrainConfig,
    fit: SplitArrays,
    test_x: FloatArray,
    cats: list[int],
    names: list[str],
) -> dict[str, ev.FloatArray]:
    """Scores of the reference rankings on the test rows."""

    rng = np.random.default_rng(config.seed)
    treated = fit.t == 1
    response = fit_booster(
        fit.X[treated],
        fit.y[treated],
        role="outcome",
        options=parse_params(config.learner_params),
        categorical=cats,
        seed=config.seed,
        feature_names=names,
    )
    t_plain = fit_learner(
        "t",
        config.learner_params,
        fit,
        propensity=None,
        categorical=cats,
        feature_names=names,
        seed=config.seed,
    )
    return {
        "ref_random": rng.uniform(size=len(test_x)),
        "ref_response": predict(response, test_x),
        "ref_t_plain": t_plain.predict_uplift(test_x),
    }


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
        intervals = ev.bootstrap_many(
            y,
            t,
            rankings,
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


@dataclass(frozen=True)
class GateResult:
    """The promotion decision."""

    promoted: bool
    note: str
    previous_champion: str | None
    metrics: dict[str, float]


def _promotion_gate(
    name: str,
    version: str,
    *,
    candidate_score: float,
    test_df: pd.DataFrame,
    y: ev.FloatArray,
    t: ev.FloatArray,
) -> GateResult:
    """Move `champion` to the new version when there is none, or when the new version's test
    Qini coefficient is higher than the champion's on the same test rows."""
    client = mlflow.MlflowClient()
    current = version_by_alias(name, CHAMPION, client)
    if current is None:
        client.set_registered_model_alias(name, CHAMPION, version)
        return GateResult(True, "champion: first version (no champion yet)", None, {})
    previous = str(current.version)
    try:
        champion: UpliftModel = load_uplift_model(model_uri(name, CHAMPION))
        champion_score = ev.qini_coefficient(y, champion.predict(test_df)["uplift"], t)
    except Exception as error:  # any failure means "cannot compare": the champion stays
        note = (
            f"candidate only: champion v{previous} could not score this test set ({error}); "
            "use `umkm promote` to promote by hand"
        )
        return GateResult(False, note, previous, {})
    metrics = {f"champion/{SELECTION_METRIC}": champion_score}
    if candidate_score > champion_score:
        client.set_registered_model_alias(name, CHAMPION, version)
        note = (
            f"champion: beat v{previous} on the same test rows ({SELECTION_METRIC} "
            f"{candidate_score:.4f} > {champion_score:.4f})"
        )
        return GateResult(True, note, previous, metrics)
    note = (
        f"candidate only: champion v{previous} stays ({SELECTION_METRIC} "
        f"{candidate_score:.4f} <= {champion_score:.4f} on the same test rows)"
    )
    return GateResult(False, note, previous, metrics)


def print_summary(result: TrainResult, config: TrainConfig, console: Console) -> None:
    """Run id, registered name and version, and the headline metrics."""
    m = result.metrics
    console.print(f"run id: [bold]{result.run_id}[/]")
    console.print(
        f"registered: [bold]{result.model_name}[/] version [bold]{result.version}[/] "
        f"(alias {CANDIDATE}); {result.promotion_note}"
    )
    table = Table(title=f"held-out test rows, chosen learner: {result.chosen_learner}")
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
    console.print(f"report: {result.report_path}")
