"""Messages as codes with parameters, rendered in Bahasa Indonesia or English at the edges.

Domain code says what happened as a code and its parameters (`quota_too_tight`, `{possible, asked,
remaining, limiting}`); `render` words it from one catalog per language (`catalog_en`,
`catalog_id`). Parameters are formatted per language, by name: numbers with Babel (`1.000` in
Bahasa, `1,000` in English), money with two decimals, shares as percents, province and sector codes
as their names from the reference data, a `month` as its name (Februari, February), a date as a
manager reads it (`format_date`: 10 Januari 2026, 10 January 2026), a time of day as the language
writes it (`format_time`: 15.04 in Bahasa, 15:04 in English), the yes/no spellings a column
takes (`accepted`) with the language's own first (ya/tidak, yes/no); shares side by side in one
message that differ but would read the same get more decimals (`format_percents`).
A parameter that is a mapping, or a list of mappings, is rendered item by item with the entry its
`code` names, else the catalog entry `<code>.<parameter>` (an `invalid_list` names its reason
this way). Every layer (data, models, allocation, training, service) can reach this module; each
declares the codes it emits in a `*_CODES` registry (code -> parameter names) that
`tests/service/test_message_catalogs.py` walks against both catalogs.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import string
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Literal

import numpy as np
import numpy.typing as npt
from babel.numbers import format_decimal

from data.messages.catalog_en import MESSAGES as EN
from data.messages.catalog_en import MONTHS as MONTHS_EN
from data.messages.catalog_id import FORMS as FORMS_ID
from data.messages.catalog_id import MESSAGES as ID
from data.messages.catalog_id import MONTHS as MONTHS_ID

Language = Literal["id", "en"]
LANGUAGES: tuple[Language, ...] = ("id", "en")
CATALOGS: dict[Language, Mapping[str, str]] = {"en": EN, "id": ID}
LOCALES: dict[Language, str] = {"id": "id_ID", "en": "en"}
CONJUNCTION: dict[Language, str] = {"id": "dan", "en": "and"}
MONTHS: dict[Language, tuple[str, ...]] = {"en": MONTHS_EN, "id": MONTHS_ID}

# Parameters formatted by name (any other number: grouped, up to three decimals).
MONEY_PARAMS = frozenset({"budget", "cost", "cheapest_cost", "leftover", "spent", "limit_money"})
PERCENT_PARAMS = frozenset({"fraction", "uplift", "cutoff"})
PRECISE_PERCENT_PARAMS = frozenset({"gap"})  # two decimals: 0.50%
# Decimals at most, for shares that would otherwise read the same (`format_percents`): beyond a
# thousandth of a percentage point two model scores are as good as equal.
PERCENT_MAX_DECIMALS = 3
BOUND_PARAMS = frozenset({"minimum", "maximum"})  # a contract's bound: 15, 0,5, 10.000.000.000
AND_LIST_PARAMS = frozenset({"positions"})  # `4 and 6`, `4, 6 and 9`
PROVINCE_PARAMS = frozenset({"province", "provinces", "name_province"})
ONE_DECIMAL_PARAMS = frozenset({"amount", "years"})  # Rp12,5 juta; 3,5 tahun
ISLAND_NAMES_EN = {
    "Jawa": "Java",
    "Sumatera": "Sumatra",
    "Bali-Nusa Tenggara": "Bali–Nusa Tenggara",
    "Maluku-Papua": "Maluku–Papua",
}
ID_PARAMS = frozenset(
    {"list_id", "msme_id", "text", "check", "column", "suffix", "row", "rows", "seed"}
)
# A date's parts, in words: the month by its name (2 -> February, Februari), the others as
# written (2026, not 2,026).
MONTH_PARAMS = frozenset({"month"})
DATE_PART_PARAMS = frozenset({"day", "month_number", "year"})
# Whole dates, given as ISO text (`2026-01-10`, as the API's parameters keep them) or as dates,
# and shown as `format_date` words them.
DATE_PARAMS = frozenset({"date", "latest", "issued", "earliest", "observed_on", "mentored_on"})
# A time of day, given as a time or a datetime (its hour and minute), shown as `format_time` words
# it; text is shown as it is.
TIME_PARAMS = frozenset({"time"})
# Western Indonesia Time (UTC+7), the time downloads and messages state: the capital's.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
TIME_SEPARATOR: dict[Language, str] = {"id": ".", "en": ":"}
# The yes/no spellings a column takes ("true/false, 1/0, ya/tidak, ..."): the language's own
# words first, as a manager writes them.
YES_NO_PARAMS = frozenset({"accepted"})
OWN_YES_NO: dict[Language, str] = {"id": "ya/tidak", "en": "yes/no"}


@functools.lru_cache(maxsize=4096)
def placeholders(template: str) -> frozenset[str]:
    """The `{name}` placeholders of a catalog entry."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def has_message(code: str, language: Language = "en") -> bool:
    return code in CATALOGS[language]


def render(code: str, params: Mapping[str, object] | None = None, language: Language = "en") -> str:
    """The message of `code` in `language`, its parameters formatted the language's way.

    A code missing from the catalog is a bug the catalog test catches; at run time it renders as
    the code itself rather than failing the answer it is part of.
    """
    template = CATALOGS[language].get(code)
    if template is None:
        return code
    given = dict(params or {})
    names = placeholders(template)
    shares = {
        name: value
        for name in sorted(names & PERCENT_PARAMS)
        if isinstance(value := given.get(name), int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    }
    values: dict[str, str] = {}
    if len(shares) > 1:  # side by side: they must not read the same unless they are
        values |= zip(shares, format_percents(list(shares.values()), language), strict=True)
    for name in names - values.keys():
        values[name] = format_param(name, given.get(name), language, given, code)
    return template.format(**values)


def format_percents(
    shares: Iterable[float], language: Language, *, fixed: bool = False
) -> list[str]:
    """Shares shown side by side, as percents with one decimal (`fixed`: always shown, 35.0%).

    Where two different shares would read the same (an uplift just below the cutoff: 11.3% and
    11.3%), all of them get more decimals, up to `PERCENT_MAX_DECIMALS`, until they differ
    (11.296% and 11.304%).
    """
    values = [float(share) * 100 for share in shares]
    locale = LOCALES[language]
    texts: list[str] = []
    for decimals in range(1, PERCENT_MAX_DECIMALS + 1):
        digits = "0" * decimals if fixed or decimals > 1 else "#"
        texts = [_decimal(value, f"#,##0.{digits}", locale) + "%" for value in values]
        if len(set(texts)) == len(set(values)):  # no two different values read the same
            break
    return texts


def shares_read_alike(first: float, second: float) -> bool:
    """Whether two shares read the same even with the most decimals `format_percents` gives:
    as equal as a reader can tell (a reason then says "equal to", not "below … (the same)")."""
    if first == second:
        return True
    if not (math.isfinite(first) and math.isfinite(second)) or abs(first - second) >= 1e-4:
        return False
    shown, other = format_percents([first, second], "en")
    return shown == other


# `percent_tenths` where only Babel can tell how a share reads.
UNSURE_TENTHS = np.iinfo(np.int64).min


def percent_tenths(shares: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Each share in tenths of a percent as a percent parameter shows it at one decimal
    (0.10489 -> 105, "10.5%"), for telling many shares' texts apart without wording each.

    Babel rounds `Decimal(str(share * 100))` half-even; NumPy's rounding of the float agrees
    except within a rounding error of a half-way point. There, and for missing, infinite or
    very large shares, the result is `UNSURE_TENTHS`: word those one by one.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.asarray(shares, dtype=np.float64) * 100 * 10
        nearest = np.rint(scaled)
        distance_from_half = np.abs(np.abs(scaled - np.floor(scaled)) - 0.5)
        sure = np.isfinite(scaled) & (np.abs(scaled) < 1e9) & (distance_from_half > 1e-6)
    tenths = np.full(len(scaled), UNSURE_TENTHS, dtype=np.int64)
    tenths[sure] = nearest[sure].astype(np.int64)
    return tenths


def format_param(
    name: str,
    value: object,
    language: Language,
    params: Mapping[str, object] | None = None,
    code: str = "",
) -> str:
    """One parameter as text in `language` (see the module docstring for the rules)."""
    params = params or {}
    if value is None:
        return "–"
    if isinstance(value, Mapping):
        return _render_item(value, f"{code}.{name}", language)
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        if items and all(isinstance(item, Mapping) for item in items):
            separator = " + " if name == "needed" else ", "  # slots that add up
            return separator.join(_render_item(item, f"{code}.{name}", language) for item in items)
        shown = [format_param(_singular(name), item, language, params, code) for item in items]
        return and_list(shown, language) if name in AND_LIST_PARAMS else ", ".join(shown)
    if isinstance(value, bool):
        return str(value).lower()
    if name in MONTH_PARAMS and isinstance(value, int) and 1 <= value <= len(MONTHS[language]):
        return MONTHS[language][value - 1]
    if name in DATE_PART_PARAMS and isinstance(value, int):
        return str(value)
    if name in DATE_PARAMS and isinstance(value, str | dt.date):
        return format_date(value, language)
    if name in TIME_PARAMS and isinstance(value, dt.time | dt.datetime):
        return format_time(value, language)
    if name in YES_NO_PARAMS and isinstance(value, str):
        return own_yes_no_first(value, language)
    if isinstance(value, int | float):
        return _number(name, float(value) if isinstance(value, float) else value, language)
    text = str(value)
    if name in PROVINCE_PARAMS:
        return province_name(text)
    if name in ("sector", "value", "allowed_value"):
        column = "sector" if name == "sector" else params.get("column")
        if isinstance(column, str):
            return value_name(column, text, language)
    if name == "form" and language == "id":
        return FORMS_ID.get(text, text)
    if name == "island":
        return text.replace("-", "–") if language == "id" else ISLAND_NAMES_EN.get(text, text)
    return text


def format_date(day: dt.date | str, language: Language) -> str:
    """A date as a manager reads it, the month by its name so day and month cannot be swapped:
    10 Januari 2026, 10 January 2026. ISO text (`2026-01-10`) is read first; other text is
    shown as it is."""
    if isinstance(day, str):
        try:
            return format_date(dt.date.fromisoformat(day), language)
        except ValueError:
            return day
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"


def format_time(moment: dt.time | dt.datetime, language: Language) -> str:
    """A time of day to the minute, as the language writes it: 15.04 in Bahasa, 15:04 in English
    (the clock as given: no time zone is converted or named)."""
    return f"{moment.hour:02d}{TIME_SEPARATOR[language]}{moment.minute:02d}"


def own_yes_no_first(spellings: str, language: Language) -> str:
    """Comma-separated yes/no spellings with the language's own pair first: `ya/tidak, true/
    false, 1/0, ...` in Bahasa, `yes/no, true/false, ...` in English."""
    listed = spellings.split(", ")
    own = OWN_YES_NO[language]
    if own not in listed:
        return spellings
    return ", ".join([own, *(pair for pair in listed if pair != own)])


def _render_item(item: object, default_code: str, language: Language) -> str:
    """A mapping parameter, or one item of a list parameter: its own `code` when it names one,
    else `<code>.<name>`."""
    assert isinstance(item, Mapping)
    own = item.get("code")
    return render(own if isinstance(own, str) else default_code, item, language)


def and_list(items: Iterable[str], language: Language) -> str:
    """`4 and 6`, `4, 6 and 9` (`dan` in Bahasa)."""
    listed = list(items)
    if len(listed) < 2:
        return "".join(listed)
    return ", ".join(listed[:-1]) + f" {CONJUNCTION[language]} {listed[-1]}"


def province_name(code: str) -> str:
    from data.reference import province_name_by_code

    return province_name_by_code().get(code, code)


def value_name(column: str, code: str, language: Language) -> str:
    """A category value as a person reads it: sector and province names, Bahasa spellings.
    `column` is a contract column or a header read as one (the page names a problem's column as
    the file heads it: `Status digital`)."""
    from data.contract import contract_name
    from data.reference import value_label

    try:
        return value_label(contract_name(column) or column, code, language)
    except (KeyError, ValueError):
        return code


def _singular(name: str) -> str:
    return {
        "provinces": "province",
        "allowed": "allowed_value",
        "rows": "row",
        "positions": "row",
    }.get(name, name)


def _number(name: str, value: float, language: Language) -> str:
    locale = LOCALES[language]
    if name in MONEY_PARAMS:
        return _decimal(value, "#,##0.00", locale)
    if name in PERCENT_PARAMS:
        return _decimal(value * 100, "#,##0.#", locale) + "%"
    if name in PRECISE_PERCENT_PARAMS:
        return _decimal(value * 100, "#,##0.00", locale) + "%"
    if name in BOUND_PARAMS:  # in full digits: "1e+10" is no number to a program manager
        return _decimal(value, "#,##0.###", locale)
    if name in ID_PARAMS:
        return str(value)
    if name in ONE_DECIMAL_PARAMS:
        return _decimal(value, "#,##0.#", locale)
    return _decimal(value, "#,##0.###", locale)


def _decimal(value: float, pattern: str, locale: str) -> str:
    """Babel's `format_decimal`, remembered by the value as the pattern shows it.

    A list's reasons carry each left-out MSME's own uplift, so 100,000 reasons meant 100,000
    calls of Babel (half of `POST /v1/prioritize`'s time). Babel reads a float as
    `Decimal(str(value))` and rounds half-even to the pattern's decimals; rounding the same way
    first gives the same text and lets a few hundred distinct shown values stand for them all.
    """
    quantum = Decimal(1).scaleb(-len(pattern.partition(".")[2]))
    try:
        shown = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_EVEN)
    except InvalidOperation:  # infinite, or more digits than the context holds: Babel decides
        return format_decimal(value, pattern, locale=locale)
    if shown.is_zero():  # -0.0001 shows as 0, not Babel's -0
        shown = shown.copy_abs()
    # Remembered by the text, not the Decimal: Decimal("-0.00") == Decimal("0.00").
    return _formatted(str(shown), pattern, locale)


@functools.lru_cache(maxsize=8192)
def _formatted(value: str, pattern: str, locale: str) -> str:
    return format_decimal(Decimal(value), pattern, locale=locale)


__all__ = [
    "CATALOGS",
    "LANGUAGES",
    "Language",
    "and_list",
    "format_date",
    "format_param",
    "format_percents",
    "format_time",
    "has_message",
    "percent_tenths",
    "placeholders",
    "render",
    "shares_read_alike",
]
