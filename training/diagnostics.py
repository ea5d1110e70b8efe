"""Diagnostics beside the ranking metrics: each arm's outcome model (fit, calibration), the
overlap of the propensity, and the headline numbers within groups (where the model is weaker)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.metrics import brier_score_loss, roc_auc_score

from training.evaluation import as_binary, headline_metrics


def arm_fit(
    y_true: ArrayLike, treatment: ArrayLike, p_if_treated: ArrayLike, p_if_control: ArrayLike
) -> dict[str, float]:
    """AUC and Brier score of each arm's outcome model on the rows of that arm."""
    y = as_binary(y_true, "y_true")
    t = as_binary(treatment, "treatment")
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
    y = as_binary(y_true, "y_true")
    t = as_binary(treatment, "treatment")
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
    t = as_binary(treatment, "treatment")
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
