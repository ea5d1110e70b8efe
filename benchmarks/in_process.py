"""The service in process for a benchmark: a registered model behind `create_app`, a SQLite
program store in a temporary folder, Starlette's TestClient (no network), and the candidates
file repeated to the rows asked for."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

BENCH_KEY = "bench-key-0123456789abcdef"


def list_arguments(description: str, *, rows: int, capacity: int) -> argparse.Namespace:
    """The options every list benchmark takes: the model, the candidates file, how many
    candidates and slots, and how many repeats."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--model", required=True, help="TRACKING_URI|MODEL_URI")
    parser.add_argument("--candidates", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=rows)
    parser.add_argument("--capacity", type=int, default=capacity)
    parser.add_argument("--repeats", type=int, default=3)
    return parser.parse_args()


def repeated_candidates(path: Path, rows: int, prefix: str) -> pd.DataFrame:
    """The file's candidates repeated up to `rows`, each with its own id (`prefix` + number)."""
    from data.io import read_table

    candidates = read_table(path)
    copies = -(-rows // len(candidates))
    frame = pd.concat([candidates] * copies, ignore_index=True).head(rows)
    frame["msme_id"] = [f"{prefix}{i:08d}" for i in range(len(frame))]
    return frame


@contextmanager
def ready_service(model: str) -> Iterator[tuple[Any, Any]]:
    """(TestClient, app) serving `model` (`TRACKING_URI|MODEL_URI`) once it has loaded, with
    `BENCH_KEY` as its API key and a program store of its own, removed afterwards."""
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.settings import Settings

    tracking_uri, model_uri = model.split("|", 1)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,
            model_uri=model_uri,
            tracking_uri=tracking_uri,
            api_keys=(BENCH_KEY,),
            model_poll_seconds=0,
            worker_sync_seconds=0,
            database_url=f"sqlite:///{folder}/umkm.db",
        )
        app = create_app(settings)
        with TestClient(app) as client:
            deadline = time.monotonic() + 600
            while client.get("/readyz").status_code != 200:  # the model loads in the background
                if time.monotonic() > deadline:
                    raise SystemExit("the model did not load in 10 minutes")
                time.sleep(0.5)
            yield client, app


def print_timings(what: str, repeats: int, timings: dict[str, list[float]], column: str) -> None:
    """`what` was measured, on which machine, then a Markdown table of medians, minima and
    maxima in seconds, one row per entry of `timings`."""
    print(
        f"{what}; {repeats} repeats; {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}"
    )
    print(f"| {column} | median s | min s | max s |")
    print("|---|---|---|---|")
    for name, values in timings.items():
        print(
            f"| {name} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} |"
        )
