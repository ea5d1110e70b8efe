"""Probability calibration of one arm's predictions, fitted on held-out rows of that arm.

Platt scaling here is a logistic regression on the log-odds of the raw probability (two
parameters, fitted by Newton's method without penalty): it needs few events, so it is the default
with rare outcomes. Isotonic regression is more flexible but needs many events per arm and yields
flat steps (ties); ``"auto"`` uses it only with at least `ISOTONIC_MIN_EVENTS` events and as many
non-events. Its end steps are never exactly 0 or 1: a block of n held-out rows with no event
says the chance is small, not nil, so such a step gets Jeffreys' estimate 0.5 / (n + 1) (and
1 − 0.5 / (n + 1) for a block of events only), kept within its neighbours so the map stays
monotone. A calibrator is plain numbers (no sklearn object), so applying it to one row costs
microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt

from models.features import FloatArray

CalibrationMethod = Literal["platt", "isotonic", "identity", "auto"]
ISOTONIC_MIN_EVENTS = 500
_EPS = 1e-6


def _logit(p: FloatArray) -> FloatArray:
    q = np.clip(p, _EPS, 1 - _EPS)
    out: FloatArray = np.log(q / (1 - q))
    return out


def _sigmoid(z: FloatArray) -> FloatArray:
    """The logistic function, clipped so that extreme log-odds cannot overflow."""
    out: FloatArray = 1.0 / (1.0 + np.exp(-np.clip(z, -35.0, 35.0)))
    return out


@dataclass(frozen=True)
class ProbabilityCalibrator:
    """A fitted monotone map from raw to calibrated probabilities."""

    method: Literal["platt", "isotonic", "identity"]
    slope: float = 1.0
    intercept: float = 0.0
    x_knots: tuple[float, ...] = ()
    y_knots: tuple[float, ...] = ()
    n_rows: int = 0
    n_events: int = 0

    @cached_property
    def lowest(self) -> float:
        """The smallest chance this calibrator gives (its value at a raw probability of 0)."""
        return float(self.transform(np.zeros(1))[0])

    def transform(self, p: npt.ArrayLike) -> FloatArray:
        """Calibrated probabilities for raw probabilities ``p``."""
        raw = np.asarray(p, dtype=np.float64)
        if self.method == "identity":
            return np.clip(raw, 0.0, 1.0)
        if self.method == "platt":
            out: FloatArray = _sigmoid(self.slope * _logit(raw) + self.intercept)
            return out
        knots: FloatArray = np.interp(raw, np.asarray(self.x_knots), np.asarray(self.y_knots))
        return knots


def fit_calibrator(
    p: npt.ArrayLike, y: npt.ArrayLike, method: CalibrationMethod = "platt"
) -> ProbabilityCalibrator:
    """Fit a calibrator of raw probabilities ``p`` to binary outcomes ``y`` (held-out rows).

    With no rows, or only one outcome value, there is nothing to learn from: the identity is
    returned (its ``n_events`` tells why).
    """
    raw = np.asarray(p, dtype=np.float64)
    target = np.asarray(y, dtype=np.float64)
    if raw.shape != target.shape:
        raise ValueError(f"p and y differ in shape: {raw.shape} vs {target.shape}")
    n, events = len(target), int(target.sum())
    if method == "identity" or n == 0 or events in (0, n):
        return ProbabilityCalibrator("identity", n_rows=n, n_events=events)
    if method == "auto":
        method = "isotonic" if min(events, n - events) >= ISOTONIC_MIN_EVENTS else "platt"
    if method == "platt":
        slope, intercept = _fit_platt(_logit(raw), target)
        return ProbabilityCalibrator(
            "platt", slope=slope, intercept=intercept, n_rows=n, n_events=events
        )
    if method == "isotonic":
        from sklearn.isotonic import IsotonicRegression

        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, target)
        y_knots = _soften_end_steps(
            np.asarray(iso.y_thresholds_, dtype=np.float64), iso.predict(raw)
        )
        return ProbabilityCalibrator(
            "isotonic",
            x_knots=tuple(float(v) for v in iso.X_thresholds_),
            y_knots=tuple(float(v) for v in y_knots),
            n_rows=n,
            n_events=events,
        )
    raise ValueError(f"unknown calibration method {method!r}")


def _soften_end_steps(y_knots: FloatArray, fitted: FloatArray) -> FloatArray:
    """Isotonic knots with a step at exactly 0 or 1 moved inside by Jeffreys' estimate.

    ``fitted`` is the isotonic fit at each held-out row, so the rows of a step are counted. A
    step of n rows with no event gets 0.5 / (n + 1), never above the next step's value; a step
    of events only gets 1 − 0.5 / (n + 1), never below the previous step's value.
    """
    out = y_knots.copy()
    inner = out[(out > 0.0) & (out < 1.0)]
    n_zero = int(np.sum(fitted <= 0.0))
    if n_zero:
        ceiling = float(inner.min()) if inner.size else 0.5
        out[out <= 0.0] = min(0.5 / (n_zero + 1), ceiling)
    n_one = int(np.sum(fitted >= 1.0))
    if n_one:
        floor = float(inner.max()) if inner.size else 0.5
        out[out >= 1.0] = max(1.0 - 0.5 / (n_one + 1), floor)
    return out


def _fit_platt(x: FloatArray, y: FloatArray, iterations: int = 50) -> tuple[float, float]:
    """Logistic regression of y on x (slope, intercept) by Newton's method.

    Two parameters need no library; a tiny ridge (1e-6) keeps the Newton step defined when the
    held-out rows separate perfectly. Starts from the identity map (slope 1, intercept 0).
    """
    design = np.column_stack([x, np.ones_like(x)])
    beta = np.array([1.0, 0.0])
    ridge = 1e-6 * np.eye(2)
    for _ in range(iterations):
        p = _sigmoid(design @ beta)
        gradient = design.T @ (y - p) - ridge @ beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + ridge
        step = np.linalg.solve(hessian, gradient)
        beta = beta + step
        if np.abs(step).max() < 1e-10:
            break
    return float(beta[0]), float(beta[1])


def brier_score(p: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Mean squared difference between probabilities and 0/1 outcomes."""
    diff = np.asarray(p, dtype=np.float64) - np.asarray(y, dtype=np.float64)
    return float(np.mean(diff**2)) if len(diff) else float("nan")
