"""The pyfunc round trip through a real (SQLite) MLflow store and registry alias."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from models.uplift_model import UpliftModel
from tests.models.synthetic import simulate_msme


@pytest.fixture(scope="module")
def tracking_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A SQLite store in a temporary folder (artifacts there too), set for this module only."""
    import mlflow
    from mlflow import MlflowClient

    from tests.conftest import use_tracking_uri

    tmp_path = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    experiment = MlflowClient(tracking_uri=uri).create_experiment(
        "models-test", artifact_location=(tmp_path / "artifacts").as_uri()
    )
    # use_tracking_uri puts back the raw process-wide setting, not the resolved default.
    with use_tracking_uri(uri):
        mlflow.set_experiment(experiment_id=experiment)
        yield uri


def test_round_trip_through_the_registry_returns_the_same_numbers(
    tracking_uri: str,
    fitted_model: Callable[[str], UpliftModel],
    capsys: pytest.CaptureFixture[str],
) -> None:
    import mlflow
    from mlflow import MlflowClient

    from models.pyfunc import UpliftPyfunc, load_uplift_model, log_uplift_model
    from models.scoring import score_frame

    model = fitted_model("dr")
    profiles = simulate_msme(60, seed=31, digital_share=0.2).frame.drop(
        columns=["mentored", "digitalized"]
    )
    with mlflow.start_run():
        info = log_uplift_model(
            model, input_example=profiles.iloc[:3], registered_model_name="umkm-uplift-test"
        )
    assert info.signature is not None
    # MLflow's own lines while logging and registering are muted, and its stream is back on.
    from mlflow.utils.logging_utils import MLFLOW_LOGGING_STREAM

    printed = capsys.readouterr()
    for line in ("CloudPickle", "Validating input example", "Successfully registered"):
        assert line not in printed.err + printed.out
    assert MLFLOW_LOGGING_STREAM.enabled
    inputs = {col.name: col for col in info.signature.inputs.inputs}
    assert inputs["workers"].required and not inputs["msme_id"].required
    MlflowClient().set_registered_model_alias("umkm-uplift-test", "champion", "1")

    loaded = mlflow.pyfunc.load_model("models:/umkm-uplift-test@champion")
    served = loaded.predict(profiles)
    expected = score_frame(model, profiles).reset_index(drop=True)
    pd.testing.assert_frame_equal(served, expected, check_dtype=False)
    assert isinstance(loaded.unwrap_python_model(), UpliftPyfunc)

    # MLflow puts the model's copy of models/ and data/ first on sys.path; processes started
    # later (Dask's workers) would import that copy, which may be older than the project.
    path_before = list(sys.path)
    unwrapped = load_uplift_model("models:/umkm-uplift-test@champion")
    assert sys.path == path_before
    # Everything the served code imports is among the model's requirements (babel: messages).
    requirements = Path(mlflow.pyfunc.get_model_dependencies("models:/umkm-uplift-test/1"))
    required = {line.split("==")[0] for line in requirements.read_text().splitlines()}
    assert {"lightgbm", "pandas", "babel"} <= required
    offline = profiles[profiles["digital_status"] == "offline"]
    pd.testing.assert_frame_equal(unwrapped.predict(offline), model.predict(offline))

    # Records as a JSON client sends them: numbers for codes, ints for floats, "ya" for true.
    records = json.loads(profiles.to_json(orient="records"))
    for record in records:
        record["province_code"] = int(record["province_code"])
        record["has_smartphone"] = "ya" if record["has_smartphone"] else "tidak"
        record["business_age_years"] = None
    from_json = loaded.predict(pd.DataFrame(records))
    as_typed = profiles.assign(business_age_years=np.nan)
    pd.testing.assert_frame_equal(
        from_json, score_frame(model, as_typed).reset_index(drop=True), check_dtype=False
    )


def test_log_refuses_an_example_without_the_model_columns(
    tracking_uri: str, fitted_model: Callable[[str], UpliftModel]
) -> None:
    import mlflow

    from models.pyfunc import log_uplift_model

    example = simulate_msme(3, seed=1).frame.drop(columns=["owner_age"])
    with mlflow.start_run(), pytest.raises(ValueError, match="owner_age"):
        log_uplift_model(fitted_model("t"), input_example=example)


def test_a_model_that_is_not_an_uplift_model_is_named_without_credentials(tmp_path: Path) -> None:
    """A URI holding a password names the model in the refusal with the password masked."""
    import mlflow
    from mlflow.pyfunc.model import PythonModel

    from models.pyfunc import load_uplift_model

    class Echo(PythonModel):
        def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
            return model_input

    folder = tmp_path / "echo"
    mlflow.pyfunc.save_model(str(folder), python_model=Echo())

    with pytest.raises(TypeError) as refused:
        load_uplift_model(f"file://ops:S3CRET@localhost{folder}")

    assert "S3CRET" not in str(refused.value)
    assert str(refused.value).startswith(f"file://ops:***@localhost{folder} is not an uplift model")
