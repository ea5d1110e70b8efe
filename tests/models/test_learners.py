"""Each learner recovers the direction and ranking of a known synthetic uplift."""

from __future__ import annotations

import pickle

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from models.features import msme_feature_specs
from models.learner_base import UpliftLearner
from models.learners import LEARNER_NAMES, XLearner, make_learner
from tests.models.conftest import explained_like_predicted
from tests.models.synthetic import Synthetic


@pytest.mark.parametrize("name", LEARNER_NAMES)
def test_learner_ranks_true_uplift(
    name: str, arrays: dict[str, np.ndarray], fitted: dict[str, UpliftLearner]
) -> None:
    learner = fitted[name]
    X, truth = arrays["X"][6000:], arrays["uplift"][6000:]
    predicted = learner.predict_uplift(X)
    assert np.corrcoef(predicted, truth)[0, 1] > 0.2
    order = np.argsort(-predicted)
    third = len(order) // 3
    top, bottom = truth[order[:third]].mean(), truth[order[-third:]].mean()
    assert top > bottom + 0.02, (top, bottom)
    assert predicted.mean() > 0  # the average effect is positive (about 3 points)


@pytest.mark.parametrize("name", LEARNER_NAMES)
def test_outcomes_and_contributions_are_consistent(
    name: str, arrays: dict[str, np.ndarray], fitted: dict[str, UpliftLearner]
) -> None:
    learner = fitted[name]
    X = arrays["X"][6000:6200]
    p1, p0 = learner.predict_outcomes(X)
    uplift = learner.predict_uplift(X)
    assert ((p1 >= 0) & (p1 <= 1) & (p0 >= 0) & (p0 <= 1)).all()
    inside = (p0 + uplift > 0) & (p0 + uplift < 1)
    np.testing.assert_allclose((p1 - p0)[inside], uplift[inside], atol=1e-12)
    contributions = learner.uplift_contributions(X)
    assert contributions.shape == X.shape
    attribution = learner.attribute_matrix(X)
    np.testing.assert_allclose(contributions.sum(axis=1) + attribution.base, uplift, atol=1e-9)


@pytest.mark.parametrize("name", LEARNER_NAMES)
def test_one_pass_explanation_matches_the_separate_calls(
    name: str, arrays: dict[str, np.ndarray], fitted: dict[str, UpliftLearner]
) -> None:
    """`explain_matrix` takes the probabilities from the TreeSHAP sums (the service's single
    pass); they equal LightGBM's own predictions up to rounding, and the contributions are the
    same numbers `attribute_matrix` gives."""
    learner = fitted[name]
    X = arrays["X"][6000:6300]
    attribution, _ = explained_like_predicted(learner, X)
    alone = learner.attribute_matrix(X)
    np.testing.assert_array_equal(attribution.contributions, alone.contributions)
    np.testing.assert_array_equal(attribution.base, alone.base)
    for row in (X[:1], X[:2]):  # the small shapes of single requests
        one, _ = learner.explain_matrix(row)
        np.testing.assert_allclose(one.uplift, learner.predict_uplift(row), atol=1e-12)


def test_learners_accept_a_prepared_frame(synthetic: Synthetic) -> None:
    from models.features import prepare_features

    frame = synthetic.frame.iloc[:2000]
    prepared = prepare_features(frame, msme_feature_specs())
    learner = make_learner("t", seed=1).fit(prepared, frame["mentored"], frame["digitalized"])
    assert learner.feature_names[0] == "province_code"
    assert learner.predict_uplift(prepared.iloc[:5]).shape == (5,)


def test_fitted_learner_pickles(
    arrays: dict[str, np.ndarray], fitted: dict[str, UpliftLearner]
) -> None:
    X = arrays["X"][6000:6050]
    for learner in fitted.values():
        clone = pickle.loads(pickle.dumps(learner))
        np.testing.assert_array_equal(clone.predict_uplift(X), learner.predict_uplift(X))


def test_fit_is_reproducible(arrays: dict[str, np.ndarray]) -> None:
    X, t, y = arrays["X"][:1500], arrays["t"][:1500], arrays["y"][:1500]
    first = make_learner("dr", seed=5).fit(X, t, y).predict_uplift(X[:50])
    second = make_learner("dr", seed=5).fit(X, t, y).predict_uplift(X[:50])
    np.testing.assert_array_equal(first, second)


def test_unknown_learner_and_class_reweighting_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown learner"):
        make_learner("z")
    with pytest.raises(ValueError, match="class reweighting"):
        make_learner("t", params={"is_unbalance": True})
    with pytest.raises(ValueError, match="class reweighting"):
        make_learner("t", params={"outcome__scale_pos_weight": 10})


def test_one_arm_only_is_refused() -> None:
    X = np.zeros((10, 2))
    with pytest.raises(ValueError, match="treated arm"):
        make_learner("t").fit(X, np.zeros(10), np.r_[np.ones(5), np.zeros(5)])


def test_unfitted_learner_says_so() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        make_learner("x").predict_uplift(pd.DataFrame({"a": [1.0]}))


def test_x_with_the_base_chance_as_an_effect_column_stays_consistent(
    arrays: dict[str, np.ndarray],
) -> None:
    """`effect_baseline`: X's effect models see one column more, the not-mentored log-odds
    (out of fold on the training rows); predictions and contributions agree as for any learner,
    and the column's share is in the base, not a profile factor."""
    X, t, y = arrays["X"][:4000], arrays["t"][:4000], arrays["y"][:4000]
    learner = make_learner("x", params={"effect_baseline": True}, seed=2).fit(X, t, y)
    plain = make_learner("x", seed=2).fit(X, t, y)
    assert isinstance(learner, XLearner) and isinstance(plain, XLearner)
    rows = arrays["X"][6000:6300]

    effect, plain_effect = learner.effect_treated, plain.effect_treated
    assert isinstance(effect, lgb.Booster) and isinstance(plain_effect, lgb.Booster)
    assert effect.num_feature() == X.shape[1] + 1
    assert effect.feature_name()[-1] == "baseline_logit"
    assert plain_effect.num_feature() == X.shape[1]
    attribution, prediction = explained_like_predicted(learner, rows)
    assert attribution.contributions.shape == rows.shape
    np.testing.assert_allclose(
        attribution.contributions.sum(axis=1) + attribution.base, prediction.uplift, atol=1e-9
    )
    np.testing.assert_array_equal(prediction.p0, plain.predict_matrix(rows).p0)  # same outcome
    assert not np.allclose(prediction.uplift, plain.predict_matrix(rows).uplift)
    clone = pickle.loads(pickle.dumps(learner))
    np.testing.assert_array_equal(clone.predict_uplift(rows), prediction.uplift)


def test_effect_baseline_must_be_true_or_false() -> None:
    with pytest.raises(ValueError, match="effect_baseline"):
        make_learner("x", params={"effect_baseline": "sometimes"})
