"""Simulator benchmark: oracle share per learner and reference, and training time.

Simulates a history of --rows rows (seed --seed), trains the MSME config (training/configs/
msme.toml unless --config) --repeat times, each into a fresh SQLite MLflow store under --workdir,
and prints Markdown tables: the share of the oracle's extra digitalizations captured at 5/10/20%
capacity (out-of-fold predictions, with 90% bootstrap intervals for the chosen model) per learner,
the chosen one and the references; then the training time per stage (median over repeats).

    uv run python benchmarks/train_simulator.py --rows 200000 --repeat 3
    uv run python benchmarks/train_simulator.py --rows 1000000 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from mlflow import MlflowClient

from data.simulate import simulate_to_dir
from training.config import CONFIG_DIR, load_config
from training.dataset import sha256_file
from training.evaluation import capacity_tag
from training.pipeline import TrainResult, train

CAPACITIES = (0.05, 0.1, 0.2)
ROWS = [
    ("learner_s/", "S-learner (out of fold)"),
    ("learner_t/", "T-learner (out of fold)"),
    ("learner_x/", "X-learner (out of fold)"),
    ("learner_dr/", "DR-learner (out of fold)"),
    ("learner_ensemble/", "ensemble (out of fold)"),
    ("", "chosen"),
    ("ref_random/", "random"),
    ("ref_response/", "response model p(y|treated)"),
]


def _cell(metrics: dict[str, float], key: str, interval: bool) -> str:
    value = metrics.get(key)
    if value is None:
        return "–"
    text = f"{value:.3f}"
    low, high = metrics.get(f"{key}_ci05"), metrics.get(f"{key}_ci95")
    if interval and low is not None and high is not None:
        text += f" [{low:.3f}, {high:.3f}]"
    return text


def quality_table(result: TrainResult) -> str:
    m = result.metrics
    header = (
        "| ranking | "
        + " | ".join(f"oracle share @{k:.0%}" for k in CAPACITIES)
        + " | Qini coefficient | Spearman with true uplift |"
    )
    lines = [header, "|---" * (len(CAPACITIES) + 3) + "|"]
    for prefix, label in ROWS:
        if f"{prefix}qini_coefficient" not in m:
            continue
        name = f"chosen: {result.chosen_learner.upper()}" if prefix == "" else label
        cells = [_cell(m, f"{prefix}oracle_share_{capacity_tag(k)}", True) for k in CAPACITIES]
        cells.append(_cell(m, f"{prefix}qini_coefficient", True))
        cells.append(_cell(m, f"{prefix}true_uplift_spearman", False))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def time_table(runs: list[TrainResult], wall: list[float]) -> str:
    stages = list(runs[0].timings)
    lines = ["| stage | median seconds | runs |", "|---|---|---|"]
    for stage in stages:
        values = [r.timings[stage] for r in runs]
        lines.append(
            f"| {stage} | {statistics.median(values):.1f} | "
            + ", ".join(f"{v:.1f}" for v in values)
            + " |"
        )
    lines.append(
        f"| wall clock (incl. imports of the run) | {statistics.median(wall):.1f} | "
        + ", ".join(f"{v:.1f}" for v in wall)
        + " |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--config", type=Path, default=CONFIG_DIR / "msme.toml")
    parser.add_argument("--trials", type=int, default=None, help="Override tuning trials.")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/umkm-bench"))
    parser.add_argument("--json", type=Path, default=None, help="Also write results here.")
    parser.add_argument("--fresh", action="store_true", help="Simulate again even if present.")
    args = parser.parse_args()

    sim = args.workdir / f"sim_{args.rows}_{args.seed}"
    if args.fresh or not (sim / "history.parquet").is_file():
        simulate_to_dir(rows=args.rows, seed=args.seed, output=sim, fmt="parquet")
    config = load_config(args.config)
    overrides: dict[str, object] = {"data_path": sim / "history.parquet"}
    if args.trials is not None:
        overrides["tuning"] = {**config.tuning.model_dump(), "trials": args.trials}
    runs: list[TrainResult] = []
    wall: list[float] = []
    for i in range(args.repeat):
        store = args.workdir / f"mlflow_{args.rows}_{int(time.time())}_{i}"
        store.mkdir(parents=True)
        os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{store / 'mlflow.db'}"
        MlflowClient().create_experiment(
            config.experiment_name, artifact_location=(store / "artifacts").as_uri()
        )
        run_config = config.with_overrides(**overrides, output_dir=store / "out")
        started = time.perf_counter()
        runs.append(train(run_config))
        wall.append(time.perf_counter() - started)
        print(
            f"run {i + 1}/{args.repeat}: {wall[-1]:.1f} s, chosen {runs[-1].chosen_learner}",
            flush=True,
        )

    first = runs[0]
    simulator = Path(simulate_to_dir.__code__.co_filename)
    print(
        f"\nprovenance: {simulator.name} sha256 {sha256_file(simulator)[:12]}, "
        f"history.parquet sha256 {sha256_file(sim / 'history.parquet')[:12]}"
    )
    print(
        f"\n### Simulator, {args.rows:,} history rows (seed {args.seed}), config "
        f"{args.config.name}: out-of-fold predictions\n"
    )
    print(
        f"rows used: {first.counts['rows_used']:,} (already digital excluded: "
        f"{first.counts['rows_already_digital']:,})\n"
    )
    print(quality_table(first))
    print(f"\n### Training time, {args.rows:,} rows, {args.repeat} run(s)\n")
    print(time_table(runs, wall))
    identical = all(r.metrics == first.metrics for r in runs[1:])
    if len(runs) > 1:
        print(f"\nmetrics identical across repeats: {identical}")
    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "rows": args.rows,
                    "seed": args.seed,
                    "wall": wall,
                    "timings": [r.timings for r in runs],
                    "metrics": first.metrics,
                    "chosen": first.chosen_learner,
                    "counts": first.counts,
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
