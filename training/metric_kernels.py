"""The weighted kernels behind the uplift metrics (definitions: `training.evaluation`).

One ranking's rows are put in order once, with cumulative sums for one or many weight vectors;
every curve and number is read from those sums. A bootstrap sample is the original rows with
multinomial counts, so one weight vector per resample computes the replicates of all resamples at
once (`training.bootstrap`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

# float64 for point estimates; bootstrap row counts are float32 (exact for whole counts).
FloatArray = NDArray[np.floating[Any]]
Strategy = Literal["by_group", "overall"]


# ----------------------------------------------------------------------------- helpers


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


def ranked(
    y: FloatArray,
    t: FloatArray,
    score: FloatArray,
    weights: FloatArray | None,
    truth: FloatArray | None = None,
) -> _Ranked:
    """The rows ranked by `score` (ties kept together), summed per weight vector (none: one of
    ones); with `truth`, its sums too (the oracle share reads them)."""
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
    """What `ranked` gives at the tie ends, for a score with a few distinct values (the perfect
    rankings): the sums per level, from one matrix product, instead of cumulative sums over
    every row. Exact: the weights are whole counts and y, t are 0/1, so every sum is a whole
    number below 2**24. Only the curves (`qini_points`, `uplift_points`) may read the result."""
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


def with_origin(x: FloatArray, values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The curve's points with the origin (0, 0) put first, as the public curves give them."""
    zeros = np.zeros((x.shape[0], 1))
    return np.hstack([zeros, x]), np.hstack([zeros, values])


def qini_points(r: _Ranked) -> tuple[FloatArray, FloatArray]:
    """The Qini curve at the tie ends, without its origin (0, 0)."""
    e = r.ends
    n_t, n_c = r.cum_wt[:, e], r.cum_wc[:, e]
    values = r.cum_wyt[:, e] - r.cum_wyc[:, e] * _safe_div(n_t, n_c)
    return r.cum_w[:, e], values


def uplift_points(r: _Ranked) -> tuple[FloatArray, FloatArray]:
    """The uplift curve at the tie ends, without its origin (0, 0)."""
    e = r.ends
    n_t, n_c, n_all = r.cum_wt[:, e], r.cum_wc[:, e], r.cum_w[:, e]
    values = (_safe_div(r.cum_wyt[:, e], n_t) - _safe_div(r.cum_wyc[:, e], n_c)) * n_all
    return n_all, values


def _area(x: FloatArray, values: FloatArray) -> FloatArray:
    """Trapezoid area under points that start at the origin (`with_origin`'s), read from the
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


def perfect(
    y: FloatArray,
    t: FloatArray,
    weights: FloatArray | None,
    truth: FloatArray | None,
    *,
    uplift_curve: bool = True,
) -> _Perfect:
    """The perfect rankings' areas; without ``uplift_curve``, the Qini's alone (the uplift
    curve's fields are then NaN: only `qini_from` may read the result)."""
    w = np.ones((1, len(y))) if weights is None else weights
    qini = qini_points(_ranked_by_level(y, t, y * t - y * (1 - t), weights))
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
    by_y = uplift_points(_ranked_by_level(y, t, same + y, weights))
    by_t = uplift_points(_ranked_by_level(y, t, same + t, weights))
    control_responders = (w * (y == 1) * (t == 0)).sum(axis=1)
    treated_non_responders = (w * (y == 0) * (t == 1)).sum(axis=1)
    use_y = (control_responders > treated_non_responders)[:, None]
    uplift = (np.where(use_y, by_y[0], by_t[0]), np.where(use_y, by_y[1], by_t[1]))
    return _Perfect(
        qini_area=_area(*qini),
        uplift_area=_area(*uplift),
        baseline_qini=qini[0][:, -1] * qini[1][:, -1] / 2.0,
        baseline_uplift=uplift[0][:, -1] * uplift[1][:, -1] / 2.0,
        oracle=None if truth is None else ranked(y, t, truth, weights, truth),
    )


def qini_from(r: _Ranked, p: _Perfect) -> FloatArray:
    """Qini coefficient per weight vector: the area above random over the perfect one's."""
    return _safe_div(_area(*qini_points(r)) - p.baseline_qini, p.qini_area - p.baseline_qini)


def auuc_from(r: _Ranked, p: _Perfect) -> FloatArray:
    """AUUC per weight vector: the same normalisation on the uplift curve."""
    return _safe_div(
        _area(*uplift_points(r)) - p.baseline_uplift, p.uplift_area - p.baseline_uplift
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


def uplift_at_k_from(r: _Ranked, k: float, strategy: Strategy) -> FloatArray:
    """uplift@k per weight vector (NaN where the top k holds no row of an arm)."""
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


def oracle_share_from(r: _Ranked, p: _Perfect, k: float) -> FloatArray:
    """Oracle share at k per weight vector (`r` and `p` built with the truth)."""
    assert p.oracle is not None
    return np.asarray(_safe_div(_oracle_gain(r, k), _oracle_gain(p.oracle, k)), dtype=np.float64)


# Weighted metrics for one ranking: the public metrics of `training.evaluation` call them without
# weights; tests check the bootstrap kernels with them.


def qini_coefficients(
    y: FloatArray, t: FloatArray, score: FloatArray, weights: FloatArray | None
) -> FloatArray:
    return qini_from(ranked(y, t, score, weights), perfect(y, t, weights, None))


def auuc_values(
    y: FloatArray, t: FloatArray, score: FloatArray, weights: FloatArray | None
) -> FloatArray:
    return auuc_from(ranked(y, t, score, weights), perfect(y, t, weights, None))


def uplift_at_k_values(
    y: FloatArray,
    t: FloatArray,
    score: FloatArray,
    k: float,
    *,
    strategy: Strategy,
    weights: FloatArray | None,
) -> FloatArray:
    return uplift_at_k_from(ranked(y, t, score, weights), k, strategy)


def oracle_share_values(
    true_uplift: FloatArray, score: FloatArray, k: float, weights: FloatArray | None
) -> FloatArray:
    zeros = np.zeros(len(score))
    return oracle_share_from(
        ranked(zeros, zeros, score, weights, true_uplift),
        perfect(zeros, zeros, weights, true_uplift),
        k,
    )
