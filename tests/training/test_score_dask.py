"""`umkm score --dask`: a Parquet dataset scored partition by partition, on local processes and
on a Dask cluster, with the same scores as `umkm score` and every rejected row kept."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from data.contract import SCORE_FIELDS
from data.writing import write_table
from models.pyfunc import load_uplift_model
from tests.conftest import RegisteredModel, use_tracking_uri
from training.score_dask import DatasetScoringError, score_dataset
from umkm.cli import app

FILES = 3
ROWS_PER_FILE = 120
BROKEN = {5: ("owner_age", "abc"), 130: ("sector", "mining")}  # positions in the whole input
DIGITAL = (0, 250)


@pytest.fixture
def dataset(registered_model: RegisteredModel, tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """Three Parquet files of candidate profiles, as text (as a data export might hold them),
    with two broken and two already-digital rows; and the same rows as one frame."""
    frame = registered_model.candidates.head(FILES * ROWS_PER_FILE).reset_index(drop=True)
    frame = frame.astype(object).where(frame.notna(), None)
    for position in DIGITAL:
        frame.loc[position, "digital_status"] = "digital"
    for position, (column, value) in BROKEN.items():
        frame.loc[position, column] = value
    text = frame.map(
        lambda value: (
            None if value is None else str(value).lower() if value in (True, False) else str(value)
        )
    )
    folder = tmp_path / "profiles"
    folder.mkdir()
    for index in range(FILES):
        part = text.iloc[index * ROWS_PER_FILE : (index + 1) * ROWS_PER_FILE]
        part.to_parquet(folder / f"profiles-{index}.parquet", index=False)
    return folder, text


def _parts(output: Path) -> pd.DataFrame:
    return pd.concat(
        [pd.read_parquet(path) for path in sorted(output.glob("part-*.parquet"))],
        ignore_index=True,
    )


def test_dask_scores_equal_umkm_score_and_keep_every_rejected_row(
    registered_model: RegisteredModel, dataset: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    folder, frame = dataset
    whole = write_table(frame, tmp_path / "all.csv")
    runner = CliRunner()
    one = runner.invoke(app, ["score", "--data", str(whole), "--output", str(tmp_path / "s.csv")])
    assert one.exit_code == 0, one.output
    output = tmp_path / "scores"
    run = runner.invoke(
        app,
        ["score", "--data", str(folder), "--output", str(output), "--dask", "--workers", "2"],
    )
    assert run.exit_code == 0, run.output
    assert f"{FILES} partitions, 360 rows read: 358 scored" in run.output
    assert "(2 already digital: stimulus group), 2 rejected" in run.output

    expected = pd.read_csv(tmp_path / "s.csv", dtype={"msme_id": str})
    got = _parts(output)
    assert list(got.columns) == ["msme_id", *SCORE_FIELDS]
    assert got["msme_id"].tolist() == expected["msme_id"].tolist()  # input order
    for column in ("p_digital_if_mentored", "p_digital_if_not", "uplift"):
        np.testing.assert_allclose(got[column], expected[column], atol=1e-12, equal_nan=True)
    assert got["segment"].tolist() == expected["segment"].tolist()

    quarantine = pd.concat(
        [pd.read_csv(path) for path in sorted((output / "quarantine").glob("*.csv"))]
    )
    broken_ids = {str(frame.loc[position, "msme_id"]) for position in BROKEN}
    assert set(quarantine["msme_id"].astype(str)) == broken_ids
    assert sorted(quarantine["partition"]) == [0, 1]  # rows 5 and 130 of 3 x 120
    assert sorted(quarantine["row"]) == [7, 12]  # spreadsheet rows within the partition
    assert sorted(quarantine["file"]) == ["profiles-0.parquet", "profiles-1.parquet"]
    assert quarantine["reasons"].str.contains("owner_age").any()
    assert quarantine["reasons"].str.contains("sector").any()


def test_a_dask_cluster_runs_the_same_tasks(
    registered_model: RegisteredModel, dataset: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    """The distributed scheduler (an in-process cluster here; `--scheduler tcp://...` in use)."""
    from dask.distributed import LocalCluster

    folder, _ = dataset
    with use_tracking_uri(registered_model.tracking_uri):
        model = load_uplift_model(registered_model.model_uri)
    local = score_dataset(str(folder), tmp_path / "local", model, workers=1)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False) as cluster:  # type: ignore[no-untyped-call]
        remote = score_dataset(
            str(folder), tmp_path / "cluster", model, scheduler=cluster.scheduler_address
        )
    assert (remote.rows_read, remote.rows_scored, remote.rows_rejected) == (360, 358, 2)
    assert (local.partitions, local.quarantine_parts) == (remote.partitions, 2)
    pd.testing.assert_frame_equal(_parts(tmp_path / "cluster"), _parts(tmp_path / "local"))


def test_the_output_folder_and_parts_get_what_mkdir_and_open_give_not_0700(
    registered_model: RegisteredModel, dataset: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    """The staging folder renamed to the output was mkdtemp's 0o700: no colleague or service
    account could read the scores. Now 0o777 less the umask, or an empty folder's own."""
    folder, _ = dataset
    with use_tracking_uri(registered_model.tracking_uri):
        model = load_uplift_model(registered_model.model_uri)
    kept = tmp_path / "kept"
    kept.mkdir()
    kept.chmod(0o750)
    previous = os.umask(0o022)
    try:
        result = score_dataset(str(folder), tmp_path / "scores", model, workers=1)
        score_dataset(str(folder), kept, model, workers=1)
    finally:
        os.umask(previous)

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    written = [result.output, *sorted(result.output.rglob("*"))]
    assert len(written) == 1 + FILES + 1 + 2  # the folder, the parts, quarantine/ and its parts
    assert {path.name: mode(path) for path in written} == {
        path.name: 0o755 if path.is_dir() else 0o644 for path in written
    }
    assert mode(kept) == 0o750


def test_a_used_output_folder_and_an_unreadable_or_missing_dataset_are_refused(
    registered_model: RegisteredModel, dataset: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    folder, _ = dataset
    with use_tracking_uri(registered_model.tracking_uri):
        model = load_uplift_model(registered_model.model_uri)
    used = tmp_path / "used"
    used.mkdir()
    (used / "old.parquet").write_bytes(b"")
    with pytest.raises(DatasetScoringError, match="not empty"):
        score_dataset(str(folder), used, model)
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(DatasetScoringError, match=r"bad\.parquet: not a readable Parquet file"):
        score_dataset(str(tmp_path / "bad.parquet"), tmp_path / "out", model)
    with pytest.raises(DatasetScoringError, match="no Parquet files found"):
        score_dataset(str(tmp_path / "nowhere" / "*.parquet"), tmp_path / "out", model)


def test_a_failing_partition_leaves_no_output_folder_and_no_staging(
    registered_model: RegisteredModel, dataset: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    """The third file lacks a contract column: its task fails after the others wrote their
    parts, and neither the output folder nor the staging folder is left behind."""
    folder, frame = dataset
    broken = frame.iloc[:10].drop(columns=["sector"])
    broken.to_parquet(folder / "profiles-9.parquet", index=False)
    with use_tracking_uri(registered_model.tracking_uri):
        model = load_uplift_model(registered_model.model_uri)
    output = tmp_path / "results" / "scores"
    with pytest.raises(DatasetScoringError, match=r"profiles-9\.parquet.*sector"):
        score_dataset(str(folder), output, model, workers=1)
    assert not output.exists()
    assert list(output.parent.iterdir()) == []
    empty = tmp_path / "empty"
    empty.mkdir()
    (folder / "profiles-9.parquet").unlink()
    done = score_dataset(str(folder), empty, model, workers=1)  # an empty folder is taken
    assert done.rows_read == 360
    assert len(list(empty.glob("part-*.parquet"))) == FILES
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_glob_and_row_groups_make_the_partitions(
    registered_model: RegisteredModel, dataset: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    """One file of 360 rows in row groups of 50, 100 rows per partition: 4 partitions of two
    row groups (the last one of 60 rows), and the same scores as three files."""
    folder, frame = dataset
    single = tmp_path / "single"
    single.mkdir()
    frame.to_parquet(single / "all.parquet", index=False, row_group_size=50)
    with use_tracking_uri(registered_model.tracking_uri):
        model = load_uplift_model(registered_model.model_uri)
    one = score_dataset(
        str(single / "*.parquet"), tmp_path / "one", model, workers=1, rows_per_partition=100
    )
    three = score_dataset(str(folder), tmp_path / "three", model, workers=1)
    assert (one.partitions, three.partitions) == (4, FILES)
    pd.testing.assert_frame_equal(_parts(tmp_path / "one"), _parts(tmp_path / "three"))
