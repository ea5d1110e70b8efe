"""Could one small model stand in for the fold models' average? A distillation study.

Since 2026-12-04 a history of up to 300,000 rows is served as the weighted average of the
chosen learners' fold models (`serve_fold_models`): it ranks better than one refit model, and costs
five times the trees at scoring time. The product's copy
(`models.combined_learners.DistilledLearner`, `distill_served_model = true`) fits two LightGBM
regressions to that average's uplift and chance without mentoring on the history's own rows;
this study asks whether the copy ranks as well.

For each world it runs the pipeline's own stages up to the choice (`training.prepare`, the
propensity, `select_learner`), builds the served learner with `training.refit.served_learner`
(the teacher) and its copy (the same with `distill_served_model`), and scores both on the
world's evaluation population: share of the oracle's extra outcomes at 10% capacity (Qini
where there is no truth). Raw learner outputs, no per-arm calibration; the copy's own fidelity
on the history's rows too. ``--shapes`` adds plain uplift students of other shapes (the
2026-12-04 study's three). One JSON line per world:

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


def study(family: str, size: int, seed: int, shapes: tuple[str, ...] = ()) -> dict[str, Any]:
    import lightgbm as lgb
    from zoo import _config_for, _scores, hillstrom_world
    from zoo_worlds import FAMILIES

    from models.combined_learners import DistilledLearner
    from models.features import feature_matrix
    from training import propensity as propensity_stage
    from training.events import ignore
    from training.prepare import prepare
    from training.refit import served_learner
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
    # The served learner and its copy exactly as `training.refit` builds them: the chosen
    # recipe's fold models' average (histories up to `selection_rows` are cross-fitted on every
    # row), and with `distill_served_model` its two-model copy.
    teacher = served_learner(
        config, prepared, selection, propensity=propensity.for_learners
    ).learner

    def score(uplift: np.ndarray) -> float:
        found = _scores(world, uplift)
        return round(float(found.get("qini", found.get("oracle_0.10", np.nan))), 4)

    teacher_eval = teacher.predict_matrix(X_eval).uplift
    record: dict[str, Any] = {
        "family": family,
        "size": len(rows.y),
        "seed": seed,
        "chosen": "+".join(selection.chosen.members),
        "teacher": score(teacher_eval),
    }
    tick = time.perf_counter()
    served = served_learner(
        config.with_overrides(distill_served_model=True),
        prepared,
        selection,
        propensity=propensity.for_learners,
    )
    copy = served.learner
    assert isinstance(copy, DistilledLearner)
    record["copy_fit_seconds"] = round(time.perf_counter() - tick, 2)
    copy_eval = copy.predict_matrix(X_eval).uplift
    record["copy"] = score(copy_eval)
    record["copy_corr_eval"] = round(float(np.corrcoef(copy_eval, teacher_eval)[0, 1]), 4)
    record.update({f"copy_{k}": round(v, 4) for k, v in copy.fidelity.items()})
    if not shapes:
        return record
    taught = teacher.predict_matrix(rows.X).uplift
    for name in shapes:
        shape = STUDENTS[name]
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
        student = np.asarray(booster.predict(X_eval), dtype=float)
        record[name] = score(student)
        record[f"{name}_corr"] = round(float(np.corrcoef(student, teacher_eval)[0, 1]), 4)
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--family", required=True)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument(
        "--shapes",
        default="",
        help="also plain uplift students of these shapes, comma-separated: " + ", ".join(STUDENTS),
    )
    args = parser.parse_args()
    for seed in (int(s) for s in args.seeds.split(",")):
        shapes = tuple(name for name in args.shapes.split(",") if name)
        record = study(args.family, args.size, seed, shapes)
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
