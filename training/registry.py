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
import numpy as np
import numpy.typing as npt
import pandas as pd
from mlflow import MlflowClient
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException

from data.contract import CHAMPION
from models.features import FloatArray
from models.model_lookup import check_store
from training import evaluation as ev
from training.bootstrap import qini_difference_interval
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
TRAINING_IDS_ARTIFACT = "training_ids.parquet"  # the ids of the rows a run trained on


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
    run_id: str  # empty when nothing was done (the version was champion already)
    weak_evidence: str | None = None  # why the version is weak evidence, when promoted by force

    @property
    def unchanged(self) -> bool:
        """The version was champion already: no alias moved, no tag set, no run logged."""
        return self.previous_champion == self.version


class WeakEvidenceError(RegistryError):
    """A manual promotion of a version tagged `weak_evidence = true`, without `force`."""


def weak_evidence_of(version: ModelVersion, mlflow_client: MlflowClient) -> str | None:
    """Why `version` is weak evidence (its `weak_evidence` tag, its run's Qini with the 90%
    interval when recorded, the `evidence` tag's reasons), or None when it is not tagged weak."""
    tags = version.tags or {}
    if tags.get("weak_evidence") != "true":
        return None
    words = [f"v{version.version} is tagged weak_evidence = true"]
    metrics: dict[str, float] = {}
    if version.run_id:
        try:
            metrics = mlflow_client.get_run(version.run_id).data.metrics
        except MlflowException:  # the run may be gone; the tags still say why
            metrics = {}
    qini = metrics.get(SELECTION_METRIC)
    low, high = metrics.get(f"{SELECTION_METRIC}_ci05"), metrics.get(f"{SELECTION_METRIC}_ci95")
    if qini is None and tags.get(f"cv_{SELECTION_METRIC}") is not None:
        qini = float(tags[f"cv_{SELECTION_METRIC}"])
    if qini is not None:
        interval = "" if low is None or high is None else f", 90% interval [{low:.4f}, {high:.4f}]"
        words.append(f"Qini {qini:.4f}{interval}")
    # The tag's other reasons (few outcome events); its Qini reason repeats the numbers above.
    reasons = [
        r for r in tags.get("evidence", "").split("; ") if r and (qini is None or "Qini" not in r)
    ]
    return "; ".join(words + reasons)


def promote(name: str, version: int | str, reason: str, *, force: bool = False) -> PromotionResult:
    """Move `champion` to `version` by hand; log who, why and what was champion before.

    The reason is kept as tags on the version (promotion_reason, promoted_manually,
    promoted_at, promoted_by) and as a run in the experiment `<name>-promotions`. A version
    tagged `weak_evidence = true` is refused (`WeakEvidenceError`, saying why) unless `force`;
    forced, the result carries why, and the version is tagged `promoted_despite_weak_evidence`.
    A local tracking store that does not exist is a `ModelLookupError`, and is not created.
    """
    if not reason.strip():
        raise RegistryError("a promotion needs a reason (--reason TEXT)")
    version = str(version)
    check_store(f"models:/{name}/{version}", mlflow.get_registry_uri())
    c = client()
    try:
        found = c.get_model_version(name, version)
    except MlflowException as error:
        raise RegistryError(f"model {name!r} has no version {version}") from error
    weak = weak_evidence_of(found, c)
    if weak is not None and not force:
        raise WeakEvidenceError(
            f"{name} v{version} is not promoted: its ranking is not shown to beat chance ({weak}); "
            "promote it anyway with --force"
        )
    previous = version_by_alias(name, CHAMPION, c)
    previous_version = None if previous is None else str(previous.version)
    if previous_version == version:
        return PromotionResult(name, version, previous_version, reason, "", weak)
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
                "weak_evidence": str(weak is not None).lower(),
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
    if weak is not None:
        tags["promoted_despite_weak_evidence"] = "true"
    for key, value in tags.items():
        c.set_model_version_tag(name, version, key, value)
    _mark_replaced(c, name, previous_version, version)
    return PromotionResult(
        name=name,
        version=version,
        previous_champion=previous_version,
        reason=reason,
        run_id=run.info.run_id,
        weak_evidence=weak,
    )


def _mark_replaced(c: MlflowClient, name: str, previous: str | None, by: str) -> None:
    """Tag the version that was champion with when and by which version it was replaced: its
    promotion tags describe how it became champion, these that it no longer is (the full
    history is the `<name>-promotions` experiment's runs and the versions' `promotion` tags)."""
    if previous is None or previous == by:
        return
    c.set_model_version_tag(name, previous, "champion_replaced_at", now_utc())
    c.set_model_version_tag(name, previous, "champion_replaced_by", f"v{by}")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in some containers
        return "unknown"


# ------------------------------------------------------------------- the gate and registration


WEAK_EVIDENCE_NOTE = "candidate only: weak evidence (the ranking is not shown to beat chance)"


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
    uplift: FloatArray | None = None,
    resamples: int = 200,
    seed: int = 0,
    ids: pd.Series | None = None,
    min_events: int = 1,
    interval: tuple[float, float] | None = None,
) -> GateResult:
    """Move `champion` to ``version`` only when every rule holds (module docstring).

    Against a champion: when it was trained on the same file (same sha256), its recorded
    cross-validated Qini is the fair comparison (scoring the rows it learnt from would favour
    it); otherwise it scores this history's rows, and with the candidate's out-of-fold
    ``uplift`` on the same rows the note gives the paired bootstrap interval of the difference
    (``resamples``, ``seed``), saying when it includes zero: a decision within noise. The rule
    stays the point comparison; the interval tells whoever reads the note how much it weighs.

    With the rows' ``ids`` and a champion whose run kept its training ids
    (`TRAINING_IDS_ARTIFACT`), the rows it learnt from are left out of that comparison (a
    history that adds new rows to the champion's, as the data-scientists guide retrains, would
    otherwise be judged on rows the champion has seen); the candidate's Qini is then taken on
    the same rows. When the rows left hold fewer than ``min_events`` outcome events in an arm,
    the two cross-validated Qinis are compared instead, and the note says so. On the same
    history, the note says whether the champion's Qini lies within the candidate's 90%
    ``interval`` (a difference within noise: another seed alone can move it).
    """
    client = mlflow.MlflowClient()
    current = version_by_alias(name, CHAMPION, client)
    previous = None if current is None else str(current.version)
    if evidence.weak:
        # The reasons have their own places (the `evidence` tag, the report's Evidence section,
        # the warning `umkm train` prints above this note): the note names the refusal only.
        return GateResult(False, WEAK_EVIDENCE_NOTE, previous)
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
    champion_uplift: FloatArray | None = None  # the champion's scores of these rows, if read
    same_history = tags.get("data_sha256") == data_sha256 and recorded is not None
    # Which rows the champion learnt from matters only when it scores this history's rows.
    unseen = (
        _Unseen(None, None, "")
        if same_history
        else _rows_unseen_by(current, ids, y, t, min_events=min_events)
    )
    if same_history:
        assert recorded is not None
        champion_score = float(recorded)
        basis = "cross-validated on the same history" + _within(qini, champion_score, interval)
    elif unseen.rows and (unseen.mask is None or uplift is None) and recorded is not None:
        # Too few rows of this history are new to the champion to score both on them alone:
        # the two cross-validated Qinis (each on its own history) are what can be compared.
        champion_score = float(recorded)
        basis = f"cross-validated, each on its own history: {unseen.words}"
    else:
        try:
            from models.pyfunc import load_uplift_model

            if unseen.mask is not None and uplift is not None:
                keep = unseen.mask
                frame, y, t, uplift = frame[keep], y[keep], t[keep], uplift[keep]
                qini = ev.qini_coefficient(y, uplift, t)
            champion = load_uplift_model(model_uri(name, CHAMPION))
            champion_uplift = champion.predict(frame)["uplift"].to_numpy(dtype=float)
            champion_score = ev.qini_coefficient(y, champion_uplift, t)
            basis = f"on this history's rows{unseen.words}"
        except Exception as error:  # any failure means "cannot compare": the champion stays
            note = (
                f"candidate only: champion v{previous} could not score this history ({error}); "
                "use `umkm promote` to promote by hand"
            )
            return GateResult(False, note, previous)
    # Both Qinis as compared (the candidate's on the champion's unseen rows when they differ).
    metrics = {
        f"champion/{SELECTION_METRIC}": champion_score,
        f"champion/candidate_{SELECTION_METRIC}": qini,
    }
    if champion_uplift is not None and uplift is not None:
        paired = _paired_difference(y, t, uplift, champion_uplift, resamples=resamples, seed=seed)
        if paired is not None:
            metrics.update(paired[0])
            basis += paired[1]
    # Compared as recorded (the version tag keeps RECORDED_DIGITS decimals): a retrain that
    # reproduces the champion ties it, and a tie keeps the champion.
    if _as_recorded(qini) > _as_recorded(champion_score):
        client.set_registered_model_alias(name, CHAMPION, version)
        _mark_replaced(client, name, previous, version)
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


@dataclass(frozen=True)
class _Unseen:
    """Which rows of this history a champion did not learn from, and how to say it."""

    rows: int | None  # rows it learnt from that are here; None: unknown (no ids either side)
    mask: npt.NDArray[np.bool_] | None  # the rows to compare on, when enough (None: all/none)
    words: str


def _rows_unseen_by(
    champion: ModelVersion,
    ids: pd.Series | None,
    y: FloatArray,
    t: FloatArray,
    *,
    min_events: int,
) -> _Unseen:
    """The rows of this history `champion` did not learn from, by id (`TRAINING_IDS_ARTIFACT`
    of its run): all of them when it learnt from none here; a mask when it learnt from some and
    the others hold at least `min_events` events per arm; no mask when too few are left."""
    if ids is None:
        return _Unseen(None, None, "")
    seen = champion_training_ids(champion)
    if seen is None:
        return _Unseen(None, None, " (its training rows are not recorded)")
    learnt = ids.astype(str).isin(seen).to_numpy()
    overlap = int(learnt.sum())
    if overlap == 0:
        return _Unseen(0, None, "")
    keep = ~learnt
    events = min(float(y[keep & (t == 1)].sum()), float(y[keep & (t == 0)].sum()))
    if events < min_events:
        words = (
            f"{overlap:,} of this history's {len(ids):,} rows were its training rows, and the "
            f"{int(keep.sum()):,} others hold too few outcome events to compare on"
        )
        return _Unseen(overlap, None, words)
    words = f", the {int(keep.sum()):,} it did not learn from ({overlap:,} were its training rows)"
    return _Unseen(overlap, keep, words)


def log_training_ids(frame: pd.DataFrame, id_column: str | None) -> None:
    """Keep the ids of the rows this run trained on (`TRAINING_IDS_ARTIFACT`), for a later
    gate to leave them out when it scores this model (`promotion_gate`)."""
    if id_column is None or id_column not in frame.columns:
        return
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / TRAINING_IDS_ARTIFACT
        frame[[id_column]].astype(str).rename(columns={id_column: "id"}).to_parquet(
            path, index=False
        )
        mlflow.log_artifact(str(path))


def champion_training_ids(version: ModelVersion) -> set[str] | None:
    """The ids `version`'s run trained on, or None when its run kept none (older versions,
    tables without an id column) or they cannot be read."""
    if not version.run_id:
        return None
    import tempfile

    try:
        with tempfile.TemporaryDirectory() as folder:
            path = mlflow.artifacts.download_artifacts(
                run_id=version.run_id, artifact_path=TRAINING_IDS_ARTIFACT, dst_path=folder
            )
            return set(pd.read_parquet(path)["id"].astype(str))
    except (MlflowException, OSError, KeyError):
        return None


def _within(qini: float, champion: float, interval: tuple[float, float] | None) -> str:
    """Words for a comparison of two cross-validated Qinis of the same history: whether the
    champion's lies within the candidate's 90% interval."""
    if interval is None or not interval[0] < interval[1]:
        return ""
    verdict = "within noise" if interval[0] <= champion <= interval[1] else "beyond noise"
    difference = round(qini - champion, 4) + 0.0  # no "-0.0000" for a tie at six decimals
    return (
        f"; difference {difference:+.4f}, the candidate's 90% interval "
        f"[{interval[0]:.4f}, {interval[1]:.4f}]: {verdict}"
    )


def _paired_difference(
    y: FloatArray,
    t: FloatArray,
    candidate: FloatArray,
    champion: FloatArray,
    *,
    resamples: int,
    seed: int,
) -> tuple[dict[str, float], str] | None:
    """The candidate's Qini minus the champion's on the same rows with its paired 90% interval:
    as metrics, and as words for the gate's note; None when either cannot rank every row."""
    if len(candidate) != len(y) or np.isnan(candidate).any() or np.isnan(champion).any():
        return None
    difference, low, high = qini_difference_interval(
        y, t, candidate, champion, resamples=resamples, seed=seed
    )
    if np.isnan(low):
        return None
    metrics = {
        f"champion/{SELECTION_METRIC}_difference": difference,
        f"champion/{SELECTION_METRIC}_difference_low": low,
        f"champion/{SELECTION_METRIC}_difference_high": high,
    }
    verdict = "within noise" if low <= 0.0 <= high else "beyond noise"
    words = (
        f"; paired difference {difference:+.4f}, 90% interval {low:+.4f} to {high:+.4f}: {verdict}"
    )
    return metrics, words


def _interval_of(metrics: Mapping[str, float]) -> tuple[float, float] | None:
    """The chosen ranking's 90% Qini interval from the run's metrics, when computed."""
    low = metrics.get(f"{SELECTION_METRIC}_ci05")
    high = metrics.get(f"{SELECTION_METRIC}_ci95")
    return None if low is None or high is None else (float(low), float(high))


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
    candidate_uplift: FloatArray | None = None,
) -> tuple[str, GateResult]:
    """Log the pyfunc model, register a version with alias `candidate`, run the gate, tag;
    `candidate_uplift`: the chosen recipe's out-of-fold uplift on the cross-fitted rows."""
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
    log_training_ids(prepared.data.frame, config.id_column)
    cv = prepared.cv_rows
    ids = prepared.cv_df.get(config.id_column) if config.id_column else None
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
        uplift=candidate_uplift,
        resamples=config.bootstrap_resamples,
        seed=config.seed,
        ids=ids,
        min_events=config.min_events_per_arm,
        interval=_interval_of(metrics),
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
