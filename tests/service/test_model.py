"""GET /v1/model, health and readiness, metrics, and model updates without downtime."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import mlflow
import pytest
from mlflow import MlflowClient

from data.contract import PROFILE_COLUMNS
from data.store.repository import ProgramStore
from models.pyfunc import load_uplift_model, log_uplift_model
from service.app import create_app
from service.settings import Settings
from tests.service.support import ADMIN, AUTH, TestClient


def test_model_info_names_the_registered_version_and_the_contract(
    client: TestClient, registered_model: Any
) -> None:
    info = client.get("/v1/model", headers=AUTH).json()

    assert info["name"] == registered_model.name
    assert info["version"] == str(registered_model.version)
    assert info["alias"] == "champion"
    assert info["training_date"] and info["training_date"][:2] == "20"
    assert info["metrics"] and all(isinstance(v, float) for v in info["metrics"].values())
    assert [column["name"] for column in info["contract"]] == [s.name for s in PROFILE_COLUMNS]
    assert "island_group" in info["features"] and "has_smartphone" in info["features"]
    # The session model: fast.toml's S-learner, its three fold models averaged and served as a
    # two-model copy of that average (the default), with how closely the copy follows it.
    assert info["learner"] == "s"
    assert info["served_as"].startswith(
        "distilled from the average of the 3 cross-fitted fold models"
    )


def test_health_and_readiness(client: TestClient, registered_model: Any) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["model"]["version"] == str(registered_model.version)


def test_metrics_count_requests_msmes_and_the_model_version(
    make_settings: Callable[..., Settings], profiles: list[dict[str, Any]], registered_model: Any
) -> None:
    with TestClient(create_app(make_settings())) as fresh:
        fresh.post("/v1/scores", json={"msmes": profiles[:7]}, headers=AUTH)
        fresh.post("/v1/scores", json={"msmes": []}, headers=AUTH)
        fresh.post("/v1/scores", json={"msmes": profiles[:1]})
        text = fresh.get("/metrics").text

    assert 'umkm_http_requests_total{method="POST",route="/v1/scores",status="200"} 1.0' in text
    assert 'umkm_http_requests_total{method="POST",route="/v1/scores",status="422"} 1.0' in text
    assert 'umkm_http_requests_total{method="POST",route="/v1/scores",status="401"} 1.0' in text
    assert (
        'umkm_http_request_duration_seconds_count{method="POST",route="/v1/scores",status="200"}'
        in text
    )
    assert 'umkm_msmes_scored_total{route="/v1/scores"} 7.0' in text
    version = registered_model.version
    assert f'umkm_model_info{{name="{registered_model.name}",version="{version}"}} 1.0' in text
    assert "umkm_model_reload_failures_total 0.0" in text


def test_metrics_say_whether_the_program_store_takes_a_query(
    make_settings: Callable[..., Settings],
) -> None:
    pytest.importorskip("psycopg", reason="the postgres extra is not installed")
    with socket.socket() as probe:  # a port nothing listens on: a PostgreSQL server down
        probe.bind(("127.0.0.1", 0))
        down = f"postgresql+psycopg://ops:secret@127.0.0.1:{probe.getsockname()[1]}/umkm"
    with TestClient(create_app(make_settings())) as running:
        up = running.get("/metrics").text
        working = running.app.state.program_store  # type: ignore[attr-defined]
        running.app.state.program_store = ProgramStore.from_url(down)  # type: ignore[attr-defined]
        try:
            answered = running.get("/metrics")
        finally:
            running.app.state.program_store.close()  # type: ignore[attr-defined]
            running.app.state.program_store = working  # type: ignore[attr-defined]

    assert "umkm_program_store_up 1.0" in up
    assert answered.status_code == 200
    assert "umkm_program_store_up 0.0" in answered.text
    assert "umkm_model_loaded 1.0" in answered.text  # scoring is unaffected


def test_without_a_model_the_service_is_up_but_not_ready(
    make_settings: Callable[..., Settings], profiles: list[dict[str, Any]]
) -> None:
    settings = make_settings(model_uri="models:/no-such-model@champion")
    with TestClient(create_app(settings)) as empty:
        assert empty.get("/healthz").status_code == 200
        ready = empty.get("/readyz")
        scores = empty.post("/v1/scores", json={"msmes": profiles[:1]}, headers=AUTH)
        text = empty.get("/metrics").text

    assert ready.status_code == 503
    assert ready.json()["ready"] is False and ready.json()["last_reload_error"]
    assert scores.status_code == 503 and scores.json()["error"] == "not_ready"
    assert "umkm_model_loaded 0.0" in text
    assert "umkm_model_reload_failures_total 1.0" in text


@pytest.fixture
def registry(registered_model: Any) -> Iterator[MlflowClient]:
    """The fixture's registry; the champion alias is put back afterwards."""
    client = MlflowClient(tracking_uri=registered_model.tracking_uri)
    name = registered_model.name
    original = client.get_model_version_by_alias(name, "champion").version
    yield client
    client.set_registered_model_alias(name, "champion", original)


def _register_copy(registered_model: Any) -> str:
    """A second version of the same model (a new training run would do the same)."""
    mlflow.set_tracking_uri(registered_model.tracking_uri)
    model = load_uplift_model(registered_model.model_uri)
    example = registered_model.candidates[list(model.feature_columns)].head(3)
    # The first version's experiment keeps its artifacts in the fixture's folder (the default
    # experiment would write them to ./mlruns in the working folder).
    experiment = MlflowClient().get_run(registered_model.run_id).info.experiment_id
    with mlflow.start_run(experiment_id=experiment, run_name="service-test-second-version"):
        mlflow.log_metric("qini_test", 0.5)
        info = log_uplift_model(
            model, input_example=example, registered_model_name=registered_model.name
        )
    return str(info.registered_model_version)


def test_reload_swaps_in_the_version_the_alias_points_to(
    make_settings: Callable[..., Settings],
    registry: MlflowClient,
    registered_model: Any,
    profiles: list[dict[str, Any]],
) -> None:
    with TestClient(create_app(make_settings())) as running:
        before = running.get("/v1/model", headers=AUTH).json()["version"]
        unchanged = running.post("/v1/admin/reload", headers=ADMIN).json()
        assert unchanged == {"changed": False, "model": unchanged["model"], "error": None}

        new_version = _register_copy(registered_model)
        registry.set_registered_model_alias(registered_model.name, "champion", new_version)
        reload = running.post("/v1/admin/reload", headers=ADMIN)
        after = running.get("/v1/model", headers=AUTH).json()
        scored = running.post("/v1/scores", json={"msmes": profiles[:2]}, headers=AUTH).json()
        text = running.get("/metrics").text

    assert before == str(registered_model.version) != new_version
    assert reload.status_code == 200
    assert reload.json() == {
        "changed": True,
        "model": {"name": registered_model.name, "version": new_version},
        "error": None,
    }
    assert after["version"] == new_version and after["metrics"] == {"qini_test": 0.5}
    assert scored["model"]["version"] == new_version
    assert f'umkm_model_info{{name="{registered_model.name}",version="{new_version}"}} 1.0' in text
    assert f'umkm_model_info{{name="{registered_model.name}",version="{before}"}} 0.0' in text


def test_a_failed_load_keeps_the_old_model_and_says_so(
    make_settings: Callable[..., Settings],
    registry: MlflowClient,
    registered_model: Any,
    profiles: list[dict[str, Any]],
    tmp_path: Any,
) -> None:
    broken = registry.create_model_version(
        registered_model.name, source=(tmp_path / "missing-model").as_uri(), run_id=None
    )
    with TestClient(create_app(make_settings())) as running:
        before = running.get("/v1/model", headers=AUTH).json()["version"]
        registry.set_registered_model_alias(registered_model.name, "champion", broken.version)
        reload = running.post("/v1/admin/reload", headers=ADMIN).json()
        ready = running.get("/readyz")
        scores = running.post("/v1/scores", json={"msmes": profiles[:3]}, headers=AUTH)
        text = running.get("/metrics").text

    assert reload["changed"] is False and reload["error"]
    assert reload["model"]["version"] == before
    assert ready.status_code == 200  # still serving the old model
    assert ready.json()["last_reload_error"] == reload["error"]
    assert scores.status_code == 200 and scores.json()["model"]["version"] == before
    assert "umkm_model_reload_failures_total 1.0" in text
    assert "umkm_model_last_reload_failed 1.0" in text


def test_a_model_that_cannot_score_the_contract_is_not_swapped_in(
    make_settings: Callable[..., Settings],
    registry: MlflowClient,
    registered_model: Any,
    profiles: list[dict[str, Any]],
) -> None:
    """A version that loads but reads a column the contract does not have (a model of another
    table promoted by mistake) is refused before it serves."""
    from models.features import FeatureSpec

    mlflow.set_tracking_uri(registered_model.tracking_uri)
    model = load_uplift_model(registered_model.model_uri)
    columns = list(model.feature_columns)
    model.specs = (FeatureSpec("recency", "numeric"), *model.specs[1:])
    example = registered_model.candidates[columns].head(3).assign(recency=3.0)
    experiment = MlflowClient().get_run(registered_model.run_id).info.experiment_id
    with mlflow.start_run(experiment_id=experiment, run_name="service-test-wrong-table"):
        info = log_uplift_model(
            model, input_example=example, registered_model_name=registered_model.name
        )
    wrong = str(info.registered_model_version)
    with TestClient(create_app(make_settings())) as running:
        before = running.get("/v1/model", headers=AUTH).json()["version"]
        registry.set_registered_model_alias(registered_model.name, "champion", wrong)
        reload = running.post("/v1/admin/reload", headers=ADMIN).json()
        scores = running.post("/v1/scores", json={"msmes": profiles[:2]}, headers=AUTH)

    assert reload["changed"] is False
    assert "column recency: missing" in reload["error"]
    assert scores.status_code == 200 and scores.json()["model"]["version"] == before


def test_the_poller_picks_up_a_moved_alias(
    make_settings: Callable[..., Settings], registry: MlflowClient, registered_model: Any
) -> None:
    import time

    versions = registry.search_model_versions(f"name='{registered_model.name}'")
    good = [str(v.version) for v in versions if str(v.version) != str(registered_model.version)]
    other = next((v for v in good if _loads(registered_model, v)), None) or _register_copy(
        registered_model
    )
    with TestClient(create_app(make_settings(model_poll_seconds=0.2))) as running:
        registry.set_registered_model_alias(registered_model.name, "champion", other)
        deadline = time.monotonic() + 60
        version = None
        while time.monotonic() < deadline:
            version = running.get("/readyz").json()["model"]["version"]
            if version == other:
                break
            time.sleep(0.2)
    assert version == other


def _loads(registered_model: Any, version: str) -> bool:
    """Whether a version would go into service (loads, and scores the example profiles)."""
    from service.model_store import check_scores_examples

    try:
        check_scores_examples(load_uplift_model(f"models:/{registered_model.name}/{version}"))
    except Exception:
        return False
    return True


def test_model_info_and_lists_carry_the_training_evidence(
    client: TestClient, registered_model: Any
) -> None:
    """The session model was trained on enough events: its evidence is not weak and lists carry
    no warning; the same model marked weak puts a warning on every list it builds."""
    import dataclasses

    from service.schemas import EXAMPLE_PROFILE, EXAMPLE_PROFILE_2, PrioritizeRequest
    from service.scoring import prioritize_profiles

    evidence = client.get("/v1/model", headers=AUTH).json()["evidence"]
    assert evidence["weak"] is False and evidence["events_treated"] > 0
    body = {"msmes": [EXAMPLE_PROFILE, EXAMPLE_PROFILE_2], "capacity": 1}
    answer = client.post("/v1/prioritize", headers=AUTH, json=body).json()
    assert answer["evidence_warning"] is None

    loaded = client.app.state.model_store.current  # type: ignore[attr-defined]
    assert loaded is not None
    model = load_uplift_model(f"models:/{registered_model.name}/{registered_model.version}")
    model.model_info["evidence"] = {
        "weak": True,
        "reasons": ["few outcome events: 3 among mentored and 40 among not mentored MSMEs"],
        "events_treated": 3,
        "events_control": 40,
    }
    weak = dataclasses.replace(loaded, model=model)
    listed = prioritize_profiles(weak, PrioritizeRequest.model_validate(body))
    assert listed.evidence_warning is not None
    assert "weak evidence" in listed.evidence_warning
    assert "3 outcome events among mentored" in listed.evidence_warning
    assert listed.evidence_code == "weak_evidence"
    assert listed.evidence_params == {"events_treated": 3, "events_control": 40}
    bahasa = prioritize_profiles(weak, PrioritizeRequest.model_validate(body), "id")
    assert bahasa.evidence_warning is not None and "bukti yang lemah" in bahasa.evidence_warning
