"""Bootstrap intervals on the ranking metrics (training/bootstrap.py): seeded, paired, whole
row counts."""

from __future__ import annotations

import numpy as np
import pytest

from training import bootstrap
from training import evaluation as ev


def test_bootstrap_intervals_are_seeded_and_bracket_the_estimate() -> None:
    rng = np.random.default_rng(4)
    n = 2000
    t = (rng.uniform(size=n) < 0.3).astype(int)
    true_uplift = rng.uniform(0, 0.3, size=n)
    y = (rng.uniform(size=n) < 0.05 + t * true_uplift).astype(int)
    args = (y, true_uplift, t, [0.1, 0.3])
    first = bootstrap.bootstrap_intervals(*args, true_uplift=true_uplift, resamples=60, seed=1)
    again = bootstrap.bootstrap_intervals(*args, true_uplift=true_uplift, resamples=60, seed=1)
    other = bootstrap.bootstrap_intervals(*args, true_uplift=true_uplift, resamples=60, seed=2)
    assert first == again
    assert first != other
    low, high = first["qini_coefficient"]
    assert low < ev.qini_coefficient(y, true_uplift, t) < high
    assert first["oracle_share_10pct"] == (1.0, 1.0)


def test_resample_counts_are_whole_row_counts_of_n_draws() -> None:
    """Each resample counts n rows drawn with replacement: whole, non-negative, summing to n,
    every row about once on average, and the same counts again from the same seed."""
    n, size = 5_000, 40
    counts = bootstrap._resample_counts(np.random.default_rng(7), n, size)
    again = bootstrap._resample_counts(np.random.default_rng(7), n, size)
    assert counts.shape == (size, n) and counts.dtype == np.float32
    np.testing.assert_array_equal(counts, again)
    assert (counts >= 0).all() and (counts == np.round(counts)).all()
    np.testing.assert_array_equal(counts.sum(axis=1), np.full(size, n))
    # A row's count is Binomial(n, 1/n): mean 1, variance about 1; a row is missed ~37% of times.
    assert counts.mean() == pytest.approx(1.0)
    assert counts.var() == pytest.approx(1.0, abs=0.05)
    assert (counts == 0).mean() == pytest.approx(np.exp(-1), abs=0.01)


def test_qini_only_bootstrap_gives_the_same_qini_interval() -> None:
    """The learner choice's bootstrap (Qini alone) reads the same draws as the full one: the
    same interval, and nothing else."""
    rng = np.random.default_rng(5)
    n = 3_000
    t = (rng.uniform(size=n) < 0.5).astype(float)
    score = rng.normal(size=n)
    y = (rng.uniform(size=n) < 0.1 + 0.05 * t * (score > 0)).astype(float)
    full = bootstrap.bootstrap_many(y, t, {"a": score}, [0.1], resamples=50, seed=3)
    alone = bootstrap.bootstrap_many(
        y, t, {"a": score}, [0.1], resamples=50, seed=3, qini_only=True
    )
    assert alone == {"a": {"qini_coefficient": full["a"]["qini_coefficient"]}}


def test_the_paired_qini_difference_and_its_interval() -> None:
    rng = np.random.default_rng(3)
    n = 4_000
    t = rng.integers(0, 2, n).astype(float)
    effect = rng.uniform(0, 0.3, n)
    y = (rng.uniform(size=n) < 0.1 + t * effect).astype(float)
    noise = rng.normal(size=n)

    same = bootstrap.qini_difference_interval(y, t, effect, effect, resamples=50)
    assert same == (0.0, 0.0, 0.0)
    difference, low, high = bootstrap.qini_difference_interval(y, t, effect, noise, resamples=100)
    expected = ev.qini_coefficient(y, effect, t) - ev.qini_coefficient(y, noise, t)
    assert difference == pytest.approx(expected)
    assert 0 < low < difference < high  # the true effect ranks better, beyond noise
    swapped = bootstrap.qini_difference_interval(y, t, noise, effect, resamples=100)
    assert swapped == pytest.approx((-difference, -high, -low))
