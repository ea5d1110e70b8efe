"""Stage 1, read and prepare: the history read and validated (rejected rows quarantined), counted,
fingerprinted and checked for leaks; the feature matrices of every row and of the cross-fitting
rows (every row, or a stratified sample of `selection_rows` for very large histories), and how
many folds cross-fit them (`TrainConfig.crossfit_folds`: fewer above `large_history_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd

from data.validation import write_quarantine
from models.features import (
    FeatureSpec,
    FloatArray,
    categorical_indices,
    feature_matrix,
    resolve_specs,
)
from training.config import TrainConfig
from training.dataset import TrainingData, fingerprint, load_training_data
from training.events import DataNote, DataRead, OnEvent, RowsRejected, SelectionSampled
from training.evidence import check_leakage

# Rejected rows named in the run's messages; the quarantine file holds them all.
LISTED_REJECTIONS = 5


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
    folds: int  # cross-fitting folds (`TrainConfig.crossfit_folds`)
    large: bool  # more rows than `large_history_rows`

    @property
    def sampled(self) -> bool:
        return len(self.cv_rows.y) < len(self.all_rows.y)

    @property
    def feature_names(self) -> list[str]:
        return [s.name for s in self.specs]


def selection_sample(data: TrainingData, config: TrainConfig) -> pd.Index:
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


def prepare(config: TrainConfig, data_path: Path, out: Path, on_event: OnEvent) -> Prepared:
    """Read, validate (quarantine), count, fingerprint, check for leaks, build the matrices."""
    data = load_training_data(config, data_path)
    quarantine_path = _quarantine(data, out, on_event)
    for note in data.notes:
        on_event(DataNote(note))
    fp = fingerprint(data_path, data)
    on_event(DataRead(fp))
    frame = data.frame
    specs = resolve_specs(frame, data.specs)
    X = feature_matrix(frame, specs)
    t = frame[data.treatment].to_numpy(np.float64)
    y = frame[data.outcome].to_numpy(np.float64)
    check_leakage(X, y, [s.name for s in specs])
    cv_index = selection_sample(data, config)
    positions = frame.index.get_indexer(cv_index)
    if len(cv_index) < len(frame):
        on_event(SelectionSampled(len(cv_index), len(frame)))
    large = len(frame) > config.large_history_rows
    return Prepared(
        data=data,
        fingerprint=fp,
        specs=specs,
        categorical=categorical_indices(specs) if config.categorical_encoding == "native" else [],
        all_rows=Arrays(X, t, y),
        cv_rows=Arrays(X[positions], t[positions], y[positions]),
        cv_df=frame.loc[cv_index],
        quarantine_path=quarantine_path,
        folds=config.crossfit_folds(len(cv_index)),
        large=large,
    )


def _quarantine(data: TrainingData, out: Path, on_event: OnEvent) -> Path | None:
    """Write rejected rows with their reasons and log them as an artifact."""
    result = data.validation
    if result is None or result.n_rejected == 0:
        return None
    path = write_quarantine(result, out / "quarantine.csv")
    mlflow.log_artifact(str(path), artifact_path="quarantine")
    examples = tuple(problem.message() for problem in result.problems[:LISTED_REJECTIONS])
    on_event(RowsRejected(result.n_rejected, result.n_rows, path, examples))
    return path
