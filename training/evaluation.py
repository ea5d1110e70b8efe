"""Uplift evaluation: pure functions over arrays (numpy/pandas), no MLflow, no models.

Definitions follow scikit-uplift (`sklift.metrics`, v0.5):

* Rows are ranked by predicted uplift, highest first; rows with tied scores enter together.
* Qini curve at n ranked rows: ``Q(n) = Y_t(n) - Y_c(n) * N_t(n) / N_c(n)`` (responders among the
  treated minus control responders scaled to the treated count), starting at (0, 0).
* Uplift curve: ``U(n) = (Y_t(n)/N_t(n) - Y_c(n)/N_c(n)) * n``.
* Qini coefficient (sklift ``qini_auc_score``, negative_effect=True):
  ``(area(Q) - area(random)) / (area(Q_perfect) - area(random))`` with the trapezoid rule; the
  random line joins (0, 0) to the curve's end; the perfect curve ranks treated responders first
  and control responders last (score ``y*t - y*(1-t)``).
* AUUC (sklift ``uplift_auc_score``): the same normalisation on the uplift curve, with the perfect
  ranking ``2*(y == t) + (y if control responders > treated non-responders else t)``.
* uplift@k: treated rate minus control rate in the top k. Strategy ``by_group`` (the default here,
  as in sklift's Hillstrom tutorial) takes the top ``int(k * N_t)`` treated rows and the top
  ``int(k * N_c)`` control rows; ``overall`` takes the top ``int(k * n)`` rows of both arms.

Every metric has a weighted kernel so that bootstrap replicates are computed for all resamples at
once (a bootstrap sample is the original rows with multinomial counts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.stats import spearmanr
from sklearn.metrics import brier_score_loss, roc_auc_score

# float64 for point estimates; bootstrap row counts are float32 (exact for whole counts).
FloatArray = NDArray[np.floating[Any]]
Strategy = Literal["by_group", "overall"]


# ----------------------------------------------------------------------------- input handling


def _as_binary(values: ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    as_float = array.astype(np.float64)
    bad = ~np.isin(as_float, (0.0, 1.0))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} must be 0/1; position {first} holds {array[first]!r}")
    return as_float


def _inputs(
    y_true: ArrayLike, score: ArrayLike, treatment: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    y = _as_binary(y_true, "y_true")
    t = _as_binary(treatment, "treatment")
    s = np.asarray(score, dtype=np.float64)
    if not len(y) == len(t) == len(s):
        raise ValueError(f"lengths differ: y_true {len(y)}, score {len(s)}, treatment {len(t)}")
    if len(y) == 0:
        raise ValueError("no rows to evaluate")
    if np.isnan(s).any():
        raise ValueError(f"score holds NaN at position {int(np.flatnonzero(np.isnan(s))[0])}")
    return y, s, t


def _descending(score: FloatArray) -> NDArray[np.intp]:
    # sklift's order: stable ascending sort, reversed.
    return np.argsort(score, kind="mergesort")[::-1]


def _tie_ends(sorted_score: FloatArray) -> NDArray[np.intp]:
    """Last position of each run of equal scores: curves are evaluated only there."""
    ends = np.r_[np.flatnonzero(np.diff(sorted_score)), len(sorted_score) - 1]
    return np.asarray(ends, dtype=np.intp)


def _safe_div(num: FloatArray, den: FloatArray) -> FloatArray:
    return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den != 0)


# ----------------------------------------------------------------------------- curve kernels


@dataclass(frozen=True)
class _Ranked:
    """One ranking's rows in order, with cumulative sums for one or many weight vectors.

    Every metric of a ranking reads these five cumulative sums, so a bootstrap replicate costs
    a handful of cumsums per ranking whatever the number of capacities.
    """

    y: FloatArray  # outcomes in ranked order (n,)
    t: FloatArray
    truth: FloatArray | None
    ends: NDArray[np.intp] | slice  # last position of each run of tied scores (all: a slice)
    cum_w: FloatArray  # (B, n) cumulative weight (rows)
    cum_wt: FloatArray  # treated rows
    cum_wc: FloatArray  # control rows
    cum_wyt: FloatArray  # treated responders
    cum_wyc: FloatArray  # control responders
    cum_wtruth: FloatArray | None  # true uplift


def _ranked(
    y: FloatArray,
    t: FloatArray,
    score: FloatArray,
    weights: FloatArray | None,
    truth: FloatArray | None = None,
) -> _Ranked:
    order = _descending(score)
    w = np.ones((1, len(y))) if weights is None else np.take(weights, order, axis=1)
    ys, ts = y[order].astype(w.dtype), t[order].astype(w.dtype)
    truth_sorted = None if truth is None else truth[order]
    wt = w * ts
    ends = _tie_ends(score[order])
    cum_w, cum_wt = np.cumsum(w, axis=1), np.cumsum(wt, axis=1)
    return _Ranked(
        y=ys,
        t=ts,
        truth=truth_sorted,
        # Without ties every position is an end: a slice reads the sums without copying them.
        ends=slice(None) if len(ends) == len(y) else ends,
        cum_w=cum_w,
        cum_wt=cum_wt,
        cum_wc=cum_w - cum_wt,
        cum_wyt=np.cumsum(wt * ys, axis=1),
        cum_wyc=np.cumsum((w - wt) * ys, axis=1),
        cum_wtruth=None if truth_sorted is None else np.cumsum(w * truth_sorted, axis=1),
    )


def _ranked_by_level(
    y: FloatArray, t: FloatArray, score: FloatArray, weights: FloatArray | None
) -> _Ranked:
    """What `_ranked` gives at the tie ends, for a score with a few distinct values (the perfect
    rankings): the sums per level, from one matrix product, instead of cumulative sums over
    every row. Exact: the weights are whole counts and y, t are 0/1, so every sum is a whole
    number below 2**24. Only the curves (`_qini_points`, `_uplift_points`) may read the result."""
    levels, inverse = np.unique(score, return_inverse=True)
    w = np.ones((1, len(y))) if weights is None else weights
    position = len(levels) - 1 - inverse  # highest level first
    by_level = np.zeros((len(y), 4 * len(levels)), dtype=w.dtype)
    rows = np.arange(len(y))
    for k, part in enumerate((np.ones_like(y), t, t * y, (1 - t) * y)):
        by_level[rows, k * len(levels) + position] = part
    sums = np.cumsum((w @ by_level).reshape(len(w), 4, len(levels)), axis=2)
    return _Ranked(
        y=levels[::-1],
        t=levels[::-1],
        truth=None,
        ends=slice(None),
        cum_w=sums[:, 0],
        cum_wt=sums[:, 1],
        cum_wc=sums[:, 0] - sums[:, 1],
        cum_wyt=sums[:, 2],
        cum_wyc=sums[:, 3],
        cum_wtruth=None,
    )


def _with_origin(x: FloatArray, values: FloatArray) -> tuple[FloatArray, FloatArray]:
    zeros = np.zeros((x.shape[0], 1))
    return np.hstack([zeros, x]), np.hstack([zeros, values])


def _qini_points(r: _Ranked) -> tuple[FloatArray, FloatArray]:
    """The Qini curve at the tie ends, without its origin (0, 0)."""
    e = r.ends
    n_t, n_c = r.cum_wt[:, e], r.cum_wc[:, e]
    values = r.cum_wyt[:, e] - r.cum_wyc[:, e] * _safe_div(n_t, n_c)
    return r.cum_w[:, e], values


def _uplift_points(r: _Ranked) -> tuple[FloatArray, FloatArray]:
    """The uplift curve at the tie ends, without its origin (0, 0)."""
    e = r.ends
    n_t, n_c, n_all = r.cum_wt[:, e], r.cum_wc[:, e], r.cum_w[:, e]
    values = (_safe_div(r.cum_wyt[:, e], n_t) - _safe_div(r.cum_wyc[:, e], n_c)) * n_all
    return n_all, values


def _area(x: FloatArray, values: FloatArray) -> FloatArray:
    """Trapezoid area under points that start at the origin (`_with_origin`'s), read from the
    points without it: the first segment from (0, 0) adds x[0] * values[0] / 2."""
    first = x[:, 0] * values[:, 0] / 2.0
    return np.asarray(np.trapezoid(values, x, axis=1) + first, dtype=np.float64)


@dataclass(frozen=True)
class _Perfect:
    """What the best possible ranking reaches, per weight vector (shared by all rankings)."""

    qini_area: FloatArray
    uplift_area: FloatArray
    baseline_qini: FloatArray  # area under the random line: n * Q(n) / 2
    baseline_uplift: FloatArray
    oracle: _Ranked | None  # rows ranked by the true uplift


def _perfect(
    y: FloatArray,
    t: FloatArray,
    weights: FloatArray | None,
    truth: FloatArray | None,
    *,
    uplift_curve: bool = True,
) -> _Perfect:
    """The perfect rankings' areas; without ``uplift_curve``, the Qini's alone (the uplift
    curve's fields are then NaN: only `_qini_from` may read the result)."""
    w = np.ones((1, len(y))) if weights is None else weights
    qini = _qini_points(_ranked_by_level(y, t, y * t - y * (1 - t), weights))
    if not uplift_curve:
        missing = np.full(len(w), np.nan)
        return _Perfect(
            qini_area=_area(*qini),
            uplift_area=missing,
            baseline_qini=qini[0][:, -1] * qini[1][:, -1] / 2.0,
            baseline_uplift=missing,
            oracle=None,
        )
    same = 2.0 * (y == t)
    by_y = _uplift_points(_ranked_by_level(y, t, same + y, weights))
    by_t = _uplift_points(_ranked_by_level(y, t, same + t, weights))
    control_responders = (w * (y == 1) * (t == 0)).sum(axis=1)
    treated_non_responders = (w * (y == 0) * (t == 1)).sum(axis=1)
    use_y = (control_responders > treated_non_responders)[:, None]
    uplift = (np.where(use_y, by_y[0], by_t[0]), np.where(use_y, by_y[1], by_t[1]))
    return _Perfect(
        qini_area=_area(*qini),
        uplift_area=_area(*uplift),
        baseline_qini=qini[0][:, -1] * qini[1][:, -1] / 2.0,
        baseline_uplift=uplift[0][:, -1] * uplift[1][:, -1] / 2.0,
        oracle=None if truth is None else _ranked(y, t, truth, weights, truth),
    )


def _qini_from(r: _Ranked, p: _Perfect) -> FloatArray:
    return _safe_div(_area(*_qini_points(r)) - p.baseline_qini, p.qini_area - p.baseline_qini)


def _auuc_from(r: _Ranked, p: _Perfect) -> FloatArray:
    return _safe_div(
        _area(*_uplift_points(r)) - p.baseline_uplift, p.uplift_area - p.baseline_uplift
    )


def _taken_sum(
    cum_v: FloatArray, cum_va: FloatArray, a: FloatArray, limit: FloatArray
) -> FloatArray:
    """Sum of v*a over the first `limit` units of v in ranked order (the boundary row counted in
    part), per weight vector: cumulative sums and one binary search per row of `cum_v`."""
    out = np.empty(len(limit))
    last = cum_v.shape[1] - 1
    for b in range(len(limit)):
        if limit[b] <= 0:
            out[b] = 0.0
            continue
        idx = min(int(np.searchsorted(cum_v[b], limit[b], side="left")), last)
        out[b] = cum_va[b, idx] - (cum_v[b, idx] - limit[b]) * a[idx]
    return out


def _uplift_at_k_from(r: _Ranked, k: float, strategy: Strategy) -> FloatArray:
    if strategy == "overall":
        limit = np.floor(r.cum_w[:, -1] * k)
        n_t = _taken_sum(r.cum_w, r.cum_wt, r.t, limit)
        n_c = limit - n_t
        y_t = _taken_sum(r.cum_w, r.cum_wyt, r.y * r.t, limit)
        y_c = _taken_sum(r.cum_w, r.cum_wyc, r.y * (1 - r.t), limit)
    else:
        n_t = np.floor(r.cum_wt[:, -1] * k)
        n_c = np.floor(r.cum_wc[:, -1] * k)
        y_t = _taken_sum(r.cum_wt, r.cum_wyt, r.y, n_t)
        y_c = _taken_sum(r.cum_wc, r.cum_wyc, r.y, n_c)
    rate_t = np.divide(y_t, n_t, out=np.full(len(n_t), np.nan), where=n_t > 0)
    rate_c = np.divide(y_c, n_c, out=np.full(len(n_c), np.nan), where=n_c > 0)
    return np.asarray(rate_t - rate_c, dtype=np.float64)


def _oracle_gain(r: _Ranked, k: float) -> FloatArray:
    assert r.cum_wtruth is not None and r.truth is not None
    return _taken_sum(r.cum_w, r.cum_wtruth, r.truth, np.floor(r.cum_w[:, -1] * k))


def _oracle_share_from(r: _Ranked, p: _Perfect, k: float) -> FloatArray:
    assert p.oracle is not None
    return np.asarray(_safe_div(_oracle_gain(r, k), _oracle_gain(p.oracle, k)), dtype=np.float64)


# Weighted metrics for one ranking (also used by tests to check the bootstrap kernels).


def _qini_coefficients(
    y: FloatArray, t: FloatArray, score: FloatArray, weights: FloatArray | None
) -> FloatArray:
    return _qini_from(_ranked(y, t, score, weights), _perfect(y, t, weights, None))


def _auuc_values(
    y: FloatArray, t: FloatArray, score: FloatArray, weights: FloatArray | None
) -> FloatArray:
    return _auuc_from(_ranked(y, t, score, weights), _perfect(y, t, weights, None))


def _uplift_at_k_values(
    y: FloatArray,
    t: FloatArray,
    score: FloatArray,
    k: float,
    *,
    strategy: Strategy,
    weights: FloatArray | None,
) -> FloatArray:
    return _uplift_at_k_from(_ranked(y, t, score, weights), k, strategy)


def _oracle_share_values(
    true_uplift: FloatArray, score: FloatArray, k: float, weights: FloatArray | None
) -> FloatArray:
    zeros = np.zeros(len(score))
    return _oracle_share_from(
        _ranked(zeros, zeros, score, weights, true_uplift),
        _perfect(zeros, zeros, weights, true_uplift),
        k,
    )


# ----------------------------------------------------------------------------- public metrics


def qini_curve(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Qini curve points (rows targeted, Qini value), as sklift.metrics.qini_curve."""
    y, s, t = _inputs(y_true, uplift, treatment)
    x, q = _with_origin(*_qini_points(_ranked(y, t, s, None)))
    return x[0], q[0]


def perfect_qini_curve(y_true: ArrayLike, treatment: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """The best possible Qini curve for these outcomes (negative effects included)."""
    y, _, t = _inputs(y_true, np.zeros(len(np.asarray(y_true))), treatment)
    return qini_curve(y, y * t - y * (1 - t), t)


def uplift_curve(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Uplift curve points (rows targeted, uplift x rows), as sklift.metrics.uplift_curve."""
    y, s, t = _inputs(y_true, uplift, treatment)
    x, u = _with_origin(*_uplift_points(_ranked(y, t, s, None)))
    return x[0], u[0]


def qini_coefficient(y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike) -> float:
    """Normalised area under the Qini curve (sklift qini_auc_score): 0 random, 1 perfect."""
    y, s, t = _inputs(y_true, uplift, treatment)
    return float(_qini_coefficients(y, t, s, None)[0])


def auuc(y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike) -> float:
    """Normalised area under the uplift curve (sklift uplift_auc_score): 0 random, 1 perfect."""
    y, s, t = _inputs(y_true, uplift, treatment)
    return float(_auuc_values(y, t, s, None)[0])


def uplift_at_k(
    y_true: ArrayLike,
    uplift: ArrayLike,
    treatment: ArrayLike,
    k: float,
    strategy: Strategy = "by_group",
) -> float:
    """Treated minus control outcome rate among the top k (a fraction) by predicted uplift."""
    if not 0 < k < 1:
        raise ValueError(f"k is a fraction in (0, 1), got {k}")
    y, s, t = _inputs(y_true, uplift, treatment)
    return float(_uplift_at_k_values(y, t, s, k, strategy=strategy, weights=None)[0])


def expected_extra_outcomes(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike, k: float
) -> dict[str, float]:
    """Extra outcomes (digitalizations) when mentoring the top K = int(k * n) rows versus K at
    random, estimated from held-out outcomes: K x uplift@k ('overall') against K x the average
    effect (treated rate - control rate over all rows)."""
    y, s, t = _inputs(y_true, uplift, treatment)
    size = int(np.floor(len(y) * k))
    top = _uplift_at_k_values(y, t, s, k, strategy="overall", weights=None)[0]
    average_effect = y[t == 1].mean() - y[t == 0].mean()
    return {
        "capacity_rows": float(size),
        "extra_top_k": float(size * top),
        "extra_random_k": float(size * average_effect),
    }


def oracle_share(true_uplift: ArrayLike, uplift: ArrayLike, k: float) -> float:
    """Share of the oracle's extra outcomes captured when taking the top int(k * n) rows by
    `uplift`: sum of true uplift in our top K / sum of true uplift in the true top K."""
    truth = np.asarray(true_uplift, dtype=np.float64)
    score = np.asarray(uplift, dtype=np.float64)
    if len(truth) != len(score):
        raise ValueError(f"lengths differ: true_uplift {len(truth)}, uplift {len(score)}")
    return float(_oracle_share_values(truth, score, k, None)[0])


def true_uplift_correlation(true_uplift: ArrayLike, uplift: ArrayLike) -> dict[str, float]:
    """Pearson and Spearman correlation of predicted with true uplift."""
    truth = np.asarray(true_uplift, dtype=np.float64)
    score = np.asarray(uplift, dtype=np.float64)
    if np.std(score) == 0 or np.std(truth) == 0:
        return {"pearson": 0.0, "spearman": 0.0}
    return {
        "pearson": float(np.corrcoef(truth, score)[0, 1]),
        "spearman": float(spearmanr(truth, score).statistic),
    }


def arm_fit(
    y_true: ArrayLike, treatment: ArrayLike, p_if_treated: ArrayLike, p_if_control: ArrayLike
) -> dict[str, float]:
    """AUC and Brier score of each arm's outcome model on the rows of that arm."""
    y = _as_binary(y_true, "y_true")
    t = _as_binary(treatment, "treatment")
    result: dict[str, float] = {}
    for arm, probabilities, mask in (
        ("treated", np.asarray(p_if_treated, dtype=np.float64), t == 1),
        ("control", np.asarray(p_if_control, dtype=np.float64), t == 0),
    ):
        y_arm, p_arm = y[mask], probabilities[mask]
        both = len(np.unique(y_arm)) == 2
        result[f"auc_{arm}"] = float(roc_auc_score(y_arm, p_arm)) if both else float("nan")
        result[f"brier_{arm}"] = float(brier_score_loss(y_arm, p_arm)) if len(y_arm) else np.nan
        result[f"mean_predicted_{arm}"] = float(p_arm.mean()) if len(y_arm) else np.nan
        result[f"observed_rate_{arm}"] = float(y_arm.mean()) if len(y_arm) else np.nan
    return result


def calibration_table(
    y_true: ArrayLike,
    treatment: ArrayLike,
    p_if_treated: ArrayLike,
    p_if_control: ArrayLike,
    bins: int = 10,
) -> pd.DataFrame:
    """Calibration curve per arm: quantile bins of predicted probability, observed rate per bin."""
    y = _as_binary(y_true, "y_true")
    t = _as_binary(treatment, "treatment")
    frames = []
    for arm, probabilities, mask in (
        ("treated", np.asarray(p_if_treated, dtype=np.float64), t == 1),
        ("control", np.asarray(p_if_control, dtype=np.float64), t == 0),
    ):
        if not mask.any():
            continue
        part = pd.DataFrame({"predicted": probabilities[mask], "observed": y[mask]})
        part["bin"] = pd.qcut(part["predicted"].rank(method="first"), q=bins, labels=False)
        table = part.groupby("bin").agg(
            predicted=("predicted", "mean"),
            observed=("observed", "mean"),
            rows=("observed", "size"),
        )
        table.insert(0, "arm", arm)
        frames.append(table.reset_index(drop=True))
    return pd.concat(frames, ignore_index=True)


def propensity_overlap(
    propensity: ArrayLike, treatment: ArrayLike, low: float = 0.05, high: float = 0.95
) -> dict[str, float]:
    """Overlap diagnostics: share of rows with propensity outside [low, high], range per arm."""
    p = np.asarray(propensity, dtype=np.float64)
    t = _as_binary(treatment, "treatment")
    result = {
        "share_outside": float(((p < low) | (p > high)).mean()),
        "share_below_low": float((p < low).mean()),
        "share_above_high": float((p > high).mean()),
        "treated_share": float(t.mean()),
    }
    for arm, mask in (("treated", t == 1), ("control", t == 0)):
        if mask.any():
            result[f"min_{arm}"] = float(p[mask].min())
            result[f"max_{arm}"] = float(p[mask].max())
            result[f"mean_{arm}"] = float(p[mask].mean())
    return result


# ----------------------------------------------------------------------------- summaries


def headline_metrics(
    y_true: ArrayLike,
    uplift: ArrayLike,
    treatment: ArrayLike,
    capacities: Sequence[float],
    true_uplift: ArrayLike | None = None,
) -> dict[str, float]:
    """The headline numbers for one ranking: Qini coefficient, AUUC, uplift@k (both strategies),
    extra outcomes top-K vs random and, when the truth is known, the oracle share and the
    correlation with the true uplift."""
    y, s, t = _inputs(y_true, uplift, treatment)
    truth = None if true_uplift is None else np.asarray(true_uplift, dtype=np.float64)
    if truth is not None and len(truth) != len(s):
        raise ValueError(f"lengths differ: true_uplift {len(truth)}, uplift {len(s)}")
    # One ordering of the rows and one perfect ranking serve every number below: the same
    # kernels as the public functions (qini_coefficient, uplift_at_k, oracle_share ...), which
    # would each sort the rows again.
    ranked = _ranked(y, t, s, None, truth)
    perfect = _perfect(y, t, None, truth)
    result = {
        "qini_coefficient": float(_qini_from(ranked, perfect)[0]),
        "auuc": float(_auuc_from(ranked, perfect)[0]),
    }
    average_effect = y[t == 1].mean() - y[t == 0].mean()
    for k in capacities:
        if not 0 < k < 1:
            raise ValueError(f"k is a fraction in (0, 1), got {k}")
        tag = capacity_tag(k)
        overall = float(_uplift_at_k_from(ranked, k, "overall")[0])
        size = float(np.floor(len(y) * k))
        result[f"uplift_at_{tag}"] = float(_uplift_at_k_from(ranked, k, "by_group")[0])
        result[f"uplift_at_{tag}_overall"] = overall
        result[f"extra_top_{tag}"] = size * overall
        result[f"extra_random_{tag}"] = float(size * average_effect)
    if truth is not None:
        for k in capacities:
            share = _oracle_share_from(ranked, perfect, k)[0]
            result[f"oracle_share_{capacity_tag(k)}"] = float(share)
        correlation = true_uplift_correlation(truth, s)
        result["true_uplift_pearson"] = correlation["pearson"]
        result["true_uplift_spearman"] = correlation["spearman"]
    return result


def capacity_tag(k: float) -> str:
    """0.1 -> '10pct' (metric names carry capacities as whole percents)."""
    percent = k * 100
    return f"{round(percent)}pct" if abs(percent - round(percent)) < 1e-9 else f"{percent:g}pct"


def _resample_counts(rng: np.random.Generator, n: int, size: int) -> FloatArray:
    """``size`` bootstrap resamples of ``n`` rows as row counts (size x n): each is n rows drawn
    with replacement, counted (a multinomial draw with equal chances, four times faster than
    ``Generator.multinomial`` over many rows). Float32: sums of whole counts stay exact below
    2**24 rows."""
    counts = np.empty((size, n), dtype=np.float32)
    for row in counts:
        row[:] = np.bincount(rng.integers(0, n, size=n), minlength=n)
    return counts


def bootstrap_intervals(
    y_true: ArrayLike,
    uplift: ArrayLike,
    treatment: ArrayLike,
    capacities: Sequence[float],
    *,
    true_uplift: ArrayLike | None = None,
    resamples: int = 200,
    seed: int = 0,
    level: float = 0.9,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals on the headline numbers of one ranking (seeded)."""
    return bootstrap_many(
        y_true,
        treatment,
        {"score": np.asarray(uplift, dtype=np.float64)},
        capacities,
        true_uplift=true_uplift,
        resamples=resamples,
        seed=seed,
        level=level,
    )["score"]


def bootstrap_many(
    y_true: ArrayLike,
    treatment: ArrayLike,
    rankings: Mapping[str, ArrayLike],
    capacities: Sequence[float],
    *,
    true_uplift: ArrayLike | None = None,
    resamples: int = 200,
    seed: int = 0,
    level: float = 0.9,
    chunk: int = 25,
    qini_only: bool = False,
) -> dict[str, dict[str, tuple[float, float]]]:
    """Percentile bootstrap intervals on the headline numbers (Qini coefficient, AUUC, uplift@k
    by_group and, with the truth, the oracle share) of several rankings of the same rows; with
    ``qini_only``, on the Qini coefficient alone (what the learner choice reads; the same draws).

    All rankings see the same resamples (paired), drawn as multinomial row counts from a seeded
    generator; a chunk of resamples is computed at once (arrays of chunk x rows), and what does
    not depend on the ranking (the perfect curves, the oracle's gain) is computed once per chunk.
    """
    first = next(iter(rankings.values()))
    y, _, t = _inputs(y_true, first, treatment)
    scores = {name: _inputs(y, score, t)[1] for name, score in rankings.items()}
    truth = None if true_uplift is None else np.asarray(true_uplift, dtype=np.float64)
    rng = np.random.default_rng(seed)
    n = len(y)
    draws: dict[str, dict[str, list[FloatArray]]] = {name: {} for name in scores}
    remaining = resamples
    while remaining > 0:
        size = min(chunk, remaining)
        remaining -= size
        weights = _resample_counts(rng, n, size)
        if qini_only:
            perfect = _perfect(y, t, weights, None, uplift_curve=False)
            for name, score in scores.items():
                ranked = _ranked(y, t, score, weights)
                draws[name].setdefault("qini_coefficient", []).append(_qini_from(ranked, perfect))
            continue
        perfect = _perfect(y, t, weights, truth)
        for name, score in scores.items():
            ranked = _ranked(y, t, score, weights, truth)
            found = draws[name]
            found.setdefault("qini_coefficient", []).append(_qini_from(ranked, perfect))
            found.setdefault("auuc", []).append(_auuc_from(ranked, perfect))
            for k in capacities:
                tag = capacity_tag(k)
                values = _uplift_at_k_from(ranked, k, "by_group")
                found.setdefault(f"uplift_at_{tag}", []).append(values)
                if truth is not None:
                    share = _oracle_share_from(ranked, perfect, k)
                    found.setdefault(f"oracle_share_{tag}", []).append(share)
    tail = (1 - level) / 2 * 100
    result: dict[str, dict[str, tuple[float, float]]] = {}
    for name, found in draws.items():
        result[name] = {}
        for metric, parts in found.items():
            values = np.concatenate(parts)
            values = values[~np.isnan(values)]
            if len(values) == 0:
                result[name][metric] = (float("nan"), float("nan"))
                continue
            low, high = np.percentile(values, [tail, 100 - tail])
            result[name][metric] = (float(low), float(high))
    return result


def qini_difference_interval(
    y_true: ArrayLike,
    treatment: ArrayLike,
    first: ArrayLike,
    second: ArrayLike,
    *,
    resamples: int = 200,
    seed: int = 0,
    level: float = 0.9,
    chunk: int = 25,
) -> tuple[float, float, float]:
    """The Qini coefficient of ranking ``first`` minus that of ``second`` on the same rows, and
    a percentile bootstrap interval of the difference: both rankings see each resample (paired),
    so what the rows share (their noise) cancels and the interval says whether the rows tell the
    two apart. (difference, low, high)."""
    y, a, t = _inputs(y_true, first, treatment)
    b = _inputs(y, second, t)[1]
    difference = qini_coefficient(y, a, t) - qini_coefficient(y, b, t)
    rng = np.random.default_rng(seed)
    parts: list[FloatArray] = []
    remaining = resamples
    while remaining > 0:
        size = min(chunk, remaining)
        remaining -= size
        weights = _resample_counts(rng, len(y), size)
        perfect = _perfect(y, t, weights, None, uplift_curve=False)
        parts.append(
            _qini_from(_ranked(y, t, a, weights), perfect)
            - _qini_from(_ranked(y, t, b, weights), perfect)
        )
    values = np.concatenate(parts) if parts else np.array([])
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return float(difference), float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(difference), float(low), float(high)


def metrics_by_group(
    frame: pd.DataFrame,
    group_column: str,
    *,
    y_column: str,
    treatment_column: str,
    score_column: str,
    capacities: Sequence[float],
    truth_column: str | None = None,
    min_rows: int = 50,
) -> pd.DataFrame:
    """Headline numbers within each value of `group_column` (where the model is weaker).
    Groups with fewer than `min_rows` rows or a missing arm get NaN metrics, not an error."""
    rows = []
    for value, part in frame.groupby(group_column, observed=True, sort=True):
        y = part[y_column].to_numpy(dtype=np.float64)
        t = part[treatment_column].to_numpy(dtype=np.float64)
        row: dict[str, object] = {
            "group": group_column,
            "value": value,
            "rows": len(part),
            "treated": int(t.sum()),
            "outcome_rate_treated": float(y[t == 1].mean()) if (t == 1).any() else np.nan,
            "outcome_rate_control": float(y[t == 0].mean()) if (t == 0).any() else np.nan,
        }
        usable = len(part) >= min_rows and 0 < t.sum() < len(t) and y.sum() > 0
        truth = None if truth_column is None else part[truth_column].to_numpy(dtype=np.float64)
        if usable:
            metrics: Mapping[str, float] = headline_metrics(
                y, part[score_column].to_numpy(dtype=np.float64), t, capacities, truth
            )
            row.update(
                {
                    name: metrics[name]
                    for name in metrics
                    if name in ("qini_coefficient", "auuc")
                    or (
                        name.startswith(("uplift_at_", "oracle_share_"))
                        and not name.endswith("_overall")
                    )
                }
            )
        rows.append(row)
    return pd.DataFrame(rows)
