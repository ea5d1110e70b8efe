"""Reasons as short phrases in Bahasa Indonesia or English.

The model explains each uplift as per-feature contributions (`models` `Reason(feature, value,
contribution)`); this module says what the feature's value is ("No smartphone") and which way it
pushes the expected gain from mentoring ("lowers the gain from mentoring").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal, Protocol

from data.reference import province_name_by_code

Language = Literal["id", "en"]
LANGUAGES: tuple[Language, ...] = ("id", "en")

EFFECT_PHRASES: dict[Language, dict[str, str]] = {
    "en": {"raises": "raises the gain from mentoring", "lowers": "lowers the gain from mentoring"},
    "id": {"raises": "menaikkan manfaat pendampingan", "lowers": "menurunkan manfaat pendampingan"},
}


class ReasonLike(Protocol):
    """What `models` gives per factor (its `Reason`)."""

    @property
    def feature(self) -> str: ...

    @property
    def value(self) -> object: ...

    @property
    def contribution(self) -> float: ...


# Value phrases of each categorical / boolean feature: feature -> value -> (id, en).
CATEGORY_PHRASES: dict[str, dict[str, tuple[str, str]]] = {
    "area_type": {
        "urban": ("Berlokasi di perkotaan", "Urban location"),
        "rural": ("Berlokasi di perdesaan", "Rural location"),
    },
    "sector": {
        "food_beverage": ("Usaha makanan dan minuman", "Food and beverage business"),
        "retail_trade": ("Usaha perdagangan eceran", "Retail trade business"),
        "fashion_textile": ("Usaha fesyen dan tekstil", "Fashion and textile business"),
        "craft": ("Usaha kerajinan", "Craft business"),
        "agri_processing": ("Usaha pengolahan hasil pertanian", "Agricultural processing business"),
        "services": ("Usaha jasa", "Services business"),
        "other_manufacturing": ("Usaha manufaktur lainnya", "Other manufacturing business"),
    },
    "owner_gender": {
        "female": ("Usaha milik perempuan", "Woman-owned business"),
        "male": ("Usaha milik laki-laki", "Man-owned business"),
    },
    "owner_education": {
        "primary_or_less": (
            "Pemilik berpendidikan SD atau lebih rendah",
            "Owner has primary schooling or less",
        ),
        "junior_secondary": ("Pemilik berpendidikan SMP", "Owner finished junior secondary school"),
        "senior_secondary": (
            "Pemilik berpendidikan SMA/SMK",
            "Owner finished senior secondary school",
        ),
        "diploma": ("Pemilik berpendidikan diploma", "Owner holds a diploma"),
        "bachelor_or_higher": (
            "Pemilik berpendidikan S1 atau lebih tinggi",
            "Owner holds a bachelor's degree or higher",
        ),
    },
    "internet_access": {
        "none": ("Tidak ada akses internet", "No internet access"),
        "weak": ("Akses internet lemah", "Weak internet access"),
        "good": ("Akses internet baik", "Good internet access"),
    },
    "digital_status": {
        "offline": ("Belum berjualan daring", "Not yet selling online"),
        "digital": ("Sudah berjualan daring", "Already selling online"),
    },
}

# feature -> (when true, when false), each (id, en).
BOOLEAN_PHRASES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "has_smartphone": (
        ("Punya ponsel pintar", "Has a smartphone"),
        ("Tidak punya ponsel pintar", "No smartphone"),
    ),
    "has_bank_account": (
        ("Punya rekening bank", "Has a bank account"),
        ("Tidak punya rekening bank", "No bank account"),
    ),
    "has_business_id": (
        ("Punya NIB", "Has a business ID (NIB)"),
        ("Belum punya NIB", "No business ID (NIB)"),
    ),
    "prior_digital_training": (
        ("Pernah ikut pelatihan digital", "Had digital-skills training before"),
        ("Belum pernah ikut pelatihan digital", "No digital-skills training before"),
    ),
}

ISLAND_GROUP_NAMES_EN = {
    "Jawa": "Java",
    "Sumatera": "Sumatra",
    "Bali-Nusa Tenggara": "Bali–Nusa Tenggara",
    "Kalimantan": "Kalimantan",
    "Sulawesi": "Sulawesi",
    "Maluku-Papua": "Maluku–Papua",
}

UNKNOWN = ("tidak diketahui", "unknown")


def reason_text(feature: str, value: object, contribution: float, language: Language) -> str:
    """One phrase like "No smartphone lowers the gain from mentoring"."""
    effect = "raises" if contribution >= 0 else "lowers"
    return f"{describe_value(feature, value, language)} {EFFECT_PHRASES[language][effect]}"


def describe_value(feature: str, value: object, language: Language) -> str:
    """What the MSME is like on this feature, as a phrase that can start a sentence."""
    index = 0 if language == "id" else 1
    if _is_missing(value):
        label = _FEATURE_LABELS.get(feature, (feature, feature))[index]
        return f"{label} {UNKNOWN[index]}"
    if feature in BOOLEAN_PHRASES:
        flag = _as_bool(value)
        if flag is not None:
            return BOOLEAN_PHRASES[feature][0 if flag else 1][index]
    phrases = CATEGORY_PHRASES.get(feature)
    if phrases is not None and str(value) in phrases:
        return phrases[str(value)][index]
    numeric = _NUMERIC_PHRASES.get(feature)
    if numeric is not None:
        number = _as_number(value)
        if number is not None:
            return numeric(number, language)
    place = _PLACE_PHRASES.get(feature)
    if place is not None:
        return place(str(value), language)
    return f"{feature} = {value}"


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


def _decimal(number: float, language: Language, digits: int = 1) -> str:
    text = f"{number:,.{digits}f}".rstrip("0").rstrip(".")
    if language == "id":  # Indonesian swaps the separators: 1.234,5
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def _rupiah(amount: float, language: Language) -> str:
    for size, (word_id, word_en) in (
        (1e12, ("triliun", "trillion")),
        (1e9, ("miliar", "billion")),
        (1e6, ("juta", "million")),
    ):
        if amount >= size:
            word = word_id if language == "id" else word_en
            return f"Rp{_decimal(amount / size, language)} {word}"
    return f"Rp{_decimal(amount, language, 0)}"


def _business_age(years: float, language: Language) -> str:
    if years < 1:
        if language == "id":
            return "Usaha berumur kurang dari setahun"
        return "Business under a year old"
    shown = _decimal(years, language)
    return f"Usaha berumur {shown} tahun" if language == "id" else f"Business {shown} years old"


def _workers(count: float, language: Language) -> str:
    if count <= 1:
        return "Pemilik bekerja sendiri" if language == "id" else "Owner works alone"
    shown = _decimal(count, language, 0)
    if language == "id":
        return f"Usaha dengan {shown} tenaga kerja"
    return f"Business with {shown} workers"


def _revenue(amount: float, language: Language) -> str:
    shown = _rupiah(amount, language)
    return f"Omzet bulanan {shown}" if language == "id" else f"Monthly revenue {shown}"


def _owner_age(age: float, language: Language) -> str:
    shown = _decimal(age, language, 0)
    return f"Pemilik berusia {shown} tahun" if language == "id" else f"Owner aged {shown}"


_NUMERIC_PHRASES: dict[str, Callable[[float, Language], str]] = {
    "business_age_years": _business_age,
    "workers": _workers,
    "monthly_revenue_idr": _revenue,
    "owner_age": _owner_age,
}


def _province(code: str, language: Language) -> str:
    name = province_name_by_code().get(code, code)
    return f"Berlokasi di {name}" if language == "id" else f"Located in {name}"


def _island_group(group: str, language: Language) -> str:
    if language == "id":
        return f"Berada di wilayah {group.replace('-', '–')}"
    return f"Located in {ISLAND_GROUP_NAMES_EN.get(group, group)}"


_PLACE_PHRASES: dict[str, Callable[[str, Language], str]] = {
    "province_code": _province,
    "island_group": _island_group,
}

# Labels for "<label> unknown" when a nullable value is missing: (id, en).
_FEATURE_LABELS: dict[str, tuple[str, str]] = {
    "business_age_years": ("Lama usaha", "Business age"),
    "monthly_revenue_idr": ("Omzet bulanan", "Monthly revenue"),
    "workers": ("Jumlah tenaga kerja", "Number of workers"),
    "owner_age": ("Usia pemilik", "Owner's age"),
    "province_code": ("Provinsi", "Province"),
    "island_group": ("Wilayah pulau", "Island group"),
}


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
