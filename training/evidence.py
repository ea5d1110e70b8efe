"""What a training run may claim, and what may become champion.

* `check_leakage`: a feature that alone predicts the outcome near perfectly (or is the outcome)
  is a leak, not a signal: training stops and names the column.
* `assess_evidence`: too few outcome events per arm, or a cross-validated Qini whose interval
  includes zero, means the ranking is not shown to beat chance; the run says so, the model
  carries it, and the list summary warns.
* `promotion_gate`: `champion` moves only to a version with evidence, a Qini above the response
  model's, and a higher Qini than the champion's on comparable terms.
* `recover_interrupted_runs`: runs killed mid-training are marked failed on the next start and
  their registered versions tagged, so none is mistaken for a finished one.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import mlflow
import numpy as np
import pandas as pd
from mlflow.entities import RunStatus

from models.features import FloatArray
from training import evaluation as ev
from training.dataset import TrainingDataError
from training.registry import CHAMPION, model_uri, version_by_alias

# A single feature whose best split of the rows into groups leaves at most this share of the
# outcomes misclassified (or whose AUC is this close to 0 or 1) is a leak.
LEAK_AUC = 0.99
LEAK_ERROR_SHARE = 0.01
SELECTION_METRIC = "qini_coefficient"


def check_leakage(X: FloatArray, y: FloatArray, names: Sequence[str]) -> None:
    """Refuse training when one feature alone gives the outcome away (module docstring)."""
    events = float(y.sum())
    if events == 0 or events == len(y):
        return
    for j, name in enumerate(names):
        column = X[:, j]
        filled = np.where(np.isnan(column), -np.inf, column)
        if np.array_equal(filled, y):
            raise TrainingDataError(
                f"column {name}: identical to the outcome, a leak (it cannot be known before "
                "mentoring); remove it from the history or the features"
            )
        # Grouped purity: for few distinct values (categories, booleans), the share of rows
        # whose outcome differs from their value's majority outcome.
        values, inverse = np.unique(filled, return_inverse=True)
        if len(values) <= 64:
            counts = np.bincount(inverse)
            ones = np.bincount(inverse, weights=y)
            wrong = np.minimum(ones, counts - ones).sum() / len(y)
            if wrong <= LEAK_ERROR_SHARE * min(events, len(y) - events) / len(y):
                _leak(name, "its values alone separate the outcomes")
            continue
        auc = _auc(filled, y)
        if auc >= LEAK_AUC or auc <= 1 - LEAK_AUC:
            _leak(name, f"alone it ranks the outcomes with AUC {max(auc, 1 - auc):.3f}")


def _leak(name: str, why: str) -> None:
    raise TrainingDataError(
        f"column {name}: {why}, a near-certain leak (recorded after the outcome, or derived "
        "from it); remove it from the history or the features"
    )


def _auc(score: FloatArray, y: FloatArray) -> float:
    ranks = pd.Series(score).rank(method="average").to_numpy()
    positives = y == 1
    n1, n0 = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


@dataclass(frozen=True)
class Evidence:
    """Whether the history supports a ranking better than chance, and why not."""

    weak: bool
    reasons: tuple[str, ...] = ()
    events_treated: int = 0
    events_control: int = 0

    def as_info(self) -> dict[str, object]:
        """For the model's info (`/v1/model`) and the registry tags."""
        return {
            "weak": self.weak,
            "reasons": list(self.reasons),
            "events_treated": self.events_treated,
            "events_control": self.events_control,
        }


def assess_evidence(
    t: FloatArray,
    y: FloatArray,
    *,
    qini: float,
    qini_interval: tuple[float, float],
    min_events_per_arm: int,
) -> Evidence:
    """Weak when an arm has fewer than ``min_events_per_arm`` events or the Qini interval
    reaches zero (the ranking is not shown to beat a random list)."""
    treated = int(y[t == 1].sum())
    control = int(y[t == 0].sum())
    reasons: list[str] = []
    if min(treated, control) < min_events_per_arm:
        reasons.append(
            f"few outcome events: {treated} among mentored and {control} among not mentored "
            f"MSMEs (at least {min_events_per_arm} per arm are needed to learn who benefits)"
        )
    if not qini_interval[0] > 0:
        reasons.append(
            f"the cross-validated Qini coefficient {qini:.4f} has a 90% interval "
            f"[{qini_interval[0]:.4f}, {qini_interval[1]:.4f}] that includes zero: the ranking "
            "is not shown to be better than chance"
        )
    return Evidence(bool(reasons), tuple(reasons), treated, control)


WEAK_EVIDENCE_ADVICE = (
    "use the list with care: keep a share of slots for random allocation (exploration) or "
    "allocate at random until the history is larger"
)


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
        return GateResult(True, "champion: first version (no champion yet)", None)
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
    if qini > champion_score:
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


# ----------------------------------------------------------------------------- interrupted runs

HOST_TAG = "umkm.host"
PID_TAG = "umkm.pid"


def process_tags() -> dict[str, str]:
    """Tags that let a later run tell whether this run's process is still alive."""
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid())}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_interrupted_runs(experiment_id: str, model_name: str) -> list[str]:
    """Mark this host's training runs left RUNNING by a dead process as FAILED, and tag the
    versions they registered; returns the run ids marked."""
    client = mlflow.MlflowClient()
    host = socket.gethostname()
    marked: list[str] = []
    runs = client.search_runs(
        [experiment_id], filter_string="attributes.status = 'RUNNING'", max_results=200
    )
    for run in runs:
        tags: Mapping[str, str] = run.data.tags
        pid = tags.get(PID_TAG)
        if tags.get(HOST_TAG) != host or pid is None or not pid.isdigit() or _alive(int(pid)):
            continue
        client.set_terminated(run.info.run_id, status=RunStatus.to_string(RunStatus.FAILED))
        client.set_tag(run.info.run_id, "umkm.interrupted", "process ended before the run did")
        marked.append(run.info.run_id)
        for found in client.search_model_versions(f"run_id = '{run.info.run_id}'"):
            if found.name == model_name and "promotion" not in (found.tags or {}):
                client.set_model_version_tag(
                    model_name,
                    found.version,
                    "promotion",
                    "incomplete: the training run was interrupted before the gate; never promoted",
                )
    return marked
