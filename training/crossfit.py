"""Cross-fitted learner choice: every row of the history both trains and judges.

The rows are dealt into k folds stratified by arm x outcome (so each fold gets its share of the
rare mentored successes). Each configured learner is fit k times, each time on the other folds,
and predicts the fold it did not see: out-of-fold uplift and chances for every row. The Qini
coefficient of those predictions, with a bootstrap interval, judges each learner. With the
ensemble on, the served model is a weighted average
(`models.combined_learners.EnsembleLearner`) of the core learners (`ensemble_core`: S and X by
default, which led the evaluation zoo) and of any other candidate whose out-of-fold Qini is the
highest (T in worlds whose arms are unrelated); the weights are stacked on the out-of-fold
predictions (`training.stacking`). The chosen recipe is then refit on all rows (`refit`); its
out-of-fold predictions are the honest evaluation.

Folds run on one thread each, side by side (LightGBM releases the GIL).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from models.combined_learners import EnsembleLearner
from models.features import FloatArray
from models.learner_base import UpliftLearner
from models.learners import make_learner
from models.propensity import stratified_folds
from training import evaluation as ev
from training import stacking
from training.bootstrap import bootstrap_many

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
    # The k fitted fold models (fold k's predicted the rows of fold k); empty for an average.
    models: tuple[UpliftLearner, ...] = field(default=(), compare=False, repr=False)

    @staticmethod
    def mean(parts: Sequence[OutOfFold], weights: FloatArray | None = None) -> OutOfFold:
        """The (weighted) average of several learners' predictions."""
        w = np.full(len(parts), 1.0 / len(parts)) if weights is None else np.asarray(weights)
        return OutOfFold(
            uplift=np.tensordot(w, [p.uplift for p in parts], axes=1),
            p1=np.tensordot(w, [p.p1 for p in parts], axes=1),
            p0=np.tensordot(w, [p.p0 for p in parts], axes=1),
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
    weights: dict[str, float] = field(default_factory=dict)  # per member of an ensemble
    # Per member, its k cross-fitted fold models (what `refit` averages when bagging).
    fold_models: dict[str, tuple[UpliftLearner, ...]] = field(default_factory=dict, repr=False)


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
    models: list[UpliftLearner] = []

    def one(k: int) -> tuple[int, UpliftLearner, Any]:
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
        return k, learner, learner.predict_matrix(X[~train])

    workers = max(1, min(folds, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crossfit") as pool:
        for k, learner, prediction in pool.map(one, range(folds)):
            rows = fold_of == k
            uplift[rows], p1[rows], p0[rows] = prediction.uplift, prediction.p1, prediction.p0
            models.append(learner)
    return OutOfFold(uplift=uplift, p1=p1, p0=p0, models=tuple(models))


def qini_with_interval(
    y: FloatArray, t: FloatArray, uplift: FloatArray, *, resamples: int, seed: int
) -> tuple[float, tuple[float, float]]:
    """The Qini coefficient and its 90% bootstrap interval (all rows resampled with
    replacement, each arm's count as it falls)."""
    qini = ev.qini_coefficient(y, uplift, t)
    if resamples <= 0:
        return qini, (qini, qini)
    found = bootstrap_many(
        y, t, {"score": uplift}, [0.1], resamples=resamples, seed=seed, qini_only=True
    )
    low, high = found["score"]["qini_coefficient"]
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
    core: Sequence[str],
    shrinkage: float,
    joining: Sequence[str] = (),
    stack_propensity: FloatArray | None = None,
    min_events_per_arm: int = 0,
    resamples: int = 100,
    on_learner: Any = None,
) -> Selection:
    """Cross-fit every learner, stack the ensemble, choose (module docstring).

    ``propensity``: what learners that need one (DR) are fit with; ``stack_propensity``: the
    cross-fitted chances of being mentored for the stacking's R-loss (`training.stacking`);
    ``joining``: learners that join the ensemble when they rank better than chance, whatever
    their Qini, with no prior weight (they keep only the weight the R-loss gives them).
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
            fold_models={name: oof.models},
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
    members = ensemble_members(candidates, best, (*core, *joining))
    if ensemble and len(members) >= 2:
        joined = set(joining) - set(core) - {best.name}
        prior = {n: 0.0 if n in joined else 1.0 for n in members}
        chosen = _stacked(
            candidates,
            members,
            t,
            y,
            prior=[prior[n] for n in members],
            stack_propensity=stack_propensity,
            shrinkage=shrinkage,
            resamples=resamples,
            seed=seed,
        )
        # A member the stacking gave no weight (one that joined without prior weight) adds
        # nothing to the average: it is named as left out, and neither refit nor served.
        unweighted = [n for n in members if chosen.weights[n] <= 0]
        if unweighted and len(members) - len(unweighted) >= 2:
            chosen = _without(chosen, unweighted)
        candidates[ENSEMBLE] = chosen
        weights = ", ".join(f"{n} {w:.2f}" for n, w in chosen.weights.items())
        left_out = f"; {', '.join(unweighted)} joined and got no weight" if unweighted else ""
        reason = (
            f"stacked average of {', '.join(chosen.members)} (weights {weights}{left_out}; "
            f"cross-validated Qini {qini_text(chosen)})"
        ) + _below_best_note(chosen, best)
        return Selection(candidates, chosen, reason, folds)
    reason = f"{best.name} has the highest cross-validated Qini ({qini_text(best)})"
    return Selection(candidates, best, reason, folds)


def _below_best_note(chosen: Candidate, best: Candidate) -> str:
    """Why the average is served though one learner's Qini is higher (empty when it is not)."""
    if chosen.qini >= best.qini:
        return ""
    return (
        f"; served though {best.name}'s Qini is higher ({best.qini:.4f}): ensemble = true (the "
        "default) serves the stacked average, which the evaluation zoo, where the true effects "
        "are known, chose over single learners, and on a history whose mentees were chosen, not "
        "drawn, the Qini misorders about one pair of models in ten; ensemble = false serves "
        f"{best.name} alone"
    )


def qini_text(candidate: Candidate) -> str:
    """`0.1234 [0.0567, 0.1890]`: the cross-validated Qini and its 90% interval, or `0.1234 (no
    interval)` when none was computed (`bootstrap_resamples = 0` gives the point as both ends)."""
    low, high = candidate.qini_interval
    if low == high == candidate.qini:
        return f"{candidate.qini:.4f} (no interval)"
    return f"{candidate.qini:.4f} [{low:.4f}, {high:.4f}]"


def _without(chosen: Candidate, names: Sequence[str]) -> Candidate:
    """The ensemble without members of weight 0 (its average, and so its Qini, unchanged)."""
    keep = tuple(n for n in chosen.members if n not in names)
    return replace(
        chosen,
        members=keep,
        params={n: chosen.params[n] for n in keep},
        weights={n: chosen.weights[n] for n in keep},
        fold_models={n: chosen.fold_models[n] for n in keep if n in chosen.fold_models},
    )


def ensemble_members(
    candidates: Mapping[str, Candidate], best: Candidate, core: Sequence[str]
) -> tuple[str, ...]:
    """The core learners that rank better than chance, and the best candidate when it is not one
    of them (in the order the candidates were given)."""
    keep = {n for n in core if n in candidates and candidates[n].qini > 0}
    if best.qini > 0:
        keep.add(best.name)
    return tuple(n for n in candidates if n in keep)


def _stacked(
    candidates: Mapping[str, Candidate],
    members: tuple[str, ...],
    t: FloatArray,
    y: FloatArray,
    *,
    stack_propensity: FloatArray | None,
    shrinkage: float,
    resamples: int,
    seed: int,
    prior: Sequence[float] | None = None,
) -> Candidate:
    """The members' weighted average, judged like a single learner."""
    parts = [candidates[n].oof for n in members]
    e = stacking.nuisance_propensity(t, stack_propensity)
    pooled = candidates["s"].oof if "s" in candidates else OutOfFold.mean(parts)
    weights = stacking.stack_weights(
        [p.uplift for p in parts],
        t,
        y,
        propensity=e,
        baseline=e * pooled.p1 + (1 - e) * pooled.p0,
        shrinkage=shrinkage,
        prior=prior,
    )
    oof = OutOfFold.mean(parts, weights)
    qini, interval = qini_with_interval(y, t, oof.uplift, resamples=resamples, seed=seed)
    return Candidate(
        ENSEMBLE,
        members,
        oof,
        qini,
        interval,
        sum(candidates[n].seconds for n in members),
        {n: dict(candidates[n].params[n]) for n in members},
        {n: float(w) for n, w in zip(members, weights, strict=True)},
        {n: candidates[n].fold_models.get(n, ()) for n in members},
    )


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
    bag: bool = False,
) -> UpliftLearner:
    """The served learner of the chosen recipe (a weighted ensemble of its members' learners).

    With ``bag``, each member is the equal average of its k cross-fitted fold models: nothing is
    fit again, and the average of k models each fit on (k-1)/k of the rows ranked better than one
    model fit on all of them in the evaluation zoo (less variance; docs/results-log.md, "fold
    models"). The caller asks for it only when cross-fitting used every row. Otherwise, or when
    a member has no fold models, the member is fit again on all rows (side by side on threads).
    """

    def one(name: str) -> UpliftLearner:
        folds = chosen.fold_models.get(name, ())
        if bag and len(folds) >= 2:
            return EnsembleLearner(folds)
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

    # A member the stacking gave no weight is not served (it would only cost scoring time).
    names = [n for n in chosen.members if not chosen.weights or chosen.weights[n] > 0]
    if len(names) == 1:
        return one(names[0])
    workers = max(1, min(len(names), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="refit") as pool:
        members = list(pool.map(one, names))
    weights = [chosen.weights[n] for n in names] if chosen.weights else None
    return EnsembleLearner(members, weights)
