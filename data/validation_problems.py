"""What validation reports: each problem as a code with parameters (`VALIDATION_CODES`, worded
by `data.messages`), one `Problem`, and a problem on one line (`problem_line`).

Also the cells found at fault while a table is checked (`faulty_cells`: row, column, code,
parameters and a priority), which `data.validation_rows` narrows to one problem per cell.
`data.validation` re-exports the names other packages use; this module does not import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from data.contract import CONTROL_CHARACTERS, FALSE_STRINGS, TRUE_STRINGS
from data.messages import Language, render
from data.numbers import CANONICAL, NumberFormat

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
# A cell that is not a number is told how to write one the way its file writes numbers
# (`ReadInfo.number_format`): advice for another format would misread the file's other cells.
NOT_NUMBER_CODES: Mapping[NumberFormat, str] = MappingProxyType(
    {
        CANONICAL: "value_not_number",
        NumberFormat(",", "."): "value_not_number_decimal_comma",
        NumberFormat(".", ","): "value_not_number_thousands_comma",
    }
)
# A contract cell holding a spreadsheet's error code (`data.contract.SPREADSHEET_ERRORS`: a
# formula that failed), with the code as `error`; the cell is then read as empty, so this is its
# one problem (reported before "missing" or "not a number").
SPREADSHEET_ERROR = "value_spreadsheet_error"


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


# --- cells found at fault, before one problem per cell is kept ---------------------------------

NO_PARAMS: Mapping[str, object] = MappingProxyType({})
# When one cell fails several checks, only the first by this order is reported.
PRIORITY_PARSE, PRIORITY_MISSING, PRIORITY_PATTERN, PRIORITY_VALUE, PRIORITY_UNIQUE = range(5)
DUPLICATE = "value_duplicate"  # completed with the other rows once all problems are known


def faulty_cells(
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
