"""Numbers in messages (`data.messages`): the remembered formatting gives exactly Babel's text,
but for a value shown as zero, which never carries Babel's minus sign."""

from __future__ import annotations

import math
from decimal import InvalidOperation

import numpy as np
import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from data.messages import (
    UNSURE_TENTHS,
    Language,
    _decimal,
    format_param,
    format_percents,
    percent_tenths,
    render,
)

PATTERNS = ("#,##0.00", "#,##0.#", "#,##0.###")
LOCALES = ("en", "id_ID")
HALVES = (0.0125, 0.0135, -0.0125, 1.25, 2.5, 0.05, 1234567.125, 0.00045, -0.00004, 0.0)


@given(
    value=st.floats(allow_nan=False, min_value=-1e12, max_value=1e12)
    | st.sampled_from(HALVES)
    | st.floats(min_value=-1, max_value=1).map(lambda v: round(v, 4)),
    pattern=st.sampled_from(PATTERNS),
    locale=st.sampled_from(LOCALES),
)
def test_the_remembered_text_is_babels(value: float, pattern: str, locale: str) -> None:
    expected = format_decimal(value, pattern, locale=locale)
    if set(expected.lstrip("-")) <= set("0.,"):  # shown as zero: Babel's text without the sign
        expected = format_decimal(abs(value), pattern, locale=locale)
    assert _decimal(value, pattern, locale) == expected


@pytest.mark.parametrize("value", [float("inf"), float("-inf")])
def test_infinity_is_left_to_babel(value: float) -> None:
    assert _decimal(value, "#,##0.00", "en") == format_decimal(value, "#,##0.00", locale="en")


def test_a_value_too_long_for_babel_is_refused_as_babel_refuses_it() -> None:
    with pytest.raises(InvalidOperation):
        format_decimal(1e40, "#,##0.00", locale="en")
    with pytest.raises(InvalidOperation):
        _decimal(1e40, "#,##0.00", "en")


def test_a_value_shown_as_zero_has_no_sign() -> None:
    assert format_decimal(-0.001, "#,##0.00", locale="en") == "-0.00"  # what Babel would write
    assert _decimal(-0.001, "#,##0.00", "en") == "0.00"
    assert _decimal(0.001, "#,##0.00", "en") == "0.00"
    assert _decimal(-0.006, "#,##0.00", "en") == "-0.01"


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_tiny_negative_uplift_renders_as_zero_percent(language: Language) -> None:
    text = render("not_beneficial", {"uplift": -0.0001}, language)
    assert " 0% " in text and "-0" not in text


def test_a_reason_with_an_uplift_is_worded_the_same_after_the_first_time() -> None:
    params = {"uplift": 0.01251, "cutoff": 0.0349}
    first = render("below_rank_cutoff", params, "id")
    assert first == render("below_rank_cutoff", params, "id")
    assert "1,3%" in first and "3,5%" in first


@pytest.mark.parametrize(
    ("language", "params", "figures"),
    [
        ("id", {"uplift": 0.11296, "cutoff": 0.11304}, ("11,296%", "11,304%")),
        ("en", {"uplift": 0.1126, "cutoff": 0.1134}, ("11.26%", "11.34%")),
        ("en", {"uplift": 0.35, "cutoff": 0.4}, ("35%", "40%")),  # apart: as always
        ("en", {"uplift": 0.113, "cutoff": 0.113}, ("11.3%", "11.3%")),  # the same: as always
        # A hair apart, beyond PERCENT_MAX_DECIMALS: as equal as the figures can show.
        ("en", {"uplift": 0.1130000001, "cutoff": 0.1130000002}, ("11.300%", "11.300%")),
    ],
)
def test_figures_side_by_side_that_would_read_the_same_get_more_decimals(
    language: Language, params: dict[str, float], figures: tuple[str, str]
) -> None:
    uplift, cutoff = figures
    text = render("below_rank_cutoff", params, language)
    assert f" {uplift} " in text and text.endswith(f"({cutoff})")


def test_shares_shown_with_a_fixed_decimal_widen_alike() -> None:
    assert format_percents([0.35, 0.4], "id", fixed=True) == ["35,0%", "40,0%"]
    assert format_percents([0.11296, 0.11304, 0.2], "id", fixed=True) == [
        "11,296%",
        "11,304%",
        "20,000%",
    ]
    assert format_percents([-0.0001], "en", fixed=True) == ["0.0%"]  # no sign on a zero


# Shares a hair from a half-way point at one decimal of a percent (10.45%), and ordinary ones.
SHARE_HALVES = (0.1045, 0.10450000000000001, 0.1044999999999, 0.00045, -0.00045, 0.0005, 0.335)


@given(
    share=st.floats(allow_nan=True, allow_infinity=True)
    | st.floats(min_value=-1, max_value=1)
    | st.sampled_from(SHARE_HALVES)
    | st.integers(-2000, 2000).map(lambda k: k / 10000 + 0.00005),
    language=st.sampled_from(("id", "en")),
)
def test_shares_with_the_same_tenths_read_the_same(share: float, language: Language) -> None:
    """`percent_tenths` stands for the text: a share reads exactly as its tenths of a percent."""
    [tenths] = percent_tenths(np.array([share]))
    if tenths == UNSURE_TENTHS:
        assert not math.isfinite(share) or abs(share) >= 1e6 or abs(share * 1000 % 1 - 0.5) < 1e-5
        return
    assert format_param("uplift", share, language) == format_param(
        "uplift", tenths / 1000, language
    )
