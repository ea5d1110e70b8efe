"""The MLflow model registry side of training: registration, the promotion gate, `promote`.

Every training registers a new version with alias `candidate` (`register_candidate`). `champion`
moves automatically only through the promotion gate (`promotion_gate`: a version with evidence, a
Qini above the response model's, and a higher Qini than the champion's on comparable terms: a
tie, such as a retrain that reproduces the champion, keeps the champion);
`promote` moves it by hand, with a reason that is kept as version tags and as an MLflow run.
Uses MLflow's own tracking URI resolution (MLFLOW_TRACKING_URI, else its default).
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException

from data.contract import CHAMPION
from models.features import FloatArray
from training import evaluation as ev
from training.crossfit import SELECTION_METRIC
from training.errors import TrainingError
from training.evidence import Evidence

if TYPE_CHECKING:
    from models.uplift_model import UpliftModel
    from training.config import TrainConfig
    from training.prepare import Prepared

CANDIDATE = "candidate"
PROMOTIONS_EXPERIMENT_SUFFIX = "-promotions"
RECORDED_DIGITS = 6  # decimals of the cross-validated Qini kept in the version tag


class RegistryError(TrainingError, RuntimeError):
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


# ------------------------------------------------------------------- the gate and registration


@dataclass(frozen=True)
class GateResult:
    """The promotion decision."""

    promoted: bool
    note: str
    previous_champion: str | None
    metrics: dict[str, float] = field(default_factory=dict)


def promotion_gate(
    name: str,
    version: str,
    *,
    evidence: Evidence,
    qini: float,
    response_qini: float | None,
    data_sha256: str,
    frame: pd.DataFrame,
    y: FloatArray,
    t: FloatArray,
) -> GateResult:
    """Move `champion` to ``version`` only when every rule holds (module docstring).

    Against a champion: when it was trained on the same file (same sha256), its recorded
    cross-validated Qini is the fair comparison (scoring the rows it learnt from would favour
    it); otherwise it scores this history's rows (it may have seen some of them, which favours
    the champion: the gate errs towards keeping it).
    """
    client = mlflow.MlflowClient()
    current = version_by_alias(name, CHAMPION, client)
    previous = None if current is None else str(current.version)
    if evidence.weak:
        return GateResult(
            False, "candidate only: weak evidence; " + "; ".join(evidence.reasons), previous
        )
    if response_qini is not None and qini <= response_qini:
        return GateResult(
            False,
            f"candidate only: its Qini {qini:.4f} is not above the response model's "
            f"{response_qini:.4f} (ranking by the chance of going digital when mentored)",
            previous,
        )
    if current is None:
        client.set_registered_model_alias(name, CHAMPION, version)
        return GateResult(True, "champion: the first version (there was no champion)", None)
    tags = current.tags or {}
    recorded = tags.get(f"cv_{SELECTION_METRIC}")
    if tags.get("data_sha256") == data_sha256 and recorded is not None:
        champion_score = float(recorded)
        basis = "cross-validated on the same history"
    else:
        try:
            from models.pyfunc import load_uplift_model

            champion = load_uplift_model(model_uri(name, CHAMPION))
            champion_score = ev.qini_coefficient(y, champion.predict(frame)["uplift"], t)
            basis = "on this history's rows"
        except Exception as error:  # any failure means "cannot compare": the champion stays
            note = (
                f"candidate only: champion v{previous} could not score this history ({error}); "
                "use `umkm promote` to promote by hand"
            )
            return GateResult(False, note, previous)
    metrics = {f"champion/{SELECTION_METRIC}": champion_score}
    # Compared as recorded (the version tag keeps RECORDED_DIGITS decimals): a retrain that
    # reproduces the champion ties it, and a tie keeps the champion.
    if _as_recorded(qini) > _as_recorded(champion_score):
        client.set_registered_model_alias(name, CHAMPION, version)
        note = (
            f"champion: beat v{previous} ({SELECTION_METRIC} {qini:.4f} > {champion_score:.4f}, "
            f"{basis})"
        )
        return GateResult(True, note, previous, metrics)
    note = (
        f"candidate only: champion v{previous} stays ({SELECTION_METRIC} {qini:.4f} <= "
        f"{champion_score:.4f}, {basis})"
    )
    return GateResult(False, note, previous, metrics)


def _as_recorded(score: float) -> float:
    """A score at the precision of the ``cv_`` version tag."""
    return round(score, RECORDED_DIGITS)


def _weights_tag(weights: dict[str, float] | None) -> str:
    """The stacked ensemble's weights as a version tag, like ``s 0.620, x 0.380``."""
    if not weights:
        return "one learner"
    return ", ".join(f"{name} {weight:.3f}" for name, weight in weights.items())


def register_candidate(
    config: TrainConfig,
    model: UpliftModel,
    prepared: Prepared,
    metrics: Mapping[str, float],
    evidence: Evidence,
    *,
    run_id: str,
    commit: str | None,
) -> tuple[str, GateResult]:
    """Log the pyfunc model, register a version with alias `candidate`, run the gate, tag."""
    from models.pyfunc import log_uplift_model

    info = log_uplift_model(
        model,
        input_example=prepared.cv_df.head(5),
        registered_model_name=config.model_name,
        metadata={"run_id": run_id, "contract": config.contract},
    )
    version = str(info.registered_model_version)
    client = mlflow.MlflowClient()
    client.set_registered_model_alias(config.model_name, CANDIDATE, version)
    cv = prepared.cv_rows
    gate = promotion_gate(
        config.model_name,
        version,
        evidence=evidence,
        qini=metrics[SELECTION_METRIC],
        response_qini=metrics.get(f"ref_response/{SELECTION_METRIC}"),
        data_sha256=prepared.fingerprint["sha256"],
        frame=prepared.cv_df,
        y=cv.y,
        t=cv.t,
    )
    version_tags = {
        "run_id": run_id,
        "learner": str(model.model_info.get("learner")),
        "learner_weights": _weights_tag(model.model_info.get("weights")),
        "served_as": str(model.model_info.get("served_as", "refit on every row")),
        "data_sha256": prepared.fingerprint["sha256"],
        f"cv_{SELECTION_METRIC}": f"{_as_recorded(metrics[SELECTION_METRIC]):.{RECORDED_DIGITS}f}",
        "weak_evidence": str(evidence.weak).lower(),
        "evidence": "; ".join(evidence.reasons) or "ranking better than chance (90% interval)",
        "promotion": gate.note,
        "git_commit": commit or "unknown",
    }
    for key, value in version_tags.items():
        client.set_model_version_tag(config.model_name, version, key, value[:5000])
    mlflow.set_tags(
        {
            "registered_model": config.model_name,
            "registered_version": version,
            "promotion": gate.note,
            "weak_evidence": str(evidence.weak).lower(),
        }
    )
    return version, gate
