"""The MLflow model registry side of training: aliases `candidate` and `champion`, promotion.

Every training registers a new version with alias `candidate`. `champion` moves automatically only
through the pipeline's gate (the new version beats the current champion on the same held-out rows);
`promote` moves it by hand, with a reason that is kept as version tags and as an MLflow run.
Uses MLflow's own tracking URI resolution (MLFLOW_TRACKING_URI, else its default).
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

import mlflow
from mlflow import MlflowClient
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException

CANDIDATE = "candidate"
CHAMPION = "champion"
PROMOTIONS_EXPERIMENT_SUFFIX = "-promotions"


class RegistryError(RuntimeError):
    """A registry operation that cannot be done (unknown model or version)."""


def client() -> MlflowClient:
    """An MLflow client on the current tracking/registry URI."""
    return MlflowClient()


def version_by_alias(
    name: str, alias: str, mlflow_client: MlflowClient | None = None
) -> ModelVersion | None:
    """The version holding `alias`, or None when no version holds it (or no such model)."""
    c = mlflow_client or client()
    try:
        return c.get_model_version_by_alias(name, alias)
    except MlflowException:
        return None


def experiment_id_for(name: str, mlflow_client: MlflowClient | None = None) -> str:
    """The id of the experiment called `name`, created when absent.

    Not `mlflow.set_experiment`: that also sets a process-wide active experiment, which would
    leak into later runs against another tracking store (tests, notebooks).
    """
    c = mlflow_client or client()
    experiment = c.get_experiment_by_name(name)
    if experiment is not None:
        return str(experiment.experiment_id)
    return str(c.create_experiment(name))


def model_uri(name: str, alias: str = CHAMPION) -> str:
    """`models:/name@alias`."""
    return f"models:/{name}@{alias}"


def now_utc() -> str:
    """An ISO timestamp for tags."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class PromotionResult:
    """What `promote` did."""

    name: str
    version: str
    previous_champion: str | None
    reason: str
    run_id: str


def promote(name: str, version: int | str, reason: str) -> PromotionResult:
    """Move `champion` to `version` by hand; log who, why and what was champion before.

    The reason is kept as tags on the version (promotion_reason, promoted_manually,
    promoted_at, promoted_by) and as a run in the experiment `<name>-promotions`.
    """
    if not reason.strip():
        raise RegistryError("a promotion needs a reason (--reason TEXT)")
    c = client()
    version = str(version)
    try:
        c.get_model_version(name, version)
    except MlflowException as error:
        raise RegistryError(f"model {name!r} has no version {version}") from error
    previous = version_by_alias(name, CHAMPION, c)
    previous_version = None if previous is None else str(previous.version)
    user = _user()
    experiment_id = experiment_id_for(name + PROMOTIONS_EXPERIMENT_SUFFIX, c)
    with mlflow.start_run(
        experiment_id=experiment_id, run_name=f"promote {name} v{version}"
    ) as run:
        mlflow.log_params(
            {
                "model_name": name,
                "version": version,
                "previous_champion": previous_version or "none",
                "reason": reason,
                "promoted_by": user,
            }
        )
        mlflow.set_tags({"umkm.kind": "promotion", "umkm.promotion": "manual"})
    c.set_registered_model_alias(name, CHAMPION, version)
    tags = {
        "promoted_manually": "true",
        "promotion_reason": reason,
        "promoted_at": now_utc(),
        "promoted_by": user,
        "promotion_run_id": run.info.run_id,
        "previous_champion": previous_version or "none",
    }
    for key, value in tags.items():
        c.set_model_version_tag(name, version, key, value)
    return PromotionResult(
        name=name,
        version=version,
        previous_champion=previous_version,
        reason=reason,
        run_id=run.info.run_id,
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in some containers
        return "unknown"
