"""Cross-fitted learner choice: out-of-fold predictions, intervals, the stacked ensemble, refit."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from models.combined_learners import EnsembleLearner
from models.features import feature_matrix, msme_feature_specs, resolve_specs
from models.propensity import stratified_folds
from tests.models.synthetic import simulate_msme
from training import crossfit
from training import evaluation as ev

# Outcome leaves unshrunk (the default shrinks them on small histories since 2026-12-05): the
# tests below rest on T ranking below S on this history, which holds for these models.
PARAMS = {"num_boost_round": 60, "outcome__lambda_l2": 0.0}


@pytest.fixture(scope="module")
def arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    data = simulate_msme(6000, seed=3)
    frame = data.frame
    specs = resolve_specs(frame, msme_feature_specs())
    X = feature_matrix(frame, specs)
    t = frame["mentored"].to_numpy(float)
    y = frame["digitalized"].to_numpy(float)
    return X, t, y, data.uplift, [s.name for s in specs]


def _select_s_and_t(
    X: np.ndarray, t: np.ndarray, y: np.ndarray, names: list[str], **options: Any
) -> crossfit.Selection:
    """S and T judged on 3 folds (``options``: ensemble, core, shrinkage, resamples,
    min_events_per_arm); core and shrinkage default to the config's."""
    options = {"core": ("s", "x"), "shrinkage": 0.5, **options}
    return crossfit.select(
        ["s", "t"],
        {"s": PARAMS, "t": PARAMS},
        X,
        t,
        y,
        folds=3,
        propensity=None,
        categorical=[],
        feature_names=names,
        seed=0,
        **options,
    )


def test_out_of_fold_predictions_come_from_models_that_did_not_see_the_row(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]],
) -> None:
    X, t, y, truth, names = arrays
    fold_of = stratified_folds(t * 2 + y, 3, 0)
    oof = crossfit.crossfit_learner(
        "s",
        PARAMS,
        X,
        t,
        y,
        fold_of=fold_of,
        propensity=None,
        categorical=[],
        feature_names=names,
        seed=0,
    )
    assert oof.uplift.shape == (len(y),)
    np.testing.assert_allclose(oof.uplift, oof.p1 - oof.p0, atol=1e-12)
    # Out of fold, the ranking still finds the true uplift...
    assert ev.oracle_share(truth, oof.uplift, 0.1) > 0.5
    # ...and differs from an in-sample fit: each fold's rows were predicted by another model.
    in_sample = crossfit.refit(
        crossfit.Candidate("s", ("s",), oof, 0.0, (0.0, 0.0), 0.0, {"s": PARAMS}),
        X,
        t,
        y,
        propensity=None,
        categorical=[],
        feature_names=names,
        seed=0,
    ).predict_uplift(X)
    assert not np.allclose(in_sample, oof.uplift)


def test_the_ensemble_is_the_stacked_average_and_the_refit_keeps_its_weights(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]],
) -> None:
    X, t, y, _, names = arrays
    selection = _select_s_and_t(
        X, t, y, names, ensemble=True, resamples=30, core=("s", "t"), shrinkage=0.5
    )
    s, t_ = selection.candidates["s"], selection.candidates["t"]
    for candidate in (s, t_):
        assert candidate.qini_interval[0] <= candidate.qini <= candidate.qini_interval[1]
    chosen = selection.chosen
    assert chosen.name == crossfit.ENSEMBLE and chosen.members == ("s", "t")
    weights = chosen.weights
    assert set(weights) == {"s", "t"} and sum(weights.values()) == pytest.approx(1.0)
    assert min(weights.values()) >= 0
    assert "stacked average of s, t" in selection.reason
    np.testing.assert_allclose(
        chosen.oof.uplift, weights["s"] * s.oof.uplift + weights["t"] * t_.oof.uplift, atol=1e-12
    )
    learner = crossfit.refit(
        chosen, X, t, y, propensity=None, categorical=[], feature_names=names, seed=0
    )
    assert isinstance(learner, EnsembleLearner) and learner.label == "s+t"
    np.testing.assert_allclose(learner.member_weights, [weights["s"], weights["t"]])
    prediction, attribution = learner.explain_matrix(X[:50])
    members = [m.predict_matrix(X[:50]).uplift for m in learner.members]
    np.testing.assert_allclose(
        prediction.uplift, weights["s"] * members[0] + weights["t"] * members[1], atol=1e-12
    )
    # Contributions of the weighted average still add up exactly to its uplift.
    np.testing.assert_allclose(
        attribution.contributions.sum(1) + attribution.base, prediction.uplift, atol=1e-9
    )


def test_bagging_serves_the_fold_models_that_made_the_out_of_fold_predictions(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]],
) -> None:
    """With ``bag``, each member is the equal average of its fold models (fold k's model
    predicted fold k's rows), weighted as stacked; without, each member is fit again."""
    X, t, y, _, names = arrays
    selection = _select_s_and_t(
        X, t, y, names, ensemble=True, resamples=0, core=("s", "t"), shrinkage=0.5
    )
    chosen = selection.chosen
    fold_of = stratified_folds(t * 2 + y, 3, 0)
    for name in ("s", "t"):
        models = chosen.fold_models[name]
        assert len(models) == 3
        oof = selection.candidates[name].oof.uplift
        # Each fold model predicted exactly the rows of one fold.
        matched = {
            k
            for model in models
            for k in range(3)
            if np.allclose(model.predict_uplift(X[fold_of == k]), oof[fold_of == k])
        }
        assert matched == {0, 1, 2}
    options: dict[str, Any] = {"propensity": None, "categorical": [], "feature_names": names}
    bagged = crossfit.refit(chosen, X, t, y, seed=0, bag=True, **options)
    assert isinstance(bagged, EnsembleLearner)
    np.testing.assert_allclose(bagged.member_weights, [chosen.weights["s"], chosen.weights["t"]])
    rows = X[:300]
    fold_means = {
        name: np.mean([m.predict_uplift(rows) for m in chosen.fold_models[name]], axis=0)
        for name in ("s", "t")
    }
    expected = chosen.weights["s"] * fold_means["s"] + chosen.weights["t"] * fold_means["t"]
    np.testing.assert_allclose(bagged.predict_uplift(rows), expected, atol=1e-12)
    prediction, attribution = bagged.explain_matrix(rows[:40])
    np.testing.assert_allclose(prediction.uplift, expected[:40], atol=1e-12)
    np.testing.assert_allclose(
        attribution.contributions.sum(1) + attribution.base, prediction.uplift, atol=1e-9
    )
    refit = crossfit.refit(chosen, X, t, y, seed=0, bag=False, **options)
    assert not any(isinstance(m, EnsembleLearner) for m in refit.members)  # type: ignore[attr-defined]
    assert not np.allclose(refit.predict_uplift(rows), expected)


def test_a_joining_learner_has_no_prior_weight_and_is_not_served_without_weight(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]],
) -> None:
    """T joins (``joining``) though it is not a core learner: with the weights moved all the way
    to the prior it gets none, and the served learner is S alone; half way, the share a core
    member would get from the prior goes to the core instead."""
    X, t, y, _, names = arrays
    options: dict[str, Any] = {"propensity": None, "categorical": [], "feature_names": names}
    prior_only = _select_s_and_t(
        X, t, y, names, ensemble=True, resamples=0, core=("s",), joining=("t",), shrinkage=1.0
    )
    chosen = prior_only.chosen
    # T ranks below S on this history: it is a member only because it joins.
    assert 0 < prior_only.candidates["t"].qini < prior_only.candidates["s"].qini
    assert chosen.members == ("s", "t") and chosen.weights == {"s": 1.0, "t": 0.0}
    served = crossfit.refit(chosen, X, t, y, seed=0, **options)
    assert served.name == "s"
    # Half way to the prior: the half that equal weights would give T goes to S instead.
    half = {"ensemble": True, "resamples": 0, "shrinkage": 0.5}
    joined = _select_s_and_t(X, t, y, names, core=("s",), joining=("t",), **half).chosen
    as_core = _select_s_and_t(X, t, y, names, core=("s", "t"), **half).chosen
    assert as_core.weights["t"] - joined.weights.get("t", 0.0) == pytest.approx(0.25)
    assert joined.weights["s"] - as_core.weights["s"] == pytest.approx(0.25)


def test_a_member_left_with_no_weight_is_named_and_left_out(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]],
) -> None:
    """S and X are core; T joins with no prior weight, and with the weights moved all the way
    to the prior it has none: the chosen recipe is S and X, and the reason says T got none."""
    X, t, y, _, names = arrays
    selection = crossfit.select(
        ["s", "x", "t"],
        {"s": PARAMS, "x": PARAMS, "t": PARAMS},
        X,
        t,
        y,
        folds=3,
        propensity=None,
        categorical=[],
        feature_names=names,
        seed=0,
        ensemble=True,
        core=("s", "x"),
        joining=("t",),
        shrinkage=1.0,
        resamples=0,
    )
    chosen = selection.chosen
    assert max(selection.candidates, key=lambda n: selection.candidates[n].qini) != "t"
    assert chosen.members == ("s", "x") and chosen.weights == {"s": 0.5, "x": 0.5}
    assert set(chosen.fold_models) == {"s", "x"}
    assert "stacked average of s, x (weights s 0.50, x 0.50; t joined and got no weight" in (
        selection.reason
    )


def test_full_shrinkage_gives_the_plain_average(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]],
) -> None:
    X, t, y, _, names = arrays
    selection = _select_s_and_t(
        X, t, y, names, ensemble=True, resamples=10, core=("s", "t"), shrinkage=1.0
    )
    s, t_ = selection.candidates["s"], selection.candidates["t"]
    assert selection.chosen.weights == pytest.approx({"s": 0.5, "t": 0.5})
    np.testing.assert_allclose(
        selection.chosen.oof.uplift, (s.oof.uplift + t_.oof.uplift) / 2, atol=1e-12
    )


def _candidate(name: str, qini: float) -> crossfit.Candidate:
    empty = crossfit.OutOfFold(np.zeros(3), np.zeros(3), np.zeros(3))
    return crossfit.Candidate(name, (name,), empty, qini, (qini, qini), 0.0)


@pytest.mark.parametrize(
    ("qinis", "members"),
    [
        ({"s": 0.30, "x": 0.28, "t": 0.20}, ("s", "x")),  # T not the best: core only
        ({"s": 0.30, "x": 0.28, "t": 0.35}, ("s", "x", "t")),  # T the best: it joins
        ({"s": 0.30, "x": -0.01, "t": 0.10}, ("s",)),  # X no better than chance: left out
        ({"s": -0.02, "x": -0.01, "t": -0.03}, ()),  # nothing ranks: no ensemble
    ],
)
def test_the_core_learners_and_the_best_one_make_the_ensemble(
    qinis: dict[str, float], members: tuple[str, ...]
) -> None:
    candidates = {n: _candidate(n, q) for n, q in qinis.items()}
    best = max(candidates.values(), key=lambda c: c.qini)
    assert crossfit.ensemble_members(candidates, best, ("s", "x")) == members


def test_without_ensemble_the_best_single_learner_is_chosen(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]],
) -> None:
    X, t, y, _, names = arrays
    selection = _select_s_and_t(
        X,
        t,
        y,
        names,
        ensemble=False,
        resamples=10,
    )
    best = max(("s", "t"), key=lambda n: selection.candidates[n].qini)
    assert selection.chosen.name == best
    assert crossfit.ENSEMBLE not in selection.candidates


def test_with_few_events_the_s_learner_is_served_alone(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]],
) -> None:
    X, t, y, _, names = arrays
    events = int(min(y[t == 1].sum(), y[t == 0].sum()))
    selection = _select_s_and_t(
        X,
        t,
        y,
        names,
        ensemble=True,
        resamples=10,
        min_events_per_arm=events + 1,
    )
    assert selection.chosen.name == "s"
    assert "few outcome events" in selection.reason
    assert set(selection.candidates) == {"s", "t"}  # both still judged and reported


def test_the_reason_says_why_the_average_is_served_below_a_learners_qini(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]],
) -> None:
    """When a single learner's cross-validated Qini beats the average's, the reason says so,
    why the average is served anyway, and how to serve that learner alone; not otherwise."""
    X, t, y, _, names = arrays
    selection = _select_s_and_t(X, t, y, names, ensemble=True, resamples=0, core=("s", "t"))
    chosen, s_learner = selection.chosen, selection.candidates["s"]
    below = dataclasses.replace(s_learner, qini=chosen.qini + 0.01)
    note = crossfit._below_best_note(chosen, below)
    assert note.startswith(f"; served though s's Qini is higher ({below.qini:.4f})")
    assert note.endswith("ensemble = false serves s alone")
    assert crossfit._below_best_note(chosen, dataclasses.replace(below, qini=chosen.qini)) == ""
    # The selection's own reason carries the note exactly when its numbers call for it.
    best = max(("s", "t"), key=lambda n: selection.candidates[n].qini)
    expected = crossfit._below_best_note(chosen, selection.candidates[best])
    assert selection.reason.endswith(expected) and ("served though" in selection.reason) == bool(
        expected
    )
