"""The learners made of other learners: the weighted ensemble (shared outcome models, weights,
nesting) and the distilled copy; and models pickled when both lived in `models.learners`."""

from __future__ import annotations

import pickle
import pickletools
import subprocess
import sys
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pytest

from models.boosting import STUDENT_MAX_DEPTH, STUDENT_ROUNDS
from models.combined_learners import DistilledLearner, EnsembleLearner
from models.learner_base import UpliftLearner
from models.learners import make_learner
from tests.models.conftest import explained_like_predicted


def test_ensemble_weights_are_checked_and_normalised(fitted: dict[str, UpliftLearner]) -> None:
    members = [fitted["s"], fitted["x"]]
    assert EnsembleLearner(members, [3.0, 1.0]).weights == (0.75, 0.25)
    for bad in ([1.0], [-1.0, 2.0], [0.0, 0.0]):
        with pytest.raises(ValueError, match="ensemble weights"):
            EnsembleLearner(members, bad)


def test_an_ensemble_pickled_before_weights_existed_loads_with_equal_weights(
    arrays: dict[str, np.ndarray], fitted: dict[str, UpliftLearner]
) -> None:
    X = arrays["X"][6000:6050]
    ensemble = EnsembleLearner([fitted["s"], fitted["x"]], [0.9, 0.1])
    older = pickle.loads(pickle.dumps(ensemble))
    del older.__dict__["weights"]  # what a model saved before weights holds
    expected = (fitted["s"].predict_uplift(X) + fitted["x"].predict_uplift(X)) / 2
    np.testing.assert_allclose(older.predict_uplift(X), expected, atol=1e-12)
    weighted = 0.9 * fitted["s"].predict_uplift(X) + 0.1 * fitted["x"].predict_uplift(X)
    np.testing.assert_allclose(ensemble.predict_uplift(X), weighted, atol=1e-12)


def test_members_with_the_same_outcome_model_share_it_and_predict_as_before(
    arrays: dict[str, np.ndarray], fitted: dict[str, UpliftLearner]
) -> None:
    """S's pooled model and X's grow the same trees (same rows, same settings, only the seed
    differs): the ensemble keeps one, scored once per pass, and predicts as the members do."""
    s, x = fitted["s"], fitted["x"]
    assert s.outcome.same_as(x.outcome) and s.outcome is not x.outcome  # type: ignore[attr-defined]
    ensemble = EnsembleLearner([s, x], [0.6, 0.4])

    shared_s, shared_x = ensemble.members
    assert shared_s.outcome is shared_x.outcome  # type: ignore[attr-defined]
    assert x.outcome is not s.outcome  # type: ignore[attr-defined]  # the caller's learner as it was
    X = arrays["X"][6000:6400]
    alone = [s.predict_matrix(X), x.predict_matrix(X)]
    together = ensemble.predict_matrix(X)
    for field in ("uplift", "p1", "p0"):
        expected = 0.6 * getattr(alone[0], field) + 0.4 * getattr(alone[1], field)
        np.testing.assert_allclose(getattr(together, field), expected, atol=1e-12)
    explained, attribution = ensemble.explain_matrix(X[:20])
    np.testing.assert_allclose(explained.p0, together.p0[:20], atol=1e-12)
    np.testing.assert_allclose(
        attribution.contributions.sum(axis=1) + attribution.base, explained.uplift, atol=1e-12
    )
    # Saved once: the pickle holds one copy of the shared model.
    copied = pickle.loads(pickle.dumps(ensemble))
    assert copied.members[0].outcome is copied.members[1].outcome  # type: ignore[attr-defined]
    unshared = pickle.dumps((s, x))
    assert len(pickle.dumps(ensemble)) < 0.9 * len(unshared)


def test_nested_ensembles_of_fold_models_share_outcome_models_across_members(
    arrays: dict[str, np.ndarray], fitted: dict[str, UpliftLearner]
) -> None:
    """S and X served as averages of fold models: fold k's S and fold k's X grew the same
    outcome trees, so the stacked ensemble of the two averages keeps one of each pair."""
    X, t, y = arrays["X"], arrays["t"], arrays["y"]
    other = {name: make_learner(name, seed=1).fit(X[:4000], t[:4000], y[:4000]) for name in "sx"}
    s_bag = EnsembleLearner([fitted["s"], other["s"]])
    x_bag = EnsembleLearner([fitted["x"], other["x"]])
    stacked = EnsembleLearner([s_bag, x_bag], [0.7, 0.3])
    (s_first, s_second), (x_first, x_second) = (m.members for m in stacked.members)  # type: ignore[attr-defined]
    assert s_first.outcome is x_first.outcome and s_second.outcome is x_second.outcome  # type: ignore[attr-defined]
    assert s_first.outcome is not s_second.outcome  # type: ignore[attr-defined]
    assert x_bag.members[0].outcome is fitted["x"].outcome  # type: ignore[attr-defined]  # callers' as they were
    rows = X[6000:6300]
    expected = 0.7 * s_bag.predict_uplift(rows) + 0.3 * x_bag.predict_uplift(rows)
    np.testing.assert_allclose(stacked.predict_uplift(rows), expected, atol=1e-12)
    np.testing.assert_allclose(
        s_bag.predict_uplift(rows),
        (fitted["s"].predict_uplift(rows) + other["s"].predict_uplift(rows)) / 2,
        atol=1e-12,
    )
    copied = pickle.loads(pickle.dumps(stacked))
    assert copied.members[0].members[1].outcome is copied.members[1].members[1].outcome  # type: ignore[attr-defined]
    np.testing.assert_allclose(copied.predict_uplift(rows), expected, atol=1e-12)


def test_outcome_models_with_other_trees_are_not_the_same(
    arrays: dict[str, np.ndarray], fitted: dict[str, UpliftLearner]
) -> None:
    other = make_learner("s", seed=3).fit(
        arrays["X"][:3000], arrays["t"][:3000], arrays["y"][:3000]
    )
    s, t = fitted["s"], fitted["t"]
    assert not s.outcome.same_as(other.outcome)  # type: ignore[attr-defined]
    assert not s.outcome.same_as(t.outcome)  # type: ignore[attr-defined]  # pooled vs one per arm
    ensemble = EnsembleLearner([s, other])
    assert ensemble.members[0].outcome is not ensemble.members[1].outcome  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def distilled(arrays: dict[str, np.ndarray], fitted: dict[str, UpliftLearner]) -> UpliftLearner:
    """A copy of the session's fitted ensemble of S and X, fit on the teacher's own rows."""
    teacher = EnsembleLearner([fitted["s"], fitted["x"]], weights=[0.6, 0.4])
    return DistilledLearner(teacher, seed=3).fit(
        arrays["X"][:6000],
        arrays["t"][:6000],
        arrays["y"][:6000],
        categorical=teacher.categorical,
        feature_names=teacher.feature_names,
    )


def test_a_distilled_copy_follows_its_teacher_on_new_rows(
    arrays: dict[str, np.ndarray], fitted: dict[str, UpliftLearner], distilled: UpliftLearner
) -> None:
    teacher = EnsembleLearner([fitted["s"], fitted["x"]], weights=[0.6, 0.4])
    X = arrays["X"][6000:]
    ours, theirs = distilled.predict_matrix(X), teacher.predict_matrix(X)
    assert np.corrcoef(ours.uplift, theirs.uplift)[0, 1] > 0.95
    # The chance without mentoring (about 5% here) within 1.5 points of the teacher's on
    # average: copied from 6,000 rows it is the looser part (1.06 points when written).
    assert np.abs(ours.p0 - theirs.p0).mean() < 0.015
    assert np.corrcoef(ours.p0, theirs.p0)[0, 1] > 0.9
    # Its fidelity, measured on the rows it copied, is recorded (and high there).
    assert isinstance(distilled, DistilledLearner)
    fidelity = distilled.fidelity
    assert set(fidelity) == {"uplift_correlation", "p_digital_if_not_correlation", "top_10pct_kept"}
    assert fidelity["uplift_correlation"] > 0.98
    assert 0.8 < fidelity["top_10pct_kept"] <= 1.0
    # The teacher is not carried into the served model.
    assert distilled.teacher is None
    assert distilled.teacher_label == "s+x"


def _depth(node: dict[str, Any]) -> int:
    if "leaf_index" in node:
        return 0
    return 1 + max(_depth(node["left_child"]), _depth(node["right_child"]))


def test_a_distilled_copy_keeps_its_trees_shallow(distilled: UpliftLearner) -> None:
    """TreeSHAP, most of a single score's time, grows with the square of a tree's depth."""
    assert isinstance(distilled, DistilledLearner)
    for booster in (distilled.uplift_model, distilled.control_model):
        assert isinstance(booster, lgb.Booster)
        depths = [_depth(tree["tree_structure"]) for tree in booster.dump_model()["tree_info"]]
        assert len(depths) == STUDENT_ROUNDS
        assert max(depths) <= STUDENT_MAX_DEPTH
        assert max(depths) == STUDENT_MAX_DEPTH  # the limit binds: the trees would grow deeper


def test_a_distilled_copy_is_consistent_and_pickles(
    arrays: dict[str, np.ndarray], distilled: UpliftLearner
) -> None:
    X = arrays["X"][6000:6300]
    attribution, separate = explained_like_predicted(distilled, X)
    np.testing.assert_allclose(
        attribution.contributions.sum(axis=1) + attribution.base, separate.uplift, atol=1e-9
    )
    inside = (separate.p0 + separate.uplift > 0) & (separate.p0 + separate.uplift < 1)
    np.testing.assert_allclose((separate.p1 - separate.p0)[inside], separate.uplift[inside])
    clone = pickle.loads(pickle.dumps(distilled))
    np.testing.assert_array_equal(clone.predict_uplift(X), distilled.predict_uplift(X))


def test_a_distilled_copy_needs_a_fitted_teacher(arrays: dict[str, np.ndarray]) -> None:
    with pytest.raises(ValueError, match="fitted teacher"):
        DistilledLearner(make_learner("s")).fit(
            arrays["X"][:500], arrays["t"][:500], arrays["y"][:500]
        )


def _as_pickled_before_the_move(learner: UpliftLearner) -> bytes:
    """``learner`` pickled as a model registered before `models.combined_learners` existed: its
    class named `models.learners.<name>`. Protocol 2 writes a class as a text line
    (``GLOBAL 'module name'``), so the old path can stand in for the new one."""
    name = type(learner).__name__
    data = pickle.dumps(learner, protocol=2)
    new, old = (
        f"c{module}\n{name}\n".encode()
        for module in ("models.combined_learners", "models.learners")
    )
    assert data.count(new) == 1
    before = data.replace(new, old)
    globals_ = [arg for op, arg, _ in pickletools.genops(before) if op.name == "GLOBAL"]
    assert f"models.learners {name}" in globals_
    assert not any(str(g).startswith("models.combined_learners ") for g in globals_)
    return before


def test_models_pickled_when_both_lived_in_learners_still_load(
    arrays: dict[str, np.ndarray], fitted: dict[str, UpliftLearner], distilled: UpliftLearner
) -> None:
    """Served models are pickled by class path: an ensemble or distilled copy registered before
    the move names `models.learners.EnsembleLearner` / `DistilledLearner`, which must resolve."""
    rows = arrays["X"][6000:6200]
    ensemble = EnsembleLearner([fitted["s"], fitted["x"]], [0.6, 0.4])
    for learner in (ensemble, distilled):
        loaded = pickle.loads(_as_pickled_before_the_move(learner))
        assert type(loaded) is type(learner)
        np.testing.assert_array_equal(loaded.predict_uplift(rows), learner.predict_uplift(rows))
        np.testing.assert_array_equal(
            loaded.uplift_contributions(rows), learner.uplift_contributions(rows)
        )


def test_learners_names_the_moved_classes_without_importing_them_at_import_time() -> None:
    """`models.learners` resolves the moved names on lookup only: importing it does not import
    `models.combined_learners` (which builds on `models.learner_base`: arrows one way)."""
    code = (
        "import sys, models.learners as m\n"
        "assert 'models.combined_learners' not in sys.modules\n"
        "from models.combined_learners import DistilledLearner, EnsembleLearner\n"
        "assert m.EnsembleLearner is EnsembleLearner and m.DistilledLearner is DistilledLearner\n"
        "assert not hasattr(m, 'NoSuchLearner')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])
