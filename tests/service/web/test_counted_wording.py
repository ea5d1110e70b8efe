"""The page's words for a count of one (`slot`, not `slots`), for a gain shown as zero, and for
a gain and the cutoff that would read the same."""

from __future__ import annotations

import pytest

from allocation.explain import Note
from data.messages import Language
from data.numbers import parse_number
from service.web.form_numbers import understood_text
from service.web.i18n import counted, message
from service.web.lists import not_selected_reason, page_notes, shortfall_text
from service.web.schemas import UploadOptions

ONE = {"en": "slot", "id": "slot"}
MANY = {"en": "slots", "id": "slot"}


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_count_of_one_is_worded_in_the_singular(language: Language) -> None:
    assert understood_text(parse_number("1", "integer"), language) == f"1 {ONE[language]}"
    assert understood_text(parse_number("2", "integer"), language) == f"2 {MANY[language]}"
    one = message(language, counted("export.limit_quota", 1), province="Bali", limit="1")
    two = message(language, counted("export.limit_quota", 2), province="Bali", limit="2")
    assert one.endswith(f"1 {ONE[language]}") and two.endswith(f"2 {MANY[language]}")
    options = UploadOptions.model_construct(quotas={"51": 1})
    reason = not_selected_reason(
        "province_quota_full",
        0.1,
        {"province_code": "51"},
        cutoff=0.2,
        options=options,
        language=language,
    )
    assert reason.endswith(f"(1 {ONE[language]})")


@pytest.mark.parametrize(
    ("language", "words"), [("en", "1 slot stays free."), ("id", "1 slot tetap kosong.")]
)
def test_one_free_slot_is_worded_in_the_singular(language: Language, words: str) -> None:
    assert shortfall_text(2, 3, 2, language).endswith(words)
    assert "2 slots stay free" in shortfall_text(1, 3, 1, "en")


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_tiny_negative_gain_is_shown_without_a_sign(language: Language) -> None:
    reason = not_selected_reason(
        "not_beneficial",
        -0.0001,
        {"province_code": "51"},
        cutoff=0.2,
        options=UploadOptions.model_construct(),
        language=language,
    )
    zero = "0.0%" if language == "en" else "0,0%"
    assert zero in reason and f"-{zero}" not in reason


@pytest.mark.parametrize(
    ("language", "figures"), [("id", ("11,296%", "11,304%")), ("en", ("11.296%", "11.304%"))]
)
def test_a_gain_just_below_the_cutoff_is_shown_apart_from_it(
    language: Language, figures: tuple[str, str]
) -> None:
    reason = not_selected_reason(
        "below_rank_cutoff",
        0.11296,
        {"province_code": "51"},
        cutoff=0.11304,
        options=UploadOptions.model_construct(),
        language=language,
    )
    gain, cutoff = figures
    assert reason == message(language, "reason.below_rank_cutoff", uplift=gain, cutoff=cutoff)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("id", "Tambahan peluang 11,3%, sama dengan yang terendah di antara pilihan model"),
        ("en", "Expected gain 11.3%, equal to the lowest the model picked"),
    ],
)
@pytest.mark.parametrize("cutoff", [0.113, 0.1130004])  # equal, or alike even at 11.300%
def test_a_gain_equal_to_the_cutoff_says_the_slots_ran_out_among_equals(
    language: Language, words: str, cutoff: float
) -> None:
    reason = not_selected_reason(
        "below_rank_cutoff",
        0.113,
        {"province_code": "51"},
        cutoff=cutoff,
        options=UploadOptions.model_construct(),
        language=language,
    )
    assert reason.startswith(words) and "(" not in reason


@pytest.mark.parametrize(
    ("language", "checkbox", "one"),
    [("id", '"Biarkan slot kosong"', "1 UMKM"), ("en", '"Leave slots free"', "1 MSME on")],
)
def test_picks_not_expected_to_gain_are_noted_in_the_pages_words(
    language: Language, checkbox: str, one: str
) -> None:
    """The page's checkbox, not the API's `only_beneficial`; other notes as the API words them."""
    drawn = Note.of("note_exploration", {"asked": 2, "pool": 9, "seed": 3})
    for count, words in ((3, "3 "), (1, one)):
        harmless = Note.of(
            "note_not_beneficial_one" if count == 1 else "note_not_beneficial",
            {"count": count, "option": "only_beneficial"},
        )
        notes = page_notes([harmless, drawn], language)
        assert notes[0].startswith(words) and checkbox in notes[0], notes
        assert "only_beneficial" not in notes[0]
        assert notes[1] == page_notes([drawn], language)[0] and "9" in notes[1]
