"""Reason phrases in Bahasa Indonesia and English for every contract feature; language choice."""

from __future__ import annotations

import pytest

from data.contract import PROFILE_COLUMNS
from data.reference import island_groups, province_codes
from service.reasons import describe_value, negotiate_language, reason_text

FEATURES = [spec for spec in PROFILE_COLUMNS if spec.name != "msme_id"]


def _values(name: str) -> list[object]:
    spec = next(s for s in PROFILE_COLUMNS if s.name == name)
    if name == "province_code":
        return list(province_codes())
    if spec.allowed:
        return list(spec.allowed)
    if spec.kind == "boolean":
        return [True, False]
    return [1.0, 3.0, 45.0, 12_500_000.0] if spec.kind == "integer" else [0.0, 3.0, 12_500_000.0]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("name", [spec.name for spec in FEATURES])
def test_every_value_of_every_feature_has_a_phrase(name: str, language: str) -> None:
    phrases = {describe_value(name, value, language) for value in _values(name)}  # type: ignore[arg-type]
    assert all("=" not in phrase and phrase[0].isupper() for phrase in phrases)
    assert len(phrases) == len(_values(name))  # different values read differently


@pytest.mark.parametrize("language", ["id", "en"])
def test_island_groups_have_phrases(language: str) -> None:
    phrases = {describe_value("island_group", group, language) for group in island_groups()}  # type: ignore[arg-type]
    assert len(phrases) == len(island_groups())
    assert all("=" not in phrase for phrase in phrases)


def test_the_examples_of_the_issue() -> None:
    # Contributions are against the average MSME: the phrase says so, so that "weak internet"
    # no longer reads as if weak internet raised the gain.
    assert reason_text("has_smartphone", False, -0.02, "en") == (
        "No smartphone: expected gain from mentoring below average"
    )
    assert reason_text("has_smartphone", False, -0.02, "id") == (
        "Tidak punya ponsel pintar: perkiraan manfaat pendampingan di bawah rata-rata"
    )
    assert reason_text("owner_education", "diploma", 0.01, "en").endswith(
        "expected gain from mentoring above average"
    )


def test_numbers_are_written_the_local_way() -> None:
    assert describe_value("monthly_revenue_idr", 12_500_000.0, "id") == "Omzet bulanan Rp12,5 juta"
    assert (
        describe_value("monthly_revenue_idr", 12_500_000.0, "en")
        == "Monthly revenue Rp12.5 million"
    )
    assert describe_value("workers", 1.0, "en") == "Owner works alone"
    assert describe_value("business_age_years", None, "id") == "Lama usaha tidak diketahui"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "id"),
        ("", "id"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("id-ID", "id"),
        ("in", "id"),
        ("fr, en;q=0.5, id;q=0.8", "id"),
        ("fr", "id"),
        ("*", "id"),
        ("en;q=0, id;q=0.1", "id"),
        ("en;q=bad", "id"),
    ],
)
def test_language_negotiation(header: str | None, expected: str) -> None:
    assert negotiate_language(header, "id") == expected


def test_the_default_language_is_a_setting() -> None:
    assert negotiate_language("fr", "en") == "en"
