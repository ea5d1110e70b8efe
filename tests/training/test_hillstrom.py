"""The shipped Hillstrom config trains end to end (a sample of rows, two learners, tuned briefly)
and its model scores a raw Hillstrom file with row numbers (the table has no id column)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from mlflow import MlflowClient

from data.contract import SCORE_FIELDS
from tests.conftest import REPO_ROOT, SHARED_DATA, new_tracking_store, use_tracking_uri
from training.config import CONFIG_DIR, TrainConfig, load_config
from training.pipeline import train
from training.score import score_file

HILLSTROM = SHARED_DATA / "hillstrom.csv"
pytestmark = pytest.mark.skipif(
    not HILLSTROM.is_file(), reason=f"Hillstrom data not found at {HILLSTROM} (../shared/data)"
)


def test_hillstrom_trains_registers_and_scores(tmp_path: Path) -> None:
    config = load_config(CONFIG_DIR / "hillstrom.toml")
    # The shipped config reads ../shared/data beside the project; the test reads UMKM_SHARED_DATA's.
    beside = REPO_ROOT.parent / "shared" / "data" / "hillstrom.csv"
    assert config.data_path == beside.resolve()
    config = config.with_overrides(data_path=HILLSTROM)
    uri = new_tracking_store(tmp_path / "mlflow", config.experiment_name)
    with use_tracking_uri(uri):
        _train_and_score(config, tmp_path, uri)


def _train_and_score(config: TrainConfig, tmp_path: Path, uri: str) -> None:
    config = config.with_overrides(
        sample_rows=6000,
        learners=["t", "dr"],
        folds=3,
        tuning={"trials": 1, "timeout_seconds": 300},
        bootstrap_resamples=30,
        output_dir=tmp_path / "out",
    )
    result = train(config)

    mens = int((pd.read_csv(HILLSTROM, usecols=["segment"])["segment"] == "Mens E-Mail").sum())
    assert result.counts["rows_other_arm"] == mens
    assert result.counts["rows_used"] == 6000
    assert (result.model_name, result.version, result.promoted) == ("hillstrom-uplift", "1", True)
    learners = pd.read_csv(result.output_dir / "learners.csv")
    assert set(learners["candidate"]) >= {"t", "dr"}
    assert result.chosen_learner in ("t", "dr", "t+dr")
    # a randomised e-mail test: the treated visit more
    metrics = result.metrics
    assert metrics["test/observed_rate_treated"] > metrics["test/observed_rate_control"]
    assert "uplift_at_30pct_ci05" in result.metrics
    version = MlflowClient(uri).get_model_version("hillstrom-uplift", "1")
    assert version.tags["learner"] == result.chosen_learner
    # The stacked ensemble's weights are on the version, one per member ("s 0.620, x 0.380").
    members = result.chosen_learner.split("+")
    weights = version.tags["learner_weights"]
    if len(members) > 1:
        parts = dict(part.split(" ") for part in weights.split(", "))
        assert list(parts) == members
        assert sum(float(w) for w in parts.values()) == pytest.approx(1.0, abs=0.002)
    else:
        assert weights == "one learner"

    sample = pd.read_csv(HILLSTROM, dtype=str, nrows=12)
    source = tmp_path / "some_customers.csv"
    sample.to_csv(source, index=False)
    scored = score_file(source, tmp_path / "scores.csv", "models:/hillstrom-uplift@champion")
    scores = pd.read_csv(scored.output)
    assert list(scores.columns) == ["row_number", *SCORE_FIELDS]
    assert list(scores["row_number"]) == list(range(2, 14))
    assert scores["uplift"].notna().all()
