"""Uplift evaluation, the ranking metrics: pure functions over arrays, no MLflow, no models.

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

Every metric has a weighted kernel (`training.metric_kernels`) so that bootstrap replicates
(`training.bootstrap`) are computed for all resamples at once. Each arm's fit and calibration,
the propensity's overlap and the numbers per group are in `training.diagnostics`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import spearmanr

from training import metric_kernels as kernels
from training.metric_kernels import FloatArray, Strategy

# ----------------------------------------------------------------------------- input handling


def as_binary(values: ArrayLike, name: str) -> FloatArray:
    """A one-dimensional 0/1 array as float64; else a ValueError naming the first bad value."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    as_float = array.astype(np.float64)
    bad = ~np.isin(as_float, (0.0, 1.0))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} must be 0/1; position {first} holds {array[first]!r}")
    return as_float


def inputs(
    y_true: ArrayLike, score: ArrayLike, treatment: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Outcomes, scores and arms as float64 (y, score, t), checked: 0/1, same length, at least
    one row, no NaN score."""
    y = as_binary(y_true, "y_true")
    t = as_binary(treatment, "treatment")
    s = np.asarray(score, dtype=np.float64)
    if not len(y) == len(t) == len(s):
        raise ValueError(f"lengths differ: y_true {len(y)}, score {len(s)}, treatment {len(t)}")
    if len(y) == 0:
        raise ValueError("no rows to evaluate")
    if np.isnan(s).any():
        raise ValueError(f"score holds NaN at position {int(np.flatnonzero(np.isnan(s))[0])}")
    return y, s, t


# ----------------------------------------------------------------------------- public metrics


def qini_curve(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Qini curve points (rows targeted, Qini value), as sklift.metrics.qini_curve."""
    y, s, t = inputs(y_true, uplift, treatment)
    x, q = kernels.with_origin(*kernels.qini_points(kernels.ranked(y, t, s, None)))
    return x[0], q[0]


def perfect_qini_curve(y_true: ArrayLike, treatment: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """The best possible Qini curve for these outcomes (negative effects included)."""
    y, _, t = inputs(y_true, np.zeros(len(np.asarray(y_true))), treatment)
    return qini_curve(y, y * t - y * (1 - t), t)


def uplift_curve(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Uplift curve points (rows targeted, uplift x rows), as sklift.metrics.uplift_curve."""
    y, s, t = inputs(y_true, uplift, treatment)
    x, u = kernels.with_origin(*kernels.uplift_points(kernels.ranked(y, t, s, None)))
    return x[0], u[0]


def qini_coefficient(y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike) -> float:
    """Normalised area under the Qini curve (sklift qini_auc_score): 0 random, 1 perfect."""
    y, s, t = inputs(y_true, uplift, treatment)
    return float(kernels.qini_coefficients(y, t, s, None)[0])


def auuc(y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike) -> float:
    """Normalised area under the uplift curve (sklift uplift_auc_score): 0 random, 1 perfect."""
    y, s, t = inputs(y_true, uplift, treatment)
    return float(kernels.auuc_values(y, t, s, None)[0])


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
    y, s, t = inputs(y_true, uplift, treatment)
    return float(kernels.uplift_at_k_values(y, t, s, k, strategy=strategy, weights=None)[0])


def expected_extra_outcomes(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike, k: float
) -> dict[str, float]:
    """Extra outcomes (digitalizations) when mentoring the top K = int(k * n) rows versus K at
    random, estimated from held-out outcomes: K x uplift@k ('overall') against K x the average
    effect (treated rate - control rate over all rows)."""
    y, s, t = inputs(y_true, uplift, treatment)
    size = int(np.floor(len(y) * k))
    top = kernels.uplift_at_k_values(y, t, s, k, strategy="overall", weights=None)[0]
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
    return float(kernels.oracle_share_values(truth, score, k, None)[0])


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
    y, s, t = inputs(y_true, uplift, treatment)
    truth = None if true_uplift is None else np.asarray(true_uplift, dtype=np.float64)
    if truth is not None and len(truth) != len(s):
        raise ValueError(f"lengths differ: true_uplift {len(truth)}, uplift {len(s)}")
    # One ordering of the rows and one perfect ranking serve every number below: the same
    # kernels as the public functions (qini_coefficient, uplift_at_k, oracle_share ...), which
    # would each sort the rows again.
    ranked = kernels.ranked(y, t, s, None, truth)
    perfect = kernels.perfect(y, t, None, truth)
    result = {
        "qini_coefficient": float(kernels.qini_from(ranked, perfect)[0]),
        "auuc": float(kernels.auuc_from(ranked, perfect)[0]),
    }
    average_effect = y[t == 1].mean() - y[t == 0].mean()
    for k in capacities:
        if not 0 < k < 1:
            raise ValueError(f"k is a fraction in (0, 1), got {k}")
        tag = capacity_tag(k)
        overall = float(kernels.uplift_at_k_from(ranked, k, "overall")[0])
        size = float(np.floor(len(y) * k))
        result[f"uplift_at_{tag}"] = float(kernels.uplift_at_k_from(ranked, k, "by_group")[0])
        result[f"uplift_at_{tag}_overall"] = overall
        result[f"extra_top_{tag}"] = size * overall
        result[f"extra_random_{tag}"] = float(size * average_effect)
    if truth is not None:
        for k in capacities:
            share = kernels.oracle_share_from(ranked, perfect, k)[0]
            result[f"oracle_share_{capacity_tag(k)}"] = float(share)
        correlation = true_uplift_correlation(truth, s)
        result["true_uplift_pearson"] = correlation["pearson"]
        result["true_uplift_spearman"] = correlation["spearman"]
    return result


def capacity_tag(k: float) -> str:
    """0.1 -> '10pct' (metric names carry capacities as whole percents)."""
    percent = k * 100
    return f"{round(percent)}pct" if abs(percent - round(percent)) < 1e-9 else f"{percent:g}pct"
