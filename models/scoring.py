"""Scoring a table of profiles: the model's four fields, with already-digital MSMEs set apart.

MSMEs already digital (`data.segments.is_already_digital`) are not mentoring candidates: they
belong to the stimulus group, get segment `STIMULUS_GROUP` and NaN probabilities and uplift, and
their other columns are not read (so incomplete rows there do not fail the file).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from data.contract import SCORE_FIELDS
from data.segments import (
    DIGITAL_STATUS_COLUMN,
    STIMULUS_GROUP,
    already_digital,
    digital_mask,
    is_already_digital,
)
from models.features import FeatureError
from models.uplift_model import ScoreArrays, UpliftModel


def is_digital(record: Mapping[str, Any]) -> bool:
    """Whether one row (a mapping of column to value) is already digital."""
    return is_already_digital(record.get(DIGITAL_STATUS_COLUMN))


def score_frame(model: UpliftModel, df: pd.DataFrame) -> pd.DataFrame:
    """`SCORE_FIELDS` for every row of ``df``, in input order and with its index."""

    def score(rows: npt.NDArray[np.intp]) -> ScoreArrays:
        return model.predict_arrays(df if len(rows) == len(df) else df.iloc[rows])

    return _scores_of_offline_rows(digital_mask(df), score, df.index)


# Sees each scored feature matrix and its uplift (the service's `DriftCounts.observe`).
MatrixObserver = Callable[[npt.NDArray[np.float64], npt.NDArray[np.float64]], None]


def score_records(
    model: UpliftModel,
    records: Sequence[Mapping[str, Any]],
    observe: MatrixObserver | None = None,
) -> pd.DataFrame:
    """`score_frame` for rows given as mappings of column to value (no DataFrame built);
    `observe` sees the feature matrix of the offline rows and their uplift."""
    statuses = np.empty(len(records), dtype=object)
    statuses[:] = [record.get(DIGITAL_STATUS_COLUMN) for record in records]
    digital = already_digital(statuses)

    def score(rows: npt.NDArray[np.intp]) -> ScoreArrays:
        chosen = records if len(rows) == len(records) else [records[i] for i in rows.tolist()]
        matrix = model.features_from_records(chosen)
        arrays = model.scores_from_matrix(matrix)
        if observe is not None:
            observe(matrix, arrays.uplift)
        return arrays

    return _scores_of_offline_rows(digital, score, pd.RangeIndex(len(records)))


def _scores_of_offline_rows(
    digital: npt.NDArray[np.bool_],
    score: Callable[[npt.NDArray[np.intp]], ScoreArrays],
    index: pd.Index,
) -> pd.DataFrame:
    """The score fields of every row: ``score(positions)`` for the offline rows, the stimulus
    group for the digital ones; a `FeatureError` names the row among all rows."""
    offline = np.flatnonzero(~digital)
    if not digital.any():
        return _checked_scores(score, offline).to_frame(index)
    n = len(digital)
    out = pd.DataFrame(
        {
            "p_digital_if_mentored": np.full(n, np.nan),
            "p_digital_if_not": np.full(n, np.nan),
            "uplift": np.full(n, np.nan),
            "segment": np.full(n, STIMULUS_GROUP, dtype=object),
        },
        index=index,
    )
    assert tuple(out.columns) == SCORE_FIELDS
    if len(offline):
        scores = _checked_scores(score, offline)
        out.iloc[offline, 0] = scores.p_digital_if_mentored
        out.iloc[offline, 1] = scores.p_digital_if_not
        out.iloc[offline, 2] = scores.uplift
        out.iloc[offline, 3] = scores.segment.astype(object)
    return out


def _checked_scores(
    score: Callable[[npt.NDArray[np.intp]], ScoreArrays], rows: npt.NDArray[np.intp]
) -> ScoreArrays:
    try:
        return score(rows)
    except FeatureError as error:
        if error.position is None:
            raise
        raise error.at(int(rows[error.position])) from None
