"""Probe: would an R-learner (Nie and Wager) rank better than the default pipeline?

An R-learner fits the uplift directly: with cross-fitted nuisances m(x) = P(y | x) and
e(x) = P(mentored | x), a LightGBM regression of (y - m) / (t - e) weighted by (t - e)^2, the
R-loss the stacking already uses to weigh its members. It is the learner the issue's levers did
not include, and the one most often suggested where effects are simpler than the baseline.

For each family, size and seed the world is drawn as the zoo draws it, the R-learner is trained
on every row of the history (nuisances: 5 folds of LightGBM with the peers' fixed settings;
effect: 7 or 15 leaves, learning rate 0.03, L2 10, early stopping on a fifth of the rows by the
weighted R-loss, then refit on every row) and it scores the evaluation population. Printed
beside it: the oracle shares at 10% of the default pipeline and of causalml's S and X on the
same world and seed, read from the zoo's result lines (``--against``, a later line replacing
an earlier one as in ``zoo.py --table``). A probe, not a learner of the product.

    uv run --group bench python benchmarks/r_learner_probe.py --cells msme_smooth:60000:0+1 \
        --against benchmarks/results/zoo-2026-12-05-smooth.jsonl
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

from zoo import PEER_PARAMS, _matrices, print_spread, probe_line, probe_worlds, read_lines


def _out_of_fold(X: np.ndarray, target: np.ndarray, strata: np.ndarray, seed: int) -> np.ndarray:
    from lightgbm import LGBMClassifier
    from sklearn.model_selection import StratifiedKFold

    out = np.empty(len(target))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(X, strata):
        model = LGBMClassifier(random_state=seed, **PEER_PARAMS).fit(X[train], target[train])
        out[test] = np.asarray(model.predict_proba(X[test]))[:, 1]
    return out


def r_learner(
    X: np.ndarray, t: np.ndarray, y: np.ndarray, X_eval: np.ndarray, *, seed: int, leaves: int
) -> tuple[np.ndarray, int]:
    """The R-learner's uplift for ``X_eval`` and its number of boosting rounds."""
    import lightgbm as lgb

    strata = (t * 2 + y).astype(int)
    m = _out_of_fold(X, y, strata, seed)
    e = np.clip(_out_of_fold(X, t, strata, seed), 0.02, 0.98)
    residual = t - e
    target, weight = (y - m) / residual, residual**2
    params = {
        "objective": "regression",
        "learning_rate": 0.03,
        "num_leaves": leaves,
        "min_child_samples": max(100, len(y) // 200),
        "lambda_l2": 10.0,
        "verbose": -1,
        "seed": seed,
    }
    held = np.random.default_rng(seed).random(len(y)) < 0.2
    train = lgb.Dataset(X[~held], target[~held], weight=weight[~held])
    valid = lgb.Dataset(X[held], target[held], weight=weight[held], reference=train)
    probe = lgb.train(
        params, train, 1000, valid_sets=[valid], callbacks=[lgb.early_stopping(50, verbose=False)]
    )
    rounds = max(probe.best_iteration, 10)
    model = lgb.train(params, lgb.Dataset(X, target, weight=weight), rounds)
    return np.asarray(model.predict(X_eval)), rounds


def main() -> None:

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", required=True, help="family:size:seed+seed,...")
    parser.add_argument("--leaves", type=int, default=15)
    parser.add_argument("--against", type=Path, nargs="+", required=True)
    args = parser.parse_args()
    stored = read_lines(args.against)
    gaps: list[float] = []
    for seed, world in probe_worlds(args.cells):
        tick = time.perf_counter()
        X, t, y, X_eval = _matrices(world)
        uplift, rounds = r_learner(X, t, y, X_eval, seed=seed, leaves=args.leaves)
        line, gap = probe_line(stored, world, seed, "r", uplift)
        if gap is not None:
            gaps.append(gap)
        line |= {"rounds": rounds, "seconds": round(time.perf_counter() - tick, 1)}
        print(json.dumps(line), flush=True)
    print_spread("R minus ours", gaps)


if __name__ == "__main__":
    main()
