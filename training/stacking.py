"""Stacking weights for an ensemble of uplift learners, from the R-loss of their out-of-fold
predictions (Nie and Wager's "quasi-oracle" loss; its use for stacking is their section 4).

With m(x) the chance of the outcome whatever the arm and e(x) the chance of being mentored, the
mentoring effect tau(x) satisfies  y - m(x) = (t - e(x)) tau(x) + noise.  Given each member's
out-of-fold uplift u_k, the weights solve the least-squares problem

    y - m  ~  c (t - e)  +  sum_k w_k (t - e) u_k,     w_k >= 0,

with a free constant c (an average effect every member may miss). The weights are then scaled to
sum to 1, which leaves the ranking unchanged, and moved part of the way back to equal weights:
the loss is noisy with few rows and few mentored successes, and equal weights were the previous,
robust default. The share moved is ``prior / (prior + rows)`` (`prior_shrinkage`; the config's
`stack_prior_rows`, 20,000 by default): the equal weights count as a prior worth that many rows,
so a 20,000-row history keeps half of its fitted weights and a 60,000-row one three quarters,
where the zoo showed the fitted weights to be reliable (X alone on `msme_against`). How this was
chosen, and what it wins and loses in the evaluation zoo: docs/results-log.md ("stacked ensemble").

The nuisances come from what cross-fitting already produced: e(x) from the cross-fitted
propensity, replaced by the share mentored when it predicts no better than that constant (a
randomised history: a boosted propensity model then only fits noise); m(x) from the pooled
S-learner's out-of-fold chances when it is a member, else the members' mean.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import lsq_linear
from sklearn.metrics import log_loss

from models.features import FloatArray

_EPS = 1e-12
_NONE = 1e-6  # a stacked weight below this is no weight


def nuisance_propensity(t: FloatArray, propensity: FloatArray | None) -> FloatArray:
    """The cross-fitted propensity, or the constant share mentored when the model's out-of-fold
    log loss is no better than the constant's (or when there is no propensity)."""
    constant = np.full(len(t), float(np.mean(t)))
    if propensity is None:
        return constant
    propensity = np.asarray(propensity, dtype=np.float64)
    return propensity if log_loss(t, propensity) < log_loss(t, constant) else constant


def prior_shrinkage(rows: int, prior_rows: int) -> float:
    """How far the fitted weights move back to equal weights: ``prior_rows / (prior_rows +
    rows)``, the equal weights counting as ``prior_rows`` rows of evidence (0: not at all)."""
    if rows < 0 or prior_rows < 0:
        raise ValueError(f"rows and prior_rows are counts; got {rows} and {prior_rows}")
    total = rows + prior_rows
    return prior_rows / total if total > 0 else 1.0


def stack_weights(
    uplifts: Sequence[FloatArray],
    t: FloatArray,
    y: FloatArray,
    *,
    propensity: FloatArray,
    baseline: FloatArray,
    shrinkage: float,
    prior: Sequence[float] | None = None,
) -> FloatArray:
    """Non-negative weights summing to 1, one per member (module docstring).

    ``uplifts``: each member's out-of-fold uplift; ``propensity``: e(x); ``baseline``: m(x), the
    chance of the outcome whatever the arm; ``prior``: what the weights move back to (equal
    weights when omitted; a member with prior 0 keeps only the weight its fit earns). With no
    member explaining any of the effect (every R-loss weight 0), the weights are the prior."""
    if not 0.0 <= shrinkage <= 1.0:
        raise ValueError(f"shrinkage is a share in [0, 1]; got {shrinkage}")
    k = len(uplifts)
    target = np.full(k, 1.0 / k)
    if prior is not None:
        given = np.asarray(prior, dtype=np.float64)
        if given.shape != (k,) or (given < 0).any() or not given.sum() > 0:
            raise ValueError(f"prior: {k} non-negative numbers with a positive sum; got {prior}")
        target = given / given.sum()
    if k == 1:
        return np.ones(1)
    residual = np.asarray(t, dtype=np.float64) - propensity
    design = np.column_stack([residual * np.asarray(u, dtype=np.float64) for u in uplifts])
    design = np.column_stack([design, residual])
    lower = np.r_[np.zeros(k), -np.inf]
    upper = np.full(k + 1, np.inf)
    found = lsq_linear(design, np.asarray(y, dtype=np.float64) - baseline, bounds=(lower, upper))
    raw = np.clip(found.x[:k], 0.0, None)
    fitted = raw / raw.sum() if raw.sum() > _EPS else target
    weights: FloatArray = (1.0 - shrinkage) * fitted + shrinkage * target
    # The solver stops near its bound, not on it (a member the loss rejects gets about 1e-11):
    # such a weight is none, so that the member is left out rather than served for nothing.
    weights = np.where(weights < _NONE, 0.0, weights)
    normalised: FloatArray = weights / weights.sum()
    return normalised
