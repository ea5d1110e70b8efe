"""`umkm score --dask`: profiles by the tens of millions, partition by partition on Dask.

One machine's `umkm score` reads the whole file into memory. Past that, the profiles come as a
Parquet dataset (a file, a folder or a glob), cut into partitions of consecutive row groups
(about `rows_per_partition` rows; `data.parquet_reading.parquet_pieces`), and every partition is
one Dask task that reads its own rows, validates them against the profile contract
(`data.validation.validate_frame`), scores the valid ones (`models.scoring.score_frame`, the
function behind every other scoring path) and writes one part file. Only counts travel back, not
rows. Rejected rows go to a quarantine part beside it with their reasons, and every task returns
its counts, so nothing is dropped unseen.

Tasks run on this machine's cores (Dask's process scheduler) or on a Dask cluster given by its
scheduler address (`dask.distributed`). The model is loaded once here and shipped to the
workers with the tasks; they need this project installed, as any worker running its code does.

Output, in a folder that appears complete or not at all (the parts are written to a hidden
staging folder beside it, `.NAME.partial-*`, renamed once every task succeeded, removed when one
fails): `part-00000.parquet`, ... in input order (msme_id then the four score
fields), and `quarantine/part-00000.csv`, ... for partitions with rejected rows (their "row" is
the spreadsheet-style row within the partition, 2 for its first row; `partition` and `file`
name it).
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from data.contract import ID_COLUMN, SCORE_FIELDS
from data.io import DataFileError
from data.parquet_reading import parquet_pieces, read_parquet_row_groups
from data.segments import STIMULUS_GROUP
from data.validation import validate_frame, write_quarantine
from data.writing import keep_mode, plain_temporary, write_table
from models.scoring import score_frame
from models.uplift_model import UpliftModel
from training.errors import TrainingError

PART_NAME = "part-{:05d}"
QUARANTINE_FOLDER = "quarantine"


@dataclass(frozen=True)
class PartCounts:
    """What one partition's task did."""

    partition: int
    rows_read: int
    rows_scored: int
    rows_rejected: int
    rows_stimulus_group: int


@dataclass(frozen=True)
class DatasetScoreResult:
    """What `score_dataset` wrote and counted, over all partitions."""

    output: Path
    partitions: int
    rows_read: int
    rows_scored: int
    rows_rejected: int
    rows_stimulus_group: int
    quarantine_parts: int


class DatasetScoringError(TrainingError, ValueError):
    """A dataset that cannot be scored; the message says which and why."""


def score_partition(
    piece: tuple[Path, tuple[int, ...]], model: UpliftModel, output: Path, partition: int
) -> PartCounts:
    """Read, validate, score and write one partition (a Dask task; plain pandas inside)."""
    path, row_groups = piece
    try:
        raw = read_parquet_row_groups(path, row_groups)
    except DataFileError as error:
        raise DatasetScoringError(str(error)) from error
    result = validate_frame(raw, "profile", extra_columns="ignore")
    listed = result.file_problems()
    if listed is not None:
        raise DatasetScoringError(f"{path}: does not follow the profile contract: {listed}")
    valid = result.valid.reset_index(drop=True)
    scores = score_frame(model, valid) if len(valid) else pd.DataFrame(columns=SCORE_FIELDS)
    out = pd.concat([valid[[ID_COLUMN]].astype(str), scores.reset_index(drop=True)], axis=1)
    write_table(out[[ID_COLUMN, *SCORE_FIELDS]], output / f"{PART_NAME.format(partition)}.parquet")
    if result.n_rejected:
        rejected = result.rejected.copy()
        rejected.insert(0, "file", path.name)
        rejected.insert(0, "partition", partition)
        write_quarantine(
            dataclasses.replace(result, rejected=rejected),
            output / QUARANTINE_FOLDER / f"{PART_NAME.format(partition)}.csv",
        )
    return PartCounts(
        partition=partition,
        rows_read=result.n_rows,
        rows_scored=len(out),
        rows_rejected=result.n_rejected,
        rows_stimulus_group=int((out["segment"] == STIMULUS_GROUP).sum()),
    )


def score_dataset(
    data: str,
    output: Path,
    model: UpliftModel,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    rows_per_partition: int = 250_000,
) -> DatasetScoreResult:
    """Score a Parquet dataset partition by partition; see the module docstring.

    ``scheduler``: a Dask scheduler address (``tcp://host:8786``) to run on a cluster; None runs
    the tasks in ``workers`` local processes (default: one per core).
    """
    from dask.base import compute
    from dask.delayed import delayed

    files = parquet_files(data)
    if output.exists() and any(output.iterdir()):
        raise DatasetScoringError(f"{output}: the output folder is not empty")
    try:
        pieces = [piece for path in files for piece in parquet_pieces(path, rows_per_partition)]
    except DataFileError as error:
        raise DatasetScoringError(str(error)) from error
    output.parent.mkdir(parents=True, exist_ok=True)
    # Parts are written to a hidden staging folder beside the output, renamed to the output once
    # every task has succeeded: the folder appears complete or not at all, with the permissions
    # `mkdir` would give it (an empty output folder's own, else 0o777 less the umask).
    staging = plain_temporary(output.parent, f".{output.name}.partial-", directory=True)
    model_task = delayed(model, pure=True)
    tasks = [
        delayed(score_partition, pure=False)(piece, model_task, staging, index)
        for index, piece in enumerate(pieces)
    ]
    try:
        with _scheduler(scheduler, workers) as options:
            counts: tuple[PartCounts, ...] = compute(*tasks, **options)  # type: ignore[no-untyped-call]
        keep_mode(output, staging)
        if output.exists():
            output.rmdir()  # empty: checked above
        staging.replace(output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return DatasetScoreResult(
        output=output,
        partitions=len(counts),
        rows_read=sum(c.rows_read for c in counts),
        rows_scored=sum(c.rows_scored for c in counts),
        rows_rejected=sum(c.rows_rejected for c in counts),
        rows_stimulus_group=sum(c.rows_stimulus_group for c in counts),
        quarantine_parts=sum(1 for c in counts if c.rows_rejected),
    )


def parquet_files(data: str) -> list[Path]:
    """The Parquet files of a file, a folder (its *.parquet) or a glob, sorted by name."""
    path = Path(data)
    if path.is_dir():
        files = sorted(path.glob("*.parquet"))
    elif path.is_file():
        files = [path]
    else:
        files = sorted(path.parent.glob(path.name))  # a pattern in the last part: data/*.parquet
    if not files:
        raise DatasetScoringError(f"{data}: no Parquet files found")
    return files


@contextmanager
def _scheduler(address: str | None, workers: int | None) -> Iterator[dict[str, Any]]:
    """`dask.compute` options: a cluster's client, or local processes."""
    if address is None:
        yield {"scheduler": "processes", "num_workers": workers}
        return
    from dask.distributed import Client

    with Client(address) as client:  # type: ignore[no-untyped-call]
        yield {"scheduler": client}
