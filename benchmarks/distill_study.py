"""Could one small model stand in for the fold models' average? A distillation study.

Since 2026-12-04 a history of up to 60,000 rows is served as the weighted average of the chosen
learners' five fold models (`serve_fold_models`): it ranks better than one refit model, and costs
five times the trees at scoring time. This study asks whether a single LightGBM regression fit
to that average's uplift on the history's own rows (a "student") ranks as well, which would win
the scoring time back.

For each world it runs the pipeline's own stages up to the choice (`training.prepare`, the
propensity, `select_learner`), takes the chosen recipe's fold-model average as the teacher,
fits students of three sizes to the teacher's uplift on the cross-fitting rows, and scores
teacher and students on the world's evaluation population: share of the oracle's extra outcomes
at 10% capacity (Qini where there is no truth). Raw learner outputs, no per-arm calibration.
One JSON line per world:

    uv run --group bench python benchmarks/distill_study.py --out distill.jsonl \\
        --family hillstrom --seeds 0,1,2,3,4,5,6,7
    uv run --group bench python benchmarks/distill_study.py --out distill.jsonl \\
        --family simulator --size 20000 --seeds 0,1,2,3
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

STUDENTS: dict[str, dict[str, int]] = {
    "s200_15": {"rounds": 200, "leaves": 15, "min_child": 20},
    "s400_31": {"rounds": 400, "leaves": 31, "min_child": 20},
    "s300_15_mcs50": {"rounds": 300, "leaves": 15, "min_child": 50},
}


def study(family: str, size: int, seed: int) -> dict[str, Any]:
    import lightgbm as lgb
    from zoo import _config_for, _scores, hillstrom_world
    from zoo_worlds import FAMILIES

    from models.features import feature_matrix
    from training import propensity as propensity_stage
    from training.events import ignore
    from training.prepare import prepare
    from training.selection import select_learner, tuned_params

    world = hillstrom_world(seed) if family == "hillstrom" else FAMILIES[family](size, seed)
    work = Path(tempfile.mkdtemp(prefix="distill-"))
    history = work / "history.parquet"
    world.history.to_parquet(history, index=False)
    config = _config_for(world, history, work / "out").with_overrides(seed=seed)
    prepared = prepare(config, history, work / "out", ignore)
    propensity = propensity_stage.estimate(config, prepared)
    params = tuned_params(config, prepared, propensity.for_learners)
    selection = select_learner(
        config,
        prepared,
        params,
        propensity=propensity.for_learners,
        stack_propensity=propensity.cv.scores_clipped,
        on_learner=lambda _: None,
    )
    if world.msme:
        X_eval = feature_matrix(world.evaluation, prepared.specs)
    else:
        X_eval = world.evaluation[list(world.features)].to_numpy(float)
    rows = prepared.cv_rows
    chosen = selection.chosen
    weights = chosen.weights or {chosen.members[0]: 1.0}

    def teacher(X: np.ndarray) -> np.ndarray:
        parts = [
            weights[name]
            * np.mean(
                [m.predict_matrix(X).uplift for m in selection.candidates[name].oof.models],
                axis=0,
            )
            for name in chosen.members
        ]
        return np.asarray(np.sum(parts, axis=0), dtype=float)

    def score(uplift: np.ndarray) -> float:
        found = _scores(world, uplift)
        return round(float(found.get("qini", found.get("oracle_0.10", np.nan))), 4)

    tick = time.perf_counter()
    taught = teacher(rows.X)
    teacher_eval = teacher(X_eval)
    record: dict[str, Any] = {
        "family": family,
        "size": len(rows.y),
        "seed": seed,
        "chosen": "+".join(chosen.members),
        "teacher": score(teacher_eval),
        "teacher_seconds": round(time.perf_counter() - tick, 2),  # history and evaluation rows
    }
    for name, shape in STUDENTS.items():
        booster = lgb.train(
            {
                "objective": "regression",
                "num_leaves": shape["leaves"],
                "learning_rate": 0.05,
                "min_child_samples": shape["min_child"],
                "verbosity": -1,
                "num_threads": 1,
                "seed": seed,
            },
            lgb.Dataset(rows.X, taught, categorical_feature=list(prepared.categorical)),
            num_boost_round=shape["rounds"],
        )
        tick = time.perf_counter()
        student = np.asarray(booster.predict(X_eval), dtype=float)
        record[name] = score(student)
        record[f"{name}_seconds"] = round(time.perf_counter() - tick, 2)  # evaluation rows
        record[f"{name}_corr"] = round(float(np.corrcoef(student, teacher_eval)[0, 1]), 4)
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--family", required=True)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args()
    for seed in (int(s) for s in args.seeds.split(",")):
        record = study(args.family, args.size, seed)
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
