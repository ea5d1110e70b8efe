"""Shared fixtures: one synthetic history (known uplift) and models fitted on it once."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from models.uplift_model import UpliftModel
from tests.models.synthetic import Synthetic, simulate_msme

# Small enough to keep tests/models well under a minute, large enough for the strong synthetic
# effects to be learnt by every learner (about 250 mentored rows go digital).
N_ROWS = 9000
N_TRAIN = 6000
N_CALIBRATION = 1500


@pytest.fixture(scope="session")
def synthetic() -> Synthetic:
    return simulate_msme(N_ROWS, seed=11)


@pytest.fixture(scope="session")
def train_frame(synthetic: Synthetic) -> pd.DataFrame:
    return synthetic.frame.iloc[:N_TRAIN]


@pytest.fixture(scope="session")
def calibration_frame(synthetic: Synthetic) -> pd.DataFrame:
    return synthetic.frame.iloc[N_TRAIN : N_TRAIN + N_CALIBRATION]


@pytest.fixture(scope="session")
def test_slice() -> slice:
    return slice(N_TRAIN + N_CALIBRATION, N_ROWS)


@pytest.fixture(scope="session")
def fitted_model(
    train_frame: pd.DataFrame, calibration_frame: pd.DataFrame
) -> Callable[[str], UpliftModel]:
    """UpliftModel per learner name, fitted once per session on first use."""
    cache: dict[str, UpliftModel] = {}

    def get(learner: str) -> UpliftModel:
        if learner not in cache:
            cache[learner] = UpliftModel.fit(
                train_frame, calibration_frame, learner=learner, seed=3
            )
        return cache[learner]

    return get
