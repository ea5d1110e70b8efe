"""Every code the domain emits has a message in every catalog, with the parameters it is emitted
with; Bahasa entries are translated; no catalog entry is left unused."""

from __future__ import annotations

from typing import get_args

import pytest

from allocation.errors import ALLOCATION_CODES
from allocation.explain import BindingConstraint, Note
from data.cli import CLI_CODES
from data.console import CONSOLE_CODES
from data.limits import FILE_CODES, LimitCode
from data.messages import CATALOGS, LANGUAGES, placeholders, render
from data.numbers import NumberErrorCode
from data.outcomes_file import OUTCOMES_FILE_CODES
from data.store import errors as store_errors
from data.store.errors import (
    INVALID_LIST_REASON_CODES,
    OUTCOME_DATE_FIX_CODES,
    OUTCOME_DATE_REASON_CODES,
    InvalidListReason,
    OutcomeDateReason,
)
from data.validation import VALIDATION_CODES
from models.features import FEATURE_CODES
from models.model_lookup import MODEL_LOOKUP_CODES
from models.policy_value import STATUS_NOTE_CODES
from models.uplift_model import EVIDENCE_CODES
from service.body import BODY_CODES
from service.cli import PRIORITIZE_CODES
from service.errors import STORE_REFUSAL_CODES
from service.limits import BODY_LIMIT_CODES
from service.list_settings import SETTINGS_CODES
from service.prioritize_file import SUMMARY_CODES
from service.program import OUTCOME_WARNING_CODES
from service.reasons import REASON_PHRASE_CODES
from service.request_problems import REQUEST_PROBLEM_CODES
from service.web.export_summary import EXPORT_CODES
from service.web.repeats import REPEAT_CODES
from service.web.upload_options import OPTION_CODES
from training.cli import EVALUATE_POLICY_CODES

_LIMIT_PARAMS = ("found", "limit")
CODES: dict[str, tuple[str, ...]] = {
    **VALIDATION_CODES,
    **OUTCOMES_FILE_CODES,
    **dict.fromkeys(get_args(LimitCode), _LIMIT_PARAMS),
    **FILE_CODES,
    "number_empty": (),
    "number_too_long": ("limit",),
    "number_invalid": ("text", "suggestions"),
    "number_ambiguous": ("text", "readings"),
    "number_not_integer": ("text",),
    "share_out_of_range": ("text",),
    "store_error": (),
    **store_errors.STORE_URL_CODES,
    "list_not_found": ("list_id",),
    "invalid_list": ("reason",),
    **INVALID_LIST_REASON_CODES,
    "unknown_ids": ("unknown_lists", "unknown_msmes"),
    "conflicting_outcomes": ("pairs",),
    "invalid_outcome_dates": ("count", "problems"),
    "invalid_outcome_dates.problems": ("list_id", "msme_id", "field", "reason"),
    **OUTCOME_DATE_REASON_CODES,
    **OUTCOME_DATE_FIX_CODES,
    **OUTCOME_WARNING_CODES,
    "migration_failed": (),
    "store_missing": ("path",),
    "store_unavailable": ("seconds", "reason"),
    **ALLOCATION_CODES,
    **REASON_PHRASE_CODES,
    **EVIDENCE_CODES,
    **OPTION_CODES,
    **REQUEST_PROBLEM_CODES,
    **CLI_CODES,
    **STORE_REFUSAL_CODES,
    **BODY_CODES,
    **BODY_LIMIT_CODES,
    **STATUS_NOTE_CODES,
    **FEATURE_CODES,
    **SUMMARY_CODES,
    **PRIORITIZE_CODES,
    **CONSOLE_CODES,
    **EVALUATE_POLICY_CODES,
    **MODEL_LOOKUP_CODES,
    **REPEAT_CODES,
    **SETTINGS_CODES,
    **EXPORT_CODES,
}
# Entries the same in both languages: names, codes and figures only.
COGNATES = {
    "factor.other",
    "min_share_reserved.shares",
    "shares_exceed_list.needed",
    "model_no_alias.aliases",
    "settings.capacity_one",  # 1 slot, in both
    "value_date_not_a_day.date",  # 31 February 2026, 31 Februari 2026: the month is named apart
}


def test_the_registries_name_every_code_the_modules_declare() -> None:
    assert set(get_args(NumberErrorCode)) <= CODES.keys()
    store_codes = {
        cls.code
        for cls in vars(store_errors).values()
        if isinstance(cls, type) and issubclass(cls, store_errors.StoreError)
    }
    assert store_codes <= CODES.keys()
    assert set(get_args(InvalidListReason)) == INVALID_LIST_REASON_CODES.keys()
    assert set(get_args(OutcomeDateReason)) == OUTCOME_DATE_REASON_CODES.keys()


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


def test_binding_constraints_and_notes_are_codes_rendered_in_bahasa() -> None:
    import pandas as pd

    from allocation import allocate
    from allocation.options import AllocationRequest

    frame = pd.DataFrame(
        {
            "msme_id": [f"m{i}" for i in range(8)],
            "uplift": [0.09, 0.08, 0.07, 0.06, 0.05, 0.04, -0.01, 0.02],
            "owner_gender": ["male"] * 5 + ["female"] * 3,
            "province_code": ["31", "31", "31", "32", "32", "33", "33", "33"],
            "is_digital": [False] * 8,
        }
    )
    request = AllocationRequest.model_validate(
        {
            "capacity": 4,
            "quotas": {"31": 1},
            "min_share": [{"column": "owner_gender", "value": "female", "share": 0.5}],
            "exploration_share": 0.25,
            "exploration_seed": 7,
        }
    )
    result = allocate(frame, request)
    kinds = {item.kind for item in result.binding}
    assert {"capacity", "quota", "min_share"} <= kinds, result.binding_constraints
    items: list[BindingConstraint | Note] = [*result.binding, *result.coded_notes]
    for item in items:
        assert item.code in ALLOCATION_CODES, item
        assert set(item.params) <= set(ALLOCATION_CODES[item.code]), item
        text = render(item.code, item.params, "id")
        assert "_" not in text and "slots" not in text and "female" not in text, text
    assert len(result.coded_notes) == len(result.notes)
    [share] = [item for item in result.binding if item.kind == "min_share"]
    assert "perempuan (50%)" in render(share.code, share.params, "id")
    [quota] = [item for item in result.binding if item.kind == "quota"]
    assert "DKI Jakarta" in render(quota.code, quota.params, "id")
    assert [item.message for item in result.binding] == result.binding_constraints

    from service.prioritize_file import summary_rows

    binding = render("summary_binding", {}, "id")
    worded = [str(value) for label, value in summary_rows(result, "id") if label == binding]
    assert worded and all("slots" not in text for text in worded), worded
    english = [value for label, value in summary_rows(result) if label == "binding"]
    assert english == result.binding_constraints


def test_exploration_share_refusal_names_the_share_in_bahasa() -> None:
    params = {
        "share": "owner_gender=female 0.5",
        "column": "owner_gender",
        "value": "female",
        "fraction": 0.5,
        "needed": 3,
        "slots": 6,
        "model_slots": 2,
    }
    text = render("exploration_crowds_out_share", params, "id")
    assert "perempuan (50%)" in text and "female" not in text


def test_umkm_validate_speaks_bahasa_with_lang_id(capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    from data.cli import validate_file_command

    path = Path(__file__).parents[1] / "data" / "fixtures" / "dozen_faults.csv"
    assert validate_file_command(path, "auto", "id") == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("baris 2, kolom msme_id: nilai H001 ganda")
    assert out[-2:] == [
        f"{path}: diperiksa sebagai berkas riwayat pendampingan, 18 masalah",  # 2 of its arms
        "18 baris: 2 valid, 16 ditolak",
    ]
    assert not any(word in line for line in out for word in ("row ", "value ", "allowed"))
