"""What a training run may claim: no leaked feature, and evidence that its ranking beats chance.

* `check_leakage`: a feature that alone predicts the outcome near perfectly (or is the outcome)
  is a leak, not a signal: training stops and names the column.
* `assess_evidence`: too few outcome events per arm, or a cross-validated Qini whose interval
  includes zero, means the ranking is not shown to beat chance; the run says so, the model
  carries it, the list summary warns, and the promotion gate (`training.registry`) refuses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    qini_interval: tuple[float, float],
    min_events_per_arm: int,
) -> Evidence:
    """Weak when an arm has fewer than ``min_events_per_arm`` events or the Qini interval
    reaches zero (the ranking is not shown to beat a random list)."""
    treated = int(y[t == 1].sum())
    control = int(y[t == 0].sum())
    reasons: list[str] = []
    if min(treated, control) < min_events_per_arm:
        reasons.append(
            f"few outcome events: {treated} among mentored and {control} among not mentored "
            f"MSMEs (at least {min_events_per_arm} per arm are needed to learn who benefits)"
        )
    if not qini_interval[0] > 0:
        reasons.append(
            f"the cross-validated Qini coefficient {qini:.4f} has a 90% interval "
            f"[{qini_interval[0]:.4f}, {qini_interval[1]:.4f}] that includes zero: the ranking "
            "is not shown to be better than chance"
        )
    return Evidence(bool(reasons), tuple(reasons), treated, control)


WEAK_EVIDENCE_ADVICE = (
    "use the list with care: keep a share of slots for random allocation (exploration) or "
    "allocate at random until the history is larger"
)
