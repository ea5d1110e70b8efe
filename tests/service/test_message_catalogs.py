"""Every code the domain emits has a message in every catalog, with the parameters it is emitted
with; Bahasa entries are translated; no catalog entry is left unused."""

from __future__ import annotations

from typing import get_args

import pytest

from allocation.errors import ALLOCATION_CODES
from data.limits import FILE_CODES, LimitCode
from data.messages import CATALOGS, LANGUAGES, placeholders, render
from data.numbers import NumberErrorCode
from data.store import errors as store_errors
from data.validation import VALIDATION_CODES
from service.model_store import EVIDENCE_CODES
from service.reasons import REASON_PHRASE_CODES
from service.web.lists import OPTION_CODES

_LIMIT_PARAMS = ("found", "limit")
CODES: dict[str, tuple[str, ...]] = {
    **VALIDATION_CODES,
    **dict.fromkeys(get_args(LimitCode), _LIMIT_PARAMS),
    **FILE_CODES,
    "number_empty": (),
    "number_too_long": ("limit",),
    "number_invalid": ("text", "suggestions"),
    "number_ambiguous": ("text", "readings"),
    "number_not_integer": ("text",),
    "share_out_of_range": ("text",),
    "store_error": (),
    "list_not_found": ("list_id",),
    "invalid_list": ("reason",),
    "unknown_ids": ("unknown_lists", "unknown_msmes"),
    "conflicting_outcomes": ("pairs",),
    "migration_failed": (),
    **ALLOCATION_CODES,
    **REASON_PHRASE_CODES,
    **EVIDENCE_CODES,
    **OPTION_CODES,
}
# Entries the same in both languages: names, codes and figures only.
COGNATES = {"factor.other"}


def test_the_registries_name_every_code_the_modules_declare() -> None:
    assert set(get_args(NumberErrorCode)) <= CODES.keys()
    store_codes = {
        cls.code
        for cls in vars(store_errors).values()
        if isinstance(cls, type) and issubclass(cls, store_errors.StoreError)
    }
    assert store_codes <= CODES.keys()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_code_has_an_entry_whose_placeholders_it_is_emitted_with(language: str) -> None:
    catalog = CATALOGS[language]  # type: ignore[index]
    missing = sorted(set(CODES) - catalog.keys())
    assert not missing, f"{language} lacks {missing}"
    for code, params in CODES.items():
        extra = placeholders(catalog[code]) - set(params)
        assert not extra, f"{language} {code} uses {extra}, not among its parameters {params}"


def test_no_catalog_entry_is_unused() -> None:
    for language in LANGUAGES:
        unused = sorted(CATALOGS[language].keys() - CODES.keys())
        assert not unused, f"{language} has entries no code emits: {unused}"


def test_bahasa_entries_are_translated() -> None:
    same = sorted(
        code
        for code in CODES
        if CATALOGS["id"][code] == CATALOGS["en"][code] and code not in COGNATES
    )
    assert not same, f"untranslated: {same}"


def test_province_and_sector_codes_are_rendered_as_names() -> None:
    limiting = [{"province": "31", "quota": 1, "candidates": 3}]
    params = {"possible": 3, "asked": 1000, "remaining": 2, "limiting": limiting}
    text = render("quota_too_tight", params, "id")
    assert "DKI Jakarta (1 dari 3 kandidat)" in text and "1.000 slot" in text
    assert "1,000 slots" in render("quota_too_tight", params, "en")
    allowed = {"column": "sector", "allowed": ("craft", "services")}
    assert "Kerajinan" in render("value_not_allowed", allowed, "id")


def test_reasons_say_which_side_of_the_average_the_factor_puts_the_gain() -> None:
    from service.reasons import reason_text

    assert reason_text("internet_access", "weak", 0.01, "id") == (
        "Akses internet lemah: perkiraan manfaat pendampingan di atas rata-rata"
    )
    assert reason_text("has_smartphone", False, -0.02, "en") == (
        "No smartphone: expected gain from mentoring below average"
    )
