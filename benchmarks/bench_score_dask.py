"""Scoring a large file: `umkm score` in one process against `umkm score --dask`.

    uv run python benchmarks/bench_score_dask.py --rows 4000000 --repeats 3
    uv run python benchmarks/bench_score_dask.py --config training/configs/msme.toml

Simulates a history (20,000 rows) and trains a config (the fast one unless --config) into a
temporary SQLite MLflow store, simulates --rows candidate profiles as one Parquet file and as
--files Parquet files of the same rows, then per repeat scores them (validation against the
contract and loading the model included) in alternation:

* `score_file` (what `umkm score` runs): the whole file in one process;
* `score_dataset` (what `umkm score --dask` runs): partition by partition on Dask's local
  process scheduler with --workers processes.

Prints the medians as a Markdown table with wall time, rows per second and the peak resident
memory the run added to the process tree (this process and its children, sampled every 0.2 s,
minus what the tree held before the run).
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_service import REPO, build_model

from data.contract import DEFAULT_MODEL_URI
from data.simulate import simulate_to_dir
from models.pyfunc import load_uplift_model
from training.score import score_file
from training.score_dask import score_dataset


def tree_rss_bytes() -> int:
    """Resident memory of this process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            pages = int((entry / "statm").read_text().split()[1])
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = pages * page
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def measured(run: Callable[[], object]) -> tuple[float, int]:
    """Wall seconds of one run, and the peak memory it added to the process tree."""
    before = peak = tree_rss_bytes()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.2):
            peak = max(peak, tree_rss_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    run()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return elapsed, peak - before


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4_000_000, help="candidate profiles")
    parser.add_argument("--files", type=int, default=8, help="Parquet files for the Dask run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--config", type=Path, default=REPO / "training" / "configs" / "fast.toml")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="umkm-bench-dask-"))
    try:
        tracking_uri, _, learner = build_model(folder, 20_000, 1_000, args.config)
        model_uri = DEFAULT_MODEL_URI
        paths = simulate_to_dir(
            rows=1_000, seed=11, output=folder / "big", fmt="parquet", candidates=args.rows
        )
        single = paths["candidates"]
        parts = folder / "parts"
        parts.mkdir()
        frame = pd.read_parquet(single)
        for index, chunk in enumerate(
            frame.iloc[i : i + -(-len(frame) // args.files)]
            for i in range(0, len(frame), -(-len(frame) // args.files))
        ):
            chunk.to_parquet(parts / f"part-{index:03d}.parquet", index=False)
        del frame
        row_groups = pq.ParquetFile(single).metadata.num_row_groups
        print(f"{args.rows:,} candidates ready ({row_groups} row groups in one file)", flush=True)

        times: dict[str, list[tuple[float, int]]] = {"one process": [], "dask": []}

        def dask_run(output: Path) -> object:
            model = load_uplift_model(model_uri)
            return score_dataset(str(parts), output, model, workers=args.workers)

        for repeat in range(1, args.repeats + 1):
            out = folder / f"run-{repeat}"
            one = functools.partial(score_file, single, out / "scores.parquet", model_uri)
            times["one process"].append(measured(one))
            times["dask"].append(measured(functools.partial(dask_run, out / "dask")))
            shutil.rmtree(out)
            print(
                f"repeat {repeat}: " + ", ".join(f"{k} {v[-1][0]:.1f} s" for k, v in times.items()),
                flush=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _ = tracking_uri
    machine = f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    print()
    print(
        f"Model: {args.config.name}, learner {learner.upper()}. {args.rows:,} profiles. "
        f"Machine: {machine}. Median of {args.repeats}."
    )
    print()
    print("| How | Wall time | Profiles per second | Peak memory added (process tree) |")
    print("|---|---|---|---|")
    labels = {
        "one process": "`umkm score` (one process, whole file)",
        "dask": f"`umkm score --dask` ({args.files} files, {args.workers} local processes)",
    }
    for name, runs in times.items():
        seconds = statistics.median(run[0] for run in runs)
        peak = statistics.median(run[1] for run in runs)
        print(
            f"| {labels[name]} | {seconds:.1f} s | {args.rows / seconds:,.0f} "
            f"| {peak / 2**30:.1f} GiB |"
        )


if __name__ == "__main__":
    main()
