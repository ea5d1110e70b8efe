"""Cross-fitted propensity scores (chance of being mentored given the profile) and overlap checks.

Each row's score comes from a model that never saw that row (k folds, stratified by arm), so the
DR learner's inverse-propensity weights are not overfit. Scores are clipped to [c, 1 - c]
(default c = 0.02, so no weight exceeds 50) because with 10–30% mentored a few controls get tiny
propensities and would otherwise dominate the pseudo-outcomes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from models.boosting import fit_booster, parse_params, predict
from models.features import FloatArray, frame_to_matrix

# The overlap band: rows whose propensity is outside it rely on extrapolation.
OVERLAP_BAND = (0.05, 0.95)
# Warn when more than this share of rows falls outside the band.
OVERLAP_WARNING_SHARE = 0.10
DEFAULT_CLIP = 0.02


@dataclass(frozen=True)
class PropensityResult:
    """Out-of-fold propensity scores with overlap diagnostics."""

    scores_clipped: FloatArray
    scores_raw: FloatArray
    share_outside_005_095: float
    overlap_warning: str | None
    clip: float = DEFAULT_CLIP
    folds: int = 5

    def summary(self) -> dict[str, float]:
        """Numbers worth logging as metrics."""
        return {
            "propensity_share_outside_005_095": self.share_outside_005_095,
            "propensity_share_clipped": float(
                np.mean((self.scores_raw < self.clip) | (self.scores_raw > 1 - self.clip))
            ),
            "propensity_min": float(self.scores_raw.min()),
            "propensity_max": float(self.scores_raw.max()),
            "propensity_mean": float(self.scores_raw.mean()),
        }


def overlap_diagnostics(
    scores: FloatArray, *, warning_share: float = OVERLAP_WARNING_SHARE
) -> tuple[float, str | None]:
    """Share of rows outside [0.05, 0.95] and a warning when it exceeds ``warning_share``."""
    low, high = OVERLAP_BAND
    share = float(np.mean((scores < low) | (scores > high))) if len(scores) else 0.0
    if share <= warning_share:
        return share, None
    return share, (
        f"poor overlap: {share:.1%} of rows have a propensity outside [{low}, {high}] "
        f"(warning above {warning_share:.0%}); effects for them rest on extrapolation from "
        "few comparable rows in the other arm"
    )


def stratified_folds(labels: npt.ArrayLike, folds: int, seed: int) -> npt.NDArray[np.int64]:
    """Fold number per row, each fold with (nearly) the same share of every label value.

    Rows of each label are shuffled and dealt round-robin, continuing the deal across labels, so
    fold sizes differ by at most one and a rare label (mentored rows that went digital) is spread
    evenly instead of landing in a few folds.
    """
    values = np.asarray(labels)
    rng = np.random.default_rng(seed)
    fold_of = np.empty(len(values), dtype=np.int64)
    offset = 0
    for value in np.unique(values):
        rows = rng.permutation(np.flatnonzero(values == value))
        fold_of[rows] = (np.arange(len(rows)) + offset) % folds
        offset += len(rows)
    return fold_of


def crossfit_propensity(
    X: pd.DataFrame | FloatArray,
    t: npt.ArrayLike,
    *,
    folds: int = 5,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
    clip: float = DEFAULT_CLIP,
    categorical: Sequence[int] | None = None,
    warning_share: float = OVERLAP_WARNING_SHARE,
) -> PropensityResult:
    """Out-of-fold LightGBM propensity scores, clipped to [clip, 1 - clip], with diagnostics.

    ``X`` is a `models.features.prepare_features` frame (categoricals detected from its dtypes)
    or a float matrix with ``categorical`` positions. ``params`` as for the learners
    (``propensity__`` keys apply here only).
    """
    treated = np.asarray(t, dtype=np.float64)
    if isinstance(X, pd.DataFrame):
        cats = [j for j, c in enumerate(X.columns) if isinstance(X[c].dtype, pd.CategoricalDtype)]
        names: list[str] | None = [str(c) for c in X.columns]
    else:
        cats = list(categorical or [])
        names = None
    matrix = frame_to_matrix(X)
    if len(matrix) != len(treated):
        raise ValueError(f"X has {len(matrix)} rows but t has {len(treated)}")
    if not set(np.unique(treated)) <= {0.0, 1.0}:
        raise ValueError("t must be 0/1 (or boolean)")
    if not 0 < clip < 0.5:
        raise ValueError(f"clip must be in (0, 0.5), got {clip}")
    options = parse_params(params)
    fold_of = stratified_folds(treated, folds, seed)
    raw = np.empty(len(treated), dtype=np.float64)
    for k in range(folds):
        test = fold_of == k
        booster = fit_booster(
            matrix[~test],
            treated[~test],
            role="propensity",
            options=options,
            categorical=cats,
            seed=seed + k,
            feature_names=names,
            refit=False,
        )
        raw[test] = predict(booster, matrix[test])
    share, warning = overlap_diagnostics(raw, warning_share=warning_share)
    return PropensityResult(
        scores_clipped=np.clip(raw, clip, 1 - clip),
        scores_raw=raw,
        share_outside_005_095=share,
        overlap_warning=warning,
        clip=clip,
        folds=folds,
    )
