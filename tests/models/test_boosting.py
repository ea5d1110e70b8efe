"""LightGBM helpers: tree ranges, row blocks on threads, and the pooled model's tree order."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from models import boosting
from models.boosting import contributions, predict, trees_without_feature_first
from models.learner_base import UpliftLearner
from models.learners import PooledOutcome, SLearner, TLearner, XLearner
from models.uplift_model import UpliftModel


@pytest.fixture(scope="module")
def pooled(fitted_model: Callable[[str], UpliftModel]) -> PooledOutcome:
    outcome = fitted_model("s").learner.outcome  # type: ignore[attr-defined]
    assert isinstance(outcome, PooledOutcome)
    return outcome


def _uses(node: dict[str, Any], feature: int) -> bool:
    if "split_feature" not in node:
        return False
    return bool(
        node["split_feature"] == feature
        or _uses(node["left_child"], feature)
        or _uses(node["right_child"], feature)
    )


def test_trees_that_ignore_the_indicator_come_first_and_change_nothing(
    pooled: PooledOutcome,
) -> None:
    model = pooled.model
    indicator = model.num_feature() - 1  # type: ignore[union-attr]
    trees = model.dump_model()["tree_info"]  # type: ignore[union-attr]
    uses = [_uses(tree["tree_structure"], indicator) for tree in trees]
    shared = pooled.shared_trees  # set when the learner was fitted
    assert 0 < shared < len(trees)  # the simulated effect needs the indicator in some trees
    assert uses == [False] * shared + [True] * (len(trees) - shared)
    again, count = trees_without_feature_first(model, indicator)
    assert count == shared
    probe = np.random.default_rng(2).normal(size=(40, indicator + 1))
    np.testing.assert_allclose(
        predict(again, probe, raw=True), predict(model, probe, raw=True), atol=1e-12
    )


def test_every_lightgbm_prediction_runs_on_one_thread(
    pooled: PooledOutcome, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Folds are fit side by side on threads; a prediction on LightGBM's default thread count
    # beside a fit on one thread crashes the process (`benchmarks/lightgbm_thread_count_crash.py`:
    # a segmentation fault in 2 of 3 runs of 30 s). The tree-order check made such calls.
    import lightgbm as lgb

    threads: list[object] = []
    original = lgb.Booster.predict

    def recording(self: lgb.Booster, data: Any, *args: Any, **kwargs: Any) -> Any:
        threads.append(kwargs.get("num_threads"))
        return original(self, data, *args, **kwargs)

    monkeypatch.setattr(lgb.Booster, "predict", recording)
    model = lgb.Booster(model_str=pooled.model.model_to_string())  # type: ignore[union-attr]
    _, count = trees_without_feature_first(model, model.num_feature() - 1)
    X = np.random.default_rng(9).normal(size=(30, model.num_feature()))
    predict(model, X)
    contributions(model, X)

    assert count > 0 and len(threads) >= 4
    assert set(threads) == {1}


def test_split_scoring_equals_scoring_every_tree_for_both_arms(
    pooled: PooledOutcome, fitted_model: Callable[[str], UpliftModel]
) -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, pooled.model.num_feature() - 1)) * 2  # type: ignore[union-attr]
    unsplit = PooledOutcome(pooled.model, 0)
    for got, expected in zip(pooled.probabilities(X), unsplit.probabilities(X), strict=True):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    p1, p0, attribution = pooled.explain(X)
    q1, q0, reference = unsplit.explain(X)
    np.testing.assert_allclose(p1, q1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(p0, q0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(attribution.contributions, reference.contributions, atol=1e-12)
    np.testing.assert_allclose(attribution.base, reference.base, atol=1e-12)


def test_tree_ranges_add_up_to_the_whole_model(pooled: PooledOutcome) -> None:
    model = pooled.model
    X = np.random.default_rng(4).normal(size=(50, model.num_feature()))  # type: ignore[union-attr]
    total = model.num_trees()
    whole = predict(model, X, raw=True)
    parts = predict(model, X, raw=True, trees=(0, 5)) + predict(
        model, X, raw=True, trees=(5, total)
    )
    np.testing.assert_allclose(parts, whole, atol=1e-12)
    split = contributions(model, X, trees=(0, 5)) + contributions(model, X, trees=(5, total))
    np.testing.assert_allclose(split, contributions(model, X), atol=1e-12)


def test_long_matrices_scored_in_row_blocks_match_one_call(
    pooled: PooledOutcome, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = pooled.model
    X = np.random.default_rng(5).normal(size=(999, model.num_feature()))  # type: ignore[union-attr]
    whole = predict(model, X)
    contrib = contributions(model, X[:200])
    monkeypatch.setattr(boosting, "PARALLEL_MIN_ROWS", {"predict": 100, "contrib": 50})
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    np.testing.assert_array_equal(predict(model, X), whole)
    np.testing.assert_array_equal(contributions(model, X[:200]), contrib)


def test_no_two_threads_share_a_booster(pooled: PooledOutcome) -> None:
    import lightgbm as lgb

    # A booster of its own, so that no other test's spare copies are in its pool.
    model = lgb.Booster(model_str=pooled.model.model_to_string())  # type: ignore[union-attr]
    first = boosting.acquire_booster(model)
    second = boosting.acquire_booster(model)  # the model is taken: a private copy
    assert first is model and second is not model
    X = np.random.default_rng(6).normal(size=(50, model.num_feature()))  # type: ignore[union-attr]
    np.testing.assert_array_equal(second.predict(X), model.predict(X))  # type: ignore[union-attr]
    boosting.release_booster(model, second)
    boosting.release_booster(model, first)
    # Given back, both are reused: no new copy is made.
    again = {id(boosting.acquire_booster(model)), id(boosting.acquire_booster(model))}
    assert again == {id(first), id(second)}
    for held in (first, second):
        boosting.release_booster(model, held)


def test_a_model_no_longer_used_is_freed_with_its_spare_copies(pooled: PooledOutcome) -> None:
    import gc
    import weakref

    import lightgbm as lgb

    model = lgb.Booster(model_str=pooled.model.model_to_string())  # type: ignore[union-attr]
    X = np.random.default_rng(8).normal(size=(50, model.num_feature()))
    first = boosting.acquire_booster(model)
    copy = boosting.acquire_booster(model)  # a spare copy, kept in the model's pool
    boosting.release_booster(model, copy)
    boosting.release_booster(model, first)
    predict(model, X)
    gone, copy_gone = weakref.ref(model), weakref.ref(copy)
    del model, first, copy
    gc.collect()
    # Before, the pool held the model itself: every fold model of a training run and every
    # model a service had reloaded away from stayed in memory.
    assert gone() is None and copy_gone() is None


def test_concurrent_explanations_of_one_model_match_serial_ones(pooled: PooledOutcome) -> None:
    # TreeSHAP on one LightGBM booster from several threads corrupts memory (LightGBM #5482);
    # with a booster per thread the answers are those of one thread, in any order of calls.
    from concurrent.futures import ThreadPoolExecutor

    model = pooled.model
    rng = np.random.default_rng(7)
    batches = [rng.normal(size=(40, model.num_feature())) for _ in range(16)]  # type: ignore[union-attr]
    serial = [contributions(model, X, trees=(0, 50)) for X in batches]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda X: contributions(model, X, trees=(0, 50)), batches))
    for one, other in zip(serial, together, strict=True):
        np.testing.assert_array_equal(one, other)


def test_a_small_history_gets_smaller_effect_trees_unless_the_user_says_otherwise() -> None:
    options = boosting.parse_params(None)
    small = options.for_fit_rows(boosting.SMALL_FIT_ROWS).lgb_params["effect"]
    large = options.for_fit_rows(boosting.SMALL_FIT_ROWS + 1).lgb_params["effect"]
    assert (small["num_leaves"], small["learning_rate"], small["extra_trees"]) == (4, 0.02, True)
    assert (large["num_leaves"], large["learning_rate"]) == (7, 0.03)
    assert not large.get("extra_trees", False)
    # the propensity model is the same at any size
    assert options.for_fit_rows(10).lgb_params["propensity"] == options.lgb_params["propensity"]
    chosen = boosting.parse_params(
        {"effect__num_leaves": 6, "learning_rate": 0.1, "effect__extra_trees": False}
    )
    for rows in (10, boosting.SMALL_FIT_ROWS + 1):
        effect = chosen.for_fit_rows(rows).lgb_params["effect"]
        assert (effect["num_leaves"], effect["learning_rate"]) == (6, 0.1)
        assert effect["extra_trees"] is False


def test_a_small_history_shrinks_the_outcome_leaves_unless_the_user_says_otherwise() -> None:
    options = boosting.parse_params(None)
    small = options.for_fit_rows(boosting.SMALL_FIT_ROWS).lgb_params["outcome"]
    large = options.for_fit_rows(boosting.SMALL_FIT_ROWS + 1).lgb_params["outcome"]
    assert (small["lambda_l2"], large["lambda_l2"]) == (10.0, 0.0)
    # nothing else of the outcome models changes with the size
    assert {k: v for k, v in small.items() if k != "lambda_l2"} == {
        k: v for k, v in large.items() if k != "lambda_l2"
    }
    for given in ({"outcome__lambda_l2": 1.0}, {"lambda_l2": 1.0}):
        chosen = boosting.parse_params(given)
        for rows in (10, boosting.SMALL_FIT_ROWS + 1):
            assert chosen.for_fit_rows(rows).lgb_params["outcome"]["lambda_l2"] == 1.0


def _small_world(rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(rows, 4))
    t = (rng.random(rows) < 0.4).astype(float)
    p = 1 / (1 + np.exp(-(-1.5 + X[:, 0] + t * (0.8 * X[:, 1] + 0.5 * (X[:, 2] > 0)))))
    return X, t, (rng.random(rows) < p).astype(float)


def _outcome_l2(learner: UpliftLearner, rows: int) -> float:
    """The L2 penalty the learner's fitted outcome model(s) were grown with, read back from
    LightGBM's own record of its parameters."""
    learner.fit(*_small_world(rows))
    found = {
        float(re.findall(r"\[lambda_l2: ([^\]]+)\]", model.model_to_string())[0])  # type: ignore[union-attr]
        for model in learner.outcome.boosters()  # type: ignore[attr-defined]
    }
    assert len(found) == 1, found
    return found.pop()


@pytest.mark.parametrize("kind", [SLearner, TLearner, XLearner])
def test_each_learner_shrinks_its_outcome_leaves_on_a_small_history_only(
    kind: type[UpliftLearner],
) -> None:
    params = {"num_boost_round": 3}
    assert _outcome_l2(kind(params=params, seed=1), 2_000) == 10.0
    assert _outcome_l2(kind(params=params, seed=1), boosting.SMALL_FIT_ROWS + 2_000) == 0.0


def _effect_trees(rows: int) -> tuple[int, bool]:
    """The most leaves of the X-learner's effect trees, and whether LightGBM grew them with
    random thresholds (its own record of its parameters)."""
    learner = XLearner(params={"num_boost_round": 5}, seed=1).fit(*_small_world(rows))
    models = (learner.effect_treated, learner.effect_control)
    trees = [tree for model in models for tree in model.dump_model()["tree_info"]]  # type: ignore[union-attr]
    extra = {"[extra_trees: 1]" in model.model_to_string() for model in models}  # type: ignore[union-attr]
    assert len(extra) == 1, extra
    return max(int(tree["num_leaves"]) for tree in trees), extra.pop()


def test_the_x_learner_fits_small_random_threshold_effect_trees_on_a_small_history_only() -> None:
    assert _effect_trees(2_000) == (4, True)
    assert _effect_trees(boosting.SMALL_FIT_ROWS + 2_000) == (7, False)


@pytest.mark.parametrize("early_stopping_rounds", [0, 20])
def test_rows_of_weight_zero_teach_an_effect_regression_nothing(early_stopping_rounds: int) -> None:
    """The R-learner's weights, (t - e)^2, reach LightGBM in training and in early stopping: rows
    given weight 0 with wild targets leave the fit as it is without them."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(4000, 3))
    target = 0.1 * (X[:, 0] > 0) + rng.normal(scale=0.05, size=4000)
    wild = np.arange(4000) % 4 == 0
    options = boosting.parse_params({"early_stopping_rounds": early_stopping_rounds})
    common: dict[str, Any] = {"role": "effect", "options": options, "categorical": [], "seed": 1}

    weighted = boosting.fit_booster(
        X, np.where(wild, 100.0, target), weight=np.where(wild, 0.0, 1.0), **common
    )
    unweighted = boosting.fit_booster(X, np.where(wild, 100.0, target), **common)

    new = rng.normal(size=(500, 3))
    assert np.abs(predict(weighted, new)).max() < 0.3
    assert predict(unweighted, new).mean() > 5  # the wild rows do teach an unweighted fit
