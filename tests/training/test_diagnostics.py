"""Diagnostics on tiny examples computed by hand (training/diagnostics.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from training import diagnostics

# Example B of test_evaluation.py: eight ranked rows, scores 8 .. 1:
# (1,1) (0,0) (1,1) (0,1) (1,0) (0,0) (1,0) (0,1)
B_T = [1, 0, 1, 0, 1, 0, 1, 0]
B_Y = [1, 0, 1, 1, 0, 0, 0, 1]
B_S = [8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0]


def test_arm_fit_by_hand() -> None:
    y = [1, 0, 1, 0]
    t = [1, 1, 0, 0]
    fit = diagnostics.arm_fit(
        y, t, p_if_treated=[0.8, 0.4, 0.0, 0.0], p_if_control=[0.0, 0.0, 0.3, 0.6]
    )
    assert fit["auc_treated"] == pytest.approx(1.0)
    assert fit["brier_treated"] == pytest.approx((0.2**2 + 0.4**2) / 2)
    assert fit["auc_control"] == pytest.approx(0.0)
    assert fit["brier_control"] == pytest.approx((0.7**2 + 0.6**2) / 2)


def test_calibration_table_by_hand() -> None:
    # treated rows 0-3, control rows 4-7; two quantile bins per arm
    y = [0, 0, 1, 1, 0, 1, 0, 1]
    t = [1, 1, 1, 1, 0, 0, 0, 0]
    p1 = [0.1, 0.2, 0.8, 0.9, 0.0, 0.0, 0.0, 0.0]
    p0 = [0.0, 0.0, 0.0, 0.0, 0.2, 0.4, 0.6, 0.8]
    table = diagnostics.calibration_table(y, t, p1, p0, bins=2)
    assert list(table["arm"]) == ["treated", "treated", "control", "control"]
    np.testing.assert_allclose(table["predicted"], [0.15, 0.85, 0.3, 0.7])
    np.testing.assert_allclose(table["observed"], [0.0, 1.0, 0.5, 0.5])
    assert list(table["rows"]) == [2, 2, 2, 2]


def test_propensity_overlap_by_hand() -> None:
    overlap = diagnostics.propensity_overlap([0.01, 0.5, 0.97, 0.6], [0, 1, 1, 0])
    assert overlap["share_outside"] == pytest.approx(0.5)
    assert overlap["min_control"] == pytest.approx(0.01)
    assert overlap["max_treated"] == pytest.approx(0.97)


def test_metrics_by_group_marks_small_groups_instead_of_failing() -> None:
    frame = pd.DataFrame(
        {
            "y": B_Y * 20 + [1, 0],
            "t": B_T * 20 + [1, 1],
            "s": B_S * 20 + [1.0, 2.0],
            "g": ["big"] * 160 + ["tiny"] * 2,
        }
    )
    table = diagnostics.metrics_by_group(
        frame, "g", y_column="y", treatment_column="t", score_column="s", capacities=[0.5]
    )
    assert list(table["value"]) == ["big", "tiny"]
    assert list(table["rows"]) == [160, 2]
    assert table.loc[0, "uplift_at_50pct"] == pytest.approx(0.5)
    assert table["qini_coefficient"].isna().tolist() == [False, True]
