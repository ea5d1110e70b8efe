"""Request and response bodies of the HTTP API, with the MSME profile built from `data.contract`.

`MsmeProfile` is generated from `PROFILE_COLUMNS`, so the API cannot drift from the files that
`umkm validate` checks: every column, allowed value and range comes from the contract. Unknown
fields are refused everywhere (`extra="forbid"`), and types are strict: `0` is no boolean and
`"5"` no number, as the OpenAPI document says. A yes/no field of the contract (a profile's flags,
an outcome's `mentored` and `digitalized`) also takes the contract's spellings as strings
(`ContractBool`), as files do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    create_model,
)
from pydantic.fields import FieldInfo

from allocation import options
from allocation.exploration import SelectedBy
from allocation.options import (
    MIN_SHARE_COLUMNS,
    RECORDED_SEED_LIMIT,
    SEED_LIMIT,
    ListOptions,
    declared,
)
from data.contract import (
    CONTROL_CHARACTERS,
    FALSE_STRINGS,
    PROFILE_COLUMNS,
    TRUE_STRINGS,
    ColumnSpec,
)
from data.field_rules import FieldRuleError
from data.messages import Language
from data.reference import allowed_values, province_codes
from data.segments import ScoredSegment
from service.settings import MAX_PRIORITIZE_MSMES, MAX_SCORE_MSMES

MSME_ID_MAX_LENGTH = 64
# A mentoring cost or budget in any unit: far above any real one, and low enough that the sum over
# 100,000 MSMEs stays an ordinary float.
MAX_COST = 1e12
MAX_BUDGET = 1e17
# `time_limit_seconds` of a request: at least a second, at most a minute.
MIN_TIME_LIMIT_SECONDS = 1.0
MAX_TIME_LIMIT_SECONDS = 60.0


EXAMPLE_PROFILE: dict[str, Any] = {
    "msme_id": "UMKM-3201-000123",
    "province_code": "32",
    "area_type": "rural",
    "sector": "food_beverage",
    "business_age_years": 4.5,
    "workers": 2,
    "monthly_revenue_idr": 6_500_000,
    "owner_age": 38,
    "owner_gender": "female",
    "owner_education": "senior_secondary",
    "has_smartphone": True,
    "has_bank_account": False,
    "has_business_id": False,
    "prior_digital_training": False,
    "internet_access": "weak",
    "digital_status": "offline",
}

EXAMPLE_PROFILE_2: dict[str, Any] = EXAMPLE_PROFILE | {
    "msme_id": "UMKM-3201-000124",
    "owner_gender": "male",
    "has_smartphone": False,
    "internet_access": "none",
}


class _Strict(BaseModel):
    """Base of every request body: unknown fields are an error, not silently dropped, and no
    value is coerced to the declared type (`only_beneficial: 0` is refused, not read as false)."""

    model_config = ConfigDict(extra="forbid", strict=True)


# ---------------------------------------------------------------- the profile, from the contract


def _contract_boolean(value: object) -> object:
    """JSON booleans, or the contract's spellings (true/false/1/0/ya/tidak, any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_STRINGS:
            return True
        if word in FALSE_STRINGS:
            return False
    raise FieldRuleError("field_not_contract_boolean")


def _integral(value: object) -> object:
    """JSON Schema counts 3.0 as an integer; so does the API (3.5 and "3" stay refused)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# An integer in strict mode that also takes integral numbers such as 3.0, as JSON Schema does.
# Bounds go on the field (`JsonInt = Field(ge=...)`) or inside `Slots`: nested after the
# validator, pydantic would write them into OpenAPI as unknown keywords.
JsonInt = Annotated[int, BeforeValidator(_integral)]
Slots = Annotated[int, Field(ge=0, le=MAX_PRIORITIZE_MSMES), BeforeValidator(_integral)]
# A seed a request gives: 0 to 2^53 - 1, exact in JavaScript (`allocation.options.SEED_LIMIT`).
Seed = Annotated[int, Field(ge=0, le=SEED_LIMIT - 1), BeforeValidator(_integral)]
# A seed as a recorded list's options carry it: lists recorded before 2026-12-06 have larger ones.
RecordedSeed = Annotated[int, Field(ge=0, lt=RECORDED_SEED_LIMIT), BeforeValidator(_integral)]


def _boolean_spellings_schema() -> dict[str, Any]:
    """JSON booleans, or the contract's spellings as strings in any case, as JSON Schema says it."""
    letters = "".join(
        f"[{c.lower()}{c.upper()}]" if c.isalpha() else c
        for c in "|".join(TRUE_STRINGS + FALSE_STRINGS)
    )
    return {
        "anyOf": [
            {"type": "boolean"},
            {"type": "string", "pattern": rf"^\s*({letters})\s*$"},
        ]
    }


# A boolean as the data contract takes it: JSON true/false, or its spellings as strings (the
# profile's flags, an outcome's `mentored` and `digitalized`: one rule for every route).
ContractBool = Annotated[
    bool,
    BeforeValidator(_contract_boolean, json_schema_input_type=Any),
    WithJsonSchema(_boolean_spellings_schema(), mode="validation"),
]
BOOLEAN_SPELLINGS_NOTE = "true/false (also ya/tidak, 1/0 as strings)"


ProvinceCode = Annotated[
    str, StringConstraints(pattern=r"^\d{2}$"), AfterValidator(options.known_province)
]

# The contract's rule for text cells (`data.contract.CONTROL_CHARACTERS`: no tab, line break, NUL
# or C1 character), said in the schema as a pattern and checked by a validator that words the
# refusal (a pattern's own error would quote the regular expression).
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f-\x9f]*$"
CONTROL_CHARACTER = r"[\x00-\x1f\x7f-\x9f]"  # a text holding one (`not` of it: none)


def _without_control_characters(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise FieldRuleError("field_control_character")
    return value


# A text field without control characters: `Annotated[str, StringConstraints(...), RULE, SCHEMA]`.
NO_CONTROL_CHARACTER_RULE = AfterValidator(_without_control_characters)
NO_CONTROL_CHARACTER_SCHEMA = Field(json_schema_extra={"pattern": NO_CONTROL_CHARACTERS})
PlainMsmeId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MSME_ID_MAX_LENGTH),
    NO_CONTROL_CHARACTER_RULE,
    NO_CONTROL_CHARACTER_SCHEMA,
]


def _province_enum(schema: dict[str, Any]) -> None:
    """Lists the 38 codes in the OpenAPI schema, read when the schema is first generated."""
    schema["enum"] = list(province_codes())


def quota_keys(schema: dict[str, Any]) -> None:
    """OpenAPI of a quota table: keys are the 38 province codes, not any two digits."""
    for variant in schema.get("anyOf", [schema]):
        if variant.get("type") == "object":
            variant["additionalProperties"] = variant.pop("patternProperties").popitem()[1]
            variant["propertyNames"] = {"enum": list(province_codes())}


def _field_for(spec: ColumnSpec) -> tuple[Any, FieldInfo]:
    description = f"{spec.description} ({spec.term_id})" + (f"; {spec.unit}" if spec.unit else "")
    extra: dict[str, Any] = {"examples": [EXAMPLE_PROFILE[spec.name]]}
    kind: Any
    if spec.name == "province_code":
        kind = ProvinceCode
        extra = {"json_schema_extra": _province_enum}
    elif spec.kind == "category":
        assert spec.allowed is not None, spec.name
        kind = Literal[spec.allowed]
    elif spec.kind == "boolean":
        kind = ContractBool
        description += f"; {BOOLEAN_SPELLINGS_NOTE}"
    elif spec.kind == "integer":
        kind = Annotated[int, Field(ge=spec.minimum, le=spec.maximum), BeforeValidator(_integral)]
    elif spec.kind == "number":
        kind = Annotated[
            float, Field(strict=True, ge=spec.minimum, le=spec.maximum, allow_inf_nan=False)
        ]
    else:
        kind = PlainMsmeId
    if spec.nullable:
        return kind | None, Field(default=None, description=description, **extra)
    return kind, Field(description=description, **extra)


def _build_profile_model() -> type[BaseModel]:
    fields: dict[str, Any] = {spec.name: _field_for(spec) for spec in PROFILE_COLUMNS}
    return create_model(
        "MsmeProfile",
        __base__=_Strict,
        __doc__="One MSME as the data contract describes it (see GET /v1/model for the contract).",
        **fields,
    )


if TYPE_CHECKING:
    # mypy cannot follow a class made by create_model; for it, a profile is a plain model.
    MsmeProfile = _Strict
else:
    MsmeProfile = _build_profile_model()


class PrioritizeMsme(MsmeProfile):
    """A profile plus the cost of mentoring it, needed only when the request sets a budget."""

    cost: Annotated[float, Field(ge=0, le=MAX_COST, allow_inf_nan=False)] | None = Field(
        default=None,
        description="Cost of mentoring this MSME (any unit, the same as `budget`); required "
        "when the request sets a budget.",
        examples=[1_500_000],
    )


# ---------------------------------------------------------------- scores


class ScoreRequest(_Strict):
    """MSMEs to score, 1 to 10,000 per request."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"msmes": [EXAMPLE_PROFILE]}]})

    msmes: list[MsmeProfile] = Field(min_length=1, max_length=MAX_SCORE_MSMES)


class Reason(BaseModel):
    """One factor that raises or lowers this MSME's expected gain from mentoring."""

    feature: str = Field(description="Contract column (or derived feature such as island_group).")
    effect: Literal["raises", "lowers"]
    contribution: float = Field(
        description="Change in uplift attributed to this factor, against the average MSME."
    )
    code: str = Field(
        default="",
        description="The factor as a stable code (factor.has_smartphone.false, factor.owner_age).",
    )
    text: str = Field(description="The factor as a short phrase in the response's language.")


class ScoredMsme(BaseModel):
    """Scores of one MSME; already-digital MSMEs get segment stimulus_group and no probabilities."""

    msme_id: str
    p_digital_if_mentored: float | None = Field(
        description="Chance of going digital within 12 months if mentored."
    )
    p_digital_if_not: float | None = Field(description="Chance of going digital if not mentored.")
    uplift: float | None = Field(description="Expected extra chance: the difference of the two.")
    segment: ScoredSegment
    reasons: list[Reason] = Field(description="Top three factors, largest effect first.")


class ModelRef(BaseModel):
    """The registered model that produced a response."""

    name: str
    version: str | None


class ScoreResponse(BaseModel):
    """One entry per MSME, in input order."""

    model: ModelRef
    language: Language
    scores: list[ScoredMsme]


# ---------------------------------------------------------------- prioritize


def _min_share_variants(schema: dict[str, Any]) -> None:
    """One variant per column in OpenAPI, each listing the values that column takes (the model
    checks the same list: `allocation.options.MinShare`); read when the schema is generated."""
    properties = schema.pop("properties")
    required = schema.pop("required")
    schema.pop("additionalProperties", None)
    schema["oneOf"] = [
        {
            "title": f"MinShare on {column}",
            "type": "object",
            "properties": properties
            | {
                "column": {"const": column, "type": "string"},
                "value": {"enum": list(allowed_values(column)), "type": "string"},
            },
            "required": required,
            "additionalProperties": False,
        }
        for column in MIN_SHARE_COLUMNS
    ]


class MinShare(options.MinShare):
    """At least `share` of the filled slots go to MSMEs whose `column` equals `value`
    (rounded up: 0.5 of 7 slots means 4); each column has its own values."""

    model_config = ConfigDict(strict=True, json_schema_extra=_min_share_variants)


class ListOptionsBody(ListOptions):
    """`ListOptions` as a JSON body carries them: strict types and the service's limits (the
    request and the page's upload form both extend it)."""

    model_config = ConfigDict(strict=True)

    capacity: JsonInt = declared("capacity", le=MAX_PRIORITIZE_MSMES)
    quotas: dict[ProvinceCode, Slots] | None = declared("quotas", json_schema_extra=quota_keys)
    min_share: Annotated[list[MinShare], Field(max_length=50)] = declared("min_share")  # type: ignore[assignment]
    budget: Annotated[float | None, Field(le=MAX_BUDGET)] = declared("budget")
    # The bounds inside `Seed`: on an optional field they would land beside `anyOf` unread.
    exploration_seed: Seed | None = Field(
        default=None, description=ListOptions.model_fields["exploration_seed"].description
    )
    # The solver's own limit (`AllocationRequest`), bounded here: a shared service's worker
    # thread is held this long at most (twice, when an infeasible list is explained).
    time_limit_seconds: float = Field(
        default=options.DEFAULT_TIME_LIMIT_SECONDS,
        ge=MIN_TIME_LIMIT_SECONDS,
        le=MAX_TIME_LIMIT_SECONDS,
        allow_inf_nan=False,
        description="Seconds the solver may take for a list it solves exactly (quotas, minimum "
        "shares or a budget; 1 to 60, default 10). Past it, a list already found is answered "
        "with its optimality gap in `notes`; without one, a 422 solver_time_limit.",
    )


class _Candidates(_Strict):
    msmes: list[PrioritizeMsme] = Field(min_length=1, max_length=MAX_PRIORITIZE_MSMES)


class PrioritizeRequest(ListOptionsBody, _Candidates):
    """Candidates and constraints of a mentoring list; up to 100,000 MSMEs per request."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "msmes": [EXAMPLE_PROFILE, EXAMPLE_PROFILE_2],
                    "capacity": 1,
                    "quotas": {"32": 1},
                    "min_share": [{"column": "owner_gender", "value": "female", "share": 0.5}],
                    "exclude_digital": True,
                }
            ],
            # With a budget, every MSME needs a cost (`check_msme_list` enforces it).
            "if": {"required": ["budget"], "properties": {"budget": {"type": "number"}}},
            "then": {
                "properties": {
                    "msmes": {
                        "items": {"required": ["cost"], "properties": {"cost": {"type": "number"}}}
                    }
                }
            },
        }
    )


class SelectedMsme(BaseModel):
    """One MSME on the list."""

    rank: int = Field(description="1 = mentor first.")
    msme_id: str
    expected_gain: float = Field(description="Expected extra chance of going digital (uplift).")
    p_digital_if_mentored: float | None
    p_digital_if_not: float | None
    segment: ScoredSegment
    province_code: str
    cost: float | None = None
    selected_by: SelectedBy | None = Field(
        default=None,
        description="When the request explores (exploration_share > 0): model (picked by the "
        "ranking) or exploration (drawn at random). Null otherwise: every MSME is the model's.",
    )
    selection_probability: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="When the request explores: the MSME's exact chance of being on this list "
        "under its rule, 1 for the model's picks, k / m for each of the m MSMEs the k "
        "exploration slots were drawn from. Null otherwise (1 for every MSME).",
    )


class NotSelectedMsme(BaseModel):
    """One MSME left off the list, and why."""

    msme_id: str
    reason_code: str = Field(
        description="already_digital, missing_uplift, not_beneficial, below_rank_cutoff, "
        "province_quota_full, min_share_reserved, over_budget or not_drawn (a list of POST "
        "/v1/lists whose every slot was drawn at random, and this MSME was not drawn; otherwise "
        "an MSME the model passed by has the model's reason; its chance of the draw is the "
        "selection_probability of the list's members)"
    )
    reason: str
    uplift: float | None
    segment: ScoredSegment


class BindingConstraintOut(BaseModel):
    """A constraint that shaped the list (tight, and broken by ranking on uplift alone)."""

    kind: Literal["capacity", "quota", "min_share", "budget"]
    name: str
    used: float
    limit: float
    unconstrained: float = Field(description="What ranking by uplift alone would use.")
    message: str


class ExplorationOut(BaseModel):
    """How the list explored."""

    share: float
    seed: int | None = Field(
        description="Seed of the draw: send it back as exploration_seed to redo the list. Below "
        "2^53, exact in JavaScript (lists recorded before 2026-12-06 may carry larger ones)."
    )
    slots: int = Field(description="Slots to fill at random: round(share x filled slots).")
    drawn: int = Field(description="Slots filled at random (fewer when the pool was smaller).")
    pool: int = Field(description="Eligible MSMEs the random slots were drawn from.")
    probability: float = Field(description="Each pool member's chance of being drawn.")


class PrioritizeResponse(BaseModel):
    """The mentoring list; `selected` and `not_selected` together hold every input MSME once."""

    model: ModelRef
    capacity: int
    filled: int = Field(description="Slots filled: capacity, or every eligible MSME if fewer.")
    candidates: int
    eligible: int
    total_expected_gain: float = Field(description="Expected extra digitalizations of the list.")
    random_expected_gain: float = Field(
        description="The same for a random choice of as many eligible MSMEs."
    )
    expected_success_rate: float | None = Field(
        description="Mean chance of going digital when mentored, over the list."
    )
    total_cost: float | None
    budget: float | None
    binding_constraints: list[BindingConstraintOut]
    shortfall_note: str | None = Field(description="Set when fewer MSMEs were eligible than slots.")
    notes: list[str]
    evidence_warning: str | None = Field(
        default=None,
        description="Set when the model was trained on weak evidence (too few outcome events, "
        "a cross-validated Qini interval that includes zero, or an average effect of mentoring "
        "not shown to differ from zero): the ranking is not shown to be "
        "better than chance; consider exploration or random allocation. Worded in the "
        "language of Accept-Language from `evidence_code` and `evidence_params`.",
    )
    evidence_code: Literal["weak_evidence"] | None = Field(
        default=None, description="The code of `evidence_warning` (data.messages catalog)."
    )
    evidence_params: dict[str, int] = Field(
        default_factory=dict,
        description="Its parameters: outcome events among mentored (`events_treated`) and "
        "not mentored (`events_control`) MSMEs in training.",
    )
    method: str = Field(description="greedy, quota_greedy, milp (HiGHS) or none")
    exploration: ExplorationOut | None = Field(
        default=None,
        description="When the request explores (exploration_share > 0): the draw, its seed and "
        "pool. POST /v1/prioritize records nothing; POST /v1/lists records the list.",
    )
    selected: list[SelectedMsme]
    not_selected: list[NotSelectedMsme]


# ---------------------------------------------------------------- model, health, errors


class ContractColumn(BaseModel):
    """One column of the data contract."""

    name: str
    kind: str
    description: str
    term_id: str
    unit: str
    nullable: bool
    allowed: list[str] | None
    minimum: float | None
    maximum: float | None


class ModelEvidence(BaseModel):
    """Whether the training history showed the ranking to beat chance."""

    weak: bool = Field(description="True: the ranking is not shown to be better than chance.")
    reasons: list[str]
    events_treated: int = Field(description="Outcome events among mentored MSMEs in training.")
    events_control: int = Field(description="Outcome events among the others.")


class ModelDrift(BaseModel):
    """How far what the service has scored with this model version (in every worker sharing the
    program store) has moved from the model's training population: population stability index
    (PSI) per feature and of the uplift score.

    Thresholds by the usual rule (Siddiqi, Credit Risk Scorecards, 2006): PSI below 0.1 no
    significant shift, 0.1 to 0.25 moderate, above 0.25 major."""

    status: Literal["no_reference", "collecting", "stable", "moderate", "major"] = Field(
        description="The largest PSI's reading: stable, moderate (above moderate_threshold) or "
        "major (above major_threshold); collecting: fewer than min_rows scored; no_reference: "
        "a model trained before drift references."
    )
    rows_seen: int = Field(
        description="MSMEs scored by this model version, by every worker sharing the program "
        "store (what other workers scored shows within UMKM_WORKER_SYNC_SECONDS)."
    )
    moderate_threshold: float
    major_threshold: float
    min_rows: int = Field(description="Rows scored before a status is called.")
    score_psi: float | None = None
    feature_psi: dict[str, float] = Field(default_factory=dict)


class ModelInfo(BaseModel):
    """The model being served."""

    name: str
    version: str | None
    alias: str | None
    uri: str
    run_id: str | None
    training_date: str | None = Field(description="When the training run started (ISO 8601, UTC).")
    loaded_at: str
    metrics: dict[str, float] = Field(description="Headline metrics logged by the training run.")
    features: list[str] = Field(description="Features the model reads, in order.")
    learner: str | None = Field(
        default=None,
        description="The learner the training run chose, members joined by '+' for a stacked "
        "average (e.g. 's+x'); None: a model trained outside `umkm train`.",
    )
    served_as: str | None = Field(
        default=None,
        description="How the served model was made from the chosen learner: the average of its "
        "cross-fitted fold models, refit on every row, or a distilled copy of either with its "
        "fidelity on the training rows; None: a model that does not say.",
    )
    evidence: ModelEvidence | None = Field(
        default=None, description="What the training history supports (None: older models)."
    )
    contract: list[ContractColumn]
    drift: ModelDrift | None = Field(
        default=None, description="Population drift of what this model has scored."
    )


class Readiness(BaseModel):
    """Whether the service can score, and why not (or why the latest reload failed)."""

    ready: bool
    status: Literal["loading", "ready", "failed", "timed_out"] = Field(
        description="loading: the first load is under way; failed / timed_out: no model, and "
        "the latest attempt failed or ran out of time (it is tried again); ready: serving."
    )
    reason: str | None = Field(description="Why not ready, or why the latest reload failed.")
    model: ModelRef | None
    last_reload_error: str | None


class ReloadResult(BaseModel):
    """Outcome of POST /v1/admin/reload."""

    changed: bool
    model: ModelRef | None
    error: str | None


class Problem(BaseModel):
    """One problem of a request: where and why, never the submitted value."""

    field: str | None = Field(
        description="Path like msmes.3.owner_age (msmes.*.owner_age: a problem repeated in "
        "several rows of a summarised 422); on infeasible_constraints the option at fault "
        "(quotas.32, min_share.0, budget); null for the whole body, or no one field."
    )
    type: str = Field(
        description="Stable code of the problem, the same in every language: on a 422 "
        "invalid_request pydantic's error type (missing, less_than_equal, literal_error, ...) "
        "or the service's own (duplicate)."
    )
    reason: str = Field(
        description="The problem in words. On a 422 invalid_request: in the language of "
        "Accept-Language (id, the default, or en), naming the field as msmes[3].owner_age."
    )


def _unset(value: object) -> bool:
    return value is None


class ErrorResponse(BaseModel):
    """Every 4xx/5xx answer of the API."""

    error: str = Field(examples=["invalid_request"])
    message: str
    problems: list[Problem] = Field(default_factory=list)
    # Only in a summarised 422 invalid_request (absent otherwise, not null).
    problems_total: int | None = Field(
        default=None,
        exclude_if=_unset,
        description="Only on a 422 invalid_request with more than 1,000 problems, whose "
        "`problems` are then summarised (a problem repeated in several rows listed once, its "
        "field as msmes.*.owner_age and its reason naming the rows; at most 1,000 entries): "
        "every problem found.",
    )
    problems_left_out: int | None = Field(
        default=None,
        exclude_if=_unset,
        description="With `problems_total`: how many of the problems no entry of `problems` "
        "names (fix those listed and send the request again to see them).",
    )
