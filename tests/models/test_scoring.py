"""score_frame: already-digital MSMEs are the stimulus group; order and index are kept."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from data.contract import SCORE_FIELDS
from data.segments import STIMULUS_GROUP
from models.features import FeatureError
from models.scoring import score_frame
from models.uplift_model import UpliftModel
from tests.models.synthetic import simulate_msme


@pytest.fixture(scope="module")
def profiles() -> pd.DataFrame:
    frame = simulate_msme(400, seed=21, digital_share=0.2).frame
    return frame.drop(columns=["mentored", "digitalized"]).sample(frac=1.0, random_state=1)


def test_digital_rows_are_the_stimulus_group_and_order_is_kept(
    fitted_model: Callable[[str], UpliftModel], profiles: pd.DataFrame
) -> None:
    model = fitted_model("t")
    scores = score_frame(model, profiles)
    assert list(scores.columns) == list(SCORE_FIELDS)
    assert scores.index.equals(profiles.index)
    digital = (profiles["digital_status"] == "digital").to_numpy()
    assert digital.any() and (~digital).any()
    assert (scores.loc[digital, "segment"] == STIMULUS_GROUP).all()
    assert (
        scores.loc[digital, ["p_digital_if_mentored", "p_digital_if_not", "uplift"]]
        .isna()
        .all()
        .all()
    )
    offline = profiles[~digital]
    pd.testing.assert_frame_equal(
        scores.loc[~digital].astype({"segment": object}), model.predict(offline)
    )


def test_digital_rows_are_not_read(
    fitted_model: Callable[[str], UpliftModel], profiles: pd.DataFrame
) -> None:
    frame = profiles.astype(object).copy()
    digital = frame.index[frame["digital_status"] == "digital"]
    frame.loc[digital, "workers"] = "not a number"
    scores = score_frame(fitted_model("t"), frame)
    assert (scores.loc[digital, "segment"] == STIMULUS_GROUP).all()


def test_errors_name_the_row_of_the_full_table(
    fitted_model: Callable[[str], UpliftModel], profiles: pd.DataFrame
) -> None:
    frame = profiles.astype(object).reset_index(drop=True)
    offline = np.flatnonzero((frame["digital_status"] == "offline").to_numpy())
    target = int(offline[10])
    frame.loc[target, "owner_age"] = "tua"
    with pytest.raises(FeatureError, match=rf"row {target + 2}, column owner_age"):
        score_frame(fitted_model("t"), frame)


def test_tables_without_digital_status_are_all_scored(
    fitted_model: Callable[[str], UpliftModel], profiles: pd.DataFrame
) -> None:
    scores = score_frame(fitted_model("t"), profiles.drop(columns="digital_status"))
    assert scores["uplift"].notna().all()
