"""Sample contract rows for the data tests: clean, varied, and as text like a CSV would give."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.contract import (
    AREA_TYPES,
    DIGITAL_STATUS,
    EDUCATION_LEVELS,
    GENDERS,
    HISTORY_COLUMNS,
    INTERNET_ACCESS,
    SECTORS,
)
from data.reference import province_codes

FIXTURES = Path(__file__).parent / "fixtures"
HISTORY_NAMES = [spec.name for spec in HISTORY_COLUMNS]


def history_rows(n: int) -> pd.DataFrame:
    """`n` valid history rows, every cell a string, cycling through the allowed values."""
    codes = province_codes()
    rows = []
    for i in range(n):
        digital_status = DIGITAL_STATUS[(i // 4) % len(DIGITAL_STATUS)]
        # An already-digital MSME is never mentored (a row saying so is a problem).
        mentored = "false" if digital_status == "digital" else ("false", "true")[(i // 2) % 2]
        rows.append(
            {
                "msme_id": f"H{i + 1:07d}",
                "province_code": codes[i % len(codes)],
                "area_type": AREA_TYPES[i % len(AREA_TYPES)],
                "sector": SECTORS[i % len(SECTORS)],
                "business_age_years": "" if i % 5 == 4 else f"{(i * 1.5) % 30:.1f}",
                "workers": str(1 + i % 4),
                "monthly_revenue_idr": "" if i % 7 == 6 else str(500_000 + 12_345 * i),
                "owner_age": str(15 + (i * 7) % 86),
                "owner_gender": GENDERS[i % len(GENDERS)],
                "owner_education": EDUCATION_LEVELS[i % len(EDUCATION_LEVELS)],
                "has_smartphone": ("true", "false")[i % 2],
                "has_bank_account": ("ya", "tidak")[i % 2],
                "has_business_id": ("1", "0")[(i // 2) % 2],
                "prior_digital_training": ("TRUE", "False")[(i // 3) % 2],
                "internet_access": INTERNET_ACCESS[i % len(INTERNET_ACCESS)],
                "digital_status": digital_status,
                "mentored": mentored,
                "digitalized": ("false", "true")[(i // 5) % 2],
                "cohort": "" if i % 6 == 5 else f"202{3 + i % 3}-{1 + i % 12:02d}",
            }
        )
    return pd.DataFrame(rows, columns=HISTORY_NAMES, dtype=object)


def profile_rows(n: int) -> pd.DataFrame:
    """`n` valid profile rows (history rows without the mentoring columns)."""
    return history_rows(n).drop(columns=["mentored", "digitalized", "cohort"])


@pytest.fixture
def clean_history() -> pd.DataFrame:
    return history_rows(40)


@pytest.fixture
def clean_profile() -> pd.DataFrame:
    return profile_rows(12)
