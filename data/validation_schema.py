"""The pandera schema derived from the contract, and its failures as problems.

It checks the parsed frame (`data.validation_cells`) lazily, for `data.validation.validate_frame`:
each failure case becomes cells at fault (`faulty_cells`, with the check's code and parameters) or a
problem of the whole file (a column missing, or one not in the contract).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import pandera.pandas as pa

from data.contract import ColumnSpec
from data.reference import province_codes
from data.validation_cells import PROVINCE_COLUMN
from data.validation_problems import (
    DUPLICATE,
    NO_PARAMS,
    PRIORITY_PATTERN,
    PRIORITY_UNIQUE,
    PRIORITY_VALUE,
    Problem,
    faulty_cells,
)

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


def contract_schema(
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
                (pa.Check.str_matches(spec.pattern), "value_wrong_form", form, PRIORITY_PATTERN)
            )
        if spec.name == PROVINCE_COLUMN:
            checks.append(
                (pa.Check.isin(province_codes()), "value_not_province", NO_PARAMS, PRIORITY_VALUE)
            )
        elif spec.allowed is not None:
            allowed = {"column": spec.name, "allowed": tuple(spec.allowed)}
            checks.append(
                (pa.Check.isin(spec.allowed), "value_not_allowed", allowed, PRIORITY_VALUE)
            )
        if spec.minimum is not None or spec.maximum is not None:
            checks.append((*_range_check(spec), PRIORITY_VALUE))
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


def run_schema(
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
        params: Mapping[str, object] = NO_PARAMS
        if check == "field_uniqueness":
            code, priority = DUPLICATE, PRIORITY_UNIQUE
        elif pd.notna(number) and (str(column), int(number)) in reasons:
            code, params, priority = reasons[(str(column), int(number))]
        else:  # not expected: parsing gives the schema's types
            code, params, priority = "value_check_failed", {"check": str(check)}, PRIORITY_VALUE
        at_rows = pd.to_numeric(group["index"], errors="coerce")
        if at_rows.isna().any():  # a failure of the whole column, not of cells
            failed = {"check": str(check)}
            file_problems.append(Problem(None, str(column), "column_check_failed", failed))
            continue
        rows = at_rows.to_numpy(dtype="int64")
        cells.append(faulty_cells(rows, str(column), code, params, priority))
    return cells, file_problems
