"""Stage 4, refit and calibrate: the chosen recipe (the average of its cross-fitted fold models
when cross-fitting used every row in three folds or more, served by default as a two-model copy
of that average; else refit on every row), calibrated per arm on its out-of-fold chances; the
result is the one artifact serving loads (`models.uplift_model`), with the training
population's distributions for drift monitoring (`models.drift`)."""

from __future__ import annotations

from dataclasses import dataclass

from models.combined_learners import DistilledLearner
from models.drift import build_reference
from models.features import FloatArray
from models.learner_base import UpliftLearner
from models.uplift_model import HeldOutPredictions, UpliftModel
from training import crossfit
from training.config import TrainConfig
from training.crossfit import SELECTION_METRIC
from training.evidence import Evidence
from training.prepare import Prepared
from training.registry import now_utc


@dataclass(frozen=True)
class ServedLearner:
    """The learner a model serves, how it was made (``served_as``, in words) and, for a
    distilled copy, its teacher and fidelity on the training rows."""

    learner: UpliftLearner
    served_as: str
    distilled: dict[str, object] | None = None


def served_learner(
    config: TrainConfig,
    prepared: Prepared,
    selection: crossfit.Selection,
    *,
    propensity: FloatArray | None,
) -> ServedLearner:
    """The chosen recipe as served: its fold models averaged when cross-fitting used every row
    in enough folds (`serve_fold_models`, `fold_models_min_folds`), else refit on every row;
    copied into two regressions (`models.combined_learners.DistilledLearner`) when
    `distill_served_model` is true, or is "auto" (the default) and the average is served."""
    rows = prepared.all_rows
    # The fold models may stand in for a refit when they were asked for and saw every row ...
    may_average = config.serve_fold_models and not prepared.sampled
    # ... and each saw enough of them.
    bag = may_average and selection.folds >= config.fold_models_min_folds
    learner = crossfit.refit(
        selection.chosen,
        rows.X,
        rows.t,
        rows.y,
        propensity=propensity,
        categorical=prepared.categorical,
        feature_names=prepared.feature_names,
        seed=config.seed,
        bag=bag,
    )
    served_as = _served_as(config, selection.folds, bag=bag, may_average=may_average)
    if not distills(config.distill_served_model, averaged=bag):
        return ServedLearner(learner, served_as)
    copy = DistilledLearner(learner, seed=config.seed).fit(
        rows.X,
        rows.t,
        rows.y,
        categorical=prepared.categorical,
        feature_names=prepared.feature_names,
    )
    fidelity = copy.fidelity
    return ServedLearner(
        copy,
        f"distilled from the {served_as} (on the training rows: uplift correlation "
        f"{fidelity['uplift_correlation']:.3f}, {fidelity['top_10pct_kept']:.0%} of its top "
        "10% kept)",
        {"teacher": served_as, **fidelity},
    )


def distills(setting: bool | str, *, averaged: bool) -> bool:
    """Whether the served learner is copied: always with true, never with false, and with
    "auto" when it is the fold models' average (k models per learner, slow to score; in the
    evaluation zoo the copy ranked level with it or a little higher). A refit is one model per
    learner, fast already, and is served as it is."""
    return setting is True or (setting == "auto" and averaged)


def _served_as(config: TrainConfig, folds: int, *, bag: bool, may_average: bool) -> str:
    """How the recipe is served, in words, with why it was refit when it could have been
    averaged (`/v1/model`, the registry tag and the report show it)."""
    if bag:
        return f"average of the {folds} cross-fitted fold models"
    if may_average:
        return (
            f"refit on every row ({folds} folds, fewer than fold_models_min_folds "
            f"{config.fold_models_min_folds}: each fold model saw {(folds - 1) / folds:.0%} of "
            "the rows)"
        )
    return "refit on every row"


def build_model(
    config: TrainConfig,
    prepared: Prepared,
    selection: crossfit.Selection,
    *,
    propensity: FloatArray | None,
    run_id: str,
    evidence: Evidence,
) -> UpliftModel:
    """The served model (`served_learner`), calibrated per arm on the recipe's out-of-fold
    chances, with what serving reports about it."""
    data, chosen = prepared.data, selection.chosen
    rows, cv = prepared.all_rows, prepared.cv_rows
    served = served_learner(config, prepared, selection, propensity=propensity)
    model = UpliftModel.from_learner(
        served.learner,
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
            "served_as": served.served_as,
            "distilled": served.distilled,
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
