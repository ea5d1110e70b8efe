"""Dates and yes/no spellings in messages (`data.messages`): a date as a manager reads it, with
the month by name, and the language's own yes/no first."""

from __future__ import annotations

import datetime as dt

import pytest

from data.messages import Language, format_date, render
from data.validation import BOOLEAN_SPELLINGS


@pytest.mark.parametrize(
    ("day", "language", "shown"),
    [
        ("2026-01-10", "id", "10 Januari 2026"),
        ("2026-01-10", "en", "10 January 2026"),
        (dt.date(2025, 12, 1), "id", "1 Desember 2025"),
        ("not a date", "id", "not a date"),  # shown as written, never refused
    ],
)
def test_a_date_is_shown_with_its_month_by_name(
    day: dt.date | str, language: Language, shown: str
) -> None:
    assert format_date(day, language) == shown


def test_outcome_date_messages_show_dates_in_the_language_not_iso() -> None:
    params = {"date": "2026-01-10", "issued": "2026-03-01", "earliest": "2026-02-28"}
    bahasa = render("outcome_date_before_list", params, "id")
    assert bahasa == (
        "10 Januari 2026 lebih awal dari terbitnya daftar pada 1 Maret 2026 (tanggal paling awal "
        "yang diterima 28 Februari 2026)"
    )
    english = render("outcome_observed_before_mentored_fix", {"mentored_on": "2026-03-01"}, "en")
    assert "(1 March 2026)" in english and "2026-03-01" not in english


@pytest.mark.parametrize(
    ("language", "first"), [("id", "ya/tidak, true/false, 1/0"), ("en", "yes/no, true/false")]
)
def test_the_accepted_yes_no_spellings_lead_with_the_languages_own(
    language: Language, first: str
) -> None:
    text = render("value_not_boolean", {"accepted": BOOLEAN_SPELLINGS}, language)
    accepted = text.rsplit(": ", 1)[1].rstrip(")").split(", ")
    assert ", ".join(accepted).startswith(first), text
    # Every spelling still listed, once.
    assert sorted(accepted) == sorted(BOOLEAN_SPELLINGS.split(", "))
