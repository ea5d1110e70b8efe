"""The weighted kernels behind the metrics (training/metric_kernels.py): bootstrap weights are
repeated rows, and the perfect rankings' shortcut gives the cumulative sums' numbers exactly."""

from __future__ import annotations

import numpy as np
import pytest

from training import evaluation as ev
from training import metric_kernels as kernels


def test_bootstrap_weights_match_duplicated_rows() -> None:
    """A bootstrap replicate (row counts) gives the metric of the rows repeated that many times."""
    rng = np.random.default_rng(3)
    n = 60
    y = (rng.uniform(size=n) < 0.3).astype(float)
    t = (rng.uniform(size=n) < 0.4).astype(float)
    s = rng.normal(size=n)
    counts = rng.multinomial(n, np.full(n, 1 / n)).astype(float)
    repeat = np.repeat(np.arange(n), counts.astype(int))
    weighted = kernels.qini_coefficients(y, t, s, counts[None, :])[0]
    assert weighted == pytest.approx(ev.qini_coefficient(y[repeat], s[repeat], t[repeat]))
    weighted_uplift = kernels.uplift_at_k_values(
        y, t, s, 0.3, strategy="by_group", weights=counts[None, :]
    )[0]
    assert weighted_uplift == pytest.approx(ev.uplift_at_k(y[repeat], s[repeat], t[repeat], 0.3))
    weighted_auuc = kernels.auuc_values(y, t, s, counts[None, :])[0]
    assert weighted_auuc == pytest.approx(ev.auuc(y[repeat], s[repeat], t[repeat]))


@pytest.mark.parametrize("rows", [1, 7, 500])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perfect_curves_by_level_equal_the_cumulative_sums_exactly(rows: int, seed: int) -> None:
    """The perfect rankings' curves (a few distinct scores) come from sums per level instead of
    cumulative sums over every row: the same numbers to the last bit, with and without
    bootstrap weights (whole counts), whatever the arms and outcomes."""
    rng = np.random.default_rng(seed)
    t = (rng.random(rows) < 0.4).astype(float)
    y = (rng.random(rows) < 0.3).astype(float)
    weights = rng.multinomial(rows, np.full(rows, 1 / rows), size=5).astype(np.float32)
    same = 2.0 * (y == t)
    for w in (None, weights):
        for score in (y * t - y * (1 - t), same + y, same + t):
            by_rows = kernels.ranked(y, t, score, w)
            by_level = kernels._ranked_by_level(y, t, score, w)
            for curve in (kernels.qini_points, kernels.uplift_points):
                for a, b in zip(curve(by_rows), curve(by_level), strict=True):
                    np.testing.assert_array_equal(a, b)
