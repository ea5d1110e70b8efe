"""Shared fixtures: one synthetic history (known uplift), models fitted on it once, and a check
that a learner explains what it predicts."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from models.features import feature_matrix, msme_feature_specs
from models.learner_base import LearnerPrediction, UpliftLearner
from models.learners import LEARNER_NAMES
from models.outcome_models import UpliftAttribution
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


@pytest.fixture(scope="module")
def arrays(synthetic: Synthetic) -> dict[str, np.ndarray]:
    """The synthetic history as a float matrix, arm, outcome and true uplift."""
    specs = msme_feature_specs()
    frame = synthetic.frame
    return {
        "X": feature_matrix(frame, specs),
        "t": frame["mentored"].to_numpy(float),
        "y": frame["digitalized"].to_numpy(float),
        "uplift": synthetic.uplift,
    }


@pytest.fixture(scope="module")
def fitted(fitted_model: Callable[[str], UpliftModel]) -> dict[str, UpliftLearner]:
    """The learners inside the session's models, fitted on the first 6,000 rows' matrix."""
    return {name: fitted_model(name).learner for name in LEARNER_NAMES}


def explained_like_predicted(
    learner: UpliftLearner, X: np.ndarray
) -> tuple[UpliftAttribution, LearnerPrediction]:
    """Assert that `explain_matrix`'s predictions equal `predict_matrix`'s up to rounding;
    return the explanation's attribution and the separate prediction."""
    prediction, attribution = learner.explain_matrix(X)
    separate = learner.predict_matrix(X)
    for field in ("uplift", "p1", "p0"):
        np.testing.assert_allclose(
            getattr(prediction, field), getattr(separate, field), rtol=1e-9, atol=1e-12
        )
    return attribution, separate
