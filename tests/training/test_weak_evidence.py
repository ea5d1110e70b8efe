"""A tiny history with a handful of successes trains, but says plainly that its ranking is not
better than chance: in the CLI output, the registry tags and the model (which the service reads
for `/v1/model` and the list summary: tests/service/test_model.py); and every score file and
list made with it from the command line says so too."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient
from typer.testing import CliRunner, Result

from data.io import read_table
from data.messages import LANGUAGES, Language, render
from data.simulate import simulate_to_dir
from data.writing import write_table
from models.pyfunc import load_uplift_model
from tests.conftest import FAST_CONFIG, new_tracking_store, use_tracking_uri
from umkm.cli import app

MODEL_URI = "models:/umkm-uplift/1"
# The service's words for a list of a weak model (data.messages `weak_evidence`), 6 successes
# among the mentored as the history below keeps.
WARNING = {
    "en": "warning: This model was trained on weak evidence: its ranking is not shown to be "
    "better than chance (6 outcome events among mentored and ",
    "id": "peringatan: Model ini dilatih dengan bukti yang lemah: urutannya belum terbukti lebih "
    "baik daripada acak (6 kejadian hasil di antara UMKM yang didampingi dan ",
}


@dataclass(frozen=True)
class WeakModel:
    tracking_uri: str
    train_output: str  # what `umkm train` printed
    candidates: Path


@pytest.fixture(scope="module")
def weak_model(tmp_path_factory: pytest.TempPathFactory) -> WeakModel:
    root = tmp_path_factory.mktemp("weak")
    paths = simulate_to_dir(rows=3000, seed=11, output=root / "sim")
    history = read_table(paths["history"])
    # Keep only a handful of successes among the mentored.
    mentored_successes = np.flatnonzero(
        history["mentored"].astype(bool) & history["digitalized"].astype(bool)
    )
    history.loc[mentored_successes[6:], "digitalized"] = False
    source = write_table(history, root / "history.csv")
    uri = new_tracking_store(root / "mlflow")
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
                str(root / "out"),
                "--quiet",
            ],
            catch_exceptions=False,
        )
    assert invoked.exit_code == 0, invoked.output
    return WeakModel(uri, invoked.output, paths["candidates"])


def test_few_successes_give_a_clear_warning_not_a_confident_list(weak_model: WeakModel) -> None:
    output = " ".join(weak_model.train_output.split())
    assert "weak evidence" in output.lower()
    assert "few outcome events: 6 among mentored" in output
    assert "WEAK EVIDENCE" in output
    with use_tracking_uri(weak_model.tracking_uri):
        version = MlflowClient().get_model_version("umkm-uplift", "1")
        assert version.tags["weak_evidence"] == "true"
        assert version.tags["promotion"].startswith("candidate only: weak evidence")
        model = load_uplift_model(MODEL_URI)
    assert model.model_info["evidence"]["weak"] is True
    assert model.model_info["evidence"]["events_treated"] == 6


def _umkm(weak_model: WeakModel, *args: str) -> Result:
    """`umkm ARGS` with the weak model's tracking store."""
    with use_tracking_uri(weak_model.tracking_uri):
        return CliRunner().invoke(app, [*args, "--data", str(weak_model.candidates)])


def test_scores_of_a_weak_model_carry_the_services_warning(
    weak_model: WeakModel, tmp_path: Path
) -> None:
    output = tmp_path / "scores.csv"
    invoked = _umkm(weak_model, "score", "--output", str(output), "--model", MODEL_URI)
    assert invoked.exit_code == 0, invoked.output
    said = " ".join(invoked.stderr.split())
    assert said.startswith(WARNING["en"]), said
    assert said.endswith("allocate at random until the history is larger.")
    assert "weak evidence" not in invoked.stdout  # stdout stays the data
    assert len(pd.read_csv(output)) > 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_list_of_a_weak_model_carries_the_services_warning_on_screen_and_in_its_summary(
    weak_model: WeakModel, tmp_path: Path, lang: Language
) -> None:
    output = tmp_path / "list.xlsx"
    invoked = _umkm(
        weak_model, "prioritize", "--capacity", "100", "--output", str(output),
        "--model", MODEL_URI, "--lang", lang,
    )  # fmt: skip
    assert invoked.exit_code == 0, invoked.output
    said = " ".join(invoked.stderr.split())
    assert WARNING[lang] in said, said
    summary = pd.read_excel(output, sheet_name="summary")
    labels, values = summary.iloc[:, 0].tolist(), summary.iloc[:, 1].astype(str).tolist()
    label = render("summary_evidence", {}, lang)
    assert label in labels
    warning = values[labels.index(label)]
    assert warning.startswith(WARNING[lang].partition(": ")[2])
    # beside the gains it qualifies
    assert labels[labels.index(label) - 1] == render("summary_random_gain", {}, lang)
