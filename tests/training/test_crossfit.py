"""Cross-fitted learner choice: out-of-fold predictions, intervals, the ensemble rule, refit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from models.features import feature_matrix, msme_feature_specs, resolve_specs
from models.learners import EnsembleLearner
from models.propensity import stratified_folds
from tests.models.synthetic import simulate_msme
from training import crossfit
from training import evaluation as ev

PARAMS = {"num_boost_round": 60}


@pytest.fixture(scope="module")
def arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    data = simulate_msme(6000, seed=3)
    frame = data.frame
    specs = resolve_specs(frame, msme_feature_specs())
    X = feature_matrix(frame, specs)
    t = frame["mentored"].to_numpy(float)
    y = frame["digitalized"].to_numpy(float)
    return X, t, y, data.uplift, [s.name for s in specs]


def _select_s_and_t(
    X: np.ndarray, t: np.ndarray, y: np.ndarray, names: list[str], **options: Any
) -> crossfit.Selection:
    """S and T judged on 3 folds (``options``: ensemble, resamples, min_events_per_arm)."""
    return crossfit.select(
        ["s", "t"],
        {"s": PARAMS, "t": PARAMS},
        X,
        t,
        y,
        folds=3,
        propensity=None,
        categorical=[],
        feature_names=names,
        seed=0,
        **options,
    )


def test_out_of_fold_predictions_come_from_models_that_did_not_see_the_row(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]],
) -> None:
    X, t, y, truth, names = arrays
    fold_of = stratified_folds(t * 2 + y, 3, 0)
    oof = crossfit.crossfit_learner(
        "s",
        PARAMS,
        X,
        t,
        y,
        fold_of=fold_of,
        propensity=None,
        categorical=[],
        feature_names=names,
        seed=0,
    )
    assert oof.uplift.shape == (len(y),)
    np.testing.assert_allclose(oof.uplift, oof.p1 - oof.p0, atol=1e-12)
    # Out of fold, the ranking still finds the true uplift...
    assert ev.oracle_share(truth, oof.uplift, 0.1) > 0.5
    # ...and differs from an in-sample fit: each fold's rows were predicted by another model.
    in_sample = crossfit.refit(
        crossfit.Candidate("s", ("s",), oof, 0.0, (0.0, 0.0), 0.0, {"s": PARAMS}),
        X,
        t,
        y,
        propensity=None,
        categorical=[],
        feature_names=names,
        seed=0,
    ).predict_uplift(X)
    assert not np.allclose(in_sample, oof.uplift)


def test_overlapping_learners_are_averaged_and_the_refit_is_an_ensemble(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]],
) -> None:
    X, t, y, _, names = arrays
    selection = _select_s_and_t(
        X,
        t,
        y,
        names,
        ensemble=True,
        resamples=30,
    )
    s, t_ = selection.candidates["s"], selection.candidates["t"]
    for candidate in (s, t_):
        assert candidate.qini_interval[0] <= candidate.qini <= candidate.qini_interval[1]
    overlap = (
        s.qini_interval[1] >= t_.qini_interval[0] and t_.qini_interval[1] >= s.qini_interval[0]
    )
    if overlap:
        assert selection.chosen.name == crossfit.ENSEMBLE
        assert selection.chosen.members == ("s", "t")
        np.testing.assert_allclose(
            selection.chosen.oof.uplift, (s.oof.uplift + t_.oof.uplift) / 2, atol=1e-12
        )
        learner = crossfit.refit(
            selection.chosen,
            X,
            t,
            y,
            propensity=None,
            categorical=[],
            feature_names=names,
            seed=0,
        )
        assert isinstance(learner, EnsembleLearner) and learner.label == "s+t"
        prediction, attribution = learner.explain_matrix(X[:50])
        # Contributions of the average still add up exactly to the average uplift.
        np.testing.assert_allclose(
            attribution.contributions.sum(1) + attribution.base, prediction.uplift, atol=1e-9
        )
    else:
        assert selection.chosen.name in ("s", "t")


def test_without_ensemble_the_best_single_learner_is_chosen(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]],
) -> None:
    X, t, y, _, names = arrays
    selection = _select_s_and_t(
        X,
        t,
        y,
        names,
        ensemble=False,
        resamples=10,
    )
    best = max(("s", "t"), key=lambda n: selection.candidates[n].qini)
    assert selection.chosen.name == best
    assert crossfit.ENSEMBLE not in selection.candidates


def test_with_few_events_the_s_learner_is_served_alone(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]],
) -> None:
    X, t, y, _, names = arrays
    events = int(min(y[t == 1].sum(), y[t == 0].sum()))
    selection = _select_s_and_t(
        X,
        t,
        y,
        names,
        ensemble=True,
        resamples=10,
        min_events_per_arm=events + 1,
    )
    assert selection.chosen.name == "s"
    assert "few outcome events" in selection.reason
    assert set(selection.candidates) == {"s", "t"}  # both still judged and reported
