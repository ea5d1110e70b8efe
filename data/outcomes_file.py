"""An outcomes file (who was mentored, who went digital, when) read into rows or problems.

The columns are `msme_id`, `mentored`, `digitalized`, a date, and optionally `verified_by` and
`program`, under their contract names or as people write them in Bahasa (`id_umkm`,
`didampingi`, `go_digital`, `tanggal`, ...). Problems are `data.validation.Problem`s with the
same codes as a candidates file's, so every reader words them from the same catalogs; values
are never repeated in them. They name columns by their contract names; `OutcomesFile.headed`
says how the file heads each, for a reader to name them so.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from data.contract import (
    FIRST_DATA_ROW,
    ID_COLUMN,
    OUTCOME_COLUMN,
    TREATMENT_COLUMN,
    TRUTH_AMBIGUOUS_T,
    TRUTH_NO,
    TRUTH_NONE,
    TRUTH_YES,
    column_truths,
    contract_name,
    header_key,
    spreadsheet_error,
)
from data.messages import Language
from data.read_info import ReadInfo
from data.validation import BOOLEAN_SPELLINGS, SPREADSHEET_ERROR, Problem

DATE_COLUMN = "observed_on"
MENTORED_ON_COLUMN = "mentored_on"
LABEL_COLUMNS = ("verified_by", "program")
REQUIRED = (ID_COLUMN, TREATMENT_COLUMN, OUTCOME_COLUMN, DATE_COLUMN)
BOOLEAN_COLUMNS = (TREATMENT_COLUMN, OUTCOME_COLUMN)
OPTIONAL = (MENTORED_ON_COLUMN, *LABEL_COLUMNS)
MAX_LABEL_LENGTH = 200
# The forms of a date as the page's help shows them (any of `/ . -` between day, month and year
# is read too, and a time after an ISO date).
DATE_FORM = "27/02/2026, 2026-02-27"
# Headers of the columns outside the data contract, as people write them (compared by
# `header_key`); the contract's own columns take its aliases (`id_umkm`, `didampingi`, ...).
OUTCOME_HEADERS: Mapping[str, tuple[str, ...]] = {
    DATE_COLUMN: (
        "observed_on",
        "date",
        "tanggal",
        "tanggal_pengamatan",
        "tanggal_diamati",
        "tanggal_verifikasi",
    ),
    MENTORED_ON_COLUMN: ("mentored_on", "tanggal_pendampingan", "tanggal_didampingi"),
    "verified_by": ("verified_by", "diverifikasi_oleh", "verifikasi", "cara_verifikasi"),
    "program": ("program", "nama_program"),
}
_HEADERS = {
    header_key(alias): name for name, aliases in OUTCOME_HEADERS.items() for alias in aliases
}
# How a file in Bahasa heads each column (the names the program managers' guide gives), for a
# problem to name a column the file lacks; a file in English heads them by their names.
BAHASA_HEADERS: Mapping[str, str] = {
    ID_COLUMN: "id_umkm",
    TREATMENT_COLUMN: "didampingi",
    OUTCOME_COLUMN: "go_digital",
    DATE_COLUMN: "tanggal",
    MENTORED_ON_COLUMN: "tanggal_pendampingan",
    "verified_by": "diverifikasi_oleh",
    "program": "program",
}
# The codes this module emits beyond `data.validation.VALIDATION_CODES` (code -> parameters), for
# `tests/service/test_message_catalogs.py`: a date in an accepted form naming a day the calendar
# lacks (31/02/2026), the date in words and why it does not exist each worded by their own entry.
NOT_A_DAY = "value_date_not_a_day"
OUTCOMES_FILE_CODES: dict[str, tuple[str, ...]] = {
    NOT_A_DAY: ("date", "why"),
    f"{NOT_A_DAY}.date": ("day", "month", "year"),
    f"{NOT_A_DAY}.date_month_number": ("day", "month_number", "year"),
    f"{NOT_A_DAY}.month_days": ("month", "year", "days"),
    f"{NOT_A_DAY}.day_zero": (),
    f"{NOT_A_DAY}.year_months": (),
    f"{NOT_A_DAY}_fix": (),
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


@dataclass(frozen=True)
class OutcomeRow:
    """One outcome as the file gives it, with its spreadsheet row."""

    row: int
    msme_id: str
    mentored: bool
    digitalized: bool
    observed_on: dt.date
    mentored_on: dt.date | None = None
    verified_by: str | None = None
    program: str | None = None


@dataclass(frozen=True)
class OutcomesFile:
    """The file's outcomes when every row is right; else every problem (and no rows), with the
    rows read without a problem apart (`sound_rows`)."""

    rows: tuple[OutcomeRow, ...]
    problems: tuple[Problem, ...]
    columns_read_as: Mapping[str, str]  # file header -> column, where they differ
    # column -> the file's own header for it (the first, when repeated)
    headers: Mapping[str, str] = field(default_factory=dict)
    # The rows without a problem, also when other rows have some: for the checks against the
    # list (MSMEs on it, dates) to name their problems in the same answer as the file's own.
    sound_rows: tuple[OutcomeRow, ...] = ()
    # (row, msme_id) of every row that names an MSME, sound or not: the list's checks of ids.
    named_rows: tuple[tuple[int, str], ...] = ()
    header_row: int = FIRST_DATA_ROW - 1  # the spreadsheet row the header was found on
    row_count: int = 0  # data rows in the file

    def headed(self, language: Language) -> dict[str, str]:
        """Each outcomes column as the file heads it (`tanggal` for observed_on); one the file
        lacks as a file in `language` would head it (`outcome_header`)."""
        return {
            name: self.headers.get(name) or outcome_header(name, language)
            for name in (*REQUIRED, *OPTIONAL)
        }


def outcome_header(name: str, language: Language) -> str:
    """A column's header in a file in `language`: `tanggal` in Bahasa, `observed_on` in English."""
    return BAHASA_HEADERS.get(name, name) if language == "id" else name


def outcome_column(header: object) -> str | None:
    """The outcomes column a header means (`tanggal` -> observed_on, `didampingi` -> mentored)."""
    name = contract_name(header)
    if name in (ID_COLUMN, TREATMENT_COLUMN, OUTCOME_COLUMN):
        return name
    return _HEADERS.get(header_key(str(header)))


def parse_outcomes(frame: pd.DataFrame, source: ReadInfo | None = None) -> OutcomesFile:
    """Read a table of cells as text (as `data.io.read_table_info` gives it) into outcomes.

    Any problem refuses the whole file: a missing or repeated column, a missing id, a value
    that is not yes/no or not a date, a spreadsheet error code (#N/A: the cell is then read as
    empty, its one problem), an MSME listed twice."""
    first_row = FIRST_DATA_ROW if source is None else source.first_data_row
    header_row = FIRST_DATA_ROW - 1 if source is None else source.header_row
    positions: dict[str, list[int]] = defaultdict(list)
    read_as: dict[str, str] = {}
    headers: dict[str, str] = {}
    for position, header in enumerate(frame.columns):
        name = outcome_column(header)
        if name is not None:
            positions[name].append(position)
            headers.setdefault(name, str(header).strip())
            if name != header:
                read_as[str(header)] = name
    problems = [Problem(None, name, "column_missing") for name in REQUIRED if name not in positions]
    problems += [
        Problem(
            None,
            name,
            "column_repeated",
            {"count": len(found), "positions": ", ".join(str(i + 1) for i in found)},
        )
        for name, found in positions.items()
        if len(found) > 1
    ]
    if problems:
        return OutcomesFile(
            (), tuple(problems), read_as, headers, row_count=len(frame), header_row=header_row
        )
    cells = {name: frame.iloc[:, found[0]].tolist() for name, found in positions.items()}
    truths = {name: _truths(cells[name]) for name in BOOLEAN_COLUMNS}
    rows: list[OutcomeRow] = []
    seen: dict[str, list[int]] = defaultdict(list)
    for index in range(len(frame)):
        row = first_row + index
        values = {name: _text(column[index]) for name, column in cells.items()}
        errors = _spreadsheet_errors(row, values)
        if errors:
            values = {name: None if name in errors else text for name, text in values.items()}
        found, row_problems = _outcome(row, values, truths)
        problems += errors.values()
        problems += [problem for problem in row_problems if problem.column not in errors]
        if found is not None:
            rows.append(found)
        msme_id = values.get(ID_COLUMN)
        if msme_id is not None:
            seen[msme_id].append(row)
    problems += _duplicates(seen)
    problems.sort(key=lambda problem: (problem.row or 0, _order(problem.column)))
    wrong = {problem.row for problem in problems}
    sound = tuple(found for found in rows if found.row not in wrong)
    return OutcomesFile(
        () if problems else sound,
        tuple(problems),
        read_as,
        headers,
        sound_rows=sound,
        row_count=len(frame),
        header_row=header_row,
        named_rows=tuple(sorted((row, msme_id) for msme_id, at in seen.items() for row in at)),
    )


def _spreadsheet_errors(row: int, values: Mapping[str, str | None]) -> dict[str, Problem]:
    """The row's cells holding a spreadsheet error code (`#N/A`), by column."""
    found = {}
    for name, text in values.items():
        code = spreadsheet_error(text)
        if code is not None:
            found[name] = Problem(row, name, SPREADSHEET_ERROR, {"error": code})
    return found


def _truths(column: Sequence[Any]) -> dict[str, int]:
    """`data.contract.column_truths` of a column's answers, by their lowered text."""
    texts = sorted({text.casefold() for value in column if (text := _text(value)) is not None})
    return dict(zip(texts, column_truths(texts), strict=True))


def _outcome(
    row: int, values: Mapping[str, str | None], truths: Mapping[str, Mapping[str, int]]
) -> tuple[OutcomeRow | None, list[Problem]]:
    problems: list[Problem] = []

    def need(name: str) -> str | None:
        text = values.get(name)
        if text is None and name in REQUIRED:
            problems.append(Problem(row, name, "value_missing"))
        return text

    msme_id = need(ID_COLUMN)
    mentored = _boolean(row, TREATMENT_COLUMN, need(TREATMENT_COLUMN), truths, problems)
    digitalized = _boolean(row, OUTCOME_COLUMN, need(OUTCOME_COLUMN), truths, problems)
    observed_on = _date(row, DATE_COLUMN, need(DATE_COLUMN), problems)
    mentored_on = _date(row, MENTORED_ON_COLUMN, values.get(MENTORED_ON_COLUMN), problems)
    labels: dict[str, str | None] = {}
    for name in LABEL_COLUMNS:
        text = values.get(name)
        if text is not None and len(text) > MAX_LABEL_LENGTH:
            problems.append(
                Problem(row, name, "value_above_maximum", {"maximum": MAX_LABEL_LENGTH})
            )
        labels[name] = text
    if problems or msme_id is None or mentored is None or digitalized is None:
        return None, problems
    assert observed_on is not None
    return OutcomeRow(
        row=row,
        msme_id=msme_id,
        mentored=mentored,
        digitalized=digitalized,
        observed_on=observed_on,
        mentored_on=mentored_on,
        verified_by=labels["verified_by"],
        program=labels["program"],
    ), problems


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _boolean(
    row: int,
    name: str,
    text: str | None,
    truths: Mapping[str, Mapping[str, int]],
    problems: list[Problem],
) -> bool | None:
    if text is None:
        return None
    truth = truths[name].get(text.casefold(), TRUTH_NONE)
    if truth == TRUTH_YES:
        return True
    if truth == TRUTH_NO:
        return False
    if truth == TRUTH_AMBIGUOUS_T:
        problems.append(Problem(row, name, "value_boolean_ambiguous_t"))
    else:
        problems.append(Problem(row, name, "value_not_boolean", {"accepted": BOOLEAN_SPELLINGS}))
    return None


def _date(row: int, name: str, text: str | None, problems: list[Problem]) -> dt.date | None:
    if text is None:
        return None
    iso, day_first = _ISO.match(text), _DAY_FIRST.match(text)
    if iso is not None:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
    elif day_first is not None:  # Indonesian order: day, month, year
        year, month, day = int(day_first[3]), int(day_first[2]), int(day_first[1])
    else:
        problems.append(Problem(row, name, "value_wrong_form", {"form": DATE_FORM}))
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:  # in an accepted form, but no day of the calendar (only these rows)
        problems.append(_not_a_day(row, name, year, month, day))
        return None


def _not_a_day(row: int, name: str, year: int, month: int, day: int) -> Problem:
    """A date written in an accepted form that names no day: 31/02/2026, 00/01/2026, month 13.
    A year the calendar cannot hold (0000) is read as not a date at all."""
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return Problem(row, name, "value_wrong_form", {"form": DATE_FORM})
    if not 1 <= month <= 12:
        date = {"code": f"{NOT_A_DAY}.date_month_number", "day": day, "month_number": month}
        why: dict[str, object] = {"code": f"{NOT_A_DAY}.year_months"}
    else:
        date = {"code": f"{NOT_A_DAY}.date", "day": day, "month": month}
        days = calendar.monthrange(year, month)[1]
        why = (
            {"code": f"{NOT_A_DAY}.day_zero"}
            if day < 1
            else {"code": f"{NOT_A_DAY}.month_days", "month": month, "year": year, "days": days}
        )
    return Problem(row, name, NOT_A_DAY, {"date": {**date, "year": year}, "why": why})


def _duplicates(seen: Mapping[str, Sequence[int]]) -> list[Problem]:
    problems = []
    for rows in seen.values():
        for row in rows[1:]:
            params = {"column": ID_COLUMN, "row": rows[0]}
            problems.append(Problem(row, ID_COLUMN, "value_duplicate_of_row", params))
    return problems


def _order(column: str | None) -> int:
    names = (*REQUIRED, *OPTIONAL)
    return names.index(column) if column in names else len(names)
