"""One service across its workers: an admin reload reaches every worker, and drift adds up what
every worker scored (`service.worker_sync`, through the program store).

Two apps on one program store stand for two workers (each app is what one uvicorn worker runs);
the last test starts the real `umkm serve --workers 2`.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mlflow import MlflowClient
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from data.store.workers import request_reload
from service.app import create_app
from service.settings import Settings
from tests.service.support import (
    ADMIN,
    ADMIN_KEY,
    API_KEY,
    AUTH,
    StarletteTestClient,
    TestClient,
    free_port,
    register_copy_as_champion,
    start_umkm_serve,
)

SYNC_SECONDS = 0.2
# Generous (this is no timing test): on 2 busy cores a worker's start took a minute.
DEADLINE_SECONDS = 300.0


def _until(check: Callable[[], Any], what: str) -> Any:
    """`check()` once it is truthy; fails naming `what` after the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {DEADLINE_SECONDS:g} s: {what}")
        time.sleep(0.1)


def _metric(text: str, name: str) -> float:
    match = re.search(rf"^{name} (\S+)$", text, flags=re.MULTILINE)
    assert match is not None, f"{name} not in /metrics"
    return float(match.group(1))


def _shifted(profiles: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """Offline candidates made older and without smartphones (a major shift)."""
    offline = [p for p in profiles if p.get("digital_status") != "digital"][:count]
    assert len(offline) == count
    return [p | {"owner_age": 95, "has_smartphone": False} for p in offline]


@pytest.fixture
def shared_store(tmp_path: Path) -> str:
    """A program store of its own: the tallies of other tests' apps stay out."""
    return f"sqlite:///{tmp_path / 'umkm.db'}"


def test_a_reload_received_by_one_worker_reaches_the_other(
    make_settings: Callable[..., Settings], shared_store: str
) -> None:
    settings = make_settings(database_url=shared_store, worker_sync_seconds=SYNC_SECONDS)
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:

        def swaps(client: StarletteTestClient) -> float:
            return _metric(client.get("/metrics").text, "umkm_model_swaps_total")

        assert swaps(first) == swaps(second) == 1.0
        answer = first.post("/v1/admin/reload?force=true", headers=ADMIN)
        assert answer.status_code == 200
        assert answer.json()["changed"] is True and answer.json()["error"] is None
        assert swaps(first) == 2.0  # the worker that received it: at once

        _until(lambda: swaps(second) == 2.0, "the other worker reloads")
        time.sleep(10 * SYNC_SECONDS)  # ten more checks: each request is acted on once
        assert swaps(first) == swaps(second) == 2.0


def test_without_sharing_a_reload_stays_in_the_worker_that_receives_it(
    make_settings: Callable[..., Settings], shared_store: str
) -> None:
    settings = make_settings(database_url=shared_store, worker_sync_seconds=0)
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        assert first.post("/v1/admin/reload?force=true", headers=ADMIN).json()["changed"]
        time.sleep(1)
        assert _metric(second.get("/metrics").text, "umkm_model_swaps_total") == 1.0


def test_drift_adds_up_what_every_worker_scored_and_outlives_them(
    make_settings: Callable[..., Settings], shared_store: str, profiles: list[dict[str, Any]]
) -> None:
    shifted = _shifted(profiles, 500)
    settings = make_settings(database_url=shared_store, worker_sync_seconds=SYNC_SECONDS)
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        assert first.post("/v1/scores", json={"msmes": shifted[:150]}, headers=AUTH).is_success
        assert second.post("/v1/scores", json={"msmes": shifted[150:]}, headers=AUTH).is_success

        def drift(client: StarletteTestClient) -> dict[str, Any]:
            body: dict[str, Any] = client.get("/v1/model", headers=AUTH).json()["drift"]
            return body

        seen_by_first = _until(
            lambda: (d := drift(first))["rows_seen"] == 500 and d, "the first sees both"
        )
        seen_by_second = _until(
            lambda: (d := drift(second))["rows_seen"] == 500 and d, "the second sees both"
        )
        assert seen_by_first == seen_by_second  # the same counts, the same PSI
        assert seen_by_first["status"] == "major"
        assert seen_by_first["feature_psi"]["owner_age"] > 0.25
        assert _metric(first.get("/metrics").text, "umkm_drift_rows") == 500

        # A forced reload loads the same version afresh: what it scored before still counts.
        assert first.post("/v1/admin/reload?force=true", headers=ADMIN).json()["changed"]
        assert drift(first)["rows_seen"] == 500

    # Both workers stopped; a new one serving the same version starts from their counts.
    with TestClient(create_app(settings)) as restarted:
        assert drift(restarted) == seen_by_first


def test_a_promoted_version_counts_afresh(
    make_settings: Callable[..., Settings],
    shared_store: str,
    profiles: list[dict[str, Any]],
    promoted_copy: Callable[[], str],
) -> None:
    settings = make_settings(database_url=shared_store, worker_sync_seconds=SYNC_SECONDS)
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        assert first.post("/v1/scores", json={"msmes": profiles[:40]}, headers=AUTH).is_success
        new_version = promoted_copy()
        assert first.post("/v1/admin/reload", headers=ADMIN).json()["changed"] is True

        def info(client: StarletteTestClient) -> dict[str, Any]:
            body: dict[str, Any] = client.get("/v1/model", headers=AUTH).json()
            return body

        _until(lambda: info(second)["version"] == new_version, "the other serves it too")
        assert second.post("/v1/scores", json={"msmes": profiles[:7]}, headers=AUTH).is_success
        _until(lambda: info(first)["drift"]["rows_seen"] == 7, "the new version's count")


def test_a_reload_answers_changed_though_this_workers_own_check_runs_meanwhile(
    make_settings: Callable[..., Settings],
    shared_store: str,
    promoted_copy: Callable[[], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The receiving worker's periodic check must not take the request (and the swap) from the
    reload call: CI once saw `changed: false` for a reload that did change the model."""

    def slow_to_record(*args: Any, **kwargs: Any) -> None:
        request_reload(*args, **kwargs)
        time.sleep(10 * SYNC_SECONDS)  # several of this worker's checks fall in here

    monkeypatch.setattr("service.worker_sync.request_reload", slow_to_record)
    settings = make_settings(database_url=shared_store, worker_sync_seconds=SYNC_SECONDS)
    with TestClient(create_app(settings)) as client:
        new_version = promoted_copy()
        answer = client.post("/v1/admin/reload", headers=ADMIN).json()
        assert answer["changed"] is True, answer
        assert answer["model"]["version"] == new_version
        assert _metric(client.get("/metrics").text, "umkm_model_swaps_total") == 2.0


@pytest.fixture
def promoted_copy(registered_model: Any) -> Iterator[Callable[[], str]]:
    """Registers a copy of the fixture's model and moves the champion alias to it (the alias
    is put back afterwards); returns the new version."""
    client = MlflowClient(tracking_uri=registered_model.tracking_uri)
    name = registered_model.name
    original = client.get_model_version_by_alias(name, "champion").version

    def promote() -> str:
        return register_copy_as_champion(registered_model, "service-test-workers")

    yield promote
    client.set_registered_model_alias(name, "champion", original)


# ------------------------------------------------------------------ the real process


def _per_worker(metrics_dir: Path, name: str) -> dict[str, float]:
    """A counter's total in each worker process, from the workers' multiprocess files."""
    totals: dict[str, float] = {}
    for path in metrics_dir.glob("counter_*.db"):
        pid = path.stem.removeprefix("counter_")
        alone = metrics_dir / f"worker-{pid}"
        alone.mkdir(exist_ok=True)
        shutil.copy(path, alone / path.name)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(alone))  # type: ignore[no-untyped-call]
        value = sum(
            sample.value
            for metric in registry.collect()
            for sample in metric.samples
            if sample.name == name
        )
        totals[pid] = value
        shutil.rmtree(alone)
    return totals


@pytest.mark.slow  # two workers each import the stack and load the model: 30-90 s
def test_umkm_serve_with_two_workers_reloads_both_and_adds_up_their_drift(
    registered_model: Any,
    tmp_path: Path,
    profiles: list[dict[str, Any]],
    promoted_copy: Callable[[], str],
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = {name: value for name, value in os.environ.items() if not name.startswith("UMKM_")}
    env |= {
        "UMKM_MODEL_URI": registered_model.model_uri,
        "UMKM_TRACKING_URI": registered_model.tracking_uri,
        "UMKM_API_KEYS": API_KEY,
        "UMKM_ADMIN_KEYS": ADMIN_KEY,
        "UMKM_DATABASE_URL": f"sqlite:///{tmp_path / 'umkm.db'}",
        "UMKM_MODEL_POLL_SECONDS": "0",  # no alias polling: only the reload request moves them
        "UMKM_WORKER_SYNC_SECONDS": "0.5",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    server = start_umkm_serve(port, env, tmp_path, "--workers", "2")
    try:

        def fresh(method: str, path: str, **kwargs: Any) -> httpx.Response:
            # A new connection each time, so the kernel hands it to either worker.
            with httpx.Client(base_url=url, timeout=60) as client:
                return client.request(method, path, **kwargs)

        def swaps() -> float:
            return _metric(fresh("GET", "/metrics").text, "umkm_model_swaps_total")

        def both_ready() -> bool:
            try:
                return swaps() == 2.0
            except httpx.TransportError:
                assert server.poll() is None, "umkm serve ended"
                return False

        _until(both_ready, "both workers load the model")

        # Drift: small requests until both workers have scored some; the counts add up.
        sent = 0
        shifted = _shifted(profiles, 400)
        while sent < len(shifted):
            batch = shifted[sent : sent + 8]
            assert fresh("POST", "/v1/scores", json={"msmes": batch}, headers=AUTH).is_success
            sent += len(batch)
        scored = _per_worker(metrics_dir, "umkm_msmes_scored_total")
        assert sum(scored.values()) == sent
        assert len(scored) == 2 and min(scored.values()) > 0, scored  # both workers scored

        def drift_total() -> Any:
            drift = fresh("GET", "/v1/model", headers=AUTH).json()["drift"]
            rows = _metric(fresh("GET", "/metrics").text, "umkm_drift_rows")
            return drift["rows_seen"] == sent and rows == sent and drift

        drift = _until(drift_total, "either worker reports what both scored")
        assert drift["status"] == "major"

        def every_worker_agrees() -> bool:
            # The other worker reads the first one's tallies at its next sync (0.5 s here), so
            # it may answer with its older total just before; within the sync they agree.
            answers = [fresh("GET", "/v1/model", headers=AUTH).json()["drift"] for _ in range(6)]
            return all(answer == drift for answer in answers)

        _until(every_worker_agrees, "whichever worker answers reports the same drift")

        # A reload received by one worker reaches both: each swaps once more.
        new_version = promoted_copy()
        answer = fresh("POST", "/v1/admin/reload", headers=ADMIN).json()
        assert answer["changed"] is True, answer
        assert answer["model"]["version"] == new_version, answer
        _until(lambda: swaps() == 4.0, "both workers swap in the promoted version")
        versions = {fresh("GET", "/v1/model", headers=AUTH).json()["version"] for _ in range(8)}
        assert versions == {new_version}
        time.sleep(2)  # four more checks: no worker reloads twice
        assert swaps() == 4.0
        assert _per_worker(metrics_dir, "umkm_model_swaps_total") == dict.fromkeys(scored, 2.0)
    except AssertionError as failure:
        server.terminate()
        _, errors = server.communicate(timeout=60)
        raise AssertionError(f"{failure}\numkm serve said:\n{errors[-4000:]}") from None
    finally:
        if server.poll() is None:
            server.terminate()
            _, errors = server.communicate(timeout=60)
    assert "Traceback" not in errors, errors[-4000:]
    # Each worker logs the model it serves, first and after the reload.
    served = [line for line in errors.splitlines() if "serving model" in line]
    assert len(served) == 4, errors[-4000:]
    assert sum(f"version {new_version} " in line for line in served) == 2, served
