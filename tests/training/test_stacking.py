"""Stacking weights from the R-loss of out-of-fold predictions, and its propensity nuisance."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from training.stacking import nuisance_propensity, prior_shrinkage, stack_weights


def _world(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A randomised trial whose effect follows one feature: outcome chance 0.2 + tau."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=n)
    tau = 0.3 * x
    t = (rng.uniform(size=n) < 0.5).astype(float)
    y = (rng.uniform(size=n) < 0.2 + tau * t).astype(float)
    return x, tau, t, y


def test_the_member_that_knows_the_effect_gets_the_weight() -> None:
    x, tau, t, y = _world(40_000, seed=1)
    rng = np.random.default_rng(2)
    informed = tau + rng.normal(0, 0.02, len(x))  # ranks by the true effect
    noise = rng.normal(0, 0.1, len(x))  # ranks by nothing
    e = np.full(len(t), 0.5)
    baseline = 0.2 + 0.5 * tau
    weights = stack_weights([noise, informed], t, y, propensity=e, baseline=baseline, shrinkage=0)
    assert weights.sum() == pytest.approx(1.0)
    assert weights[1] > 0.9 > weights[0] >= 0
    # Shrinkage moves the weights back towards equal, in proportion.
    half = stack_weights([noise, informed], t, y, propensity=e, baseline=baseline, shrinkage=0.5)
    np.testing.assert_allclose(half, 0.5 * weights + 0.25)
    full = stack_weights([noise, informed], t, y, propensity=e, baseline=baseline, shrinkage=1)
    np.testing.assert_allclose(full, [0.5, 0.5])


def test_a_member_with_no_prior_weight_keeps_only_what_its_fit_earns() -> None:
    """A prior of 0 for a member: shrinkage moves the weights towards the prior, not towards
    equal weights, so a member that explains nothing ends at 0 and one that knows the effect
    keeps a share of what it earned."""
    x, tau, t, y = _world(40_000, seed=1)
    rng = np.random.default_rng(2)
    informed, noise = tau + rng.normal(0, 0.02, len(x)), rng.normal(0, 0.1, len(x))
    e, baseline = np.full(len(t), 0.5), 0.2 + 0.5 * tau
    options: dict[str, Any] = {"propensity": e, "baseline": baseline}
    fitted = stack_weights([noise, informed], t, y, shrinkage=0, **options)
    half = stack_weights([noise, informed], t, y, shrinkage=0.5, prior=[1, 0], **options)
    np.testing.assert_allclose(half, 0.5 * fitted + [0.5, 0.0])
    assert half[1] > 0.45
    # The noise member joined with no prior weight and the loss rejects it: exactly none (the
    # solver alone leaves about 1e-11), so the ensemble can leave it out.
    joined = stack_weights([informed, noise], t, y, shrinkage=0.5, prior=[1, 0], **options)
    assert joined.tolist() == [1.0, 0.0]
    full = stack_weights([informed, noise], t, y, shrinkage=1, prior=[1, 0], **options)
    np.testing.assert_allclose(full, [1.0, 0.0])
    for bad in ([1.0], [-1.0, 2.0], [0.0, 0.0]):
        with pytest.raises(ValueError, match="prior"):
            stack_weights([informed, noise], t, y, shrinkage=0.5, prior=bad, **options)


def test_members_that_explain_nothing_get_equal_weights() -> None:
    _, _, t, y = _world(5_000, seed=3)
    flat = [np.zeros(len(t)), np.zeros(len(t)), np.zeros(len(t))]
    e = np.full(len(t), 0.5)
    weights = stack_weights(flat, t, y, propensity=e, baseline=np.full(len(t), 0.3), shrinkage=0)
    np.testing.assert_allclose(weights, [1 / 3, 1 / 3, 1 / 3])


def test_shrinkage_outside_zero_to_one_is_refused() -> None:
    t = np.array([0.0, 1.0])
    with pytest.raises(ValueError, match="shrinkage"):
        stack_weights([t, t], t, t, propensity=t, baseline=t, shrinkage=1.5)


def test_a_propensity_that_only_fits_noise_is_replaced_by_the_share_mentored() -> None:
    rng = np.random.default_rng(4)
    t = (rng.uniform(size=20_000) < 0.4).astype(float)  # randomised: 40% mentored
    overfit = np.clip(0.4 + rng.normal(0, 0.15, len(t)), 0.02, 0.98)
    chosen = nuisance_propensity(t, overfit)
    np.testing.assert_allclose(chosen, np.full(len(t), t.mean()))
    assert np.all(nuisance_propensity(t, None) == t.mean())


def test_an_informative_propensity_is_kept() -> None:
    rng = np.random.default_rng(5)
    x = rng.uniform(size=20_000)
    true = 0.1 + 0.6 * x  # mentoring depends on the profile
    t = (rng.uniform(size=len(x)) < true).astype(float)
    np.testing.assert_array_equal(nuisance_propensity(t, true), true)


def test_the_equal_weights_count_as_prior_rows() -> None:
    assert prior_shrinkage(20_000, 20_000) == pytest.approx(0.5)
    assert prior_shrinkage(60_000, 20_000) == pytest.approx(0.25)
    assert prior_shrinkage(5_000, 0) == 0.0
    assert prior_shrinkage(0, 0) == 1.0
    shares = [prior_shrinkage(rows, 20_000) for rows in (1_000, 5_000, 20_000, 200_000)]
    assert shares == sorted(shares, reverse=True)
    with pytest.raises(ValueError, match="counts"):
        prior_shrinkage(-1, 20_000)
