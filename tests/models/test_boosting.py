"""LightGBM helpers: tree ranges, row blocks on threads, and the pooled model's tree order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from models import boosting
from models.boosting import contributions, predict, trees_without_feature_first
from models.learners import PooledOutcome
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
