"""What a training run tells while it runs: typed events, rendered by the command line.

The pipeline never prints. `train(config, on_event=...)` hands each event to the callback;
`training.cli_views` draws the progress bar and words the messages; other callers pass nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.crossfit import Selection
from training.evidence import Evidence


@dataclass(frozen=True)
class Progress:
    """A step starts (`description`); `completed` of `total` steps are done."""

    description: str
    completed: int
    total: int


@dataclass(frozen=True)
class InterruptedRunMarked:
    """A run killed mid-training earlier was marked failed."""

    run_id: str


@dataclass(frozen=True)
class RowsRejected:
    """Rows failed validation and were set aside with their reasons."""

    rejected: int
    rows: int
    quarantine_path: Path
    first_problems: tuple[str, ...]


@dataclass(frozen=True)
class DataNote:
    """Something about the history the reader should know (a note of `TrainingData`)."""

    text: str


@dataclass(frozen=True)
class DataRead:
    """The history was read: its fingerprint (rows read, rejected, used, outcome rates)."""

    fingerprint: Mapping[str, Any]


@dataclass(frozen=True)
class SelectionSampled:
    """Learners are cross-fitted on a stratified sample; the served model sees every row."""

    sample_rows: int
    rows: int


@dataclass(frozen=True)
class PoorOverlap:
    """The propensity model finds rows that are (almost) certain to be mentored or not."""

    text: str


@dataclass(frozen=True)
class RecordedPropensities:
    """Rows whose recorded chance of selection replaced the estimated propensity
    (`training.propensity`); `selection_differs` of them were selected but not mentored, or
    mentored without being selected."""

    rows: int
    of_rows: int
    selection_differs: int


@dataclass(frozen=True)
class TruthUnmatched:
    """The truth file's ids do not cover the history's: the oracle metrics are skipped."""

    path: Path
    matched: int
    rows: int


@dataclass(frozen=True)
class LearnerChosen:
    """Every learner was judged by cross-fitting and one recipe chosen."""

    selection: Selection


@dataclass(frozen=True)
class WeakEvidence:
    """The history does not show the ranking to be better than chance."""

    evidence: Evidence


TrainEvent = (
    Progress
    | InterruptedRunMarked
    | RowsRejected
    | DataNote
    | DataRead
    | SelectionSampled
    | PoorOverlap
    | RecordedPropensities
    | TruthUnmatched
    | LearnerChosen
    | WeakEvidence
)
OnEvent = Callable[[TrainEvent], None]


def ignore(event: TrainEvent) -> None:
    """The callback of a caller that wants no events."""


class Steps:
    """Counts the run's steps and reports each start as a `Progress` event."""

    def __init__(self, on_event: OnEvent, total: int) -> None:
        self.on_event = on_event
        self.total = total
        self.completed = 0
        self.description = "starting"

    def start(self, description: str) -> None:
        self.description = description
        self._report()

    def advance(self) -> None:
        self.completed += 1
        self._report()

    def learner(self, name: str) -> None:
        """A learner's cross-fitting starts (one step each)."""
        self.start(f"cross-fitting learner {name}")
        self.advance()

    def _report(self) -> None:
        self.on_event(Progress(self.description, self.completed, self.total))
