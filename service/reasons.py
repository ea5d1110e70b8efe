"""Reasons as codes with parameters, worded in Bahasa Indonesia or English by `data.messages`.

The model explains each uplift as per-feature contributions (`models` `Reason(feature, value,
contribution)`) measured against the average MSME the model was trained on (TreeSHAP's base
value). So a positive contribution says "this factor puts the expected gain above average", not
that the value itself raises the gain: weak internet beats the many MSMEs with none, yet is worse
than good internet. The phrase therefore names the value (`factor.internet_access.weak`) and
says on which side of the average it puts the gain (`reason_above_average`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Protocol

from data.messages import Language, render


class ReasonLike(Protocol):
    """What `models` gives per factor (its `Reason`)."""

    @property
    def feature(self) -> str: ...

    @property
    def value(self) -> object: ...

    @property
    def contribution(self) -> float: ...


# The values each categorical / boolean feature's phrases are declared for.
CATEGORY_VALUES: dict[str, tuple[str, ...]] = {
    "area_type": ("urban", "rural"),
    "sector": (
        "food_beverage",
        "retail_trade",
        "fashion_textile",
        "craft",
        "agri_processing",
        "services",
        "other_manufacturing",
    ),
    "owner_gender": ("female", "male"),
    "owner_education": (
        "primary_or_less",
        "junior_secondary",
        "senior_secondary",
        "diploma",
        "bachelor_or_higher",
    ),
    "internet_access": ("none", "weak", "good"),
    "digital_status": ("offline", "digital"),
}
BOOLEAN_FEATURES = (
    "has_smartphone",
    "has_bank_account",
    "has_business_id",
    "prior_digital_training",
)
NULLABLE_FEATURES = (
    "business_age_years",
    "monthly_revenue_idr",
    "workers",
    "owner_age",
    "province_code",
    "island_group",
)
_REVENUE_UNITS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))

# Every code this module emits -> its parameters (walked by the catalog test).
REASON_PHRASE_CODES: dict[str, tuple[str, ...]] = {
    "reason_above_average": ("factor",),
    "reason_below_average": ("factor",),
    **{
        f"factor.{feature}.{value}": ()
        for feature, values in CATEGORY_VALUES.items()
        for value in values
    },
    **{
        f"factor.{feature}.{flag}": () for feature in BOOLEAN_FEATURES for flag in ("true", "false")
    },
    **{f"factor.{feature}.unknown": () for feature in NULLABLE_FEATURES},
    "factor.business_age_years": ("years",),
    "factor.business_age_years.under_a_year": (),
    "factor.workers": ("count",),
    "factor.workers.alone": (),
    "factor.monthly_revenue_idr": ("amount",),
    **{f"factor.monthly_revenue_idr.{unit}": ("amount",) for _, unit in _REVENUE_UNITS},
    "factor.owner_age": ("age",),
    "factor.province_code": ("province",),
    "factor.island_group": ("island",),
    "factor.other": ("feature", "value"),
}


def effect_code(contribution: float) -> str:
    """Which side of the average MSME's expected gain this factor puts the MSME on."""
    return "reason_above_average" if contribution > 0 else "reason_below_average"


def reason_text(feature: str, value: object, contribution: float, language: Language) -> str:
    """One phrase like "No smartphone: expected gain from mentoring below average"."""
    factor = describe_value(feature, value, language)
    return render(effect_code(contribution), {"factor": factor}, language)


def describe_value(feature: str, value: object, language: Language) -> str:
    """What the MSME is like on this feature, as a phrase that can start a sentence."""
    code, params = factor_code(feature, value)
    return render(code, params, language)


def factor_code(feature: str, value: object) -> tuple[str, Mapping[str, object]]:
    """The factor as a code with parameters: `factor.has_smartphone.false`, `factor.owner_age`
    with `{age: 45}`."""
    if _is_missing(value):
        if feature in NULLABLE_FEATURES:
            return f"factor.{feature}.unknown", {}
        return "factor.other", {"feature": feature, "value": "–"}
    if feature in BOOLEAN_FEATURES:
        flag = _as_bool(value)
        if flag is not None:
            return f"factor.{feature}.{'true' if flag else 'false'}", {}
    if str(value) in CATEGORY_VALUES.get(feature, ()):
        return f"factor.{feature}.{value}", {}
    number = _as_number(value)
    if number is not None and feature == "business_age_years":
        if number < 1:
            return "factor.business_age_years.under_a_year", {}
        return "factor.business_age_years", {"years": number}
    if number is not None and feature == "workers":
        if number <= 1:
            return "factor.workers.alone", {}
        return "factor.workers", {"count": round(number)}
    if number is not None and feature == "monthly_revenue_idr":
        for size, unit in _REVENUE_UNITS:
            if number >= size:
                return f"factor.monthly_revenue_idr.{unit}", {"amount": number / size}
        return "factor.monthly_revenue_idr", {"amount": round(number)}
    if number is not None and feature == "owner_age":
        return "factor.owner_age", {"age": round(number)}
    if feature == "province_code":
        return "factor.province_code", {"province": str(value)}
    if feature == "island_group":
        return "factor.island_group", {"island": str(value)}
    return "factor.other", {"feature": feature, "value": str(value)}


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "ya", "yes", "1.0"):
        return True
    if text in ("false", "0", "tidak", "no", "0.0"):
        return False
    return None


def _as_number(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def negotiate_language(accept_language: str | None, default: Language) -> Language:
    """The best of id/en in an Accept-Language header (q-values honoured), else `default`."""
    if not accept_language:
        return default
    best: Language | None = None
    best_q = 0.0
    for part in accept_language.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        language: Language | None
        if primary in ("id", "in"):  # "in" is the old code for Indonesian
            language = "id"
        elif primary == "en":
            language = "en"
        elif primary == "*":
            language = default
        else:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                continue
        if q > best_q:
            best, best_q = language, q
    return best if best is not None else default
