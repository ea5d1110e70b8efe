"""Population drift: what the model learnt from, and how far what it scores now has moved.

At training time `build_reference` summarises every feature of the training rows (numeric: the
proportions in quantile bins, with the bin edges; categorical and boolean: the proportion of each
level) and the distribution of the served model's uplift score on those rows. The reference is
pickled inside the model (`UpliftModel.drift_reference`), so a served model carries it and
serving needs nothing else. `DriftCounts` counts what is scored into the same bins (bounded
memory: one integer per bin), and `psi` compares the two. `BinCounts` is such a count as plain
data: the service's workers each store theirs and add them up (`drift_report`), so the drift of a
model version covers everything it scored, whichever process scored it.

The population stability index, PSI = sum_i (a_i - e_i) * ln(a_i / e_i) over bins with expected
share e_i (training) and actual share a_i (scored), reads by the usual credit-scoring rule of
thumb (Siddiqi, *Credit Risk Scorecards*, Wiley 2006, ch. 8; also Yurdakul 2018, "Statistical
properties of population stability index"): below 0.1 no significant shift, 0.1 to 0.25 a
moderate shift worth watching, above 0.25 a major shift (`MODERATE_PSI`, `MAJOR_PSI`).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from models.features import FeatureSpec, FloatArray

MODERATE_PSI = 0.1  # Siddiqi (2006): 0.1-0.25 a moderate shift
MAJOR_PSI = 0.25  # above: a major shift, the model's view of the population is out of date
QUANTILE_BINS = 10  # deciles of the training rows
# Shares below this are floored before the logarithm: an empty bin on one side would make PSI
# infinite (the floor caps one empty bin's term at about 0.1 x ln(0.1 / 1e-4) = 0.7).
SHARE_FLOOR = 1e-4
# Up to this many rows are counted value by value in plain Python: for a request of one MSME,
# numpy's per-call overhead (three calls per feature) cost more than the counting (about 9% of
# a single score's CPU, profiled 2026-12-07).
FEW_ROWS = 8
# Fewer scored rows than this: PSI is mostly sampling noise (about bins / rows for no shift),
# so no status is called.
MIN_ROWS_FOR_STATUS = 200
SCORE_NAME = "uplift"

DriftStatus = Literal["no_reference", "collecting", "stable", "moderate", "major"]


@dataclass(frozen=True)
class BinnedDistribution:
    """One distribution in fixed bins: numeric (`edges`: interior cut points, one bin per gap and
    one either side, then a missing bin) or levelled (`levels`: one bin per level code, then a
    missing bin for missing or unknown values)."""

    name: str
    kind: Literal["numeric", "levels"]
    shares: tuple[float, ...]
    edges: tuple[float, ...] = ()
    levels: tuple[str, ...] = ()

    @property
    def bins(self) -> int:
        return len(self.shares)

    def bin_of(self, values: FloatArray) -> npt.NDArray[np.intp]:
        """The bin of each encoded value (the last bin: missing)."""
        missing = np.isnan(values)
        if self.kind == "numeric":
            # side="left": a value equal to an edge falls in the bin below it, (e_k-1, e_k].
            index = np.searchsorted(np.asarray(self.edges), values, side="left")
        else:
            codes = np.where(missing, -1, values).astype(np.intp)
            unknown = (codes < 0) | (codes >= len(self.levels))
            index = np.where(unknown, len(self.levels), codes)
        return np.where(missing, self.bins - 1, index).astype(np.intp)

    def bin_of_value(self, value: float) -> int:
        """`bin_of` for one value, without numpy (the same bin, tested on any value)."""
        if math.isnan(value):
            return self.bins - 1
        if self.kind == "numeric":
            return bisect.bisect_left(self.edges, value)  # numpy's searchsorted, side="left"
        if not math.isfinite(value):
            return len(self.levels)
        code = int(value)  # truncates toward zero, as numpy's cast to an integer does
        return code if 0 <= code < len(self.levels) else len(self.levels)

    def counts(self, values: FloatArray) -> npt.NDArray[np.int64]:
        """How many values fall in each bin."""
        return np.bincount(self.bin_of(values), minlength=self.bins).astype(np.int64)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "shares": list(self.shares),
            "edges": list(self.edges),
            "levels": list(self.levels),
        }


@dataclass(frozen=True)
class DriftReference:
    """The training population, feature by feature and by uplift score."""

    features: tuple[BinnedDistribution, ...]
    score: BinnedDistribution
    rows: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "features": [item.as_dict() for item in self.features],
            "score": self.score.as_dict(),
            "thresholds": {"moderate": MODERATE_PSI, "major": MAJOR_PSI},
        }

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the bins and shares: counts with the same digest use the same bins."""
        text = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def widest(self) -> int:
        """Bins of the widest feature (the width of a count matrix's rows)."""
        return max((item.bins for item in self.features), default=1)


def numeric_reference(
    name: str, values: FloatArray, bins: int = QUANTILE_BINS
) -> BinnedDistribution:
    """Quantile bins of `values` (ties merge bins, so a feature of few values gets fewer)."""
    present = values[~np.isnan(values)]
    if len(present):
        quantiles = np.quantile(present, np.linspace(0, 1, bins + 1)[1:-1])
        edges = tuple(float(edge) for edge in np.unique(quantiles))
    else:
        edges = ()
    shell = BinnedDistribution(name, "numeric", (0.0,) * (len(edges) + 2), edges=edges)
    return _with_shares(shell, values)


def levels_reference(name: str, levels: Sequence[str], values: FloatArray) -> BinnedDistribution:
    """One bin per level (the encoded level index), then missing or unknown."""
    shell = BinnedDistribution(name, "levels", (0.0,) * (len(levels) + 1), levels=tuple(levels))
    return _with_shares(shell, values)


def _with_shares(shell: BinnedDistribution, values: FloatArray) -> BinnedDistribution:
    counts = shell.counts(values)
    total = max(int(counts.sum()), 1)
    return BinnedDistribution(
        shell.name,
        shell.kind,
        tuple(float(c) / total for c in counts),
        edges=shell.edges,
        levels=shell.levels,
    )


def build_reference(
    matrix: FloatArray, specs: Sequence[FeatureSpec], uplift: FloatArray
) -> DriftReference:
    """The reference of a training population: its feature matrix (`feature_matrix` order) and
    the served model's uplift on the same rows."""
    features = []
    for j, spec in enumerate(specs):
        column = matrix[:, j]
        if spec.kind == "numeric":
            features.append(numeric_reference(spec.name, column))
        elif spec.kind == "boolean":
            features.append(levels_reference(spec.name, ("false", "true"), column))
        else:
            features.append(levels_reference(spec.name, spec.categories or (), column))
    return DriftReference(
        features=tuple(features),
        score=numeric_reference(SCORE_NAME, np.asarray(uplift, dtype=np.float64)),
        rows=len(matrix),
    )


def psi(expected: npt.ArrayLike, actual: npt.ArrayLike) -> float:
    """Population stability index of `actual` shares against `expected` shares (same bins);
    shares below `SHARE_FLOOR` are floored (then renormalised) so an empty bin stays finite."""
    e = _floored(np.asarray(expected, dtype=np.float64))
    a = _floored(np.asarray(actual, dtype=np.float64))
    if e.shape != a.shape:
        raise ValueError(f"PSI needs the same bins: {e.shape[0]} expected, {a.shape[0]} actual")
    return float(np.sum((a - e) * np.log(a / e)))


def _floored(shares: FloatArray) -> FloatArray:
    total = shares.sum()
    if total <= 0:
        raise ValueError("PSI needs at least one counted value")
    floored = np.maximum(shares / total, SHARE_FLOOR)
    result: FloatArray = floored / floored.sum()
    return result


def drift_status(worst_psi: float | None, rows: int) -> DriftStatus:
    """The status of the largest PSI: stable, moderate or major (collecting below
    `MIN_ROWS_FOR_STATUS` rows)."""
    if rows < MIN_ROWS_FOR_STATUS or worst_psi is None:
        return "collecting"
    if worst_psi > MAJOR_PSI:
        return "major"
    if worst_psi > MODERATE_PSI:
        return "moderate"
    return "stable"


@dataclass(frozen=True)
class DriftReport:
    """PSI of every feature and of the uplift score for the rows counted so far."""

    rows_seen: int
    feature_psi: Mapping[str, float]
    score_psi: float | None
    status: DriftStatus
    moderate_threshold: float = MODERATE_PSI
    major_threshold: float = MAJOR_PSI
    min_rows: int = MIN_ROWS_FOR_STATUS

    @property
    def worst(self) -> tuple[str, float] | None:
        """The feature (or score) with the largest PSI."""
        values = dict(self.feature_psi)
        if self.score_psi is not None:
            values[SCORE_NAME] = self.score_psi
        if not values:
            return None
        name = max(values, key=lambda key: values[key])
        return name, values[name]


@dataclass(frozen=True)
class BinCounts:
    """Rows counted in a reference's bins: one row of `features` per feature (padded with zeros
    to the widest), and `score` for the uplift."""

    rows: int
    features: npt.NDArray[np.int64]
    score: npt.NDArray[np.int64]

    @classmethod
    def empty(cls, reference: DriftReference) -> BinCounts:
        """No rows yet, in the shape of `reference`'s bins."""
        features = np.zeros((len(reference.features), reference.widest), dtype=np.int64)
        return cls(0, features, np.zeros(reference.score.bins, dtype=np.int64))

    def __add__(self, other: BinCounts) -> BinCounts:
        if self.features.shape != other.features.shape or self.score.shape != other.score.shape:
            raise ValueError("counts in different bins cannot be added")
        return BinCounts(
            self.rows + other.rows, self.features + other.features, self.score + other.score
        )

    def as_json(self) -> dict[str, Any]:
        """The bins as JSON (`from_json` reads it back)."""
        return {"features": self.features.tolist(), "score": self.score.tolist()}

    @classmethod
    def from_json(cls, reference: DriftReference, rows: int, data: Mapping[str, Any]) -> BinCounts:
        """Counts stored by `as_json`; ValueError unless they fit `reference`'s bins."""
        features = np.asarray(data.get("features"), dtype=np.int64)
        score = np.asarray(data.get("score"), dtype=np.int64)
        shape = BinCounts.empty(reference)
        if features.shape != shape.features.shape or score.shape != shape.score.shape:
            raise ValueError("the stored counts do not fit this reference's bins")
        if rows < 0 or (features < 0).any() or (score < 0).any():
            raise ValueError("the stored counts are negative")
        return cls(int(rows), features, score)


def drift_report(reference: DriftReference, counts: BinCounts) -> DriftReport:
    """PSI per feature and for the score of `counts`, and the status of the largest."""
    if counts.rows == 0:
        return DriftReport(rows_seen=0, feature_psi={}, score_psi=None, status="collecting")
    feature_psi = {
        item.name: psi(item.shares, counts.features[j, : item.bins])
        for j, item in enumerate(reference.features)
    }
    score_psi = psi(reference.score.shares, counts.score) if counts.score.sum() else None
    values = [*feature_psi.values(), *([score_psi] if score_psi is not None else [])]
    worst = max(values) if values else None
    return DriftReport(
        rows_seen=counts.rows,
        feature_psi=feature_psi,
        score_psi=score_psi,
        status=drift_status(worst, counts.rows),
    )


@dataclass
class DriftCounts:
    """Running bin counts of what is scored, against a reference; thread-safe, fixed memory."""

    reference: DriftReference
    _counts: BinCounts = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._counts = BinCounts.empty(self.reference)

    @property
    def rows(self) -> int:
        """Rows counted so far."""
        return self._counts.rows

    def observe(self, matrix: FloatArray, uplift: FloatArray) -> None:
        """Count scored rows: their feature matrix (the reference's feature order) and uplift."""
        if len(matrix) == 0:
            return
        counted = _count_few if len(matrix) <= FEW_ROWS else _count_many
        observed = counted(self.reference, matrix, uplift)
        with self._lock:
            self._counts = self._counts + observed

    def snapshot(self) -> BinCounts:
        """The counts so far (a value: later rows do not change it)."""
        with self._lock:
            return self._counts

    def report(self) -> DriftReport:
        """PSI per feature and for the score, and the status of the largest."""
        return drift_report(self.reference, self.snapshot())


def _count_many(reference: DriftReference, matrix: FloatArray, uplift: FloatArray) -> BinCounts:
    """The rows' bin counts, a feature at a time with numpy."""
    features = BinCounts.empty(reference).features
    for j, item in enumerate(reference.features):
        features[j, : item.bins] = item.counts(matrix[:, j])
    score = reference.score.counts(np.asarray(uplift, dtype=np.float64))
    return BinCounts(len(matrix), features, score)


def _count_few(reference: DriftReference, matrix: FloatArray, uplift: FloatArray) -> BinCounts:
    """`_count_many`'s counts, value by value (faster for a handful of rows)."""
    empty = BinCounts.empty(reference)
    features, score = empty.features, empty.score
    for row in np.asarray(matrix, dtype=np.float64).tolist():
        for j, item in enumerate(reference.features):
            features[j, item.bin_of_value(row[j])] += 1
    for value in np.asarray(uplift, dtype=np.float64).tolist():
        score[reference.score.bin_of_value(value)] += 1
    return BinCounts(len(matrix), features, score)
