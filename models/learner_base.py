"""The interface every uplift learner shares (`UpliftLearner`) and its input handling.

``fit(X, t, y, propensity=None)`` learns from profiles ``X``, arm ``t`` (1 = mentored) and outcome
``y`` (1 = went digital); ``predict_uplift`` gives the estimated change in the chance of going
digital when mentored; ``predict_outcomes`` gives ``(p1, p0)``, the chances with and without
mentoring; ``uplift_contributions`` attributes each row's uplift to the features, in uplift units.

``X`` is a `models.features.prepare_features` frame (categorical columns detected from their
dtype) or a float matrix (pass ``categorical=`` positions to ``fit``). The learners themselves are
in `models.learners` (S, T, X, DR, R) and `models.combined_learners` (learners made of others).
"""

from __future__ import annotations

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
    parse_params,
    predict,
)
from models.features import FloatArray, frame_to_matrix
from models.outcome_models import OutcomeModels, UpliftAttribution, fit_outcome_models
from models.propensity import crossfit_propensity


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


class DirectUplift(UpliftLearner):
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
