"""What a training run may claim: no leaked feature, and evidence that its ranking beats chance.

* `check_leakage`: a feature that alone predicts the outcome near perfectly (or is the outcome)
  is a leak, not a signal: training stops and names the column.
* `assess_evidence`: too few outcome events per arm, a cross-validated Qini whose interval
  includes zero (or no interval at all), or an average effect of mentoring not shown to differ
  from zero means the ranking is not shown to beat chance; the run says so, the model carries
  it, the list summary warns, and the promotion gate (`training.registry`) refuses it.

Why the average effect too: the Qini credits a ranking for the mentored-minus-others difference
in outcomes of the rows it puts first, chance differences included. On a history where
mentoring had no effect (the mentored flags of a simulated history shuffled), a ranking by the
chance of going digital alone, which puts first the rows where any difference shows most, had
a cross-validated Qini of 0.079 with a 90% interval [0.007, 0.149], and our S-learner 0.157
[0.103, 0.218] (docs/targeting.md, step 8). The average effect, weighted by each row's chance
of being mentored, with its interval from the estimate's influence values, does not reward
where a difference is put. Its weights come from a propensity model early-stopped on its own
log loss (`training.propensity.for_effect_check`), not the learners' fixed-round one, whose
chances on a randomised history wander (0.03 to 0.46 around the true 0.15; the early-stopped
model's 0.11 to 0.19). Measured (`benchmarks/evidence_check.py`, docs/targeting.md step 8): of
fifteen no-effect histories each version let one pass, about what the one-sided 5% of a 90%
interval gives (0.75 of 15); on the zoo's 38 MSME histories of 5,000 and 20,000 rows both found
every effect, and at 5,000 rows the early-stopped one's intervals were narrower (half-width 1.59
against 1.75 points, lowest lower end +0.68 against +0.00).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from models.features import FloatArray
from training.dataset import TrainingDataError

# A single feature whose best split of the rows into groups leaves at most this share of the
# outcomes misclassified (or whose AUC is this close to 0 or 1) is a leak.
LEAK_AUC = 0.99
LEAK_ERROR_SHARE = 0.01


def check_leakage(X: FloatArray, y: FloatArray, names: Sequence[str]) -> None:
    """Refuse training when one feature alone gives the outcome away (module docstring)."""
    events = float(y.sum())
    if events == 0 or events == len(y):
        return
    for j, name in enumerate(names):
        column = X[:, j]
        filled = np.where(np.isnan(column), -np.inf, column)
        if np.array_equal(filled, y):
            raise TrainingDataError(
                f"column {name}: identical to the outcome, a leak (it cannot be known before "
                "mentoring); remove it from the history or the features"
            )
        # Grouped purity: for few distinct values (categories, booleans), the share of rows
        # whose outcome differs from their value's majority outcome.
        values, inverse = np.unique(filled, return_inverse=True)
        if len(values) <= 64:
            counts = np.bincount(inverse)
            ones = np.bincount(inverse, weights=y)
            wrong = np.minimum(ones, counts - ones).sum() / len(y)
            if wrong <= LEAK_ERROR_SHARE * min(events, len(y) - events) / len(y):
                _leak(name, "its values alone separate the outcomes")
            continue
        auc = _auc(filled, y)
        if auc >= LEAK_AUC or auc <= 1 - LEAK_AUC:
            _leak(name, f"alone it ranks the outcomes with AUC {max(auc, 1 - auc):.3f}")


def _leak(name: str, why: str) -> None:
    raise TrainingDataError(
        f"column {name}: {why}, a near-certain leak (recorded after the outcome, or derived "
        "from it); remove it from the history or the features"
    )


def _auc(score: FloatArray, y: FloatArray) -> float:
    ranks = pd.Series(score).rank(method="average").to_numpy()
    positives = y == 1
    n1, n0 = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


@dataclass(frozen=True)
class AverageEffect:
    """The average effect of mentoring on the chance of going digital (a difference of
    probabilities) with its interval at ``level``."""

    estimate: float
    low: float
    high: float
    level: float = 0.9


def average_effect(
    t: FloatArray, y: FloatArray, propensity: FloatArray, *, level: float = 0.9
) -> AverageEffect:
    """Inverse-propensity-weighted (Hajek) estimate of the average effect, from out-of-fold
    (clipped) propensities, with a normal interval from the per-row influence values.

    Not the doubly robust estimate: its correction terms lean on out-of-fold chances with and
    without mentoring, and on a history where mentoring had no effect those carried the
    learners' chance patterns into it (+1.10 points, interval [+0.42, +1.78], where the
    mentored and the others differed by +0.56 points with a standard error of 0.40)."""
    e = np.clip(np.asarray(propensity, dtype=np.float64), 1e-3, 1 - 1e-3)
    w1, w0 = t / e, (1 - t) / (1 - e)
    if w1.sum() == 0 or w0.sum() == 0:
        return AverageEffect(float("nan"), float("nan"), float("nan"), level)
    mu1, mu0 = float((w1 * y).sum() / w1.sum()), float((w0 * y).sum() / w0.sum())
    values = w1 * (y - mu1) / w1.mean() - w0 * (y - mu0) / w0.mean()
    spread = float(values.std(ddof=1) / np.sqrt(len(values)))
    z = float(NormalDist().inv_cdf(0.5 + level / 2))
    estimate = mu1 - mu0
    return AverageEffect(estimate, estimate - z * spread, estimate + z * spread, level)


@dataclass(frozen=True)
class Evidence:
    """Whether the history supports a ranking better than chance, and why not."""

    weak: bool
    reasons: tuple[str, ...] = ()
    events_treated: int = 0
    events_control: int = 0

    def as_info(self) -> dict[str, object]:
        """For the model's info (`/v1/model`) and the registry tags."""
        return {
            "weak": self.weak,
            "reasons": list(self.reasons),
            "events_treated": self.events_treated,
            "events_control": self.events_control,
        }


def assess_evidence(
    t: FloatArray,
    y: FloatArray,
    *,
    qini: float,
    qini_interval: tuple[float, float] | None,
    min_events_per_arm: int,
    effect: AverageEffect | None = None,
) -> Evidence:
    """Weak when an arm has fewer than ``min_events_per_arm`` events, the Qini has no interval
    (``None``: no bootstrap) or one that reaches zero, or the average ``effect``'s interval
    reaches zero (module docstring): the ranking is not shown to beat a random list."""
    treated = int(y[t == 1].sum())
    control = int(y[t == 0].sum())
    reasons: list[str] = []
    if min(treated, control) < min_events_per_arm:
        reasons.append(
            f"few outcome events: {treated} among mentored and {control} among not mentored "
            f"MSMEs (at least {min_events_per_arm} per arm are needed to learn who benefits; "
            "with fewer, any ranking's intervals are too wide to trust)"
        )
    if qini_interval is None:
        reasons.append(
            f"the cross-validated Qini coefficient {qini:.4f} has no interval "
            "(bootstrap_resamples = 0): the ranking is not shown to be better than chance"
        )
    elif not qini_interval[0] > 0:
        reasons.append(
            f"the cross-validated Qini coefficient {qini:.4f} has a 90% interval "
            f"[{qini_interval[0]:.4f}, {qini_interval[1]:.4f}] that includes zero: the ranking "
            "is not shown to be better than chance"
        )
    if effect is not None and not effect.low > 0:
        reasons.append(
            "the history does not show that mentoring raises the chance of going digital: its "
            f"average effect is {100 * effect.estimate:+.2f} points, "
            f"{effect.level:.0%} interval [{100 * effect.low:+.2f}, {100 * effect.high:+.2f}] "
            "(weighted by the chance of being mentored), and a ranking's Qini can look better "
            "than chance on such a history"
        )
    return Evidence(bool(reasons), tuple(reasons), treated, control)


WEAK_EVIDENCE_ADVICE = (
    "use the list with care: keep a share of slots for random allocation (exploration) or "
    "allocate at random until the history is larger"
)
