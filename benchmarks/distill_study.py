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
on the history's rows too. ``--shapes`` adds uplift students of other shapes: the 2026-12-04
study's three plain ones, and the served copy's own (`models.boosting.fit_student`) with more
rounds, more leaves, more rows to learn from or more weight on the teacher's top rows
(``copy_*``, docs/results-log.md 2026-12-07 "o"; more rows: the history's rows plus ``aug``
copies of them in which each value is taken, with chance ``swap``, from another row at random,
all labelled by the teacher). ``--oof`` adds what the history's own rows say about copy
against teacher (docs/results-log.md 2026-12-07 "p"): each fold's model copied on the rows it
was fit on, both ranking the fold's rows, which neither saw. One JSON line per world:

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

STUDENTS: dict[str, dict[str, float]] = {
    "s200_15": {"rounds": 200, "leaves": 15, "min_child": 20},
    "s400_31": {"rounds": 400, "leaves": 31, "min_child": 20},
    "s300_15_mcs50": {"rounds": 300, "leaves": 15, "min_child": 50},
    # The served copy's own parameters (the copy itself is the record's "copy"), changed in
    # one respect each.
    "copy_r200": {"served": 1, "rounds": 200, "learning_rate": 0.1},
    "copy_r300": {"served": 1, "rounds": 300, "learning_rate": 0.1},
    "copy_l63": {"served": 1, "num_leaves": 63},
    "copy_aug1": {"served": 1, "aug": 1, "swap": 0.3},
    "copy_aug2": {"served": 1, "aug": 2, "swap": 0.3},
    "copy_aug1_swap5": {"served": 1, "aug": 1, "swap": 0.5},
    # Rows among the teacher's top fifth (tenth, ...) by uplift count four (eight, ...) times in
    # the copy's fit.
    "copy_top20_x4": {"served": 1, "top": 0.2, "top_weight": 4},
    "copy_top10_x4": {"served": 1, "top": 0.1, "top_weight": 4},
    "copy_top20_x8": {"served": 1, "top": 0.2, "top_weight": 8},
    "copy_top30_x3": {"served": 1, "top": 0.3, "top_weight": 3},
}


def _student(
    shape: dict[str, float],
    X: np.ndarray,
    teacher: Any,
    *,
    categorical: list[int],
    feature_names: list[str],
    seed: int,
) -> Any:
    """A plain uplift student, or (``served``) one with the served copy's parameters changed
    as ``shape`` says, fit to the teacher's uplift on ``X`` and its augmented copies."""
    import lightgbm as lgb

    from models import boosting

    rng = np.random.default_rng(seed)
    parts = [X]
    for _ in range(int(shape.get("aug", 0))):
        mixed = X.copy()
        taken = rng.random(X.shape) < shape["swap"]
        donors = X[rng.integers(0, len(X), len(X))]
        mixed[taken] = donors[taken]
        parts.append(mixed)
    rows = np.vstack(parts)
    target = teacher.predict_matrix(rows).uplift
    weight = None
    if shape.get("top"):
        weight = np.where(target >= np.quantile(target, 1 - shape["top"]), shape["top_weight"], 1.0)
    if shape.get("served"):
        params = {**boosting._BASE_PARAMS, **boosting._STUDENT_PARAMS, "seed": seed}
        params.update({k: v for k, v in shape.items() if k in ("num_leaves", "learning_rate")})
        rounds = int(shape.get("rounds", boosting.STUDENT_ROUNDS))
    else:
        params = {
            "objective": "regression",
            "num_leaves": int(shape["leaves"]),
            "learning_rate": 0.05,
            "min_child_samples": int(shape["min_child"]),
            "verbosity": -1,
            "num_threads": 1,
            "seed": seed,
        }
        rounds = int(shape["rounds"])
    data = lgb.Dataset(
        rows, target, weight=weight, feature_name=feature_names, categorical_feature=categorical
    )
    return lgb.train(params, data, num_boost_round=rounds)


def _oof_signal(config: Any, prepared: Any, selection: Any) -> dict[str, float]:
    """What the history's own rows say about copy against teacher: per fold, the chosen
    recipe's fold model (the weighted average of its members' fold-k models) is copied on the
    rows it was fit on, and both rank the fold's rows, which neither saw. Returned: the Qini of
    the copies' and of the teachers' out-of-fold uplifts, their difference, and the difference's
    bootstrap standard error (rows resampled, both rankings on the same draw)."""
    from models.combined_learners import DistilledLearner, EnsembleLearner
    from models.propensity import stratified_folds
    from training import evaluation as ev

    rows, chosen = prepared.cv_rows, selection.chosen
    fold_of = stratified_folds(rows.t * 2 + rows.y, selection.folds, config.seed)
    names = [n for n in chosen.members if not chosen.weights or chosen.weights[n] > 0]
    weights = [chosen.weights[n] for n in names] if chosen.weights else None
    copied = np.empty(len(rows.y))
    taught = np.empty(len(rows.y))
    for k in range(selection.folds):
        members = [chosen.fold_models[n][k] for n in names]
        teacher = members[0] if len(members) == 1 else EnsembleLearner(members, weights)
        train = fold_of != k
        copy = DistilledLearner(teacher, seed=config.seed).fit(
            rows.X[train],
            rows.t[train],
            rows.y[train],
            categorical=list(prepared.categorical),
            feature_names=list(prepared.feature_names),
        )
        copied[~train] = copy.predict_matrix(rows.X[~train]).uplift
        taught[~train] = teacher.predict_matrix(rows.X[~train]).uplift
    y, t = rows.y, rows.t
    q_copy = ev.qini_coefficient(y, copied, t)
    q_teacher = ev.qini_coefficient(y, taught, t)
    rng = np.random.default_rng(config.seed)
    draws = []
    for _ in range(100):
        i = rng.integers(0, len(y), len(y))
        draws.append(
            ev.qini_coefficient(y[i], copied[i], t[i]) - ev.qini_coefficient(y[i], taught[i], t[i])
        )
    return {
        "oof_copy_qini": round(float(q_copy), 5),
        "oof_teacher_qini": round(float(q_teacher), 5),
        "oof_diff": round(float(q_copy - q_teacher), 5),
        "oof_diff_se": round(float(np.std(draws, ddof=1)), 5),
        "oof_corr": round(float(np.corrcoef(copied, taught)[0, 1]), 4),
    }


def study(
    family: str, size: int, seed: int, shapes: tuple[str, ...] = (), *, oof: bool = False
) -> dict[str, Any]:
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
    # row) uncopied, then (with `distill_served_model`) its two-model copy. The teacher is built
    # with the copy switched off: "auto", the default since 2026-12-07 "i", would copy it too.
    teacher = served_learner(
        config.with_overrides(distill_served_model=False),
        prepared,
        selection,
        propensity=propensity.for_learners,
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
    if oof:
        tick = time.perf_counter()
        record.update(_oof_signal(config, prepared, selection))
        record["oof_seconds"] = round(time.perf_counter() - tick, 2)
    if not shapes:
        return record
    for name in shapes:
        booster = _student(
            STUDENTS[name],
            rows.X,
            teacher,
            categorical=list(prepared.categorical),
            feature_names=list(prepared.feature_names),
            seed=seed,
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
    parser.add_argument(
        "--oof",
        action="store_true",
        help="also what the history's rows say about copy against teacher, fold by fold",
    )
    args = parser.parse_args()
    for seed in (int(s) for s in args.seeds.split(",")):
        shapes = tuple(name for name in args.shapes.split(",") if name)
        record = study(args.family, args.size, seed, shapes, oof=args.oof)
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
