"""Parsing a table's cells into their contract types, one column at a time, for
`data.validation.validate_frame`.

Vectorised, once per distinct text: booleans in every accepted spelling, integers, numbers,
province codes as text, "" as missing. A cell that cannot be read becomes NA and a failure with
its code: a spreadsheet's error code such as #N/A (a problem of its own), a number that is not
one, a province that is not one (with the close name it may mean), a control character. Also the
checks across a row's parsed cells: a province name column naming another province than the
code beside it, and an already-digital MSME marked mentored in a history.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from data.aliases import canonical_codes, closest_code, named_provinces
from data.contract import (
    CONTROL_CHARACTERS,
    TREATMENT_COLUMN,
    TRUTH_AMBIGUOUS_T,
    TRUTH_NO,
    TRUTH_NONE,
    TRUTH_YES,
    ColumnSpec,
    column_truths,
    may_be_spreadsheet_error,
    spreadsheet_error,
)
from data.reference import province_codes
from data.segments import DIGITAL_STATUS_COLUMN, already_digital
from data.validation_problems import (
    BOOLEAN_SPELLINGS,
    NO_PARAMS,
    PRIORITY_VALUE,
    SPREADSHEET_ERROR,
    faulty_cells,
)

PROVINCE_COLUMN = "province_code"
# Integers beyond 2**53 are not exact in float64, which is how text is parsed.
_LARGEST_EXACT_INTEGER = 2**53
# Distinct unknown province texts looked up for a close name (`closest_code`), in file order; a
# file with more is not a few misspellings, and the rest are reported without a suggestion.
MAX_PROVINCE_SUGGESTIONS = 100

Mask = np.ndarray[Any, np.dtype[np.bool_]]
_Failures = list[tuple[Mask, str, Mapping[str, object]]]
# A parsed column: categorical or object text, nullable Int64/boolean array, or float64 with NaN.
Parsed = Any


def parse_column(
    values: pd.Series[Any], spec: ColumnSpec, not_number: str
) -> tuple[Parsed, _Failures]:
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
    codes, texts, errors = _without_spreadsheet_errors(*distinct_texts(values))
    parsed, failures = _parse_texts(values, codes, texts, spec, not_number)
    return parsed, [*errors, *failures]


def _without_spreadsheet_errors(
    codes: np.ndarray[Any, np.dtype[np.intp]], texts: np.ndarray[Any, np.dtype[np.object_]]
) -> tuple[np.ndarray[Any, np.dtype[np.intp]], np.ndarray[Any, np.dtype[np.object_]], _Failures]:
    """A column's distinct texts (`distinct_texts`) without the spreadsheet error codes, their
    cells read as missing, and those cells as failures, one per code (`#N/A`, `#REF!`)."""
    found: dict[str, list[int]] = {}
    # Only texts with a `#` or `:` are looked at: a million distinct ids cost one pass of `in`.
    marked = np.fromiter(map(may_be_spreadsheet_error, texts), dtype=bool, count=len(texts))
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
) -> tuple[Parsed, _Failures]:
    """`parse_column` of a column as codes into its distinct trimmed texts (-1: missing)."""
    if spec.kind == "category":
        codes, texts = canonical_codes(spec.name, codes, texts)
    has_value = codes >= 0
    if spec.kind in ("string", "category"):
        failures: _Failures = [
            (_with_control_characters(values), "value_control_character", NO_PARAMS)
        ]
        if spec.name == PROVINCE_COLUMN:
            failures += _unknown_provinces(codes, texts)
        if 2 * len(texts) <= len(codes):
            # Few distinct values: as a categorical, pandera's checks look at those only.
            categories = pd.Index(texts, dtype=object)
            return pd.Categorical.from_codes(codes, categories=categories), failures
        return with_missing(texts)[codes], failures
    if spec.kind == "boolean":
        # Per distinct text (`column_truths`); the last entry is for missing.
        truth = np.array([*column_truths([str(text) for text in texts]), TRUTH_NONE])
        per_row = truth[codes]
        answered = (per_row == TRUTH_YES) | (per_row == TRUTH_NO)
        parsed = pd.arrays.BooleanArray(per_row == TRUTH_YES, ~answered)
        not_boolean = {"accepted": BOOLEAN_SPELLINGS}
        return parsed, [
            (has_value & (per_row == TRUTH_NONE), "value_not_boolean", not_boolean),
            (per_row == TRUTH_AMBIGUOUS_T, "value_boolean_ambiguous_t", NO_PARAMS),
        ]
    per_text = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce")
    numbers = np.append(per_text.to_numpy(dtype="float64", na_value=np.nan), np.nan)[codes]
    not_parsed = has_value & np.isnan(numbers)
    if spec.kind == "number":
        parsed, failures = _numbers(numbers, not_number)
        return parsed, [(not_parsed, not_number, NO_PARAMS), *failures]
    parsed, failures = _integers(numbers)
    return parsed, [(not_parsed, "value_not_integer", NO_PARAMS), *failures]


def mentored_while_digital(
    parsed: dict[str, Parsed], rows: np.ndarray[Any, Any]
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
    return [faulty_cells(rows[both], TREATMENT_COLUMN, code, NO_PARAMS, PRIORITY_VALUE)]


def rows_with_problems(found: list[pd.DataFrame], column: str, first_row: int, n_rows: int) -> Mask:
    """Rows whose cell in `column` has a problem among those found so far."""
    faulty = np.zeros(n_rows, dtype=bool)
    for cells in found:
        if len(cells) and cells["column"].iat[0] == column:
            faulty[cells["row"].to_numpy(dtype="int64") - first_row] = True
    return faulty


def province_names_disagreeing(
    codes: Parsed,
    names: pd.Series[Any],
    *,
    name_column: str,
    code_header: str,
    code_faulty: Mask,
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
    text_codes, texts = distinct_texts(names)
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
            "priority": PRIORITY_VALUE,
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
            failures.append((mask, "value_not_province", NO_PARAMS))
        else:
            failures.append(
                (mask, "value_not_province_suggestion", {"province": code, "code": code})
            )
    return failures


def _with_control_characters(values: pd.Series[Any]) -> Mask:
    """Cells whose text, as in the file (before trimming), holds a control character."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    per_value = np.array(
        [isinstance(u, str) and CONTROL_CHARACTERS.search(u) is not None for u in uniques]
        + [False],
        dtype=bool,
    )
    return per_value[codes]


def distinct_texts(
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
            return distinct_texts(values.map(cell_text, na_action="ignore"))
        distinct = pd.Series([cell_text(value) for value in distinct], dtype=object)
    stripped = distinct.str.strip()
    blank = (stripped == "").to_numpy(dtype=bool)
    if not blank.any() and stripped.equals(distinct):
        return codes, distinct.to_numpy(dtype=object)
    stripped[blank] = None
    text_codes, texts = pd.factorize(stripped, use_na_sentinel=True)
    return np.append(text_codes, -1)[codes], np.asarray(texts, dtype=object)


def with_missing(texts: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.object_]]:
    """The texts plus a last entry None, so code -1 (missing) picks None."""
    return np.concatenate([texts.astype(object), np.array([None], dtype=object)])


def cell_text(value: object) -> str | None:
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


def _numbers(numbers: np.ndarray[Any, Any], not_number: str) -> tuple[Parsed, _Failures]:
    infinite = np.isinf(numbers)
    return np.where(infinite, np.nan, numbers), [(infinite, not_number, NO_PARAMS)]


def _integers(numbers: np.ndarray[Any, Any]) -> tuple[Parsed, _Failures]:
    finite = np.isfinite(numbers)
    safe = np.where(finite, numbers, 0.0)
    too_large = finite & (np.abs(safe) >= _LARGEST_EXACT_INTEGER)
    fractional = (finite & ~too_large & (safe != np.round(safe))) | np.isinf(numbers)
    good = finite & ~too_large & ~fractional
    parsed = pd.arrays.IntegerArray(np.where(good, safe, 0.0).astype("int64"), ~good)
    return parsed, [
        (fractional, "value_not_integer", NO_PARAMS),
        (too_large, "value_too_large", NO_PARAMS),
    ]
