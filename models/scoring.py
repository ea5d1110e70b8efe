"""Scoring a table of profiles: the model's four fields, with already-digital MSMEs set apart.

MSMEs already digital (``digital_status == "digital"``) are not mentoring candidates: they belong
to the stimulus group, get segment ``"stimulus_group"`` and NaN probabilities and uplift, and their
other columns are not read (so incomplete rows there do not fail the file).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from data.contract import SCORE_FIELDS
from models.features import FeatureError
from models.uplift_model import UpliftModel

STIMULUS_GROUP = "stimulus_group"
DIGITAL_STATUS_COLUMN = "digital_status"


def digital_mask(df: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Rows already digital; all False when the table has no ``digital_status`` column."""
    if DIGITAL_STATUS_COLUMN not in df.columns:
        return np.zeros(len(df), dtype=bool)
    values = df[DIGITAL_STATUS_COLUMN].to_numpy()
    return np.array(
        [isinstance(v, str) and v.strip().lower() == "digital" for v in values], dtype=bool
    )


def score_frame(model: UpliftModel, df: pd.DataFrame) -> pd.DataFrame:
    """`SCORE_FIELDS` for every row of ``df``, in input order and with its index."""
    digital = digital_mask(df)
    if not digital.any():
        return model.predict(df)
    out = pd.DataFrame(
        {
            "p_digital_if_mentored": np.full(len(df), np.nan),
            "p_digital_if_not": np.full(len(df), np.nan),
            "uplift": np.full(len(df), np.nan),
            "segment": np.full(len(df), STIMULUS_GROUP, dtype=object),
        },
        index=df.index,
    )
    assert tuple(out.columns) == SCORE_FIELDS
    offline = ~digital
    if offline.any():
        positions = np.flatnonzero(offline)
        try:
            scores = model.predict_arrays(df.iloc[positions])
        except FeatureError as error:
            if error.position is None:
                raise
            raise error.at(int(positions[error.position])) from None
        out.iloc[positions, 0] = scores.p_digital_if_mentored
        out.iloc[positions, 1] = scores.p_digital_if_not
        out.iloc[positions, 2] = scores.uplift
        out.iloc[positions, 3] = scores.segment.astype(object)
    return out
