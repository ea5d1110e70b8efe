"""Cross-fitted learner choice: every row of the history both trains and judges.

The rows are dealt into k folds stratified by arm x outcome (so each fold gets its share of the
rare mentored successes). Each configured learner is fit k times, each time on the other folds,
and predicts the fold it did not see: out-of-fold uplift and chances for every row. The Qini
coefficient of those predictions, with a bootstrap interval, judges each learner; when the best
learners' intervals overlap, their average (`models.learners.EnsembleLearner`) is chosen, since
the data cannot tell them apart and averaging lowers the variance of either. The chosen recipe is
then refit on all rows (`refit`); its out-of-fold predictions are the honest evaluation.

Folds run on one thread each, side by side (LightGBM releases the GIL).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.features import FloatArray
from models.learners import EnsembleLearner, UpliftLearner, make_learner
from models.propensity import stratified_folds
from training import evaluation as ev

ENSEMBLE = "ensemble"
# What judges the learners (and, in the promotion gate, the versions): the whole ranking, so one
# model serves every capacity a program may have.
SELECTION_METRIC = "qini_coefficient"


@dataclass(frozen=True)
class OutOfFold:
    """Predictions for every row from the models that did not see it."""

    uplift: FloatArray
    p1: FloatArray
    p0: FloatArray

    @staticmethod
    def mean(parts: Sequence[OutOfFold]) -> OutOfFold:
        return OutOfFold(
            uplift=np.mean([p.uplift for p in parts], axis=0),
            p1=np.mean([p.p1 for p in parts], axis=0),
            p0=np.mean([p.p0 for p in parts], axis=0),
        )


@dataclass
class Candidate:
    """One recipe judged by cross-fitting: a learner, or the average of several."""

    name: str
    members: tuple[str, ...]
    oof: OutOfFold
    qini: float
    qini_interval: tuple[float, float]
    seconds: float
    params: dict[str, dict[str, Any]] = field(default_factory=dict)  # per member


@dataclass(frozen=True)
class Selection:
    """Every candidate, the chosen one and why."""

    candidates: dict[str, Candidate]
    chosen: Candidate
    reason: str
    folds: int


def _fit(
    name: str,
    params: Mapping[str, Any],
    X: FloatArray,
    t: FloatArray,
    y: FloatArray,
    *,
    propensity: FloatArray | None,
    categorical: list[int],
    feature_names: list[str],
    seed: int,
) -> UpliftLearner:
    learner = make_learner(name, params=dict(params), seed=seed)
    return learner.fit(X, t, y, propensity, categorical=categorical, feature_names=feature_names)


def crossfit_learner(
    name: str,
    params: Mapping[str, Any],
    X: FloatArray,
    t: FloatArray,
    y: FloatArray,
    *,
    fold_of: np.ndarray,
    propensity: FloatArray | None,
    categorical: list[int],
    feature_names: list[str],
    seed: int,
) -> OutOfFold:
    """Out-of-fold predictions of one learner (folds fit side by side on threads)."""
    folds = int(fold_of.max()) + 1
    uplift, p1, p0 = np.empty(len(y)), np.empty(len(y)), np.empty(len(y))

    def one(k: int) -> tuple[int, Any]:
        train = fold_of != k
        learner = _fit(
            name,
            params,
            X[train],
            t[train],
            y[train],
            propensity=None if propensity is None else propensity[train],
            categorical=categorical,
            feature_names=feature_names,
            seed=seed + 101 * k,
        )
        return k, learner.predict_matrix(X[~train])

    workers = max(1, min(folds, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crossfit") as pool:
        for k, prediction in pool.map(one, range(folds)):
            rows = fold_of == k
            uplift[rows], p1[rows], p0[rows] = prediction.uplift, prediction.p1, prediction.p0
    return OutOfFold(uplift=uplift, p1=p1, p0=p0)


def qini_with_interval(
    y: FloatArray, t: FloatArray, uplift: FloatArray, *, resamples: int, seed: int
) -> tuple[float, tuple[float, float]]:
    """The Qini coefficient and its 90% bootstrap interval (rows resampled within arms)."""
    qini = ev.qini_coefficient(y, uplift, t)
    if resamples <= 0:
        return qini, (qini, qini)
    found = ev.bootstrap_intervals(y, uplift, t, [0.1], resamples=resamples, seed=seed)
    low, high = found["qini_coefficient"]
    return qini, (float(low), float(high))


def select(
    learners: Sequence[str],
    params: Mapping[str, Mapping[str, Any]],
    X: FloatArray,
    t: FloatArray,
    y: FloatArray,
    *,
    folds: int,
    propensity: FloatArray | None,
    categorical: list[int],
    feature_names: list[str],
    seed: int,
    ensemble: bool,
    min_events_per_arm: int = 0,
    resamples: int = 100,
    on_learner: Any = None,
) -> Selection:
    """Cross-fit every learner, add the ensemble of overlapping ones, choose (module docstring).

    With fewer than ``min_events_per_arm`` outcome events in an arm, the S-learner (when it is a
    candidate) is served alone: its one model of all rows learns from every event, while the
    other learners fit models of the small arm alone, and a Qini on so few events cannot tell
    them apart."""
    fold_of = stratified_folds(t * 2 + y, folds, seed)
    candidates: dict[str, Candidate] = {}
    for name in learners:
        if on_learner is not None:
            on_learner(name)
        tick = time.perf_counter()
        oof = crossfit_learner(
            name,
            params[name],
            X,
            t,
            y,
            fold_of=fold_of,
            propensity=propensity,
            categorical=categorical,
            feature_names=feature_names,
            seed=seed,
        )
        qini, interval = qini_with_interval(y, t, oof.uplift, resamples=resamples, seed=seed)
        candidates[name] = Candidate(
            name,
            (name,),
            oof,
            qini,
            interval,
            time.perf_counter() - tick,
            {name: dict(params[name])},
        )
    singles = list(candidates.values())
    events = min(float(y[t == 1].sum()), float(y[t == 0].sum()))
    if "s" in candidates and len(singles) > 1 and events < min_events_per_arm:
        reason = (
            f"few outcome events ({int(events)} in the smaller arm, fewer than "
            f"{min_events_per_arm}): the S-learner, one model of every row, is served alone"
        )
        return Selection(candidates, candidates["s"], reason, folds)
    best = max(singles, key=lambda c: (c.qini, -learners.index(c.name)))
    overlapping = tuple(
        c.name for c in singles if c.qini_interval[1] >= best.qini_interval[0] and c.qini > 0
    )
    if ensemble and len(overlapping) >= 2:
        oof = OutOfFold.mean([candidates[n].oof for n in overlapping])
        qini, interval = qini_with_interval(y, t, oof.uplift, resamples=resamples, seed=seed)
        candidates[ENSEMBLE] = Candidate(
            ENSEMBLE,
            overlapping,
            oof,
            qini,
            interval,
            sum(candidates[n].seconds for n in overlapping),
            {n: dict(params[n]) for n in overlapping},
        )
        reason = (
            f"the 90% intervals of {', '.join(overlapping)} overlap: their average is served "
            f"(cross-validated Qini {qini:.4f} [{interval[0]:.4f}, {interval[1]:.4f}])"
        )
        return Selection(candidates, candidates[ENSEMBLE], reason, folds)
    reason = (
        f"{best.name} has the highest cross-validated Qini "
        f"({best.qini:.4f} [{best.qini_interval[0]:.4f}, {best.qini_interval[1]:.4f}])"
        + ("" if len(singles) == 1 else ", clear of the others' intervals")
    )
    return Selection(candidates, best, reason, folds)


def refit(
    chosen: Candidate,
    X: FloatArray,
    t: FloatArray,
    y: FloatArray,
    *,
    propensity: FloatArray | None,
    categorical: list[int],
    feature_names: list[str],
    seed: int,
) -> UpliftLearner:
    """The chosen recipe fit on all rows (members side by side on threads for an ensemble)."""

    def one(name: str) -> UpliftLearner:
        return _fit(
            name,
            chosen.params[name],
            X,
            t,
            y,
            propensity=propensity,
            categorical=categorical,
            feature_names=feature_names,
            seed=seed,
        )

    if len(chosen.members) == 1:
        return one(chosen.members[0])
    workers = max(1, min(len(chosen.members), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="refit") as pool:
        members = list(pool.map(one, chosen.members))
    return EnsembleLearner(members)
