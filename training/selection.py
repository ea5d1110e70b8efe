"""Stage 3, learner selection: each learner's parameters (the config's, or tuned), every learner
cross-fitted on the cross-fitting rows, and the learner or ensemble chosen by the out-of-fold Qini
coefficient (`training.crossfit`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from models.features import FloatArray
from models.propensity import stratified_folds
from training import crossfit, stacking
from training import evaluation as ev
from training.config import TrainConfig
from training.prepare import Prepared
from training.tuning import tune


def tuned_params(
    config: TrainConfig, prepared: Prepared, propensity: FloatArray | None
) -> dict[str, dict[str, Any]]:
    """Each learner's parameters: the config's, or the best of an optuna search by
    cross-validated Qini (`[tuning] trials > 0`)."""
    base = dict(config.learner_params)
    if config.tuning.trials == 0:
        return dict.fromkeys(config.learners, base)
    rows = prepared.cv_rows
    fold_of = stratified_folds(rows.t * 2 + rows.y, prepared.folds, config.seed)
    names = prepared.feature_names
    found: dict[str, dict[str, Any]] = {}
    for name in config.learners:

        def score(params: Mapping[str, Any], learner: str = name) -> float:
            oof = crossfit.crossfit_learner(
                learner,
                params,
                rows.X,
                rows.t,
                rows.y,
                fold_of=fold_of,
                propensity=propensity,
                categorical=prepared.categorical,
                feature_names=names,
                seed=config.seed,
            )
            return ev.qini_coefficient(rows.y, oof.uplift, rows.t)

        result = tune(
            name,
            score,
            base_params=base,
            seed=config.seed,
            trials=config.tuning.trials,
            timeout_seconds=config.tuning.timeout_seconds,
        )
        found[name] = result.params
    return found


def joining_learners(config: TrainConfig, *, large: bool) -> tuple[str, ...]:
    """The learners that join the stacking whatever their Qini, with no prior weight: those of
    `ensemble_joining` at every size, and on a large history those of `ensemble_when_large` (the
    learners that gain most from many rows), each once."""
    named = (*config.ensemble_joining, *(config.ensemble_when_large if large else ()))
    return tuple(dict.fromkeys(named))


def select_learner(
    config: TrainConfig,
    prepared: Prepared,
    params: Mapping[str, Mapping[str, Any]],
    *,
    propensity: FloatArray | None,
    stack_propensity: FloatArray | None,
    on_learner: Callable[[str], None],
) -> crossfit.Selection:
    """Cross-fit every configured learner and choose (`training.crossfit.select`);
    ``stack_propensity`` is the cross-fitted chance of being mentored the stacking uses."""
    cv = prepared.cv_rows
    return crossfit.select(
        config.learners,
        params,
        cv.X,
        cv.t,
        cv.y,
        folds=prepared.folds,
        propensity=propensity,
        categorical=prepared.categorical,
        feature_names=prepared.feature_names,
        seed=config.seed,
        # The same resamples as the evaluation's intervals: the chosen recipe's interval printed
        # with the choice, the one the evidence check reads and the reported one are one interval.
        resamples=config.bootstrap_resamples,
        ensemble=config.ensemble,
        core=config.ensemble_core,
        joining=joining_learners(config, large=prepared.large),
        stack_propensity=stack_propensity,
        shrinkage=stacking.prior_shrinkage(len(cv.t), config.stack_prior_rows),
        min_events_per_arm=config.min_events_per_arm,
        on_learner=on_learner,
    )
