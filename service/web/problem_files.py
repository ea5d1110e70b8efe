"""A refused file's problems for a person: grouped by column and reason with a count, and the full
list as a CSV or XLSX file to work through (formulas neutralised, like the list's exports)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from data.messages import Language
from service.web.export_files import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    ExportFile,
    Sheet,
    csv_bytes,
    xlsx_bytes,
)
from service.web.exports import now, stamped
from service.web.i18n import message
from service.web.problems import PlacedProblem
from service.web.schemas import CsvStyle, ExportFormat

ROWS_NAMED = 10  # rows a group names before "and N more"


class ProblemLike(PlacedProblem, Protocol):
    """A problem as worded for a person (`PageProblem`, or one sent back by the page)."""

    @property
    def reason(self) -> str: ...

    @property
    def fix(self) -> str | None: ...


@dataclass(frozen=True)
class ProblemGroup:
    """Problems sharing a column and a reason: how many, the first rows, and the fix."""

    column: str | None
    reason: str
    fix: str | None
    count: int
    rows: list[int]  # the first ROWS_NAMED rows, in file order


def group_problems(problems: Sequence[ProblemLike]) -> list[ProblemGroup]:
    """Groups by (column, reason), the file-level ones first, then the largest."""
    found: dict[tuple[str | None, str], list[ProblemLike]] = {}
    for problem in problems:
        found.setdefault((problem.column, problem.reason), []).append(problem)
    groups = [
        ProblemGroup(
            column=column,
            reason=reason,
            fix=members[0].fix,
            count=len(members),
            rows=sorted(p.row for p in members if p.row is not None)[:ROWS_NAMED],
        )
        for (column, reason), members in found.items()
    ]
    whole_file = [group for group in groups if not group.rows]
    by_rows = sorted((g for g in groups if g.rows), key=lambda g: (-g.count, g.rows[0]))
    return whole_file + by_rows


def problems_table(problems: Sequence[ProblemLike], language: Language) -> pd.DataFrame:
    """Every problem, one per line: row, column, problem, how to fix it."""
    whole = message(language, "error.file_level")
    rows = [
        [
            problem.row if problem.row is not None else whole,
            problem.column or "",
            problem.reason,
            problem.fix or "",
        ]
        for problem in problems
    ]
    headers = [
        message(language, key) for key in ("col.row", "col.column", "col.problem", "col.fix")
    ]
    return pd.DataFrame(rows, columns=headers)


def export_problems(
    problems: Sequence[ProblemLike],
    fmt: ExportFormat,
    language: Language,
    made: dt.datetime | None = None,
    *,
    csv_style: CsvStyle = "standard",
) -> ExportFile:
    """The full problem list as a file named with the date and time (a CSV in `csv_style`)."""
    table = problems_table(problems, language)
    stem = stamped(message(language, "problems.filename"), made or now())
    if fmt == "xlsx":
        sheet = Sheet(
            message(language, "problems.sheet"), table, {message(language, "col.row"): "0"}
        )
        return ExportFile(xlsx_bytes([sheet]), f"{stem}.xlsx", XLSX_MEDIA_TYPE)
    return ExportFile(csv_bytes(table, csv_style), f"{stem}.csv", CSV_MEDIA_TYPE)
