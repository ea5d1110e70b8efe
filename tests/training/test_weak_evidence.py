"""A tiny history with a handful of successes trains, but says plainly that its ranking is not
better than chance: in the CLI output, the registry tags and the model (which the service reads
for `/v1/model` and the list summary: tests/service/test_model.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from mlflow import MlflowClient
from typer.testing import CliRunner

from data.io import read_table, write_table
from data.simulate import simulate_to_dir
from models.pyfunc import load_uplift_model
from tests.conftest import FAST_CONFIG, new_tracking_store, use_tracking_uri
from umkm.cli import app


def test_few_successes_give_a_clear_warning_not_a_confident_list(tmp_path: Path) -> None:
    paths = simulate_to_dir(rows=3000, seed=11, output=tmp_path / "sim")
    history = read_table(paths["history"])
    # Keep only a handful of successes among the mentored.
    mentored_successes = np.flatnonzero(
        history["mentored"].astype(bool) & history["digitalized"].astype(bool)
    )
    history.loc[mentored_successes[6:], "digitalized"] = False
    source = write_table(history, tmp_path / "history.csv")
    uri = new_tracking_store(tmp_path / "mlflow")
    with use_tracking_uri(uri):
        invoked = CliRunner().invoke(
            app,
            [
                "train",
                "--data",
                str(source),
                "--config",
                str(FAST_CONFIG),
                "--output-dir",
                str(tmp_path / "out"),
                "--quiet",
            ],
            catch_exceptions=False,
        )
        assert invoked.exit_code == 0, invoked.output
        output = " ".join(invoked.output.split())
        assert "weak evidence" in output.lower()
        assert "few outcome events: 6 among mentored" in output
        assert "WEAK EVIDENCE" in output
        version = MlflowClient().get_model_version("umkm-uplift", "1")
        assert version.tags["weak_evidence"] == "true"
        assert version.tags["promotion"].startswith("candidate only: weak evidence")
        model = load_uplift_model("models:/umkm-uplift/1")
        assert model.model_info["evidence"]["weak"] is True
        assert model.model_info["evidence"]["events_treated"] == 6
