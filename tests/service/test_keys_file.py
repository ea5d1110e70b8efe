"""UMKM_API_KEYS_FILE: keys added, rotated under one name and revoked while the app runs, a file
emptied or deleted never opening the API, and a bad edit logged by line and not applied."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.app import create_app
from service.key_ring import KeyRing
from service.keys import ApiKey
from service.settings import Settings
from tests.service.support import (
    ADMIN,
    ADMIN_KEY,
    API_KEY,
    AUTH,
    TestClient,
    free_port,
    start_umkm_serve,
)

FILE_KEY = "file-key-0123456789abcdef"
OLD_KEY = "dinas-old-key-0123456789"
NEW_KEY = "dinas-new-key-0123456789"
SHORT_KEY = "tiny-k3y"


def write_keys(path: Path, *lines: str) -> None:
    """Replace the file's lines and move its modification time a second on, so the app sees the
    change whatever the filesystem's timestamp granularity."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text("".join(f"{line}\n" for line in lines))
    later = max(before, path.stat().st_mtime_ns) + 1_000_000_000
    os.utime(path, ns=(later, later))


def key(secret: str) -> dict[str, str]:
    return {"X-API-Key": secret}


def metric(client: TestClient, name: str) -> float:
    text = client.get("/metrics").text
    match = re.search(rf"^{name} (\S+)$", text, flags=re.MULTILINE)
    assert match is not None, f"{name} not in /metrics"
    return float(match.group(1))


@pytest.fixture(scope="module")
def keys_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secrets") / "umkm-api-keys"
    write_keys(path, "# keys of the reporting systems", "")
    return path


@pytest.fixture(scope="module")
def client(make_settings: Callable[..., Settings], keys_file: Path) -> Iterator[TestClient]:
    """The app with one key in the environment (and the admin key) and the keys file, looked at
    on every request."""
    settings = make_settings(
        api_keys=(API_KEY,), api_keys_file=keys_file, api_keys_file_check_seconds=0
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_a_key_added_to_the_file_is_accepted_without_a_restart(
    client: TestClient, keys_file: Path, profiles: list[dict[str, Any]]
) -> None:
    write_keys(keys_file, "# nothing yet")
    assert client.get("/v1/model", headers=key(FILE_KEY)).status_code == 401

    write_keys(keys_file, f"reporting:read:{FILE_KEY}")

    assert client.get("/v1/model", headers=key(FILE_KEY)).status_code == 200
    body = {"msmes": profiles[:3], "capacity": 1}
    refused = client.post("/v1/lists", json=body, headers=key(FILE_KEY))
    assert refused.status_code == 403  # the file's scopes hold: read only
    assert client.get("/v1/model", headers=AUTH).status_code == 200  # the environment's stays


def test_a_key_removed_from_the_file_is_refused(client: TestClient, keys_file: Path) -> None:
    write_keys(keys_file, f"reporting:read:{FILE_KEY}", f"dinas:read:{NEW_KEY}")
    assert client.get("/v1/model", headers=key(FILE_KEY)).status_code == 200

    write_keys(keys_file, f"dinas:read:{NEW_KEY}")

    assert client.get("/v1/model", headers=key(FILE_KEY)).status_code == 401
    assert client.get("/v1/model", headers=key(NEW_KEY)).status_code == 200


def issued_by(client: TestClient, profiles: list[dict[str, Any]], secret: str) -> str:
    body = {"msmes": profiles[:6], "capacity": 2}
    issued = client.post("/v1/lists", json=body, headers=key(secret))
    assert issued.status_code == 201, issued.text
    detail = client.get(f"/v1/lists/{issued.json()['list_id']}", headers=AUTH).json()
    created_by: str = detail["created_by"]
    return created_by


def test_a_key_rotated_under_its_name_keeps_the_issuer_of_lists(
    client: TestClient, keys_file: Path, profiles: list[dict[str, Any]]
) -> None:
    write_keys(keys_file, f"dinas-jabar:read+lists:{OLD_KEY}")
    assert issued_by(client, profiles, OLD_KEY) == "dinas-jabar"

    # The overlap: old and new secret under one name and the same scopes, both accepted.
    write_keys(keys_file, f"dinas-jabar:read+lists:{OLD_KEY}", f"dinas-jabar:lists+read:{NEW_KEY}")
    assert issued_by(client, profiles, OLD_KEY) == "dinas-jabar"
    assert issued_by(client, profiles, NEW_KEY) == "dinas-jabar"

    write_keys(keys_file, f"dinas-jabar:read+lists:{NEW_KEY}")
    assert client.get("/v1/model", headers=key(OLD_KEY)).status_code == 401
    assert issued_by(client, profiles, NEW_KEY) == "dinas-jabar"


def test_an_invalid_edit_keeps_the_keys_in_force_and_names_the_line(
    client: TestClient, keys_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_keys(keys_file, f"reporting:read:{FILE_KEY}")
    assert client.get("/v1/model", headers=key(FILE_KEY)).status_code == 200
    failures = metric(client, "umkm_api_keys_reload_failures_total")
    assert metric(client, "umkm_api_keys_loaded") == 3  # the environment's two, the file's one

    with caplog.at_level(logging.INFO, logger="service.key_ring"):
        write_keys(keys_file, "# rotated", f"dinas:read:{NEW_KEY}", f"reporting:read:{SHORT_KEY}")
        assert client.get("/v1/model", headers=key(FILE_KEY)).status_code == 200  # kept
        assert client.get("/v1/model", headers=key(NEW_KEY)).status_code == 401  # not applied

    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, errors
    assert str(keys_file) in errors[0]
    assert "line 3 is shorter than 16 characters" in errors[0]
    logged = caplog.text
    assert SHORT_KEY not in logged and NEW_KEY not in logged and FILE_KEY not in logged
    assert metric(client, "umkm_api_keys_reload_failures_total") == failures + 1
    assert metric(client, "umkm_api_keys_last_reload_failed") == 1
    assert metric(client, "umkm_api_keys_loaded") == 3

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="service.key_ring"):
        write_keys(keys_file, f"dinas:read:{NEW_KEY}", f"reporting:read:{FILE_KEY}")
        assert client.get("/v1/model", headers=key(NEW_KEY)).status_code == 200
    assert "keys loaded: 2 (dinas, reporting); keys in force: 4" in caplog.text
    assert NEW_KEY not in caplog.text
    assert metric(client, "umkm_api_keys_last_reload_failed") == 0
    assert metric(client, "umkm_api_keys_loaded") == 4


def test_a_key_of_the_environment_reused_in_the_file_is_not_applied(
    client: TestClient, keys_file: Path
) -> None:
    write_keys(keys_file, f"reporting:read:{FILE_KEY}")
    assert client.get("/v1/model", headers=key(FILE_KEY)).status_code == 200
    write_keys(keys_file, f"copy::{API_KEY}", f"dinas:read:{NEW_KEY}")
    assert client.get("/v1/model", headers=key(NEW_KEY)).status_code == 401
    assert client.get("/v1/model", headers=key(FILE_KEY)).status_code == 200


def test_an_admin_key_may_come_from_the_file(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    path = tmp_path / "keys"
    write_keys(path)
    settings = make_settings(admin_keys=(), api_keys_file=path, api_keys_file_check_seconds=0)
    with TestClient(create_app(settings)) as app:
        assert app.post("/v1/admin/reload", headers=key(FILE_KEY)).status_code == 403  # off
        write_keys(path, f"ops:read+admin:{FILE_KEY}")
        assert app.post("/v1/admin/reload", headers=key(FILE_KEY)).status_code == 200
        assert app.post("/v1/admin/reload", headers=AUTH).status_code == 403  # no admin scope


@pytest.mark.parametrize("change", ["emptied", "deleted", "unreadable"])
def test_a_file_emptied_or_deleted_never_opens_the_api(
    make_settings: Callable[..., Settings],
    tmp_path: Path,
    profiles: list[dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
    change: str,
) -> None:
    path = tmp_path / "keys"
    write_keys(path, f"page::{FILE_KEY}")
    # No UMKM_API_KEYS: without the file this app would be open to anyone.
    settings = make_settings(api_keys=(), api_keys_file=path, api_keys_file_check_seconds=0)
    score = {"msmes": profiles[:1]}
    with caplog.at_level(logging.WARNING), TestClient(create_app(settings)) as app:
        assert app.post("/v1/scores", json=score, headers=key(FILE_KEY)).status_code == 200
        assert app.post("/v1/scores", json=score).status_code == 401

        if change == "emptied":
            write_keys(path)
        elif change == "deleted":
            path.unlink()
        else:
            path.unlink()
            path.mkdir()  # something that cannot be read as a file

        for headers in ({}, key(FILE_KEY), key("wrong-key-0123456789")):
            for method, route, body in (("POST", "/v1/scores", score), ("GET", "/v1/lists", None)):
                response = app.request(method, route, json=body, headers=headers)
                assert response.status_code == 401, (change, route, headers)
        assert app.get("/v1/model", headers=ADMIN).status_code == 200  # the environment's stay

        if change != "unreadable":  # the file back: its keys again
            write_keys(path, f"page::{FILE_KEY}")
            assert app.post("/v1/scores", json=score, headers=key(FILE_KEY)).status_code == 200
    assert not any("NO API KEYS CONFIGURED" in record.getMessage() for record in caplog.records)
    assert FILE_KEY not in caplog.text and ADMIN_KEY not in caplog.text


def test_a_request_during_reloads_sees_the_old_keys_or_the_new_never_a_mix(
    tmp_path: Path,
) -> None:
    """Readers in threads while the file flips between two key sets (replaced atomically, as a
    Kubernetes secret is): every snapshot is one set or the other, whole."""
    path = tmp_path / "keys"
    sets = (
        [f"a:read:{'a' * 20}", f"b:read:{'b' * 20}", f"c:read:{'c' * 20}"],
        [f"a:read:{'A' * 20}", f"d:lists:{'d' * 20}"],
    )
    write_keys(path, *sets[0])
    environment = (ApiKey("env", frozenset({"read"}), b"e" * 20),)
    ring = KeyRing(environment, keys_file=path, check_seconds=0)
    expected = [{b"e" * 20, *(line.rsplit(":", 1)[1].encode() for line in lines)} for lines in sets]
    seen: list[set[bytes]] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.append({key.secret for key in ring.current().keys})

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    for flip in range(60):
        staged = path.with_suffix(".new")
        write_keys(staged, *sets[(flip + 1) % 2])
        staged.replace(path)
    done.set()
    for reader in readers:
        reader.join()

    assert seen and all(snapshot in expected for snapshot in seen)
    assert {key.secret for key in ring.current().keys} == expected[0]  # 60 flips: the first set


@pytest.mark.slow  # two workers each import the stack: 30-90 s on two busy cores
def test_every_worker_of_umkm_serve_reads_the_edited_file(
    registered_model: Any, tmp_path: Path
) -> None:
    keys_file = tmp_path / "umkm-api-keys"
    write_keys(keys_file, f"reporting:read:{FILE_KEY}")
    metrics_dir = tmp_path / "metrics"  # a file per worker once it has read the keys
    metrics_dir.mkdir()
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("UMKM_")}
    env |= {
        "UMKM_MODEL_URI": registered_model.model_uri,
        "UMKM_TRACKING_URI": registered_model.tracking_uri,
        "UMKM_API_KEYS": API_KEY,
        "UMKM_API_KEYS_FILE": str(keys_file),
        "UMKM_API_KEYS_FILE_CHECK_SECONDS": "0",
        "UMKM_DATABASE_URL": f"sqlite:///{tmp_path / 'umkm.db'}",
        "UMKM_MODEL_POLL_SECONDS": "0",
        "UMKM_WORKER_SYNC_SECONDS": "0",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    server = start_umkm_serve(port, env, tmp_path, "--workers", "2")

    def statuses(secret: str, times: int = 30) -> set[int]:
        """GET /v1/lists (no model needed) on a new connection each time: either worker."""
        answers = set()
        for _ in range(times):
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                answers.add(client.get("/v1/lists", headers=key(secret)).status_code)
        return answers

    try:
        deadline = time.monotonic() + 300
        while True:
            started = len(list(metrics_dir.glob("gauge_livemostrecent_*.db")))
            try:
                if started == 2 and statuses(FILE_KEY, times=1) == {200}:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, "umkm serve ended"
            assert time.monotonic() < deadline, "both workers did not answer in 300 s"
            time.sleep(0.2)
        assert statuses(FILE_KEY) == {200}

        write_keys(keys_file, f"dinas:read:{NEW_KEY}")

        assert statuses(FILE_KEY) == {401}
        assert statuses(NEW_KEY) == {200}
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=60)
    assert "Traceback" not in errors, errors[-4000:]
    assert errors.count("keys loaded: 1 (reporting); keys in force: 2") == 2, errors[-4000:]
    assert errors.count("keys loaded: 1 (dinas); keys in force: 2") == 2, errors[-4000:]
    assert FILE_KEY not in errors and NEW_KEY not in errors
