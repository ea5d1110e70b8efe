"""Stage 4, refit and calibrate: the chosen recipe (the average of its cross-fitted fold models
when cross-fitting used every row, else refit on every row), calibrated per arm on its
out-of-fold chances; the result is the one artifact serving loads (`models.uplift_model`), with
the training population's distributions for drift monitoring (`models.drift`)."""

from __future__ import annotations

from models.drift import build_reference
from models.features import FloatArray
from models.uplift_model import HeldOutPredictions, UpliftModel
from training import crossfit
from training.config import TrainConfig
from training.crossfit import SELECTION_METRIC
from training.evidence import Evidence
from training.prepare import Prepared
from training.registry import now_utc


def build_model(
    config: TrainConfig,
    prepared: Prepared,
    selection: crossfit.Selection,
    *,
    propensity: FloatArray | None,
    run_id: str,
    evidence: Evidence,
) -> UpliftModel:
    """The served model: the chosen recipe (its fold models averaged when cross-fitting used
    every row, else refit on every row), calibrated per arm on its out-of-fold chances."""
    data, chosen = prepared.data, selection.chosen
    rows, cv = prepared.all_rows, prepared.cv_rows
    bag = config.serve_fold_models and not prepared.sampled
    learner = crossfit.refit(
        chosen,
        rows.X,
        rows.t,
        rows.y,
        propensity=propensity,
        categorical=prepared.categorical,
        feature_names=prepared.feature_names,
        seed=config.seed,
        bag=bag,
    )
    model = UpliftModel.from_learner(
        learner,
        specs=prepared.specs,
        calibration_df=None,
        held_out=HeldOutPredictions(p1=chosen.oof.p1, p0=chosen.oof.p0, t=cv.t, y=cv.y),
        treatment=data.treatment,
        outcome=data.outcome,
        calibration=config.calibration,
        id_column=config.id_column,
        model_info={
            "learner": chosen.name
            if chosen.name != crossfit.ENSEMBLE
            else "+".join(chosen.members),
            "members": list(chosen.members),
            "params": chosen.params,
            "weights": chosen.weights,
            "seed": config.seed,
            "contract": config.contract,
            "model_name": config.model_name,
            "run_id": run_id,
            "selection_metric": SELECTION_METRIC,
            "selection": selection.reason,
            "served_as": (
                f"average of the {selection.folds} cross-fitted fold models"
                if bag
                else "refit on every row"
            ),
            "cv_qini": chosen.qini,
            "cv_qini_interval": list(chosen.qini_interval),
            "evidence": evidence.as_info(),
            "n_train": len(rows.y),
            "data_sha256": prepared.fingerprint["sha256"],
            "trained_at": now_utc(),
            "treatment": data.treatment,
            "outcome": data.outcome,
        },
    )
    # What serving compares the scored population with: every training row's features and the
    # served model's own uplift on them.
    model.drift_reference = build_reference(
        rows.X, prepared.specs, model.scores_from_matrix(rows.X).uplift
    )
    return model
