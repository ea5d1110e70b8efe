"""`UpliftModel`: feature specs + a fitted learner + per-arm calibration + segment thresholds.

This is the one object a served model needs (pickled inside the MLflow model); it holds no MLflow
code. ``predict`` returns the four score fields in input order; ``explain`` the top factors that
raise or lower each row's uplift.

How the two probabilities relate (``p1_mode``):

* ``"additive"`` (default, any learner): p0 = p_digital_if_not = the control-arm outcome model's
  probability, calibrated on held-out control rows; p1 = p_digital_if_mentored
  = clip(p0 + learner uplift, floor, 1), where the floor is the lowest chance the control
  calibration gives (a lost cause's: small, not nil; see `models.calibration`), so a learner's
  negative uplift larger than p0 reads "mentoring changes nothing", not "mentoring makes going
  digital impossible". The uplift ranking is the learner's own (apart from rows clipped), and p0
  is calibrated where calibration is best supported: the control arm is the large one.
* ``"calibrated_arms"`` (sensible for S and T): p1 and p0 are each arm's probability, each
  calibrated on its own arm's held-out rows.

In both, ``uplift`` is computed as p1 - p0 after calibration and clipping, so the identity
uplift == p_digital_if_mentored - p_digital_if_not holds exactly in every output row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from data.contract import (
    FIRST_DATA_ROW,
    ID_COLUMN,
    OUTCOME_COLUMN,
    SCORE_FIELDS,
    TREATMENT_COLUMN,
)
from data.segments import SegmentThresholds, StrArray, assign_segments
from models.calibration import (
    CalibrationMethod,
    ProbabilityCalibrator,
    brier_score,
    fit_calibrator,
)
from models.drift import DriftReference
from models.features import (
    FeatureSpec,
    FloatArray,
    categorical_indices,
    display_value,
    encode_column,
    feature_matrix,
    msme_feature_specs,
    record_matrix,
    resolve_specs,
)
from models.learner_base import LearnerPrediction, UpliftLearner
from models.learners import make_learner

P1Mode = Literal["additive", "calibrated_arms"]

# The code of the warning on every list and score file made by a model trained on weak evidence
# (`data.messages` words it), with its parameters: training's evidence check, as the model carries
# it in `model_info["evidence"]`.
WEAK_EVIDENCE = "weak_evidence"
EVIDENCE_CODES: dict[str, tuple[str, ...]] = {WEAK_EVIDENCE: ("events_treated", "events_control")}


@dataclass(frozen=True)
class Reason:
    """One factor of a row's uplift: the feature, its value as the model saw it (None when
    missing or an unknown category) and its contribution in uplift units (probability points
    as a fraction: 0.01 = one percentage point)."""

    feature: str
    value: str | float | bool | None
    contribution: float

    @property
    def direction(self) -> Literal["raises", "lowers"]:
        """Whether this factor raises or lowers the uplift."""
        return "raises" if self.contribution > 0 else "lowers"


@dataclass(frozen=True)
class HeldOutPredictions:
    """Chances predicted for rows the predicting models did not see, with the rows' arm and
    outcome: what per-arm calibrators are fit on."""

    p1: FloatArray
    p0: FloatArray
    t: FloatArray
    y: FloatArray


@dataclass(frozen=True)
class ScoreArrays:
    """The four score fields as arrays (the fast path behind `UpliftModel.predict`)."""

    p_digital_if_mentored: FloatArray
    p_digital_if_not: FloatArray
    uplift: FloatArray
    segment: StrArray

    def to_frame(self, index: pd.Index | None = None) -> pd.DataFrame:
        """The fields as a DataFrame with `SCORE_FIELDS` columns."""
        # Dict order is SCORE_FIELDS order; passing columns= too would make pandas reindex (4x
        # slower for the one-row frames of single requests).
        columns = dict(
            zip(
                SCORE_FIELDS,
                (
                    self.p_digital_if_mentored,
                    self.p_digital_if_not,
                    self.uplift,
                    self.segment.astype(object),
                ),
                strict=True,
            )
        )
        return pd.DataFrame(columns, index=index, copy=False)


def _binary_column(df: pd.DataFrame, column: str, role: str) -> FloatArray:
    """A 0/1 column of a training frame; anything else is refused with the row named."""
    if column not in df.columns:
        raise ValueError(f"column {column}: missing ({role} column)")
    values = encode_column(FeatureSpec(column, "boolean"), df)
    missing = np.flatnonzero(np.isnan(values))
    if len(missing):
        raise ValueError(
            f"row {int(missing[0]) + FIRST_DATA_ROW}, column {column}: missing {role} value "
            f"({len(missing)} rows in all)"
        )
    return values


class UpliftModel:
    """Preprocessing, learner, calibration and segments in one pickle-able object."""

    # The training population's distributions (`models.drift`), set by training; a class
    # default so models pickled before it existed load with None.
    drift_reference: DriftReference | None = None

    def __init__(
        self,
        *,
        specs: Sequence[FeatureSpec],
        learner: UpliftLearner,
        calibrator_control: ProbabilityCalibrator,
        calibrator_treated: ProbabilityCalibrator,
        thresholds: SegmentThresholds | None = None,
        p1_mode: P1Mode = "additive",
        id_column: str | None = ID_COLUMN,
        model_info: Mapping[str, Any] | None = None,
    ) -> None:
        if p1_mode not in ("additive", "calibrated_arms"):
            raise ValueError(f"p1_mode must be 'additive' or 'calibrated_arms', got {p1_mode!r}")
        self.specs = tuple(specs)
        self.learner = learner
        self.calibrator_control = calibrator_control
        self.calibrator_treated = calibrator_treated
        self.thresholds = thresholds or SegmentThresholds()
        self.p1_mode: P1Mode = p1_mode
        self.id_column = id_column
        self.model_info: dict[str, Any] = dict(model_info or {})

    # ----- construction -----------------------------------------------------------------------
    @classmethod
    def fit(
        cls,
        train_df: pd.DataFrame,
        calibration_df: pd.DataFrame | None = None,
        *,
        features: Sequence[FeatureSpec] | None = None,
        treatment: str = TREATMENT_COLUMN,
        outcome: str = OUTCOME_COLUMN,
        learner: str | UpliftLearner = "dr",
        params: Mapping[str, Any] | None = None,
        seed: int = 0,
        thresholds: SegmentThresholds | None = None,
        propensity: npt.ArrayLike | None = None,
        calibration: CalibrationMethod = "platt",
        p1_mode: P1Mode = "additive",
        id_column: str | None = ID_COLUMN,
        model_info: Mapping[str, Any] | None = None,
    ) -> UpliftModel:
        """Fit the learner on ``train_df`` and the per-arm calibrators on ``calibration_df``.

        ``features`` default to the MSME contract's (`msme_feature_specs`); categorical specs
        without levels get them from ``train_df``. ``treatment`` / ``outcome`` are 0/1 or boolean
        columns (map other codings before). ``learner`` is a name from `LEARNER_NAMES` (built with
        ``params`` and ``seed``) or an unfitted learner. ``propensity``: out-of-fold scores for
        ``train_df``'s rows, for the DR learner. Without ``calibration_df`` the calibrators are the
        identity (recorded in ``model_info``).
        """
        specs = resolve_specs(train_df, features if features is not None else msme_feature_specs())
        matrix = feature_matrix(train_df, specs)
        t = _binary_column(train_df, treatment, "treatment")
        y = _binary_column(train_df, outcome, "outcome")
        model = (
            learner
            if isinstance(learner, UpliftLearner)
            else make_learner(learner, params=params, seed=seed)
        )
        model.fit(
            matrix,
            t,
            y,
            propensity,
            categorical=categorical_indices(specs),
            feature_names=[spec.name for spec in specs],
        )
        info = {
            "learner": model.name,
            "params": dict(model.params),
            "seed": model.seed,
            "treatment": treatment,
            "outcome": outcome,
            "n_train": len(train_df),
            "learner_diagnostics": dict(model.diagnostics),
            **dict(model_info or {}),
        }
        return cls.from_learner(
            model,
            specs=specs,
            calibration_df=calibration_df,
            treatment=treatment,
            outcome=outcome,
            calibration=calibration,
            thresholds=thresholds,
            p1_mode=p1_mode,
            id_column=id_column,
            model_info=info,
        )

    @classmethod
    def from_learner(
        cls,
        learner: UpliftLearner,
        *,
        specs: Sequence[FeatureSpec],
        calibration_df: pd.DataFrame | None,
        treatment: str = TREATMENT_COLUMN,
        outcome: str = OUTCOME_COLUMN,
        calibration: CalibrationMethod = "platt",
        thresholds: SegmentThresholds | None = None,
        p1_mode: P1Mode = "additive",
        id_column: str | None = ID_COLUMN,
        model_info: Mapping[str, Any] | None = None,
        held_out: HeldOutPredictions | None = None,
    ) -> UpliftModel:
        """Wrap an already fitted learner (trained on `feature_matrix(df, specs)`) and fit the
        per-arm calibrators on ``calibration_df``, or on ``held_out``: predictions for rows the
        predicting models did not see (out-of-fold), when the learner was fit on every row."""
        specs = tuple(specs)
        identity = ProbabilityCalibrator("identity")
        info: dict[str, Any] = dict(model_info or {})
        if held_out is None and (calibration_df is None or len(calibration_df) == 0):
            cal0 = cal1 = identity
            info["calibration"] = {"method": "identity", "reason": "no calibration data"}
        else:
            if held_out is not None:
                raw = LearnerPrediction(
                    uplift=held_out.p1 - held_out.p0, p1=held_out.p1, p0=held_out.p0
                )
                t, y = held_out.t, held_out.y
            else:
                assert calibration_df is not None
                raw = learner.predict_matrix(feature_matrix(calibration_df, specs))
                t = _binary_column(calibration_df, treatment, "treatment")
                y = _binary_column(calibration_df, outcome, "outcome")
            control, treated = t == 0, t == 1
            cal0 = fit_calibrator(raw.p0[control], y[control], calibration)
            cal1 = fit_calibrator(raw.p1[treated], y[treated], calibration)
            info["calibration"] = {
                "requested": calibration,
                "control": _calibration_summary(cal0, raw.p0[control], y[control]),
                "treated": _calibration_summary(cal1, raw.p1[treated], y[treated]),
            }
        model = cls(
            specs=specs,
            learner=learner,
            calibrator_control=cal0,
            calibrator_treated=cal1,
            thresholds=thresholds,
            p1_mode=p1_mode,
            id_column=id_column,
            model_info=info,
        )
        model.model_info.update(
            {
                "p1_mode": p1_mode,
                "thresholds": model.thresholds.as_dict(),
                "feature_columns": list(model.feature_columns),
                "features": [
                    {"name": s.name, "kind": s.kind, "source": s.source} for s in model.specs
                ],
                "id_column": id_column,
            }
        )
        return model

    # ----- metadata ---------------------------------------------------------------------------
    @property
    def evidence_warning(self) -> tuple[str, dict[str, int]] | None:
        """The code and parameters of the warning every list and score file made with this model
        carries when its training evidence was weak; None when it was not (or the model predates
        the evidence check)."""
        evidence = self.model_info.get("evidence")
        if not isinstance(evidence, Mapping) or not evidence.get("weak"):
            return None
        return WEAK_EVIDENCE, {name: int(evidence[name]) for name in EVIDENCE_CODES[WEAK_EVIDENCE]}

    @property
    def feature_columns(self) -> tuple[str, ...]:
        """Raw input columns the model reads (derived features name their source)."""
        seen: dict[str, None] = {}
        for spec in self.specs:
            seen.setdefault(spec.source, None)
        return tuple(seen)

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The model's features, in matrix order (as explanations name them)."""
        return tuple(spec.name for spec in self.specs)

    # ----- scoring ----------------------------------------------------------------------------
    def features(self, df: pd.DataFrame) -> FloatArray:
        """The float feature matrix of ``df`` (raises `FeatureError` naming column and row)."""
        return feature_matrix(df, self.specs)

    def scores_from_matrix(self, matrix: FloatArray) -> ScoreArrays:
        """The four fields for an already built feature matrix."""
        return self._scores(self.learner.predict_matrix(matrix))

    def _scores(self, raw: LearnerPrediction) -> ScoreArrays:
        p0 = self.calibrator_control.transform(raw.p0)
        if self.p1_mode == "additive":
            p1 = np.clip(p0 + raw.uplift, self.calibrator_control.lowest, 1.0)
        else:
            p1 = self.calibrator_treated.transform(raw.p1)
        uplift = p1 - p0
        return ScoreArrays(
            p_digital_if_mentored=p1,
            p_digital_if_not=p0,
            uplift=uplift,
            segment=assign_segments(p1, p0, self.thresholds),
        )

    def predict_arrays(self, df: pd.DataFrame) -> ScoreArrays:
        """The four fields as arrays, in input order."""
        return self.scores_from_matrix(self.features(df))

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        """`SCORE_FIELDS` per row, index and order as in ``df``."""
        return self.predict_arrays(df).to_frame(df.index)

    def reasons_from_matrix(self, matrix: FloatArray, top_k: int = 3) -> list[list[Reason]]:
        """Top factors per row for an already built feature matrix."""
        _check_top_k(top_k)
        return self._top_reasons(matrix, self.learner.attribute_matrix(matrix).contributions, top_k)

    def score_and_explain_matrix(
        self, matrix: FloatArray, top_k: int = 3
    ) -> tuple[ScoreArrays, list[list[Reason]]]:
        """`scores_from_matrix` and `reasons_from_matrix` in one pass over the boosters (the
        service's path): the probabilities are the sums of the contributions TreeSHAP returns."""
        _check_top_k(top_k)
        raw, attribution = self.learner.explain_matrix(matrix)
        return self._scores(raw), self._top_reasons(matrix, attribution.contributions, top_k)

    def _top_reasons(
        self, matrix: FloatArray, contrib: FloatArray, top_k: int
    ) -> list[list[Reason]]:
        order = np.argsort(-np.abs(contrib), axis=1, kind="stable")[:, :top_k]
        reasons: list[list[Reason]] = []
        for row_matrix, row_contrib, row_order in zip(
            matrix.tolist(), contrib.tolist(), order.tolist(), strict=True
        ):
            row: list[Reason] = []
            for j in row_order:
                value = row_contrib[j]
                if abs(value) < 1e-12 or math.isnan(value):
                    continue  # a feature the model did not use for this row is no reason
                spec = self.specs[j]
                row.append(Reason(spec.name, display_value(spec, row_matrix[j]), value))
            reasons.append(row)
        return reasons

    def explain(self, df: pd.DataFrame, top_k: int = 3) -> list[list[Reason]]:
        """Per row, up to ``top_k`` features with the largest contribution to the uplift, largest
        |contribution| first; positive contributions raise the uplift, negative lower it.

        Contributions are LightGBM's own SHAP values (``pred_contrib``), in uplift units, and
        with the learner's base they add up exactly to the learner's uplift:

        * effect regressions (X's two, mixed with the propensity weights; DR's correction) are
          already in uplift units;
        * outcome models (S, T, and the plug-in part of DR) give log-odds contributions for the
          mentored and the not-mentored prediction; each is rescaled to probability units by the
          secant slope of the sigmoid between the model's base and the row's log-odds (so they sum
          to p - p_base exactly), and not-mentored is subtracted from mentored. The mentoring
          indicator's own share in a pooled model is common to all profiles and goes to the base.

        When p1 is clipped at 0 or 1 the reported uplift is smaller than the learner's; the
        contributions still explain the learner's estimate.
        """
        return self.reasons_from_matrix(self.features(df), top_k)

    def predict_and_explain(
        self, df: pd.DataFrame, top_k: int = 3
    ) -> tuple[pd.DataFrame, list[list[Reason]]]:
        """`predict` and `explain` sharing one feature matrix (the service's per-request path)."""
        scores, reasons = self.score_and_explain_matrix(self.features(df), top_k)
        return scores.to_frame(df.index), reasons

    def features_from_records(self, records: Sequence[Mapping[str, Any]]) -> FloatArray:
        """The feature matrix of already parsed rows (mappings of column to value), without a
        DataFrame: what a service request holds. Same encodings as `features`."""
        return record_matrix(records, self.specs)

    def __repr__(self) -> str:
        return (
            f"UpliftModel(learner={self.learner.name!r}, features={len(self.specs)}, "
            f"p1_mode={self.p1_mode!r})"
        )


def _check_top_k(top_k: int) -> None:
    if top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k}")


def _calibration_summary(
    calibrator: ProbabilityCalibrator, raw: FloatArray, y: FloatArray
) -> dict[str, Any]:
    return {
        "method": calibrator.method,
        "n_rows": calibrator.n_rows,
        "n_events": calibrator.n_events,
        "brier_raw": brier_score(raw, y),
        "brier_calibrated": brier_score(calibrator.transform(raw), y),
    }
