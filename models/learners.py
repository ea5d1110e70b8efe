"""Uplift learners S, T, X, DR and R on LightGBM, all with one interface.

``fit(X, t, y, propensity=None)`` learns from profiles ``X``, arm ``t`` (1 = mentored) and outcome
``y`` (1 = went digital); ``predict_uplift`` gives the estimated change in the chance of going
digital when mentored; ``predict_outcomes`` gives ``(p1, p0)``, the chances with and without
mentoring; ``uplift_contributions`` attributes each row's uplift to the features, in uplift units.

``X`` is a `models.features.prepare_features` frame (categorical columns detected from their
dtype) or a float matrix (pass ``categorical=`` positions to ``fit``). Learner choices for rare
outcomes and unbalanced arms are in each class's docstring; shared LightGBM settings in
`models.boosting`; the outcome models the learners stand on in `models.outcome_models`.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt
import pandas as pd

from models.boosting import (
    LearnerOptions,
    Model,
    contributions,
    fit_booster,
    fit_student,
    parse_params,
    predict,
)
from models.features import FloatArray, frame_to_matrix
from models.outcome_models import (
    OUTCOME_MODEL_KINDS,
    OutcomeModels,
    PooledOutcome,
    SeparateArms,
    UpliftAttribution,
    fit_outcome_models,
    one_pass,
    sigmoid,
)
from models.propensity import crossfit_propensity, stratified_folds

LEARNER_NAMES = ("s", "t", "x", "dr", "r")


@dataclass(frozen=True)
class LearnerPrediction:
    """One pass of predictions: the learner's uplift and both arms' chances."""

    uplift: FloatArray
    p1: FloatArray
    p0: FloatArray


def _binary_array(values: npt.ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values)
    if array.dtype == object:
        array = pd.Series(array).astype(float).to_numpy()
    out = np.asarray(array, dtype=np.float64)
    if np.isnan(out).any() or not set(np.unique(out)) <= {0.0, 1.0}:
        raise ValueError(f"{name} must be 0/1 or boolean without missing values")
    return out


class UpliftLearner(ABC):
    """Common interface and input handling of the four learners."""

    name: ClassVar[str]

    def __init__(self, *, params: Mapping[str, Any] | None = None, seed: int = 0) -> None:
        self.params: dict[str, Any] = dict(params or {})
        self.seed = seed
        self.options = parse_params(self.params)
        self.feature_names: tuple[str, ...] = ()
        self.categorical: list[int] = []
        self.diagnostics: dict[str, float] = {}
        self.fitted = False

    # ----- public interface -------------------------------------------------------------------
    def fit(
        self,
        X: pd.DataFrame | FloatArray,
        t: npt.ArrayLike,
        y: npt.ArrayLike,
        propensity: npt.ArrayLike | None = None,
        *,
        categorical: Sequence[int] | None = None,
        feature_names: Sequence[str] | None = None,
    ) -> Self:
        """Learn from profiles, arm (1 = treated) and binary outcome.

        ``propensity``: out-of-fold scores for these rows (e.g. `crossfit_propensity`); used by
        the DR learner's pseudo-outcomes, ignored by S and T. The X learner always fits its own
        propensity model because it needs one for new rows too. ``categorical`` and
        ``feature_names`` describe the columns of a float-matrix ``X``.
        """
        if isinstance(X, pd.DataFrame):
            self.feature_names = tuple(str(c) for c in X.columns)
            self.categorical = [
                j for j, c in enumerate(X.columns) if isinstance(X[c].dtype, pd.CategoricalDtype)
            ]
        else:
            width = np.shape(X)[1]
            names = list(feature_names) if feature_names is not None else []
            if feature_names is not None and len(names) != width:
                raise ValueError(f"{len(names)} feature names for {width} columns")
            self.feature_names = tuple(names or (f"f{j}" for j in range(width)))
            self.categorical = list(categorical or [])
        matrix = frame_to_matrix(X)
        treated = _binary_array(t, "t")
        outcome = _binary_array(y, "y")
        if not len(matrix) == len(treated) == len(outcome):
            raise ValueError(
                f"X, t and y differ in length: {len(matrix)}, {len(treated)}, {len(outcome)}"
            )
        for arm, label in ((1.0, "treated"), (0.0, "control")):
            if int((treated == arm).sum()) < 2:
                raise ValueError(f"the {label} arm has fewer than 2 rows: cannot learn an uplift")
        scores = None
        if propensity is not None:
            scores = np.asarray(propensity, dtype=np.float64)
            if scores.shape != treated.shape:
                raise ValueError("propensity must have one score per row of X")
            clip = self.options.propensity_clip
            scores = np.clip(scores, clip, 1 - clip)
        self.diagnostics = {
            "n_rows": float(len(treated)),
            "treated_share": float(treated.mean()),
            "outcome_rate_treated": float(outcome[treated == 1].mean()),
            "outcome_rate_control": float(outcome[treated == 0].mean()),
        }
        self._fit(matrix, treated, outcome, scores)
        self.fitted = True
        return self

    def predict_uplift(self, X: pd.DataFrame | FloatArray) -> FloatArray:
        """The learner's estimate of p(digital | mentored) - p(digital | not mentored)."""
        return self.predict_matrix(self._matrix(X)).uplift

    def predict_outcomes(self, X: pd.DataFrame | FloatArray) -> tuple[FloatArray, FloatArray]:
        """(p1, p0): chances of going digital with and without mentoring (uncalibrated)."""
        prediction = self.predict_matrix(self._matrix(X))
        return prediction.p1, prediction.p0

    def uplift_contributions(self, X: pd.DataFrame | FloatArray) -> FloatArray:
        """(n_rows, n_features) contributions to the uplift, in uplift (probability) units."""
        return self.attribute_matrix(self._matrix(X)).contributions

    # ----- fast paths on a float matrix in the fitted column order -----------------------------
    def predict_matrix(self, matrix: FloatArray) -> LearnerPrediction:
        """All predictions in one pass over the boosters."""
        self._check_fitted()
        return self._predict(matrix)

    def attribute_matrix(self, matrix: FloatArray) -> UpliftAttribution:
        """Per-feature uplift contributions and the base they start from."""
        self._check_fitted()
        return self._explain(matrix)[1]

    def explain_matrix(self, matrix: FloatArray) -> tuple[LearnerPrediction, UpliftAttribution]:
        """Predictions and contributions in one pass: every booster whose contributions are
        computed gives its prediction as their sum, so only the boosters that are not explained
        (the X learner's propensity and control model) are called a second time."""
        self._check_fitted()
        return self._explain(matrix)

    # ----- for subclasses ---------------------------------------------------------------------
    @abstractmethod
    def _fit(
        self, X: FloatArray, t: FloatArray, y: FloatArray, propensity: FloatArray | None
    ) -> None: ...

    @abstractmethod
    def _predict(self, X: FloatArray) -> LearnerPrediction: ...

    @abstractmethod
    def _explain(self, X: FloatArray) -> tuple[LearnerPrediction, UpliftAttribution]: ...

    def _matrix(self, X: pd.DataFrame | FloatArray) -> FloatArray:
        self._check_fitted()
        matrix = frame_to_matrix(X)
        if matrix.ndim != 2 or matrix.shape[1] != len(self.feature_names):
            raise ValueError(
                f"expected {len(self.feature_names)} feature columns, got {matrix.shape[1:]}"
            )
        return matrix

    def _check_fitted(self) -> None:
        if not self.fitted:
            raise RuntimeError(f"{type(self).__name__} is not fitted; call fit first")

    def fit_options(self, rows: int) -> LearnerOptions:
        """The options of this learner's models: with the small-history parameters when the
        learner is fit on at most `models.boosting.SMALL_FIT_ROWS` rows (its own rows, known
        once `fit` has begun; else ``rows``)."""
        return self.options.for_fit_rows(int(self.diagnostics.get("n_rows", rows)))

    def _outcome_models(
        self, X: FloatArray, t: FloatArray, y: FloatArray, seed_offset: int, **kw: Any
    ) -> OutcomeModels:
        """The X and DR learners' nuisance outcome models (``outcome_models`` control)."""
        return fit_outcome_models(
            X, t, y, learner=self, kind=self.options.outcome_models, seed_offset=seed_offset, **kw
        )

    def _crossfit_propensity(self, X: FloatArray, t: FloatArray) -> FloatArray:
        """Out-of-fold chances of being mentored, clipped, for a learner given none (DR, R)."""
        return crossfit_propensity(
            X,
            t,
            folds=self.options.folds,
            seed=self.seed,
            params=self.params,
            clip=self.options.propensity_clip,
            categorical=self.categorical,
        ).scores_clipped

    def _effect_model(
        self,
        X: FloatArray,
        target: FloatArray,
        seed_offset: int,
        *,
        feature_names: Sequence[str] | None = None,
    ) -> Model:
        """An effect regression, with the small-history parameters on a small history
        (`fit_options`)."""
        return fit_booster(
            X,
            target,
            role="effect",
            options=self.fit_options(len(X)),
            categorical=self.categorical,
            seed=self.seed + seed_offset,
            feature_names=self.feature_names if feature_names is None else feature_names,
        )


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


class _DirectUplift(UpliftLearner):
    """A learner whose uplift is one regression's output (`_uplift_model`) and whose chance
    without mentoring comes from elsewhere (`_control`): R and the distilled copy. The uplift's
    contributions are that regression's own, so they add up to it exactly;
    p1 = clip(p0 + uplift, 0, 1)."""

    @abstractmethod
    def _uplift_model(self) -> Model: ...

    @abstractmethod
    def _control(self, X: FloatArray) -> FloatArray: ...

    def _predict(self, X: FloatArray) -> LearnerPrediction:
        tau = predict(self._uplift_model(), X)
        p0 = self._control(X)
        return LearnerPrediction(uplift=tau, p1=np.clip(p0 + tau, 0.0, 1.0), p0=p0)

    def _explain(self, X: FloatArray) -> tuple[LearnerPrediction, UpliftAttribution]:
        c = contributions(self._uplift_model(), X)
        tau = c.sum(axis=1)
        p0 = self._control(X)
        prediction = LearnerPrediction(uplift=tau, p1=np.clip(p0 + tau, 0.0, 1.0), p0=p0)
        return prediction, UpliftAttribution(contributions=c[:, :-1], base=c[:, -1])


class RLearner(_DirectUplift):
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
    (`_DirectUplift`: p1 and the contributions).
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


class DistilledLearner(_DirectUplift):
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


# The outcome models are named here too: models pickled before they had a module of their own
# (`models.outcome_models`) refer to them as `models.learners.PooledOutcome` and so on.
__all__ = [
    "LEARNER_NAMES",
    "OUTCOME_MODEL_KINDS",
    "DRLearner",
    "DistilledLearner",
    "EnsembleLearner",
    "LearnerPrediction",
    "OutcomeModels",
    "PooledOutcome",
    "RLearner",
    "SLearner",
    "SeparateArms",
    "TLearner",
    "UpliftAttribution",
    "UpliftLearner",
    "XLearner",
    "make_learner",
]
