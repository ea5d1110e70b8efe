"""Bodies of the program routes: issued lists (`POST /v1/lists`, `GET /v1/lists[/{id}]`) and the
outcomes that follow (`POST /v1/outcomes`)."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Annotated, Any, Literal, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from allocation.options import declared
from data.field_rules import FieldRuleError
from data.store.extras import (
    EXTRA_CELL_LENGTH,
    EXTRA_NAME_LENGTH,
    MAX_EXTRA_COLUMNS,
    PROFILE_FIELDS,
)
from data.store.queries import MAX_PAGE_SIZE
from data.store.schema import ID_LENGTH
from models.policy_value import ValueStatus
from service.schemas import (
    BOOLEAN_SPELLINGS_NOTE,
    CONTROL_CHARACTER,
    EXAMPLE_PROFILE,
    EXAMPLE_PROFILE_2,
    NO_CONTROL_CHARACTER_RULE,
    NO_CONTROL_CHARACTER_SCHEMA,
    ContractBool,
    ExplorationOut,
    ModelRef,
    PlainMsmeId,
    PrioritizeMsme,
    PrioritizeRequest,
    PrioritizeResponse,
    SelectedMsme,
)
from service.settings import MAX_OUTCOMES, MAX_PRIORITIZE_MSMES

DEFAULT_EXPLORATION_SHARE = 0.1
SelectedBy = Literal["model", "exploration"]
ListId = Annotated[
    str, StringConstraints(min_length=1, max_length=ID_LENGTH, pattern=r"^[0-9A-Za-z-]+$")
]
MsmeId = PlainMsmeId
Label = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    NO_CONTROL_CHARACTER_RULE,
    NO_CONTROL_CHARACTER_SCHEMA,
]
EXAMPLE_LIST_ID = "0b6f3a52-7c1e-4d2a-9a51-3f0c2e8d9b47"
EXAMPLE_ISSUED_AT = "2026-03-01T02:15:00Z"  # when the example list was issued (UTC)


class _Body(BaseModel):
    """Request bodies: unknown fields refused, JSON types as declared."""

    model_config = ConfigDict(extra="forbid", strict=True)


# ---------------------------------------------------------------- POST /v1/lists


def _own_name(name: str) -> str:
    """An own column may not take a profile field's name: it would hide the profile's value."""
    if name in PROFILE_FIELDS:
        raise FieldRuleError("field_own_column_profile_name")
    return name


# Said in the schema too (`not`/`enum` on the property names), so that clients and contract
# tests know a name like `area_type` is refused before sending it.
ExtraName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=EXTRA_NAME_LENGTH),
    NO_CONTROL_CHARACTER_RULE,
    AfterValidator(_own_name),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": EXTRA_NAME_LENGTH,
            # Not a top-level `pattern`: pydantic would turn it into `patternProperties` and
            # leave the names it does not match, and their values, unconstrained.
            "not": {"anyOf": [{"enum": sorted(PROFILE_FIELDS)}, {"pattern": CONTROL_CHARACTER}]},
        }
    ),
]


def _bounded_cell(value: str | bool | int | float | None) -> str | bool | int | float | None:
    """One error per bad cell (a union's own checks would give one per member of it)."""
    if isinstance(value, str) and len(value) > EXTRA_CELL_LENGTH:
        raise PydanticCustomError(
            "string_too_long",
            "String should have at most {max_length} characters",
            {"max_length": EXTRA_CELL_LENGTH},
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("finite_number", "Input should be a finite number")
    return value


def _one_cell(value: object) -> object:
    """A value that is no cell (an object, a list) is one problem, not one per member of the
    union it fails."""
    if value is not None and not isinstance(value, str | bool | int | float):
        raise FieldRuleError("field_not_cell")
    return value


ExtraCell = Annotated[
    str | bool | int | float | None,
    BeforeValidator(_one_cell),
    AfterValidator(_bounded_cell),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": EXTRA_CELL_LENGTH},
                {"type": "boolean"},
                {"type": "number"},
                {"type": "null"},
            ]
        }
    ),
]
EXAMPLE_EXTRA = {"business_name": "Warung Bu Sari", "owner_phone": "0812-3456-7890"}


class ListMsme(PrioritizeMsme):
    """A candidate of a recorded list: its profile, and the program's own columns beside it."""

    extra: Annotated[dict[ExtraName, ExtraCell], Field(max_length=MAX_EXTRA_COLUMNS)] | None = (
        Field(
            default=None,
            description="The program's own columns for this MSME (business name, owner's phone, "
            "address, village, notes), by name: kept with the list and shown when it is reopened "
            "(GET /v1/lists/{list_id}, the page's view and export), never scored. At most "
            f"{MAX_EXTRA_COLUMNS} columns over the whole list, names of 1 to {EXTRA_NAME_LENGTH} "
            f"characters other than the profile's fields, texts of at most {EXTRA_CELL_LENGTH} "
            "characters.",
            examples=[EXAMPLE_EXTRA],
        )
    )


class ListRequest(PrioritizeRequest):
    """The body of POST /v1/prioritize, plus the share of slots explored at random (recorded)
    and the name of the file the candidates came from."""

    # The body's rules of POST /v1/prioritize (a budget needs every cost), its own example.
    model_config = ConfigDict(
        json_schema_extra=cast(dict[str, Any], PrioritizeRequest.model_config["json_schema_extra"])
        | {
            "examples": [
                {
                    "msmes": [EXAMPLE_PROFILE | {"extra": EXAMPLE_EXTRA}, EXAMPLE_PROFILE_2],
                    "capacity": 1,
                    "exploration_share": 0.1,
                    "source_file": "kandidat_jabar_2025.xlsx",
                }
            ],
        }
    )

    msmes: list[ListMsme] = Field(min_length=1, max_length=MAX_PRIORITIZE_MSMES)  # type: ignore[assignment]
    exploration_share: float = declared(
        "exploration_share",
        default=DEFAULT_EXPLORATION_SHARE,
        description="Share of the filled slots given at random to eligible MSMEs the model did "
        "not pick, within the same quotas and budget (round(share x slots) slots); each "
        "MSME's exact chance of selection is recorded. 0: none (recorded as 0).",
    )
    source_file: Label | None = Field(
        default=None,
        description="Name of the file the candidates came from, kept with the list.",
        examples=["kandidat_jabar_2025.xlsx"],
    )


class ListedSelectedMsme(SelectedMsme):
    """One MSME on an issued list, and how it got there."""

    selected_by: SelectedBy = Field(
        description="model: picked by the ranking; exploration: drawn at random."
    )
    selection_probability: float = Field(
        ge=0,
        le=1,
        description="The MSME's exact chance of being on this list under its rule: 1 for the "
        "model's picks, k / m for each of the m MSMEs the k exploration slots were drawn from.",
    )


class IssuedListResponse(PrioritizeResponse):
    """The list POST /v1/prioritize would answer, as recorded: its id, and per selected MSME how
    it was selected and with which probability."""

    list_id: str = Field(examples=[EXAMPLE_LIST_ID])
    created_at: datetime = Field(
        examples=[EXAMPLE_ISSUED_AT],
        description="When the list was recorded (UTC), as GET /v1/lists/{list_id} gives it.",
    )
    exploration: ExplorationOut
    selected: list[ListedSelectedMsme]  # type: ignore[assignment]


# ---------------------------------------------------------------- GET /v1/lists


class ListSummaryOut(BaseModel):
    """One issued list: when, by which key, which model, how many slots and outcomes."""

    list_id: str
    created_at: datetime = Field(examples=[EXAMPLE_ISSUED_AT])
    created_by: str = Field(description="Name of the API key that issued it.")
    model: ModelRef
    source_file: str | None
    exploration_share: float
    candidates: int
    selected: int = Field(description="Slots filled: the MSMEs on the list.")
    capacity: int | None = Field(
        default=None,
        description="Slots asked for (the list's `capacity` option, as recorded); `selected` is "
        "fewer when fewer MSMEs were eligible.",
    )
    outcomes: int
    settings: str = Field(
        default="",
        description="Its settings in a few words, in the language of Accept-Language (slots, "
        "share drawn at random, provinces with a limit, budget, minimum shares), e.g. "
        "`300 slot · undian acak 10% · batas 3 provinsi`.",
        examples=["300 slots · random draw 10% · limits in 3 provinces"],
    )


class ListPage(BaseModel):
    """One page of the lists issued, newest first."""

    items: list[ListSummaryOut]
    total: int
    page: int
    page_size: int


class ListMemberOut(BaseModel):
    """One candidate of an issued list, on it or not, as it was scored."""

    msme_id: str
    selected: bool
    selected_by: SelectedBy | None
    selection_probability: float
    rank: int | None
    p_digital_if_mentored: float | None
    p_digital_if_not: float | None
    uplift: float | None
    segment: str | None
    reason_code: str | None = Field(description="Why it was left off, when it was.")
    profile: dict[str, Any] = Field(
        description="The profile as scored: every field of a request's profile, null where it "
        "was null or not sent (`cost` too, on a list without a budget)."
    )
    extra: dict[str, Any] | None = Field(
        default=None, description="The MSME's own columns as sent (`extra`, or the file's)."
    )


class OutcomeCountsOut(BaseModel):
    """How many outcomes are in for a list."""

    outcomes: int
    outcomes_selected: int = Field(description="Outcomes of MSMEs on the list.")
    mentored: int
    digitalized: int


class IssuedListOut(BaseModel):
    """An issued list with every candidate (ranked ones first) and its outcome counts."""

    list_id: str
    created_at: datetime = Field(examples=[EXAMPLE_ISSUED_AT])
    created_by: str
    model: ModelRef
    options: dict[str, Any]
    constraints: dict[str, Any]
    source_file: str | None
    exploration_share: float
    candidates: int
    selected: int
    outcomes: OutcomeCountsOut
    extra_columns: list[str] = Field(
        default_factory=list,
        description="The candidates' own columns (each member's `extra`), in the order they came.",
    )
    members: list[ListMemberOut]


PageNumber = Annotated[int, Field(ge=1, le=1_000_000, description="1 = the newest lists.")]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE, description="Lists per page.")]


# ---------------------------------------------------------------- POST /v1/outcomes

# An example outcome's dates: after the example list was issued (EXAMPLE_ISSUED_AT), mentoring
# before the outcome.
EXAMPLE_MENTORED_ON = "2026-03-02"
EXAMPLE_OBSERVED_ON = "2026-09-01"


class OutcomeItem(_Body):
    """What happened to one MSME of an issued list."""

    list_id: ListId = Field(examples=[EXAMPLE_LIST_ID])
    msme_id: MsmeId = Field(examples=["UMKM-3201-000123"])
    mentored: ContractBool = Field(
        description=f"Whether the MSME was mentored: {BOOLEAN_SPELLINGS_NOTE}."
    )
    digitalized: ContractBool = Field(
        description=f"Whether it went digital (the outcome): {BOOLEAN_SPELLINGS_NOTE}."
    )
    mentored_on: date | None = Field(
        default=None,
        description="When the MSME was mentored: not before the day the list was issued (UTC) "
        "less a day, nor after tomorrow (UTC).",
        examples=[EXAMPLE_MENTORED_ON],
    )
    observed_on: date | None = Field(
        default=None,
        description="When the outcome was observed: on or after `mentored_on`, not before the "
        "day the list was issued (UTC) less a day, nor after tomorrow (UTC).",
        examples=[EXAMPLE_OBSERVED_ON],
    )
    verified_by: Label | None = Field(
        default=None, description="How it was verified.", examples=["field_visit"]
    )
    program: Label | None = Field(default=None, examples=["Pendampingan UMKM Go Digital 2025"])


class OutcomesRequest(_Body):
    """Outcomes of listed MSMEs, at most one per (list, MSME): a repeat is stored once, a change
    is an update that keeps the earlier version; any unknown id, or any date that cannot be
    right, refuses the whole batch."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "outcomes": [
                        {
                            "list_id": EXAMPLE_LIST_ID,
                            "msme_id": "UMKM-3201-000123",
                            "mentored": True,
                            "digitalized": True,
                            "mentored_on": EXAMPLE_MENTORED_ON,
                            "observed_on": EXAMPLE_OBSERVED_ON,
                            "verified_by": "field_visit",
                        }
                    ]
                }
            ]
        }
    )

    outcomes: list[OutcomeItem] = Field(min_length=1, max_length=MAX_OUTCOMES)


# What a batch of outcomes warns of (`POST /v1/outcomes` and the page's outcomes upload alike).
MentoredNotSelected = Annotated[
    int,
    Field(
        description="Outcomes that say mentored for MSMEs their list did not select: recorded "
        "(substitutions happen), but often the sign of another list's outcomes."
    ),
]
OutcomeWarnings = Annotated[
    list[str],
    Field(
        description="What to check, one per list (named by its number, the first 8 characters "
        "of its id), in the language of Accept-Language; empty when nothing is odd."
    ),
]


class OutcomesSummary(BaseModel):
    """What a batch of outcomes did, and what in it deserves a second look."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "received": 120,
                    "inserted": 118,
                    "updated": 1,
                    "unchanged": 1,
                    "mentored_not_selected": 0,
                    "warnings": [],
                }
            ]
        }
    )

    received: int = Field(description="Distinct (list, MSME) pairs in the batch.")
    inserted: int = Field(description="New outcomes stored.")
    updated: int = Field(description="Changed outcomes stored (the earlier version kept).")
    unchanged: int = Field(description="Repeats of what was stored: nothing written.")
    mentored_not_selected: MentoredNotSelected = 0
    warnings: OutcomeWarnings = Field(default_factory=list)


# ---------------------------------------------------------------- GET /v1/lists/{id}/outcomes

EXAMPLE_RECORDED_AT = "2026-09-03T04:30:00Z"  # when the example outcome was recorded (UTC)
EXAMPLE_RECORDED_OUTCOMES: dict[str, Any] = {
    "list_id": EXAMPLE_LIST_ID,
    "items": [
        {
            "msme_id": "UMKM-3201-000123",
            "mentored": True,
            "digitalized": True,
            "mentored_on": EXAMPLE_MENTORED_ON,
            "observed_on": EXAMPLE_OBSERVED_ON,
            "verified_by": "field_visit",
            "program": "Pendampingan UMKM Go Digital 2025",
            "recorded_at": EXAMPLE_RECORDED_AT,
            "recorded_by": "dinas-jabar",
            "history": [
                {
                    "mentored": True,
                    "digitalized": False,
                    "mentored_on": EXAMPLE_MENTORED_ON,
                    "observed_on": "2026-06-01",
                    "verified_by": "phone_call",
                    "program": "Pendampingan UMKM Go Digital 2025",
                    "recorded_at": "2026-06-02T03:00:00Z",
                    "recorded_by": "dinas-jabar",
                    "replaced_at": EXAMPLE_RECORDED_AT,
                }
            ],
        }
    ],
    "total": 1,
    "page": 1,
    "page_size": 50,
}


class OutcomeVersionOut(BaseModel):
    """An outcome as it was recorded, before a change replaced it."""

    mentored: bool
    digitalized: bool
    mentored_on: date | None
    observed_on: date | None
    verified_by: str | None
    program: str | None
    recorded_at: datetime = Field(description="When this version was recorded (UTC).")
    recorded_by: str | None = Field(description="Name of the API key that recorded it.")
    replaced_at: datetime = Field(description="When a change replaced it (UTC).")


class RecordedOutcomeOut(BaseModel):
    """The current outcome of one MSME of the list, every field as it was recorded."""

    msme_id: str
    mentored: bool
    digitalized: bool
    mentored_on: date | None
    observed_on: date | None
    verified_by: str | None
    program: str | None
    recorded_at: datetime = Field(description="When it was recorded or last changed (UTC).")
    recorded_by: str | None = Field(
        description="Name of the API key that recorded it (`page` for the page's uploads on "
        "an open API, `anonymous` for the API's)."
    )
    history: list[OutcomeVersionOut] | None = Field(
        default=None,
        description="With `history=true`: the versions it replaced, oldest first (empty when "
        "it never changed); null otherwise.",
    )


class RecordedOutcomesPage(BaseModel):
    """One page of a list's current outcomes, by MSME id."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_RECORDED_OUTCOMES]})

    list_id: str
    items: list[RecordedOutcomeOut]
    total: int = Field(description="Outcomes of the list (of `msme_id` alone, when given).")
    page: int
    page_size: int


# ---------------------------------------------------------------- GET /v1/lists/{id}/value

EXAMPLE_VALUE: dict[str, Any] = {
    "list_id": EXAMPLE_LIST_ID,
    "status": "estimated",
    "note": None,
    "level": 0.9,
    "model_slots": 90,
    "model_outcomes": 88,
    "explored_slots": 10,
    "explored_outcomes": 10,
    "eligible": 640,
    "take_up": 0.84,
    "ips": {
        "model_rate": {"value": 0.41, "low": 0.33, "high": 0.49},
        "random_rate": {"value": 0.22, "low": 0.05, "high": 0.39},
        "difference": {"value": 0.19, "low": 0.01, "high": 0.37},
        "extra_digitalizations": {"value": 17.1, "low": 0.9, "high": 33.3},
    },
    "dr": {
        "model_rate": {"value": 0.41, "low": 0.33, "high": 0.49},
        "random_rate": {"value": 0.24, "low": 0.17, "high": 0.31},
        "difference": {"value": 0.17, "low": 0.07, "high": 0.27},
        "extra_digitalizations": {"value": 15.3, "low": 6.3, "high": 24.3},
    },
}


class EstimateOut(BaseModel):
    """A point estimate and its two-sided interval at the answer's `level`."""

    value: float
    low: float
    high: float


class MethodValueOut(BaseModel):
    """One estimator's numbers, in digitalizations per slot (`extra_digitalizations`: for the
    list's model slots); random allocation's and the difference are null when the list cannot
    support them (see `status`)."""

    model_rate: EstimateOut = Field(description="Digitalizations per slot the model filled.")
    random_rate: EstimateOut | None = Field(
        description="Per slot, had the same slots gone at random to the list's eligible MSMEs."
    )
    difference: EstimateOut | None = Field(description="model_rate - random_rate.")
    extra_digitalizations: EstimateOut | None = Field(
        description="difference x the model's slots: what ranking adds over a lottery."
    )


class ListValueOut(BaseModel):
    """The value of the model's list against random allocation of the same slots, estimated
    from the outcomes in so far: inverse propensity (`ips`) and doubly robust (`dr`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_VALUE]})

    list_id: str
    status: ValueStatus = Field(
        description="estimated; few_explored_outcomes (estimated, fewer than 30 explored "
        "outcomes: the intervals are a rough guide); no_exploration (no randomized slots: only "
        "the model's rate); no_explored_outcomes (fewer than 2 explored outcomes: only the "
        "model's rate); no_model_slots, no_model_outcomes (nothing to estimate: `ips` and `dr` "
        "are null)."
    )
    note: str | None = Field(
        description="What the status means for this list, in the language of Accept-Language."
    )
    level: float = Field(description="Coverage of every interval (normal, stratified).")
    model_slots: int
    model_outcomes: int = Field(description="Outcomes in for the model's picks.")
    explored_slots: int = Field(description="Slots filled at random.")
    explored_outcomes: int = Field(description="Outcomes in for the explored slots.")
    eligible: int = Field(description="Candidates with a chance of selection above 0.")
    take_up: float | None = Field(description="Share of selected MSMEs with an outcome mentored.")
    ips: MethodValueOut | None = Field(description="Inverse propensity (Horvitz-Thompson).")
    dr: MethodValueOut | None = Field(description="Doubly robust, the model's scores as m.")
