"""Optional hyper-parameter search with optuna, judged by cross-validated Qini.

Off by default (``[tuning] trials = 0``): in the evaluation zoo the fixed defaults of
`models.boosting` did better than a search whose objective, a Qini coefficient on a few hundred
events, is mostly noise. When turned on, the defaults are scored first, so the search can only
keep or improve the cross-validated score; the sampler is seeded TPE, stopped at the trial cap
or the time budget, whichever comes first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import optuna


@dataclass
class TuningResult:
    """The best parameters found for one learner and the trials run."""

    params: dict[str, Any]
    score: float
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
        "outcome__lambda_l2": trial.suggest_float("outcome__lambda_l2", 0.01, 50.0, log=True),
    }
    if learner in ("x", "dr", "r"):
        params["effect__num_leaves"] = trial.suggest_int("effect__num_leaves", 3, 31, log=True)
        params["effect__lambda_l2"] = trial.suggest_float(
            "effect__lambda_l2", 0.01, 100.0, log=True
        )
    return params


def tune(
    learner: str,
    score: Callable[[Mapping[str, Any]], float],
    *,
    base_params: Mapping[str, Any],
    seed: int,
    trials: int,
    timeout_seconds: float,
) -> TuningResult:
    """Defaults first, then up to ``trials`` optuna trials within ``timeout_seconds``;
    ``score(params)`` is the cross-validated Qini of the learner with those parameters."""
    started = time.perf_counter()
    best = TuningResult(dict(base_params), score(dict(base_params)), 0, 0.0)
    best.history.append({"trial": "defaults", "qini": best.score})
    if trials > 0:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(4, trials))
        study = optuna.create_study(direction="maximize", sampler=sampler)

        def objective(trial: optuna.Trial) -> float:
            params = {**base_params, **suggest_params(trial, learner)}
            value = score(params)
            best.history.append({"trial": trial.number, "qini": value, **params})
            if value > best.score:
                best.params, best.score = params, value
            return value

        remaining = max(timeout_seconds - (time.perf_counter() - started), 1e-3)
        study.optimize(objective, n_trials=trials, timeout=remaining, gc_after_trial=False)
        best.trials_completed = len(study.trials)
    best.seconds = time.perf_counter() - started
    return best
