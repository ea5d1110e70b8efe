"""From a file to the rows a model learns from: read, validate, set aside, count, fingerprint.

MSME histories are validated with the data contract (rejected rows go to a quarantine file, among
them already-digital MSMEs marked mentored, which the programme never mentors); the other
already-digital MSMEs are excluded (they are the stimulus group, not mentoring candidates). Every
column the config names must be in the file (`check_configured_columns`). Other
tables (e.g. Hillstrom) get basic checks that stop with a clear error naming row and column.
Nothing is dropped without being counted.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from data.contract import FALSE_STRINGS, FIRST_DATA_ROW, TRUE_STRINGS
from data.io import DataFileError, TableRead, read_table_info
from data.segments import digital_mask
from data.validation import (
    REASONS_COLUMN,
    ROW_COLUMN,
    ValidationResult,
    arm_problems,
    validate_frame,
)
from models.features import FeatureSpec, msme_feature_specs, unreadable_cells
from training.config import ConfigError, TrainConfig
from training.errors import TrainingError

MAX_LISTED_PROBLEMS = 10
# The file's columns named in an error about a column the config names but the file lacks.
MAX_LISTED_COLUMNS = 20


class TrainingDataError(TrainingError, ValueError):
    """Training data that cannot be used; the message names the file, row and column."""


@dataclass
class TrainingData:
    """Rows to learn from (index = spreadsheet row; treatment and outcome as 0/1 integers)."""

    frame: pd.DataFrame
    specs: tuple[FeatureSpec, ...]
    treatment: str
    outcome: str
    id_column: str | None
    counts: dict[str, int]
    notes: list[str] = field(default_factory=list)
    validation: ValidationResult | None = None

    @property
    def t(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        return self.frame[self.treatment].to_numpy(dtype=np.int64)

    @property
    def y(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        return self.frame[self.outcome].to_numpy(dtype=np.int64)


def feature_specs(config: TrainConfig) -> tuple[FeatureSpec, ...]:
    """The model's features: the MSME list, or the config's own."""
    if config.features is None:
        return msme_feature_specs()
    return tuple(FeatureSpec(f.name, f.kind, f.categories) for f in config.features)


def load_training_data(config: TrainConfig, path: Path) -> TrainingData:
    """Read and check the file named by the config; raise TrainingDataError when unusable."""
    try:
        # An MSME history is read as `umkm validate` reads it: the header found below title
        # rows, rows numbered as the spreadsheet shows them.
        read = read_table_info(path, duplicate_columns="keep", find_header=config.is_msme)
    except DataFileError as error:
        raise TrainingDataError(str(error)) from error
    specs = feature_specs(config)
    data = (
        _msme_rows(config, read, specs, path)
        if config.is_msme
        else _generic_rows(config, read.frame, specs, path)
    )
    if config.sample_rows is not None and len(data.frame) > config.sample_rows:
        before = len(data.frame)
        data.frame = data.frame.sample(n=config.sample_rows, random_state=config.seed).sort_index()
        data.counts["rows_sampled_out"] = before - len(data.frame)
        data.notes.append(
            f"used a seeded random sample of {config.sample_rows} of {before} rows (sample_rows)"
        )
    data.counts["rows_used"] = len(data.frame)
    _check_both_arms_and_outcomes(data, path)
    return data


def check_configured_columns(
    config: TrainConfig,
    specs: tuple[FeatureSpec, ...],
    columns: list[str],
    path: Path,
) -> None:
    """Every column the config names (id, treatment, outcome, features, group columns) is among
    the file's `columns` (`island_group` is derived from `province_code`); else one ConfigError
    naming each setting with its missing columns, and the columns the file has."""
    present = set(columns)
    derived = {spec.name: spec.source for spec in msme_feature_specs() if spec.derived_from}

    def lacks(name: str) -> bool:
        return name not in present and derived.get(name, name) not in present

    named = {
        "id_column": [config.id_column] if config.id_column else [],
        "treatment_column": [config.treatment_column],
        "outcome_column": [config.outcome_column],
        "features": [spec.source for spec in specs],
        "group_columns": list(config.group_columns),
    }
    missing = {
        setting: absent
        for setting, names in named.items()
        if (absent := list(dict.fromkeys(name for name in names if lacks(name))))
    }
    if not missing:
        return
    settings = "; ".join(
        f"field {setting}: {', '.join(names)}" for setting, names in missing.items()
    )
    shown = ", ".join(columns[:MAX_LISTED_COLUMNS]) or "none"
    if len(columns) > MAX_LISTED_COLUMNS:
        shown += f" and {len(columns) - MAX_LISTED_COLUMNS} more"
    raise ConfigError(
        f"{path}: the training config names columns the file does not have: {settings} "
        f"(the file's columns: {shown})"
    )


def _msme_rows(
    config: TrainConfig, read: TableRead, specs: tuple[FeatureSpec, ...], path: Path
) -> TrainingData:
    result = validate_frame(read.frame, "history", extra_columns="ignore", source=read.info)
    listed = result.file_problems()
    if listed is not None:
        raise TrainingDataError(f"the file does not follow the history contract: {listed}")
    # Read as validation names them: contract names for Bahasa headers, extras as they came.
    check_configured_columns(config, specs, [str(name) for name in result.valid.columns], path)
    frame = result.valid
    digital = digital_mask(frame)
    counts = {
        "rows_read": result.n_rows,
        "rows_rejected": result.n_rejected,
        "rows_already_digital": int(digital.sum()),
    }
    notes = []
    if digital.any():
        notes.append(
            f"excluded {int(digital.sum())} already-digital MSMEs (stimulus group, not "
            "mentoring candidates)"
        )
    frame = frame.loc[~digital].copy()
    for column, role in (
        (config.treatment_column, "treatment"),
        (config.outcome_column, "outcome"),
    ):
        values = frame[column]
        # The contract's mentored and digitalized are booleans by now; another column the config
        # names is as the file had it.
        is_bool = pd.api.types.is_bool_dtype(values.dtype)
        frame[column] = (
            values.astype(np.int64) if is_bool else _binary_or_fail(values, column, role)
        )
    return TrainingData(
        frame=frame,
        specs=specs,
        treatment=config.treatment_column,
        outcome=config.outcome_column,
        id_column=config.id_column,
        counts=counts,
        notes=notes,
        validation=result,
    )


def _cell_text(value: object) -> str:
    """A raw cell as comparable text: booleans true/false, 1.0 -> "1", missing -> ""."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if float(value).is_integer():
            return str(int(value))
    return str(value).strip()


def _binary_or_fail(values: pd.Series, column: str, role: str) -> pd.Series:
    """0/1 integers from a binary column whose index holds spreadsheet row numbers."""
    text = values.map(_cell_text).str.lower()
    ones, zeros = text.isin(TRUE_STRINGS), text.isin(FALSE_STRINGS)
    bad = ~(ones | zeros)
    if bad.any():
        rows = values.index[bad.to_numpy()]
        lines = [
            f"row {row}, column {column}: value {values.loc[row]!r} is not a binary {role} "
            "(use 0/1 or true/false)"
            for row in rows[:MAX_LISTED_PROBLEMS]
        ]
        more = len(rows) - MAX_LISTED_PROBLEMS
        if more > 0:
            lines.append(f"... and {more} more rows")
        raise TrainingDataError("\n".join(lines))
    return ones.astype(np.int64)


def _generic_rows(
    config: TrainConfig, raw: pd.DataFrame, specs: tuple[FeatureSpec, ...], path: Path
) -> TrainingData:
    raw = raw.reset_index(drop=True)
    duplicated = sorted({str(c) for c in raw.columns[raw.columns.duplicated()]})
    if duplicated:
        raise TrainingDataError(f"header: duplicate columns {', '.join(duplicated)}")
    check_configured_columns(config, specs, [str(name) for name in raw.columns], path)
    frame = raw.copy()
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame), name=ROW_COLUMN)
    # A row with a cell its features cannot read (or a category outside the config's levels)
    # is rejected with every reason and quarantined, as `umkm score` does; the rest are used.
    checked = unreadable_rows(frame, specs)
    frame = checked.valid.copy()
    notes: list[str] = []
    counts = {"rows_read": len(raw), "rows_rejected": checked.n_rejected}
    treatment = config.treatment_column
    if config.treated_value is not None:
        text = frame[treatment].map(_cell_text)
        treated, control = text == config.treated_value, text == config.control_value
        if not treated.any() or not control.any():
            absent = config.treated_value if not treated.any() else config.control_value
            raise TrainingDataError(f"column {treatment}: no row holds the value {absent!r}")
        other = ~(treated | control)
        counts["rows_other_arm"] = int(other.sum())
        if other.any():
            by_value = text[other].value_counts().sort_index()
            listed = ", ".join(f"{value!r}: {n}" for value, n in by_value.items())
            notes.append(
                f"left out {int(other.sum())} rows whose {treatment} is neither "
                f"{config.treated_value!r} nor {config.control_value!r} ({listed})"
            )
        frame = frame.loc[~other].copy()
        frame[treatment] = treated[~other].astype(np.int64)
    else:
        frame[treatment] = _binary_or_fail(frame[treatment], treatment, "treatment")
    outcome = config.outcome_column
    frame[outcome] = _binary_or_fail(frame[outcome], outcome, "outcome")
    return TrainingData(
        frame=frame,
        specs=specs,
        treatment=treatment,
        outcome=outcome,
        id_column=config.id_column,
        counts=counts,
        notes=notes,
        validation=checked,
    )


def unreadable_rows(frame: pd.DataFrame, specs: Sequence[FeatureSpec]) -> ValidationResult:
    """The rows of ``frame`` (indexed by spreadsheet row) whose every feature is readable, and
    the others with all their reasons (`models.features.unreadable_cells`: not a number, not a
    boolean, a category none of a feature's fixed levels), as the contract's validation gives
    them, for `write_quarantine`. Categories whose levels are learnt from the rows are not
    checked against levels."""
    fixed = [s for s in specs if s.kind == "categorical" and s.categories is not None]
    positions = frame.reset_index(drop=True)
    problems = sorted(
        [
            *unreadable_cells(positions, specs),
            *unreadable_cells(positions, fixed, known_levels=True),
        ],
        key=lambda problem: problem.position or 0,
    )
    reasons: dict[int, list[str]] = {}
    for problem in problems:
        assert problem.position is not None  # every cell problem has its row
        reasons.setdefault(problem.position, []).append(problem.in_column("en"))
    bad = np.zeros(len(frame), dtype=bool)
    bad[list(reasons)] = True
    head = pd.DataFrame(
        {
            ROW_COLUMN: frame.index[bad],
            REASONS_COLUMN: ["; ".join(reasons[int(i)]) for i in np.flatnonzero(bad)],
        }
    )
    rejected = pd.concat([head, frame.loc[bad].reset_index(drop=True)], axis=1)
    # The table kind only names the contract's tables; these rows follow the features given.
    return ValidationResult(kind="profile", valid=frame.loc[~bad], rejected=rejected)


def _check_both_arms_and_outcomes(data: TrainingData, path: Path) -> None:
    """Both arms, each with both outcomes, in the rows used: in the words `umkm validate` uses
    for a history (`data.validation.arm_problems`)."""
    if len(data.frame) == 0:
        raise TrainingDataError(f"{path}: no usable rows left ({data.counts})")
    problems = arm_problems(
        data.t, data.y, treatment_column=data.treatment, outcome_column=data.outcome
    )
    if problems:
        reasons = "; ".join(problem.message() for problem in problems)
        raise TrainingDataError(f"{path}: {reasons}")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(path: Path, data: TrainingData) -> dict[str, Any]:
    """What identifies the training data: file hash, row counts, arms and outcome rates."""
    t, y = data.t, data.y
    return {
        "path": str(path),
        "sha256": sha256_file(path),
        **data.counts,
        "treated_rows": int(t.sum()),
        "control_rows": int((1 - t).sum()),
        "treated_share": float(t.mean()),
        "outcome_rate_treated": float(y[t == 1].mean()),
        "outcome_rate_control": float(y[t == 0].mean()),
        "outcome_rate": float(y.mean()),
    }
