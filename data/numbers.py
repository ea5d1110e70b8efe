"""Numbers as Indonesians write them: in a form field, and in the numeric columns of a file.

A form value is parsed by Babel in strict mode twice, with the Indonesian reading (`1.000,5`)
and the English one (`1,000.5`). When only one reading is valid it is taken; when both are and
they differ, the form decides:

- `d.ddd` (one to three digits, a dot, three digits: `1.000`, `500.000`) is a thousand-grouped
  integer, the Indonesian reading: on a Bahasa form the dot groups thousands;
- `d,ddd` (`1,000`, `1,500`) is refused as `number_ambiguous`: Indonesian reads 1.0 / 1.5,
  English reads 1000 / 1500, and nobody types three decimals to mean one.

Other one-dot forms (`0.5`, `1.25`, `1234.5`) are not valid Indonesian grouping and read as
decimals; `70,5` is a decimal comma. Shares (`kind="share"`) are fractions 0–1: `70,5%` is
0.705; a value above 1 without `%` (`70,5`) is read as a percentage (0.705, `read_as_percent`);
a value at most 1 (`0,705`, `1`) is the fraction itself, so `1` means 100 %.

Errors carry a code and parameters (`NumberError.code`, `.params`) for the page's catalog, and
an English message. Files are read by `detect_number_format` and `normalise_number_texts`
(vectorised; a test checks they agree with `parse_number`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import numpy as np
import pandas as pd
from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from data.errors import DataError
from data.messages import LOCALES, Language

NumberKind = Literal["number", "integer", "money", "share"]
NumberErrorCode = Literal[
    "number_empty",
    "number_too_long",
    "number_invalid",
    "number_ambiguous",
    "number_not_integer",
    "share_out_of_range",
]

MAX_NUMBER_CHARS = 64  # longer than any budget in rupiah written with separators and decimals
# Currency before a money value (`Rp 500.000`, `Rp. 500.000`, `IDR 500.000`) and the dash
# after (`Rp 500.000,-`).
_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_DASH_CENTS = re.compile(r",-$")
_PERCENT = re.compile(r"\s*%$")
_PLAIN = re.compile(r"^[+-]?[0-9.,]+$")  # ASCII digits and separators only: no 1e5, NaN, ١٢٣
_DOT_THOUSAND = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")  # 1.000: Indonesian thousands
_COMMA_THOUSAND = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")  # 1,000: refused


class NumberError(DataError, ValueError):
    """A text that is not a number of the kind asked; `code` and `params` for a catalog."""

    def __init__(self, code: NumberErrorCode, message: str, **params: object) -> None:
        super().__init__(message)
        self.code: NumberErrorCode = code
        self.params: dict[str, object] = params


@dataclass(frozen=True)
class ParsedNumber:
    """A number as understood, with how to show it back before anything runs."""

    value: int | float  # int for kind "integer"; a share as a fraction 0–1
    exact: Decimal
    kind: NumberKind
    read_as_percent: bool = False  # a share typed as 70,5 without %: read as 70,5 %
    understood: Mapping[Language, str] = field(default_factory=dict)  # {"id": "70,5%", ...}


def parse_number(text: str, kind: NumberKind = "number") -> ParsedNumber:
    """What a person typed in a form field, as a number of `kind`; NumberError when it is not
    one, or when the reading is ambiguous (see the module docstring)."""
    cleaned = " ".join(str(text).split())  # NBSP and runs of spaces as one space, trimmed
    if not cleaned:
        raise NumberError("number_empty", "no number given")
    if len(cleaned) > MAX_NUMBER_CHARS:
        raise NumberError(
            "number_too_long",
            f"a number has at most {MAX_NUMBER_CHARS} characters",
            limit=MAX_NUMBER_CHARS,
        )
    body, percent = cleaned, False
    if kind == "money":
        body = _DASH_CENTS.sub("", _CURRENCY.sub("", body))
    if kind == "share" and _PERCENT.search(body):
        body, percent = _PERCENT.sub("", body), True
    exact = _reading(body, cleaned)
    read_as_percent = kind == "share" and not percent and exact > 1
    value: int | float
    if kind == "share":
        if percent or read_as_percent:
            exact = exact / 100
        if not Decimal(0) <= exact <= Decimal(1):
            raise NumberError(
                "share_out_of_range",
                f"{cleaned!r} is not a share between 0 and 1 (or 0% and 100%)",
                text=cleaned,
            )
        value = float(exact)
    elif kind == "integer":
        if exact != exact.to_integral_value():
            raise NumberError(
                "number_not_integer", f"{cleaned!r} is not a whole number", text=cleaned
            )
        value = int(exact)
    else:
        value = float(exact)
    understood = {language: render(exact, kind, language) for language in LOCALES}
    return ParsedNumber(value, exact, kind, read_as_percent, understood)


def render(number: Decimal | float, kind: NumberKind, language: Language) -> str:
    """A number as the page shows it in `language`: `Rp 500.000.000`, `70,5%`, `1.234,5`."""
    locale = LOCALES[language]
    if kind == "share":
        return format_decimal(Decimal(str(number)) * 100, "#,##0.##", locale=locale) + "%"
    text = format_decimal(number, "#,##0.###", locale=locale)
    return f"Rp {text}" if kind == "money" else text


def _reading(body: str, shown: str) -> Decimal:
    """The one reading of `body` (Indonesian or English grouping), or NumberError."""
    if not _PLAIN.match(body):
        raise NumberError("number_invalid", f"{shown!r} is not a number", text=shown)
    indonesian, suggestions = _parse(body, "id")
    english, _ = _parse(body, "en")
    if indonesian is not None and english is not None and indonesian != english:
        if _DOT_THOUSAND.match(body):
            return indonesian
        if _COMMA_THOUSAND.match(body):
            raise NumberError(
                "number_ambiguous",
                f"{shown!r} is ambiguous: {indonesian.normalize():f} or {english:f}? "
                "Write it without the comma, or with a decimal comma and fewer decimals",
                text=shown,
                readings=(f"{indonesian.normalize():f}", f"{english:f}"),
            )
    found = indonesian if indonesian is not None else english
    if found is None:
        raise NumberError(
            "number_invalid",
            f"{shown!r} is not a number",
            text=shown,
            suggestions=tuple(suggestions),
        )
    return found


def _parse(body: str, locale: str) -> tuple[Decimal | None, list[str]]:
    try:
        return parse_decimal(body, locale=locale, strict=True), []
    except NumberFormatError as error:
        return None, list(getattr(error, "suggestions", None) or [])
    except InvalidOperation:
        return None, []


# --------------------------------------------------------------------------- numbers in files


@dataclass(frozen=True)
class NumberFormat:
    """How a file writes its numbers: the decimal mark and the thousands separator (or none)."""

    decimal: Literal[".", ","] = "."
    thousands: Literal[".", ",", ""] = ""

    @property
    def canonical(self) -> bool:
        """Read as they are (a dot for decimals, no grouping): nothing to rewrite."""
        return self.decimal == "." and self.thousands == ""


CANONICAL = NumberFormat()
_SIGN = r"[+-]?"
# What a convention reads. A first group is never 0: `0.705` is 0.705, as `parse_number` reads
# it (and a vote for the English reading below), not 705.
_ID_FULL = re.compile(rf"^{_SIGN}(?:[1-9]\d{{0,2}}(?:\.\d{{3}})+|\d+)(?:,\d+)?$")
_EN_FULL = re.compile(rf"^{_SIGN}(?:[1-9]\d{{0,2}}(?:,\d{{3}})+|\d+)(?:\.\d+)?$")
# Texts only one convention reads: evidence for it.
_ID_ONLY = re.compile(
    rf"^{_SIGN}(?:\d{{1,3}}(?:\.\d{{3}}){{2,}}(?:,\d+)?"  # 1.500.000(,5)
    rf"|\d{{1,3}}(?:\.\d{{3}})+,\d+"  # 1.500,5
    rf"|(?:\d{{4,}}|0|[1-9]\d{{0,2}}),(?:\d{{1,2}}|\d{{4,}})"  # 70,5  1234,5  1,25
    rf"|0,\d+|\d{{4,}},\d+)$"  # 0,705  1234,567
)
_EN_ONLY = re.compile(
    rf"^{_SIGN}(?:\d{{1,3}}(?:,\d{{3}}){{2,}}(?:\.\d+)?"
    rf"|\d{{1,3}}(?:,\d{{3}})+\.\d+"
    rf"|(?:\d{{4,}}|0|[1-9]\d{{0,2}})\.(?:\d{{1,2}}|\d{{4,}})"
    rf"|0\.\d+|\d{{4,}}\.\d+)$"
)
_COMMA_GROUPS = re.compile(rf"^{_SIGN}[1-9]\d{{0,2}}(?:,\d{{3}})+(?:\.\d+)?$")
# The one thousand group both conventions read, differently (1500 or 1.5): how a semicolon file
# is read when nothing else says, so a vote for the decimal comma there.
_ONE_DOT_GROUP = re.compile(rf"^{_SIGN}[1-9]\d{{0,2}}\.\d{{3}}$")
# A workbook's number cell as `data.xlsx` gives it (Python's `str`): no grouping, no trailing
# zero after the dot (`3.5`, `0.25`, `1250000`). The cell is exact, so its text is no vote on how
# the workbook's text cells write numbers.
_NUMBER_CELL = re.compile(r"^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$")
# A convention wins over votes for the other when it has at least this many times as many.
CLEAR_MAJORITY = 3


def strip_currency(texts: pd.Series[str]) -> pd.Series[str]:
    """`Rp 1.500.000` and `Rp 1.500.000,-` as `1.500.000` (for money columns)."""
    return texts.str.replace(_CURRENCY, "", regex=True).str.replace(_DASH_CENTS, "", regex=True)


def detect_number_format(
    texts: Iterable[str],
    *,
    delimiter: str | None = None,
    counts: Iterable[int] | None = None,
    workbook: bool = False,
    default: NumberFormat | None = None,
) -> NumberFormat:
    """The convention of a file's numeric cells (trimmed, non-empty texts; `counts`, when
    given, how many cells hold each text, so a large file is read by its distinct texts).

    A cell only one convention reads is a vote for it: `70,5`, `1.500.000` for the decimal
    comma, `0.5`, `1,500,000` for the English reading; in a semicolon-separated file, as
    Indonesian Excel writes CSV, `1.500` too is a vote for the decimal comma (it is read so
    there when nothing else says). The convention with votes wins when the other has none, or
    when it has at least CLEAR_MAJORITY times as many: one `Rp 1,500,000` does not turn a file
    of `0,1` and `Rp 2.272.000`, and the cells only the other convention reads stay as written
    (`normalise_number_texts`), for validation to report (`0.5`, with no other reading, is
    read as the form reads it). English grouping when some cell has comma groups. With no
    votes, the dot reading (the project's own files) unless the file is semicolon-separated;
    with votes both ways and no clear majority, the dot reading: a file mixing conventions is
    not guessed. `default`, when given, is the format with no votes instead.

    In a `workbook` a text a number cell shows (`3.5`, `1250000`) is no vote: number cells are
    exact, and only text cells (`Rp 1.250.000`, `2,5`, `1,500,000`) say how the workbook writes
    numbers as text.
    """
    series = pd.Series(list(texts), dtype=object).astype(str)
    weights = (
        np.ones(len(series), dtype=np.int64)
        if counts is None
        else np.fromiter(counts, dtype=np.int64, count=len(series))
    )
    if workbook:
        weights = np.where(_matches(series, _NUMBER_CELL), 0, weights)
    indonesian = int(weights[_matches(series, _ID_ONLY)].sum())
    english = int(weights[_matches(series, _EN_ONLY)].sum())
    if english and delimiter == ";":
        indonesian += int(weights[_matches(series, _ONE_DOT_GROUP)].sum())
    if not indonesian and not english:
        if default is not None:
            return default
        return NumberFormat(",", ".") if delimiter == ";" else CANONICAL
    if indonesian >= CLEAR_MAJORITY * english:
        return NumberFormat(",", ".")
    if english >= CLEAR_MAJORITY * indonesian:
        return NumberFormat(".", "," if _matches(series, _COMMA_GROUPS).any() else "")
    return CANONICAL


def _matches(
    texts: pd.Series[str], pattern: re.Pattern[str]
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    return texts.str.match(pattern).to_numpy(dtype=bool, na_value=False)


class NumberText(str):
    """The text of a workbook cell that holds a number (not a text cell): exact, with a dot for
    decimals, so no reading convention applies to it (`2.375` is two and three eighths even in a
    file whose text cells write `1.250.000`). It compares and hashes as the plain text."""

    __slots__ = ()


def is_number_text(value: object) -> bool:
    """Whether `value` came from a workbook's number cell (`NumberText`)."""
    return isinstance(value, NumberText)


def normalise_number_texts(texts: pd.Series[str], number_format: NumberFormat) -> pd.Series[str]:
    """Texts in `number_format` rewritten with a dot for decimals and no grouping (`1.234,5` ->
    `1234.5`); a text the format does not read is left as it is, for validation to report."""
    if number_format.canonical:
        return texts
    full = _ID_FULL if number_format.decimal == "," else _EN_FULL
    readable = texts.str.match(full).fillna(False).to_numpy(dtype=bool)
    if not readable.any():
        return texts
    picked = texts[readable]
    if number_format.thousands:
        picked = picked.str.replace(number_format.thousands, "", regex=False)
    if number_format.decimal == ",":
        picked = picked.str.replace(",", ".", regex=False)
    out = texts.copy()
    out[readable] = picked
    return out


__all__ = [
    "CANONICAL",
    "CLEAR_MAJORITY",
    "NumberError",
    "NumberFormat",
    "NumberText",
    "ParsedNumber",
    "detect_number_format",
    "is_number_text",
    "normalise_number_texts",
    "parse_number",
    "render",
    "strip_currency",
]
