"""Uplift learners S, T, X, DR and R on LightGBM, all with the `UpliftLearner` interface
(`models.learner_base`); `make_learner` makes one by name.

Learner choices for rare outcomes and unbalanced arms are in each class's docstring; shared
LightGBM settings in `models.boosting`; the outcome models the learners stand on in
`models.outcome_models`; the learners made of other learners (the ensemble, the distilled copy)
in `models.combined_learners`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from models.boosting import Model, contributions, fit_booster, predict
from models.features import FloatArray
from models.learner_base import DirectUplift, LearnerPrediction, UpliftLearner
from models.outcome_models import (
    OUTCOME_MODEL_KINDS,
    OutcomeModels,
    PooledOutcome,
    SeparateArms,
    UpliftAttribution,
    fit_outcome_models,
)
from models.propensity import stratified_folds

LEARNER_NAMES = ("s", "t", "x", "dr", "r")


class _OutcomeDifference(UpliftLearner):
    """Uplift as the difference of outcome models' chances: p1(x) - p0(x) (S and T)."""

    outcome_kind: ClassVar[str]
    seed_offset: ClassVar[int]

    def _fit(
        self, X: FloatArray, t: FloatArray, y: FloatArray, propensity: FloatArray | None
    ) -> None:
        self.outcome = fit_outcome_models(
            X, t, y, learner=self, kind=self.outcome_kind, seed_offset=self.seed_offset
        )

    def _predict(self, X: FloatArray) -> LearnerPrediction:
        p1, p0 = self.outcome.probabilities(X)
        return LearnerPrediction(uplift=p1 - p0, p1=p1, p0=p0)

    def _explain(self, X: FloatArray) -> tuple[LearnerPrediction, UpliftAttribution]:
        p1, p0, attribution = self.outcome.explain(X)
        return LearnerPrediction(uplift=p1 - p0, p1=p1, p0=p0), attribution


class SLearner(_OutcomeDifference):
    """One outcome model on profile + mentoring indicator; uplift = f(x, 1) - f(x, 0).

    The single model sees all rows and all events, the strongest position when events are rare
    and the mentored arm small (see `PooledOutcome`); its known weakness is shrinking the uplift
    towards zero where trees under-use the indicator. Contributions: `PooledOutcome.explain`.
    """

    name = "s"
    outcome_kind = "pooled"
    seed_offset = 0


class TLearner(_OutcomeDifference):
    """Two outcome models, one per arm, each on its own rows; uplift = p1(x) - p0(x).

    The textbook reference. The small mentored arm's model gets a leaf size scaled to its own row
    count and the event-aware hessian floor (see `models.boosting`), so it does not chase noise.
    Contributions: `SeparateArms.explain` (each arm's log-odds contributions rescaled to
    probabilities by the secant slope of the sigmoid, mentored minus not mentored).
    """

    name = "t"
    outcome_kind = "separate"
    seed_offset = 1


class XLearner(UpliftLearner):
    """Künzel et al.'s X-learner: arm outcome models, imputed effects, two effect regressions
    combined with propensity weights.

    Imputed effects: mentored rows y - p0(x); control rows p1(x) - y. tau1 is fit on the mentored
    rows, tau0 on the controls, and uplift = e(x) tau0(x) + (1 - e(x)) tau1(x) with e(x) the
    propensity. With few mentored rows, tau0 depends on the weakly estimated p1 model, so it gets
    the small weight e(x); tau1 imputes with the well-estimated control model and gets 1 - e(x).
    The outcome models are pooled by default (`PooledOutcome`: the small arm borrows the large
    arm's structure); ``params={"outcome_models": "separate"}`` uses one model per arm.
    e(x) comes from a propensity model fit on all rows (clipped like the DR learner's), because new
    rows need it too. ``predict_outcomes`` returns p0 from the control model and
    p1 = clip(p0 + uplift, 0, 1). Contributions: e tau0's plus (1 - e) tau1's (exact, linear).

    ``params={"effect_baseline": True}`` (an option, measured 2026-12-07): the effect models
    also see the not-mentored log-odds, one column summing the many that drive the base chance
    (a gain that follows "readiness" is one split on it); on the training rows it comes from
    outcome models fit on the other folds, since the in-sample fit is what the pseudo-outcomes
    subtract. Its share of each uplift goes to the base, not to a profile factor.
    """

    name = "x"

    def _fit(
        self, X: FloatArray, t: FloatArray, y: FloatArray, propensity: FloatArray | None
    ) -> None:
        treated, control = t == 1, t == 0
        self.outcome = self._outcome_models(X, t, y, 1)
        p1_control, _ = self.outcome.probabilities(X[control])
        p0_treated = self.outcome.control_probability(X[treated])
        effect_X = self._effect_features(
            X, self._out_of_fold_p0(X, t, y) if self._baseline() else None
        )
        names = self._effect_names()
        self.effect_treated = self._effect_model(
            effect_X[treated], y[treated] - p0_treated, 3, feature_names=names
        )
        self.effect_control = self._effect_model(
            effect_X[control], p1_control - y[control], 4, feature_names=names
        )
        self.propensity_model = fit_booster(
            X,
            t,
            role="propensity",
            options=self.options,
            categorical=self.categorical,
            seed=self.seed + 5,
            feature_names=self.feature_names,
        )

    def _weights(self, X: FloatArray) -> FloatArray:
        clip = self.options.propensity_clip
        return np.clip(predict(self.propensity_model, X), clip, 1 - clip)

    def _baseline(self) -> bool:
        return bool(getattr(self.options, "effect_baseline", False))  # options before 2026-12-07

    def _out_of_fold_p0(self, X: FloatArray, t: FloatArray, y: FloatArray) -> FloatArray:
        """p0 of each training row from outcome models fit without it (folds stratified by
        arm and outcome where each stratum fills them): the effect models' baseline column."""
        from sklearn.model_selection import KFold, StratifiedKFold

        p0 = np.empty(len(X))
        strata = 2 * t + y
        count = self.options.folds
        stratified = np.bincount(strata.astype(int), minlength=4).min() >= count
        folds = (StratifiedKFold if stratified else KFold)(
            count, shuffle=True, random_state=self.seed
        )
        for k, (train, test) in enumerate(folds.split(X, strata)):
            models = self._outcome_models(X[train], t[train], y[train], 10 + k)
            p0[test] = models.control_probability(X[test])
        return p0

    def _effect_names(self) -> tuple[str, ...]:
        return (*self.feature_names, "baseline_logit") if self._baseline() else self.feature_names

    def _effect_features(self, X: FloatArray, p0: FloatArray | None) -> FloatArray:
        """The effect models' columns: the profile's, and with ``effect_baseline`` the
        not-mentored log-odds of the outcome model last."""
        if not self._baseline():
            return X
        p0 = self.outcome.control_probability(X) if p0 is None else p0
        clipped = np.clip(p0, 1e-6, 1 - 1e-6)
        return np.column_stack([X, np.log(clipped / (1 - clipped))])

    def _predict(self, X: FloatArray) -> LearnerPrediction:
        e = self._weights(X)
        p0 = self.outcome.control_probability(X)
        effect_X = self._effect_features(X, p0)
        tau = e * predict(self.effect_control, effect_X) + (1 - e) * predict(
            self.effect_treated, effect_X
        )
        return LearnerPrediction(uplift=tau, p1=np.clip(p0 + tau, 0.0, 1.0), p0=p0)

    def _explain(self, X: FloatArray) -> tuple[LearnerPrediction, UpliftAttribution]:
        e = self._weights(X)
        p0 = self.outcome.control_probability(X)
        effect_X = self._effect_features(X, p0)
        c1 = contributions(self.effect_treated, effect_X)
        c0 = contributions(self.effect_control, effect_X)
        mixed = e[:, None] * c0 + (1 - e)[:, None] * c1
        tau = mixed.sum(axis=1)
        prediction = LearnerPrediction(uplift=tau, p1=np.clip(p0 + tau, 0.0, 1.0), p0=p0)
        width = X.shape[1]
        # With `effect_baseline`, that column's share is no profile column's: it goes to the base.
        base = mixed[:, width:].sum(axis=1)
        return prediction, UpliftAttribution(contributions=mixed[:, :width], base=base)


class DRLearner(UpliftLearner):
    """Doubly robust learner: AIPW pseudo-outcomes from cross-fitted nuisances, then a LightGBM
    regression of them on the profile.

    phi = p1(x) - p0(x) + t (y - p1(x)) / e(x) - (1 - t) (y - p0(x)) / (1 - e(x)), where p1, p0
    and e are predicted for each row by models fit on the other folds (folds stratified by arm x
    outcome so each fold gets its share of the rare mentored events). E[phi | x] is the uplift
    when either the outcome models or the propensity are right.

    Rare outcomes and small arms make phi heavy-tailed (a mentored row that went digital weighs
    1/e, up to 50), and with a few thousand events the regression of phi alone is mostly noise.
    So:

    * the outcome nuisance is pooled by default (`PooledOutcome`: all rows and all events in one
      model; ``outcome_models="separate"`` for one model per arm);
    * the effect regression starts from the plug-in uplift p1(x) - p0(x) (its out-of-fold values
      as LightGBM's init score; ``dr_offset="none"`` starts from 0) and boosts only the
      correction that the pseudo-outcomes support; early stopping on held-out phi (whose squared
      error is minimised by the true uplift in expectation) stops it as soon as the correction is
      noise, so small data gives the plug-in and large data the doubly robust fit;
    * e is clipped to [c, 1 - c] (``propensity_clip``, default 0.02); phi can also be clipped
      (``pseudo_outcome_clip``); the effect trees are small, with large leaves, stronger L2 and a
      slower learning rate.

    Propensities passed to ``fit`` must be out-of-fold (e.g. `crossfit_propensity`); otherwise
    they are cross-fitted here. For new rows: uplift = p1(x) - p0(x) + correction(x) with the
    outcome models refit on all rows; p1 = clip(p0 + uplift, 0, 1). Contributions: the outcome
    models' (`OutcomeModels.explain`) plus the correction model's own (exact sum).
    """

    name = "dr"

    def _fit(
        self, X: FloatArray, t: FloatArray, y: FloatArray, propensity: FloatArray | None
    ) -> None:
        options = self.options
        if propensity is None:
            propensity = self._crossfit_propensity(X, t)
        fold_of = stratified_folds(t * 2 + y, options.folds, self.seed)
        mu1 = np.empty(len(y))
        mu0 = np.empty(len(y))
        for k in range(options.folds):
            test = fold_of == k
            fold_models = self._outcome_models(
                X[~test], t[~test], y[~test], 10 + 2 * k, refit=False
            )
            mu1[test], mu0[test] = fold_models.probabilities(X[test])
        e = propensity
        phi = mu1 - mu0 + t * (y - mu1) / e - (1 - t) * (y - mu0) / (1 - e)
        if options.pseudo_outcome_clip is not None:
            phi = np.clip(phi, -options.pseudo_outcome_clip, options.pseudo_outcome_clip)
        self.plugin = options.dr_offset == "plugin"
        self.effect_model = fit_booster(
            X,
            phi,
            role="effect",
            options=options,
            categorical=self.categorical,
            seed=self.seed + 1,
            feature_names=self.feature_names,
            init_score=mu1 - mu0 if self.plugin else None,
        )
        self.outcome = self._outcome_models(X, t, y, 2)
        self.diagnostics.update(
            {
                "dr_ate": float(phi.mean()),
                "dr_pseudo_outcome_sd": float(phi.std()),
                "dr_pseudo_outcome_abs_max": float(np.abs(phi).max()),
                "dr_effect_trees": float(self.effect_model.num_trees()),
            }
        )

    def _predict(self, X: FloatArray) -> LearnerPrediction:
        correction = predict(self.effect_model, X)
        if self.plugin:
            p1, p0 = self.outcome.probabilities(X)
            tau = p1 - p0 + correction
        else:
            p0 = self.outcome.control_probability(X)
            tau = correction
        return LearnerPrediction(uplift=tau, p1=np.clip(p0 + tau, 0.0, 1.0), p0=p0)

    def _explain(self, X: FloatArray) -> tuple[LearnerPrediction, UpliftAttribution]:
        contrib = contributions(self.effect_model, X)
        correction = contrib.sum(axis=1)
        features, base = contrib[:, :-1], contrib[:, -1]
        if self.plugin:
            p1, p0, plugin = self.outcome.explain(X)
            tau = p1 - p0 + correction
            features = features + plugin.contributions
            base = base + plugin.base
        else:
            p0 = self.outcome.control_probability(X)
            tau = correction
        prediction = LearnerPrediction(uplift=tau, p1=np.clip(p0 + tau, 0.0, 1.0), p0=p0)
        return prediction, UpliftAttribution(contributions=features, base=base)


class RLearner(DirectUplift):
    """Nie and Wager's R-learner: the uplift fit directly, by the loss the stacking weighs its
    members with (`training.stacking`).

    With m(x) = P(y | x) and e(x) = P(mentored | x) predicted for each row by models that did
    not see it, E[y - m(x) | x, t] = (t - e(x)) tau(x), so tau is an effect regression of
    (y - m) / (t - e) weighted by (t - e)^2 (the R-loss, early stopping included). m comes from
    the outcome models (pooled by default) fit on each half of the rows and predicting the
    other: m = e p1 + (1 - e) p0; e is the cross-fitted propensity passed to ``fit`` (else
    cross-fitted here), clipped like the DR learner's. Unlike S and X, nothing ties the uplift to
    the baseline's trees, so it suits worlds whose effect is simpler than the chance of going
    digital. For new rows: uplift = tau(x); p0 the two halves' outcome models' average
    (`DirectUplift`: p1 and the contributions).
    """

    name = "r"
    nuisance_folds: ClassVar[int] = 2

    def _fit(
        self, X: FloatArray, t: FloatArray, y: FloatArray, propensity: FloatArray | None
    ) -> None:
        e = self._crossfit_propensity(X, t) if propensity is None else propensity
        fold_of = stratified_folds(t * 2 + y, self.nuisance_folds, self.seed)
        m = np.empty(len(y))
        halves: list[OutcomeModels] = []
        for k in range(self.nuisance_folds):
            test = fold_of == k
            half = self._outcome_models(X[~test], t[~test], y[~test], 20 + k, refit=False)
            p1, p0 = half.probabilities(X[test])
            m[test] = e[test] * p1 + (1 - e[test]) * p0
            halves.append(half)
        self.outcome_halves = tuple(halves)
        residual = t - e
        self.effect_model = fit_booster(
            X,
            (y - m) / residual,
            role="effect",
            options=self.fit_options(len(X)),
            categorical=self.categorical,
            seed=self.seed + 1,
            feature_names=self.feature_names,
            weight=residual**2,
        )
        self.diagnostics["r_effect_trees"] = float(self.effect_model.num_trees())

    def _uplift_model(self) -> Model:
        return self.effect_model

    def _control(self, X: FloatArray) -> FloatArray:
        parts = [half.control_probability(X) for half in self.outcome_halves]
        return np.asarray(np.mean(parts, axis=0))


_LEARNERS: dict[str, type[UpliftLearner]] = {
    "s": SLearner,
    "t": TLearner,
    "x": XLearner,
    "dr": DRLearner,
    "r": RLearner,
}


def make_learner(
    name: str, *, params: Mapping[str, Any] | None = None, seed: int = 0
) -> UpliftLearner:
    """A fresh learner by name (one of `LEARNER_NAMES`), with LightGBM ``params`` and ``seed``.

    ``params``: LightGBM parameters for every component model, role-prefixed keys
    (``outcome__``, ``propensity__``, ``effect__``) for one kind, and the controls listed in
    `models.boosting.CONTROL_KEYS`.
    """
    key = name.strip().lower()
    if key not in _LEARNERS:
        raise ValueError(f"unknown learner {name!r}; choose one of {', '.join(LEARNER_NAMES)}")
    return _LEARNERS[key](params=params, seed=seed)


# Models pickled before `models.combined_learners` existed name the ensemble and the distilled
# copy `models.learners.EnsembleLearner` and `models.learners.DistilledLearner`, and unpickling
# looks them up here. They are imported on that lookup, not with this module: the learners made
# of other learners build on the single ones' interface, never the reverse.
_MOVED_TO_COMBINED = ("EnsembleLearner", "DistilledLearner")


def __getattr__(name: str) -> Any:
    """`EnsembleLearner` and `DistilledLearner` from `models.combined_learners`, for old pickles."""
    if name in _MOVED_TO_COMBINED:
        from models import combined_learners

        return getattr(combined_learners, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# The outcome models are named here too: models pickled before they had a module of their own
# (`models.outcome_models`) refer to them as `models.learners.PooledOutcome` and so on.
__all__ = [
    "LEARNER_NAMES",
    "OUTCOME_MODEL_KINDS",
    "DRLearner",
    "OutcomeModels",
    "PooledOutcome",
    "RLearner",
    "SLearner",
    "SeparateArms",
    "TLearner",
    "UpliftAttribution",
    "XLearner",
    "make_learner",
]
