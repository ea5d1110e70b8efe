"""Shared pieces of the service tests: keys, the test client class, profile records."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x asks for `httpx2` in its test client; httpx is what the project locks.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient as StarletteTestClient

__all__ = [
    "ADMIN",
    "ADMIN_KEY",
    "API_KEY",
    "AUTH",
    "OTHER_API_KEY",
    "StarletteTestClient",
    "TestClient",
    "assert_the_models_reasons",
    "records",
]

API_KEY = "test-api-key-0123456789"
OTHER_API_KEY = "test-api-key-abcdefghij"
ADMIN_KEY = "test-admin-key-0123456789"
AUTH = {"X-API-Key": API_KEY}
ADMIN = {"X-API-Key": ADMIN_KEY}


class TestClient(StarletteTestClient):
    """The test client, entered once the app's first model load has ended (it runs in the
    background, so the app serves before it finishes); `StarletteTestClient` does not wait."""

    def __enter__(self) -> TestClient:
        super().__enter__()
        store = self.app.state.model_store  # type: ignore[attr-defined]
        assert store.first_attempt_done.wait(timeout=300), "the model did not load in 5 minutes"
        return self


def upload_outcomes(
    client: Any, list_id: str, content: bytes, name: str = "hasil.csv", language: str = "id"
) -> Any:
    """An outcomes file sent as the page sends it (`POST /v1/outcomes/upload`), in `language`."""
    return client.post(
        "/v1/outcomes/upload",
        files={"file": (name, content)},
        data={"list_id": list_id},
        headers=AUTH | {"Accept-Language": language},
    )


def day(offset: int = 0) -> str:
    """Today in UTC (the day the tests' lists are issued) moved by `offset` days, as the API
    takes dates."""
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=offset)).isoformat()


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Profile rows as a JSON client sends them (NaN -> null, numpy scalars -> Python)."""
    out = []
    for row in frame.to_dict("records"):
        clean: dict[str, Any] = {}
        for key, raw in row.items():
            value = raw.item() if hasattr(raw, "item") else raw
            clean[str(key)] = None if isinstance(value, float) and math.isnan(value) else value
        out.append(clean)
    return out


def assert_the_models_reasons(left_out: Iterable[tuple[str, float | None]], cutoff: float) -> None:
    """Each MSME left off a list the model picked slots of, as (reason code, uplift), is told why
    the model passed it by, and truly so against the model's last pick (`cutoff`), drawn slots
    aside: below the cutoff only with a positive uplift not above it, no benefit only with an
    uplift not above 0, a constraint only above the cutoff; never `not_drawn`, which is kept for
    lists whose every slot was drawn."""
    for code, uplift in left_out:
        assert code != "not_drawn", uplift
        if code in ("already_digital", "missing_uplift"):
            continue
        assert uplift is not None, code
        if code == "below_rank_cutoff":
            assert 0 < uplift <= cutoff, (code, uplift, cutoff)
        elif code == "not_beneficial":
            assert uplift <= 0, (code, uplift)
        else:
            assert code in ("province_quota_full", "over_budget", "min_share_reserved"), code
            assert uplift > cutoff, (code, uplift, cutoff)


def register_copy_as_champion(registered_model: Any, run_name: str) -> str:
    """Logs the session's model again as a new version of its registered model and moves the
    champion alias to it; returns the version (the caller puts the alias back)."""
    import mlflow
    from mlflow import MlflowClient

    from models.pyfunc import load_uplift_model, log_uplift_model

    client = MlflowClient(tracking_uri=registered_model.tracking_uri)
    mlflow.set_tracking_uri(registered_model.tracking_uri)
    model = load_uplift_model(registered_model.model_uri)
    example = registered_model.candidates[list(model.feature_columns)].head(3)
    experiment = client.get_run(registered_model.run_id).info.experiment_id
    with mlflow.start_run(experiment_id=experiment, run_name=run_name):
        logged = log_uplift_model(
            model, input_example=example, registered_model_name=registered_model.name
        )
    version = str(logged.registered_model_version)
    client.set_registered_model_alias(registered_model.name, "champion", version)
    return version


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_umkm_serve(
    port: int, env: dict[str, str], cwd: Path, *options: str
) -> subprocess.Popen[str]:
    """`umkm serve` on `port` as a real process (no access log; stderr kept for failures)."""
    return subprocess.Popen(
        [sys.executable, "-m", "umkm", "serve", "--port", str(port), *options, "--no-access-log"],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
