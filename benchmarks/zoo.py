"""The evaluation zoo: our default pipeline beside causalml's meta-learners on worlds with known
effects (`benchmarks/zoo_worlds.py`) and on Hillstrom over random stratified 50/50 splits.

For each family, size and seed: the world's history is written to a Parquet file and trained with
`umkm train`'s defaults (`training.pipeline.train`, the MSME config or the generic config for
non-MSME tables) into a temporary SQLite MLflow store; the registered version is loaded as an
MLflow model and scores the world's evaluation population. In the same run, causalml S/T/X/DR on
LightGBM with fixed defaults (200 trees, learning rate 0.05, 15 leaves, min_child_samples 100,
categories as integer codes) are trained on **all** the rows the pipeline was given. Reported:
share of the oracle's extra outcomes at 5/10/20% capacity (truth known), or the normalised Qini
coefficient and uplift@30% on a randomised held-out part (no row-level truth).

Results are appended to a JSON-lines file (one line per model and run), so a run can be resumed
and `--table` turns the file into the Markdown tables of docs/results.md.

    uv run --group bench python benchmarks/zoo.py --out benchmarks/results/zoo.jsonl
    uv run --group bench python benchmarks/zoo.py --table benchmarks/results/zoo.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zoo_worlds import FAMILIES, HELD_OUT, MSME_FAMILIES, World

SIZES = (5_000, 20_000, 60_000, 200_000)
CAPACITIES = (0.05, 0.1, 0.2)
PEER_PARAMS: dict[str, Any] = {
    "n_estimators": 200,
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_child_samples": 100,
    "verbose": -1,
}


def _shared() -> Path:
    """The shared data folder (UMKM_SHARED_DATA, else ../shared/data beside the project)."""
    from data.reference import ReferenceSettings

    return ReferenceSettings().shared_data


# ----------------------------------------------------------------------------- our pipeline


def _config_for(world: World, data_path: Path, out: Path) -> Any:
    from training.config import FeatureConfig, TrainConfig

    if world.msme:
        return TrainConfig(data_path=data_path, output_dir=out)
    return TrainConfig(
        data_path=data_path,
        output_dir=out,
        contract="none",
        id_column=None,
        treatment_column="w",
        outcome_column="y",
        features=tuple(FeatureConfig(name=n, kind="numeric") for n in world.features),
        group_columns=(),
        model_name="zoo",
        experiment_name="zoo",
    )


def run_pipeline(
    world: World, config_overrides: dict[str, Any] | None = None
) -> tuple[np.ndarray, dict[str, Any]]:
    """Train the default pipeline on the world's history; uplift for the evaluation rows."""
    from mlflow import MlflowClient

    from models.pyfunc import load_uplift_model
    from training.pipeline import train

    workdir = Path(tempfile.mkdtemp(prefix="zoo-"))
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{workdir / 'mlflow.db'}"
    data_path = workdir / "history.parquet"
    world.history.to_parquet(data_path, index=False)
    config = _config_for(world, data_path, workdir / "out")
    if config_overrides:
        config = config.with_overrides(**config_overrides)
    MlflowClient().create_experiment(
        config.experiment_name, artifact_location=(workdir / "artifacts").as_uri()
    )
    started = time.perf_counter()
    result = train(config)
    seconds = time.perf_counter() - started
    model = load_uplift_model(f"models:/{config.model_name}/{result.version}")
    uplift = model.predict(world.evaluation)["uplift"].to_numpy(float)
    info = {
        "seconds": seconds,
        "chosen": result.chosen_learner,
        "weak_evidence": bool(result.metrics.get("weak_evidence", 0.0)),
    }
    return uplift, info


# ----------------------------------------------------------------------------- peers


def _matrices(world: World) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features as floats (categories as integer codes), arm and outcome of the history; the
    evaluation rows' features."""
    if not world.msme:
        cols = list(world.features)
        return (
            world.history[cols].to_numpy(float),
            world.history["w"].to_numpy(float),
            world.history["y"].to_numpy(float),
            world.evaluation[cols].to_numpy(float),
        )
    from models.features import feature_matrix, msme_feature_specs

    specs = msme_feature_specs()
    hist = world.history
    if "digital_status" in hist.columns:
        hist = hist[hist["digital_status"] != "digital"]
    return (
        feature_matrix(hist, specs),
        hist["mentored"].astype(bool).to_numpy(float),
        hist["digitalized"].astype(bool).to_numpy(float),
        feature_matrix(world.evaluation, specs),
    )


def run_peers(
    X: np.ndarray, t: np.ndarray, y: np.ndarray, X_eval: np.ndarray, seed: int
) -> dict[str, tuple[np.ndarray, float]]:
    """causalml S/T/X/DR on LightGBM with the fixed defaults, trained on all rows given."""
    from causalml.inference.meta import (
        BaseDRRegressor,
        BaseSClassifier,
        BaseTClassifier,
        BaseXClassifier,
    )
    from lightgbm import LGBMClassifier, LGBMRegressor
    from sklearn.model_selection import cross_val_predict

    def clf() -> LGBMClassifier:
        return LGBMClassifier(random_state=seed, **PEER_PARAMS)

    def reg() -> LGBMRegressor:
        return LGBMRegressor(random_state=seed, **PEER_PARAMS)

    out: dict[str, tuple[np.ndarray, float]] = {}
    tick = time.perf_counter()
    # One propensity for X and DR (their built-in ElasticNet cannot take missing values).
    p = np.asarray(cross_val_predict(clf(), X, t.astype(int), cv=5, method="predict_proba"))
    p = np.clip(p[:, 1], 0.02, 0.98)
    p_eval = np.asarray(clf().fit(X, t.astype(int)).predict_proba(X_eval))
    p_eval = np.clip(p_eval[:, 1], 0.02, 0.98)
    p_seconds = time.perf_counter() - tick
    models: dict[str, Any] = {
        "causalml_s": BaseSClassifier(learner=clf()),
        "causalml_t": BaseTClassifier(learner=clf()),
        "causalml_x": BaseXClassifier(outcome_learner=clf(), effect_learner=reg()),
        "causalml_dr": BaseDRRegressor(learner=reg()),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, model in models.items():
            tick = time.perf_counter()
            if name in ("causalml_s", "causalml_t"):
                model.fit(X, t, y)
                score = model.predict(X_eval)
            elif name == "causalml_dr":
                model.fit(X, t, y, p=p, seed=seed)
                score = model.predict(X_eval, p=p_eval)
            else:
                model.fit(X, t, y, p=p)
                score = model.predict(X_eval, p=p_eval)
            seconds = (
                time.perf_counter()
                - tick
                + (0 if name in ("causalml_s", "causalml_t") else p_seconds)
            )
            out[name] = (np.asarray(score, dtype=float).reshape(len(X_eval), -1)[:, 0], seconds)
    return out


# ----------------------------------------------------------------------------- metrics


def _scores(world: World, uplift: np.ndarray) -> dict[str, float]:
    from training import evaluation as ev

    if world.true_uplift is not None:
        truth = world.true_uplift
        return {f"oracle_{k:.2f}": ev.oracle_share(truth, uplift, k) for k in CAPACITIES}
    y = world.evaluation["y"].to_numpy(float)
    t = world.evaluation["w"].to_numpy(float)
    return {
        "qini": ev.qini_coefficient(y, uplift, t),
        "uplift30": ev.uplift_at_k(y, uplift, t, 0.3, "by_group"),
    }


def _append(path: Path, record: dict[str, Any]) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


def _done(path: Path) -> set[tuple[str, int, int]]:
    if not path.exists():
        return set()
    keys = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["model"] == "ours":
            keys.add((r["family"], r["size"], r["seed"]))
    return keys


def run_world(
    family: str, size: int, seed: int, out: Path, overrides: dict[str, Any], *, peers: bool = True
) -> None:
    compare(FAMILIES[family](size, seed), seed, out, overrides, peers=peers)


def compare(
    world: World, seed: int, out: Path, overrides: dict[str, Any], *, peers: bool = True
) -> None:
    """Ours and the peers on one world, one JSON line each (``peers`` false: ours alone, for
    a change of ours measured beside peers' lines already recorded for the same worlds; the
    worlds and the peers are seeded, so their lines would be the same)."""
    base = {"family": world.family, "size": len(world.history), "seed": seed}
    uplift, info = run_pipeline(world, overrides)
    _append(out, {**base, "model": "ours", **info, **_scores(world, uplift)})
    if not peers:
        return
    X, t, y, X_eval = _matrices(world)
    for name, (score, seconds) in run_peers(X, t, y, X_eval, seed).items():
        _append(out, {**base, "model": name, "seconds": seconds, **_scores(world, score)})


# ----------------------------------------------------------------------------- Hillstrom


def hillstrom_world(split: int) -> World:
    """Womens E-Mail vs No E-Mail, outcome visit; a random stratified 50/50 split."""
    from sklearn.model_selection import train_test_split

    frame = pd.read_csv(_shared() / "hillstrom.csv")
    frame = frame[frame["segment"].isin(["Womens E-Mail", "No E-Mail"])].reset_index(drop=True)
    features = ("recency", "history", "mens", "womens", "newbie", "zip", "channel", "hseg")
    X = pd.DataFrame(
        {
            "recency": frame["recency"],
            "history": frame["history"],
            "mens": frame["mens"],
            "womens": frame["womens"],
            "newbie": frame["newbie"],
            "zip": frame["zip_code"].map({"Rural": 0, "Surburban": 1, "Urban": 2}),
            "channel": frame["channel"].map({"Multichannel": 0, "Phone": 1, "Web": 2}),
            "hseg": frame["history_segment"].str[0].astype(int),
        }
    )
    w = (frame["segment"] == "Womens E-Mail").astype(int)
    y = frame["visit"].astype(int)
    table = X.copy()
    table.columns = [f"x{j + 1}" for j in range(len(features))]
    table["w"], table["y"] = w, y
    train, test = train_test_split(
        table, test_size=0.5, random_state=1000 + split, stratify=w * 2 + y
    )
    names = tuple(f"x{j + 1}" for j in range(len(features)))
    return World(
        "hillstrom", False, train.reset_index(drop=True), test.reset_index(drop=True), None, names
    )


# ----------------------------------------------------------------------------- tables


def _with_metric(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``metric`` column: the oracle share at 10%, or the Qini where there is no
    truth."""
    frame = frame.assign(metric=frame.get("oracle_0.10", np.nan)).copy()
    if "qini" in frame:
        frame["metric"] = frame["metric"].fillna(frame["qini"])
    return frame


def summary(frame: pd.DataFrame) -> list[str]:
    """One line per family, one column per size: ours against the best causalml learner (oracle
    share at 10%, or Qini where there is no truth), means over seeds; bold: the higher."""
    frame = _with_metric(frame)
    sizes = sorted(frame["size"].unique())
    lines = [
        "| family | " + " | ".join(f"{size:,} rows" for size in sizes) + " |",
        "|---" * (len(sizes) + 1) + "|",
    ]
    for family, part in frame.groupby("family", sort=False):
        cells = []
        for size in sizes:
            cell = part[part["size"] == size]
            mean = cell.groupby("model")["metric"].mean()
            if "ours" not in mean.index or len(mean) < 2:
                cells.append("–")
                continue
            peers = mean.drop(index="ours")
            best = str(peers.idxmax())
            ours, peer = mean["ours"], peers[best]
            digits = 3 if "oracle_0.10" in cell and cell["oracle_0.10"].notna().any() else 4
            a, b = f"{ours:.{digits}f}", f"{peer:.{digits}f}"
            a, b = (f"**{a}**", b) if ours >= peer else (a, f"**{b}**")
            name = best.removeprefix("causalml_").upper()
            cells.append(f"{a} vs {b} ({name}, {cell['seed'].nunique()})")
        lines.append(f"| {family} | " + " | ".join(cells) + " |")
    return lines


def read_lines(paths: Iterable[Path], peers_from: Iterable[Path] = ()) -> pd.DataFrame:
    """The result lines of ``paths``, after the peers' lines of ``peers_from`` (an ours-only
    rerun read beside an earlier run's peers). Where a (family, size, seed, model) repeats, the
    later line counts; a seed that lacks ours or every peer is left out, so that ours and the
    peers are always compared on the same seeds."""

    def lines(path: Path) -> list[dict[str, Any]]:
        text = path.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    rows = [row for path in peers_from for row in lines(path) if row["model"] != "ours"]
    rows += [row for path in paths for row in lines(path)]
    frame = pd.DataFrame(rows)
    keys = ["family", "size", "seed", "model"]
    frame = frame.drop_duplicates(subset=keys, keep="last")
    cell = frame.groupby(keys[:3])["model"]
    has_ours = cell.transform(lambda models: (models == "ours").any())
    has_peer = cell.transform(lambda models: (models != "ours").any())
    return frame[has_ours & has_peer].reset_index(drop=True)


def stored_shares(stored: pd.DataFrame, family: str, size: int, seed: int) -> dict[str, float]:
    """The oracle share at 10% of each model with a line for one world and seed in ``stored``
    (``read_lines``), by model: what a probe prints beside its own learner's."""
    same = stored[
        (stored["family"] == family) & (stored["size"] == size) & (stored["seed"] == seed)
    ]
    return {str(row["model"]): float(row["oracle_0.10"]) for _, row in same.iterrows()}


def require_shared_data(families: Iterable[str]) -> None:
    """Stop unless the shared data folder holds what ``families`` are drawn from.

    The MSME worlds draw provinces by population from ``provinces_38.csv``; without it the
    simulator weights them equally and quietly draws other worlds, whose lines would not pair
    with the stored ones. Hillstrom is read from the same folder.
    """
    from data.reference import SharedDataMissingError, province_figures

    names = set(families)
    if names & set(MSME_FAMILIES):
        try:
            province_figures()
        except SharedDataMissingError as missing:
            raise SystemExit(
                f"{missing.filename} not found: the MSME worlds draw provinces by population "
                "from it (set UMKM_SHARED_DATA, or run from a clone beside ../shared)"
            ) from missing
    hillstrom = _shared() / "hillstrom.csv"
    if "hillstrom" in names and not hillstrom.exists():
        raise SystemExit(f"{hillstrom} not found: Hillstrom is read from it")


def probe_worlds(cells: str) -> Iterator[tuple[int, World]]:
    """The worlds a probe's ``--cells`` name (``family:size:seed+seed,...``), with their seeds."""
    require_shared_data(cell.split(":")[0] for cell in cells.split(","))
    for cell in cells.split(","):
        family, size, seeds = cell.split(":")
        for seed in (int(s) for s in seeds.split("+")):
            yield seed, FAMILIES[family](int(size), seed)


def share_at_10(world: World, uplift: np.ndarray) -> float:
    """The oracle share at 10% capacity of a ranking of the world's evaluation rows."""
    from training import evaluation as ev

    assert world.true_uplift is not None
    return float(ev.oracle_share(world.true_uplift, uplift, 0.1))


def probe_line(
    stored: pd.DataFrame, world: World, seed: int, name: str, uplift: np.ndarray
) -> tuple[dict[str, Any], float | None]:
    """A probe's line for one world and seed: its learner's oracle share at 10% under ``name``,
    beside the recorded shares of ours and causalml's S and X (``stored_shares``); and its gap
    to ours (None where ours has no line)."""
    share = share_at_10(world, uplift)
    known = stored_shares(stored, world.family, len(world.history), seed)
    line: dict[str, Any] = {"family": world.family, "size": len(world.history), "seed": seed}
    line[name] = round(share, 4)
    line |= {k: round(v, 4) for k, v in known.items() if k in ("ours", "causalml_s", "causalml_x")}
    return line, (share - known["ours"] if "ours" in known else None)


def print_spread(name: str, gaps: list[float]) -> None:
    """A probe's paired differences: their mean, standard error and how many are above 0."""
    if len(gaps) > 1:
        print(
            f"{name}: mean {statistics.mean(gaps):+.4f}, "
            f"se {statistics.stdev(gaps) / len(gaps) ** 0.5:.4f}, "
            f"higher in {sum(g > 0 for g in gaps)} of {len(gaps)}"
        )


def paired_gap(part: pd.DataFrame, metric: str, peer: str) -> tuple[float, float, int]:
    """Ours minus ``peer`` over the seeds both ran: the mean, its standard error (NaN with one
    seed) and the number of seeds."""
    wide = part.pivot_table(index="seed", columns="model", values=metric).dropna(
        subset=["ours", peer]
    )
    gap = (wide["ours"] - wide[peer]).to_numpy(float)
    if len(gap) < 2:
        return float(gap.mean()), float("nan"), len(gap)
    return float(gap.mean()), float(gap.std(ddof=1) / np.sqrt(len(gap))), len(gap)


def goal_lines(frame: pd.DataFrame) -> list[str]:
    """Issue 9's goals, cell by cell: from 20,000 rows ours at least the best peer's mean; on
    MSME-contract families from 60,000 rows at least 0.90; at 5,000 rows not behind the best
    peer by more than the paired difference's spread between seeds; Hillstrom's mean Qini at
    least the best peer's."""
    frame = _with_metric(frame)
    lines = [
        "| family | rows | goal | ours | best peer | ours − best ± se | met |",
        "|---" * 7 + "|",
    ]
    order = {family: i for i, family in enumerate(frame["family"].unique())}
    frame = frame.sort_values("size", kind="stable")
    frame = frame.sort_values("family", key=lambda f: f.map(order), kind="stable")
    for _, part in frame.groupby(["family", "size"], sort=False):
        family, size = str(part["family"].iloc[0]), int(part["size"].iloc[0])
        mean = part.groupby("model")["metric"].mean()
        if "ours" not in mean.index or len(mean) < 2:
            continue
        best = str(mean.drop(index="ours").idxmax())
        gap, se, seeds = paired_gap(part, "metric", best)
        ours, peer = float(mean["ours"]), float(mean[best])
        checks: list[tuple[str, bool]] = []
        if size >= 20_000:
            checks.append(("≥ best peer", ours >= peer))
        if family in MSME_FAMILIES and size >= 60_000:
            checks.append(("≥ 0.90", ours >= 0.90))
        if size < 20_000:
            spread = se * float(np.sqrt(seeds))  # the paired difference's sd between seeds
            checks.append((f"≥ best peer − {spread:.3f} (spread)", ours - peer >= -spread))
        name = best.removeprefix("causalml_").upper()
        for goal, met in checks:
            lines.append(
                f"| {family} | {size:,} | {goal} | {ours:.4f} | {peer:.4f} ({name}) | "
                f"{gap:+.4f} ± {se:.4f} | {'yes' if met else '**no**'} |"
            )
    return lines


def tables(paths: Iterable[Path], peers_from: Iterable[Path] = ()) -> str:
    frame = read_lines(paths, peers_from)
    lines: list[str] = [*summary(frame), "", *goal_lines(frame), ""]
    truth = frame[frame["oracle_0.10"].notna()] if "oracle_0.10" in frame else frame.iloc[:0]
    if len(truth):
        lines.append(
            "| family | rows | seeds | ours @5% | ours @10% | ours @20% | best peer @10% "
            "| peers @10% (S / T / X / DR) | ours − best peer @10% ± se | learner chosen |"
        )
        lines.append("|---|---|---|---|---|---|---|---|---|---|")
        for _, part in truth.groupby(["family", "size"], sort=False):
            family, size = str(part["family"].iloc[0]), int(part["size"].iloc[0])
            mean = part.groupby("model")[["oracle_0.05", "oracle_0.10", "oracle_0.20"]].mean()
            sd = part.groupby("model")["oracle_0.10"].std()
            if "ours" not in mean.index or len(mean) < 2:
                continue  # a run still in progress: no peers yet
            peers = mean.drop(index="ours")
            best = str(peers["oracle_0.10"].idxmax())
            ours = mean.loc["ours"]
            chosen = ", ".join(
                f"{k!s}×{v}"
                for k, v in part[part["model"] == "ours"]["chosen"].value_counts().items()
            )
            seeds = part["seed"].nunique()
            at10 = {str(name): float(value) for name, value in peers["oracle_0.10"].items()}
            peer_cells = " / ".join(
                f"{at10[p]:.3f}" if p in at10 else "–"
                for p in ("causalml_s", "causalml_t", "causalml_x", "causalml_dr")
            )
            sd_txt = f" ± {sd.loc['ours']:.3f}" if seeds > 1 else ""
            best_value = at10[best]
            best_name = best.removeprefix("causalml_").upper()
            gap, se, _ = paired_gap(part, "oracle_0.10", best)
            lines.append(
                f"| {family} | {size:,} | {seeds} | {ours['oracle_0.05']:.3f} | "
                f"{ours['oracle_0.10']:.3f}{sd_txt} | {ours['oracle_0.20']:.3f} | "
                f"{best_value:.3f} ({best_name}) | {peer_cells} | "
                f"{gap:+.4f} ± {se:.4f} | {chosen} |"
            )
    qini = frame[frame["qini"].notna()] if "qini" in frame else frame.iloc[:0]
    if len(qini):
        lines.append("")
        lines.append(
            "| family | rows | splits/seeds | model | Qini mean ± sd | uplift@30% mean ± sd |"
        )
        lines.append("|---|---|---|---|---|---|")
        for _, part in qini.groupby(["family", "size"], sort=False):
            family, size = str(part["family"].iloc[0]), int(part["size"].iloc[0])
            stats = part.groupby("model")[["qini", "uplift30"]].agg(["mean", "std"])
            for model, r in stats.iterrows():
                lines.append(
                    f"| {family} | {size:,} | {part['seed'].nunique()} | {model} | "
                    f"{r[('qini', 'mean')]:.4f} ± {r[('qini', 'std')]:.4f} | "
                    f"{r[('uplift30', 'mean')]:.4f} ± {r[('uplift30', 'std')]:.4f} |"
                )
    return "\n".join(lines)


def _parse_list(text: str, kind: type) -> list[Any]:
    return [kind(item) for item in text.split(",") if item]


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/zoo.jsonl"))
    parser.add_argument(
        "--families",
        default=",".join(f for f in FAMILIES if f not in HELD_OUT),
        help="Families to run (default: all but the held-out ones, which must be named).",
    )
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--seeds", default="0,1,2", help="Seeds per family and size.")
    parser.add_argument(
        "--seeds-large", default="0,1", help="Seeds at 200,000 rows (each run is slow)."
    )
    parser.add_argument("--hillstrom-splits", type=int, default=20)
    parser.add_argument(
        "--table",
        type=Path,
        nargs="+",
        default=None,
        help="Print the tables of one or more result files (a later file's line replaces an "
        "earlier one's for the same family, size, seed and model).",
    )
    parser.add_argument(
        "--peers-from",
        type=Path,
        nargs="+",
        default=[],
        help="With --table: files whose peers' lines are read first (ours-only reruns of the "
        "same seeds in the --table files).",
    )
    parser.add_argument(
        "--override", default="{}", help="JSON of TrainConfig fields to change (experiments)."
    )
    parser.add_argument(
        "--ours-only",
        action="store_true",
        help="Train ours alone (the peers' lines of the same worlds come from an earlier file).",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.table is not None:
        print(tables(args.table, args.peers_from))
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    overrides = json.loads(args.override)
    done = _done(args.out)
    require_shared_data(_parse_list(args.families, str))
    families = [f for f in _parse_list(args.families, str) if f != "hillstrom"]
    for size in _parse_list(args.sizes, int):
        seeds = _parse_list(args.seeds_large if size >= 200_000 else args.seeds, int)
        for family in families:
            for seed in seeds:
                if (family, size, seed) in done:
                    continue
                tick = time.perf_counter()
                run_world(family, size, seed, args.out, overrides, peers=not args.ours_only)
                print(
                    f"{family} {size} seed {seed}: {time.perf_counter() - tick:.0f} s", flush=True
                )
    if "hillstrom" in args.families.split(","):
        for split in range(args.hillstrom_splits):
            if ("hillstrom", 21_346, split) in done or ("hillstrom", 21_347, split) in done:
                continue
            compare(hillstrom_world(split), split, args.out, overrides, peers=not args.ours_only)
            print(f"hillstrom split {split} done", flush=True)
    print(tables([args.out]))


if __name__ == "__main__":
    main()
