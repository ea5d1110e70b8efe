"""Scoring cost of registered models side by side: `models.scoring.score_frame` on 100,000
profiles and on one profile (no reasons), medians of repeated runs after a warm-up.

    uv run python benchmarks/served_cost.py --candidates sim/candidates.parquet \
        --model "refit=sqlite:////tmp/a/mlflow.db|models:/umkm-uplift/1" \
        --model "folds=sqlite:////tmp/b/mlflow.db|models:/umkm-uplift/1"

Each ``--model`` is ``label=TRACKING_URI|MODEL_URI``; the candidates are repeated up to
``--rows`` rows when the file is shorter. Used to price serving a large history's model as the
average of its fold models instead of one refit (docs/results-log.md, "2026-12-04 f").
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=Path, required=True)
    parser.add_argument("--model", action="append", required=True, help="LABEL=URI|MODEL_URI")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--single", type=int, default=300, help="One-profile calls to time.")
    args = parser.parse_args()

    import mlflow

    from data.io import read_table
    from models.pyfunc import load_uplift_model
    from models.scoring import score_frame

    candidates = read_table(args.candidates)
    copies = -(-args.rows // len(candidates))
    rows = pd.concat([candidates] * copies, ignore_index=True).head(args.rows)
    one = rows.head(1)
    print("| model | served as | 100,000 rows, median s (runs) | one profile, median ms |")
    print("|---|---|---|---|")
    for item in args.model:
        label, _, uris = item.partition("=")
        tracking_uri, _, model_uri = uris.partition("|")
        mlflow.set_tracking_uri(tracking_uri)
        model = load_uplift_model(model_uri)
        score_frame(model, rows.head(1_000))  # warm-up
        big = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            score_frame(model, rows)
            big.append(time.perf_counter() - started)
        small = []
        for _ in range(args.single):
            started = time.perf_counter()
            score_frame(model, one)
            small.append(time.perf_counter() - started)
        runs = ", ".join(f"{b:.2f}" for b in big)
        print(
            f"| {label} | {model.model_info.get('served_as')} | "
            f"{statistics.median(big):.2f} ({runs}) | {statistics.median(small) * 1000:.2f} |"
        )


if __name__ == "__main__":
    main()
