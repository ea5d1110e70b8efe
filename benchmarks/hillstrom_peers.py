"""Hillstrom benchmark: our learners against causalml's meta-learners on the same split.

Trains training/configs/hillstrom.toml (Womens E-Mail vs No E-Mail, outcome visit; a fixed
stratified 50/50 split by arm x outcome, seed 0) through `training.pipeline.train` into a
temporary MLflow store, then fits causalml's S, T, X, R and DR meta-learners on LightGBM
(library defaults, seed 0) and scikit-uplift's class transformation on LightGBM on exactly the
training rows our pipeline used (fit + validation parts) and scores them on the same test rows.
Every ranking is evaluated with the same functions (training.evaluation: sklift definitions) and
the same seeded bootstrap (200 resamples, 90% intervals).

Needs the `bench` dependency group (causalml, scikit-uplift):
    uv run --group bench python benchmarks/hillstrom_peers.py
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from causalml.inference.meta import (
    BaseDRRegressor,
    BaseRClassifier,
    BaseSClassifier,
    BaseTClassifier,
    BaseXClassifier,
)
from lightgbm import LGBMClassifier, LGBMRegressor
from mlflow import MlflowClient
from rich.console import Console
from sklift.models import ClassTransformation

from models.features import feature_matrix, resolve_specs
from training import evaluation as ev
from training.config import CONFIG_DIR, load_config
from training.dataset import load_training_data
from training.pipeline import split_rows, train

RESAMPLES = 200
K = 0.3


def peers(seed: int) -> dict[str, Any]:
    """causalml meta-learners and sklift's class transformation, each on LightGBM."""

    def clf() -> LGBMClassifier:
        return LGBMClassifier(random_state=seed, verbose=-1)

    def reg() -> LGBMRegressor:
        return LGBMRegressor(random_state=seed, verbose=-1)

    return {
        "causalml S (BaseSClassifier)": BaseSClassifier(learner=clf()),
        "causalml T (BaseTClassifier)": BaseTClassifier(learner=clf()),
        "causalml X (BaseXClassifier)": BaseXClassifier(
            outcome_learner=clf(), effect_learner=reg()
        ),
        "causalml R (BaseRClassifier)": BaseRClassifier(
            outcome_learner=clf(), effect_learner=reg(), random_state=seed
        ),
        "causalml DR (BaseDRRegressor)": BaseDRRegressor(learner=reg()),
        "sklift ClassTransformation": ClassTransformation(clf()),
    }


def fit_predict(
    name: str,
    model: Any,
    *,
    X: np.ndarray,
    t: np.ndarray,
    y: np.ndarray,
    X_test: np.ndarray,
    share: float,
    seed: int,
) -> np.ndarray:
    if name.startswith("sklift"):
        model.fit(X, y, t)
        return np.asarray(model.predict(X_test), dtype=float)
    p = np.full(len(t), share)  # a randomised test: the known propensity
    if "BaseSClassifier" in name or "BaseTClassifier" in name:
        model.fit(X, t, y)
    elif "BaseDRRegressor" in name:
        model.fit(X, t, y, p=p, seed=seed)  # its cross-fitting folds are random otherwise
    else:
        model.fit(X, t, y, p=p)
    if "BaseRClassifier" in name:
        out = model.predict(X_test)
    elif "BaseXClassifier" in name or "BaseDRRegressor" in name:
        out = model.predict(X_test, p=np.full(len(X_test), share))
    else:
        out = model.predict(X_test)
    return np.asarray(out, dtype=float).reshape(len(X_test), -1)[:, 0]


def row(name: str, y: np.ndarray, score: np.ndarray, t: np.ndarray, seed: int) -> dict[str, Any]:
    intervals = ev.bootstrap_intervals(y, score, t, [K], resamples=RESAMPLES, seed=seed)
    return {
        "ranking": name,
        "qini": ev.qini_coefficient(y, score, t),
        "qini_ci": intervals["qini_coefficient"],
        "uplift30": ev.uplift_at_k(y, score, t, K, "by_group"),
        "uplift30_ci": intervals["uplift_at_30pct"],
        "uplift30_overall": ev.uplift_at_k(y, score, t, K, "overall"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=None, help="Override tuning trials.")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    config = load_config(CONFIG_DIR / "hillstrom.toml")
    if args.trials is not None:
        config = config.with_overrides(tuning={**config.tuning.model_dump(), "trials": args.trials})
    workdir = Path(tempfile.mkdtemp(prefix="hillstrom-bench-"))
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{workdir / 'mlflow.db'}"
    MlflowClient().create_experiment(
        config.experiment_name, artifact_location=(workdir / "artifacts").as_uri()
    )
    config = config.with_overrides(output_dir=workdir / "out")
    started = time.perf_counter()
    result = train(config, console=Console(quiet=True), show_progress=False)
    ours_seconds = time.perf_counter() - started

    # The same rows the pipeline used: same loading, same seeded split.
    assert config.data_path is not None
    data = load_training_data(config, Path(config.data_path))
    split = split_rows(data, config)
    train_rows = split.fit.append(split.validation)
    frame = data.frame
    specs = resolve_specs(frame.loc[split.fit], data.specs)
    X_train = feature_matrix(frame.loc[train_rows], specs)
    X_test = feature_matrix(frame.loc[split.test], specs)
    t_train = frame.loc[train_rows, data.treatment].to_numpy(float)
    y_train = frame.loc[train_rows, data.outcome].to_numpy(float)
    t_test = frame.loc[split.test, data.treatment].to_numpy(float)
    y_test = frame.loc[split.test, data.outcome].to_numpy(float)

    m = result.metrics
    rows: list[dict[str, Any]] = []
    for prefix, label in [
        ("learner_s/", "ours S"),
        ("learner_t/", "ours T"),
        ("learner_x/", "ours X"),
        ("learner_dr/", "ours DR"),
        ("", f"ours chosen ({result.chosen_learner.upper()}, served model)"),
        ("ref_response/", "response model p(y|treated)"),
        ("ref_random/", "random"),
    ]:
        if f"{prefix}qini_coefficient" not in m:
            continue
        rows.append(
            {
                "ranking": label,
                "qini": m[f"{prefix}qini_coefficient"],
                "qini_ci": (
                    m[f"{prefix}qini_coefficient_ci05"],
                    m[f"{prefix}qini_coefficient_ci95"],
                ),
                "uplift30": m[f"{prefix}uplift_at_30pct"],
                "uplift30_ci": (
                    m[f"{prefix}uplift_at_30pct_ci05"],
                    m[f"{prefix}uplift_at_30pct_ci95"],
                ),
                "uplift30_overall": m[f"{prefix}uplift_at_30pct_overall"],
            }
        )
    share = float(t_train.mean())
    timings = {"ours (whole pipeline, incl. tuning and logging)": ours_seconds}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, model in peers(config.seed).items():
            tick = time.perf_counter()
            score = fit_predict(
                name,
                model,
                X=X_train,
                t=t_train,
                y=y_train,
                X_test=X_test,
                share=share,
                seed=config.seed,
            )
            timings[name] = time.perf_counter() - tick
            rows.append(row(name, y_test, score, t_test, config.seed))

    print(
        f"\n### Hillstrom (Womens E-Mail vs No E-Mail, outcome visit), stratified 50/50 split, "
        f"seed {config.seed}: {len(y_train):,} training rows, {len(y_test):,} test rows\n"
    )
    print(
        "| ranking | Qini coefficient [90% CI] | uplift@30% by_group [90% CI] "
        "| uplift@30% overall |"
    )
    print("|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['ranking']} | {r['qini']:.4f} [{r['qini_ci'][0]:.4f}, {r['qini_ci'][1]:.4f}] "
            f"| {r['uplift30']:.4f} [{r['uplift30_ci'][0]:.4f}, {r['uplift30_ci'][1]:.4f}] "
            f"| {r['uplift30_overall']:.4f} |"
        )
    print("\n| model | seconds |\n|---|---|")
    for name, seconds in timings.items():
        print(f"| {name} | {seconds:.1f} |")
    peers_rows = [r for r in rows if r["ranking"].startswith("causalml")]
    best_peer = max(peers_rows, key=lambda r: float(r["qini"]))
    chosen = next(r for r in rows if r["ranking"].startswith("ours chosen"))
    print(
        f"\nbest causalml peer by Qini: {best_peer['ranking']} {best_peer['qini']:.4f}; "
        f"ours chosen {chosen['qini']:.4f} -> "
        f"{'at least as good' if chosen['qini'] >= best_peer['qini'] else 'WORSE'}"
    )
    if args.json is not None:
        args.json.write_text(json.dumps({"rows": rows, "timings": timings}, indent=1))


if __name__ == "__main__":
    main()
