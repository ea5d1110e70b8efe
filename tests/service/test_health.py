"""Liveness and readiness whatever the tracking store does: loading runs in the background, with a
time limit, and /readyz says why the service is not ready (or why the latest reload failed)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from mlflow import MlflowClient

from service.app import create_app
from service.settings import Settings
from tests.service.support import (
    ADMIN,
    AUTH,
    StarletteTestClient,
    TestClient,
    free_port,
    register_copy_as_champion,
    start_umkm_serve,
)

# Loopback only: a port nothing listens on (connection refused at once).
DEAD_TRACKING_URI = "http://127.0.0.1:9"


@pytest.fixture
def silent_store() -> Iterator[str]:
    """A tracking URI on loopback whose server accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture
def quick_mlflow_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """MLflow gives up on a request after 2 s and never retries (the operator's values win over
    the service's bounds), so abandoned attempts end before the test does."""
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "2")


def _ready_when(client: StarletteTestClient, done: Callable[[dict[str, Any]], bool]) -> Any:
    """/readyz once `done` holds for its body (a generous deadline: this is no timing test)."""
    deadline = time.monotonic() + 60
    while True:
        answer = client.get("/readyz")
        if done(answer.json()) or time.monotonic() > deadline:
            return answer
        time.sleep(0.1)


def test_a_silent_tracking_store_leaves_health_up_and_readiness_loading_then_timed_out(
    make_settings: Callable[..., Settings], silent_store: str, quick_mlflow_http: None
) -> None:
    settings = make_settings(tracking_uri=silent_store, model_load_timeout_seconds=1)
    with StarletteTestClient(create_app(settings)) as starting:
        health = starting.get("/healthz")
        loading = starting.get("/readyz")
        timed_out = _ready_when(starting, lambda body: body["status"] != "loading")

    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert loading.status_code == 503 and loading.headers["retry-after"]
    assert loading.json()["status"] == "loading" and loading.json()["ready"] is False
    assert "loading models:/" in loading.json()["reason"]
    assert timed_out.status_code == 503
    assert timed_out.json()["status"] == "timed_out"
    assert "longer than 1 s" in timed_out.json()["reason"]


def test_a_dead_tracking_store_is_named_in_readiness(
    make_settings: Callable[..., Settings], quick_mlflow_http: None
) -> None:
    with TestClient(create_app(make_settings(tracking_uri=DEAD_TRACKING_URI))) as running:
        health = running.get("/healthz")
        ready = running.get("/readyz")
        scores = running.get("/v1/model", headers=AUTH)

    assert health.status_code == 200
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "failed" and body["model"] is None
    assert body["reason"].startswith("no model loaded; the latest attempt failed: ")
    assert "127.0.0.1:9" in body["last_reload_error"]
    assert scores.status_code == 503 and scores.json()["error"] == "not_ready"


def test_umkm_serve_answers_healthz_while_the_tracking_store_is_dead(tmp_path: Path) -> None:
    """The real process: /healthz answers as soon as uvicorn listens, readiness says failed."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("UMKM_")}
    env |= {"UMKM_TRACKING_URI": DEAD_TRACKING_URI, "UMKM_API_KEYS": "health-test-key-0123456789"}
    server = start_umkm_serve(port, env, tmp_path)
    try:
        health = _first_answer(f"http://127.0.0.1:{port}/healthz", server)
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
        while ready.json()["status"] == "loading" and server.poll() is None:
            time.sleep(0.2)
            ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert health.status_code == 200
    assert ready.status_code == 503 and ready.json()["status"] == "failed"
    assert "127.0.0.1:9" in ready.json()["reason"]


def _first_answer(url: str, server: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while server.poll() is None and time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"no answer from {url}; exit code {server.poll()}")


@pytest.fixture
def copy_in_service(registered_model: Any) -> Iterator[tuple[str, Path]]:
    """A new version of the fixture's model as champion (put back afterwards), and the folder
    of its artifacts, which the test may break."""
    client = MlflowClient(tracking_uri=registered_model.tracking_uri)
    name = registered_model.name
    original = client.get_model_version_by_alias(name, "champion").version
    version = register_copy_as_champion(registered_model, "service-test-breakable-version")
    artifacts = Path(urlparse(client.get_model_version_download_uri(name, version)).path)
    yield version, artifacts
    client.set_registered_model_alias(name, "champion", original)


def test_a_failed_reload_stays_visible_while_the_version_is_still_broken(
    make_settings: Callable[..., Settings], copy_in_service: tuple[str, Path]
) -> None:
    version, artifacts = copy_in_service
    with TestClient(create_app(make_settings())) as running:
        assert running.get("/readyz").json()["model"]["version"] == version
        shutil.rmtree(artifacts)  # the artifact of the version in service is gone
        forced = running.post("/v1/admin/reload?force=true", headers=ADMIN).json()
        after_failure = running.get("/readyz").json()
        unchanged_poll = running.post("/v1/admin/reload", headers=ADMIN).json()
        still = running.get("/readyz")

    assert forced["changed"] is False and forced["error"]
    assert after_failure["last_reload_error"] == forced["error"]
    # The alias did not move, but the version it names still cannot load: the error stands.
    assert unchanged_poll["error"] == forced["error"]
    assert still.status_code == 200 and still.json()["model"]["version"] == version
    assert still.json()["status"] == "ready"
    assert still.json()["last_reload_error"] == forced["error"]
    assert still.json()["reason"].startswith("serving the previous model; the latest reload failed")


def test_the_error_clears_when_the_alias_leaves_the_broken_version(
    make_settings: Callable[..., Settings],
    registered_model: Any,
    tmp_path: Path,
) -> None:
    client = MlflowClient(tracking_uri=registered_model.tracking_uri)
    name = registered_model.name
    serving = client.get_model_version_by_alias(name, "champion").version
    broken = client.create_model_version(
        name, source=(tmp_path / "missing-model").as_uri(), run_id=None
    )
    try:
        with TestClient(create_app(make_settings())) as running:
            client.set_registered_model_alias(name, "champion", broken.version)
            failed = running.post("/v1/admin/reload", headers=ADMIN).json()
            again = running.post("/v1/admin/reload", headers=ADMIN).json()
            client.set_registered_model_alias(name, "champion", serving)
            back = running.post("/v1/admin/reload", headers=ADMIN).json()
            ready = running.get("/readyz").json()
    finally:
        client.set_registered_model_alias(name, "champion", serving)

    assert failed["error"] and again["error"]  # tried again at each check, fails again
    assert back == {"changed": False, "model": back["model"], "error": None}
    assert ready["last_reload_error"] is None and ready["reason"] is None


def test_credentials_in_the_tracking_uri_never_reach_readiness_or_the_log(
    make_settings: Callable[..., Settings],
    quick_mlflow_http: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "Ml-Secret-Pass2"
    uri = f"http://mlflowuser:{secret}@127.0.0.1:9"
    with TestClient(create_app(make_settings(tracking_uri=uri))) as running:
        ready = running.get("/readyz")
    body = ready.json()
    assert "mlflowuser:***@127.0.0.1:9" in body["last_reload_error"]
    assert secret not in ready.text
    assert secret not in caplog.text
    assert "loading model from" in caplog.text


def test_a_tracking_store_that_is_not_there_is_named_not_created(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    missing = tmp_path / "elsewhere" / "mlflow.db"
    missing.parent.mkdir()
    with TestClient(create_app(make_settings(tracking_uri=f"sqlite:///{missing}"))) as running:
        ready = running.get("/readyz")
    assert ready.status_code == 503
    assert f"there is no MLflow tracking store at {missing}" in ready.json()["last_reload_error"]
    assert not missing.exists()
