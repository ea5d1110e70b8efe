"""Probe: would a causal forest (Wager and Athey's generalised random forest) rank better than
the default pipeline where every LightGBM learner stays short of what the features allow?

Issue 9's levers measured so far were all learners on LightGBM. This probe tries a learner of
another family: econml's ``CausalForestDML`` (honest splits on the effect's own moment, with
cross-fitted nuisances), whose nuisances are LightGBM with the peers' fixed settings. econml is
not a dependency of the project; the probe runs with it added for the one command:

    uv run --group bench --with econml==0.17.0 python benchmarks/causal_forest_probe.py \
        --cells msme_reserve_e:60000:0+1 --against benchmarks/results/zoo-2026-12-05-reserve.jsonl

For each family, size and seed the world is drawn as the zoo draws it, the forest is trained on
every row of the history and scores the evaluation population. Printed beside it: the oracle
shares at 10% of the default pipeline and of causalml's S and X on the same world and seed,
read from the zoo's result lines (``--against``, a later line replacing an earlier one as in
``zoo.py --table``). With ``--blend`` the default pipeline is trained again on the same history
(``zoo.run_pipeline``, deterministic: its share equals the stored one) and the mean of its uplift
and the forest's is scored too: would a member of another family add to the stacking? A probe,
not a learner of the product.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zoo import (
    PEER_PARAMS,
    _matrices,
    print_spread,
    probe_line,
    probe_worlds,
    read_lines,
    run_pipeline,
    share_at_10,
)


def causal_forest(
    X: np.ndarray,
    t: np.ndarray,
    y: np.ndarray,
    X_eval: np.ndarray,
    *,
    seed: int,
    trees: int,
    min_leaf: int,
    max_features: float,
) -> np.ndarray:
    """The causal forest's uplift for ``X_eval`` (missing values as -1: sklearn's trees in
    econml take no NaN)."""
    from econml.dml import CausalForestDML
    from lightgbm import LGBMClassifier

    X = np.nan_to_num(X, nan=-1.0)
    forest = CausalForestDML(
        model_y=LGBMClassifier(random_state=seed, **PEER_PARAMS),
        model_t=LGBMClassifier(random_state=seed, **PEER_PARAMS),
        discrete_outcome=True,
        discrete_treatment=True,
        cv=5,
        n_estimators=trees,
        min_samples_leaf=min_leaf,
        max_features=max_features,
        honest=True,
        n_jobs=2,
        random_state=seed,
    )
    forest.fit(y.astype(int), t.astype(int), X=X)
    return np.asarray(forest.effect(np.nan_to_num(X_eval, nan=-1.0))).ravel()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", required=True, help="family:size:seed+seed,...")
    parser.add_argument("--trees", type=int, default=200)
    parser.add_argument("--min-leaf", type=int, default=50)
    parser.add_argument("--max-features", type=float, default=0.6)
    parser.add_argument("--against", type=Path, nargs="+", required=True)
    parser.add_argument("--blend", action="store_true", help="also ours again and the mean")
    args = parser.parse_args()
    stored = read_lines(args.against)
    gaps: list[float] = []
    blends: list[float] = []
    for seed, world in probe_worlds(args.cells):
        tick = time.perf_counter()
        X, t, y, X_eval = _matrices(world)
        uplift = causal_forest(
            X,
            t,
            y,
            X_eval,
            seed=seed,
            trees=args.trees,
            min_leaf=args.min_leaf,
            max_features=args.max_features,
        )
        line, gap = probe_line(stored, world, seed, "forest", uplift)
        if gap is not None:
            gaps.append(gap)
        if args.blend:
            ours, _ = run_pipeline(world)
            mean = (ours + uplift) / 2
            line |= {
                "ours_again": round(share_at_10(world, ours), 4),
                "mean": round(share_at_10(world, mean), 4),
            }
            blends.append(line["mean"] - line["ours_again"])
        line |= {"seconds": round(time.perf_counter() - tick, 1)}
        print(json.dumps(line), flush=True)
    print_spread("forest minus ours", gaps)
    print_spread("mean of both minus ours", blends)


if __name__ == "__main__":
    main()
