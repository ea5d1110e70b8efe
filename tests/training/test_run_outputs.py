"""A training run's files appear complete under their names or not at all.

Each plot, table and the report is written to a temporary name and renamed
(`data.writing.atomic_write`); the run's folder is built under a hidden name and renamed to
`<output_dir>/<run id>` only once the run is logged (`training.pipeline`). Each test makes a
writer stop half-way, as a killed process would, and looks at what is left.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import mlflow
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from data.io import read_table
from data.writing import write_table
from tests.conftest import FAST_CONFIG, RegisteredModel, new_tracking_store, use_tracking_uri
from training import pipeline, plots
from training.artifacts import write_artifacts, write_csv
from training.config import TrainConfig, load_config
from training.events import RowsRejected, TrainEvent
from training.report import write_report

PARTIAL = b"half a file"


class KilledError(Exception):
    """The process stopping while a file is being written."""


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def _curves() -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200).astype(float)
    t = rng.integers(0, 2, 200).astype(float)
    return y, t, rng.random(200)


def test_a_plot_stopped_while_drawing_leaves_no_file_under_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed_while_saving(self: Figure, fname: Any, *args: Any, **kwargs: Any) -> None:
        Path(fname).write_bytes(PARTIAL)
        raise KilledError

    monkeypatch.setattr(Figure, "savefig", killed_while_saving)
    _, t, scores = _curves()
    with pytest.raises(KilledError):
        plots.overlap_plot(scores, t, tmp_path / "propensity_overlap.png")
    assert _names(tmp_path) == []  # neither the PNG nor its temporary


def test_a_plot_is_a_png_under_its_name_with_nothing_beside_it(tmp_path: Path) -> None:
    """The temporary's name ends in `.partial`: the format comes from the final name."""
    y, t, scores = _curves()
    path = plots.curves_plot(y, t, {"chosen": scores}, tmp_path / "qini_curve.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _names(tmp_path) == ["qini_curve.png"]


def _evaluation_inputs() -> tuple[Any, Any, Any, np.ndarray[Any, Any]]:
    """What `write_artifacts` reads of a run's stages, on random rows."""
    y, t, scores = _curves()
    calibration = pd.DataFrame(
        {
            "arm": ["treated", "treated", "control", "control"],
            "predicted": [0.1, 0.3, 0.1, 0.2],
            "observed": [0.12, 0.28, 0.09, 0.22],
        }
    )
    groups = {"island_group": pd.DataFrame({"group": ["Jawa"], "value": ["Jawa"], "rows": [200]})}
    prepared = SimpleNamespace(cv_rows=SimpleNamespace(y=y, t=t))
    evaluation = SimpleNamespace(
        rankings={"chosen": scores, "ref_response": scores[::-1].copy()},
        calibration=calibration,
        groups=groups,
    )
    candidate = SimpleNamespace(
        name="s", members=("s",), qini=0.1, qini_interval=(0.0, 0.2), seconds=1.0, params={}
    )
    selection = SimpleNamespace(chosen=candidate, candidates={"s": candidate})
    return prepared, evaluation, selection, scores


def test_a_table_stopped_half_way_leaves_no_file_under_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The learners' table is the last file of the stage: the others are whole, it is absent."""
    to_csv = pd.DataFrame.to_csv

    def killed_on_learners(self: pd.DataFrame, path: Any = None, **kwargs: Any) -> Any:
        if "learners" in Path(path).name:
            Path(path).write_bytes(PARTIAL)
            raise KilledError
        return to_csv(self, path, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", killed_on_learners)
    prepared, evaluation, selection, propensity = _evaluation_inputs()
    with pytest.raises(KilledError):
        write_artifacts(tmp_path, prepared, evaluation, selection=selection, propensity=propensity)
    assert _names(tmp_path) == [
        "by_island_group.csv",
        "calibration.csv",
        "calibration.png",
        "propensity_overlap.png",
        "qini_curve.png",
        "uplift_curve.png",
    ]
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "calibration.csv"), evaluation.calibration)


def test_a_report_stopped_half_way_leaves_no_file_under_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed_while_writing(self: Path, data: str, *args: Any, **kwargs: Any) -> int:
        with self.open("w", encoding="utf-8") as handle:
            handle.write(data[: len(data) // 2])
        raise KilledError

    _, evaluation, selection, _ = _evaluation_inputs()
    selection.folds, selection.reason = 5, "the only candidate"
    fingerprint = {
        "path": "history.csv",
        "sha256": "0" * 64,
        "rows_read": 200,
        "rows_rejected": 0,
        "rows_used": 200,
        "treated_rows": 100,
        "control_rows": 100,
        "outcome_rate_treated": 0.3,
        "outcome_rate_control": 0.2,
    }
    evidence: Any = SimpleNamespace(reasons=(), events_treated=30, events_control=20)
    monkeypatch.setattr(Path, "write_text", killed_while_writing)
    with pytest.raises(KilledError):
        write_report(
            tmp_path / "report.md",
            config=TrainConfig(),
            fingerprint=fingerprint,
            notes=[],
            selection=selection,
            metrics={},
            groups=evaluation.groups,
            version="1",
            promotion="champion",
            truth_known=False,
            overlap_warning=None,
            evidence=evidence,
            cv_rows=200,
            served_as="the fold models' average",
        )
    assert _names(tmp_path) == []


def test_a_run_that_fails_leaves_no_folder_under_its_id(
    registered_model: RegisteredModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run stopped after its rejected rows were written: nothing under `<output_dir>/<run
    id>` (a folder there is a finished run's); its files stay under a hidden `.partial` name,
    where the warning of the rejected rows said they are."""
    history = read_table(registered_model.history_path).astype({"owner_age": object})
    history.loc[3, "owner_age"] = "130"
    corrupted = write_table(history, tmp_path / "history.csv")

    def killed(*args: Any, **kwargs: Any) -> Any:
        raise KilledError("stopped while cross-fitting the propensity model")

    monkeypatch.setattr("training.propensity.estimate", killed)
    output_dir = tmp_path / "out"
    config = load_config(FAST_CONFIG).with_overrides(data_path=corrupted, output_dir=output_dir)
    events: list[TrainEvent] = []
    with use_tracking_uri(new_tracking_store(tmp_path / "mlflow")):
        with pytest.raises(KilledError):
            pipeline.train(config, on_event=events.append)
        runs = mlflow.search_runs(experiment_names=[config.experiment_name], output_format="list")
    assert [run.info.status for run in runs] == ["FAILED"]
    run_id = runs[0].info.run_id
    assert not (output_dir / run_id).exists()
    [staging] = output_dir.iterdir()
    assert staging.name.startswith(f".{run_id}.") and staging.name.endswith(".partial")
    assert _names(staging) == ["quarantine.csv"]
    [rejected] = [event for event in events if isinstance(event, RowsRejected)]
    assert rejected.quarantine_path == staging / "quarantine.csv"


def test_an_evaluation_table_with_a_formula_like_group_is_written_as_text(tmp_path: Path) -> None:
    """A group's values come from the history (`group_columns`): one starting with `=` is
    written after a `'`, as every CSV the project writes."""
    table = pd.DataFrame({"zip_code": ['=HYPERLINK("http://x")', "Urban"], "qini": [0.1, -0.2]})

    written = write_csv(table, tmp_path / "by_zip_code.csv")

    text = written.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert "-0.2" in text  # numbers stay numbers
