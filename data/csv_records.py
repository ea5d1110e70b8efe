"""CSV records counted without being parsed: csv.reader's records (the excel dialect with the
file's separator, not strict) read in pieces of text, never held as lists of cells, so a row of
millions of fields costs no more memory than a short one (`CsvRecords`). `data.csv_reading`
counts the first rows (the header search, the column limit) and an upload's every row (the
header's width) with it before pandas parses a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from typing import TextIO

from data.contract import contract_name

# The first rows of a CSV (the header search), and its every row before pandas parses an upload
# (or after pandas refused a file, to name the row at fault) are read by `CsvRecords`:
# csv.reader's records (the excel dialect with the file's separator, not strict) counted in
# pieces of the text, never held as lists of cells. A row of millions of fields costs no more
# memory than a short one, so the column limit, and the header's width, are checked before any
# row is parsed whole (csv.reader built 20 rows of a 72 MB line as lists first, 1.8 GB; pandas'
# tokenizer holds a row whole too); and a cell may be as long there as pandas reads it below
# (csv.reader refused a cell of more than 131,072 characters in the first rows only).
CSV_PIECE_CHARS = 64 * 1024
# A cell longer than this (as written) names no contract column: its text is not kept to match.
HEADER_CELL_CHARS = 1_000
# Loop turns spent counting the fields of one row past `max_fields` (a row of millions of quoted
# cells, each a turn or more); past them the count so far is given, a lower bound.
CSV_COUNT_TURNS = 1_000_000
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # how csv.reader's lines end (open with newline="")
_QUOTED_TEXT = re.compile(r'[^"]*+(?:""[^"]*+)*+')  # a quoted cell's text up to its closing quote
_RECORD, _FIELD, _UNQUOTED, _QUOTED, _QUOTE = range(5)  # where `CsvRecords` is in a record


@dataclass(frozen=True)
class CsvRecord:
    """One record (a spreadsheet row) as `CsvRecords` counts it."""

    row: int  # from 1; a blank line is a row (of no fields)
    begins: int  # the line it begins on, from 1
    ends: int  # the line it ends on (csv.reader's `line_num` after it)
    fields: int
    last_filled: bool  # its last field holds text
    names: frozenset[str] = frozenset()  # the contract columns its cells name (with `names`)
    counted: bool = True  # False: counting stopped (`CSV_COUNT_TURNS`); `fields` a lower bound


class CsvRecords:
    """The records of a CSV open as text (`newline=""`), as csv.reader reads them, counted:
    fields, lines, whether the last field holds text, and with `names` the contract columns its
    cells name. Memory is a piece of text (CSV_PIECE_CHARS) and a cell's first
    HEADER_CELL_CHARS characters, however wide a row or long a cell.

    A row with more than `max_fields` fields is counted on without its cells' names, for at most
    CSV_COUNT_TURNS turns; then it is the last record given (`counted` False). With `fit`, the
    records from row `fit_from` on that fit a header of `fit` fields (at most `fit`, or one empty
    field more: `_too_wide`) are passed over in bulk, not given: a scan for the first row that
    does not fit. `last_begins` is the line the last record read begins on."""

    def __init__(
        self,
        handle: TextIO,
        separator: str,
        *,
        names: bool = False,
        max_fields: int | None = None,
        fit: int | None = None,
        fit_from: int = 1,
    ) -> None:
        self._handle = handle
        self._separator = separator
        self._names = names
        self._max_fields = max_fields
        self._fit = fit
        self._fitting = None if fit is None else _fitting_record(separator, fit)
        self._fit_from = fit_from
        self.last_begins = 1

    def __iter__(self) -> Iterator[CsvRecord]:
        sep, max_fields = self._separator, self._max_fields
        opening = sep + '"'  # a separator, then a quoted cell
        pieces = text_pieces(self._handle)
        piece, pos = "", 0
        lf = cr = quoted = -1  # where the next "\n", "\r" and `opening` are (below `pos`: look)
        state = _RECORD
        breaks = 0  # line breaks read before `pos`
        row = begins = fields = turns = 0
        filled = broken = False  # the current field holds text; a quoted text ended a line
        text, size = "", 0  # the current cell's first characters (with `names`), its length
        found: set[str] = set()

        def note(cell: str) -> None:
            if len(cell) <= HEADER_CELL_CHARS and cell.strip():
                name = contract_name(cell)
                if name is not None:
                    found.add(name)

        while True:
            if pos >= len(piece):
                piece, pos, lf, cr, quoted = next(pieces, ""), 0, -1, -1, -1
                if not piece:
                    break
            over = max_fields is not None and fields > max_fields
            if over:
                turns += 1
                if turns > CSV_COUNT_TURNS:
                    self.last_begins = begins
                    yield CsvRecord(row, begins, breaks + 1, fields, filled, counted=False)
                    return
            keep = self._names and not over
            if state == _RECORD:
                if self._fitting is not None and row + 1 >= self._fit_from:
                    start = pos
                    pos, row, breaks = self._pass_fitting(piece, pos, row, breaks)
                    if pos > start:
                        continue
                row, begins, fields, filled, broken = row + 1, breaks + 1, 0, False, False
                found.clear()
                text, size = "", 0
                if piece[pos] in "\r\n":  # a blank line: a row of no fields
                    pos += 2 if piece.startswith("\r\n", pos) else 1
                    breaks += 1
                    self.last_begins = begins
                    yield CsvRecord(row, begins, breaks, 0, False)
                    continue
                fields, state = 1, _FIELD
            if state == _FIELD and piece[pos] == '"':
                state, pos, broken = _QUOTED, pos + 1, False
                continue
            if state == _QUOTED:
                end = _QUOTED_TEXT.match(piece, pos).end()  # type: ignore[union-attr]
                if end > pos:
                    filled, broken = True, piece[end - 1] in "\r\n"
                    breaks += _line_breaks(piece, pos, end)
                    if keep:
                        size += end - pos
                        if size <= HEADER_CELL_CHARS:
                            text += piece[pos:end].replace('""', '"')
                    pos = end
                if pos < len(piece):  # a quote not doubled: the quoted text ends
                    state, pos = _QUOTE, pos + 1
                continue
            if state == _QUOTE and piece[pos] == '"':  # a pair split between two pieces
                filled, broken, size = True, False, size + 1
                if keep and size <= HEADER_CELL_CHARS:
                    text += '"'
                state, pos = _QUOTED, pos + 1
                continue
            # A cell not quoted, or the rest of one (text after a closing quote belongs to the
            # cell, as csv.reader reads it): up to the next quoted cell or the line's end.
            state = _UNQUOTED
            if lf < pos:
                lf = find_or_end(piece, "\n", pos)
            if cr < pos:
                cr = find_or_end(piece, "\r", pos)
            if quoted < pos:
                quoted = find_or_end(piece, opening, pos)
            end = min(lf, cr, quoted)
            seps = piece.count(sep, pos, end)
            if end > pos:
                if keep and (max_fields is None or fields + seps <= max_fields):
                    parts = piece[pos:end].split(sep)
                    size += len(parts[0])
                    if size <= HEADER_CELL_CHARS:
                        text += parts[0]
                    if len(parts) > 1:
                        if size <= HEADER_CELL_CHARS:
                            note(text)
                        for part in parts[1:-1]:
                            note(part)
                        text, size = parts[-1][: HEADER_CELL_CHARS + 1], len(parts[-1])
                fields += seps
                filled = piece[end - 1] != sep if seps else True
            if end == len(piece):
                pos = end
                if seps and piece[end - 1] == sep:
                    state = _FIELD  # the next piece begins a field: it may be quoted
                continue
            if keep and size <= HEADER_CELL_CHARS:
                note(text)
            if end == quoted:
                fields, filled, text, size = fields + 1, False, "", 0
                state, pos, broken = _QUOTED, end + 2, False
                continue
            pos = end + (2 if piece.startswith("\r\n", end) else 1)
            breaks += 1
            self.last_begins = begins
            yield CsvRecord(row, begins, breaks, fields, filled, frozenset(found))
            state, fields, turns = _RECORD, 0, 0
        if state != _RECORD:  # the last line has no line break, or a quote never closes
            if self._names and size <= HEADER_CELL_CHARS:
                note(text)
            self.last_begins = begins
            ends = breaks if state == _QUOTED and broken else breaks + 1
            yield CsvRecord(row, begins, ends, fields, filled, frozenset(found))

    def _pass_fitting(self, piece: str, pos: int, row: int, breaks: int) -> tuple[int, int, int]:
        """The records from `pos` (a record's start) that fit, passed over: where the first that
        does not fit (or that `piece` does not hold whole) begins, and the row and line breaks
        counted to there. The piece's whole lines are passed in bulk when each is a record that
        fits (`_lines_fitting`), else one record at a time (`_fitting_record`)."""
        fitting = self._fitting
        assert fitting is not None
        end = max(piece.rfind("\n", pos), piece.rfind("\r", pos)) + 1  # after the last line
        if end > pos and (lines := self._lines_fitting(piece[pos:end])):
            self.last_begins = breaks + lines
            pos, row, breaks = end, row + lines, breaks + lines
        while pos < len(piece) and (match := fitting.match(piece, pos)) is not None:
            self.last_begins = breaks + 1
            breaks += _line_breaks(piece, pos, match.end())
            pos, row = match.end(), row + 1
        return pos, row, breaks

    def _lines_fitting(self, text: str) -> int:
        """How many lines `text` holds (whole lines, from a record's start), when each is a
        record that fits; 0 when not (a row too wide, a quoted cell over two lines, a quote
        never closed): those are read one record at a time. Counted in bulk: quoted cells
        become one character (`_quoted_cells`), then each line's separators are counted."""
        sep, width = self._separator, self._fit or 0
        breaks = _line_breaks(text, 0, len(text))
        if '"' in text:
            quoted, opening = _quoted_cells(sep)
            text = quoted.sub("x", text)
            if opening.search(text):
                return 0
        lines = (_LINE_BREAK.split(text) if "\r" in text else text.split("\n"))[:-1]
        if len(lines) != breaks:  # a quoted cell holds a line break
            return 0
        counts = list(map(str.count, lines, repeat(sep)))
        if max(counts) >= width and any(
            count > width or (count == width and not line.endswith(sep))
            for count, line in zip(counts, lines, strict=True)
        ):
            return 0
        return len(lines)


def find_or_end(text: str, sub: str, start: int) -> int:
    """Where `sub` is next in `text` from `start`; the end of `text` when nowhere."""
    found = text.find(sub, start)
    return len(text) if found < 0 else found


def text_pieces(handle: TextIO) -> Iterator[str]:
    """The text in pieces of about CSV_PIECE_CHARS, none empty; a "\\r" ending a piece is kept
    for the next one, so that a "\\r\\n" is never split between two."""
    carry = ""
    while read := handle.read(CSV_PIECE_CHARS):
        piece, carry = carry + read, ""
        if piece.endswith("\r"):
            piece, carry = piece[:-1], "\r"
        if piece:
            yield piece
    if carry:
        yield carry


def _line_breaks(text: str, start: int, end: int) -> int:
    """Line breaks in `text[start:end]` ("\\r\\n", "\\r" or "\\n"), none split at its ends."""
    returns = text.count("\r", start, end)
    pairs = text.count("\r\n", start, end) if returns else 0
    return text.count("\n", start, end) + returns - pairs


@cache
def _quoted_cells(separator: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A quoted cell from its opening quote (at a cell's start) to its closing one; and a quote
    at a cell's start, one left when a quoted cell never closes."""
    start = f'"(?<![^{re.escape(separator)}\\r\\n]")'  # not after a cell's text
    return re.compile(f'{start}[^"]*+(?:""[^"]*+)*+"'), re.compile(start)


@cache
def _fitting_record(separator: str, width: int) -> re.Pattern[str]:
    """A whole record (line break included) that fits a header of `width` fields: at most
    `width` fields, or one empty field more (a trailing separator). Cells are matched whole
    (`(?>...)`, possessive): a quoted cell up to its closing quote, then any text to the next
    separator, as csv.reader reads it."""
    s = re.escape(separator)
    cell = f'(?>"[^"]*+(?:""[^"]*+)*+"[^{s}\\r\\n]*+|[^"{s}\\r\\n][^{s}\\r\\n]*+|)'
    end = r"(?:\r\n|\r|\n)"
    return re.compile(f"(?:{cell}{s}){{0,{width - 1}}}+{cell}{end}|(?:{cell}{s}){{{width}}}+{end}")
