"""Probe: do X's effect models rank better when they also see the chance of going digital
without mentoring (the outcome model's log-odds, one column)?

Where the gain follows an index of several columns (readiness, access times know-how) that
also drives the base chance, trees with axis-aligned splits need many rows to draw it; the
base chance is that index summarised in one column. The option is `effect_baseline = true` in
`learner_params` (`models.learners.XLearner`); this probe trains the default pipeline with it on
the zoo's worlds and prints its oracle share at 10% beside the default's and causalml's, read
from the zoo's result lines (``--against``), as the other probes do:

    uv run --group bench python benchmarks/effect_baseline_probe.py \
        --cells msme_reserve_e:60000:0+1 --against benchmarks/results/zoo-2026-12-05-reserve.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zoo import print_spread, probe_line, probe_worlds, read_lines, run_pipeline

OPTION = {"learner_params": {"effect_baseline": True}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", required=True, help="family:size:seed+seed,...")
    parser.add_argument("--against", nargs="+", type=Path, required=True)
    parser.add_argument("--out", type=Path, help="Append each line (JSON) here too.")
    args = parser.parse_args()

    stored = read_lines(args.against)
    gaps: dict[int, list[float]] = {}
    for seed, world in probe_worlds(args.cells):
        uplift, info = run_pipeline(world, OPTION)
        line, gap = probe_line(stored, world, seed, "baseline", uplift)
        line["seconds"] = round(info["seconds"], 1)
        print(json.dumps(line), flush=True)
        if args.out is not None:
            with args.out.open("a") as handle:
                handle.write(json.dumps(line) + "\n")
        if gap is not None:
            gaps.setdefault(len(world.history), []).append(gap)
    for size, found in sorted(gaps.items()):
        print_spread(f"baseline - ours at {size:,} rows", found)


if __name__ == "__main__":
    main()
