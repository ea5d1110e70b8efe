"""Fit one uplift learner and tune its LightGBM settings with optuna on a held-out split.

Objective: the Qini coefficient on the validation rows (never the test rows). The sampler is
seeded TPE; the search stops at the trial cap or the time budget, whichever comes first. The
untuned defaults are always evaluated first, so tuning can only keep or improve the validation
score. The search space is small on purpose: leaves, learning rate and L2 of the outcome models,
plus leaves and L2 of the effect regressions for X and DR (their targets are noisy).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import optuna

from models.features import FloatArray
from models.learners import UpliftLearner, make_learner
from training.evaluation import qini_coefficient


@dataclass(frozen=True)
class SplitArrays:
    """Feature matrix, arm and outcome of one split."""

    X: FloatArray
    t: FloatArray
    y: FloatArray


@dataclass
class LearnerFit:
    """The best fit of one learner: its parameters, the fitted learner, validation Qini."""

    name: str
    params: dict[str, Any]
    learner: UpliftLearner
    validation_qini: float
    trials_completed: int
    seconds: float
    history: list[dict[str, Any]] = field(default_factory=list)


def suggest_params(trial: optuna.Trial, learner: str) -> dict[str, Any]:
    """Parameters to try for one learner (role-prefixed LightGBM keys, see models.boosting)."""
    params: dict[str, Any] = {
        "outcome__num_leaves": trial.suggest_int("outcome__num_leaves", 7, 63, log=True),
        "outcome__learning_rate": trial.suggest_float(
            "outcome__learning_rate", 0.02, 0.2, log=True
        ),
        "outcome__lambda_l2": trial.suggest_float("outcome__lambda_l2", 0.1, 50.0, log=True),
    }
    if learner in ("x", "dr"):
        params["effect__num_leaves"] = trial.suggest_int("effect__num_leaves", 3, 31, log=True)
        params["effect__lambda_l2"] = trial.suggest_float("effect__lambda_l2", 1.0, 100.0, log=True)
    return params


def fit_learner(
    name: str,
    params: Mapping[str, Any],
    fit: SplitArrays,
    *,
    propensity: FloatArray | None,
    categorical: list[int],
    feature_names: list[str],
    seed: int,
) -> UpliftLearner:
    """A fitted learner with these parameters."""
    learner = make_learner(name, params=dict(params), seed=seed)
    learner.fit(
        fit.X,
        fit.t,
        fit.y,
        propensity,
        categorical=categorical,
        feature_names=feature_names,
    )
    return learner


def tune_learner(
    name: str,
    fit: SplitArrays,
    validation: SplitArrays,
    *,
    base_params: Mapping[str, Any],
    propensity: FloatArray | None,
    categorical: list[int],
    feature_names: list[str],
    seed: int,
    trials: int,
    timeout_seconds: float,
    on_trial: Callable[[int], None] | None = None,
) -> LearnerFit:
    """Defaults first, then up to `trials` optuna trials within `timeout_seconds`."""
    started = time.perf_counter()

    def evaluate(params: Mapping[str, Any]) -> tuple[float, UpliftLearner]:
        learner = fit_learner(
            name,
            {**base_params, **params},
            fit,
            propensity=propensity,
            categorical=categorical,
            feature_names=feature_names,
            seed=seed,
        )
        score = qini_coefficient(validation.y, learner.predict_uplift(validation.X), validation.t)
        return score, learner

    default_score, default_learner = evaluate({})
    best = LearnerFit(
        name=name,
        params=dict(base_params),
        learner=default_learner,
        validation_qini=default_score,
        trials_completed=0,
        seconds=0.0,
        history=[{"trial": "defaults", "qini": default_score}],
    )
    if on_trial is not None:
        on_trial(0)
    if trials > 0:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(4, trials))
        study = optuna.create_study(direction="maximize", sampler=sampler)

        def objective(trial: optuna.Trial) -> float:
            params = suggest_params(trial, name)
            score, learner = evaluate(params)
            best.history.append({"trial": trial.number, "qini": score, **params})
            if score > best.validation_qini:
                best.params = {**base_params, **params}
                best.learner = learner
                best.validation_qini = score
            if on_trial is not None:
                on_trial(trial.number + 1)
            return score

        remaining = max(timeout_seconds - (time.perf_counter() - started), 1e-3)
        study.optimize(objective, n_trials=trials, timeout=remaining, gc_after_trial=False)
        best.trials_completed = len(study.trials)
    best.seconds = time.perf_counter() - started
    if not np.isfinite(best.validation_qini):
        best.validation_qini = float("-inf")
    return best
