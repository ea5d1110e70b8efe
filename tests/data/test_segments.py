"""Segment rules: every row exactly one of the four segments, in the documented order."""

from __future__ import annotations

import numpy as np
import pytest

from data.segments import SEGMENTS, SegmentThresholds, assign_segments


def test_every_row_gets_one_of_the_four_segments() -> None:
    grid = np.linspace(0.0, 1.0, 101)
    p1, p0 = (a.ravel() for a in np.meshgrid(grid, grid))
    segments = assign_segments(p1, p0)
    assert len(segments) == len(p1)
    assert set(segments.tolist()) == set(SEGMENTS)


@pytest.mark.parametrize(
    ("p1", "p0", "expected"),
    [
        (0.10, 0.20, "do_not_disturb"),  # uplift -0.10
        (0.005, 0.015, "do_not_disturb"),  # do_not_disturb is checked before lost_cause
        (0.015, 0.001, "lost_cause"),  # uplift 0.014 but under 2% even when mentored
        (0.08, 0.03, "persuadable"),
        (0.45, 0.40, "persuadable"),  # a big uplift wins over a high baseline
        (0.405, 0.40, "sure_thing"),
        (0.05, 0.048, "lost_cause"),  # small effect, low baseline
        (0.10, 0.104, "lost_cause"),  # slightly negative, not below -0.005
    ],
)
def test_rules_and_their_order(p1: float, p0: float, expected: str) -> None:
    assert assign_segments(np.array([p1]), np.array([p0]))[0] == expected


def test_custom_thresholds_apply() -> None:
    strict = SegmentThresholds(persuadable_min_uplift=0.1)
    assert assign_segments(np.array([0.08]), np.array([0.03]), strict)[0] == "lost_cause"


def test_missing_probabilities_are_refused() -> None:
    with pytest.raises(ValueError, match="missing probabilities"):
        assign_segments(np.array([0.1, np.nan]), np.array([0.05, 0.05]))


def test_inconsistent_thresholds_are_refused() -> None:
    with pytest.raises(ValueError, match="must not exceed"):
        SegmentThresholds(do_not_disturb_below=0.05, persuadable_min_uplift=0.01)
