"""LightGBM settings and the two fitting helpers every learner and the propensity model share.

Defaults are chosen for the normal case of this project: rare outcomes (2–10% go digital) and
unbalanced arms (10–30% mentored). Each choice is commented where it is made:

* no class reweighting (``is_unbalance`` / ``scale_pos_weight`` are refused): reweighting the rare
  class shifts predicted probabilities away from the true rate, and the product reports
  probabilities; LightGBM's ``boost_from_average`` already starts from the base rate's log-odds;
* leaves need rows, not a hessian floor: at least 100 rows per leaf (``min_child_samples``, a
  tenth of the rows for tiny models, the same for every role); binary models keep LightGBM's
  ``min_sum_hessian_in_leaf`` of 0.001. Our floor of 2 until 2026-12-04 (about two expected
  events per leaf, as p(1 - p) ~ p when p is small) kept the S-learner out of the small leaves
  of mentored successes where part of the uplift sits: it cost our S-learner 0.009 of the oracle
  share on the simulator's 20,000-row histories (docs/results-log.md, "hessian floor");
* a fixed number of rounds (200 at learning rate 0.05) on every row, without early stopping:
  early stopping on the outcome's log loss stops as soon as the baseline chance is learnt, before
  the trees have found where mentoring matters (the uplift is a small part of the log loss), and
  its held-out part costs the treated arm 20% of its few events. With the other defaults here it
  lifted the two new MSME worlds of the zoo and cost our simulator a little (lever table in
  docs/results-log.md). ``early_stopping_rounds > 0`` brings early stopping back (a held-out part
  stratified by the label, then a refit on all rows);
* no L2 by default, except on the outcome models of a learner fit on a small history (at most
  `SMALL_FIT_ROWS` rows), where the rare-event leaves are shrunk; no row or feature
  subsampling, and a modest learning rate;
* the effect regressions fit noisy targets: small trees, and on a small history smaller still,
  with split thresholds drawn at random (``extra_trees``).

Fitting runs on one thread unless ``num_threads`` says otherwise (see `_BASE_PARAMS`).

Keys in ``params`` go to LightGBM unless they are one of `CONTROL_KEYS`. A key prefixed with a role
(``outcome__``, ``propensity__``, ``effect__``) applies to that role's models only, so a tuner can
regularise the noisy effect regressions more than the outcome models.
"""

from __future__ import annotations

import functools
import os
import queue
import re
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, Union

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import lightgbm as lgb

FloatArray = npt.NDArray[np.float64]
# A fitted model: a LightGBM Booster, or a `ConstantModel` when an arm has one outcome only.
Model = Union["lgb.Booster", "ConstantModel"]
Role = Literal["outcome", "propensity", "effect"]
ROLES: tuple[Role, ...] = ("outcome", "propensity", "effect")

# Keys of ``params`` that steer fitting rather than LightGBM itself.
CONTROL_KEYS = (
    "num_boost_round",  # rounds (default 200); the most rounds when early stopping is on
    "early_stopping_rounds",  # rounds without improvement on a held-out part (default 0: off)
    "validation_fraction",  # share held out for early stopping (default 0.2)
    "refit",  # refit on all rows with the chosen rounds (default True)
    "folds",  # cross-fitting folds of the DR learner's nuisances (default 5)
    "propensity_clip",  # propensities are clipped to [c, 1 - c] (default 0.02)
    "pseudo_outcome_clip",  # DR pseudo-outcomes clipped to [-c, c] (default None: not clipped)
    "outcome_models",  # X / DR nuisance: "pooled" (one model, mentoring as a feature) or "separate"
    "dr_offset",  # DR effect model starts from plug-in p1 - p0 ("plugin", default) or 0 ("none")
    "effect_baseline",  # X's effect models also see the not-mentored log-odds (default False)
)

# LightGBM's own names for rounds and early stopping: the controls above set them instead.
_ROUND_ALIASES = (
    "num_iterations",
    "num_iteration",
    "n_iter",
    "num_tree",
    "num_trees",
    "num_round",
    "num_rounds",
    "nrounds",
    "num_boost_round",
    "n_estimators",
    "max_iter",
    "early_stopping_round",
    "early_stopping_rounds",
    "early_stopping",
    "n_iter_no_change",
)

# Class reweighting distorts probabilities; refused with a clear message.
_REFUSED_KEYS = ("is_unbalance", "unbalance", "unbalanced_sets", "scale_pos_weight")

# LightGBM's thread count and its aliases. Folds are fit side by side on threads, and a fit on
# LightGBM's default thread count (num_threads <= 0) beside a prediction on one thread crashes
# the process (`benchmarks/lightgbm_thread_count_crash.py`): only a whole number of at least 1,
# under its own name, is taken.
_THREAD_KEY = "num_threads"
_THREAD_ALIASES = ("num_thread", "nthread", "nthreads", "n_jobs")

# Each LightGBM call runs on one OpenMP thread: for a request of a few rows, starting OpenMP
# threads costs more than the trees; for large batches, a served model runs in several worker
# processes, and OpenMP threads spinning for the same cores made LightGBM 10-30x slower in our
# measurements. Long matrices are instead cut into row blocks scored by plain Python threads
# (LightGBM releases the GIL), one block per core: no spinning, and idle cores get used.
PREDICT_THREADS = 1
PARALLEL_MIN_ROWS = {"predict": 20_000, "contrib": 1_000}  # TreeSHAP costs ~100x more per row
MAX_PREDICT_BLOCKS = 8


# LightGBM's Booster is not safe to predict from two threads at once: TreeSHAP (`pred_contrib`)
# corrupts the heap (LightGBM issue #5482), and every predict call re-initialises the booster's
# iteration range (issue #6142), so concurrent calls with different tree ranges can score with the
# wrong trees. A segfault in lib_lightgbm was seen here with two row blocks scored side by side.
# So each predicting thread takes a booster no other thread holds: the model itself when it is
# free, else a private copy made once from its text and kept for the next caller. The queue of a
# model marks the model itself as `_ITSELF`, never holds it: a queue holding its own key would keep
# the model alive in the weak dictionary for the life of the process (every fold model of a
# training run, every model a service reloaded away from).
_ITSELF = object()
_SPARE_BOOSTERS: weakref.WeakKeyDictionary[Any, queue.SimpleQueue[Any]] = (
    weakref.WeakKeyDictionary()
)
_SPARE_LOCK = threading.Lock()


def _spares(booster: Any) -> queue.SimpleQueue[Any]:
    """The free boosters of ``booster`` (itself first, as `_ITSELF`), created on first use."""
    with _SPARE_LOCK:
        free = _SPARE_BOOSTERS.get(booster)
        if free is None:
            free = queue.SimpleQueue()
            free.put(_ITSELF)
            _SPARE_BOOSTERS[booster] = free
        return free


def acquire_booster(booster: Any) -> Any:
    """``booster`` or an equivalent copy that no other thread is using; give it back with
    `release_booster`."""
    free = _spares(booster)
    try:
        held = free.get_nowait()
    except queue.Empty:
        import lightgbm as lgb

        return lgb.Booster(model_str=booster.model_to_string(num_iteration=-1))
    return booster if held is _ITSELF else held


def release_booster(booster: Any, held: Any) -> None:
    """Give back what `acquire_booster(booster)` returned."""
    _spares(booster).put(_ITSELF if held is booster else held)


@functools.cache
def _cores() -> int:
    """CPU cores (read once: `os.cpu_count` costs about 17 µs, per booster call of a one-MSME
    request)."""
    return os.cpu_count() or 1


def _in_row_blocks(score: Callable[[FloatArray], Any], X: FloatArray, min_rows: int) -> FloatArray:
    """``score(X)`` as an array, computed block by block on several threads for long ``X``."""
    threads = min(MAX_PREDICT_BLOCKS, len(X) // min_rows)
    if threads >= 2:
        threads = min(threads, _cores())
    if threads < 2:
        return np.asarray(score(X), dtype=np.float64)
    blocks = np.array_split(X, threads)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="lightgbm") as pool:
        parts = list(pool.map(score, blocks))
    return np.concatenate([np.asarray(part, dtype=np.float64) for part in parts])


_BASE_PARAMS: dict[str, Any] = {
    "learning_rate": 0.05,
    "num_leaves": 15,
    # No L2 by default: with leaves of at least 100 rows it cost our S-learner a little on
    # 20,000-row histories in 2026-12-03's lever table (docs/results-log.md). Small histories are
    # the exception: see _SMALL_OUTCOME_PARAMS.
    "lambda_l2": 0.0,
    # Every row and every feature in every tree. Row (0.8) and feature (0.9) subsampling cost the
    # S-learner a tenth of the oracle share on 5,000-row histories, where the mentored successes
    # are few and a tree that misses them (or the mentoring indicator) learns no uplift at all;
    # without them the 5,000-row simulator went from 0.680 to 0.778 at 10% (causalml S: 0.776),
    # Hillstrom and the 20,000-row worlds level or better (docs/targeting.md, "subsampling").
    "feature_fraction": 1.0,
    "bagging_fraction": 1.0,
    "bagging_freq": 0,
    "cat_smooth": 10.0,
    "cat_l2": 10.0,
    "min_data_per_group": 50,
    "max_cat_to_onehot": 8,
    "verbosity": -1,
    # One thread by default: on a shared 2-core machine OpenMP threads competing with other
    # processes made fitting 10-30x slower in our measurements; set num_threads to use more.
    "num_threads": 1,
    "deterministic": True,
    "force_col_wise": True,
}

# Effect (uplift) regressions fit inverse-propensity-weighted pseudo-outcomes or imputed effects:
# targets with a low signal-to-noise ratio, so smaller trees, larger leaves, more shrinkage.
_EFFECT_PARAMS: dict[str, Any] = {
    "learning_rate": 0.03,
    "num_leaves": 7,
    "lambda_l2": 0.0,
}
# ... and smaller still when the learner is fit on a small history (at most SMALL_FIT_ROWS rows):
# four leaves at a learning rate of 0.02 lifted X, and with it the stacked S+X, in the evaluation
# zoo's worlds at 5,000 and 20,000 rows (Hillstrom +0.0011 of Qini, the MSME worlds up to +0.020
# of the oracle share) but cost the MSME worlds at 60,000 and 200,000 rows, where seven leaves
# have the rows they need (docs/results-log.md, "2026-12-05 e"). Their split thresholds are drawn
# at random (LightGBM's extremely randomised trees, `extra_trees`): on a few thousand noisy
# imputed effects the best threshold of each feature is mostly the noise's, and a random one
# averages over it. In the zoo it lifted the MSME worlds at 5,000 rows (+0.012) and, less surely,
# at 20,000 (+0.006; the fresh reserve world P lost 0.028 there) and Hillstrom; at 60,000 rows it
# cost the worlds whose gains sit behind sharp thresholds (docs/results-log.md, "2026-12-07 d").
_SMALL_EFFECT_PARAMS: dict[str, Any] = {
    "learning_rate": 0.02,
    "num_leaves": 4,
    "extra_trees": True,
}
# The outcome models' leaves are shrunk too on a small history: an L2 penalty of 10 against a
# leaf's hessian (about 5 for 100 rows at a 5% chance) pulls the rare-event leaves of a few
# thousand rows towards the trees before them. In the zoo it lifted nine of ten worlds at 5,000
# rows (+0.0067 ± 0.0031 of the oracle share on average besides our simulator, +0.099 there)
# and the worlds with truth at 20,000 rows by +0.0029 ± 0.0011 on average, with the Qini
# benchmarks level (Hillstrom -0.0002 ± 0.0004); at 60,000 and 200,000 rows it changed little
# (docs/results-log.md, "2026-12-05 f").
_SMALL_OUTCOME_PARAMS: dict[str, Any] = {
    "lambda_l2": 10.0,
}
SMALL_FIT_ROWS = 30_000


@dataclass(frozen=True)
class BoostSettings:
    """How boosting rounds are chosen."""

    num_boost_round: int = 200
    early_stopping_rounds: int = 0
    validation_fraction: float = 0.2
    refit: bool = True


@dataclass(frozen=True)
class LearnerOptions:
    """Everything a learner reads from ``params``: LightGBM parameters per role plus controls."""

    lgb_params: Mapping[Role, Mapping[str, Any]]
    boost: BoostSettings
    folds: int = 5
    propensity_clip: float = 0.02
    pseudo_outcome_clip: float | None = None
    dr_offset: Literal["plugin", "none"] = "plugin"
    outcome_models: Literal["pooled", "separate"] = "pooled"
    # The effect and outcome roles' parameters for a learner fit on at most SMALL_FIT_ROWS rows
    # (empty: the role's own, as for options made before 2026-12-05).
    small_effect_params: Mapping[str, Any] = field(default_factory=dict)
    small_outcome_params: Mapping[str, Any] = field(default_factory=dict)
    effect_baseline: bool = False

    def for_fit_rows(self, rows: int) -> LearnerOptions:
        """These options for a learner fit on ``rows`` rows: the small-history outcome and
        effect parameters at most `SMALL_FIT_ROWS` rows, the same options above."""
        by_role: tuple[tuple[Role, Mapping[str, Any]], ...] = (
            ("outcome", self.small_outcome_params),
            ("effect", self.small_effect_params),
        )
        small = {role: params for role, params in by_role if params}
        if rows > SMALL_FIT_ROWS or not small:
            return self
        return replace(self, lgb_params={**self.lgb_params, **small})


def _check_threads(key: str, value: Any) -> None:
    """ValueError when ``key`` (with or without a role prefix) sets LightGBM's thread count other
    than as `num_threads`, a whole number of at least 1."""
    name = key.partition("__")[2] or key
    if name in _THREAD_ALIASES:
        raise ValueError(f"params: {key!r}: set the thread count as {_THREAD_KEY}")
    if name == _THREAD_KEY and (
        isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1
    ):
        raise ValueError(
            f"params: {key} = {value!r} is refused: the thread count must be a whole number of "
            "at least 1; LightGBM's default count (0 or less) crashes it when folds are fit side "
            "by side on threads"
        )


def parse_params(params: Mapping[str, Any] | None) -> LearnerOptions:
    """Split user ``params`` into per-role LightGBM parameters and fitting controls."""
    params = dict(params or {})
    for key in _REFUSED_KEYS:
        for name in [key, *(f"{role}__{key}" for role in ROLES)]:
            if name in params:
                raise ValueError(
                    f"params: {name} is refused: class reweighting would distort the predicted "
                    "probabilities (the product reports them); rare outcomes are handled by "
                    "the rows per leaf (min_child_samples) instead"
                )
    for key, value in params.items():
        _check_threads(key, value)
    controls = {key: params.pop(key) for key in CONTROL_KEYS if key in params}
    for key in params:
        _, sep, rest = key.partition("__")
        if (rest if sep else key) in (*CONTROL_KEYS, *_ROUND_ALIASES):
            raise ValueError(
                f"params: {key!r} cannot be set per role or as a LightGBM alias; use the "
                f"controls {', '.join(CONTROL_KEYS[:3])} (shared by all models)"
            )
    role_params: dict[Role, dict[str, Any]] = {role: {} for role in ROLES}
    shared: dict[str, Any] = {}
    for key, value in params.items():
        role_name, sep, rest = key.partition("__")
        if sep and role_name in ROLES:
            role_params[role_name][rest] = value  # type: ignore[index]
        elif sep:
            raise ValueError(f"params: unknown role prefix in {key!r} (use one of {ROLES})")
        else:
            shared[key] = value
    lgb_params: dict[Role, Mapping[str, Any]] = {}
    for role in ROLES:
        base = dict(_BASE_PARAMS)
        if role == "effect":
            base.update(_EFFECT_PARAMS)
        lgb_params[role] = {**base, **shared, **role_params[role]}
    # What the user sets (shared or for the role) wins over the small-history defaults too.
    small_effect = {
        **_BASE_PARAMS,
        **_EFFECT_PARAMS,
        **_SMALL_EFFECT_PARAMS,
        **shared,
        **role_params["effect"],
    }
    small_outcome = {**_BASE_PARAMS, **_SMALL_OUTCOME_PARAMS, **shared, **role_params["outcome"]}
    boost = BoostSettings(
        num_boost_round=int(controls.get("num_boost_round", BoostSettings.num_boost_round)),
        early_stopping_rounds=int(
            controls.get("early_stopping_rounds", BoostSettings.early_stopping_rounds)
        ),
        validation_fraction=float(controls.get("validation_fraction", 0.2)),
        refit=_as_bool("refit", controls.get("refit", True)),
    )
    folds = int(controls.get("folds", 5))
    clip = float(controls.get("propensity_clip", 0.02))
    if not 0 < clip < 0.5:
        raise ValueError(f"params: propensity_clip must be in (0, 0.5), got {clip}")
    if folds < 2:
        raise ValueError(f"params: folds must be at least 2, got {folds}")
    pseudo = controls.get("pseudo_outcome_clip")
    outcome_kind = str(controls.get("outcome_models", "pooled"))
    if outcome_kind not in ("pooled", "separate"):
        raise ValueError(
            f"params: outcome_models must be 'pooled' or 'separate', got {outcome_kind!r}"
        )
    offset = str(controls.get("dr_offset", "plugin"))
    if offset not in ("plugin", "none"):
        raise ValueError(f"params: dr_offset must be 'plugin' or 'none', got {offset!r}")
    return LearnerOptions(
        lgb_params=lgb_params,
        boost=boost,
        folds=folds,
        propensity_clip=clip,
        pseudo_outcome_clip=None if pseudo is None else float(pseudo),
        dr_offset="plugin" if offset == "plugin" else "none",
        outcome_models="separate" if outcome_kind == "separate" else "pooled",
        small_effect_params=small_effect,
        small_outcome_params=small_outcome,
        effect_baseline=_as_bool("effect_baseline", controls.get("effect_baseline", False)),
    )


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise ValueError(f"params: {name} must be true or false, got {value!r}")


MIN_CHILD_SAMPLES = 100


def _min_child_samples(n_rows: int, role: Role) -> int:
    """At least 100 rows per leaf (a tenth of the rows for tiny models): leaves large enough
    to hold a few events of a rare outcome in both arms (see module docstring)."""
    del role
    return int(min(MIN_CHILD_SAMPLES, max(n_rows // 10, 5)))


def fit_booster(
    X: FloatArray,
    y: FloatArray,
    *,
    role: Role,
    options: LearnerOptions,
    categorical: Sequence[int],
    seed: int,
    feature_names: Sequence[str] | None = None,
    refit: bool | None = None,
    init_score: FloatArray | None = None,
    weight: FloatArray | None = None,
) -> Model:
    """Fit one LightGBM model: binary (outcome, propensity) or L2 regression (effect).

    Early stopping uses a held-out part (stratified by the label for binary models); with
    ``refit`` the model is then refit on all rows with the chosen number of rounds.
    ``init_score`` is an offset per row the trees are boosted from (not stored in the model:
    add it back when predicting); ``weight`` a weight per row (the R-learner's (t - e)^2), in
    the held-out loss too.
    """
    import lightgbm as lgb

    binary = role != "effect"
    n = len(y)
    if n == 0:
        raise ValueError(f"cannot fit a {role} model on zero rows")
    params: dict[str, Any] = {
        "objective": "binary" if binary else "regression",
        "metric": "binary_logloss" if binary else "l2",
        "seed": seed,
        "min_child_samples": _min_child_samples(n, role),
    }
    params.update(options.lgb_params[role])
    boost = options.boost
    names: list[str] | Literal["auto"] = (
        list(feature_names) if feature_names is not None else "auto"
    )
    cats = list(categorical)

    if binary and (y.min() == y.max()):
        # One class only (e.g. no event yet in a small arm): nothing for trees to split on, and
        # the observed rate (0 or 1) would be an infinite log-odds; a constant at the
        # Jeffreys-smoothed rate (events + 1/2) / (n + 1) instead.
        rate = (float(y.sum()) + 0.5) / (n + 1.0)
        return ConstantModel(log_odds=float(np.log(rate / (1.0 - rate))), n_features=X.shape[1])

    if boost.early_stopping_rounds <= 0:
        # Fixed rounds on every row: no held-out part, no early stopping.
        data = lgb.Dataset(
            X, y, feature_name=names, categorical_feature=cats, init_score=init_score, weight=weight
        )
        return lgb.train(params, data, num_boost_round=boost.num_boost_round)

    rng = np.random.default_rng(seed)
    valid_mask = _validation_mask(y, boost.validation_fraction, binary=binary, rng=rng)
    if valid_mask.sum() == 0 or (~valid_mask).sum() == 0:
        rounds = min(boost.num_boost_round, 100)
        data = lgb.Dataset(X, y, feature_name=names, categorical_feature=cats, weight=weight)
        return lgb.train(params, data, num_boost_round=rounds)

    def part(values: FloatArray | None, mask: npt.NDArray[np.bool_]) -> FloatArray | None:
        return None if values is None else values[mask]

    train_set = lgb.Dataset(
        X[~valid_mask],
        y[~valid_mask],
        feature_name=names,
        categorical_feature=cats,
        init_score=part(init_score, ~valid_mask),
        weight=part(weight, ~valid_mask),
    )
    valid_set = lgb.Dataset(
        X[valid_mask],
        y[valid_mask],
        reference=train_set,
        init_score=part(init_score, valid_mask),
        weight=part(weight, valid_mask),
    )
    booster = lgb.train(
        params,
        train_set,
        num_boost_round=boost.num_boost_round,
        valid_sets=[valid_set],
        callbacks=[lgb.early_stopping(boost.early_stopping_rounds, verbose=False)],
    )
    best = max(int(booster.best_iteration), 1)
    do_refit = boost.refit if refit is None else refit
    if not do_refit:
        booster.free_dataset()
        # Keep only the chosen rounds so prediction and contributions use exactly them.
        return lgb.Booster(model_str=booster.model_to_string(num_iteration=best))
    full = lgb.Dataset(
        X, y, feature_name=names, categorical_feature=cats, init_score=init_score, weight=weight
    )
    return lgb.train(params, full, num_boost_round=best)


# A distilled model (`fit_student`, `models.combined_learners.DistilledLearner`) copies a fitted
# model's output on the history's own rows: a smooth, noiseless target, so it gets larger trees
# than the learners' own, few rows per leaf and a high learning rate (nothing to shrink towards).
# 100 rounds of 31 leaves at 0.2 followed a 20,000-row fold models' average as closely as 400 at
# 0.05 (uplift correlation on new rows 0.9965 against 0.9971, 93.4% of the top 10% against
# 93.6%) at a quarter of the scoring and TreeSHAP time; in the zoo the copy ranked level with
# the average (docs/results-log.md, "2026-12-05 g"). Its trees are at most `STUDENT_MAX_DEPTH`
# deep (leaf-wise growth had reached 11 levels on average, 16 at most): one-row TreeSHAP, most
# of a single score's time, 0.27 against 0.41 ms, and the zoo's ranking level or a little higher
# (docs/results-log.md, "2026-12-07 k").
STUDENT_MAX_DEPTH = 6
_STUDENT_PARAMS: dict[str, Any] = {
    "objective": "regression",
    "metric": "l2",
    "num_leaves": 31,
    "max_depth": STUDENT_MAX_DEPTH,
    "learning_rate": 0.2,
    "min_child_samples": 20,
    "lambda_l2": 0.0,
}
STUDENT_ROUNDS = 100


def fit_student(
    X: FloatArray,
    target: FloatArray,
    *,
    categorical: Sequence[int],
    seed: int,
    feature_names: Sequence[str] | None = None,
) -> Model:
    """One L2 regression of ``target`` (another model's output on the rows ``X``: its uplift,
    or the log-odds of its chance without mentoring) for `STUDENT_ROUNDS` rounds on every row."""
    import lightgbm as lgb

    if len(target) == 0:
        raise ValueError("cannot fit a distilled model on zero rows")
    params = {**_BASE_PARAMS, **_STUDENT_PARAMS, "seed": seed}
    names: list[str] | Literal["auto"] = (
        list(feature_names) if feature_names is not None else "auto"
    )
    data = lgb.Dataset(X, target, feature_name=names, categorical_feature=list(categorical))
    return lgb.train(params, data, num_boost_round=STUDENT_ROUNDS)


@dataclass(frozen=True)
class ConstantModel:
    """A model predicting one log-odds for every row, with the slice of LightGBM's Booster API
    the learners use (``predict`` incl. ``raw_score`` / ``pred_contrib``, ``num_trees``)."""

    log_odds: float
    n_features: int

    def predict(
        self, X: FloatArray, *, raw_score: bool = False, pred_contrib: bool = False, **_: Any
    ) -> FloatArray:
        n = len(X)
        if pred_contrib:
            out = np.zeros((n, self.n_features + 1))
            out[:, -1] = self.log_odds
            return out
        raw = np.full(n, self.log_odds)
        return raw if raw_score else 1.0 / (1.0 + np.exp(-raw))

    def num_trees(self) -> int:
        return 0


def _validation_mask(
    y: FloatArray, fraction: float, *, binary: bool, rng: np.random.Generator
) -> npt.NDArray[np.bool_]:
    """Held-out rows for early stopping; for binary labels, the same share of each class."""
    mask = np.zeros(len(y), dtype=bool)
    groups = [np.flatnonzero(y == v) for v in (0.0, 1.0)] if binary else [np.arange(len(y))]
    for idx in groups:
        k = round(len(idx) * fraction)
        if k > 0:
            mask[rng.choice(idx, size=k, replace=False)] = True
    return mask


def predict(
    booster: Model, X: FloatArray, *, raw: bool = False, trees: tuple[int, int] | None = None
) -> FloatArray:
    """Predictions on a float matrix (probabilities, or log-odds with ``raw``; one thread).

    ``trees=(start, stop)``: only trees ``start`` to ``stop - 1`` (log-odds parts that add up).
    """
    if len(X) == 0:
        return np.empty(0, dtype=np.float64)
    return _booster_output(booster, X, trees, "predict", raw_score=raw)


def contributions(
    booster: Model, X: FloatArray, *, trees: tuple[int, int] | None = None
) -> FloatArray:
    """LightGBM's own SHAP contributions (n, n_features + 1); the last column is the base value.

    For binary models they are in log-odds, for regressions in the target's units. TreeSHAP
    adds up over trees, so ``trees=(start, stop)`` gives the part of those trees.
    """
    if len(X) == 0:
        return np.empty((0, X.shape[1] + 1), dtype=np.float64)
    return _booster_output(booster, X, trees, "contrib", pred_contrib=True)


def _booster_output(
    booster: Model,
    X: FloatArray,
    trees: tuple[int, int] | None,
    kind: Literal["predict", "contrib"],
    **output: bool,
) -> FloatArray:
    """`booster.predict(X, **output)` on one OpenMP thread, in row blocks when X is long."""
    start, count = _tree_range(trees)
    own = not isinstance(booster, ConstantModel)  # a ConstantModel is plain NumPy: no guard

    def score(block: FloatArray) -> Any:
        model = acquire_booster(booster) if own else booster
        try:
            return model.predict(
                block,
                start_iteration=start,
                num_iteration=count,
                num_threads=PREDICT_THREADS,
                validate_features=False,
                **output,
            )
        finally:
            if own:
                release_booster(booster, model)

    return _in_row_blocks(score, X, PARALLEL_MIN_ROWS[kind])


def _tree_range(trees: tuple[int, int] | None) -> tuple[int, int | None]:
    """(start_iteration, num_iteration) for LightGBM; (0, None) means every tree."""
    if trees is None:
        return 0, None
    start, stop = trees
    return start, stop - start


def trees_without_feature_first(booster: Model, feature: int) -> tuple[Model, int]:
    """The same model with the trees that never split on ``feature`` moved to the front, and
    how many they are.

    For the pooled outcome model (``feature`` = the mentoring indicator) those trees give the
    same log-odds and contributions with and without mentoring, so they need scoring once per
    MSME instead of twice; only the rest is scored for both arms (about a third less LightGBM
    work on the simulator's models). The order of trees does not change a boosted sum, and the
    reordered model is checked against the original on probe rows; on any difference (or a
    model text this code does not know) the original comes back with 0.
    """
    if isinstance(booster, ConstantModel):
        return booster, 0
    import lightgbm as lgb

    text = booster.model_to_string()
    head, marker, rest = text.partition("\nTree=0\n")
    body, end_marker, tail = rest.partition("end of trees")
    if not marker or not end_marker or "\ntree_sizes=" not in head:
        return booster, 0
    blocks = ("Tree=0\n" + body).split("\nTree=")
    blocks = [blocks[0]] + ["Tree=" + block for block in blocks[1:]]
    if len(blocks) != booster.num_trees():
        return booster, 0
    contents = [block.split("\n", 1)[1] for block in blocks]  # without the "Tree=i" line
    shared = [c for c in contents if feature not in _split_features(c)]
    own = [c for c in contents if feature in _split_features(c)]
    if not shared or not own:
        return booster, 0  # nothing to gain: every tree is scored for both arms
    ordered = [f"Tree={i}\n{content}" for i, content in enumerate([*shared, *own])]
    sizes = " ".join(str(len(block.encode())) for block in ordered)
    head = re.sub(r"\ntree_sizes=[^\n]*", f"\ntree_sizes={sizes}", head)
    reordered = lgb.Booster(model_str=head + "\n" + "".join(ordered) + end_marker + tail)
    probe = np.random.default_rng(0).normal(size=(64, booster.num_feature())) * 3
    probe[:, feature] = np.arange(64) % 2
    # Through `predict` (one OpenMP thread), like every other LightGBM call here: folds are fit on
    # threads side by side, and a call on LightGBM's default thread count beside them crashed a
    # test run (a segmentation fault in this check, 2026-12-07).
    same = np.allclose(
        predict(reordered, probe, raw=True), predict(booster, probe, raw=True), rtol=0, atol=1e-9
    )
    return (reordered, len(shared)) if same else (booster, 0)


def _split_features(tree_text: str) -> set[int]:
    for line in tree_text.split("\n"):
        if line.startswith("split_feature="):
            return {int(value) for value in line.removeprefix("split_feature=").split()}
    return set()
