"""From the cells found at fault to the parts of a `data.validation.ValidationResult`.

One problem per cell (the first by priority), a duplicate's other rows, a `Problem` per cell with
the cell as it was in the file, the header's repeated columns, the valid rows in their final
types, and the rejected rows with their spreadsheet row and reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from data.contract import ColumnSpec
from data.messages import render
from data.validation_cells import Mask, Parsed, distinct_texts, with_missing
from data.validation_problems import DUPLICATE, Problem

ROW_COLUMN = "row"
REASONS_COLUMN = "reasons"


def one_per_cell(
    found: list[pd.DataFrame], parsed: dict[str, Parsed], names: list[str], first_row: int
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
    duplicates = (cells["code"] == DUPLICATE).to_numpy()
    if duplicates.any():
        found_codes, found_params = _duplicate_reasons(cells[duplicates], parsed, first_row)
        cells.loc[duplicates, "code"] = found_codes
        params = cells["params"].to_numpy(dtype=object)
        params[np.flatnonzero(duplicates)] = found_params
        cells["params"] = params
    return cells[["row", "column", "code", "params"]]


def _duplicate_reasons(
    cells: pd.DataFrame, parsed: dict[str, Parsed], first_row: int
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


def row_problems(
    cells: pd.DataFrame, df: pd.DataFrame, position: dict[str, int], first_row: int
) -> list[Problem]:
    """A Problem per cell, each with the cell as it was in the file (trimmed)."""
    values = np.empty(len(cells), dtype=object)
    all_rows = cells["row"].to_numpy(dtype="int64") - first_row
    for name, at in cells.groupby("column", sort=False).indices.items():
        # The cells as text, trimmed, None when empty: rendered once per distinct value.
        codes, texts = distinct_texts(df.iloc[all_rows[at], position[str(name)]])
        values[at] = with_missing(texts)[codes]
    return [
        Problem(int(row), str(name), str(code), params, value)
        for row, name, code, params, value in zip(
            cells["row"], cells["column"], cells["code"], cells["params"], values, strict=True
        )
    ]


def duplicate_column_problems(names: list[str]) -> list[Problem]:
    at: dict[str, list[int]] = {}
    for number, name in enumerate(names, start=1):
        at.setdefault(name, []).append(number)
    return [
        Problem(None, name, "column_repeated", {"count": len(numbers), "positions": numbers})
        for name, numbers in at.items()
        if len(numbers) > 1
    ]


def typed_valid(
    df: pd.DataFrame,
    *,
    parsed: dict[str, Parsed],
    specs: dict[str, ColumnSpec],
    position: dict[str, int],
    extras: list[str],
    rows: np.ndarray[Any, Any],
    keep: Mask,
) -> pd.DataFrame:
    """Rows without problems: contract columns in their final types, extras as they came."""
    columns: dict[str, Any] = {}
    for name, i in position.items():
        if name in parsed:
            columns[name] = _final_type(parsed[name], specs[name], keep)
        elif name in extras:
            columns[name] = df.iloc[:, i].to_numpy()[keep]
    return pd.DataFrame(columns, index=pd.Index(rows[keep], name=ROW_COLUMN), copy=False)


def _final_type(values: Parsed, spec: ColumnSpec, keep: Mask) -> Any:
    """Text as str/None objects, non-nullable integers int64 and booleans bool, numbers float64."""
    if isinstance(values, pd.Categorical):
        return with_missing(values.categories.to_numpy(dtype=object))[values.codes[keep]]
    kept = values if keep.all() else values[keep]
    if spec.kind == "integer" and not spec.nullable:
        return np.asarray(kept, dtype="int64")
    if spec.kind == "boolean" and not spec.nullable:
        return np.asarray(kept, dtype=bool)
    return kept


def rejected_rows(
    df: pd.DataFrame,
    *,
    names: list[str],
    rows: np.ndarray[Any, Any],
    bad: Mask,
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


def column_order(names: list[str], column: str | None) -> int:
    """File-level problems in header order; missing columns after the present ones."""
    return names.index(column) if column in names else len(names)
