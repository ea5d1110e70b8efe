"""The model being served, and how it is replaced without downtime.

A `ModelStore` resolves the configured URI (normally `DEFAULT_MODEL_URI`) to a
registered version, loads that version beside the one in service, and swaps the reference in one
assignment; requests in flight keep the object they already hold. A failed check or load keeps
the old model and is reported by /readyz and /metrics.

The first load runs in the background (`keep_loaded`), so the process answers /healthz at once
whatever the tracking store does; every attempt has a time limit, and MLflow's own HTTP retries
are bounded (`bound_registry_requests`) so an abandoned attempt ends soon after too.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from data.contract import PROFILE_COLUMNS
from models.model_lookup import check_store, masked_uri
from service.heap import set_aside_long_lived
from service.metrics import ServiceMetrics
from service.schemas import (
    EXAMPLE_PROFILE,
    EXAMPLE_PROFILE_2,
    ContractColumn,
    ModelDrift,
    ModelEvidence,
    ModelInfo,
    ModelRef,
)

if TYPE_CHECKING:
    from models.drift import DriftCounts, DriftReport
    from models.uplift_model import UpliftModel

logger = logging.getLogger(__name__)

LoadState = Literal["loading", "ready", "failed", "timed_out"]

# MLflow retries a failed registry request 7 times with exponential backoff by default (about
# 4 minutes against a dead host) and waits 120 s per request. The service asks for less, unless
# the operator set these variables: a dead store then fails an attempt in about 10 s.
REGISTRY_REQUEST_BOUNDS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "10",
}
# Without a model, the first load is tried again this often (or at the poll interval, if shorter).
FIRST_LOAD_RETRY_SECONDS = 30.0

_REGISTRY_URI = re.compile(r"^models:/(?P<name>[^/@]+)(?:@(?P<alias>[^/]+)|/(?P<version>\d+))$")


@dataclass(frozen=True)
class ModelSource:
    """Where the configured URI points: a registered version (with its alias), or any other URI."""

    uri: str
    name: str | None = None
    alias: str | None = None
    version: str | None = None
    run_id: str | None = None
    training_date: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def shown_uri(self) -> str:
        """The URI as the API, /readyz, the log and the lists show it: credentials masked
        (`models.model_lookup.masked_uri`); `uri` itself is only for loading."""
        return masked_uri(self.uri)

    @property
    def load_uri(self) -> str:
        """A URI that loads exactly this version, even if the alias moves meanwhile."""
        if self.name is not None and self.version is not None:
            return f"models:/{self.name}/{self.version}"
        return self.uri


@dataclass(frozen=True)
class LoadedModel:
    """A loaded model and what the API says about it."""

    model: UpliftModel
    source: ModelSource
    loaded_at: str
    features: tuple[str, ...]
    # What this model has scored in this process, counted against its training population
    # (None: an older model without a reference); each load starts a tally of its own, saved
    # under `tally_id` and added up with the other workers' (`service.worker_sync`).
    drift: DriftCounts | None = None
    tally_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def name(self) -> str:
        """The registered name (or the URI, credentials masked, when the model is not
        registered): shown on /readyz, in responses, lists, exports and metrics."""
        return self.source.name or self.source.shown_uri

    @property
    def version(self) -> str | None:
        """The registered version, if any."""
        return self.source.version

    @property
    def ref(self) -> ModelRef:
        """Name and version, as responses carry them."""
        return ModelRef(name=self.name, version=self.version)

    @property
    def evidence(self) -> ModelEvidence | None:
        """The training run's evidence check, as the model carries it."""
        found = self.model.model_info.get("evidence")
        return None if not isinstance(found, dict) else ModelEvidence.model_validate(found)

    @property
    def evidence_warning(self) -> tuple[str, dict[str, int]] | None:
        """The code and parameters of the warning every list carries when the evidence is
        weak (`data.messages` words it); None when it is not."""
        return self.model.evidence_warning

    def info(self, drift: DriftReport | None = None) -> ModelInfo:
        """GET /v1/model's answer, with `drift` (default: this process's own counts)."""
        return ModelInfo(
            name=self.name,
            version=self.version,
            alias=self.source.alias,
            uri=self.source.shown_uri,
            run_id=self.source.run_id,
            training_date=self.source.training_date,
            loaded_at=self.loaded_at,
            metrics=self.source.metrics,
            features=list(self.features),
            learner=_text(self.model.model_info.get("learner")),
            served_as=_text(self.model.model_info.get("served_as")),
            evidence=self.evidence,
            contract=feature_contract(),
            drift=self.drift_info(drift),
        )

    def drift_info(self, report: DriftReport | None = None) -> ModelDrift:
        """The drift block of GET /v1/model: PSI per feature and of the score, and a status
        (`report`, default: this process's own counts)."""
        from models.drift import MAJOR_PSI, MIN_ROWS_FOR_STATUS, MODERATE_PSI

        if self.drift is None:
            return ModelDrift(
                status="no_reference",
                rows_seen=0,
                moderate_threshold=MODERATE_PSI,
                major_threshold=MAJOR_PSI,
                min_rows=MIN_ROWS_FOR_STATUS,
            )
        if report is None:
            report = self.drift.report()
        return ModelDrift(
            status=report.status,
            rows_seen=report.rows_seen,
            moderate_threshold=report.moderate_threshold,
            major_threshold=report.major_threshold,
            min_rows=report.min_rows,
            score_psi=report.score_psi,
            feature_psi=dict(report.feature_psi),
        )


@dataclass(frozen=True)
class RefreshOutcome:
    """What a reload did."""

    changed: bool
    error: str | None


def feature_contract() -> list[ContractColumn]:
    """The profile columns of the data contract, as GET /v1/model lists them."""
    return [
        ContractColumn(
            name=spec.name,
            kind=spec.kind,
            description=spec.description,
            term_id=spec.term_id,
            unit=spec.unit,
            nullable=spec.nullable,
            allowed=list(spec.allowed) if spec.allowed is not None else None,
            minimum=spec.minimum,
            maximum=spec.maximum,
        )
        for spec in PROFILE_COLUMNS
    ]


def use_tracking_uri(tracking_uri: str | None) -> None:
    """Point MLflow at the configured store; MLflow is imported here, off the event loop (its
    import takes seconds, which the process spends answering /healthz instead)."""
    import mlflow

    if tracking_uri:
        mlflow.set_tracking_uri(tracking_uri)


def resolve_source(uri: str, tracking_uri: str | None) -> ModelSource:
    """Ask the MLflow registry which version `uri` means now, with its run's date and metrics."""
    import mlflow
    from mlflow import MlflowClient

    match = _REGISTRY_URI.match(uri)
    if match is None:
        return ModelSource(uri=uri)
    # A local store that is not there (the service started in another folder) is named, not
    # created empty by asking MLflow about it.
    check_store(uri, tracking_uri or mlflow.get_registry_uri())
    client = MlflowClient(tracking_uri=tracking_uri)
    name, alias = match["name"], match["alias"]
    if alias is not None:
        version = client.get_model_version_by_alias(name, alias)
    else:
        version = client.get_model_version(name, match["version"])
    run_id = version.run_id or None
    training_date = None
    metrics: dict[str, float] = {}
    if run_id is not None:
        run = client.get_run(run_id)
        started = datetime.fromtimestamp(run.info.start_time / 1000, tz=UTC)
        training_date = started.isoformat(timespec="seconds")
        metrics = {key: float(value) for key, value in sorted(run.data.metrics.items())}
    return ModelSource(
        uri=uri,
        name=name,
        alias=alias,
        version=str(version.version),
        run_id=run_id,
        training_date=training_date,
        metrics=metrics,
    )


def load_model(source: ModelSource) -> LoadedModel:
    """Load the model of `source` (slow: runs in a worker thread while the old model serves)."""
    from models.pyfunc import load_uplift_model

    model = load_uplift_model(source.load_uri)
    check_scores_examples(model)
    features = tuple(str(name) for name in _feature_names(model))
    loaded_at = datetime.now(tz=UTC).isoformat(timespec="seconds")
    drift = None
    if model.drift_reference is not None:
        from models.drift import DriftCounts

        drift = DriftCounts(model.drift_reference)
    return LoadedModel(
        model=model, source=source, loaded_at=loaded_at, features=features, drift=drift
    )


def check_scores_examples(model: UpliftModel) -> None:
    """Score the API's two example profiles, with reasons, before a model goes into service.

    A model that loads but cannot score the contract's profiles (trained on another table, say)
    is refused here, so the old one keeps serving; and the first real request does not pay for
    the first call's set-up.
    """
    matrix = model.features_from_records([EXAMPLE_PROFILE, EXAMPLE_PROFILE_2])
    scores, _ = model.score_and_explain_matrix(matrix)
    if not np.isfinite(scores.uplift).all():
        raise ValueError("the model gives no finite uplift for the example profiles")


def _feature_names(model: Any) -> list[str]:
    specs = getattr(model, "feature_specs", None) or getattr(model, "specs", None) or []
    return [spec.name for spec in specs]


def bound_registry_requests() -> None:
    """Bound MLflow's HTTP retries and timeouts for this process (operator's values win)."""
    for name, value in REGISTRY_REQUEST_BOUNDS.items():
        os.environ.setdefault(name, value)


class ModelStore:
    """Holds the model in service; `refresh` loads a new version beside it and swaps."""

    def __init__(
        self,
        uri: str,
        tracking_uri: str | None,
        metrics: ServiceMetrics,
        *,
        load_timeout: float = 120.0,
        freeze_heap: bool = True,
    ) -> None:
        self.uri = uri  # for loading only: `shown_uri` is what is shown or logged
        self.shown_uri = masked_uri(uri)
        self.tracking_uri = tracking_uri
        self.metrics = metrics
        self.load_timeout = load_timeout
        self.freeze_heap = freeze_heap  # `service.heap.set_aside_long_lived` after each swap
        self.current: LoadedModel | None = None
        self.state: LoadState = "loading"  # of the latest finished attempt; loading before one
        self.last_error: str | None = None
        self.last_check: float | None = None
        # Set once the first attempt has ended, whatever its outcome (tests and scripts wait).
        self.first_attempt_done = threading.Event()
        self._failed_version: str | None = None
        self._lock = asyncio.Lock()

    @property
    def polls(self) -> bool:
        """Only an alias can move; other URIs are loaded once (and on an admin reload)."""
        match = _REGISTRY_URI.match(self.uri)
        return match is not None and match["alias"] is not None

    def reason(self) -> str | None:
        """Why the service is not (fully) ready, in one sentence; None when all is well."""
        if self.state == "loading":
            return f"loading {self.shown_uri} (at most {self.load_timeout:g} s per attempt)"
        if self.last_error is None:
            return None
        if self.current is None:
            return f"no model loaded; the latest attempt failed: {self.last_error}"
        return f"serving the previous model; the latest reload failed: {self.last_error}"

    async def refresh(self, *, force: bool = False) -> RefreshOutcome:
        """Load the version the URI points to now, if it differs from the one in service.

        An attempt that takes longer than `load_timeout` is abandoned (its worker thread ends on
        its own, bounded by MLflow's request limits) and reported as timed out.
        """
        async with self._lock:
            self.last_check = time.time()
            try:
                return await asyncio.wait_for(self._refresh(force), self.load_timeout)
            except TimeoutError:
                error = TimeoutError(f"loading took longer than {self.load_timeout:g} s")
                return self._failed(error, None, state="timed_out")

    async def _refresh(self, force: bool) -> RefreshOutcome:
        version: str | None = None
        try:
            source = await asyncio.to_thread(resolve_source, self.uri, self.tracking_uri)
            version = source.version
            current = self.current
            unchanged = current is not None and current.version == version
            if unchanged and version is not None and not force:
                # The version in service failed its latest (forced) load: that error stands
                # until a load of it succeeds, though nothing moved.
                if self._failed_version != version:
                    self._succeeded()
                return RefreshOutcome(changed=False, error=self.last_error)
            loaded = await asyncio.to_thread(load_model, source)
        except Exception as exc:  # any failure must leave the old model serving
            return self._failed(exc, version)
        self._swap(loaded)
        self._succeeded()
        return RefreshOutcome(changed=True, error=None)

    def _swap(self, loaded: LoadedModel) -> None:
        previous = self.current
        self.current = loaded  # one assignment: requests hold whichever object they started with
        self.metrics.served_model(
            loaded.name,
            loaded.version,
            (previous.name, previous.version or "") if previous is not None else None,
        )
        self.metrics.model_swaps.inc()
        del previous  # its objects are collected next, unless requests in flight still hold it
        logger.info("serving model %s version %s (%s)", loaded.name, loaded.version, self.shown_uri)
        if self.freeze_heap:
            frozen = set_aside_long_lived()
            logger.info("%d long-lived objects set aside from garbage collection", frozen)

    def _succeeded(self) -> None:
        self.state = "ready"
        self.last_error = None
        self._failed_version = None
        self.metrics.last_reload_failed.set(0)

    def _failed(
        self, exc: Exception, version: str | None, state: LoadState = "failed"
    ) -> RefreshOutcome:
        # The error may quote the tracking URI, credentials included (MLflow's own messages do):
        # shown on /readyz, which needs no key, and in the log, so masked first.
        known = (self.uri, self.tracking_uri)
        message = masked_uri(f"{type(exc).__name__}: {exc}", known=known)[:500]
        self.state = "ready" if self.current is not None else state
        self.last_error = message
        self._failed_version = version
        self.metrics.reload_failures.inc()
        self.metrics.last_reload_failed.set(1)
        if self.current is None:
            self.metrics.model_loaded.set(0)
        logger.error(
            "loading model from %s failed, keeping the current one: %s", self.shown_uri, message
        )
        return RefreshOutcome(changed=False, error=message)

    async def keep_loaded(self, poll_seconds: float) -> None:
        """The first load (tried again until a model is in service), then a check of the alias
        every `poll_seconds` (0: none); runs in the background until cancelled."""
        try:
            await asyncio.to_thread(use_tracking_uri, self.tracking_uri)
            await self.refresh()
        finally:
            self.first_attempt_done.set()
        retry = min(poll_seconds, FIRST_LOAD_RETRY_SECONDS) or FIRST_LOAD_RETRY_SECONDS
        while self.current is None:
            await asyncio.sleep(retry)
            await self.refresh()
        if poll_seconds <= 0 or not self.polls:
            return
        while True:
            await asyncio.sleep(poll_seconds)
            await self.refresh()


def _text(value: object) -> str | None:
    """A model_info entry as text (None when absent)."""
    return None if value is None else str(value)
