"""Percentile bootstrap intervals on the ranking metrics of `training.evaluation`, seeded.

A resample is the rows' counts (n rows drawn with replacement); a chunk of resamples is one
matrix of weights for the kernels of `training.metric_kernels`, so replicates come at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from training import metric_kernels as kernels
from training.evaluation import capacity_tag, inputs, qini_coefficient
from training.metric_kernels import FloatArray


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
    y, _, t = inputs(y_true, first, treatment)
    scores = {name: inputs(y, score, t)[1] for name, score in rankings.items()}
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
            perfect = kernels.perfect(y, t, weights, None, uplift_curve=False)
            for name, score in scores.items():
                ranked = kernels.ranked(y, t, score, weights)
                draws[name].setdefault("qini_coefficient", []).append(
                    kernels.qini_from(ranked, perfect)
                )
            continue
        perfect = kernels.perfect(y, t, weights, truth)
        for name, score in scores.items():
            ranked = kernels.ranked(y, t, score, weights, truth)
            found = draws[name]
            found.setdefault("qini_coefficient", []).append(kernels.qini_from(ranked, perfect))
            found.setdefault("auuc", []).append(kernels.auuc_from(ranked, perfect))
            for k in capacities:
                tag = capacity_tag(k)
                values = kernels.uplift_at_k_from(ranked, k, "by_group")
                found.setdefault(f"uplift_at_{tag}", []).append(values)
                if truth is not None:
                    share = kernels.oracle_share_from(ranked, perfect, k)
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
    y, a, t = inputs(y_true, first, treatment)
    b = inputs(y, second, t)[1]
    difference = qini_coefficient(y, a, t) - qini_coefficient(y, b, t)
    rng = np.random.default_rng(seed)
    parts: list[FloatArray] = []
    remaining = resamples
    while remaining > 0:
        size = min(chunk, remaining)
        remaining -= size
        weights = _resample_counts(rng, len(y), size)
        perfect = kernels.perfect(y, t, weights, None, uplift_curve=False)
        parts.append(
            kernels.qini_from(kernels.ranked(y, t, a, weights), perfect)
            - kernels.qini_from(kernels.ranked(y, t, b, weights), perfect)
        )
    values = np.concatenate(parts) if parts else np.array([])
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return float(difference), float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(difference), float(low), float(high)
