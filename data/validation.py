"""Validation of MSME profile and mentoring-history tables against the data contract.

The one implementation used by `umkm validate`, training and scoring. Cells are parsed first
(vectorised: booleans in every accepted spelling, integers, numbers, province codes as text, ""
as missing, a spreadsheet's error code such as #N/A as a problem of its own), then a pandera
schema derived from `data.contract` checks the parsed frame lazily. Every failure becomes a
`Problem` with its spreadsheet row (header = row 1, first data row = 2), its column and a
reason; a row with any problem is rejected, never dropped silently. In a history, an
already-digital MSME marked mentored is such a problem (the programme never mentors one), and in
any file a province name column (`Provinsi`) that names another province than the code column
beside it; `arm_problems` says when no uplift can be learnt from a history's usable rows at all.

The parts, one concern each, live beside it (none imports this module): `data.validation_problems`
(the codes, `Problem`, `problem_line`), `data.validation_cells` (cells to typed values),
`data.validation_schema` (the pandera schema from the contract) and `data.validation_rows` (the
problems found to valid and rejected rows). Other packages import from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from data.aliases import names_provinces, with_contract_headers
from data.contract import (
    FIRST_DATA_ROW,
    HISTORY_ONLY_COLUMNS,
    MIN_ROWS_PER_ARM,
    OUTCOME_COLUMN,
    TREATMENT_COLUMN,
    TableKind,
    columns_for,
)
from data.io import read_table_info
from data.messages import Language, render
from data.numbers import CANONICAL
from data.read_info import HEADER_MIN_COLUMNS, ReadInfo
from data.segments import digital_mask
from data.validation_cells import (
    MAX_PROVINCE_SUGGESTIONS,
    PROVINCE_COLUMN,
    Parsed,
    cell_text,
    mentored_while_digital,
    parse_column,
    province_names_disagreeing,
    rows_with_problems,
)
from data.validation_problems import (
    BOOLEAN_SPELLINGS,
    FILE_PROBLEMS_SHOWN,
    NO_PARAMS,
    NOT_NUMBER_CODES,
    PRIORITY_MISSING,
    PRIORITY_PARSE,
    SPREADSHEET_ERROR,
    VALIDATION_CODES,
    Problem,
    faulty_cells,
    problem_line,
)
from data.validation_rows import (
    REASONS_COLUMN,
    ROW_COLUMN,
    column_order,
    duplicate_column_problems,
    one_per_cell,
    rejected_rows,
    row_problems,
    typed_valid,
)
from data.validation_schema import contract_schema, run_schema
from data.writing import write_table

__all__ = [  # re-exported: other packages and the tests import these from here
    "BOOLEAN_SPELLINGS",
    "FILE_PROBLEMS_SHOWN",
    "MAX_PROVINCE_SUGGESTIONS",
    "REASONS_COLUMN",
    "ROW_COLUMN",
    "SPREADSHEET_ERROR",
    "VALIDATION_CODES",
    "Problem",
    "problem_line",
]

KindArg = Literal["auto", "profile", "history"]
ExtraColumns = Literal["ignore", "drop", "forbid"]


@dataclass(frozen=True, eq=False)
class ValidationResult:
    """Valid rows, typed, in file order, indexed by spreadsheet row ("row"); rejected raw rows."""

    kind: TableKind
    valid: pd.DataFrame
    rejected: pd.DataFrame  # "row", "reasons", then the rejected rows' cells as read
    problems: list[Problem] = field(default_factory=list)

    @property
    def n_valid(self) -> int:
        return len(self.valid)

    @property
    def n_rejected(self) -> int:
        return len(self.rejected)

    @property
    def n_rows(self) -> int:
        return self.n_valid + self.n_rejected

    @property
    def ok(self) -> bool:
        """No problem at all, file-level or row-level."""
        return not self.problems

    def file_problems(self, language: Language = "en") -> str | None:
        """The problems of the whole table (not of one row), first ten, on one line in
        `language`; None when there are none. A table with any cannot be used at all."""
        whole = [problem for problem in self.problems if problem.row is None]
        lines = [problem_line(problem, language) for problem in whole[:FILE_PROBLEMS_SHOWN]]
        if len(whole) > FILE_PROBLEMS_SHOWN:
            more = {"count": len(whole) - FILE_PROBLEMS_SHOWN}
            lines.append(render("file_problems_more", more, language))
        return "; ".join(lines) or None

    def summary(self) -> str:
        """The counts on one line: `1000 rows: 990 valid, 10 rejected`."""
        return f"{self.n_rows} rows: {self.n_valid} valid, {self.n_rejected} rejected"

    def arm_problems(self) -> list[Problem]:
        """Why no uplift can be learnt from a history (`arm_problems` of the rows training would
        learn from: the valid ones, already-digital MSMEs left out); empty for a profile file,
        for a history whose header already fails the contract and for one whose every row is
        rejected (their problems say it all)."""
        if self.kind != "history" or any(problem.row is None for problem in self.problems):
            return []
        if self.n_valid == 0 and self.n_rejected > 0:
            return []
        learnable = self.valid.loc[~digital_mask(self.valid)]
        return arm_problems(learnable[TREATMENT_COLUMN], learnable[OUTCOME_COLUMN])


def arm_problems(
    treated: npt.ArrayLike,
    outcome: npt.ArrayLike,
    *,
    treatment_column: str = TREATMENT_COLUMN,
    outcome_column: str = OUTCOME_COLUMN,
) -> list[Problem]:
    """Why no uplift can be learnt from these rows (each row's arm and outcome as 0/1): an arm
    with fewer than `MIN_ROWS_PER_ARM` rows, or whose rows all have one outcome. `umkm train`
    refuses such rows and `umkm validate` reports them, in the same words."""
    arms = np.asarray(treated, dtype=np.int64)
    outcomes = np.asarray(outcome, dtype=np.int64)
    problems = []
    for arm, name in ((1, "treated"), (0, "control")):
        in_arm = arms == arm
        count = int(in_arm.sum())
        if count < MIN_ROWS_PER_ARM:
            params = {"count": count, "minimum": MIN_ROWS_PER_ARM}
            problems.append(Problem(None, treatment_column, f"arm_too_few_{name}", params))
        elif outcomes[in_arm].min() == outcomes[in_arm].max():
            problems.append(Problem(None, outcome_column, f"arm_one_outcome_{name}"))
    return problems


def resolve_kind(columns: Sequence[object], kind: KindArg = "auto") -> TableKind:
    """`auto` means history when there is a column only histories have (`mentored`,
    `digitalized` or `cohort`), else profile: a history whose mentoring columns are renamed is
    then told they are missing, not checked as a profile file."""
    if kind != "auto":
        return kind
    names = {str(name) for name in columns}
    return "history" if set(HISTORY_ONLY_COLUMNS) & names else "profile"


def validate_frame(
    df: pd.DataFrame,
    kind: KindArg,
    *,
    extra_columns: ExtraColumns = "ignore",
    source: ReadInfo | None = None,
) -> ValidationResult:
    """Check a table against the contract; bad cells are reported, never raised.

    `extra_columns`: "ignore" keeps columns beyond the contract as they are, "drop" leaves them
    out of `valid`, "forbid" reports each as a file-level problem. A file-level problem
    (missing or duplicate column) rejects every row; the cells are still checked. Headers and
    category values in Bahasa (`data.aliases`) are read as the contract's names and codes.
    `source` (from `read_table_info`) numbers rows from the file's header row.
    """
    headers = [str(name) for name in df.columns]  # as the file heads them, for messages
    df = with_contract_headers(df)
    first_row = FIRST_DATA_ROW if source is None else source.first_data_row
    resolved = resolve_kind(list(df.columns), kind)
    specs = {spec.name: spec for spec in columns_for(resolved)}
    names = [str(name) for name in df.columns]
    rows = np.arange(first_row, first_row + len(df))
    number_format = CANONICAL if source is None else source.number_format
    not_number = NOT_NUMBER_CODES.get(number_format, "value_not_number")

    file_problems = duplicate_column_problems(names)
    duplicated = {problem.column for problem in file_problems}
    position = {name: i for i, name in enumerate(names) if name not in duplicated}
    extras = [name for name in position if name not in specs]

    parsed: dict[str, Parsed] = {}
    found: list[pd.DataFrame] = []
    for name in position:
        if name in specs:
            parsed[name], failures = parse_column(
                df.iloc[:, position[name]], specs[name], not_number
            )
            found.extend(
                faulty_cells(rows[mask], name, code, params, PRIORITY_PARSE)
                for mask, code, params in failures
                if mask.any()
            )

    checked = pd.DataFrame(parsed, index=rows, copy=False)
    # Missing cells are found here, not by pandera: its failure cases for a null are NA values
    # of the column's dtype (categorical, boolean, Int64), and concatenating those with other
    # columns' failures is deprecated in pandas (FutureWarning), so the schema allows nulls.
    for column, values in checked.items():
        spec = specs.get(str(column))
        if spec is None or spec.nullable:
            continue
        missing = pd.isna(values).to_numpy(dtype=bool)
        if missing.any():
            found.append(
                faulty_cells(rows[missing], spec.name, "value_missing", NO_PARAMS, PRIORITY_MISSING)
            )
    if PROVINCE_COLUMN in parsed:
        name_columns = [name for name in extras if names_provinces(name)]
        code_header = headers[position[PROVINCE_COLUMN]]
        code_faulty = rows_with_problems(found, PROVINCE_COLUMN, first_row, len(df))
        for name in name_columns:
            found.extend(
                province_names_disagreeing(
                    parsed[PROVINCE_COLUMN],
                    df.iloc[:, position[name]],
                    name_column=name,
                    code_header=code_header,
                    code_faulty=code_faulty,
                    rows=rows,
                )
            )
    if resolved == "history":
        found.extend(mentored_while_digital(parsed, rows))
    if extra_columns == "forbid":
        for name in extras:
            checked[name] = df.iloc[:, position[name]].to_numpy()
    # Duplicated contract columns are reported above; pandera checks every other one.
    schema, reasons = contract_schema(
        [spec for spec in specs.values() if spec.name not in duplicated],
        strict=extra_columns == "forbid",
    )
    schema_cells, schema_file_problems = run_schema(schema, reasons, checked)
    found.extend(schema_cells)
    file_problems.extend(schema_file_problems)
    file_problems.sort(key=lambda problem: column_order(names, problem.column))
    searched = source is not None and source.searched_rows > 0  # not Parquet
    if searched and source is not None and source.header_columns < HEADER_MIN_COLUMNS:
        file_problems.insert(0, _header_not_found(source))

    cells = one_per_cell(found, parsed, names, first_row)
    problems = file_problems + row_problems(cells, df, position, first_row)

    bad = np.zeros(len(df), dtype=bool)
    bad[cells["row"].to_numpy(dtype="int64") - first_row] = True
    if file_problems:
        bad[:] = True
    kept_extras = [] if extra_columns == "drop" else extras
    valid = typed_valid(
        df, parsed=parsed, specs=specs, position=position, extras=kept_extras, rows=rows, keep=~bad
    )
    rejected = rejected_rows(
        df, names=names, rows=rows, bad=bad, cells=cells, file_problems=file_problems
    )
    return ValidationResult(kind=resolved, valid=valid, rejected=rejected, problems=problems)


def validate_file(
    path: Path | str, kind: KindArg = "auto", *, extra_columns: ExtraColumns = "ignore"
) -> ValidationResult:
    """Read a CSV/Parquet/XLSX file (its header found below title rows, Indonesian numbers and
    encodings read) and validate it; DataFileError when it cannot be read."""
    read = read_table_info(path, duplicate_columns="keep")
    return validate_frame(read.frame, kind, extra_columns=extra_columns, source=read.info)


def write_quarantine(result: ValidationResult, path: Path | str) -> Path:
    """Write the rejected rows with their row numbers and reasons (CSV/Parquet/XLSX by extension;
    `quarantine_frame`)."""
    return write_table(quarantine_frame(result), path)


def remove_stale_quarantine(quarantine: Path) -> bool:
    """Remove the quarantine file an earlier run left where this run, which rejected no rows,
    would have written one (else it reads as this run's rejected rows); whether there was one.
    OSError (a file that cannot be removed) passes through for the caller to word."""
    try:
        quarantine.unlink()
    except FileNotFoundError:
        return False
    return True


def quarantine_frame(result: ValidationResult) -> pd.DataFrame:
    """The rejected rows as a quarantine file holds them: row numbers, reasons, and every cell as
    text (as it was in the file), so any format can hold them; for a caller that writes it with
    other files (`data.writing.atomic_outputs`)."""
    out = result.rejected.copy()
    out.columns = pd.Index(_unique_names([str(name) for name in out.columns]), dtype=object)
    for i, name in enumerate(out.columns):
        if name not in (ROW_COLUMN, REASONS_COLUMN):
            out.isetitem(i, out.iloc[:, i].map(cell_text).to_numpy(dtype=object))
    return out


def _header_not_found(source: ReadInfo) -> Problem:
    """Which row was read as the header, and the row naming the most contract columns."""
    params: dict[str, object] = {
        "searched_rows": source.searched_rows,
        "header_row": source.header_row,
        "header_columns": source.header_columns,
    }
    if source.best_row == source.header_row:
        return Problem(None, None, "header_not_found", params)
    params |= {"best_row": source.best_row, "best_columns": source.best_columns}
    return Problem(None, None, "header_not_found_elsewhere", params)


def _unique_names(names: list[str]) -> list[str]:
    """`sector`, `sector (2)`: Parquet cannot hold two columns with one name."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out
