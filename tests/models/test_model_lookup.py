"""A model URI that names no model is one line naming the model, the store (its credentials
masked) and what to check; a SQLite store that is not there is not created by the lookup."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.errors import ModelLookupError
from models.model_lookup import describe_store, masked_uri
from models.pyfunc import load_uplift_model
from tests.conftest import new_tracking_store, use_tracking_uri


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("postgresql://mlflow:s3cret@db:5432/mlflow", "postgresql://mlflow:***@db:5432/mlflow"),
        ("https://alice:s3cret@mlflow.example/", "https://alice:***@mlflow.example/"),
        (
            "postgresql://db/mlflow?sslmode=require&password=s3cret",
            "postgresql://db/mlflow?sslmode=require&password=***",
        ),
        (
            "http://mlflow.example:5000?access_token=s3cret",
            "http://mlflow.example:5000?access_token=***",
        ),
        ("sqlite:///mlflow.db", "sqlite:///mlflow.db"),
        ("sqlite:////work/main/mlflow.db", "sqlite:////work/main/mlflow.db"),
        ("databricks", "databricks"),
    ],
)
def test_a_store_uri_is_shown_without_its_secrets(uri: str, shown: str) -> None:
    assert masked_uri(uri) == shown
    assert "s3cret" not in masked_uri(f"could not reach {uri}: refused")


def test_the_store_is_named_as_the_user_set_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "postgresql://u:s3cret@db/mlflow")
    assert describe_store("postgresql://u:s3cret@db/mlflow") == (
        "MLFLOW_TRACKING_URI=postgresql://u:***@db/mlflow"
    )
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    monkeypatch.chdir(tmp_path)
    assert describe_store("sqlite:///mlflow.db") == (
        f"sqlite:///mlflow.db, MLflow's default in {tmp_path}: MLFLOW_TRACKING_URI is not set"
    )


def test_a_store_that_is_not_there_is_named_and_not_created(tmp_path: Path) -> None:
    store = tmp_path / "none.db"
    with use_tracking_uri(f"sqlite:///{store}"), pytest.raises(ModelLookupError) as raised:
        load_uplift_model("models:/umkm-uplift@champion")
    message = str(raised.value)
    assert message.startswith("model models:/umkm-uplift@champion not found: ")
    assert f"there is no MLflow tracking store at {store}" in message
    assert "MLFLOW_TRACKING_URI" in message
    assert not store.exists()


def test_an_empty_store_says_no_model_is_registered_there(tmp_path: Path) -> None:
    with use_tracking_uri(new_tracking_store(tmp_path)), pytest.raises(ModelLookupError) as raised:
        load_uplift_model("models:/umkm-uplift/1")
    assert "no registered model named umkm-uplift" in str(raised.value)
    assert "no model is registered there" in str(raised.value)
