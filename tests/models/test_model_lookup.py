"""A model URI that names no model is one line naming the model, the store (its credentials
masked) and what to check; a SQLite store that is not there is not created by the lookup."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pytest

from data.messages import Language, render
from models.errors import ModelLookupError
from models.model_lookup import (
    MODEL_LOOKUP_CODES,
    check_model_uri,
    describe_store,
    masked_uri,
    not_found,
)
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


@pytest.fixture(scope="module")
def lookup_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tracking store holding `umkm-uplift` versions 1 to 3, alias champion on v2, and `bare`,
    registered with no version; no model is trained."""
    from mlflow import MlflowClient

    tmp_path = tmp_path_factory.mktemp("lookup_store")
    uri = new_tracking_store(tmp_path)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.create_registered_model("umkm-uplift")
    for number in range(3):
        source = (tmp_path / "artifacts" / f"m{number}").as_uri()
        client.create_model_version("umkm-uplift", source=source)
    client.set_registered_model_alias("umkm-uplift", "champion", "2")
    client.create_registered_model("bare")
    return uri


# A model URI naming nothing: its code, the parameters that say what is there instead, and how
# each language words that part.
LOOKUPS = [
    (
        "models:/umkm-uplfit@champion",
        "model_no_registered_name",
        {"registered": {"code": "model_names_listed", "names": ["bare", "umkm-uplift"]}},
        {
            "en": "no registered model named umkm-uplfit in the tracking store {store}; "
            "registered there: bare, umkm-uplift; check the name, or check the folder",
            "id": "tidak ada model terdaftar bernama umkm-uplfit di penyimpanan pelacakan {store}; "
            "yang terdaftar di sana: bare, umkm-uplift; periksa namanya, atau periksa folder",
        },
    ),
    (
        "models:/umkm-uplift@champoin",
        "model_no_alias",
        {"alias": "champoin", "aliases": [{"alias": "champion", "version": "2"}]},
        {
            "en": "umkm-uplift has no alias champoin in the tracking store {store}; its aliases: "
            "champion (v2); check the alias",
            "id": "umkm-uplift tidak punya alias champoin di penyimpanan pelacakan {store}; "
            "aliasnya: champion (v2); periksa aliasnya",
        },
    ),
    (
        "models:/bare@champion",
        "model_no_alias_none",
        {"alias": "champion"},
        {
            "en": "bare has no alias champion in the tracking store {store}; its aliases: none",
            "id": "bare tidak punya alias champion di penyimpanan pelacakan {store}; "
            "aliasnya: tidak ada",
        },
    ),
    (
        "models:/umkm-uplift/9",
        "model_no_version",
        {"version": "9", "versions": {"code": "model_versions_range", "first": "1", "last": "3"}},
        {
            "en": "umkm-uplift has no version 9 in the tracking store {store}; its versions: 1 "
            "to 3; check the version",
            "id": "umkm-uplift tidak punya versi 9 di penyimpanan pelacakan {store}; versinya: 1 "
            "sampai 3; periksa versinya",
        },
    ),
    (
        "models:/bare/1",
        "model_no_version",
        {"version": "1", "versions": {"code": "model_versions_none"}},
        {
            "en": "bare has no version 1 in the tracking store {store}; it has no version",
            "id": "bare tidak punya versi 1 di penyimpanan pelacakan {store}; model itu belum "
            "punya versi",
        },
    ),
]


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize(
    ("uri", "code", "params", "words"), LOOKUPS, ids=[f"{c} {u}" for u, c, _, _ in LOOKUPS]
)
def test_each_lookup_failure_is_a_code_with_what_is_there_instead(
    *,
    lookup_store: str,
    language: Language,
    uri: str,
    code: str,
    params: dict[str, object],
    words: dict[str, str],
) -> None:
    with use_tracking_uri(lookup_store), pytest.raises(ModelLookupError) as raised:
        check_model_uri(uri)

    error = raised.value
    assert error.code == code and code in MODEL_LOOKUP_CODES
    assert error.params["uri"] == uri
    assert error.params["store"] == f"MLFLOW_TRACKING_URI={lookup_store}"
    assert {name: error.params[name] for name in params} == params
    assert str(error) == render(code, error.params, "en")
    worded = render(code, error.params, language)
    lead = "model {uri} tidak ditemukan: " if language == "id" else "model {uri} not found: "
    assert worded.startswith(lead.format(uri=uri))
    assert words[language].format(store=f"MLFLOW_TRACKING_URI={lookup_store}") in worded


NO_STORE = {
    "en": "model models:/umkm-uplift@champion not found: there is no MLflow tracking store at "
    "{path} ({uri}, MLflow's default in {folder}: MLFLOW_TRACKING_URI is not set); check the "
    "folder you run from",
    "id": "model models:/umkm-uplift@champion tidak ditemukan: tidak ada penyimpanan pelacakan "
    "MLflow di {path} ({uri}, bawaan MLflow di {folder}: MLFLOW_TRACKING_URI tidak diatur); "
    "periksa folder tempat perintah dijalankan",
}


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_store_that_is_not_there_is_named_in_either_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: Language
) -> None:
    """MLFLOW_TRACKING_URI unset: MLflow's default in the working folder, said so."""
    monkeypatch.chdir(tmp_path)
    with use_tracking_uri(None), pytest.raises(ModelLookupError) as raised:
        uri = mlflow.get_registry_uri()
        check_model_uri("models:/umkm-uplift@champion")

    error = raised.value
    assert error.code == "model_no_store"
    assert error.params["path"] == str(tmp_path / "mlflow.db")
    said = NO_STORE[language].format(path=tmp_path / "mlflow.db", uri=uri, folder=tmp_path)
    assert render(error.code, error.params, language).startswith(said)
    assert not (tmp_path / "mlflow.db").exists()


@pytest.mark.parametrize("language", ["en", "id"])
def test_what_mlflow_reports_missing_is_worded_without_secrets(
    monkeypatch: pytest.MonkeyPatch, language: Language
) -> None:
    store = "postgresql://mlflow:s3cret@db/mlflow"
    with use_tracking_uri(store):
        error = not_found("models:/umkm-uplift/1", f"no artifacts at {store}/x\nTraceback ...")

    assert error.code == "model_not_found"
    worded = render(error.code, error.params, language)
    assert "s3cret" not in worded and "Traceback" not in worded
    assert "MLFLOW_TRACKING_URI=postgresql://mlflow:***@db/mlflow: no artifacts at " in worded
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///another.db")  # not the store named
    assert describe_store(store, language) == "postgresql://mlflow:***@db/mlflow"
