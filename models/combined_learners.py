"""Learners made of other fitted learners: `EnsembleLearner`, their weighted average (the
stacked or bagged model the training pipeline serves), and `DistilledLearner`, a two-booster copy
of a teacher learner, with how closely it follows it (`_fidelity`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np

from models.boosting import Model, fit_student, predict
from models.features import FloatArray
from models.learner_base import DirectUplift, LearnerPrediction, UpliftLearner
from models.outcome_models import OutcomeModels, UpliftAttribution, one_pass, sigmoid


class EnsembleLearner(UpliftLearner):
    """A weighted average of fitted learners (``members``, e.g. S and X): uplift, both chances and
    the per-feature contributions are the members' weighted means, so contributions still add up
    exactly.

    ``weights`` (non-negative, summing to 1; equal when omitted) come from the training pipeline's
    stacking (`training.stacking`): how much each member's ranking explains the mentoring effect
    in rows it did not see. Models saved before weights existed load with equal weights.

    A member may itself be an ensemble: the training pipeline serves each learner as the equal
    average of its k cross-fitted fold models when cross-fitting used every row
    (`training.crossfit.refit`), so a stacked S and X is an ensemble of two such averages.
    """

    name = "ensemble"
    weights: tuple[float, ...] | None = None  # class default: pickles from before weights

    def __init__(
        self, members: Sequence[UpliftLearner], weights: Sequence[float] | None = None
    ) -> None:
        if len(members) < 2:
            raise ValueError("an ensemble needs at least two learners")
        if weights is not None:
            values = np.asarray(weights, dtype=np.float64)
            if len(values) != len(members) or (values < 0).any() or not values.sum() > 0:
                raise ValueError(
                    f"ensemble weights must be {len(members)} non-negative numbers with a "
                    f"positive sum; got {list(weights)}"
                )
            weights = tuple(float(w) for w in values / values.sum())
        first = members[0]
        super().__init__(params=first.params, seed=first.seed)
        self.members = tuple(members)
        self.member_names = tuple(m.name for m in members)
        self.weights = None if weights is None else tuple(weights)
        if all(m.fitted for m in members):
            self.feature_names = first.feature_names
            self.categorical = list(first.categorical)
            self.diagnostics = dict(first.diagnostics)
            self.fitted = True
            self._share_outcome_models()

    def _share_outcome_models(self, seen: list[OutcomeModels] | None = None) -> None:
        """Members whose outcome models grew the same trees (S's pooled model and X's, fitted
        on the same rows with the same settings) hold one of them: it is scored once per pass
        and saved once. Nested ensembles are searched too (fold k of S and fold k of X)."""
        seen = [] if seen is None else seen
        members = list(self.members)
        for i, member in enumerate(members):
            if isinstance(member, EnsembleLearner):
                members[i] = copy.copy(member)  # the caller's ensemble stays as it was
                members[i]._share_outcome_models(seen)  # type: ignore[attr-defined]
                continue
            outcome = getattr(member, "outcome", None)
            if not isinstance(outcome, OutcomeModels):
                continue
            same = next((kept for kept in seen if kept.same_as(outcome)), None)
            if same is None:
                seen.append(outcome)
            elif same is not outcome:
                members[i] = copy.copy(member)  # the caller's learner stays as it was
                members[i].outcome = same  # type: ignore[attr-defined]
        self.members = tuple(members)

    @property
    def label(self) -> str:
        """Members joined with '+', like ``s+x``."""
        return "+".join(self.member_names)

    @property
    def member_weights(self) -> FloatArray:
        """Each member's weight (equal when none were given)."""
        if self.weights is None:
            return np.full(len(self.members), 1.0 / len(self.members))
        return np.asarray(self.weights, dtype=np.float64)

    def _mean(self, parts: Sequence[FloatArray]) -> FloatArray:
        out: FloatArray = np.tensordot(self.member_weights, np.asarray(parts), axes=1)
        return out

    def _fit(
        self, X: FloatArray, t: FloatArray, y: FloatArray, propensity: FloatArray | None
    ) -> None:
        for member in self.members:
            member.fit(
                X,
                t,
                y,
                propensity,
                categorical=self.categorical,
                feature_names=self.feature_names,
            )
        self._share_outcome_models()

    def _predict(self, X: FloatArray) -> LearnerPrediction:
        with one_pass():
            parts = [m.predict_matrix(X) for m in self.members]
        return LearnerPrediction(
            uplift=self._mean([p.uplift for p in parts]),
            p1=self._mean([p.p1 for p in parts]),
            p0=self._mean([p.p0 for p in parts]),
        )

    def _explain(self, X: FloatArray) -> tuple[LearnerPrediction, UpliftAttribution]:
        with one_pass():
            parts = [m.explain_matrix(X) for m in self.members]
        prediction = LearnerPrediction(
            uplift=self._mean([p.uplift for p, _ in parts]),
            p1=self._mean([p.p1 for p, _ in parts]),
            p0=self._mean([p.p0 for p, _ in parts]),
        )
        attribution = UpliftAttribution(
            contributions=self._mean([a.contributions for _, a in parts]),
            base=self._mean([a.base for _, a in parts]),
        )
        return prediction, attribution


class DistilledLearner(DirectUplift):
    """Another fitted learner (the teacher) copied into two LightGBM regressions fit to its
    output on the rows given to ``fit``: one of its uplift, one of its chance without mentoring
    on the log-odds scale (`models.boosting.fit_student`).

    Why: the training pipeline serves the chosen learners as the average of their k fold models
    (20 boosters for S and X from five folds), which ranks best and scores slowest. The copy is
    two boosters: scores and reasons in a fraction of the time, at the cost of how closely it
    follows the teacher (``fidelity``, measured on the same rows). The uplift's contributions are
    the uplift regression's own TreeSHAP values, so they add up to the served uplift exactly;
    p1 = clip(p0 + uplift, 0, 1). ``t`` and ``y`` are checked like any learner's but not used:
    the copy learns from the teacher alone. The teacher is not kept after fitting.
    """

    name = "distilled"

    def __init__(self, teacher: UpliftLearner, *, seed: int = 0) -> None:
        super().__init__(params=teacher.params, seed=seed)
        self.teacher: UpliftLearner | None = teacher
        self.teacher_label: str = str(getattr(teacher, "label", teacher.name))
        self.fidelity: dict[str, float] = {}

    def _fit(
        self, X: FloatArray, t: FloatArray, y: FloatArray, propensity: FloatArray | None
    ) -> None:
        teacher = self.teacher
        if teacher is None or not teacher.fitted:
            raise ValueError("a distilled learner needs a fitted teacher")
        taught = teacher.predict_matrix(X)
        p0 = np.clip(taught.p0, 1e-6, 1 - 1e-6)
        common: dict[str, Any] = {
            "categorical": self.categorical,
            "feature_names": self.feature_names,
        }
        self.uplift_model = fit_student(X, taught.uplift, seed=self.seed, **common)
        self.control_model = fit_student(X, np.log(p0 / (1 - p0)), seed=self.seed + 1, **common)
        self.fidelity = _fidelity(taught, self._predict(X))
        self.teacher = None

    def _uplift_model(self) -> Model:
        return self.uplift_model

    def _control(self, X: FloatArray) -> FloatArray:
        return sigmoid(predict(self.control_model, X))


def _fidelity(teacher: LearnerPrediction, copy_: LearnerPrediction) -> dict[str, float]:
    """How closely a copy follows its teacher on the same rows: the correlations of their
    uplifts and of their chances without mentoring, and the share of the teacher's top 10% by
    uplift that the copy's top 10% keeps (the rows a list of that size would pick)."""
    k = max(1, round(0.1 * len(teacher.uplift)))
    ours = set(np.argsort(-copy_.uplift, kind="stable")[:k].tolist())
    theirs = set(np.argsort(-teacher.uplift, kind="stable")[:k].tolist())
    return {
        "uplift_correlation": _correlation(teacher.uplift, copy_.uplift),
        "p_digital_if_not_correlation": _correlation(teacher.p0, copy_.p0),
        "top_10pct_kept": len(ours & theirs) / k,
    }


def _correlation(a: FloatArray, b: FloatArray) -> float:
    """Pearson's correlation; 1 when both are constant and equal, 0 when only one is."""
    if float(np.std(a)) == 0 or float(np.std(b)) == 0:
        return 1.0 if np.allclose(a, b) else 0.0
    return float(np.corrcoef(a, b)[0, 1])
