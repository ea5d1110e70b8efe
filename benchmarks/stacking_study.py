"""How to combine S, T and X: the study behind the stacked ensemble (`training.stacking`).

`collect` cross-fits our S, T and X learners (the pipeline's folds for the history's size, the
default LightGBM settings) on each zoo world's history, refits each on every row and saves, per
world, the out-of-fold uplift and chances, the cross-fitted propensity and each learner's uplift
for the world's evaluation population (with its true uplift, or its arm and outcome where there
is no truth). `table` then applies every combination rule to the saved predictions, so the rules
are compared on exactly the same fits: share of the oracle's extra outcomes at 10% capacity
(Qini where there is no truth), mean over seeds. The rules are judged on raw learner outputs (no
per-arm calibration): the served model's figures come from the zoo (`benchmarks/zoo.py`).

    uv run --group bench python benchmarks/stacking_study.py collect --out study/ \\
        --families simulator,msme_access,msme_against,nw_a,nw_d,cm_classification \\
        --sizes 5000,20000,60000 --seeds 0,1,2
    uv run --group bench python benchmarks/stacking_study.py collect --out study/ --hillstrom 20
    uv run --group bench python benchmarks/stacking_study.py collect --out study/ \\
        --families simulator,msme_access,msme_against,nw_a,nw_d,cm_classification \\
        --sizes 200000 --seeds 0,1
    uv run --group bench python benchmarks/stacking_study.py table --out study/
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if TYPE_CHECKING:
    from zoo_worlds import World

LEARNERS = ("s", "t", "x")
Rule = Callable[[dict[str, np.ndarray]], np.ndarray]


def collect(world: World, path: Path, seed: int, params: dict[str, Any]) -> None:
    """Out-of-fold and evaluation predictions of S, T and X on one world, saved to ``path``
    (``params``: LightGBM settings for every learner, e.g. a lever to study)."""
    from zoo import _config_for

    from models.features import feature_matrix
    from models.propensity import stratified_folds
    from training import crossfit
    from training.events import ignore
    from training.prepare import prepare
    from training.propensity import crossfit_rows

    work = Path(tempfile.mkdtemp(prefix="study-"))
    history = work / "history.parquet"
    world.history.to_parquet(history, index=False)
    config = _config_for(world, history, work / "out").with_overrides(seed=seed)
    prepared = prepare(config, history, work / "out", ignore)
    evaluation = world.evaluation
    if world.msme:
        X_eval = feature_matrix(evaluation, prepared.specs)
    else:
        X_eval = evaluation[list(world.features)].to_numpy(float)
    cv, rows = prepared.cv_rows, prepared.all_rows
    fold_of = stratified_folds(cv.t * 2 + cv.y, prepared.folds, config.seed)  # as the pipeline
    saved: dict[str, Any] = {
        "t": cv.t,
        "y": cv.y,
        "e": crossfit_rows(config, prepared, cv).scores_clipped,
    }
    cat, names = prepared.categorical, prepared.feature_names
    for name in LEARNERS:
        oof = crossfit.crossfit_learner(
            name, params, cv.X, cv.t, cv.y, fold_of=fold_of, propensity=None, seed=seed,
            categorical=cat, feature_names=names,
        )  # fmt: skip
        learner = crossfit._fit(
            name, params, rows.X, rows.t, rows.y, propensity=None, seed=seed,
            categorical=cat, feature_names=names,
        )  # fmt: skip
        saved |= {f"oof_{name}": oof.uplift, f"oofp1_{name}": oof.p1, f"oofp0_{name}": oof.p0}
        saved[f"eval_{name}"] = learner.predict_matrix(X_eval).uplift
    if world.true_uplift is not None:
        saved["truth"] = world.true_uplift
    else:
        saved["ey"] = evaluation["y"].to_numpy(float)
        saved["et"] = evaluation["w"].to_numpy(float)
    np.savez(path, **saved)


# ----------------------------------------------------------------------------- rules


def _qinis(d: dict[str, np.ndarray]) -> dict[str, tuple[float, tuple[float, float]]]:
    from training.crossfit import qini_with_interval

    return {
        n: qini_with_interval(d["y"], d["t"], d[f"oof_{n}"], resamples=100, seed=0)
        for n in LEARNERS
    }


def _combine(d: dict[str, np.ndarray], names: tuple[str, ...], w: np.ndarray) -> np.ndarray:
    return sum((w[i] * d[f"eval_{n}"] for i, n in enumerate(names)), np.zeros(1))


def _rloss_weights(d: dict[str, np.ndarray], names: tuple[str, ...], e: np.ndarray) -> np.ndarray:
    """R-loss weights (non-negative, free constant), scaled to sum to 1; m(x) from S."""
    from scipy.optimize import lsq_linear

    t, y = d["t"], d["y"]
    m = e * d["oofp1_s"] + (1 - e) * d["oofp0_s"]
    design = np.column_stack([(t - e) * d[f"oof_{n}"] for n in names] + [t - e])
    lower = [0.0] * len(names) + [-np.inf]
    w = lsq_linear(design, y - m, bounds=(lower, [np.inf] * (len(names) + 1))).x[: len(names)]
    return w / w.sum() if w.sum() > 0 else np.full(len(names), 1 / len(names))


def _propensity(d: dict[str, np.ndarray], check: bool) -> np.ndarray:
    """The cross-fitted propensity; with ``check``, the constant when it is no better."""
    from training.stacking import nuisance_propensity

    return nuisance_propensity(d["t"], d["e"]) if check else d["e"]


def rules(d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every combination rule's uplift for the evaluation population."""
    q = _qinis(d)
    out = {n: d[f"eval_{n}"] for n in LEARNERS}
    best = max(("s", "x"), key=lambda n: q[n][0])
    overlap = tuple(n for n in ("s", "x") if q[n][1][1] >= q[best][1][0] and q[n][0] > 0)
    out["old: mean of S, X if intervals overlap"] = (
        _combine(d, overlap, np.full(len(overlap), 1 / len(overlap)))
        if len(overlap) >= 2
        else d[f"eval_{best}"]
    )
    out["mean of S, T, X"] = _combine(d, LEARNERS, np.full(3, 1 / 3))
    for check in (False, True):
        e = _propensity(d, check)
        tag = " (propensity checked)" if check else ""
        out[f"R-stack S, X{tag}"] = _combine(d, ("s", "x"), _rloss_weights(d, ("s", "x"), e))
        out[f"R-stack S, T, X{tag}"] = _combine(d, LEARNERS, _rloss_weights(d, LEARNERS, e))
    # The served family of rules: S and X, T when its Qini is the highest, propensity checked;
    # the weights moved back to equal weights by a fixed share, or by a prior worth n0 rows
    # (share n0 / (n0 + rows), `training.stacking.prior_shrinkage`).
    from training.stacking import prior_shrinkage

    e = _propensity(d, True)
    t_best = q["t"][0] > max(q["s"][0], q["x"][0])
    names = LEARNERS if t_best else ("s", "x")
    w = _rloss_weights(d, names, e)
    shares = {f"shrink {s}": s for s in (0.0, 0.5)} | {
        f"prior {n0:,} rows": prior_shrinkage(len(d["t"]), n0) for n0 in (10_000, 20_000, 40_000)
    }
    for label, share in shares.items():
        weights = (1 - share) * w + share / len(names)
        out[f"S, X (+T if best) R-stack, {label}"] = _combine(d, names, weights)
    # Small histories: the prior leaning towards S (pooled, the most data-efficient member).
    share = prior_shrinkage(len(d["t"]), 20_000)  # the served prior, also used below
    # S alone where its own out-of-fold Qini beats the served stack's (2026-12-08: reserve AC,
    # where S alone ranked 0.010 above the stack): at all, or by its interval's lower end.
    from training.crossfit import qini_with_interval

    served = (1 - share) * w + share / len(names)
    stack_oof = sum((served[i] * d[f"oof_{n}"] for i, n in enumerate(names)), np.zeros(1))
    stack_q = qini_with_interval(d["y"], d["t"], stack_oof, resamples=100, seed=0)
    served_eval = out["S, X (+T if best) R-stack, prior 20,000 rows"]
    out["S alone if its Qini beats the served stack's"] = (
        d["eval_s"] if q["s"][0] > stack_q[0] else served_eval
    )
    out["S alone if its Qini's lower end beats the served stack's Qini"] = (
        d["eval_s"] if q["s"][1][0] > stack_q[0] else served_eval
    )
    for lean in (0.67, 0.8):
        leaning = np.array([lean if n == "s" else (1 - lean) / (len(names) - 1) for n in names])
        out[f"S, X (+T if best) R-stack, prior 20,000 rows, {lean:.0%} on S"] = _combine(
            d, names, (1 - share) * w + share * leaning
        )
    # T always a candidate, the prior giving it no weight (T hurt the simulator when averaged in).
    w_all = _rloss_weights(d, LEARNERS, e)
    prior = np.array([0.5, 0.0, 0.5])
    out["S, T, X R-stack, prior 20,000 rows on S, X"] = _combine(
        d, LEARNERS, (1 - share) * w_all + share * prior
    )
    return out


def score(d: dict[str, np.ndarray], uplift: np.ndarray) -> float:
    from training import evaluation as ev

    if "truth" in d:
        return float(ev.oracle_share(d["truth"], uplift, 0.1))
    return float(ev.qini_coefficient(d["ey"], uplift, d["et"]))


def table(folder: Path) -> str:
    """Mean score per rule (rows) and world group (columns), as Markdown."""
    found: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(folder.glob("*.npz")):
        group = path.stem.rsplit("_", 1)[0]
        d = dict(np.load(path))
        for rule, uplift in rules(d).items():
            found[group][rule].append(score(d, uplift))
    groups = sorted(found)
    names = list(next(iter(found.values())))
    lines = ["| rule | " + " | ".join(groups) + " |", "|---" * (len(groups) + 1) + "|"]
    for rule in names:
        cells = [f"{np.mean(found[g][rule]):.4f}" for g in groups]
        lines.append(f"| {rule} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("collect", "table"))
    parser.add_argument("--out", type=Path, required=True, help="Folder of the saved predictions.")
    parser.add_argument("--families", default="")
    parser.add_argument("--sizes", default="20000")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--hillstrom", type=int, default=0, help="Hillstrom splits to collect.")
    parser.add_argument("--params", default="{}", help="JSON of LightGBM settings (a lever).")
    args = parser.parse_args()
    if args.what == "table":
        print(table(args.out))
        return
    from zoo import hillstrom_world
    from zoo_worlds import FAMILIES

    args.out.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[str, Callable[[], World], int]] = [
        (f"hillstrom_{split}", functools.partial(hillstrom_world, split), 0)
        for split in range(args.hillstrom)
    ]
    for size in (int(s) for s in args.sizes.split(",") if s):
        for family in (f for f in args.families.split(",") if f):
            for seed in (int(s) for s in args.seeds.split(",") if s):
                jobs.append(
                    (
                        f"{family}_{size}_{seed}",
                        functools.partial(FAMILIES[family], size, seed),
                        seed,
                    )
                )
    for tag, make, seed in jobs:
        path = args.out / f"{tag}.npz"
        if path.exists():
            continue
        tick = time.perf_counter()
        collect(make(), path, seed, json.loads(args.params))
        print(f"{tag}: {time.perf_counter() - tick:.0f} s", flush=True)


if __name__ == "__main__":
    main()
