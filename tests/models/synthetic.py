"""A tiny MSME-shaped mentoring history with a known uplift, for the model tests.

Independent of `data.simulate` on purpose: the tests need a truth they control (strong, simple
effects so small samples suffice) and must not break when the simulator's calibration changes.

Truth: owners without a smartphone or without internet are lost causes (uplift 0, low base
rate); with both, mentoring adds 3 points, 12 points with senior secondary education or more;
young owners who already had digital training are harmed a little (-2 points).
Mentoring is unbalanced (about 20%) and depends on the profile (urban, educated owners are
mentored more), so arms differ in composition as in real programs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.contract import EDUCATION_LEVELS, SECTORS
from data.reference import province_codes


@dataclass(frozen=True)
class Synthetic:
    """Profiles with arm and outcome, and each row's true probabilities."""

    frame: pd.DataFrame
    p1: np.ndarray
    p0: np.ndarray

    @property
    def uplift(self) -> np.ndarray:
        out: np.ndarray = self.p1 - self.p0
        return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return out


def simulate_msme(n: int, seed: int, *, digital_share: float = 0.0) -> Synthetic:
    """``n`` MSME profiles with ``mentored`` / ``digitalized`` and true probabilities."""
    rng = np.random.default_rng(seed)
    codes = np.array(province_codes())
    education_index = rng.choice(len(EDUCATION_LEVELS), size=n, p=[0.45, 0.2, 0.27, 0.05, 0.03])
    urban = rng.random(n) < 0.45
    smartphone = rng.random(n) < np.where(urban, 0.8, 0.6)
    internet = np.where(
        rng.random(n) < np.where(urban, 0.1, 0.3),
        "none",
        np.where(rng.random(n) < 0.5, "weak", "good"),
    )
    owner_age = rng.integers(18, 75, size=n)
    trained = rng.random(n) < 0.15
    workers = rng.integers(1, 12, size=n)
    revenue = np.exp(rng.normal(15.5, 1.0, size=n))
    revenue[rng.random(n) < 0.05] = np.nan
    business_age = rng.gamma(2.0, 4.0, size=n).round(1)
    business_age[rng.random(n) < 0.05] = np.nan

    frame = pd.DataFrame(
        {
            "msme_id": [f"S{i:07d}" for i in range(n)],
            "province_code": rng.choice(codes, size=n),
            "area_type": np.where(urban, "urban", "rural"),
            "sector": rng.choice(SECTORS, size=n),
            "business_age_years": business_age,
            "workers": workers.astype(np.int64),
            "monthly_revenue_idr": revenue,
            "owner_age": owner_age.astype(np.int64),
            "owner_gender": rng.choice(["female", "male"], size=n),
            "owner_education": np.array(EDUCATION_LEVELS)[education_index],
            "has_smartphone": smartphone,
            "has_bank_account": rng.random(n) < 0.3,
            "has_business_id": rng.random(n) < 0.25,
            "prior_digital_training": trained,
            "internet_access": internet,
            "digital_status": np.where(rng.random(n) < digital_share, "digital", "offline"),
        }
    )
    connected = smartphone & (internet != "none")
    educated = education_index >= 2
    base_logit = (
        -3.4
        + 0.5 * educated
        + 0.4 * urban
        - 0.015 * (owner_age - 40)
        + 0.05 * np.minimum(workers, 10)
        - 1.2 * ~connected
    )
    p0 = _sigmoid(base_logit)
    tau = np.where(connected, np.where(educated, 0.12, 0.03), 0.0)
    tau = np.where(connected & trained & (owner_age < 35), -0.02, tau)
    p1 = np.clip(p0 + tau, 0.0, 1.0)
    mentored = rng.random(n) < _sigmoid(-1.6 + 0.5 * urban + 0.4 * educated)
    digitalized = rng.random(n) < np.where(mentored, p1, p0)
    frame["mentored"] = mentored
    frame["digitalized"] = digitalized
    return Synthetic(frame=frame, p1=p1, p0=p0)
