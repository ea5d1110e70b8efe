"""What goes into the program store and what comes out: plain frozen dataclasses, no SQLAlchemy.

Read models are detached copies, safe to keep after the session that read them is closed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

SelectedBy = Literal["model", "exploration"]
SELECTED_BY: tuple[SelectedBy, ...] = ("model", "exploration")
OutcomeStatus = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class ListedMsmeIn:
    """One candidate of a list as scored: on the list (`selected`) or left off it.

    `selection_probability` is the exact chance this MSME had of being selected under the list's
    rule (1 or 0 for a deterministic ranking; between them for exploration slots).
    """

    msme_id: str
    profile: Mapping[str, Any]
    selected: bool
    selection_probability: float
    selected_by: SelectedBy | None = None
    rank: int | None = None
    p_if_mentored: float | None = None
    p_if_not: float | None = None
    uplift: float | None = None
    segment: str | None = None
    reason_code: str | None = None  # why it was left off (below_rank_cutoff, ...), when it was
    # The candidate's own columns beside its profile (business name, phone, notes), by name;
    # bounded by `data.store.extras`.
    extra: Mapping[str, Any] | None = None
    source_row: int | None = None  # its row in the uploaded spreadsheet (header = 1), if any
    # The catalogue code wording its reason when it is a variant of `reason_code`
    # (over_budget_with_constraints); None: `reason_code` words it.
    reason_wording: str | None = None
    # A selected MSME's top factors as shown, language-free ((feature, value, contribution)
    # each; `ProgramStore.attach_factors`); None: not kept.
    factors: Sequence[tuple[str, Any, float]] | None = None


@dataclass(frozen=True)
class ListedMsmeRecord(ListedMsmeIn):
    """A listed MSME as stored."""

    list_id: str = ""


@dataclass(frozen=True)
class IssuedListRecord:
    """An issued list and every candidate on it, ranked ones first by rank."""

    id: str
    created_at: datetime
    created_by: str
    model_name: str
    model_version: str | None
    options: Mapping[str, Any]
    constraints: Mapping[str, Any]
    source_file: str | None
    exploration_share: float
    members: tuple[ListedMsmeRecord, ...] = field(default=())
    # Every column of the candidates in the order they came (the file's, on the page); None for
    # lists recorded before the store kept it.
    input_columns: tuple[str, ...] | None = None
    # The figures the left-out MSMEs' reasons name (`service.program.reason_figures`); None for
    # lists recorded before the store kept them (their reasons reopen in general words).
    reason_figures: Mapping[str, Any] | None = None
    # The binding constraints and notes as codes and parameters
    # (`service.program.list_explanation`); None for lists recorded before the store kept them.
    explanation: Mapping[str, Any] | None = None
    # SHA-256 of the page's file and settings it was issued from; None for other lists.
    source_digest: str | None = None

    @property
    def selected(self) -> tuple[ListedMsmeRecord, ...]:
        """The MSMEs on the list, by rank."""
        return tuple(member for member in self.members if member.selected)


@dataclass(frozen=True)
class ListSummary:
    """One line of the lists issued: when, by whom, which model, how many slots and outcomes."""

    id: str
    created_at: datetime
    created_by: str
    model_name: str
    model_version: str | None
    source_file: str | None
    exploration_share: float
    candidates: int
    selected: int
    outcomes: int
    capacity: int | None = None  # the slots asked for (the recorded `options.capacity`)
    # The options and constraints it was issued with, as recorded (its settings, summarised).
    options: Mapping[str, Any] = field(default_factory=dict)
    constraints: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EarlierList:
    """A list issued before from the same file and settings (`ProgramStore.issued_from`)."""

    id: str
    created_at: datetime
    created_by: str


# Fields that make two outcomes the same; who recorded it and when do not.
OUTCOME_FIELDS = (
    "mentored",
    "digitalized",
    "mentored_on",
    "observed_on",
    "verified_by",
    "program",
)


def outcome_fields(source: object) -> dict[str, Any]:
    """What happened to an MSME (the OUTCOME_FIELDS), read from any object that has them: an
    outcome in, a stored row, a row of an outcomes file."""
    return {name: getattr(source, name) for name in OUTCOME_FIELDS}


@dataclass(frozen=True)
class OutcomeIn:
    """What happened to one listed MSME: mentored or not, digital or not, when, how verified."""

    list_id: str
    msme_id: str
    mentored: bool
    digitalized: bool
    mentored_on: date | None = None
    observed_on: date | None = None
    verified_by: str | None = None  # how the outcome was verified: field_visit, marketplace, ...
    program: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """(list_id, msme_id): an outcome is recorded once per MSME per list."""
        return (self.list_id, self.msme_id)


def outcome_values(item: OutcomeIn) -> dict[str, Any]:
    """An outcome in as its row's values: its list and MSME ids, then the OUTCOME_FIELDS."""
    return {"list_id": item.list_id, "msme_id": item.msme_id} | outcome_fields(item)


@dataclass(frozen=True)
class OutcomeRecord(OutcomeIn):
    """An outcome as stored (the current version)."""

    recorded_at: datetime | None = None
    recorded_by: str | None = None


@dataclass(frozen=True)
class OutcomeVersionRecord:
    """An outcome as it was before a change replaced it, and when the change came."""

    outcome: OutcomeRecord
    replaced_at: datetime


@dataclass(frozen=True)
class OutcomeSummary:
    """What a batch of outcomes did: new rows, changed rows (old versions kept), repeats; by
    list id, the outcomes that say mentored for MSMEs the list did not select (recorded, but
    often the sign of another list's file); and, by list id, the outcomes each list holds once
    the batch is in (`stored`)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    statuses: Mapping[tuple[str, str], OutcomeStatus] = field(default_factory=dict)
    mentored_not_selected: Mapping[str, int] = field(default_factory=dict)
    stored: Mapping[str, int] = field(default_factory=dict)

    @property
    def received(self) -> int:
        """Distinct (list, MSME) pairs in the batch."""
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class OutcomeCounts:
    """How many outcomes are in for one list, next to how many MSMEs it holds."""

    list_id: str
    candidates: int
    selected: int
    outcomes: int
    outcomes_selected: int
    mentored: int
    digitalized: int
