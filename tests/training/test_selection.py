"""Which learners join the stacking whatever their Qini (`training.selection.joining_learners`)."""

from __future__ import annotations

from training.config import TrainConfig
from training.selection import joining_learners


def test_by_default_only_t_joins_and_only_on_a_large_history() -> None:
    config = TrainConfig()

    assert joining_learners(config, large=False) == ()
    assert joining_learners(config, large=True) == ("t",)


def test_ensemble_joining_joins_at_every_size_and_each_learner_once() -> None:
    config = TrainConfig(learners=("s", "x", "t", "r"), ensemble_joining=("r", "t"))

    assert joining_learners(config, large=False) == ("r", "t")
    assert joining_learners(config, large=True) == ("r", "t")
