"""Stage 5, evaluation: every number from the out-of-fold predictions (the chosen recipe, each
candidate, the reference rankings random and response model) with bootstrap intervals, per-group
tables, and truth metrics when a simulator truth file is known. The metrics themselves live in
`training.evaluation`, their intervals in `training.bootstrap`, each arm's fit and the group tables
in `training.diagnostics`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data.io import read_table
from data.reference import island_group_by_province
from models.boosting import fit_booster, parse_params, predict
from models.propensity import stratified_folds
from training import crossfit
from training import evaluation as ev
from training.bootstrap import bootstrap_many
from training.config import ConfigError, TrainConfig
from training.diagnostics import arm_fit, calibration_table, metrics_by_group
from training.metric_kernels import FloatArray
from training.prepare import Prepared

TRUTH_COLUMN = "true_uplift"


@dataclass(frozen=True)
class Evaluation:
    """Out-of-fold numbers of the chosen recipe, each candidate and the references."""

    metrics: dict[str, float]
    rankings: dict[str, FloatArray]
    groups: dict[str, pd.DataFrame]
    calibration: pd.DataFrame
    truth_known: bool
    truth_match: TruthMatch | None = None  # None when no truth file was used


def prefixed(prefix: str, values: Mapping[str, float]) -> dict[str, float]:
    """The same numbers under `prefix` + name."""
    return {f"{prefix}{name}": value for name, value in values.items()}


def resolve_truth_path(config: TrainConfig, data_path: Path) -> Path | None:
    """The truth file: the config's, or a simulator `truth.<ext>` beside a `history.<ext>`."""
    if config.truth_path is not None:
        return config.truth_path
    if data_path.stem == "history":
        beside = data_path.with_name("truth" + data_path.suffix)
        if beside.is_file():
            return beside
    return None


@dataclass(frozen=True)
class TruthMatch:
    """How many of the rows' ids the truth file knows, and their true uplift when it knows all."""

    matched: int
    rows: int
    true_uplift: FloatArray | None


def load_true_uplift(path: Path, ids: pd.Series, id_column: str | None) -> TruthMatch:
    """True uplift for these ids from a simulator truth file (None when some ids are unknown)."""
    if id_column is None:
        raise ConfigError("truth_path needs an id_column to join the truth to the rows")
    truth = read_table(path)
    if id_column not in truth.columns or TRUTH_COLUMN not in truth.columns:
        raise ConfigError(f"{path}: a truth file needs columns {id_column} and {TRUTH_COLUMN}")
    values = pd.to_numeric(truth[TRUTH_COLUMN], errors="coerce")
    lookup = pd.Series(values.to_numpy(), index=truth[id_column].astype(str))
    matched = lookup.reindex(ids.astype(str).to_numpy()).to_numpy(dtype=np.float64)
    known = int((~np.isnan(matched)).sum())
    return TruthMatch(known, len(matched), None if known < len(matched) else matched)


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
    truth_match = None
    if truth_path is not None and data.id_column is not None:
        ids = prepared.cv_df[data.id_column]
        truth_match = load_true_uplift(truth_path, ids, data.id_column)
        true_uplift = truth_match.true_uplift
        if true_uplift is None:
            data.notes.append(
                f"{truth_path}: {truth_match.matched} of {truth_match.rows} ids have a true "
                "uplift; truth metrics skipped"
            )
    rankings: dict[str, FloatArray] = {"chosen": chosen.uplift}
    for name, candidate in selection.candidates.items():
        rankings[f"learner_{name}"] = candidate.oof.uplift
    if config.references:
        rankings.update(_references(config, prepared))
    metrics = _ranking_metrics(config, rankings, cv.y, cv.t, true_uplift)
    metrics["cv_folds"] = float(selection.folds)
    metrics["cv_rows"] = float(len(cv.y))
    metrics.update(prefixed("test/", arm_fit(cv.y, cv.t, chosen.p1, chosen.p0)))
    groups = _group_tables(
        config, prepared.cv_df, y=cv.y, t=cv.t, uplift=chosen.uplift, true_uplift=true_uplift
    )
    for table in groups.values():
        metrics.update(_group_metrics(table))
    return Evaluation(
        metrics=metrics,
        rankings=rankings,
        groups=groups,
        calibration=calibration_table(cv.y, cv.t, chosen.p1, chosen.p0),
        truth_known=true_uplift is not None,
        truth_match=truth_match,
    )


def _references(config: TrainConfig, prepared: Prepared) -> dict[str, FloatArray]:
    """Out-of-fold scores of the reference rankings: random, and the response model (the chance
    of going digital when mentored, what a program without uplift modelling would rank by)."""
    cv = prepared.cv_rows
    rng = np.random.default_rng(config.seed)
    fold_of = stratified_folds(cv.t * 2 + cv.y, prepared.folds, config.seed)
    response = np.empty(len(cv.y))
    options = parse_params(config.learner_params)
    names = prepared.feature_names
    for k in range(prepared.folds):
        train_rows = (fold_of != k) & (cv.t == 1)
        model = fit_booster(
            cv.X[train_rows],
            cv.y[train_rows],
            role="outcome",
            options=options.for_fit_rows(int((fold_of != k).sum())),  # as the fold's learners
            categorical=prepared.categorical,
            seed=config.seed + k,
            feature_names=names,
        )
        response[fold_of == k] = predict(model, cv.X[fold_of == k])
    return {"ref_random": rng.uniform(size=len(cv.y)), "ref_response": response}


def _ranking_metrics(
    config: TrainConfig,
    rankings: Mapping[str, FloatArray],
    y: FloatArray,
    t: FloatArray,
    true_uplift: FloatArray | None,
) -> dict[str, float]:
    """Headline numbers and bootstrap intervals for every ranking (chosen without a prefix)."""
    metrics: dict[str, float] = {}
    for key, score in rankings.items():
        prefix = "" if key == "chosen" else f"{key}/"
        metrics.update(
            prefixed(prefix, ev.headline_metrics(y, score, t, config.capacities, true_uplift))
        )
    if config.bootstrap_resamples > 0:
        # Intervals for the served ranking and the references it is judged against.
        judged = {k: v for k, v in rankings.items() if k == "chosen" or k.startswith("ref_")}
        intervals = bootstrap_many(
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
    y: FloatArray,
    t: FloatArray,
    uplift: FloatArray,
    true_uplift: FloatArray | None,
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
        table = metrics_by_group(
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


def _metric_key(text: str) -> str:
    """A group value as part of an MLflow metric name (letters, digits, _ - . only)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "blank"


def _group_metrics(table: pd.DataFrame) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for _, row in table.iterrows():
        prefix = f"by_{row['group']}/{_metric_key(str(row['value']))}/"
        for name in ("qini_coefficient", "uplift_at_10pct", "oracle_share_10pct"):
            if name in row and pd.notna(row[name]):
                metrics[prefix + name] = float(row[name])
    return metrics
