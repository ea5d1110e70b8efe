"""Indonesian numbers: what a person types in a form, and the numeric cells of a file."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from data.numbers import (
    NumberError,
    NumberFormat,
    detect_number_format,
    normalise_number_texts,
    parse_number,
)

READ = [
    ("1.000", "integer", 1000),
    ("500.000.000", "money", 500_000_000),
    ("Rp 500.000.000", "money", 500_000_000),
    ("Rp500.000.000,00", "money", 500_000_000),
    ("Rp. 1.500.000,-", "money", 1_500_000),
    ("IDR 2.000", "money", 2000),
    ("70,5", "number", 70.5),
    ("1.234,5", "number", 1234.5),
    ("1,234.5", "number", 1234.5),  # only the English reading is valid
    ("1,000,000", "integer", 1_000_000),
    ("1000", "integer", 1000),
    ("0.5", "number", 0.5),  # not Indonesian grouping: a decimal point
    ("1234.5", "number", 1234.5),
    ("  1.000\u00a0", "integer", 1000),  # spaces and NBSP around
    ("-5", "number", -5),
    # shares: % divides by 100; above 1 without % is a percentage; at most 1 is the fraction
    ("70,5%", "share", 0.705),
    ("70,5 %", "share", 0.705),
    ("70,5", "share", 0.705),
    ("0,705", "share", 0.705),
    ("0.5", "share", 0.5),
    ("1", "share", 1.0),
    ("100%", "share", 1.0),
    ("0%", "share", 0.0),
]


@pytest.mark.parametrize(("text", "kind", "expected"), READ)
def test_what_a_person_types_is_read(text: str, kind: str, expected: float) -> None:
    parsed = parse_number(text, kind)  # type: ignore[arg-type]

    assert parsed.value == pytest.approx(expected)
    if kind == "integer":
        assert isinstance(parsed.value, int)


def test_the_value_as_understood_in_both_languages() -> None:
    budget = parse_number("Rp 500.000.000", "money")
    share = parse_number("70,5", "share")

    assert budget.understood == {"id": "Rp 500.000.000", "en": "Rp 500,000,000"}
    assert share.understood == {"id": "70,5%", "en": "70.5%"}
    assert share.read_as_percent and not parse_number("70,5%", "share").read_as_percent
    assert parse_number("1.000", "integer").understood == {"id": "1.000", "en": "1,000"}


REFUSED = [
    ("1,000", "number", "number_ambiguous"),
    ("1,500", "money", "number_ambiguous"),
    ("", "number", "number_empty"),
    ("   ", "number", "number_empty"),
    ("1e5", "number", "number_invalid"),
    ("NaN", "number", "number_invalid"),
    ("Infinity", "number", "number_invalid"),
    ("\u0661\u0662\u0663", "number", "number_invalid"),  # Arabic-Indic digits
    ("12.34.567", "number", "number_invalid"),
    ("1.000,5.5", "number", "number_invalid"),
    ("=1+1", "number", "number_invalid"),
    ("Rp 5.000", "number", "number_invalid"),  # a currency only where money is asked
    ("5%", "number", "number_invalid"),
    ("-", "number", "number_invalid"),
    ("1" * 65, "number", "number_too_long"),
    ("1,5", "integer", "number_not_integer"),
    ("150%", "share", "share_out_of_range"),
    ("101", "share", "share_out_of_range"),
    ("-0,5", "share", "share_out_of_range"),
]


@pytest.mark.parametrize(("text", "kind", "code"), REFUSED)
def test_what_is_not_a_number_is_refused_with_a_code(text: str, kind: str, code: str) -> None:
    with pytest.raises(NumberError) as raised:
        parse_number(text, kind)  # type: ignore[arg-type]

    assert raised.value.code == code
    assert str(raised.value)  # the English message
    if code == "number_ambiguous":
        assert raised.value.params["text"] == text
        assert len(raised.value.params["readings"]) == 2  # type: ignore[arg-type]


def test_an_invalid_grouping_suggests_the_right_one() -> None:
    with pytest.raises(NumberError) as raised:
        parse_number("12.34.567")
    assert "1.234.567" in raised.value.params["suggestions"]  # type: ignore[operator]


amounts = st.decimals(min_value=Decimal(0), max_value=Decimal(10) ** 12, places=2, allow_nan=False)


@given(amounts)
def test_what_the_page_shows_reads_back_as_the_same_number(number: Decimal) -> None:
    """Babel's Indonesian rendering, parsed: the same value, or refused as ambiguous (1,123:
    one to three digits, a comma, three decimals) but never misread."""
    text = format_decimal(number, "#,##0.##", locale="id_ID")
    try:
        parsed = parse_number(text)
    except NumberError as error:
        assert error.code == "number_ambiguous"
        return
    assert parsed.exact == number
    assert parse_number(parsed.understood["id"]).exact == number


@given(st.integers(min_value=0, max_value=10**15))
def test_grouped_integers_read_back(number: int) -> None:
    text = format_decimal(number, locale="id_ID")
    assert parse_number(text, "integer").value == number
    assert parse_number("Rp " + text, "money").exact == number


@given(amounts)
def test_a_file_reads_numbers_as_the_form_does(number: Decimal) -> None:
    """The vectorised file reading agrees with `parse_number` (Babel) on Indonesian numbers."""
    text = format_decimal(number, "#,##0.##", locale="id_ID")
    rewritten = normalise_number_texts(pd.Series([text], dtype=object), NumberFormat(",", "."))
    assert Decimal(rewritten.iloc[0]) == number


@pytest.mark.parametrize(
    ("texts", "delimiter", "expected"),
    [
        (["1.500.000", "2", ""], ",", NumberFormat(",", ".")),  # two groups: dots are thousands
        (["70,5", "3"], ",", NumberFormat(",", ".")),
        (["0.5", "1500000"], ",", NumberFormat(".", "")),  # the project's own files
        (["1,500,000", "2.5"], ",", NumberFormat(".", ",")),
        (["1.500", "2"], ",", NumberFormat(".", "")),  # ambiguous, comma-separated: as before
        (["1.500", "2"], ";", NumberFormat(",", ".")),  # Indonesian Excel's CSV
        (["1.500.000", "0.5"], ";", NumberFormat(".", "")),  # evidence both ways: not guessed
        # The convention most cells use wins: the other's cells are the file's mistakes.
        (["0,1", "0,1", "1.500.000", "1,500,000"], ";", NumberFormat(",", ".")),
        (["0,1", "0,1", "1,500,000"], ";", NumberFormat(".", "")),  # 2 to 1: not clear
        (["2.5", "0.5", "1,500,000", "1.500.000"], ",", NumberFormat(".", ",")),
        (["2.5", "0.5", "3.5", "70,5"], ",", NumberFormat(".", "")),
        (["2.5", "0.5", "3.5", "0,705"], ",", NumberFormat(".", "")),  # 0,705 groups nothing
        # In a semicolon file 1.500 is a thousand, so it counts for the decimal comma there.
        (["1.500", "2.000", "750.000", "1,500,000"], ";", NumberFormat(",", ".")),
        (["1.500", "2.000", "750.000", "1,500,000"], ",", NumberFormat(".", ",")),  # as before
        (["1.500", "2.000", "0.5"], ";", NumberFormat(".", "")),  # 2 to 1: not clear
    ],
)
def test_a_files_convention_is_detected(
    texts: list[str], delimiter: str, expected: NumberFormat
) -> None:
    assert detect_number_format(texts, delimiter=delimiter) == expected


def test_cells_are_counted_with_how_many_hold_them() -> None:
    """A file is detected by its distinct texts and how many cells hold each."""
    texts = ["0,1", "1.500.000", "1,500,000"]

    assert detect_number_format(texts, delimiter=";", counts=[150, 50, 1]) == NumberFormat(",", ".")
    assert detect_number_format(texts, delimiter=";", counts=[1, 1, 1]) == NumberFormat(".", "")
    assert detect_number_format(texts[1:], counts=[1, 60]) == NumberFormat(".", ",")


@pytest.mark.parametrize(
    ("number_format", "texts", "expected"),
    [
        # 0.705 is 0.705 (only the English reading has it), never 705
        (NumberFormat(",", "."), ["0.705", "1.500", "1,500,000"], ["0.705", "1500", "1,500,000"]),
        (NumberFormat(".", ","), ["0,705", "1,500", "1.500.000"], ["0,705", "1500", "1.500.000"]),
    ],
)
def test_a_cell_only_the_other_convention_reads_is_not_rewritten(
    number_format: NumberFormat, texts: list[str], expected: list[str]
) -> None:
    cells = pd.Series(texts, dtype=object)
    assert normalise_number_texts(cells, number_format).tolist() == expected


def test_cells_the_convention_cannot_read_are_left_for_validation() -> None:
    cells = pd.Series(["1.234,5", "abc", "", "12.34", "7"], dtype=object)
    assert normalise_number_texts(cells, NumberFormat(",", ".")).tolist() == [
        "1234.5",
        "abc",
        "",
        "12.34",
        "7",
    ]
