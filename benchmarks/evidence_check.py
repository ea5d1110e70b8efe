"""The evidence check's average effect, on histories with no effect and on the zoo's MSME worlds.

`training.evidence.assess_evidence` calls a history weak when the average effect of mentoring,
weighted by each row's cross-fitted chance of being mentored, has a 90% interval that reaches
zero. This script compares that estimate with the chances of two propensity models:

* ``fixed``: the learners' propensity (`training.propensity.crossfit_rows`, fixed rounds);
* ``check``: the check's own (`training.propensity.for_effect_check`, early-stopped on its own
  log loss), the default since 2026-12-06;

on **no-effect histories** (simulated histories whose offline MSMEs' mentored flags are shuffled:
no effect at all, mentoring independent of every column; the check should call them weak) and
on the **zoo's MSME worlds** (real effects, mostly confounded assignment; it should find them).
``true`` is the mean true uplift of the world's evaluation population, a guide to the history's
own average effect, not equal to it.

    uv run --group bench python benchmarks/evidence_check.py --null-seeds 0,1,2,3,4 \\
        --sizes 5000,20000

Prints one line per history and a summary.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zoo_worlds import FAMILIES, HELD_OUT, MSME_FAMILIES

from data.simulate import simulate
from training import propensity as propensity_stage
from training.config import TrainConfig
from training.evidence import AverageEffect, average_effect
from training.prepare import prepare


def _effects(history: pd.DataFrame, folder: Path) -> tuple[float, dict[str, AverageEffect]]:
    """The plain mentored-minus-others difference and the weighted effect by each propensity."""
    path = folder / "history.parquet"
    history.to_parquet(path)
    config = TrainConfig()
    prepared = prepare(config, path, folder, lambda event: None)
    cv = prepared.cv_rows
    chances = {
        "fixed": propensity_stage.crossfit_rows(config, prepared, cv).scores_clipped,
        "check": propensity_stage.for_effect_check(config, prepared),
    }
    plain = float(cv.y[cv.t == 1].mean() - cv.y[cv.t == 0].mean())
    return plain, {name: average_effect(cv.t, cv.y, e) for name, e in chances.items()}


def _shuffled(rows: int, seed: int) -> pd.DataFrame:
    """A simulated history whose offline MSMEs' mentored flags are shuffled."""
    frame = simulate(rows, 100 + seed).history
    offline = np.flatnonzero((frame["digital_status"] == "offline").to_numpy())
    flags = frame["mentored"].to_numpy().copy()
    flags[offline] = np.random.default_rng(seed).permutation(flags[offline])
    return frame.assign(mentored=flags)


def _line(label: str, truth: float, plain: float, effects: dict[str, AverageEffect]) -> str:
    parts = [f"{label:<28} true {100 * truth:+6.2f}  plain {100 * plain:+6.2f}"]
    for name, e in effects.items():
        verdict = "found" if e.low > 0 else "weak"
        parts.append(
            f"{name} {100 * e.estimate:+6.2f} [{100 * e.low:+6.2f}, {100 * e.high:+6.2f}] {verdict}"
        )
    return "  ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--null-seeds", default="0,1,2,3,4")
    parser.add_argument("--null-rows", type=int, default=20_000)
    parser.add_argument("--sizes", default="5000,20000")
    parser.add_argument(
        "--families", default=",".join(f for f in MSME_FAMILIES if f not in HELD_OUT)
    )
    args = parser.parse_args()
    found: dict[str, dict[str, int]] = {"null": {}, "worlds": {}}
    errors: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for seed in (int(s) for s in args.null_seeds.split(",") if s):
            plain, effects = _effects(_shuffled(args.null_rows, seed), folder)
            print(_line(f"no effect, seed {seed}", 0.0, plain, effects), flush=True)
            for name, e in effects.items():
                found["null"][name] = found["null"].get(name, 0) + int(e.low > 0)
        for rows in (int(s) for s in args.sizes.split(",")):
            for family in args.families.split(","):
                world = FAMILIES[family](rows, 0)
                assert world.true_uplift is not None  # MSME worlds carry their truth
                truth = float(np.mean(world.true_uplift))
                plain, effects = _effects(world.history, folder)
                print(_line(f"{family} @ {rows:,}", truth, plain, effects), flush=True)
                for name, e in effects.items():
                    found["worlds"][name] = found["worlds"].get(name, 0) + int(e.low > 0)
                    errors.setdefault(name, []).append(abs(e.estimate - truth))
    for name in ("fixed", "check"):
        print(
            f"{name}: no-effect histories passed {found['null'].get(name, 0)}, world histories "
            f"found {found['worlds'].get(name, 0)} of {len(errors.get(name, []))}, mean "
            f"|estimate - true| {100 * float(np.mean(errors.get(name, [np.nan]))):.2f} points"
        )


if __name__ == "__main__":
    main()
