"""Population stability index and the running counts behind the service's drift gauges."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.drift import (
    MAJOR_PSI,
    MIN_ROWS_FOR_STATUS,
    DriftCounts,
    build_reference,
    drift_status,
    levels_reference,
    numeric_reference,
    psi,
)
from models.features import FeatureSpec


def test_psi_matches_a_hand_computed_case() -> None:
    # (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5)
    expected = 0.25 * math.log(2) + 0.25 * math.log(1.5)
    assert psi([0.5, 0.5], [0.25, 0.75]) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(0.2747, abs=1e-4)
    # Counts are shares once normalised.
    assert psi([0.5, 0.5], [25, 75]) == pytest.approx(expected, rel=1e-12)


def test_psi_is_zero_on_identical_data_and_finite_with_an_empty_bin() -> None:
    assert psi([0.1, 0.2, 0.7], [0.1, 0.2, 0.7]) == 0.0
    assert math.isfinite(psi([0.5, 0.5, 0.0], [0.4, 0.4, 0.2]))


def test_numeric_bins_are_deciles_with_a_missing_bin() -> None:
    values = np.arange(1000, dtype=float)
    reference = numeric_reference("workers", values)
    assert len(reference.edges) == 9
    assert reference.shares[:10] == pytest.approx([0.1] * 10)
    assert reference.shares[-1] == 0.0  # missing
    assert reference.counts(np.array([np.nan, -5.0, 1e9])).tolist() == [1] + [0] * 8 + [1, 1]


def test_levels_put_unknown_and_missing_codes_in_the_last_bin() -> None:
    reference = levels_reference("sector", ("a", "b"), np.array([0.0, 1.0, 1.0, np.nan]))
    assert reference.shares == pytest.approx((0.25, 0.5, 0.25))
    assert reference.counts(np.array([0.0, 7.0, np.nan])).tolist() == [1, 0, 2]


def test_counts_of_the_training_population_show_no_drift_and_a_shift_shows() -> None:
    rng = np.random.default_rng(0)
    specs = (FeatureSpec("revenue", "numeric"), FeatureSpec("has_phone", "boolean"))
    train = np.column_stack([rng.lognormal(2, 1, 20_000), rng.random(20_000) < 0.6]).astype(float)
    uplift = rng.normal(0.05, 0.02, 20_000)
    reference = build_reference(train, specs, uplift)

    same = DriftCounts(reference)
    same.observe(train, uplift)
    report = same.report()
    assert report.feature_psi == pytest.approx({"revenue": 0.0, "has_phone": 0.0}, abs=1e-9)
    assert report.score_psi == pytest.approx(0.0, abs=1e-9)
    assert report.status == "stable"

    shifted = DriftCounts(reference)
    scored = train[:2000].copy()
    scored[:, 0] *= 5  # revenues five times larger
    shifted.observe(scored, uplift[:2000] + 0.05)
    report = shifted.report()
    assert report.feature_psi["revenue"] > MAJOR_PSI
    assert report.feature_psi["has_phone"] < 0.05
    assert report.score_psi is not None and report.score_psi > MAJOR_PSI
    assert report.status == "major"
    assert report.rows_seen == 2000


def test_no_status_is_called_on_a_handful_of_rows() -> None:
    assert drift_status(0.9, MIN_ROWS_FOR_STATUS - 1) == "collecting"
    assert drift_status(0.15, MIN_ROWS_FOR_STATUS) == "moderate"
