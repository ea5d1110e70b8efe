"""Cross-fitted propensity: clipping, overlap diagnostics, stratified folds."""

from __future__ import annotations

import numpy as np
import pytest

from models.propensity import crossfit_propensity, overlap_diagnostics, stratified_folds


def _design(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3))


def test_scores_are_clipped_and_raw_scores_kept() -> None:
    X = _design(3000, 0)
    t = (X[:, 0] + np.random.default_rng(1).normal(scale=0.3, size=3000) > 1.2).astype(float)
    result = crossfit_propensity(X, t, folds=3, seed=0, clip=0.05)
    assert result.scores_clipped.min() >= 0.05
    assert result.scores_clipped.max() <= 0.95
    np.testing.assert_array_equal(result.scores_clipped, np.clip(result.scores_raw, 0.05, 0.95))
    assert (result.scores_raw < 0.05).any()  # the clip did something


def test_poor_overlap_is_warned_about_with_its_threshold() -> None:
    X = _design(3000, 2)
    t = (X[:, 0] > 0.5).astype(float)  # arm fully determined by one feature
    result = crossfit_propensity(X, t, folds=3, seed=0)
    assert result.share_outside_005_095 > 0.5
    assert result.overlap_warning is not None
    assert "[0.05, 0.95]" in result.overlap_warning
    assert "10%" in result.overlap_warning


def test_random_assignment_has_good_overlap_and_no_warning() -> None:
    X = _design(3000, 3)
    t = (np.random.default_rng(4).random(3000) < 0.25).astype(float)
    result = crossfit_propensity(X, t, folds=3, seed=0)
    assert result.share_outside_005_095 < 0.05
    assert result.overlap_warning is None
    assert abs(result.scores_raw.mean() - t.mean()) < 0.03


def test_overlap_diagnostics_threshold() -> None:
    scores = np.array([0.01] * 11 + [0.5] * 89)
    share, warning = overlap_diagnostics(scores)
    assert share == pytest.approx(0.11)
    assert warning is not None
    assert overlap_diagnostics(np.array([0.01] * 10 + [0.5] * 90))[1] is None


def test_stratified_folds_spread_a_rare_label_evenly() -> None:
    labels = np.array([1] * 20 + [0] * 980)
    folds = stratified_folds(labels, 5, seed=0)
    per_fold = [int(labels[folds == k].sum()) for k in range(5)]
    assert per_fold == [4, 4, 4, 4, 4]
    sizes = np.bincount(folds)
    assert sizes.max() - sizes.min() <= 1


def test_bad_treatment_values_are_refused() -> None:
    with pytest.raises(ValueError, match="0/1"):
        crossfit_propensity(_design(10, 0), np.arange(10), folds=2)
