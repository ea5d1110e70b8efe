"""What reading a contract file found (`ReadInfo`), and how CSV and XLSX reading find it in a
grid of text cells: the header row, and the form the numbers are written in.

A header below title rows is looked for among the first HEADER_SEARCH_ROWS rows and taken below
row 1 only when it names at least HEADER_MIN_COLUMNS contract columns, more than row 1 does
(`header_scored`). Under it (`header_from_first_row`) names are trimmed and unnamed empty columns
dropped; blank lines at the end are not rows, blank lines in the middle still are. Numbers with a
decimal comma and thousands dots are detected per file by `data.numbers.detect_number_format`
over the numeric contract columns, whose cells are then rewritten with a dot (`read_numbers`):
the one exception to "as the file holds", so that validation and every caller read one form; a
workbook's number cells are exact and no vote on how its text cells are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from data.contract import column as contract_column
from data.contract import contract_name
from data.numbers import (
    CANONICAL,
    NumberFormat,
    detect_number_format,
    is_number_text,
    normalise_number_texts,
    strip_currency,
)

TableFormat = Literal["csv", "parquet", "xlsx"]

# A header is looked for in this many rows from the top, and taken below row 1 only when it
# names at least HEADER_MIN_COLUMNS contract columns (and more than row 1 does).
HEADER_SEARCH_ROWS = 20
HEADER_MIN_COLUMNS = 3


@dataclass(frozen=True)
class ReadInfo:
    """What reading a file found, for a result to state: `ReadInfo(delimiter=";", decimal=",",
    thousands=".", encoding="cp1252", header_row=3)`."""

    format: TableFormat
    header_row: int = 1  # spreadsheet row of the header
    delimiter: str | None = None  # CSV only
    encoding: str | None = None  # CSV only: "utf-8" (with or without BOM) or "cp1252"
    decimal: str | None = None  # decimal mark of the numeric columns; None for Parquet
    thousands: str | None = None  # thousands separator, "" for none; None for Parquet
    header_columns: int = 0  # contract columns the header row names
    best_row: int = 1  # the row naming the most contract columns (the header, when found)
    best_columns: int = 0
    searched_rows: int = 0  # rows looked at for the header
    # XLSX only: the sheet read when it is not the first (the first held no header row).
    sheet: str | None = None

    @property
    def first_data_row(self) -> int:
        """Spreadsheet row of the frame's first row: row numbers in messages start here."""
        return self.header_row + 1

    @property
    def number_format(self) -> NumberFormat:
        if self.decimal == "," and self.thousands == ".":
            return NumberFormat(",", ".")
        if self.thousands == ",":
            return NumberFormat(".", ",")
        return CANONICAL


def header_scored(scores: Sequence[int], find_header: bool) -> tuple[int, ReadInfo]:
    """The index of the header among rows scored by their count of contract columns named (0
    unless `find_header` finds a better one), and the header fields of a ReadInfo."""
    searched = len(scores)
    scores = list(scores) or [0]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    moved = find_header and scores[best] >= HEADER_MIN_COLUMNS and scores[best] > scores[0]
    index = best if moved else 0
    info = ReadInfo(
        "csv",
        header_row=index + 1,
        header_columns=scores[index],
        best_row=best + 1,
        best_columns=scores[best],
        searched_rows=searched if find_header else 1,
    )
    return index, info


def header_from_first_row(grid: pd.DataFrame) -> pd.DataFrame:
    """Use the first row as the header: names trimmed; unnamed empty columns dropped."""
    header = [str(cell).strip() for cell in grid.iloc[0]]
    body = grid.iloc[1:]
    body.index = pd.RangeIndex(len(body))  # relabels without copying a million rows
    keep: list[int] = []
    names: list[str] = []
    for position, cell in enumerate(header):
        if cell == "" and _all_empty(body.iloc[:, position]):
            continue  # a stray separator or an Excel phantom column
        keep.append(position)
        names.append(cell or f"unnamed_{position + 1}")
    if len(keep) < len(header):
        body = body.iloc[:, keep]
    body.columns = pd.Index(names, dtype=object)
    return _drop_trailing_empty_rows(body)


def _all_empty(values: pd.Series[Any]) -> bool:
    return bool((values.isna() | (values.astype(str).str.strip() == "")).all())


def _drop_trailing_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Blank lines at the end of a file are not rows; blank lines in the middle still are."""
    if len(frame) == 0 or not _all_empty(frame.iloc[-1].reset_index(drop=True)):
        return frame
    blank = np.ones(len(frame), dtype=bool)
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        blank &= (values.isna() | (values.astype(str).str.strip() == "")).to_numpy(dtype=bool)
    filled = np.flatnonzero(~blank)
    end = int(filled[-1]) + 1 if filled.size else 0
    return frame.iloc[:end]


def read_numbers(
    frame: pd.DataFrame, separator: str | None, *, workbook: bool
) -> tuple[pd.DataFrame, NumberFormat]:
    """The numeric contract columns' convention, detected over their text cells (each distinct
    text once, with how many cells hold it: the convention most cells use wins; in a
    `workbook`, number cells are no vote), and the frame with the cells it reads rewritten with
    a dot for decimals and no grouping; cells only another convention reads stay as written,
    for validation to report."""
    positions: dict[int, bool] = {}  # column position -> money (a currency may come first)
    for position, header in enumerate(frame.columns):
        name = contract_name(header)
        spec = contract_column(name) if name is not None else None
        if spec is not None and spec.kind in ("number", "integer"):
            positions[position] = "IDR" in spec.unit
    read: set[int] = set()  # the positions holding text
    texts: list[str] = []  # each column's distinct texts, trimmed and without a currency
    counts: list[int] = []  # the cells holding each
    exact: dict[int, np.ndarray[Any, np.dtype[np.bool_]]] = {}  # a workbook's number cells
    for position, money in positions.items():
        values = frame.iloc[:, position]
        if values.dtype != object:
            continue
        read.add(position)
        if workbook:
            exact[position] = np.fromiter(
                map(is_number_text, values), dtype=bool, count=len(values)
            )
            values = values[~exact[position]]  # exact already: no vote on the text cells' form
        codes, uniques = pd.factorize(values.astype(str).str.strip())
        distinct = pd.Series(uniques, dtype=object)
        cleaned = strip_currency(distinct) if money else distinct
        filled = (cleaned != "").to_numpy(dtype=bool)
        texts.extend(cleaned[filled].tolist())
        counts.extend(np.bincount(codes, minlength=len(uniques))[filled].tolist())
    number_format = detect_number_format(
        texts, delimiter=separator, counts=counts, workbook=workbook
    )
    changed: dict[int, np.ndarray[Any, Any]] = {}
    for position, money in positions.items():
        if position not in read:
            continue
        values = frame.iloc[:, position].astype(str).str.strip()
        cleaned = strip_currency(values) if money else values
        rewritten = normalise_number_texts(cleaned, number_format)
        if not rewritten.equals(frame.iloc[:, position]):
            # Only cells the convention reads change; others stay as the file wrote them.
            keep = rewritten.str.fullmatch(r"[+-]?\d+(?:\.\d+)?").fillna(False).to_numpy(bool)
            if position in exact:
                keep &= ~exact[position]  # a number cell stays as the workbook holds it
            original = frame.iloc[:, position]
            changed[position] = np.where(keep, rewritten, original).astype(object)
    if changed:
        frame = frame.copy(deep=False)
        for position, rewritten_cells in changed.items():
            frame.isetitem(position, rewritten_cells)
    return frame, number_format
