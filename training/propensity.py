"""Stage 2, propensity: out-of-fold chances of being mentored, for the overlap diagnostics and for
the learners that weight by them (DR).

Where the history records a chance (`SELECTION_PROBABILITY_COLUMN`, written by
`umkm export-history` from the program store), that known number replaces the estimate; other
rows keep the estimate. What is recorded is the exact chance the MSME had of being *selected* for
the list under the list's rule (1 for the model's picks, the exploration draw's chance for the
rest, 0 for those who could not be drawn). It equals the propensity of being *mentored* only
where selection and mentoring coincide: everyone selected took the mentoring and no one else got
it. Rows where they differ are counted (`RecordedPropensity.selection_differs`), so a history
with many of them can be read with that in mind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from data.store.export import SELECTED_COLUMN, SELECTION_PROBABILITY_COLUMN
from models.features import FloatArray
from models.propensity import PropensityResult, crossfit_propensity, overlap_diagnostics
from training.config import TrainConfig
from training.diagnostics import propensity_overlap
from training.prepare import Arrays, Prepared


@dataclass(frozen=True)
class RecordedPropensity:
    """How many rows used a recorded chance of selection instead of the estimate."""

    rows: int  # rows with a recorded chance (of the rows the propensity was computed for)
    of_rows: int
    selection_differs: int  # recorded rows whose selection and mentoring disagree


@dataclass(frozen=True)
class Propensity:
    """Propensity of the cross-fitting rows, its overlap numbers, and what the learners get."""

    cv: PropensityResult
    overlap: dict[str, float]
    for_learners: FloatArray | None  # clipped chances when a learner needs them (DR), else None
    recorded: RecordedPropensity


def needs_propensity(config: TrainConfig) -> bool:
    """DR and R need out-of-fold propensities for every row they are fit on."""
    return bool({"dr", "r"} & set(config.learners))


def estimate(config: TrainConfig, prepared: Prepared) -> Propensity:
    """Cross-fitted propensity on the cross-fitting rows (recorded chances where the history has
    them), with overlap diagnostics."""
    cv = prepared.cv_rows
    result, recorded = with_recorded(crossfit_rows(config, prepared, cv), prepared.cv_df, cv)
    return Propensity(
        cv=result,
        overlap=propensity_overlap(result.scores_raw, cv.t),
        for_learners=result.scores_clipped if needs_propensity(config) else None,
        recorded=recorded,
    )


def for_every_row(
    config: TrainConfig, prepared: Prepared, propensity: Propensity
) -> FloatArray | None:
    """What the refit on every row gets: the same chances, or new ones when the learners were
    cross-fitted on a sample."""
    if not needs_propensity(config):
        return None
    if not prepared.sampled:
        return propensity.cv.scores_clipped
    rows = prepared.all_rows
    result, _ = with_recorded(crossfit_rows(config, prepared, rows), prepared.data.frame, rows)
    return result.scores_clipped


def crossfit_rows(
    config: TrainConfig,
    prepared: Prepared,
    rows: Arrays,
    params: Mapping[str, Any] | None = None,
) -> PropensityResult:
    """Out-of-fold chances of being mentored for these rows (`params`: the config's
    `learner_params` unless given)."""
    return crossfit_propensity(
        rows.X,
        rows.t,
        folds=prepared.folds,
        seed=config.seed,
        params=config.learner_params if params is None else params,
        categorical=prepared.categorical,
    )


# The evidence check's propensity stops boosting when its own log loss on a held-out fifth stops
# improving for this many rounds (the learners' propensity runs a fixed 200 rounds).
CHECK_EARLY_STOPPING_ROUNDS = 20


def for_effect_check(config: TrainConfig, prepared: Prepared) -> FloatArray:
    """Out-of-fold chances of being mentored for the average-effect check
    (`training.evidence.average_effect`), recorded chances in place where the history has them.

    Early-stopped on the propensity's own log loss, unlike the learners' fixed rounds: on a
    randomised history (mentored flags shuffled, true chance 0.15 for everyone) the fixed-round
    model's chances ranged 0.03-0.46 and this model's 0.11-0.19, so its weighted effect stays
    near the plain difference there; on the zoo's histories its intervals were narrower at
    5,000 rows (training.evidence's docstring gives the measurements)."""
    cv = prepared.cv_rows
    params = {
        **config.learner_params,
        "early_stopping_rounds": CHECK_EARLY_STOPPING_ROUNDS,
        "refit": False,
    }
    estimated = crossfit_rows(config, prepared, cv, params)
    result, _ = with_recorded(estimated, prepared.cv_df, cv)
    return result.scores_clipped


def recorded_chances(frame: pd.DataFrame) -> FloatArray:
    """The recorded chance of selection per row, NaN where none is recorded (or no column)."""
    if SELECTION_PROBABILITY_COLUMN not in frame.columns:
        return np.full(len(frame), np.nan)
    values = pd.to_numeric(frame[SELECTION_PROBABILITY_COLUMN], errors="coerce")
    chances = values.to_numpy(dtype=np.float64, na_value=np.nan)
    # A value outside 0..1 is no probability: the estimate stands for that row.
    chances[(chances < 0) | (chances > 1)] = np.nan
    return chances


def with_recorded(
    estimated: PropensityResult, frame: pd.DataFrame, rows: Arrays
) -> tuple[PropensityResult, RecordedPropensity]:
    """The estimate with recorded chances in its place where `frame` (the rows of `estimated`,
    in order) has them, clipped like the estimate; overlap diagnostics on the result."""
    chances = recorded_chances(frame)
    known = ~np.isnan(chances)
    differs = 0
    if known.any() and SELECTED_COLUMN in frame.columns:
        selected = frame[SELECTED_COLUMN].astype("boolean").to_numpy(dtype=bool, na_value=False)
        differs = int(np.sum(known & (selected != (rows.t == 1))))
    recorded = RecordedPropensity(int(known.sum()), len(chances), differs)
    if not known.any():
        return estimated, recorded
    raw = np.where(known, chances, estimated.scores_raw)
    share, warning = overlap_diagnostics(raw)
    result = replace(
        estimated,
        scores_raw=raw,
        scores_clipped=np.clip(raw, estimated.clip, 1 - estimated.clip),
        share_outside_005_095=share,
        overlap_warning=warning,
    )
    return result, recorded
