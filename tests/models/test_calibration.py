"""Per-arm calibration improves the Brier score of held-out rows."""

from __future__ import annotations

import numpy as np
import pytest

from models.calibration import brier_score, fit_calibrator


def _miscalibrated(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """True rates around 5%, reported with doubled log-odds and shifted up (overconfident)."""
    rng = np.random.default_rng(seed)
    true_logit = rng.normal(-3.0, 0.8, size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-true_logit))).astype(float)
    raw = 1 / (1 + np.exp(-(2.0 * true_logit + 4.0)))
    return raw, y


@pytest.mark.parametrize("method", ["platt", "isotonic", "auto"])
def test_calibration_improves_brier_on_held_out_rows(method: str) -> None:
    raw, y = _miscalibrated(40_000, seed=0)
    fit_rows, held_out = slice(0, 20_000), slice(20_000, None)
    calibrator = fit_calibrator(raw[fit_rows], y[fit_rows], method)  # type: ignore[arg-type]
    before = brier_score(raw[held_out], y[held_out])
    after = brier_score(calibrator.transform(raw[held_out]), y[held_out])
    assert after < before * 0.9
    mean_after = calibrator.transform(raw[held_out]).mean()
    assert mean_after == pytest.approx(y[held_out].mean(), abs=0.005)


def test_calibration_is_monotone() -> None:
    raw, y = _miscalibrated(5000, seed=1)
    calibrator = fit_calibrator(raw, y, "platt")
    grid = np.linspace(0.001, 0.999, 200)
    assert np.all(np.diff(calibrator.transform(grid)) >= 0)


def test_one_outcome_value_gives_the_identity() -> None:
    calibrator = fit_calibrator(np.array([0.1, 0.2]), np.array([0.0, 0.0]), "platt")
    assert calibrator.method == "identity"
    np.testing.assert_array_equal(calibrator.transform(np.array([0.3])), [0.3])


def test_auto_prefers_platt_with_few_events() -> None:
    raw, y = _miscalibrated(2000, seed=2)
    assert fit_calibrator(raw, y, "auto").method == "platt"


def test_isotonic_end_steps_are_small_chances_not_certainties() -> None:
    """A block of held-out rows without an event says "rare", not "never" (nor "always")."""
    rng = np.random.default_rng(3)
    raw = rng.random(20_000)
    # No event at all below raw 0.3 (6,000 rows or so), every row an event above raw 0.95.
    y = np.where(raw < 0.3, 0.0, np.where(raw > 0.95, 1.0, (rng.random(20_000) < raw)))
    calibrator = fit_calibrator(raw, y, "isotonic")
    low = calibrator.transform(np.array([0.0, 0.1, 0.29]))
    n_low = int(np.sum(raw < 0.3))
    assert np.all(low > 0.0)
    assert low[0] == pytest.approx(0.5 / (n_low + 1), rel=0.05)
    high = calibrator.transform(np.array([0.99, 1.0]))
    assert np.all(high < 1.0)
    assert np.all(high > 0.999)
    grid = np.linspace(0.0, 1.0, 501)
    assert np.all(np.diff(calibrator.transform(grid)) >= 0)
