"""Stage 2, propensity: out-of-fold chances of being mentored, for the overlap diagnostics and for
the learners that weight by them (DR)."""

from __future__ import annotations

from dataclasses import dataclass

from models.features import FloatArray
from models.propensity import PropensityResult, crossfit_propensity
from training import evaluation as ev
from training.config import TrainConfig
from training.prepare import Arrays, Prepared


@dataclass(frozen=True)
class Propensity:
    """Propensity of the cross-fitting rows, its overlap numbers, and what the learners get."""

    cv: PropensityResult
    overlap: dict[str, float]
    for_learners: FloatArray | None  # clipped chances when a learner needs them (DR), else None


def needs_propensity(config: TrainConfig) -> bool:
    """DR needs out-of-fold propensities for every row it is fit on."""
    return "dr" in config.learners


def estimate(config: TrainConfig, prepared: Prepared) -> Propensity:
    """Cross-fitted propensity on the cross-fitting rows, with overlap diagnostics."""
    cv = prepared.cv_rows
    result = crossfit_rows(config, prepared, cv)
    return Propensity(
        cv=result,
        overlap=ev.propensity_overlap(result.scores_raw, cv.t),
        for_learners=result.scores_clipped if needs_propensity(config) else None,
    )


def for_every_row(
    config: TrainConfig, prepared: Prepared, propensity: Propensity
) -> FloatArray | None:
    """What the refit on every row gets: the same chances, or new ones when the learners were
    cross-fitted on a sample."""
    if not needs_propensity(config):
        return None
    if not prepared.sampled:
        return propensity.cv.scores_clipped
    return crossfit_rows(config, prepared, prepared.all_rows).scores_clipped


def crossfit_rows(config: TrainConfig, prepared: Prepared, rows: Arrays) -> PropensityResult:
    """Out-of-fold chances of being mentored for these rows."""
    return crossfit_propensity(
        rows.X,
        rows.t,
        folds=config.folds,
        seed=config.seed,
        params=config.learner_params,
        categorical=prepared.categorical,
    )
