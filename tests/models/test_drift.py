"""Population stability index and the running counts behind the service's drift gauges."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.drift import (
    FEW_ROWS,
    MAJOR_PSI,
    MIN_ROWS_FOR_STATUS,
    BinCounts,
    DriftCounts,
    build_reference,
    drift_report,
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


SPECS = (
    FeatureSpec("revenue", "numeric"),
    FeatureSpec("sector", "categorical", categories=("food", "craft", "retail")),
)


def _reference_and_rows() -> tuple[Any, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    train = np.column_stack([rng.lognormal(2, 1, 5_000), rng.integers(0, 3, 5_000)]).astype(float)
    uplift = rng.normal(0.05, 0.02, 5_000)
    return build_reference(train, SPECS, uplift), train, uplift


def test_counts_kept_apart_and_added_up_report_as_if_counted_in_one_place() -> None:
    """Two workers' tallies, stored as JSON and summed, give the report of one counter that
    saw every row (the service adds its workers' tallies so)."""
    reference, train, uplift = _reference_and_rows()
    scored = train[:900].copy()
    scored[:, 0] *= 4
    everything = DriftCounts(reference)
    everything.observe(scored, uplift[:900])
    first, second = DriftCounts(reference), DriftCounts(reference)
    first.observe(scored[:300], uplift[:300])
    second.observe(scored[300:], uplift[300:900])

    stored = second.snapshot().as_json()
    total = first.snapshot() + BinCounts.from_json(reference, second.rows, stored)
    combined = drift_report(reference, total)

    assert combined == everything.report()
    assert combined.rows_seen == 900 and combined.status == "major"
    assert first.report() != combined  # each alone is not the whole


def test_a_snapshot_is_a_value_later_rows_do_not_change() -> None:
    reference, train, uplift = _reference_and_rows()
    counts = DriftCounts(reference)
    counts.observe(train[:10], uplift[:10])
    before = counts.snapshot()
    counts.observe(train[10:30], uplift[10:30])
    assert before.rows == 10 and int(before.score.sum()) == 10
    assert counts.snapshot().rows == 30


def test_counts_in_other_bins_are_refused() -> None:
    reference, _, _ = _reference_and_rows()
    other = build_reference(
        np.arange(100, dtype=float).reshape(-1, 1),
        (FeatureSpec("workers", "numeric"),),
        np.linspace(0, 1, 100),
    )
    with pytest.raises(ValueError, match="do not fit"):
        BinCounts.from_json(reference, 5, BinCounts.empty(other).as_json())
    with pytest.raises(ValueError, match="different bins"):
        _ = BinCounts.empty(reference) + BinCounts.empty(other)
    negative = BinCounts.empty(reference).as_json()
    negative["score"][0] = -1
    with pytest.raises(ValueError, match="negative"):
        BinCounts.from_json(reference, 1, negative)


def test_the_digest_names_the_bins() -> None:
    reference, train, uplift = _reference_and_rows()
    again = build_reference(train, SPECS, uplift)
    assert reference.digest == again.digest and len(reference.digest) == 64
    other_scores = build_reference(train, SPECS, uplift + 1)
    assert other_scores.digest != reference.digest


def _edge_or_any(edges: tuple[float, ...]) -> st.SearchStrategy[float]:
    """A float anywhere, NaN and infinities included, or exactly on a bin edge."""
    return st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(edges))


_REFERENCE = _reference_and_rows()[0]
_LEVEL_CODES = st.one_of(
    st.floats(min_value=-3, max_value=6), st.sampled_from([np.nan, np.inf, -np.inf, 2.0, 3.0])
)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            _edge_or_any(_REFERENCE.features[0].edges),
            _LEVEL_CODES,
            _edge_or_any(_REFERENCE.score.edges),
        ),
        min_size=1,
        max_size=FEW_ROWS,
    )
)
def test_a_few_rows_counted_value_by_value_fall_in_numpy_s_bins(
    rows: list[tuple[float, float, float]],
) -> None:
    """A request's handful of rows is counted without numpy; the bins must be numpy's."""
    table = np.array(rows, dtype=float)
    matrix, uplift = table[:, :2], table[:, 2]
    counter = DriftCounts(_REFERENCE)
    with np.errstate(invalid="ignore"):  # numpy's cast of an infinite level code warns
        counter.observe(matrix, uplift)
        expected = [item.counts(matrix[:, j]) for j, item in enumerate(_REFERENCE.features)]
        expected_score = _REFERENCE.score.counts(uplift)
    counted = counter.snapshot()

    assert counted.rows == len(rows)
    for j, bins in enumerate(expected):
        assert counted.features[j, : len(bins)].tolist() == bins.tolist()
        assert not counted.features[j, len(bins) :].any()
    assert counted.score.tolist() == expected_score.tolist()
