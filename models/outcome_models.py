"""Outcome models: the chances of going digital with and without mentoring, and their TreeSHAP
attribution in probability units, for the learners of `models.learners`.

`SeparateArms` (one LightGBM model per arm, the T-learner's) and `PooledOutcome` (one model of
all rows with the mentoring indicator as a feature, the S-learner's); `fit_outcome_models` fits
either with a learner's options. Within one pass of an ensemble (`one_pass`) outcome models
shared by several members are scored once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from models.boosting import Model, contributions, fit_booster, predict, trees_without_feature_first
from models.features import FloatArray

if TYPE_CHECKING:
    from models.learner_base import UpliftLearner


@dataclass(frozen=True)
class UpliftAttribution:
    """Per-feature uplift contributions; ``contributions.sum(1) + base`` is exactly the learner's
    uplift. ``base`` is per row: the models' base rates and, for pooled outcome models, the share
    of the mentoring indicator itself (not a profile factor)."""

    contributions: FloatArray
    base: FloatArray


# The outcome models' chances within one pass of an ensemble, by (outcome models, matrix): two
# members holding the same outcome models (`EnsembleLearner`) score them once. The matrix is kept
# beside its result, so its id cannot be reused for another matrix during the pass.
_PASS: ContextVar[dict[tuple[int, int], tuple[FloatArray, tuple[FloatArray, FloatArray]]] | None]
_PASS = ContextVar("outcome_pass", default=None)


@contextmanager
def one_pass() -> Iterator[None]:
    """Remember the outcome models' chances until the pass ends (a pass within a pass, such as
    an ensemble whose members are ensembles of fold models, shares the outer one's memory)."""
    if _PASS.get() is not None:
        yield
        return
    token = _PASS.set({})
    try:
        yield
    finally:
        _PASS.reset(token)


def _remembered(
    outcome: OutcomeModels, X: FloatArray, compute: Callable[[], tuple[FloatArray, FloatArray]]
) -> tuple[FloatArray, FloatArray]:
    """(p1, p0) of `outcome` on `X`, computed once per pass."""
    memo = _PASS.get()
    if memo is None:
        return compute()
    key = (id(outcome), id(X))
    if key not in memo:
        memo[key] = (X, compute())
    return memo[key][1]


def _remembered_control(outcome: OutcomeModels, X: FloatArray) -> FloatArray | None:
    """p0 of `outcome` on `X` when this pass already has it."""
    memo = _PASS.get()
    found = None if memo is None else memo.get((id(outcome), id(X)))
    return None if found is None else found[1][1]


def _trees_text(model: Model) -> str:
    """A model's trees as text, without its training parameters (seeds differ between fits
    that grow the same trees)."""
    if not hasattr(model, "model_to_string"):
        return repr(model)  # a ConstantModel: its fields
    text: str = model.model_to_string()
    return text.partition("end of trees")[0]


class OutcomeModels(ABC):
    """Chances of going digital with and without mentoring, from LightGBM outcome model(s)."""

    @abstractmethod
    def boosters(self) -> tuple[Model, ...]:
        """The models, for telling identical outcome models apart (`same_as`)."""

    def same_as(self, other: OutcomeModels) -> bool:
        """Whether `other` predicts exactly as this does: the same kind with the same trees."""
        if type(other) is not type(self) or vars(self).keys() != vars(other).keys():
            return False
        plain = {k: v for k, v in vars(self).items() if not hasattr(v, "predict")}
        other_plain = {k: v for k, v in vars(other).items() if not hasattr(v, "predict")}
        return plain == other_plain and all(
            _trees_text(a) == _trees_text(b)
            for a, b in zip(self.boosters(), other.boosters(), strict=True)
        )

    @abstractmethod
    def probabilities(self, X: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(p1, p0)."""

    @abstractmethod
    def control_probability(self, X: FloatArray) -> FloatArray:
        """p0 alone (one booster call fewer where possible)."""

    @abstractmethod
    def explain(self, X: FloatArray) -> tuple[FloatArray, FloatArray, UpliftAttribution]:
        """(p1, p0, attribution) from one TreeSHAP pass: a booster's contributions add up to
        its log-odds, so the probabilities come with the explanation at no extra call. The
        attribution of p1 - p0: each arm's log-odds contributions rescaled to probability units
        (`logit_contributions_to_probability`), mentored minus not."""


@dataclass(frozen=True)
class SeparateArms(OutcomeModels):
    """One model per arm, each fit on its own rows only (the T-learner's models)."""

    control: Model
    treated: Model

    def boosters(self) -> tuple[Model, ...]:
        return self.control, self.treated

    def probabilities(self, X: FloatArray) -> tuple[FloatArray, FloatArray]:
        return _remembered(self, X, lambda: (predict(self.treated, X), predict(self.control, X)))

    def control_probability(self, X: FloatArray) -> FloatArray:
        known = _remembered_control(self, X)
        return predict(self.control, X) if known is None else known

    def explain(self, X: FloatArray) -> tuple[FloatArray, FloatArray, UpliftAttribution]:
        c1, b1, p1 = _probability_parts(contributions(self.treated, X))
        c0, b0, p0 = _probability_parts(contributions(self.control, X))
        _remembered(self, X, lambda: (p1, p0))
        return p1, p0, UpliftAttribution(contributions=c1 - c0, base=b1 - b0)


@dataclass(frozen=True)
class PooledOutcome(OutcomeModels):
    """One model of all rows with the mentoring indicator as the last feature (the S-learner's
    model); p1 and p0 are its predictions with the indicator set to 1 and to 0.

    Why it suits rare outcomes and a small mentored arm: whatever drives going digital in both
    arms is learnt once from all rows and all events, and the trees split on mentoring where the
    data show it matters. Regularised trees may under-use the indicator (shrinking uplift towards
    zero); the DR learner's correction step is there to repair that where the data support it.

    ``shared_trees``: the model's first trees never split on the indicator
    (`trees_without_feature_first`), so they are scored once per row, and only the others for
    both arms. 0: every tree for both arms.
    """

    model: Model
    shared_trees: int

    def boosters(self) -> tuple[Model, ...]:
        return (self.model,)

    @staticmethod
    def design(X: FloatArray, mentored: float) -> FloatArray:
        """Profile matrix plus the mentoring indicator column."""
        return np.column_stack([X, np.full(len(X), mentored)])

    @staticmethod
    def both_arms(X: FloatArray) -> FloatArray:
        """`design(X, 1)` above `design(X, 0)`, in one allocation."""
        n, width = X.shape
        stacked = np.empty((2 * n, width + 1))
        stacked[:n, :width] = X
        stacked[n:, :width] = X
        stacked[:n, width] = 1.0
        stacked[n:, width] = 0.0
        return stacked

    def _split(self) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """Tree ranges (shared, per arm), when the model has both kinds."""
        shared = self.shared_trees
        total = self.model.num_trees()
        if not 0 < shared < total:
            return None
        return (0, shared), (shared, total)

    def probabilities(self, X: FloatArray) -> tuple[FloatArray, FloatArray]:
        return _remembered(self, X, lambda: self._probabilities(X))

    def _probabilities(self, X: FloatArray) -> tuple[FloatArray, FloatArray]:
        n = len(X)
        split = self._split()
        if split is None:
            both = predict(self.model, self.both_arms(X))
            return both[:n], both[n:]
        shared = predict(self.model, self.design(X, 0.0), raw=True, trees=split[0])
        arms = predict(self.model, self.both_arms(X), raw=True, trees=split[1])
        return sigmoid(shared + arms[:n]), sigmoid(shared + arms[n:])

    def control_probability(self, X: FloatArray) -> FloatArray:
        known = _remembered_control(self, X)
        return predict(self.model, self.design(X, 0.0)) if known is None else known

    def _arm_contributions(self, X: FloatArray) -> FloatArray:
        """Log-odds contributions of (x, 1) rows above (x, 0) rows."""
        split = self._split()
        if split is None:
            return contributions(self.model, self.both_arms(X))
        shared = contributions(self.model, self.design(X, 0.0), trees=split[0])
        arms = contributions(self.model, self.both_arms(X), trees=split[1])
        arms[: len(X)] += shared
        arms[len(X) :] += shared
        return arms

    def explain(self, X: FloatArray) -> tuple[FloatArray, FloatArray, UpliftAttribution]:
        n = len(X)
        probs, base, p = _probability_parts(self._arm_contributions(X))
        # The indicator's own contribution (last feature) is the part of the effect common to
        # all profiles: it goes to the base, not to a profile factor.
        indicator = probs[:n, -1] - probs[n:, -1]
        attribution = UpliftAttribution(
            contributions=probs[:n, :-1] - probs[n:, :-1],
            base=base[:n] - base[n:] + indicator,
        )
        _remembered(self, X, lambda: (p[:n], p[n:]))
        return p[:n], p[n:], attribution


OUTCOME_MODEL_KINDS = ("pooled", "separate")


def fit_outcome_models(
    X: FloatArray,
    t: FloatArray,
    y: FloatArray,
    *,
    learner: UpliftLearner,
    kind: str,
    seed_offset: int,
    refit: bool | None = None,
) -> OutcomeModels:
    """Fit ``kind`` outcome models with ``learner``'s options, categoricals and feature names
    (`UpliftLearner.fit_options`: the small-history parameters on a small history)."""
    common: dict[str, Any] = {
        "role": "outcome",
        "options": learner.fit_options(len(X)),
        "categorical": learner.categorical,
        "refit": refit,
    }
    if kind == "pooled":
        model = fit_booster(
            np.column_stack([X, t]),
            y,
            seed=learner.seed + seed_offset,
            feature_names=[*learner.feature_names, "__mentored__"],
            **common,
        )
        return PooledOutcome(*trees_without_feature_first(model, X.shape[1]))
    treated, control = t == 1, t == 0
    return SeparateArms(
        control=fit_booster(
            X[control],
            y[control],
            seed=learner.seed + seed_offset,
            feature_names=learner.feature_names,
            **common,
        ),
        treated=fit_booster(
            X[treated],
            y[treated],
            seed=learner.seed + seed_offset + 1,
            feature_names=learner.feature_names,
            **common,
        ),
    )


def sigmoid(x: FloatArray) -> FloatArray:
    out: FloatArray = 1.0 / (1.0 + np.exp(-x))
    return out


def logit_contributions_to_probability(contrib: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Rescale log-odds contributions (n, d + 1; last column the base) to probability units.

    Each row's contributions are multiplied by the secant slope (p - p_base) / (L - L_base) of the
    sigmoid between the base log-odds and the row's log-odds, so they sum exactly to
    p - sigmoid(base). Returns (contributions (n, d), base probability (n,)).
    """
    feats, p_base, _ = _probability_parts(contrib)
    return feats, p_base


def _probability_parts(contrib: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """`logit_contributions_to_probability` plus each row's probability p (the booster's own
    prediction: the contributions and the base add up to its log-odds)."""
    base_logit = contrib[:, -1]
    feats = contrib[:, :-1]
    delta = feats.sum(axis=1)
    p = sigmoid(base_logit + delta)
    p_base = sigmoid(base_logit)
    flat = np.abs(delta) <= 1e-9
    slope = (p - p_base) / np.where(flat, 1.0, delta)
    if flat.any():
        slope[flat] = (p_base * (1.0 - p_base))[flat]
    return feats * slope[:, None], p_base, p
