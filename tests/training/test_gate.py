"""Leakage check, evidence, interrupted runs and a tie at the gate (the promotion gate's other
rules are exercised end to end in test_pipeline.py and test_weak_evidence.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient

from tests.conftest import FAST_CONFIG, RegisteredModel, new_tracking_store, use_tracking_uri
from training.config import load_config
from training.dataset import TrainingDataError
from training.evidence import assess_evidence, check_leakage
from training.pipeline import train
from training.tracking import HOST_TAG, PID_TAG, process_tags, recover_interrupted_runs


def _data(n: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    y = (rng.random(n) < 0.1).astype(float)
    return X, y


def test_honest_features_pass() -> None:
    X, y = _data()
    check_leakage(X, y, ["a", "b", "c"])


def test_a_copy_of_the_outcome_is_refused_by_name() -> None:
    X, y = _data()
    X[:, 1] = y
    with pytest.raises(TrainingDataError, match="column b: identical to the outcome"):
        check_leakage(X, y, ["a", "b", "c"])


def test_a_continuous_proxy_of_the_outcome_is_refused_by_name() -> None:
    X, y = _data()
    X[:, 2] = y * 10 + np.random.default_rng(1).normal(scale=0.1, size=len(y))
    with pytest.raises(TrainingDataError, match="column c: alone it ranks the outcomes with AUC"):
        check_leakage(X, y, ["a", "b", "c"])


def test_a_category_that_determines_the_outcome_is_refused() -> None:
    X, y = _data()
    X[:, 0] = np.where(y == 1, 3.0, np.random.default_rng(2).integers(0, 3, len(y)))
    with pytest.raises(TrainingDataError, match="column a: its values alone separate"):
        check_leakage(X, y, ["a", "b", "c"])


def test_evidence_is_weak_with_few_events_or_an_interval_through_zero() -> None:
    t = np.array([1.0] * 100 + [0.0] * 900)
    y = np.zeros(1000)
    y[:3] = 1  # 3 mentored successes
    y[100:190] = 1
    weak = assess_evidence(t, y, qini=0.2, qini_interval=(0.1, 0.3), min_events_per_arm=50)
    assert weak.weak and weak.events_treated == 3 and "few outcome events" in weak.reasons[0]
    through_zero = assess_evidence(
        t,
        np.r_[np.ones(60), np.zeros(40), y[100:]],
        qini=0.02,
        qini_interval=(-0.01, 0.05),
        min_events_per_arm=50,
    )
    assert through_zero.weak and "includes zero" in through_zero.reasons[0]
    strong = assess_evidence(
        t,
        np.r_[np.ones(60), np.zeros(40), y[100:]],
        qini=0.2,
        qini_interval=(0.1, 0.3),
        min_events_per_arm=50,
    )
    assert not strong.weak and strong.reasons == ()


def test_a_run_killed_mid_training_is_marked_failed_and_its_version_tagged(
    tmp_path: Path,
) -> None:
    uri = new_tracking_store(tmp_path / "mlflow", "gate")
    with use_tracking_uri(uri):
        client = MlflowClient()
        experiment = client.get_experiment_by_name("gate")
        assert experiment is not None
        # A process that started a run, registered a version, then died without ending it.
        dead = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        )
        run = client.create_run(experiment.experiment_id)
        client.set_tag(run.info.run_id, HOST_TAG, process_tags()[HOST_TAG])
        client.set_tag(run.info.run_id, PID_TAG, dead.stdout.strip())
        client.create_registered_model("gate-model")
        client.create_model_version("gate-model", "file:///nowhere", run_id=run.info.run_id)
        # A run of this (live) process stays RUNNING.
        live = client.create_run(experiment.experiment_id)
        for key, value in process_tags().items():
            client.set_tag(live.info.run_id, key, value)

        marked = recover_interrupted_runs(experiment.experiment_id, "gate-model")

        assert marked == [run.info.run_id]
        assert client.get_run(run.info.run_id).info.status == "FAILED"
        assert client.get_run(live.info.run_id).info.status == "RUNNING"
        tags = client.get_model_version("gate-model", "1").tags
        assert tags["promotion"].startswith("incomplete")
        mlflow.end_run()


def test_a_retrain_that_reproduces_the_champion_keeps_it(
    registered_model: RegisteredModel, tmp_path: Path
) -> None:
    """The same file, config and seed give the same cross-validated Qini: a tie, and a tie
    keeps the champion (the recorded score has six decimals, the new one all of them)."""
    with use_tracking_uri(new_tracking_store(tmp_path / "mlflow")):
        config = load_config(FAST_CONFIG).with_overrides(
            data_path=registered_model.history_path, output_dir=tmp_path / "out"
        )
        first, second = train(config), train(config)
        champion = MlflowClient().get_model_version_by_alias(first.model_name, "champion")
    assert first.promoted and first.promotion_note.startswith("champion: the first version")
    assert second.metrics["qini_coefficient"] == first.metrics["qini_coefficient"]
    assert not second.promoted
    assert second.promotion_note.startswith(f"candidate only: champion v{first.version} stays")
    low, high = second.metrics["qini_coefficient_ci05"], second.metrics["qini_coefficient_ci95"]
    assert second.promotion_note.endswith(
        f"cross-validated on the same history; difference +0.0000, the candidate's 90% "
        f"interval [{low:.4f}, {high:.4f}]: within noise)"
    ), second.promotion_note
    assert str(champion.version) == str(first.version)


def test_against_a_champion_of_another_history_the_note_weighs_the_difference(
    registered_model: RegisteredModel, tmp_path: Path
) -> None:
    """A champion trained on another file is scored on this history's rows beside the
    candidate's out-of-fold scores: the note and the metrics give the paired interval of the
    difference, and say whether it is within noise."""
    from data.io import read_table
    from data.simulate import simulate
    from data.writing import write_table

    history = read_table(registered_model.history_path)
    fresh = simulate(rows=len(history), seed=4242).history
    fresh["msme_id"] = "NEW-" + fresh["msme_id"].astype(str)  # other MSMEs than the champion's
    kept = history.iloc[: len(history) // 4]  # a quarter of the champion's own rows
    later = write_table(
        pd.concat([kept, fresh], ignore_index=True), tmp_path / "history_later.parquet"
    )
    with use_tracking_uri(new_tracking_store(tmp_path / "mlflow")):
        config = load_config(FAST_CONFIG).with_overrides(
            data_path=registered_model.history_path, output_dir=tmp_path / "out"
        )
        first = train(config)
        second = train(config.with_overrides(data_path=later, output_dir=tmp_path / "out2"))
        # A history of the champion's rows alone leaves nothing new to score it on.
        again = write_table(
            history.iloc[: len(history) * 4 // 5], tmp_path / "history_again.parquet"
        )
        third = train(config.with_overrides(data_path=again, output_dir=tmp_path / "out3"))
    # The champion is scored only on the rows it did not learn from, and so is the candidate.
    new_rows = int((read_table(later)["digital_status"] == "offline").sum()) - int(
        (kept["digital_status"] == "offline").sum()
    )
    learnt = int((kept["digital_status"] == "offline").sum())
    assert f"the {new_rows:,} it did not learn from ({learnt:,} were its training rows)" in (
        second.promotion_note
    ), second.promotion_note
    assert (
        second.metrics["champion/candidate_qini_coefficient"] != second.metrics["qini_coefficient"]
    )
    assert "cross-validated, each on its own history" in third.promotion_note, third.promotion_note
    assert "were its training rows, and the 0 others hold too few outcome events" in (
        third.promotion_note
    )
    assert "champion/qini_coefficient_difference" not in third.metrics
    difference = second.metrics["champion/qini_coefficient_difference"]
    low = second.metrics["champion/qini_coefficient_difference_low"]
    high = second.metrics["champion/qini_coefficient_difference_high"]
    assert low <= difference <= high and low < high
    candidate, champion = (
        second.metrics["champion/candidate_qini_coefficient"],
        second.metrics["champion/qini_coefficient"],
    )
    assert difference == pytest.approx(candidate - champion, abs=1e-9)
    verdict = "within noise" if low <= 0 <= high else "beyond noise"
    assert f"paired difference {difference:+.4f}" in second.promotion_note
    assert second.promotion_note.endswith(f"{high:+.4f}: {verdict})"), second.promotion_note
    assert first.promoted
