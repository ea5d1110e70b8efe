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
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pandera.pandas as pa

from data.aliases import (
    canonical_codes,
    closest_code,
    named_provinces,
    names_provinces,
    with_contract_headers,
)
from data.contract import (
    CONTROL_CHARACTERS,
    FALSE_STRINGS,
    FIRST_DATA_ROW,
    HISTORY_ONLY_COLUMNS,
    MIN_ROWS_PER_ARM,
    OUTCOME_COLUMN,
    TREATMENT_COLUMN,
    TRUE_STRINGS,
    TRUTH_AMBIGUOUS_T,
    TRUTH_NO,
    TRUTH_NONE,
    TRUTH_YES,
    ColumnSpec,
    TableKind,
    column_truths,
    columns_for,
    spreadsheet_error,
)
from data.io import HEADER_MIN_COLUMNS, ReadInfo, read_table_info
from data.messages import Language, render
from data.numbers import CANONICAL, NumberFormat
from data.reference import province_codes
from data.segments import DIGITAL_STATUS_COLUMN, already_digital, digital_mask
from data.writing import write_table

KindArg = Literal["auto", "profile", "history"]
ExtraColumns = Literal["ignore", "drop", "forbid"]

ROW_COLUMN = "row"
REASONS_COLUMN = "reasons"
PROVINCE_COLUMN = "province_code"
# Integers beyond 2**53 are not exact in float64, which is how text is parsed.
_LARGEST_EXACT_INTEGER = 2**53

# Problems of a history's usable rows taken together (`arm_problems`): no uplift can be learnt
# from them. Named by the column they are about, not by a row or the header.
ARM_CODES: dict[str, tuple[str, ...]] = {
    "arm_too_few_treated": ("count", "minimum"),
    "arm_too_few_control": ("count", "minimum"),
    "arm_one_outcome_treated": (),
    "arm_one_outcome_control": (),
}

# What validation reports, as codes with parameters (`data.messages` words them): code ->
# parameter names. Row-level reasons read after "value <cell>" (`value_*`); the others are
# problems of the whole file (row None).
FILE_PROBLEMS_SHOWN = 10  # problems of the whole table listed on the one line; then a count

VALIDATION_CODES: dict[str, tuple[str, ...]] = {
    "file_problems_more": ("count",),
    "value_missing": (),
    "value_not_integer": (),
    "value_too_large": (),
    "value_not_number": (),
    "value_not_number_decimal_comma": (),
    "value_not_number_thousands_comma": (),
    "value_not_boolean": ("accepted",),
    "value_boolean_ambiguous_t": (),
    "value_not_province": (),
    "value_not_province_suggestion": ("province", "code"),
    "value_control_character": (),
    "value_spreadsheet_error": ("error",),
    "value_wrong_form": ("form",),
    "value_not_allowed": ("column", "allowed"),
    "value_out_of_range": ("minimum", "maximum"),
    "value_below_minimum": ("minimum",),
    "value_above_maximum": ("maximum",),
    "value_duplicate": ("column",),
    "value_duplicate_of_row": ("column", "row"),
    "value_duplicate_of_rows": ("column", "rows"),
    "value_duplicate_of_rows_and_more": ("column", "rows", "more"),
    "value_check_failed": ("check",),
    "value_mentored_already_digital": (),
    "value_province_name_disagrees": (
        "name_province",
        "code_column",
        "code",
        "province",
        "name_column",
    ),
    "column_missing": (),
    "column_not_in_contract": (),
    "column_repeated": ("count", "positions"),
    "column_check_failed": ("check",),
    "header_not_found": ("searched_rows", "header_row", "header_columns"),
    "header_not_found_elsewhere": (
        "searched_rows",
        "header_row",
        "header_columns",
        "best_row",
        "best_columns",
    ),
    # how the page and exports prefix a row-level reason
    "cell_value": ("reason",),
    **ARM_CODES,
}
BOOLEAN_SPELLINGS = ", ".join(
    [*(f"{yes}/{no}" for yes, no in zip(TRUE_STRINGS, FALSE_STRINGS, strict=True)), "y/t"]
)
_NO_PARAMS: Mapping[str, object] = MappingProxyType({})
# A cell that is not a number is told how to write one the way its file writes numbers
# (`ReadInfo.number_format`): advice for another format would misread the file's other cells.
NOT_NUMBER_CODES: Mapping[NumberFormat, str] = MappingProxyType(
    {
        CANONICAL: "value_not_number",
        NumberFormat(",", "."): "value_not_number_decimal_comma",
        NumberFormat(".", ","): "value_not_number_thousands_comma",
    }
)
# Distinct unknown province texts looked up for a close name (`closest_code`), in file order; a
# file with more is not a few misspellings, and the rest are reported without a suggestion.
MAX_PROVINCE_SUGGESTIONS = 100

# When one cell fails several checks, only the first by this order is reported.
_PRIORITY_PARSE, _PRIORITY_MISSING, _PRIORITY_PATTERN, _PRIORITY_VALUE, _PRIORITY_UNIQUE = range(5)
_DUPLICATE = "value_duplicate"  # completed with the other rows once all problems are known
# A contract cell holding a spreadsheet's error code (`data.contract.SPREADSHEET_ERRORS`: a
# formula that failed), with the code as `error`; the cell is then read as empty, so this is its
# one problem (reported before "missing" or "not a number").
SPREADSHEET_ERROR = "value_spreadsheet_error"

_Mask = np.ndarray[Any, np.dtype[np.bool_]]
_Failures = list[tuple[_Mask, str, Mapping[str, object]]]
# A parsed column: categorical or object text, nullable Int64/boolean array, or float64 with NaN.
_Parsed = Any


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: spreadsheet row (None for the whole file), column, what happened as a `code`
    with its `params` (see VALIDATION_CODES), and the cell."""

    row: int | None
    column: str | None
    code: str
    params: Mapping[str, object] = field(default_factory=dict)
    value: str | None = None

    @property
    def reason(self) -> str:
        """The reason in English (`is out of range 15–100`), from the English catalog."""
        return render(self.code, self.params, "en")

    def message(self, include_value: bool = False) -> str:
        """The problem on one line; without the cell's value unless asked (personal data)."""
        if self.code in ARM_CODES:
            where = f"column {self.column}"
        else:
            where = f"row {self.row}" if self.row is not None else "header"
            if self.column is not None:
                where += f", column {self.column}"
        return f"{where}: {self.detail(include_value)}"

    def detail(self, include_value: bool = False) -> str:
        """What is wrong, after the row and column: `value 130 is out of range 15–100`."""
        if self.row is None:
            return self.reason
        if include_value and self.value is not None:
            return f"value {_quoted(self.value)} {self.reason}"
        return f"value {self.reason}"

    def __str__(self) -> str:
        return self.message(include_value=True)


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

    file_problems = _duplicate_column_problems(names)
    duplicated = {problem.column for problem in file_problems}
    position = {name: i for i, name in enumerate(names) if name not in duplicated}
    extras = [name for name in position if name not in specs]

    parsed: dict[str, _Parsed] = {}
    found: list[pd.DataFrame] = []
    for name in position:
        if name in specs:
            parsed[name], failures = _parse(df.iloc[:, position[name]], specs[name], not_number)
            found.extend(
                _cells(rows[mask], name, code, params, _PRIORITY_PARSE)
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
                _cells(rows[missing], spec.name, "value_missing", _NO_PARAMS, _PRIORITY_MISSING)
            )
    if PROVINCE_COLUMN in parsed:
        name_columns = [name for name in extras if names_provinces(name)]
        code_header = headers[position[PROVINCE_COLUMN]]
        code_faulty = _rows_with_problems(found, PROVINCE_COLUMN, first_row, len(df))
        for name in name_columns:
            found.extend(
                _province_names_disagreeing(
                    parsed[PROVINCE_COLUMN],
                    df.iloc[:, position[name]],
                    name_column=name,
                    code_header=code_header,
                    code_faulty=code_faulty,
                    rows=rows,
                )
            )
    if resolved == "history":
        found.extend(_mentored_while_digital(parsed, rows))
    if extra_columns == "forbid":
        for name in extras:
            checked[name] = df.iloc[:, position[name]].to_numpy()
    # Duplicated contract columns are reported above; pandera checks every other one.
    schema, reasons = _schema(
        [spec for spec in specs.values() if spec.name not in duplicated],
        strict=extra_columns == "forbid",
    )
    schema_cells, schema_file_problems = _run_schema(schema, reasons, checked)
    found.extend(schema_cells)
    file_problems.extend(schema_file_problems)
    file_problems.sort(key=lambda problem: _column_order(names, problem.column))
    searched = source is not None and source.searched_rows > 0  # not Parquet
    if searched and source is not None and source.header_columns < HEADER_MIN_COLUMNS:
        file_problems.insert(0, _header_not_found(source))

    cells = _one_per_cell(found, parsed, names, first_row)
    problems = file_problems + _row_problems(cells, df, position, first_row)

    bad = np.zeros(len(df), dtype=bool)
    bad[cells["row"].to_numpy(dtype="int64") - first_row] = True
    if file_problems:
        bad[:] = True
    kept_extras = [] if extra_columns == "drop" else extras
    valid = _typed_valid(
        df, parsed=parsed, specs=specs, position=position, extras=kept_extras, rows=rows, keep=~bad
    )
    rejected = _rejected(
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
            out.isetitem(i, out.iloc[:, i].map(_cell_text).to_numpy(dtype=object))
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


# --- parsing ---------------------------------------------------------------------------------


def _parse(values: pd.Series[Any], spec: ColumnSpec, not_number: str) -> tuple[_Parsed, _Failures]:
    """Parse one raw column into its contract type; cells that fail become NA and are reported
    (a number that is not one with `not_number`, see NOT_NUMBER_CODES; a spreadsheet error code
    with SPREADSHEET_ERROR, whatever the column's type)."""
    dtype = values.dtype
    is_bool = pd.api.types.is_bool_dtype(dtype)
    if spec.kind in ("number", "integer") and pd.api.types.is_numeric_dtype(dtype) and not is_bool:
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        return _numbers(numbers, not_number) if spec.kind == "number" else _integers(numbers)
    if spec.kind == "boolean" and is_bool:
        return pd.array(values.to_numpy(), dtype="boolean"), []
    codes, texts, errors = _without_spreadsheet_errors(*_distinct_texts(values))
    parsed, failures = _parse_texts(values, codes, texts, spec, not_number)
    return parsed, [*errors, *failures]


def _without_spreadsheet_errors(
    codes: np.ndarray[Any, np.dtype[np.intp]], texts: np.ndarray[Any, np.dtype[np.object_]]
) -> tuple[np.ndarray[Any, np.dtype[np.intp]], np.ndarray[Any, np.dtype[np.object_]], _Failures]:
    """A column's distinct texts (`_distinct_texts`) without the spreadsheet error codes, their
    cells read as missing, and those cells as failures, one per code (`#N/A`, `#REF!`)."""
    found: dict[str, list[int]] = {}
    # Only texts with a `#` are looked at: a million distinct ids cost one pass of `in`.
    marked = np.fromiter(("#" in text for text in texts), dtype=bool, count=len(texts))
    for position in np.flatnonzero(marked).tolist():
        code = spreadsheet_error(texts[position])
        if code is not None:
            found.setdefault(code, []).append(position)
    if not found:
        return codes, texts, []
    failures: _Failures = [
        (np.isin(codes, positions), SPREADSHEET_ERROR, {"error": code})
        for code, positions in found.items()
    ]
    keep = np.ones(len(texts), dtype=bool)
    keep[[position for positions in found.values() for position in positions]] = False
    # New codes for the texts kept; the last entry maps -1 (missing) to itself.
    renumbered = np.full(len(texts) + 1, -1, dtype=np.intp)
    renumbered[:-1][keep] = np.arange(int(keep.sum()), dtype=np.intp)
    return renumbered[codes], texts[keep], failures


def _parse_texts(
    values: pd.Series[Any],
    codes: np.ndarray[Any, np.dtype[np.intp]],
    texts: np.ndarray[Any, np.dtype[np.object_]],
    spec: ColumnSpec,
    not_number: str,
) -> tuple[_Parsed, _Failures]:
    """`_parse` of a column as codes into its distinct trimmed texts (-1: missing)."""
    if spec.kind == "category":
        codes, texts = canonical_codes(spec.name, codes, texts)
    has_value = codes >= 0
    if spec.kind in ("string", "category"):
        failures: _Failures = [
            (_with_control_characters(values), "value_control_character", _NO_PARAMS)
        ]
        if spec.name == PROVINCE_COLUMN:
            failures += _unknown_provinces(codes, texts)
        if 2 * len(texts) <= len(codes):
            # Few distinct values: as a categorical, pandera's checks look at those only.
            categories = pd.Index(texts, dtype=object)
            return pd.Categorical.from_codes(codes, categories=categories), failures
        return _with_missing(texts)[codes], failures
    if spec.kind == "boolean":
        # Per distinct text (`column_truths`); the last entry is for missing.
        truth = np.array([*column_truths([str(text) for text in texts]), TRUTH_NONE])
        per_row = truth[codes]
        answered = (per_row == TRUTH_YES) | (per_row == TRUTH_NO)
        parsed = pd.arrays.BooleanArray(per_row == TRUTH_YES, ~answered)
        not_boolean = {"accepted": BOOLEAN_SPELLINGS}
        return parsed, [
            (has_value & (per_row == TRUTH_NONE), "value_not_boolean", not_boolean),
            (per_row == TRUTH_AMBIGUOUS_T, "value_boolean_ambiguous_t", _NO_PARAMS),
        ]
    per_text = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce")
    numbers = np.append(per_text.to_numpy(dtype="float64", na_value=np.nan), np.nan)[codes]
    not_parsed = has_value & np.isnan(numbers)
    if spec.kind == "number":
        parsed, failures = _numbers(numbers, not_number)
        return parsed, [(not_parsed, not_number, _NO_PARAMS), *failures]
    parsed, failures = _integers(numbers)
    return parsed, [(not_parsed, "value_not_integer", _NO_PARAMS), *failures]


def _mentored_while_digital(
    parsed: dict[str, _Parsed], rows: np.ndarray[Any, Any]
) -> list[pd.DataFrame]:
    """History rows of already-digital MSMEs marked mentored: the programme never mentors them
    (docs/data.md), so the row contradicts itself; training would otherwise leave it out as the
    stimulus group without a word."""
    if TREATMENT_COLUMN not in parsed or DIGITAL_STATUS_COLUMN not in parsed:
        return []
    mentored = np.asarray(parsed[TREATMENT_COLUMN].to_numpy(dtype=bool, na_value=False))
    digital = already_digital(np.asarray(parsed[DIGITAL_STATUS_COLUMN], dtype=object))
    both = mentored & digital
    if not both.any():
        return []
    code = "value_mentored_already_digital"
    return [_cells(rows[both], TREATMENT_COLUMN, code, _NO_PARAMS, _PRIORITY_VALUE)]


def _rows_with_problems(
    found: list[pd.DataFrame], column: str, first_row: int, n_rows: int
) -> _Mask:
    """Rows whose cell in `column` has a problem among those found so far."""
    faulty = np.zeros(n_rows, dtype=bool)
    for cells in found:
        if len(cells) and cells["column"].iat[0] == column:
            faulty[cells["row"].to_numpy(dtype="int64") - first_row] = True
    return faulty


def _province_names_disagreeing(
    codes: _Parsed,
    names: pd.Series[Any],
    *,
    name_column: str,
    code_header: str,
    code_faulty: _Mask,
    rows: np.ndarray[Any, Any],
) -> list[pd.DataFrame]:
    """Rows whose province name column (`Provinsi`, beside `Kode provinsi`) names a province
    other than their valid code: a manager who corrects the name and not the code would have
    the MSME placed in the code's province without a word. Reported in the name column, whose
    cell (`Jabar`) is what disagrees; empty and unknown names are left alone, and rows whose
    code has a problem of its own are already reported."""
    known = province_codes()
    # Positions in `known` (-1: missing or not a province), compared as integers row by row.
    code_at = pd.Categorical(codes, categories=known).codes
    text_codes, texts = _distinct_texts(names)
    name_at = np.append(named_provinces(texts), -1)[text_codes]
    disagree = (code_at >= 0) & (name_at >= 0) & (code_at != name_at) & ~code_faulty
    if not disagree.any():
        return []
    at = np.flatnonzero(disagree)
    pairs, pair_of_row = np.unique(
        code_at[at].astype(np.int64) * len(known) + name_at[at], return_inverse=True
    )
    # One shared parameters mapping per pair of provinces (at most 38 × 37).
    per_pair = np.empty(len(pairs), dtype=object)
    for i, pair in enumerate(pairs):
        code = known[int(pair) // len(known)]
        per_pair[i] = {
            "name_province": known[int(pair) % len(known)],
            "code_column": code_header,
            "code": code,
            "province": code,
            "name_column": name_column,
        }
    cells = pd.DataFrame(
        {
            "row": rows[at],
            "column": name_column,
            "code": "value_province_name_disagrees",
            "params": per_pair[pair_of_row.ravel()],
            "priority": _PRIORITY_VALUE,
        }
    )
    return [cells]


def _unknown_provinces(
    codes: np.ndarray[Any, np.dtype[np.intp]], texts: np.ndarray[Any, np.dtype[np.object_]]
) -> _Failures:
    """Cells that are neither a province code nor a name (names are codes by now), grouped by
    the province whose name is close to theirs (`Jawa Tenga`: Jawa Tengah), if any."""
    known = set(province_codes())
    unknown = [i for i, text in enumerate(texts) if text not in known]
    looked_up = [
        closest_code(PROVINCE_COLUMN, texts[i]) for i in unknown[:MAX_PROVINCE_SUGGESTIONS]
    ]
    suggested: dict[str | None, list[int]] = {}
    for i, code in itertools.zip_longest(unknown, looked_up):
        suggested.setdefault(code, []).append(i)
    failures: _Failures = []
    for code, positions in suggested.items():
        mask = np.isin(codes, positions)
        if code is None:
            failures.append((mask, "value_not_province", _NO_PARAMS))
        else:
            failures.append(
                (mask, "value_not_province_suggestion", {"province": code, "code": code})
            )
    return failures


def _with_control_characters(values: pd.Series[Any]) -> _Mask:
    """Cells whose text, as in the file (before trimming), holds a control character."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    per_value = np.array(
        [isinstance(u, str) and CONTROL_CHARACTERS.search(u) is not None for u in uniques]
        + [False],
        dtype=bool,
    )
    return per_value[codes]


def _distinct_texts(
    values: pd.Series[Any],
) -> tuple[np.ndarray[Any, np.dtype[np.intp]], np.ndarray[Any, np.dtype[np.object_]]]:
    """A column as codes into its distinct trimmed, non-empty texts (-1 = missing).

    The work is done once per distinct value, so a million rows cost about one factorize.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    if pd.api.types.infer_dtype(distinct, skipna=True) not in ("string", "empty"):
        if values.dtype == object:
            # Mixed Python objects: factorize merged True with 1 and 1 with 1.0; render each cell.
            return _distinct_texts(values.map(_cell_text, na_action="ignore"))
        distinct = pd.Series([_cell_text(value) for value in distinct], dtype=object)
    stripped = distinct.str.strip()
    blank = (stripped == "").to_numpy(dtype=bool)
    if not blank.any() and stripped.equals(distinct):
        return codes, distinct.to_numpy(dtype=object)
    stripped[blank] = None
    text_codes, texts = pd.factorize(stripped, use_na_sentinel=True)
    return np.append(text_codes, -1)[codes], np.asarray(texts, dtype=object)


def _cell_text(value: object) -> str | None:
    """One raw cell as text: integral floats without ".0", booleans as true/false."""
    if value is None or (not isinstance(value, str) and _is_missing(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        number = float(value)
        if np.isfinite(number) and number.is_integer() and abs(number) < _LARGEST_EXACT_INTEGER:
            return str(int(number))
        return repr(number)
    return str(value)


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):  # lists and other containers are values, not missing
        return False


def _numbers(numbers: np.ndarray[Any, Any], not_number: str) -> tuple[_Parsed, _Failures]:
    infinite = np.isinf(numbers)
    return np.where(infinite, np.nan, numbers), [(infinite, not_number, _NO_PARAMS)]


def _integers(numbers: np.ndarray[Any, Any]) -> tuple[_Parsed, _Failures]:
    finite = np.isfinite(numbers)
    safe = np.where(finite, numbers, 0.0)
    too_large = finite & (np.abs(safe) >= _LARGEST_EXACT_INTEGER)
    fractional = (finite & ~too_large & (safe != np.round(safe))) | np.isinf(numbers)
    good = finite & ~too_large & ~fractional
    parsed = pd.arrays.IntegerArray(np.where(good, safe, 0.0).astype("int64"), ~good)
    return parsed, [
        (fractional, "value_not_integer", _NO_PARAMS),
        (too_large, "value_too_large", _NO_PARAMS),
    ]


# --- the pandera schema, derived from the contract ---------------------------------------------

# Text columns come as categoricals or str/None objects from parsing; pandera checks their values.
_PANDERA_DTYPES: dict[str, str | None] = {
    "string": None,
    "category": None,
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
}
# (column, check number) -> code, params, priority
_CheckReasons = dict[tuple[str, int], tuple[str, Mapping[str, object], int]]


def _schema(
    specs: Sequence[ColumnSpec], *, strict: bool
) -> tuple[pa.DataFrameSchema, _CheckReasons]:
    """The pandera schema for these contract columns, and what each numbered check means."""
    columns: dict[str, pa.Column] = {}
    reasons: _CheckReasons = {}
    for spec in specs:
        checks: list[tuple[pa.Check, str, Mapping[str, object], int]] = []
        if spec.pattern is not None:
            form = {"form": spec.pattern_hint or spec.pattern}
            checks.append(
                (pa.Check.str_matches(spec.pattern), "value_wrong_form", form, _PRIORITY_PATTERN)
            )
        if spec.name == PROVINCE_COLUMN:
            checks.append(
                (pa.Check.isin(province_codes()), "value_not_province", _NO_PARAMS, _PRIORITY_VALUE)
            )
        elif spec.allowed is not None:
            allowed = {"column": spec.name, "allowed": tuple(spec.allowed)}
            checks.append(
                (pa.Check.isin(spec.allowed), "value_not_allowed", allowed, _PRIORITY_VALUE)
            )
        if spec.minimum is not None or spec.maximum is not None:
            checks.append((*_range_check(spec), _PRIORITY_VALUE))
        for number, (_, code, params, priority) in enumerate(checks):
            reasons[(spec.name, number)] = (code, params, priority)
        columns[spec.name] = pa.Column(
            _PANDERA_DTYPES[spec.kind],
            checks=[check for check, _, _, _ in checks],
            nullable=True,  # missing cells are found before the schema runs (validate_frame)
            unique=spec.unique,
            report_duplicates="all",
            required=spec.required,
            name=spec.name,
        )
    return pa.DataFrameSchema(columns, strict=strict), reasons


def _range_check(spec: ColumnSpec) -> tuple[pa.Check, str, Mapping[str, object]]:
    low, high = spec.minimum, spec.maximum
    if low is not None and high is not None:
        bounds = {"minimum": low, "maximum": high}
        return pa.Check.in_range(low, high), "value_out_of_range", bounds
    if low is not None:
        return pa.Check.ge(low), "value_below_minimum", {"minimum": low}
    assert high is not None
    return pa.Check.le(high), "value_above_maximum", {"maximum": high}


def _run_schema(
    schema: pa.DataFrameSchema, reasons: _CheckReasons, checked: pd.DataFrame
) -> tuple[list[pd.DataFrame], list[Problem]]:
    """Run pandera lazily; its failure cases become cell problems and file-level problems."""
    try:
        schema.validate(checked, lazy=True)
    except pa.errors.SchemaErrors as errors:
        failures = errors.failure_cases
    else:
        return [], []
    cells: list[pd.DataFrame] = []
    file_problems: list[Problem] = []
    for (column, check, number), group in failures.groupby(
        ["column", "check", "check_number"], dropna=False, sort=False
    ):
        if check in ("column_in_dataframe", "column_in_schema"):
            missing = "column_missing" if check == "column_in_dataframe" else None
            code = missing or "column_not_in_contract"
            file_problems.extend(Problem(None, str(name), code) for name in group["failure_case"])
            continue
        params: Mapping[str, object] = _NO_PARAMS
        if check == "field_uniqueness":
            code, priority = _DUPLICATE, _PRIORITY_UNIQUE
        elif pd.notna(number) and (str(column), int(number)) in reasons:
            code, params, priority = reasons[(str(column), int(number))]
        else:  # not expected: parsing gives the schema's types
            code, params, priority = "value_check_failed", {"check": str(check)}, _PRIORITY_VALUE
        at_rows = pd.to_numeric(group["index"], errors="coerce")
        if at_rows.isna().any():  # a failure of the whole column, not of cells
            failed = {"check": str(check)}
            file_problems.append(Problem(None, str(column), "column_check_failed", failed))
            continue
        rows = at_rows.to_numpy(dtype="int64")
        cells.append(_cells(rows, str(column), code, params, priority))
    return cells, file_problems


# --- problems and results ----------------------------------------------------------------------


def _cells(
    rows: np.ndarray[Any, Any],
    column: str,
    code: str,
    params: Mapping[str, object],
    priority: int,
) -> pd.DataFrame:
    shared = np.empty(len(rows), dtype=object)
    shared[:] = [params] * len(rows)
    return pd.DataFrame(
        {"row": rows, "column": column, "code": code, "params": shared, "priority": priority}
    )


def _one_per_cell(
    found: list[pd.DataFrame], parsed: dict[str, _Parsed], names: list[str], first_row: int
) -> pd.DataFrame:
    """One problem per cell (the first by priority), sorted by row then by column in the file."""
    frames = [frame for frame in found if not frame.empty]
    if not frames:
        empty = np.array([], dtype=object)
        return pd.DataFrame(
            {"row": np.array([], dtype="int64"), "column": empty, "code": empty, "params": empty}
        )
    cells = pd.concat(frames, ignore_index=True)
    cells["order"] = cells["column"].map({name: i for i, name in enumerate(names)})
    cells = cells.sort_values(["row", "order", "priority"], kind="stable")
    cells = cells.drop_duplicates(["row", "column"], keep="first").reset_index(drop=True)
    duplicates = (cells["code"] == _DUPLICATE).to_numpy()
    if duplicates.any():
        found_codes, found_params = _duplicate_reasons(cells[duplicates], parsed, first_row)
        cells.loc[duplicates, "code"] = found_codes
        params = cells["params"].to_numpy(dtype=object)
        params[np.flatnonzero(duplicates)] = found_params
        cells["params"] = params
    return cells[["row", "column", "code", "params"]]


def _duplicate_reasons(
    cells: pd.DataFrame, parsed: dict[str, _Parsed], first_row: int
) -> tuple[list[str], list[Mapping[str, object]]]:
    """`is a duplicate msme_id (also in row 5)`, naming up to three of the other rows: codes and
    their parameters."""
    groups: dict[str, dict[int, list[int]]] = {}  # column -> row -> all rows with its value
    for name in cells["column"].unique():
        codes = pd.Series(pd.factorize(parsed[name], use_na_sentinel=True)[0])
        repeated = codes[(codes >= 0) & codes.duplicated(keep=False)]
        by_row: dict[int, list[int]] = {}
        for members in repeated.groupby(repeated, sort=False).indices.values():
            member_rows = [int(i) + first_row for i in repeated.index[members]]
            for row in member_rows:
                by_row[row] = member_rows  # shared, not copied: groups can be large
        groups[name] = by_row
    out_codes: list[str] = []
    params: list[Mapping[str, object]] = []
    for row, name in zip(cells["row"], cells["column"], strict=True):
        members = groups[name].get(int(row), [])
        n_others = max(len(members) - 1, 0)
        shown = [other for other in members[:4] if other != row][:3]
        if not shown:
            out_codes.append("value_duplicate")
            params.append({"column": name})
        elif n_others == 1:
            out_codes.append("value_duplicate_of_row")
            params.append({"column": name, "row": shown[0]})
        elif n_others <= 3:
            out_codes.append("value_duplicate_of_rows")
            params.append({"column": name, "rows": shown})
        else:
            out_codes.append("value_duplicate_of_rows_and_more")
            params.append({"column": name, "rows": shown, "more": n_others - 3})
    return out_codes, params


def _row_problems(
    cells: pd.DataFrame, df: pd.DataFrame, position: dict[str, int], first_row: int
) -> list[Problem]:
    """A Problem per cell, each with the cell as it was in the file (trimmed)."""
    values = np.empty(len(cells), dtype=object)
    all_rows = cells["row"].to_numpy(dtype="int64") - first_row
    for name, at in cells.groupby("column", sort=False).indices.items():
        # The cells as text, trimmed, None when empty: rendered once per distinct value.
        codes, texts = _distinct_texts(df.iloc[all_rows[at], position[str(name)]])
        values[at] = _with_missing(texts)[codes]
    return [
        Problem(int(row), str(name), str(code), params, value)
        for row, name, code, params, value in zip(
            cells["row"], cells["column"], cells["code"], cells["params"], values, strict=True
        )
    ]


def _duplicate_column_problems(names: list[str]) -> list[Problem]:
    at: dict[str, list[int]] = {}
    for number, name in enumerate(names, start=1):
        at.setdefault(name, []).append(number)
    return [
        Problem(None, name, "column_repeated", {"count": len(numbers), "positions": numbers})
        for name, numbers in at.items()
        if len(numbers) > 1
    ]


def _typed_valid(
    df: pd.DataFrame,
    *,
    parsed: dict[str, _Parsed],
    specs: dict[str, ColumnSpec],
    position: dict[str, int],
    extras: list[str],
    rows: np.ndarray[Any, Any],
    keep: _Mask,
) -> pd.DataFrame:
    """Rows without problems: contract columns in their final types, extras as they came."""
    columns: dict[str, Any] = {}
    for name, i in position.items():
        if name in parsed:
            columns[name] = _final_type(parsed[name], specs[name], keep)
        elif name in extras:
            columns[name] = df.iloc[:, i].to_numpy()[keep]
    return pd.DataFrame(columns, index=pd.Index(rows[keep], name=ROW_COLUMN), copy=False)


def _final_type(values: _Parsed, spec: ColumnSpec, keep: _Mask) -> Any:
    """Text as str/None objects, non-nullable integers int64 and booleans bool, numbers float64."""
    if isinstance(values, pd.Categorical):
        return _with_missing(values.categories.to_numpy(dtype=object))[values.codes[keep]]
    kept = values if keep.all() else values[keep]
    if spec.kind == "integer" and not spec.nullable:
        return np.asarray(kept, dtype="int64")
    if spec.kind == "boolean" and not spec.nullable:
        return np.asarray(kept, dtype=bool)
    return kept


def _rejected(
    df: pd.DataFrame,
    *,
    names: list[str],
    rows: np.ndarray[Any, Any],
    bad: _Mask,
    cells: pd.DataFrame,
    file_problems: list[Problem],
) -> pd.DataFrame:
    """The rejected rows' cells as read, after their spreadsheet row and all their reasons."""
    per_row = np.full(len(rows), "", dtype=object)
    if len(cells):
        # Cells are sorted by row: join each row's run of reasons (most rows have just one).
        rendered: dict[tuple[str, int], str] = {}  # most cells share a code and its params

        def english(code: str, params: Mapping[str, object]) -> str:
            key = (code, id(params))
            if key not in rendered:
                rendered[key] = render(code, params, "en")
            return rendered[key]

        english_reasons = pd.Series(
            [
                english(code, params)
                for code, params in zip(cells["code"], cells["params"], strict=True)
            ],
            index=cells.index,
        )
        texts = ("column " + cells["column"] + ": value " + english_reasons).to_numpy(dtype=object)
        cell_rows = cells["row"].to_numpy(dtype="int64")
        starts = np.flatnonzero(np.r_[True, cell_rows[1:] != cell_rows[:-1]])
        ends = np.append(starts[1:], len(texts))
        for start, end in zip(starts, ends, strict=True):
            joined = texts[start] if end - start == 1 else "; ".join(texts[start:end])
            per_row[cell_rows[start] - rows[0]] = joined
    reasons = per_row[bad]
    if file_problems:
        shared = "; ".join(problem.message() for problem in file_problems)
        reasons = np.array([f"{shared}; {r}" if r else shared for r in reasons], dtype=object)
    body = df.iloc[bad].reset_index(drop=True)
    body.columns = pd.Index(
        [f"{name}_in_file" if name in (ROW_COLUMN, REASONS_COLUMN) else name for name in names],
        dtype=object,
    )
    head = pd.DataFrame({ROW_COLUMN: rows[bad], REASONS_COLUMN: reasons})
    return pd.concat([head, body], axis=1)


def _with_missing(texts: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.object_]]:
    """The texts plus a last entry None, so code -1 (missing) picks None."""
    return np.concatenate([texts.astype(object), np.array([None], dtype=object)])


def _column_order(names: list[str], column: str | None) -> int:
    """File-level problems in header order; missing columns after the present ones."""
    return names.index(column) if column in names else len(names)


def _unique_names(names: list[str]) -> list[str]:
    """`sector`, `sector (2)`: Parquet cannot hold two columns with one name."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def quoted_cell(value: str) -> str:
    """A cell's value as problem messages show it (see `_quoted`)."""
    return _quoted(value)


def _quoted(value: str) -> str:
    """A cell with spaces in it is quoted, so the message shows where it ends; control
    characters are shown escaped (`\\t`), never printed."""
    if CONTROL_CHARACTERS.search(value):
        value = CONTROL_CHARACTERS.sub(lambda m: m.group().encode("unicode_escape").decode(), value)
        return f'"{value}"'
    return f'"{value}"' if any(ch.isspace() for ch in value) else value


def problem_line(problem: Problem, language: Language) -> str:
    """One problem on one line in `language`, with the cell's value (as `str(problem)`)."""
    reason = render(problem.code, problem.params, language)
    where_params = {"row": problem.row, "column": problem.column}
    if problem.code in ARM_CODES:
        return f"{render('cli_where_column', where_params, language)}: {reason}"
    if problem.row is None:
        code = "cli_where_header" if problem.column is None else "cli_where_header_column"
        return f"{render(code, where_params, language)}: {reason}"
    code = "cli_where_row" if problem.column is None else "cli_where_row_column"
    if problem.value is None:
        detail = render("cli_value", {"reason": reason}, language)
    else:
        cell = {"cell": quoted_cell(problem.value), "reason": reason}
        detail = render("cli_value_cell", cell, language)
    return f"{render(code, where_params, language)}: {detail}"
