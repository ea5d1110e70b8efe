"""The shared `registered_model` fixture loads through pyfunc by its alias."""

from __future__ import annotations

import os

from tests.conftest import RegisteredModel


def test_registered_model_loads_through_pyfunc(registered_model: RegisteredModel) -> None:
    import mlflow.pyfunc

    assert os.environ["MLFLOW_TRACKING_URI"] == registered_model.tracking_uri
    model = mlflow.pyfunc.load_model(registered_model.model_uri)
    scores = model.predict(registered_model.candidates.head(20))
    assert list(scores.columns) == [
        "p_digital_if_mentored",
        "p_digital_if_not",
        "uplift",
        "segment",
    ]
    assert len(scores) == 20
