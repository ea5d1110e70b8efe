"""The evidence check's numbers: the average effect of mentoring and the propensity it is
weighted by (`training.evidence`, `training.propensity.for_effect_check`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from data.io import read_table
from data.simulate import simulate_to_dir
from data.writing import write_table
from training import propensity as propensity_stage
from training.config import TrainConfig
from training.evidence import AverageEffect, Evidence, assess_evidence, average_effect
from training.prepare import Prepared, prepare


def _trial(n: int, effect: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Confounded assignment (the chance of being mentored rises with x), known propensity."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    e = 1 / (1 + np.exp(-(-1.5 + 1.2 * x)))
    t = (rng.random(n) < e).astype(np.float64)
    p0 = 0.03 + 0.10 / (1 + np.exp(-2 * x))  # the mentored would have gone digital more anyway
    y = (rng.random(n) < p0 + effect * t).astype(np.float64)
    return t, y, e


def test_the_weighted_effect_removes_the_confounding_the_plain_difference_keeps() -> None:
    t, y, e = _trial(40_000, 0.03, seed=1)
    plain = y[t == 1].mean() - y[t == 0].mean()
    effect = average_effect(t, y, e)
    # The mentored were likelier to go digital anyway: the plain difference is far above 0.03.
    assert plain > 0.05
    assert effect.low < 0.03 < effect.high < plain
    assert effect.low > 0


def _with_a_good_qini(t: np.ndarray, y: np.ndarray, effect: AverageEffect) -> Evidence:
    """The evidence of a ranking whose Qini interval clears zero, events aplenty: only the
    average effect can make it weak."""
    return assess_evidence(
        t, y, qini=0.08, qini_interval=(0.01, 0.15), min_events_per_arm=1, effect=effect
    )


def test_without_an_effect_the_interval_reaches_zero_and_the_evidence_is_weak() -> None:
    covered = 0
    for seed in range(20):
        t, y, e = _trial(20_000, 0.0, seed=seed)
        effect = average_effect(t, y, e)
        covered += effect.low <= 0 <= effect.high
    assert covered >= 16  # a 90% interval: about 18 of 20
    t, y, e = _trial(20_000, 0.0, seed=0)
    evidence = _with_a_good_qini(t, y, average_effect(t, y, e))
    assert evidence.weak
    assert any("does not show that mentoring raises" in reason for reason in evidence.reasons)


def test_an_effect_without_an_estimate_is_weak_evidence() -> None:
    t, y, _ = _trial(5_000, 0.05, seed=3)
    nan = float("nan")
    assert _with_a_good_qini(t, y, AverageEffect(nan, nan, nan)).weak


def _prepared(history_path: Path, folder: Path) -> tuple[TrainConfig, Prepared]:
    config = TrainConfig()
    return config, prepare(config, history_path, folder, lambda event: None)


@pytest.fixture(scope="module")
def shuffled_history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A simulated history, and the same with its offline MSMEs' mentored flags shuffled: no
    effect of mentoring at all, and mentoring independent of every profile column."""
    root = tmp_path_factory.mktemp("evidence")
    paths = simulate_to_dir(rows=20_000, seed=21, output=root / "sim")
    history = read_table(paths["history"])
    offline = np.flatnonzero((history["digital_status"] == "offline").to_numpy())
    flags = history["mentored"].to_numpy().copy()
    flags[offline] = np.random.default_rng(5).permutation(flags[offline])
    shuffled = history.assign(mentored=flags)
    return paths["history"], write_table(shuffled, root / "shuffled.parquet")


def test_the_checks_propensity_of_a_randomised_history_stays_near_the_share_mentored(
    shuffled_history: tuple[Path, Path], tmp_path: Path
) -> None:
    _, shuffled = shuffled_history
    config, prepared = _prepared(shuffled, tmp_path)
    share = prepared.cv_rows.t.mean()
    check = propensity_stage.for_effect_check(config, prepared)
    # Mentoring is independent of every column: the check's model stops before it learns the
    # chance patterns the learners' fixed rounds pick up (0.03-0.46 around 0.15 on such a file).
    assert np.abs(check - share).max() < 0.10
    effect = average_effect(prepared.cv_rows.t, prepared.cv_rows.y, check)
    assert effect.low <= 0 <= effect.high


def test_the_checks_propensity_finds_the_effect_of_a_simulated_history(
    shuffled_history: tuple[Path, Path], tmp_path: Path
) -> None:
    history, _ = shuffled_history
    config, prepared = _prepared(history, tmp_path)
    cv = prepared.cv_rows
    effect = average_effect(cv.t, cv.y, propensity_stage.for_effect_check(config, prepared))
    plain = cv.y[cv.t == 1].mean() - cv.y[cv.t == 0].mean()
    assert effect.low > 0
    assert effect.estimate < plain  # the simulator's mentors pick likelier adopters
