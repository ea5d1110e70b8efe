"""Does the Qini on a confounded history rank models as their true effect does?

The learner choice, the evidence check and the promotion gate judge a ranking by its Qini
on a mentoring history, where mentors, not a lottery, chose who was mentored. This study asks
how often that judgement agrees with the truth, against the Qini weighted by the inverse of
each row's estimated chance of its arm (IPW: treated rows by 1 / e(x), the others by
1 / (1 - e(x))), which removes the part of the treated-against-control difference that the
choice of mentees makes.

Per world and seed: five models (our default pipeline and causalml S, T, X and DR, as in
`zoo.py`) are trained on the world's history of `--size` rows; each scores a second,
independent history of the same world (seed + 100: its own draw of mentees and outcomes),
whose true effects are known. On that assessment history: the raw and the IPW Qini of each
model (propensity cross-fitted on the assessment rows, LightGBM with the peers' settings,
clipped to [0.02, 0.98]) and its true oracle share at 10%. For every pair of models, does the
metric order them as the oracle share does? Reported: the share of pairs ordered rightly
(weighted by how far apart their oracle shares are) and the mean Spearman correlation.

    uv run --group bench python benchmarks/metric_study.py --size 20000 --seeds 0,1,2 \
        --output benchmarks/results/metric-study.jsonl
    uv run --group bench python benchmarks/metric_study.py \
        --table benchmarks/results/metric-study.jsonl
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import itertools
import json
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import zoo
import zoo_worlds
from zoo_worlds import FAMILIES, HELD_OUT, MSME_FAMILIES

ASSESS_SEED_OFFSET = 100
CLIP = 0.02
_ORIGINAL_FINISH = zoo_worlds._finish_msme
_LAST_TRUTH: list[np.ndarray] = []
_OUTSIDE = (
    "zoo_blind_worlds",
    "zoo_heldout_worlds",
    "zoo_reserve_worlds",
    "zoo_reserve_gh_worlds",
    "zoo_reserve_ij_worlds",
    "zoo_reserve_kl_worlds",
)


def _finish_keeping_truth(frame: pd.DataFrame, p0: Any, uplift: Any, propensity: Any, **kw: Any):  # type: ignore[no-untyped-def]
    """`_finish_msme`, also keeping the history rows' true effect (`history_truth`)."""
    world = _ORIGINAL_FINISH(frame, p0, uplift, propensity, **kw)
    true = np.clip(np.asarray(p0) + np.asarray(uplift), 0.0, 1.0) - np.asarray(p0)
    _LAST_TRUTH[:] = [true[: kw["n_history"]]]  # a world may rebuild the World (blind A, B)
    return world


def _patch() -> None:
    zoo_worlds._finish_msme = _finish_keeping_truth
    for name in _OUTSIDE:
        module = importlib.import_module(name)
        module._finish_msme = _finish_keeping_truth  # type: ignore[attr-defined]


def _assessment(family: str, size: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """An independent history of the world with its rows' true effects (offline rows only)."""
    if family == "simulator":
        from data.simulate import simulate

        sim = simulate(rows=size, seed=seed, candidates=1)
        history = sim.history[sim.history["digital_status"] != "digital"].reset_index(drop=True)
        by_id = sim.truth.set_index("msme_id")["true_uplift"]
        return history, by_id.reindex(history["msme_id"]).to_numpy(float)
    world = FAMILIES[family](size, seed)
    truth: np.ndarray = np.asarray(_LAST_TRUTH[0], dtype=float)
    if len(truth) != len(world.history):
        raise RuntimeError(
            f"{family}: the truth kept has {len(truth)} rows, not {len(world.history)}"
        )
    return world.history, truth


def _propensity(X: np.ndarray, t: np.ndarray, seed: int) -> np.ndarray:
    from lightgbm import LGBMClassifier
    from sklearn.model_selection import cross_val_predict

    model = LGBMClassifier(random_state=seed, **zoo.PEER_PARAMS)
    p = np.asarray(cross_val_predict(model, X, t.astype(int), cv=5, method="predict_proba"))
    clipped: np.ndarray = np.clip(p[:, 1], CLIP, 1 - CLIP)
    return clipped


def _metrics(
    y: np.ndarray, t: np.ndarray, e: np.ndarray, truth: np.ndarray, score: np.ndarray
) -> dict[str, float]:
    from training import evaluation as ev
    from training import metric_kernels as kernels

    ipw = np.where(t == 1, 1.0 / e, 1.0 / (1.0 - e))[None, :]
    return {
        "qini": float(kernels.qini_coefficients(y, t, score, None)[0]),
        "qini_ipw": float(kernels.qini_coefficients(y, t, score, ipw)[0]),
        "oracle_0.10": ev.oracle_share(truth, score, 0.10),
    }


def run(family: str, size: int, seed: int, output: Path) -> None:
    world = FAMILIES[family](size, seed)
    history, truth = _assessment(family, size, seed + ASSESS_SEED_OFFSET)
    features = history.drop(columns=["mentored", "digitalized"])
    judged = dataclasses.replace(world, evaluation=features, true_uplift=truth)
    y = history["digitalized"].astype(bool).to_numpy(float)
    t = history["mentored"].astype(bool).to_numpy(float)
    *_, X_assess = zoo._matrices(judged)
    e = _propensity(X_assess, t, seed)
    scores: dict[str, np.ndarray] = {}
    scores["ours"], _ = zoo.run_pipeline(judged)
    Xh, th, yh, _ = zoo._matrices(world)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, (score, _) in zoo.run_peers(Xh, th, yh, X_assess, seed).items():
            scores[name] = score
    with output.open("a", encoding="utf-8") as handle:
        for name, score in scores.items():
            record = {"family": family, "size": size, "seed": seed, "model": name}
            record |= _metrics(y, t, e, truth, score)
            record["mentored_share"] = float(t.mean())
            record["outside_005_095"] = float(np.mean((e < 0.05) | (e > 0.95)))
            handle.write(json.dumps(record) + "\n")


def table(paths: Iterable[Path]) -> str:
    from scipy.stats import spearmanr

    frame = pd.concat([pd.read_json(p, lines=True) for p in paths], ignore_index=True)
    rows = []
    for (family, size), part in frame.groupby(["family", "size"], sort=False):
        agree = {"qini": [0.0, 0.0], "qini_ipw": [0.0, 0.0]}
        rho: dict[str, list[float]] = {"qini": [], "qini_ipw": []}
        top = {"qini": 0, "qini_ipw": 0}
        seeds = 0
        for _, by_seed in part.groupby("seed"):
            seeds += 1
            one = by_seed.set_index("model")
            truth = one["oracle_0.10"]
            for metric, weighed in agree.items():
                for a, b in itertools.combinations(one.index, 2):
                    gap = truth[a] - truth[b]
                    if gap == 0:
                        continue
                    right = np.sign(one.loc[a, metric] - one.loc[b, metric]) == np.sign(gap)
                    weighed[0] += abs(gap) * right
                    weighed[1] += abs(gap)
                rho[metric].append(float(spearmanr(one[metric], truth).statistic))
                top[metric] += int(one[metric].idxmax() == truth.idxmax())
        rows.append(
            f"| {family} | {size:,} | {seeds} | {part['outside_005_095'].mean():.1%} | "
            + " | ".join(
                f"{agree[m][0] / agree[m][1]:.2f} / {np.mean(rho[m]):+.2f} / {top[m]}"
                for m in ("qini", "qini_ipw")
            )
            + " |"
        )
    head = (
        "| world | rows | seeds | e(x) outside [0.05, 0.95] | raw Qini: pairs right (weighted) / "
        "Spearman / best found | IPW Qini: the same |\n|---|---|---|---|---|---|"
    )
    return head + "\n" + "\n".join(rows)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--families",
        default=",".join(f for f in MSME_FAMILIES if f not in HELD_OUT and "lottery" not in f),
    )
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument(
        "--output", type=Path, default=Path("benchmarks/results/metric-study.jsonl")
    )
    parser.add_argument("--table", type=Path, nargs="*")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.table:
        print(table(args.table))
        return
    _patch()
    for family in args.families.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            run(family, args.size, seed, args.output)
            print(f"{family} {args.size} seed {seed} done", flush=True)


if __name__ == "__main__":
    main()
