"""Prometheus metrics of one app: requests and latency by route and status, MSMEs scored, the
model being served and failed reloads, the API keys in force and failed reads of the keys file.

Each app gets its own registry (tests create many apps). Under `umkm serve --workers N` the
workers share `PROMETHEUS_MULTIPROC_DIR`, and /metrics adds up every live worker's numbers.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from models.drift import DriftReport

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


@dataclass
class ServiceMetrics:
    """The metrics of one app."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        registry = self.registry
        self.requests = Counter(
            "umkm_http_requests",
            "HTTP requests by route, method and status.",
            ["route", "method", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "umkm_http_request_duration_seconds",
            "Time to answer HTTP requests, by route, method and status.",
            ["route", "method", "status"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.msmes_scored = Counter(
            "umkm_msmes_scored", "MSMEs scored, by route.", ["route"], registry=registry
        )
        self.model_info = Gauge(
            "umkm_model_info",
            "1 for the registered model version being served.",
            ["name", "version"],
            registry=registry,
            multiprocess_mode="livemax",
        )
        self.model_loaded = Gauge(
            "umkm_model_loaded",
            "1 when a model is loaded and the service can score.",
            registry=registry,
            multiprocess_mode="livemin",
        )
        self.reload_failures = Counter(
            "umkm_model_reload_failures",
            "Model loads or alias checks that failed (the previous model stayed in service).",
            registry=registry,
        )
        self.last_reload_failed = Gauge(
            "umkm_model_last_reload_failed",
            "1 when the latest model load or alias check failed.",
            registry=registry,
            multiprocess_mode="livemax",
        )
        self.model_swaps = Counter(
            "umkm_model_swaps", "Times a new model version was swapped in.", registry=registry
        )
        # Each worker reads the keys file itself: a bad edit counts once per worker.
        self.api_keys_loaded = Gauge(
            "umkm_api_keys_loaded",
            "API keys accepted now: UMKM_API_KEYS and UMKM_ADMIN_KEYS, and UMKM_API_KEYS_FILE's.",
            registry=registry,
            multiprocess_mode="livemostrecent",
        )
        self.api_keys_reload_failures = Counter(
            "umkm_api_keys_reload_failures",
            "Reads of UMKM_API_KEYS_FILE that failed: an entry that cannot be used (not applied, "
            "the keys in force stayed) or a file that cannot be read (its keys dropped).",
            registry=registry,
        )
        self.api_keys_last_reload_failed = Gauge(
            "umkm_api_keys_last_reload_failed",
            "1 when the latest read of UMKM_API_KEYS_FILE failed.",
            registry=registry,
            multiprocess_mode="livemax",
        )
        self.store_up = Gauge(
            "umkm_program_store_up",
            "1 when the program store (issued lists, outcomes) took a query at the latest scrape.",
            registry=registry,
            multiprocess_mode="livemostrecent",
        )
        # Drift of everything the served version scored, in every worker (`service.worker_sync`
        # adds up the workers' tallies): the worker answering /metrics sets the whole figure, so
        # under several workers the most recently set value is the one reported.
        self.feature_psi = Gauge(
            "umkm_feature_psi",
            "Population stability index of a feature: scored MSMEs against the model's training "
            "rows (above 0.1 moderate, above 0.25 major shift).",
            ["feature"],
            registry=registry,
            multiprocess_mode="livemostrecent",
        )
        self.score_psi = Gauge(
            "umkm_score_psi",
            "Population stability index of the uplift score against the training rows'.",
            registry=registry,
            multiprocess_mode="livemostrecent",
        )
        self.drift_rows = Gauge(
            "umkm_drift_rows",
            "MSMEs scored by the served model version, by every worker (the PSI's sample).",
            registry=registry,
            multiprocess_mode="livemostrecent",
        )

    def served_model(
        self, name: str, version: str | None, previous: tuple[str, str] | None
    ) -> None:
        """Record which version is being served now."""
        if previous is not None:
            self.model_info.labels(*previous).set(0)
        self.model_info.labels(name, version or "").set(1)
        self.model_loaded.set(1)

    def drift(self, report: DriftReport | None) -> None:
        """Set the drift gauges from the served version's report (cleared without one). While it
        is still collecting (fewer than `models.drift.MIN_ROWS_FOR_STATUS` rows since the version
        was loaded) the PSI gauges are empty and the score's is NaN: a PSI of a few rows is
        sampling noise, and an alert on it would fire after every restart or promotion."""
        if not os.environ.get(MULTIPROC_ENV):  # there, the workers' files keep the values
            self.feature_psi.clear()  # (and clearing warns on every scrape)
        if report is None or report.status == "collecting":
            self.score_psi.set(float("nan"))
            self.drift_rows.set(0 if report is None else report.rows_seen)
            return
        for name, value in report.feature_psi.items():
            self.feature_psi.labels(name).set(value)
        self.score_psi.set(report.score_psi if report.score_psi is not None else float("nan"))
        self.drift_rows.set(report.rows_seen)

    def exposition(self) -> bytes:
        """The text format for /metrics (all workers' numbers under multiprocess mode)."""
        if os.environ.get(MULTIPROC_ENV):
            combined = CollectorRegistry()
            MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
            return generate_latest(combined)
        return generate_latest(self.registry)


def forget_this_process() -> None:
    """At worker exit, drop its live gauges from the multiprocess totals."""
    if os.environ.get(MULTIPROC_ENV):
        mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


class MetricsMiddleware:
    """Counts and times every HTTP request by route template (never by raw path)."""

    def __init__(
        self, app: ASGIApp, *, metrics: ServiceMetrics, known_paths: frozenset[str]
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.known_paths = known_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        answered: float | None = None

        async def send_with_status(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                # The answer is complete: a background task run after it is not its time.
                answered = time.perf_counter()

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            label = getattr(scope.get("route"), "path", None)
            if label is None:  # refused before routing (413): still one of ours, or unmatched
                label = scope["path"] if scope["path"] in self.known_paths else "unmatched"
            labels = (label, scope["method"], str(status))
            self.metrics.requests.labels(*labels).inc()
            finished = time.perf_counter() if answered is None else answered
            self.metrics.latency.labels(*labels).observe(finished - start)
