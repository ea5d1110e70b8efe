"""Benchmark of the scoring service against `mlflow models serve` on the same registered model.

    uv run python benchmarks/bench_service.py            # wrk and curl from Debian
    uv run python benchmarks/bench_service.py --repeats 5 --duration 15
    uv run python benchmarks/bench_service.py --config training/configs/msme.toml

What it does, all on 127.0.0.1 in a temporary folder:
1. simulates a history and 100,000 candidates, trains a config (by default the fast one: an
   S-learner, one pooled LightGBM model) and registers it as `umkm-uplift@champion` in a
   temporary SQLite MLflow store;
2. starts `mlflow models serve --env-manager local` (its default single worker unless
   --mlflow-workers) and `umkm serve --workers 2` on that model;
3. per repeat, in alternation: single-MSME requests at a fixed concurrency against
   mlflow's /invocations (dataframe_records) and our POST /v1/scores (with reasons), then
   1,000-MSME requests to /v1/scores, then POST /v1/prioritize with 100,000 MSMEs and
   province quotas (sent with curl; the service's own time read from its /metrics);
4. prints medians over the repeats as a Markdown table (and writes them as JSON if asked).

The load generator is wrk (bounded by duration, one thread, fixed connections); without wrk a
bounded httpx generator in a separate process is used and the table says so. Every request must
succeed: errors and non-2xx answers are counted and reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
from mlflow import MlflowClient
from prometheus_client.parser import text_string_to_metric_families

from data.contract import DEFAULT_MODEL_NAME, DEFAULT_MODEL_URI, PROFILE_COLUMNS
from data.simulate import simulate_to_dir
from training.config import load_config
from training.pipeline import train

REPO = Path(__file__).resolve().parents[1]
API_KEY = "bench-api-key-0123456789"

WRK_SCRIPT = textwrap.dedent(
    """
    local f = io.open(os.getenv("BENCH_BODY"), "r")
    wrk.method = "POST"
    wrk.body = f:read("*a")
    f:close()
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["X-API-Key"] = os.getenv("BENCH_KEY")
    done = function(summary, latency, requests)
      local e = summary.errors
      io.write(string.format(
        "BENCH {\\"requests\\": %d, \\"errors\\": %d, \\"non2xx\\": %d, \\"p50_ms\\": %.3f, "
        .. "\\"p99_ms\\": %.3f, \\"seconds\\": %.3f}\\n",
        summary.requests, e.connect + e.read + e.write + e.timeout, e.status,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))
    end
    """
)


@dataclass
class LoadResult:
    """One load run."""

    requests: int
    errors: int
    non2xx: int
    p50_ms: float
    p99_ms: float
    seconds: float
    cpu_ms_per_request: float = 0.0  # CPU time of the server's processes / requests

    @property
    def throughput(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


# ---------------------------------------------------------------------------- model and data


def build_model(
    folder: Path,
    rows: int,
    candidates: int,
    config_path: Path = REPO / "training/configs/fast.toml",
) -> tuple[str, Path, str]:
    """Train a config (the fast one by default) and register it; returns the tracking URI, the
    candidates file and the learner chosen."""
    paths = simulate_to_dir(
        rows=rows, seed=7, output=folder / "simulation", fmt="parquet", candidates=candidates
    )
    store = folder / "mlflow"
    store.mkdir(parents=True)
    tracking_uri = f"sqlite:///{store / 'mlflow.db'}"
    MlflowClient(tracking_uri=tracking_uri).create_experiment(
        DEFAULT_MODEL_NAME, artifact_location=(store / "artifacts").as_uri()
    )
    os.environ["MLFLOW_TRACKING_URI"] = tracking_uri
    config = load_config(config_path).with_overrides(
        data_path=paths["history"], output_dir=folder / "training-output"
    )
    result = train(config)
    if not result.promoted:
        MlflowClient(tracking_uri=tracking_uri).set_registered_model_alias(
            result.model_name, "champion", str(result.version)
        )
    return tracking_uri, paths["candidates"], result.chosen_learner


def request_bodies(candidates_path: Path, folder: Path) -> dict[str, Path]:
    """JSON bodies: one MSME (both servers), 1,000 MSMEs, 100,000 MSMEs with quotas."""
    frame = pd.read_parquet(candidates_path)[[spec.name for spec in PROFILE_COLUMNS]]
    offline = frame[frame["digital_status"] == "offline"]
    records: list[dict[str, Any]] = json.loads(frame.to_json(orient="records"))
    one = json.loads(offline.head(1).to_json(orient="records"))
    bodies = {
        "one": {"msmes": one},
        "one_mlflow": {"dataframe_records": one},
        "thousand": {"msmes": records[:1000]},
    }
    capacity = 3000
    # Each province may take 1.2 times its share of the slots: the quotas of the provinces with
    # the most promising MSMEs bind, and together they leave room to fill every slot.
    counts = frame["province_code"].value_counts()
    quotas = {
        code: max(1, int(capacity * count / len(frame) * 1.2)) for code, count in counts.items()
    }
    bodies["prioritize"] = {"msmes": records[:100_000], "capacity": capacity, "quotas": quotas}
    paths = {}
    for name, body in bodies.items():
        paths[name] = folder / f"{name}.json"
        paths[name].write_text(json.dumps(body))
    return paths


# ---------------------------------------------------------------------------------- servers


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a server in its own process group (so all its workers stop together)."""
    handle = log.open("wb")
    return subprocess.Popen(
        command, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 300) -> None:
    """Poll `url` until it answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early ({process.returncode}); see its log")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server we started, and its workers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# ------------------------------------------------------------------------------------- load


def cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """User + system CPU seconds of every process in the server's process group (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == process.pid:  # fields[2] is the process group id
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def run_wrk(url: str, body: Path, concurrency: int, seconds: float, script: Path) -> LoadResult:
    """wrk, one thread, `concurrency` connections, for `seconds`."""
    env = os.environ | {"BENCH_BODY": str(body), "BENCH_KEY": API_KEY}
    command = [
        "wrk", "-t1", f"-c{concurrency}", f"-d{seconds:g}s", "--timeout", "30s",
        "-s", str(script), url,
    ]  # fmt: skip
    output = subprocess.run(
        command, env=env, capture_output=True, text=True, check=True, timeout=seconds + 120
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    return LoadResult(**json.loads(line.removeprefix("BENCH ")))


def run_httpx(url: str, body: Path, concurrency: int, seconds: float) -> LoadResult:
    """Fallback generator: `concurrency` async clients in a child process, bounded in time."""
    code = textwrap.dedent(
        f"""
        import asyncio, json, time, httpx
        body = open({str(body)!r}, "rb").read()
        headers = {{"Content-Type": "application/json", "X-API-Key": {API_KEY!r}}}
        latencies, errors, non2xx = [], 0, 0
        async def worker(client, stop_at):
            global errors, non2xx
            while time.perf_counter() < stop_at:
                start = time.perf_counter()
                try:
                    response = await client.post({url!r}, content=body, headers=headers)
                    if response.status_code >= 300:
                        non2xx += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append((time.perf_counter() - start) * 1000)
        async def main():
            limits = httpx.Limits(max_connections={concurrency})
            async with httpx.AsyncClient(limits=limits, timeout=30) as client:
                start = time.perf_counter()
                stop_at = start + {seconds}
                await asyncio.gather(*(worker(client, stop_at) for _ in range({concurrency})))
                return time.perf_counter() - start
        elapsed = asyncio.run(main())
        latencies.sort()
        pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
        print("BENCH " + json.dumps(dict(requests=len(latencies), errors=errors, non2xx=non2xx,
              p50_ms=pick(0.5), p99_ms=pick(0.99), seconds=elapsed)))
        """
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    return LoadResult(**json.loads(line.removeprefix("BENCH ")))


def timed_post(url: str, body: Path) -> tuple[float, int, dict[str, Any]]:
    """One POST: wall seconds (send to last byte), status and JSON answer.

    With curl on the PATH the request goes through curl (like wrk, a client in C): on a
    two-core machine a Python client uploading 41 MB and reading 17 MB takes CPU from the
    server it is timing (httpx measured 0.5-2 s slower than curl against the same server).
    """
    headers = {"Content-Type": "application/json", "X-API-Key": API_KEY}
    if shutil.which("curl"):
        with tempfile.NamedTemporaryFile(suffix=".json") as answer_file:
            command = ["curl", "-sS", "-o", answer_file.name, "-w", "%{http_code} %{time_total}"]
            for name, value in headers.items():
                command += ["-H", f"{name}: {value}"]
            command += ["--data-binary", f"@{body}", url]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            status, seconds = output.split()
            text = Path(answer_file.name).read_text()
        try:
            answer = json.loads(text)
        except ValueError:
            answer = {"text": text[:500]}
        return float(seconds), int(status), answer
    content = body.read_bytes()
    start = time.perf_counter()
    response = httpx.post(url, content=content, headers=headers, timeout=120)
    elapsed = time.perf_counter() - start
    try:
        answer = response.json()
    except ValueError:
        answer = {"text": response.text[:500]}
    return elapsed, response.status_code, answer


def server_seconds(metrics_url: str, route: str) -> tuple[float, float]:
    """(sum of seconds, count) of the service's own latency histogram for a route."""
    text = httpx.get(metrics_url, timeout=30).text
    total = count = 0.0
    for family in text_string_to_metric_families(text):
        if family.name != "umkm_http_request_duration_seconds":
            continue
        for sample in family.samples:
            if sample.labels.get("route") == route and sample.labels.get("status") == "200":
                if sample.name.endswith("_sum"):
                    total += sample.value
                elif sample.name.endswith("_count"):
                    count += sample.value
    return total, count


# ------------------------------------------------------------------------------------- main


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="history rows to train on")
    parser.add_argument(
        "--config",
        type=Path,
        default=REPO / "training" / "configs" / "fast.toml",
        help="training config (default: fast, an S-learner; msme.toml trains the full choice)",
    )
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="workers of `umkm serve`")
    parser.add_argument(
        "--mlflow-workers",
        type=int,
        default=1,
        help="workers of `mlflow models serve` (1: its default, the issue's baseline)",
    )
    parser.add_argument("--concurrency", type=int, default=16, help="connections, single MSME")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--prioritize-requests", type=int, default=3, help="100,000-MSME lists per repeat"
    )
    parser.add_argument("--access-log", action="store_true", help="keep uvicorn access logs")
    parser.add_argument("--json", type=Path, help="also write the medians here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    use_wrk = shutil.which("wrk") is not None
    folder = Path(tempfile.mkdtemp(prefix="umkm-bench-"))
    script = folder / "post.lua"
    script.write_text(WRK_SCRIPT)
    print(f"working in {folder}", flush=True)
    started = time.perf_counter()
    tracking_uri, candidates_path, learner = build_model(
        folder, args.rows, args.candidates, args.config
    )
    bodies = request_bodies(candidates_path, folder)
    print(f"model and data ready in {time.perf_counter() - started:.0f} s", flush=True)

    env = os.environ | {"MLFLOW_TRACKING_URI": tracking_uri, "UMKM_API_KEYS": API_KEY}
    env["UMKM_MODEL_POLL_SECONDS"] = "0"
    mlflow_port, our_port = free_port(), free_port()
    mlflow_server = start(
        [
            sys.executable, "-m", "mlflow", "models", "serve",
            "-m", DEFAULT_MODEL_URI, "--env-manager", "local",
            "-h", "127.0.0.1", "-p", str(mlflow_port), "-w", str(args.mlflow_workers),
        ],
        env,
        folder / "mlflow-serve.log",
    )  # fmt: skip
    serve = [sys.executable, "-m", "umkm", "serve", "--host", "127.0.0.1"]
    serve += ["--port", str(our_port), "--workers", str(args.workers)]
    serve += [] if args.access_log else ["--no-access-log"]
    our_server = start(serve, env, folder / "umkm-serve.log")
    results: dict[str, list[LoadResult]] = {"mlflow": [], "ours": [], "thousand": []}
    prioritize_seconds: list[float] = []
    prioritize_server: list[float] = []
    try:
        wait_until_up(f"http://127.0.0.1:{mlflow_port}/ping", mlflow_server)
        wait_until_up(f"http://127.0.0.1:{our_port}/readyz", our_server)
        mlflow_url = f"http://127.0.0.1:{mlflow_port}/invocations"
        scores_url = f"http://127.0.0.1:{our_port}/v1/scores"
        prioritize_url = f"http://127.0.0.1:{our_port}/v1/prioritize"

        def load(url: str, body: Path, concurrency: int, seconds: float) -> LoadResult:
            server = mlflow_server if url == mlflow_url else our_server
            before = cpu_seconds(server)
            if use_wrk:
                result = run_wrk(url, body, concurrency, seconds, script)
            else:
                result = run_httpx(url, body, concurrency, seconds)
            used = cpu_seconds(server) - before
            result.cpu_ms_per_request = 1000 * used / max(result.requests, 1)
            print(f"  {url} {body.name}: {result.throughput:,.1f} req/s, {result}", flush=True)
            return result

        for url, body in ((mlflow_url, bodies["one_mlflow"]), (scores_url, bodies["one"])):
            load(url, body, args.concurrency, 2)  # warm-up
        for repeat in range(1, args.repeats + 1):
            results["mlflow"].append(
                load(mlflow_url, bodies["one_mlflow"], args.concurrency, args.duration)
            )
            results["ours"].append(load(scores_url, bodies["one"], args.concurrency, args.duration))
            results["thousand"].append(load(scores_url, bodies["thousand"], 2, args.duration))
            metrics_url = f"http://127.0.0.1:{our_port}/metrics"
            time.sleep(2)  # let the last 1,000-MSME requests wrk left in flight finish
            for _ in range(args.prioritize_requests):
                before = server_seconds(metrics_url, "/v1/prioritize")
                seconds, status, answer = timed_post(prioritize_url, bodies["prioritize"])
                if status != 200:
                    raise RuntimeError(f"prioritize answered {status}: {str(answer)[:500]}")
                after = server_seconds(metrics_url, "/v1/prioritize")
                prioritize_seconds.append(seconds)
                if after[1] > before[1]:
                    prioritize_server.append((after[0] - before[0]) / (after[1] - before[1]))
            summary = {key: round(value[-1].throughput, 1) for key, value in results.items()}
            print(f"repeat {repeat}: req/s {summary}, prioritize {seconds:.2f} s", flush=True)
    finally:
        stop(our_server)
        stop(mlflow_server)

    def median(runs: list[LoadResult], field: str) -> float:
        if field == "throughput":
            return statistics.median(run.throughput for run in runs)
        return float(statistics.median(getattr(run, field) for run in runs))

    table = {
        name: {
            "throughput": median(runs, "throughput"),
            "p50_ms": median(runs, "p50_ms"),
            "p99_ms": median(runs, "p99_ms"),
            "cpu_ms": median(runs, "cpu_ms_per_request"),
            "errors": sum(run.errors + run.non2xx for run in runs),
            "requests": sum(run.requests for run in runs),
        }
        for name, runs in results.items()
    }
    ratio = table["ours"]["throughput"] / table["mlflow"]["throughput"]
    p99_ratio = table["ours"]["p99_ms"] / table["mlflow"]["p99_ms"]
    generator = "wrk -t1" if use_wrk else "httpx (asyncio, one process)"
    machine = f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    print()
    print(
        f"Model: {args.config.name} on {args.rows:,} rows, learner {learner.upper()}. "
        f"Machine: {machine}. Load: {generator}, {args.duration:g} s runs, "
        f"median of {args.repeats}; `umkm serve --workers {args.workers}` and "
        f"`mlflow models serve -w {args.mlflow_workers}` on 127.0.0.1."
    )
    print()
    print("| What | Throughput | p50 | p99 | Server CPU per request | Errors |")
    print("|---|---|---|---|---|---|")
    for name, label, unit in (
        ("mlflow", f"`mlflow models serve`, 1 MSME, c={args.concurrency}", "req/s"),
        ("ours", f"`POST /v1/scores`, 1 MSME with reasons, c={args.concurrency}", "req/s"),
    ):
        row = table[name]
        print(
            f"| {label} | {row['throughput']:,.0f} {unit} | {row['p50_ms']:.1f} ms "
            f"| {row['p99_ms']:.1f} ms | {row['cpu_ms']:.2f} ms | {row['errors']} of "
            f"{row['requests']:,} |"
        )
    row = table["thousand"]
    print(
        f"| `POST /v1/scores`, 1,000 MSMEs, c=2 | {row['throughput'] * 1000:,.0f} MSMEs/s "
        f"| {row['p50_ms']:.0f} ms | {row['p99_ms']:.0f} ms | {row['cpu_ms']:.0f} ms "
        f"| {row['errors']} of {row['requests']:,} |"
    )
    server = statistics.median(prioritize_server) if prioritize_server else float("nan")
    print(
        f"| `POST /v1/prioritize`, 100,000 MSMEs, 38 province quotas, capacity 3,000 "
        f"| {statistics.median(prioritize_seconds):.2f} s per request (client wall time; "
        f"{server:.2f} s in the service; slowest {max(prioritize_seconds):.2f} s of "
        f"{len(prioritize_seconds)}) | | | | 0 |"
    )
    cpu_ratio = table["mlflow"]["cpu_ms"] / max(table["ours"]["cpu_ms"], 1e-9)
    print()
    print(
        f"Throughput ratio ours / mlflow: {ratio:.1f}x (goal >= 10x); "
        f"p99 ratio: {p99_ratio:.2f} (goal <= 0.20); CPU per request mlflow / ours: "
        f"{cpu_ratio:.1f}x. Load average at the end: {os.getloadavg()[0]:.1f} "
        "(other work on the machine shares the cores)."
    )
    if args.json:
        medians = {
            "table": table,
            "prioritize_seconds": prioritize_seconds,
            "prioritize_server_seconds": prioritize_server,
            "ratio": ratio,
            "p99_ratio": p99_ratio,
            "args": vars(args) | {"json": str(args.json)},
            "runs": {k: [asdict(r) for r in v] for k, v in results.items()},
        }
        args.json.write_text(json.dumps(medians, indent=2, default=str))
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
