"""The loop from the program store back to a champion: export-history, recorded chances of
selection in training, and `retrain` through the promotion gate (real SQLite store, real MLflow
store in a temporary folder, real small LightGBM)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from data.contract import PROFILE_COLUMNS
from data.io import read_table
from data.store.export import SELECTION_PROBABILITY_COLUMN
from data.store.records import ListedMsmeIn, OutcomeIn
from tests.conftest import (
    FAST_CONFIG,
    FIXTURE_HISTORY_ROWS,
    FIXTURE_SEED,
    new_tracking_store,
    simulate_small,
    use_tracking_uri,
)

ROWS = FIXTURE_HISTORY_ROWS  # the session model's size and seed: enough events to pass the gate
# Selection by a fair coin with this chance, as an exploration-only list would record it.
CHANCE = 0.3


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A program store holding one list of simulated MSMEs, each selected (and mentored) as in
    the simulated history, with outcomes for all of them."""
    from data.store.migrate import upgrade
    from data.store.repository import ProgramStore

    root = tmp_path_factory.mktemp("retrain")
    history = read_table(
        simulate_small(root / "simulation", rows=ROWS, seed=FIXTURE_SEED)["history"]
    )
    url = f"sqlite:///{root / 'umkm.db'}"
    upgrade(url)
    store = ProgramStore.from_url(url)
    names = [spec.name for spec in PROFILE_COLUMNS]
    members = [
        ListedMsmeIn(
            msme_id=row["msme_id"],
            profile={name: _plain(row[name]) for name in names},
            selected=bool(row["mentored"]),
            selected_by="exploration" if row["mentored"] else None,
            selection_probability=CHANCE,
        )
        for row in history.to_dict("records")
    ]
    list_id = store.record_list(
        created_by="test", model_name="none", model_version=None, members=members
    )
    store.record_outcomes(
        OutcomeIn(list_id, row["msme_id"], bool(row["mentored"]), bool(row["digitalized"]))
        for row in history.to_dict("records")
    )
    store.close()
    return url


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def test_export_history_writes_a_file_that_trains_with_the_recorded_chances(
    store_url: str, tmp_path: Path
) -> None:
    from training.config import load_config
    from training.events import RecordedPropensities, TrainEvent
    from training.pipeline import train
    from umkm.cli import app

    output = tmp_path / "history.parquet"
    result = CliRunner().invoke(
        app, ["export-history", "--output", str(output), "--url", store_url]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(output)
    exported = read_table(output)
    assert len(exported) == ROWS
    assert (exported[SELECTION_PROBABILITY_COLUMN] == CHANCE).all()
    assert not list(tmp_path.glob(".*.partial"))  # written atomically: no leftovers

    events: list[TrainEvent] = []
    with use_tracking_uri(new_tracking_store(tmp_path / "mlflow")):
        config = load_config(FAST_CONFIG).with_overrides(
            data_path=output, output_dir=tmp_path / "out"
        )
        trained = train(config, on_event=events.append)
    used = trained.counts["rows_used"]
    recorded = [event for event in events if isinstance(event, RecordedPropensities)]
    assert len(recorded) == 1
    assert recorded[0].rows == recorded[0].of_rows == used
    assert recorded[0].selection_differs == 0  # selected exactly when mentored
    assert trained.metrics["propensity/rows_recorded"] == used
    # Every propensity is the recorded 0.3: nothing outside the overlap band.
    assert trained.metrics["overlap/share_outside"] == 0.0


def test_export_history_refuses_an_empty_store(tmp_path: Path) -> None:
    from data.store.migrate import upgrade
    from umkm.cli import app

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)
    output = tmp_path / "history.csv"
    result = CliRunner().invoke(app, ["export-history", "--output", str(output), "--url", url])
    assert result.exit_code == 1
    assert "no outcomes recorded" in result.stderr
    assert not output.exists()


def test_retrain_promotes_a_candidate_that_passes_the_gate(store_url: str, tmp_path: Path) -> None:
    from mlflow import MlflowClient

    from data.contract import CHAMPION
    from training.config import load_config
    from training.retrain import retrain

    tracking = new_tracking_store(tmp_path / "mlflow")
    with use_tracking_uri(tracking):
        config = load_config(FAST_CONFIG).with_overrides(output_dir=tmp_path / "out")
        result = retrain(config, database_url=store_url)
    assert result.history_rows == ROWS and result.history_path.is_file()
    trained = result.trained
    assert trained.promoted, trained.promotion_note
    champion = MlflowClient(tracking).get_model_version_by_alias(trained.model_name, CHAMPION)
    assert str(champion.version) == trained.version
    run = MlflowClient(tracking).get_run(trained.run_id)
    assert run.info.run_name == "retrain"  # not "train": the runs list tells them apart
    assert run.data.params["data.path"] == str(result.history_path)


def test_retrain_names_a_store_that_is_not_there_and_creates_nothing(tmp_path: Path) -> None:
    from umkm.cli import app

    missing = tmp_path / "nonexistent.db"
    result = CliRunner().invoke(
        app,
        ["retrain", "--url", f"sqlite:///{missing}", "--output-dir", str(tmp_path / "out")],
    )
    assert result.exit_code == 2, result.output
    assert f"no program store at {missing}; check --url / UMKM_DATABASE_URL" in " ".join(
        result.stderr.split()
    )
    assert not missing.exists()
