"""How much of the oracle a model of the world's features can reach: the zoo's ceiling.

The oracle ranks by each MSME's true uplift, which may depend on what the data do not show (an
unobserved motivation, the outcome's own noise does not count: the truth is p1 - p0). A learner
can at best rank by the uplift expected given the features. This script estimates that best by
**cheating**: a LightGBM regression fit to the *true* uplift of rows drawn from other seeds of
the same world (no outcome noise, no confounding, far more rows than any history), then scored
like a learner on the zoo's evaluation populations. It is a reference for reading the zoo's
shares (a world where even this reaches 0.85 cannot give 0.90), never something a programme
could train. A finite regression slightly understates the true ceiling.

    uv run --group bench python benchmarks/zoo_ceiling.py --families msme_smooth,msme_blind_a

Prints a Markdown table: oracle share at 5/10/20% per family, mean over the evaluation seeds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zoo import CAPACITIES, _matrices
from zoo_worlds import FAMILIES, HELD_OUT, World

FIT_SEEDS = (900, 901, 902, 903, 904)  # other draws of each world: 5 x 40,000 rows with truth
PARAMS: dict[str, Any] = {
    "n_estimators": 2000,
    "learning_rate": 0.05,
    "num_leaves": 63,
    "min_child_samples": 50,
    "verbose": -1,
}


def _features_and_truth(world: World) -> tuple[np.ndarray, np.ndarray]:
    """The evaluation population's features (as the peers see them) and its true uplift."""
    assert world.true_uplift is not None, f"{world.family} has no row-level truth"
    return _matrices(world)[3], world.true_uplift


def ceiling(family: str, eval_seeds: tuple[int, ...], size: int) -> dict[str, list[float]]:
    """Oracle shares of the truth-fed regression on each evaluation seed's population."""
    from lightgbm import LGBMRegressor, early_stopping

    from training import evaluation as ev

    parts = [_features_and_truth(FAMILIES[family](5_000, seed)) for seed in FIT_SEEDS]
    X = np.vstack([p[0] for p in parts])
    truth = np.concatenate([p[1] for p in parts])
    cut = int(len(X) * 0.9)  # the last tenth stops the boosting
    model = LGBMRegressor(random_state=0, **PARAMS)
    model.fit(
        X[:cut],
        truth[:cut],
        eval_X=(X[cut:],),
        eval_y=(truth[cut:],),
        callbacks=[early_stopping(50, verbose=False)],
    )
    shares: dict[str, list[float]] = {f"{k:.2f}": [] for k in CAPACITIES}
    for seed in eval_seeds:
        X_eval, true_eval = _features_and_truth(FAMILIES[family](size, seed))
        score = model.predict(X_eval)
        for k in CAPACITIES:
            shares[f"{k:.2f}"].append(float(ev.oracle_share(true_eval, score, k)))
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    with_truth = [f for f in FAMILIES if f != "cm_classification" and f not in HELD_OUT]
    parser.add_argument("--families", default=",".join(with_truth))
    parser.add_argument("--seeds", default="0,1,2,3", help="The evaluation seeds.")
    parser.add_argument(
        "--size", type=int, default=60_000, help="History size whose evaluation rows are scored."
    )
    args = parser.parse_args()
    seeds = tuple(int(s) for s in args.seeds.split(","))
    print(f"| family | oracle share @5% / @10% / @20% (truth-fed; {len(seeds)} seeds) | seconds |")
    print("|---|---|---|")
    for family in args.families.split(","):
        started = time.perf_counter()
        shares = ceiling(family, seeds, args.size)
        cells = " / ".join(f"{statistics.mean(v):.3f}" for v in shares.values())
        print(f"| {family} | {cells} | {time.perf_counter() - started:.0f} |", flush=True)


if __name__ == "__main__":
    main()
