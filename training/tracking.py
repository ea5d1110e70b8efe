"""The run's record in MLflow: its context (config and the config file's path, data fingerprint
and sha256, commit, library versions, the working folder; every path absolute), its numbers and
files at the end, the one-line `error` of a run that failed, and runs a killed process left
behind.

Runs killed mid-training are marked failed on the next start and their registered versions
tagged (`recover_interrupted_runs`), so none is mistaken for a finished one.
"""

from __future__ import annotations

import json
import math
import os
import platform
import socket
import subprocess
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import mlflow
from mlflow.entities import RunStatus

from training.config import TrainConfig
from training.crossfit import SELECTION_METRIC

LIBRARIES = ("numpy", "pandas", "scikit-learn", "lightgbm", "mlflow", "optuna", "pydantic")


def git_commit() -> tuple[str | None, bool]:
    """The repository's HEAD commit and whether the tree has changes; (None, False) outside git."""
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607 - git from PATH on purpose
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain"],  # noqa: S607
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None, False
    return commit or None, bool(status.strip())


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries a model depends on."""
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _flat_params(config: TrainConfig) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in config.model_dump(mode="json").items():
        if isinstance(value, dict):
            for sub, item in value.items():
                values[f"{key}.{sub}"] = json.dumps(item) if not isinstance(item, str) else item
        elif key == "features":
            values[key] = "msme contract" if value is None else ",".join(f["name"] for f in value)
        else:
            values[key] = value if isinstance(value, str) else json.dumps(value)
    return values


def _absolute(path: Path | str) -> str:
    """A path as recorded: absolute, so the run says which file whatever folder it ran in."""
    return str(Path(path).resolve())


def recorded_config(config: TrainConfig) -> TrainConfig:
    """The config as a run records it: its files and output folder as absolute paths (a
    relative `sim/history.parquet` means nothing without the folder the run started in)."""
    return config.with_overrides(
        data_path=None if config.data_path is None else _absolute(config.data_path),
        truth_path=None if config.truth_path is None else _absolute(config.truth_path),
        output_dir=_absolute(config.output_dir),
    )


def log_run_context(
    config: TrainConfig,
    fp: Mapping[str, Any],
    *,
    config_path: Path | None = None,
    truth_source: str = "none",
) -> str | None:
    """Params (config with the truth file as used, the config file's path, data fingerprint with
    the history's sha256, every path absolute, and the working folder), tags (git, library
    versions); returns the commit."""
    commit, dirty = git_commit()
    config = recorded_config(config)
    fp = {**fp, "path": _absolute(fp["path"])} if "path" in fp else fp
    mlflow.log_params(_flat_params(config))
    mlflow.log_params(
        {
            "config_path": "none" if config_path is None else _absolute(config_path),
            "truth_source": truth_source,
            "working_dir": _absolute(Path.cwd()),
        }
    )
    mlflow.log_params({f"data.{k}": v for k, v in fp.items()})
    mlflow.log_params(
        {
            "selection_metric": f"{SELECTION_METRIC}, out-of-fold ({config.folds} folds; "
            f"fewer above {config.large_history_rows} rows, at least {config.min_folds})"
        }
    )
    mlflow.set_tags(
        {
            "umkm.kind": "training",
            "git_commit": commit or "unknown (not a git checkout)",
            "git_dirty": str(dirty).lower(),
            "data_sha256": fp["sha256"],
            **{f"version.{k}": v for k, v in library_versions().items()},
        }
    )
    mlflow.log_dict(config.model_dump(mode="json"), "config.json")
    mlflow.log_dict(dict(fp), "data_fingerprint.json")
    return commit


# Longest `error` tag kept on a failed run (MLflow allows 8,000 characters; one line is enough).
ERROR_TAG_CHARS = 500


def error_tag(error: BaseException) -> str:
    """A failed run's `error` tag: the exception's type and the first line of its message, with
    any URL's credentials masked (`scheme://user:***@`, `scheme://***@` for a token:
    `models.model_lookup.masked_uri`) and the tracking store's password masked wherever it
    appears, at most `ERROR_TAG_CHARS` long."""
    from models.model_lookup import masked_uri

    text = str(error).strip()
    first = text.splitlines()[0] if text else ""
    known = (mlflow.get_tracking_uri(), mlflow.get_registry_uri())
    line = f"{type(error).__name__}: {masked_uri(first, known)}" if first else type(error).__name__
    return line if len(line) <= ERROR_TAG_CHARS else line[: ERROR_TAG_CHARS - 1] + "…"


def log_results(out: Path, metrics: Mapping[str, float], timings: Mapping[str, float]) -> None:
    """The run's finite metrics, its stage timings (`time/...`) and the files in `out`."""
    mlflow.log_metrics(
        {k: float(v) for k, v in metrics.items() if v is not None and math.isfinite(v)}
    )
    mlflow.log_metrics({f"time/{stage}": seconds for stage, seconds in timings.items()})
    mlflow.log_artifacts(str(out), artifact_path="evaluation")


# ----------------------------------------------------------------------------- interrupted runs

HOST_TAG = "umkm.host"
PID_TAG = "umkm.pid"


def process_tags() -> dict[str, str]:
    """Tags that let a later run tell whether this run's process is still alive."""
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid())}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_interrupted_runs(experiment_id: str, model_name: str) -> list[str]:
    """Mark this host's training runs left RUNNING by a dead process as FAILED, and tag the
    versions they registered; returns the run ids marked."""
    client = mlflow.MlflowClient()
    host = socket.gethostname()
    marked: list[str] = []
    runs = client.search_runs(
        [experiment_id], filter_string="attributes.status = 'RUNNING'", max_results=200
    )
    for run in runs:
        tags: Mapping[str, str] = run.data.tags
        pid = tags.get(PID_TAG)
        if tags.get(HOST_TAG) != host or pid is None or not pid.isdigit() or _alive(int(pid)):
            continue
        client.set_terminated(run.info.run_id, status=RunStatus.to_string(RunStatus.FAILED))
        client.set_tag(run.info.run_id, "umkm.interrupted", "process ended before the run did")
        marked.append(run.info.run_id)
        for found in client.search_model_versions(f"run_id = '{run.info.run_id}'"):
            if found.name == model_name and "promotion" not in (found.tags or {}):
                client.set_model_version_tag(
                    model_name,
                    found.version,
                    "promotion",
                    "incomplete: the training run was interrupted before the gate; never promoted",
                )
    return marked
