"""Load at a fixed rate for 60 s against `umkm serve` on 127.0.0.1, with a forced model reload
and a promotion in the middle; reports requests sent and failed.

    uv sync --group bench
    uv run python benchmarks/load_service.py [--rate 20] [--seconds 60] [--workers 2]

Everything is local and bounded: a small simulated history is trained into a temporary MLflow
store (version 1, champion), a copy is registered as version 2, the service starts on a free
loopback port, Locust (headless, `benchmarks/locustfile_service.py`) sends `--rate` requests a
second for `--seconds`; a third of the way in, POST /v1/admin/reload?force=true reloads the
model; two thirds in, `umkm promote --version 2` moves the alias and the service's poller swaps
the new version in. Afterwards the service is stopped and the temporary folder removed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = Path(__file__).with_name("locustfile_service.py")
API_KEY = "load-test-api-key-0123456789"
ADMIN_KEY = "load-test-admin-key-0123456789"
USER_RATE = 1.0  # requests a second per Locust user


def umkm(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "umkm", *args], env=env, check=True, cwd=ROOT)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(folder: Path, env: dict[str, str]) -> list[dict[str, object]]:
    """Version 1 trained (champion), version 2 a copy; candidate profiles for the requests."""
    import mlflow
    from mlflow import MlflowClient

    from data.contract import CHAMPION, DEFAULT_MODEL_NAME, DEFAULT_MODEL_URI
    from data.io import read_table
    from models.pyfunc import load_uplift_model, log_uplift_model
    from tests.service.support import records

    umkm("simulate", "--rows", "6000", "--seed", "7", "--output", str(folder / "sim"), env=env)
    umkm(
        "train", "--data", str(folder / "sim" / "history.parquet"),
        "--config", str(ROOT / "training" / "configs" / "fast.toml"),
        "--output-dir", str(folder / "training"), "--quiet", env=env,
    )  # fmt: skip
    mlflow.set_tracking_uri(env["MLFLOW_TRACKING_URI"])
    client = MlflowClient()
    champion = client.get_model_version_by_alias(DEFAULT_MODEL_NAME, CHAMPION)
    model = load_uplift_model(DEFAULT_MODEL_URI)
    candidates = read_table(folder / "sim" / "candidates.parquet")
    assert champion.run_id is not None, "the champion has no run"
    experiment = client.get_run(champion.run_id).info.experiment_id
    with mlflow.start_run(experiment_id=experiment, run_name="load-test-second-version"):
        log_uplift_model(
            model,
            input_example=candidates[list(model.feature_columns)].head(3),
            registered_model_name=DEFAULT_MODEL_NAME,
        )
    offline = candidates[candidates["digital_status"] == "offline"]
    return records(offline.head(2000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=20.0, help="requests a second in all")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2, help="umkm serve --workers")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="umkm-load-") as tmp:
        folder = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("UMKM_", "MLFLOW_"))}
        env["MLFLOW_TRACKING_URI"] = f"sqlite:///{folder / 'mlflow.db'}"
        os.environ["MLFLOW_TRACKING_URI"] = env["MLFLOW_TRACKING_URI"]
        profiles = prepare(folder, env)
        (folder / "profiles.json").write_text(json.dumps(profiles))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve_env = env | {
            "UMKM_API_KEYS": API_KEY,
            "UMKM_ADMIN_KEYS": ADMIN_KEY,
            "UMKM_TRACKING_URI": env["MLFLOW_TRACKING_URI"],
            "UMKM_MODEL_POLL_SECONDS": "2",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "umkm", "serve", "--port", str(port),
             "--workers", str(args.workers), "--no-access-log"],
            env=serve_env, cwd=folder, stdout=subprocess.DEVNULL, stderr=folder.joinpath(
                "serve.log").open("w"),
        )  # fmt: skip
        try:
            run(args, base, folder, env)
        finally:
            server.terminate()
            server.wait(timeout=60)


def run(args: argparse.Namespace, base: str, folder: Path, env: dict[str, str]) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    before = httpx.get(f"{base}/readyz").json()["model"]["version"]
    users = max(1, round(args.rate / USER_RATE))
    locust_env = env | {
        "UMKM_LOAD_PROFILES": str(folder / "profiles.json"),
        "UMKM_LOAD_KEY": API_KEY,
        "UMKM_LOAD_USER_RATE": str(USER_RATE),
    }
    events: list[str] = []

    def middle() -> None:
        time.sleep(args.seconds / 3)
        started = time.monotonic()
        reload = httpx.post(
            f"{base}/v1/admin/reload", params={"force": "true"},
            headers={"X-API-Key": ADMIN_KEY}, timeout=120,
        ).json()  # fmt: skip
        events.append(
            f"forced reload at {args.seconds / 3:.0f} s: changed={reload['changed']}, "
            f"error={reload['error']}, took {time.monotonic() - started:.1f} s"
        )
        time.sleep(max(0.0, args.seconds / 3 - (time.monotonic() - started)))
        umkm("promote", "--version", "2", "--reason", "load test", env=env)
        events.append(f"umkm promote --version 2 at {2 * args.seconds / 3:.0f} s")

    interrupter = threading.Thread(target=middle, daemon=True)
    interrupter.start()
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
         "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{args.seconds}s",
         "--host", base, "--csv", str(folder / "load"), "--only-summary", "--loglevel", "WARNING"],
        env=locust_env, check=False, cwd=folder,
    )  # fmt: skip
    interrupter.join(timeout=120)
    after = httpx.get(f"{base}/readyz").json()
    print(f"\nservice: {args.workers} workers on {base}; {users} users at {USER_RATE:g}/s each")
    for event in events:
        print(event)
    print(f"model version before: {before}; after: {after['model']['version']}; "
          f"last reload error: {after['last_reload_error']}")  # fmt: skip
    with (folder / "load_stats.csv").open() as stats:
        for row in csv.DictReader(stats):
            print(
                f"{row['Name']:<24} sent {row['Request Count']:>6}  failed "
                f"{row['Failure Count']:>4}  median {row['50%']} ms  p99 {row['99%']} ms"
            )


if __name__ == "__main__":
    main()
