"""Benchmark of `allocation.allocate` on 100,000 scored candidates.

    uv run python benchmarks/bench_prioritize.py
    uv run python benchmarks/bench_prioritize.py --candidates 1000000 --repeats 3

Candidates: the simulator's offline profiles (data.simulate) with their true probabilities as
scores; 13% are then marked already digital with no scores, as the scoring step leaves them.
Per-MSME cost (assumption, for the budget runs only): 1.0 × an island factor (Jawa 1.0,
Sumatera 1.2, Bali-Nusa Tenggara 1.3, Kalimantan and Sulawesi 1.4, Maluku-Papua 2.0) × 1.3 when
rural × lognormal noise (sigma 0.1).

Scenarios, capacity 3,000 by default:
- capacity only (greedy);
- province quotas: each province gets ceil(1.25 × capacity × its share of the scored candidates)
  slots, the issue's case (goal: under 3 s);
- quotas + minimum shares (women-owned 50%, rural 50%, Maluku-Papua 2%);
- budget only: 90% of what the plain uplift ranking would cost;
- quotas + minimum shares + that budget.

Each scenario runs once to warm up, then `--repeats` times; the table shows the median, min and
max wall-clock seconds of `allocate` (input frame in, result frames out). HTTP time is measured
by benchmarks/bench_service.py.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy

from allocation import AllocationRequest, MinShare, allocate
from data.reference import island_group_by_province
from data.segments import ALREADY_DIGITAL, STIMULUS_GROUP
from data.simulate import simulate

ISLAND_COST = {
    "Jawa": 1.0,
    "Sumatera": 1.2,
    "Bali-Nusa Tenggara": 1.3,
    "Kalimantan": 1.4,
    "Sulawesi": 1.4,
    "Maluku-Papua": 2.0,
}
DIGITAL_SHARE = 0.13


@dataclass(frozen=True)
class Row:
    scenario: str
    median_s: float
    min_s: float
    max_s: float
    method: str
    filled: int
    total_gain: float
    random_gain: float
    gap: float
    binding: int


def candidates(n: int, seed: int) -> pd.DataFrame:
    """Scored candidates: simulated profiles, true probabilities, 13% already digital."""
    sim = simulate(rows=1000, seed=seed, candidates=n)
    frame = sim.candidates.merge(
        sim.truth[["msme_id", "p_digital_if_mentored", "p_digital_if_not", "true_segment"]],
        on="msme_id",
    ).rename(columns={"true_segment": "segment"})
    frame["uplift"] = frame["p_digital_if_mentored"] - frame["p_digital_if_not"]
    rng = np.random.default_rng(seed)
    digital = rng.random(len(frame)) < DIGITAL_SHARE
    frame.loc[digital, "digital_status"] = ALREADY_DIGITAL
    frame.loc[digital, ["p_digital_if_mentored", "p_digital_if_not", "uplift"]] = np.nan
    frame.loc[digital, "segment"] = STIMULUS_GROUP
    island = frame["province_code"].map(island_group_by_province())
    rural = np.where(frame["area_type"] == "rural", 1.3, 1.0)
    noise = rng.lognormal(0.0, 0.1, len(frame))
    frame["cost"] = np.round(island.map(ISLAND_COST).to_numpy() * rural * noise, 3)
    return frame


def scenarios(
    frame: pd.DataFrame, capacity: int, time_limit: float = 10.0
) -> dict[str, AllocationRequest]:
    offline = frame[frame["uplift"].notna()]
    share = offline["province_code"].value_counts(normalize=True)
    quotas = {str(code): math.ceil(1.25 * capacity * s) for code, s in share.items()}
    shares = [
        MinShare(column="owner_gender", value="female", share=0.5),
        MinShare(column="area_type", value="rural", share=0.5),
        MinShare(column="island_group", value="Maluku-Papua", share=0.02),
    ]
    greedy_cost = float(offline.nlargest(capacity, "uplift")["cost"].sum())
    budget = round(0.9 * greedy_cost, 2)
    requests = {
        "capacity only": AllocationRequest(capacity=capacity),
        "province quotas": AllocationRequest(capacity=capacity, quotas=quotas),
        "quotas + min shares": AllocationRequest(
            capacity=capacity, quotas=quotas, min_share=shares
        ),
        "budget": AllocationRequest(capacity=capacity, budget=budget),
        "quotas + min shares + budget": AllocationRequest(
            capacity=capacity, quotas=quotas, min_share=shares, budget=budget
        ),
    }
    update = {"time_limit_seconds": time_limit}
    return {name: request.model_copy(update=update) for name, request in requests.items()}


def measure(frame: pd.DataFrame, name: str, request: AllocationRequest, repeats: int) -> Row:
    result = allocate(frame, request)  # warm-up
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = allocate(frame, request)
        seconds.append(time.perf_counter() - start)
    return Row(
        scenario=name,
        median_s=statistics.median(seconds),
        min_s=min(seconds),
        max_s=max(seconds),
        method=result.method,
        filled=result.filled,
        total_gain=result.total_expected_gain,
        random_gain=result.random_expected_gain,
        gap=result.optimality_gap,
        binding=len(result.binding),
    )


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}, "
        f"scipy {scipy.__version__} (HiGHS), load average {load:.1f} at start"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--capacity", type=int, default=3_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=10.0, help="Solver seconds per run.")
    parser.add_argument("--json", type=Path, help="Also write the rows here.")
    args = parser.parse_args()

    print(f"Machine: {machine()}")
    frame = candidates(args.candidates, args.seed)
    print(f"{len(frame):,} candidates, {int(frame['uplift'].notna().sum()):,} scored (offline)")
    rows = [
        measure(frame, name, request, args.repeats)
        for name, request in scenarios(frame, args.capacity, args.time_limit).items()
    ]
    print()
    print(
        f"| scenario ({args.candidates:,} candidates, {args.capacity:,} slots) | median s "
        "| min s | max s | method | expected gain | random choice | gap | binding |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row.scenario} | {row.median_s:.2f} | {row.min_s:.2f} | {row.max_s:.2f} "
            f"| {row.method} | {row.total_gain:.1f} | {row.random_gain:.1f} | {row.gap:.1e} "
            f"| {row.binding} |"
        )
    print(f"\nMedian of {args.repeats} runs after one warm-up run.")
    if args.json:
        args.json.write_text(json.dumps([row.__dict__ for row in rows], indent=2))


if __name__ == "__main__":
    main()
