"""The model being served, and how it is replaced without downtime.

A `ModelStore` resolves the configured URI (normally `models:/umkm-uplift@champion`) to a
registered version, loads that version beside the one in service, and swaps the reference in one
assignment; requests in flight keep the object they already hold. A failed check or load keeps
the old model and is reported by /readyz and /metrics.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from mlflow import MlflowClient

from data.contract import PROFILE_COLUMNS
from models.pyfunc import load_uplift_model
from service.metrics import ServiceMetrics
from service.schemas import (
    EXAMPLE_PROFILE,
    EXAMPLE_PROFILE_2,
    ContractColumn,
    ModelInfo,
    ModelRef,
)

if TYPE_CHECKING:
    from models.uplift_model import UpliftModel

logger = logging.getLogger(__name__)

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

    @property
    def name(self) -> str:
        """The registered name (or the URI when the model is not registered)."""
        return self.source.name or self.source.uri

    @property
    def version(self) -> str | None:
        """The registered version, if any."""
        return self.source.version

    @property
    def ref(self) -> ModelRef:
        """Name and version, as responses carry them."""
        return ModelRef(name=self.name, version=self.version)

    def info(self) -> ModelInfo:
        """GET /v1/model's answer."""
        return ModelInfo(
            name=self.name,
            version=self.version,
            alias=self.source.alias,
            uri=self.source.uri,
            run_id=self.source.run_id,
            training_date=self.source.training_date,
            loaded_at=self.loaded_at,
            metrics=self.source.metrics,
            features=list(self.features),
            contract=feature_contract(),
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


def resolve_source(uri: str, tracking_uri: str | None) -> ModelSource:
    """Ask the MLflow registry which version `uri` means now, with its run's date and metrics."""
    match = _REGISTRY_URI.match(uri)
    if match is None:
        return ModelSource(uri=uri)
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
    model = load_uplift_model(source.load_uri)
    check_scores_examples(model)
    features = tuple(str(name) for name in _feature_names(model))
    loaded_at = datetime.now(tz=UTC).isoformat(timespec="seconds")
    return LoadedModel(model=model, source=source, loaded_at=loaded_at, features=features)


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


class ModelStore:
    """Holds the model in service; `refresh` loads a new version beside it and swaps."""

    def __init__(self, uri: str, tracking_uri: str | None, metrics: ServiceMetrics) -> None:
        self.uri = uri
        self.tracking_uri = tracking_uri
        self.metrics = metrics
        self.current: LoadedModel | None = None
        self.last_error: str | None = None
        self.last_check: float | None = None
        self._lock = asyncio.Lock()

    @property
    def polls(self) -> bool:
        """Only an alias can move; other URIs are loaded once (and on an admin reload)."""
        match = _REGISTRY_URI.match(self.uri)
        return match is not None and match["alias"] is not None

    async def refresh(self, *, force: bool = False) -> RefreshOutcome:
        """Load the version the URI points to now, if it differs from the one in service."""
        async with self._lock:
            self.last_check = time.time()
            try:
                source = await asyncio.to_thread(resolve_source, self.uri, self.tracking_uri)
                current = self.current
                unchanged = current is not None and current.version == source.version
                if unchanged and source.version is not None and not force:
                    self._succeeded()
                    return RefreshOutcome(changed=False, error=None)
                loaded = await asyncio.to_thread(load_model, source)
            except Exception as exc:  # any failure must leave the old model serving
                return self._failed(exc)
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
        logger.info("serving model %s version %s", loaded.name, loaded.version)

    def _succeeded(self) -> None:
        self.last_error = None
        self.metrics.last_reload_failed.set(0)

    def _failed(self, exc: Exception) -> RefreshOutcome:
        message = f"{type(exc).__name__}: {exc}"[:500]
        self.last_error = message
        self.metrics.reload_failures.inc()
        self.metrics.last_reload_failed.set(1)
        if self.current is None:
            self.metrics.model_loaded.set(0)
        logger.error("loading model from %s failed, keeping the current one: %s", self.uri, message)
        return RefreshOutcome(changed=False, error=message)

    async def poll_forever(self, seconds: float) -> None:
        """Check the alias every `seconds` until cancelled."""
        while True:
            await asyncio.sleep(seconds)
            await self.refresh()
