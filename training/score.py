"""`umkm score`: a file of profiles in, a file of scores out, validated like training.

The file is read as `umkm validate` and `umkm prioritize` read it (`data.io.read_table_info`):
the header found below title rows, Bahasa headers and Indonesian numbers understood, rows
numbered as the spreadsheet shows them. MSME models: rows are validated against the profile
contract (columns beyond it are ignored). Models of other tables (trained from a config with
`contract = "none"`) check their feature columns: a value that is not a number, not a boolean, or
none of a category feature's levels rejects its row (blank cells are missing values). Either way
rejected rows go to a quarantine file beside the output with all their reasons, are counted, and
the rest are scored. The scores and the quarantine are renamed into place together once both are
written (`data.writing.atomic_outputs`); a run that rejects no rows removes the quarantine file an
earlier run left beside the same output, once the scores are in place, so that no file there
passes for this run's rejected rows (`ScoreFileResult.stale_quarantine_removed`).
Already-digital MSMEs are scored as the stimulus group (no probabilities).
Output: the id column (or `row_number`, the spreadsheet row, when the model has no id column)
then the four score fields, in input order; CSV or Parquet by the output's extension. A model
trained on weak evidence says so (`evidence_warning`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data.contract import DEFAULT_MODEL_URI, SCORE_FIELDS
from data.io import DataFileError, TableRead, read_table_info, table_format
from data.segments import STIMULUS_GROUP
from data.validation import (
    ROW_COLUMN,
    ValidationResult,
    quarantine_frame,
    remove_stale_quarantine,
    validate_frame,
)
from data.writing import atomic_outputs, write_table_to
from models.features import FeatureError
from models.pyfunc import load_uplift_model
from models.scoring import score_frame
from models.uplift_model import UpliftModel
from training.dataset import unreadable_rows
from training.errors import TrainingError

ROW_NUMBER = "row_number"
OUTPUT_SUFFIXES = (".csv", ".parquet", ".pq")


class ScoringError(TrainingError, ValueError):
    """Input that cannot be scored; the message names the file, row and column."""


@dataclass(frozen=True)
class ScoreFileResult:
    """What `score_file` wrote and counted."""

    output: Path
    quarantine: Path | None
    rows_read: int
    rows_scored: int
    rows_rejected: int
    rows_stimulus_group: int
    # The model's weak-evidence warning (`UpliftModel.evidence_warning`): code and parameters.
    evidence_warning: tuple[str, dict[str, int]] | None = None
    # An earlier run's quarantine file beside the output, removed: this run rejected no rows.
    stale_quarantine_removed: Path | None = None


def quarantine_path_for(output: Path) -> Path:
    """`scores.csv` -> `scores.quarantine.csv`, beside the output."""
    return output.with_name(f"{output.stem}.quarantine.csv")


def score_file(data: Path, output: Path, model_uri: str = DEFAULT_MODEL_URI) -> ScoreFileResult:
    """Validate, score and write; see the module docstring."""
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise ScoringError(f"{output}: write scores as .csv or .parquet")
    try:
        read = read_table_info(data, duplicate_columns="keep")
    except DataFileError as error:
        raise ScoringError(str(error)) from error
    raw = read.frame
    model = load_uplift_model(model_uri)
    contract = str(model.model_info.get("contract", "msme"))
    if contract == "msme":
        checked = _valid_msme_rows(data, read)
    else:
        checked = _valid_generic_rows(read, model)
    rows = checked.valid
    scores = _score(model, rows)
    id_column = model.id_column
    if id_column is not None and id_column in rows.columns:
        ids = rows[id_column].astype(str).to_numpy()
        label = id_column
    else:
        ids, label = rows.index.to_numpy(), ROW_NUMBER
    out = pd.DataFrame({label: ids}).join(scores.reset_index(drop=True))
    out = out[[label, *SCORE_FIELDS]]
    quarantine, stale = _write_outputs(out, checked, output)
    stimulus = int((out["segment"] == STIMULUS_GROUP).sum())
    return ScoreFileResult(
        output=output,
        quarantine=quarantine,
        rows_read=len(raw),
        rows_scored=len(out),
        rows_rejected=checked.n_rejected,
        rows_stimulus_group=stimulus,
        evidence_warning=model.evidence_warning,
        stale_quarantine_removed=stale,
    )


def _valid_msme_rows(data: Path, read: TableRead) -> ValidationResult:
    result = validate_frame(read.frame, "profile", extra_columns="ignore", source=read.info)
    listed = result.file_problems()
    if listed is not None:
        raise ScoringError(f"{data}: the file does not follow the profile contract: {listed}")
    return result


def _valid_generic_rows(read: TableRead, model: UpliftModel) -> ValidationResult:
    """The rows whose every feature the model reads as given, indexed by spreadsheet row, and
    the others with all their reasons, as the contract's validation gives them."""
    missing = [c for c in model.feature_columns if c not in read.frame.columns]
    if missing:
        raise ScoringError(f"header: missing columns the model needs: {', '.join(missing)}")
    frame = read.frame.reset_index(drop=True)
    first = read.info.first_data_row
    frame.index = pd.RangeIndex(first, first + len(frame), name=ROW_COLUMN)
    return unreadable_rows(frame, model.specs)


def _write_outputs(
    scores: pd.DataFrame, checked: ValidationResult, output: Path
) -> tuple[Path | None, Path | None]:
    """The scores and, when rows were rejected, the quarantine beside them, renamed into place
    together; with none rejected, an earlier run's quarantine is removed once the scores are in
    place. Returns (the quarantine written, the stale one removed), each None when there is none.
    """
    quarantine = quarantine_path_for(output)
    paths = [output, quarantine] if checked.n_rejected else [output]
    try:
        with atomic_outputs(paths) as temporaries:
            write_table_to(scores, temporaries[0], table_format(output))
            if checked.n_rejected:
                write_table_to(quarantine_frame(checked), temporaries[1], "csv")
    except DataFileError as error:
        raise ScoringError(str(error)) from error
    if checked.n_rejected:
        return quarantine, None
    return None, _remove_stale(quarantine, output)


def _remove_stale(quarantine: Path, output: Path) -> Path | None:
    """Remove an earlier run's quarantine file (this run rejected no rows); the path when one
    was there."""
    try:
        removed = remove_stale_quarantine(quarantine)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ScoringError(
            f"{quarantine}: cannot remove this quarantine file of an earlier run ({reason}); "
            f"this run rejected no rows: the scores are in {output}, delete it by hand"
        ) from error
    return quarantine if removed else None


def _score(model: UpliftModel, rows: pd.DataFrame) -> pd.DataFrame:
    if len(rows) == 0:
        return pd.DataFrame(columns=list(SCORE_FIELDS))
    positions = rows.reset_index(drop=True)
    try:
        return score_frame(model, positions)
    except FeatureError as error:
        row = None if error.position is None else int(rows.index[error.position])
        raise ScoringError(error.worded("en", row)) from error
