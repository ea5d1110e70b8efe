"""Probe: does the default pipeline rank better with one change to its training config?

The change is a JSON object of `TrainConfig` fields (``--override``), as `zoo.py --override`
takes it: for example ``'{"learner_params": {"effect_baseline": true}}'`` (the base chance as a
column of X's effect models, docs/results-log.md 2026-12-07 "c") or
``'{"learner_params": {"effect__extra_trees": true}}'``. For each cell the world is drawn as the
zoo draws it, the pipeline is trained with the change on every row of the history
(`zoo.run_pipeline`), and its oracle share at 10% on the evaluation population is printed
under ``--label`` beside the default's and causalml's on the same world and seed, read from the
zoo's result lines (``--against``, a later line replacing an earlier one as in
``zoo.py --table``); then the paired differences to the default by history size:

    uv run --group bench python benchmarks/override_probe.py --label baseline \
        --override '{"learner_params": {"effect_baseline": true}}' \
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--override", required=True, help="JSON of TrainConfig fields to change.")
    parser.add_argument("--label", default="probe", help="The change's name in the lines.")
    parser.add_argument("--cells", required=True, help="family:size:seed+seed,...")
    parser.add_argument("--against", nargs="+", type=Path, required=True)
    parser.add_argument("--out", type=Path, help="Append each line (JSON) here too.")
    args = parser.parse_args()

    change = json.loads(args.override)
    stored = read_lines(args.against)
    gaps: dict[int, list[float]] = {}
    for seed, world in probe_worlds(args.cells):
        uplift, info = run_pipeline(world, change)
        line, gap = probe_line(stored, world, seed, args.label, uplift)
        line["seconds"] = round(info["seconds"], 1)
        print(json.dumps(line), flush=True)
        if args.out is not None:
            with args.out.open("a") as handle:
                handle.write(json.dumps(line) + "\n")
        if gap is not None:
            gaps.setdefault(len(world.history), []).append(gap)
    for size, found in sorted(gaps.items()):
        print_spread(f"{args.label} - ours at {size:,} rows", found)


if __name__ == "__main__":
    main()
