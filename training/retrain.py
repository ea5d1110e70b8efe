"""`retrain(config) -> RetrainResult`: the program store's outcomes in, a new champion (or not) out.

Export the store's history (`umkm export-history`: recorded chances of selection included, which
`training.propensity` uses in place of the estimate), train it like any history
(`training.pipeline.train`: register a candidate, run the promotion gate, move `champion` when it
passes). A running service picks up a new champion on its next alias check
(`UMKM_MODEL_POLL_SECONDS`, `service.model_store.ModelStore.keep_loaded`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from training.config import TrainConfig
from training.dataset import TrainingDataError
from training.events import OnEvent
from training.pipeline import TrainResult, train


@dataclass(frozen=True)
class RetrainResult:
    """The exported history and the training run on it."""

    history_path: Path
    history_rows: int
    trained: TrainResult


def retrain(
    config: TrainConfig,
    *,
    since: dt.date | None = None,
    database_url: str | None = None,
    history_path: Path | None = None,
    on_event: OnEvent | None = None,
    config_path: Path | None = None,
) -> RetrainResult:
    """Export the store's history (to `history_path`, default a dated file in the output
    folder) and train on it in an MLflow run named `retrain`; `TrainingDataError` when the store
    has no outcomes."""
    from data.store.cli import write_history

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = history_path or Path(config.output_dir) / f"history-{stamp}.parquet"
    rows = write_history(path, since, database_url).rows
    if rows == 0:
        raise TrainingDataError(
            "no outcomes recorded in the program store"
            + (f" for lists since {since:%Y-%m-%d}" if since else "")
            + ": nothing to retrain on"
        )
    trained = train(
        config.with_overrides(data_path=path),
        on_event=on_event,
        config_path=config_path,
        run_name="retrain",
    )
    return RetrainResult(history_path=path, history_rows=rows, trained=trained)
