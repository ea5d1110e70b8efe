"""The model URI as the service shows it (/readyz, GET /v1/model, responses, lists, the log):
credentials masked, whatever the state; the raw URI is only for loading. A registry URI such as
`models:/umkm-uplift@champion` is shown as it is."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from mlflow import MlflowClient

from service.app import create_app
from service.metrics import ServiceMetrics
from service.model_store import ModelSource, ModelStore
from service.settings import Settings
from tests.service.support import AUTH, TestClient

SECRET = "Model-Secret-Pass3"


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        (f"https://{SECRET}@models.example/umkm/model", "https://***@models.example/umkm/model"),
        (f"s3://ops:pa/{SECRET}@minio:9000/m", "s3://ops:***@minio:9000/m"),
        (f"file://ops:{SECRET}@localhost/srv/model", "file://ops:***@localhost/srv/model"),
        ("models:/umkm-uplift@champion", "models:/umkm-uplift@champion"),
        ("models:/umkm-uplift/3", "models:/umkm-uplift/3"),
        ("runs:/0123abcd/model", "runs:/0123abcd/model"),
    ],
)
def test_the_uri_is_shown_masked_while_loading(uri: str, shown: str) -> None:
    """/readyz's `reason` before the first attempt ends (it needs no key)."""
    store = ModelStore(uri, None, ServiceMetrics(), load_timeout=5)
    assert store.state == "loading"
    assert store.reason() == f"loading {shown} (at most 5 s per attempt)"
    assert ModelSource(uri=uri).shown_uri == shown
    assert ModelSource(uri=uri).load_uri == uri  # loading takes the URI as given


def test_a_failed_load_names_the_uri_masked_in_the_log_and_on_readiness(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    uri = f"file://{SECRET}@localhost{tmp_path / 'no-model'}"  # a token alone
    store = ModelStore(uri, None, ServiceMetrics(), load_timeout=60)
    # On a thread of its own: when the browser tests ran first in this worker, Playwright's sync
    # API keeps an event loop running on this thread for the session, and asyncio.run refuses.
    with caplog.at_level(logging.INFO), ThreadPoolExecutor(max_workers=1) as thread:
        outcome = thread.submit(asyncio.run, store.refresh()).result()
    assert outcome.error is not None and SECRET not in outcome.error
    assert SECRET not in (store.reason() or "")
    assert SECRET not in caplog.text
    assert f"loading model from file://***@localhost{tmp_path / 'no-model'}" in caplog.text


@pytest.fixture(scope="module")
def model_files(registered_model: Any) -> Path:
    """The folder of the session model's artifacts (a model URI any scheme can point at)."""
    client = MlflowClient(tracking_uri=registered_model.tracking_uri)
    uri = client.get_model_version_download_uri(registered_model.name, registered_model.version)
    return Path(urlparse(uri).path)


def test_a_model_loaded_from_a_uri_with_credentials_never_shows_them(
    make_settings: Callable[..., Settings],
    model_files: Path,
    profiles: list[dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A `file://` URI with a user and password loads (the host part is ignored on POSIX): what
    the service shows and logs of it (/readyz, GET /v1/model, a scored answer, the metrics) masks
    the password."""
    uri = f"file://ops:{SECRET}@localhost{model_files}"
    shown = f"file://ops:***@localhost{model_files}"
    with (
        caplog.at_level(logging.INFO),
        TestClient(create_app(make_settings(model_uri=uri))) as running,
    ):
        ready = running.get("/readyz")
        info = running.get("/v1/model", headers=AUTH)
        scored = running.post("/v1/scores", json={"msmes": profiles[:2]}, headers=AUTH)
        metrics = running.get("/metrics")
    assert ready.status_code == 200, ready.text
    assert ready.json()["model"]["name"] == shown
    assert info.json()["name"] == shown and info.json()["uri"] == shown
    assert scored.status_code == 200, scored.text
    assert scored.json()["model"]["name"] == shown
    for answer in (ready, info, scored, metrics):
        assert SECRET not in answer.text
    assert f"serving model {shown}" in caplog.text
    assert SECRET not in caplog.text


def test_a_registered_model_is_named_as_registered(
    client: TestClient, registered_model: Any
) -> None:
    """A registry URI holds no credentials: name and URI are shown as they are."""
    info = client.get("/v1/model", headers=AUTH).json()
    assert info["name"] == registered_model.name
    assert info["uri"] == registered_model.model_uri == "models:/umkm-uplift@champion"
