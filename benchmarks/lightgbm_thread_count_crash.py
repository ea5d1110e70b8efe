"""Reproduction: LightGBM crashes when a prediction on its default thread count runs beside a
fit on one thread, in threads of one process.

The training pipeline fits cross-fitting folds side by side on Python threads, every LightGBM
call on one OpenMP thread (`models.boosting`). One call did not pass `num_threads` (the check of
the pooled model's reordered trees), and a test run died with a segmentation fault inside it
(2026-12-07). This script does what that code did, in four threads for ``seconds``: fit a small
booster on one thread, copy it from its text, predict with both. ``default`` predicts on
LightGBM's default thread count (as the code did), ``one`` on one thread (as it does now).

    uv run python benchmarks/lightgbm_thread_count_crash.py default 30   # crashed 2 of 3 runs
    uv run python benchmarks/lightgbm_thread_count_crash.py one 30       # 0 of 4 runs

Measured 2026-12-07 on this project's machine (2 cores), LightGBM 4.7.0, beside a zoo run and a
test run. Rerun it after a LightGBM upgrade before relaxing the rule.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import lightgbm as lgb
import numpy as np


def main() -> None:
    mode, seconds = sys.argv[1], float(sys.argv[2])
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 12))
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(float)
    probe = rng.normal(size=(64, 12))
    threads: dict[str, Any] = {} if mode == "default" else {"num_threads": 1}
    stop = time.monotonic() + seconds
    rounds = [0]

    def work(seed: int) -> None:
        params = {"objective": "binary", "verbosity": -1, "num_threads": 1, "seed": seed}
        while time.monotonic() < stop:
            booster = lgb.train({**params, "num_leaves": 7}, lgb.Dataset(X, y), 30)
            copy = lgb.Booster(model_str=booster.model_to_string())
            same = np.allclose(
                copy.predict(probe, raw_score=True, **threads),
                booster.predict(probe, raw_score=True, **threads),
            )
            assert same
            rounds[0] += 1

    workers = [threading.Thread(target=work, args=(seed,)) for seed in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"{mode}: {rounds[0]} rounds, no crash")


if __name__ == "__main__":
    main()
