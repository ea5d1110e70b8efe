"""What a mentoring list must respect: capacity, province quotas, minimum shares, budget, and who
may be on it. Declared once here; the API's request and the page's upload form extend
`ListOptions` with their own limits, and `AllocationRequest` adds the solver's time limit."""

from __future__ import annotations

import math
from copy import copy
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.fields import FieldInfo

from data.field_rules import FieldRuleError
from data.reference import allowed_values, province_codes

MinShareColumn = Literal["owner_gender", "province_code", "area_type", "sector", "island_group"]
MIN_SHARE_COLUMNS: tuple[str, ...] = MinShareColumn.__args__  # type: ignore[attr-defined]
DEFAULT_TIME_LIMIT_SECONDS = 10.0


# The validators refuse with a catalog code and its parameters (`FieldRuleError`), never the value
# refused: each edge words them in its language and names the field its own way.


def known_province(code: str) -> str:
    """`code` when it is one of the 38 province codes."""
    if code not in province_codes():
        raise FieldRuleError("field_not_province")
    return code


ProvinceCode = Annotated[str, AfterValidator(known_province)]


class MinShare(BaseModel):
    """At least `share` of the filled slots go to MSMEs whose `column` equals `value`.

    The requirement is ceil(share × filled slots) MSMEs, so 0.5 of 7 slots means 4.
    """

    # An edge's subclass (the API's, with its own wording) becomes this class in a request.
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        from_attributes=True,
        revalidate_instances="subclass-instances",
    )

    column: MinShareColumn
    value: str = Field(min_length=1, max_length=64, examples=["female"])
    share: float = Field(gt=0, le=1, examples=[0.5])

    @model_validator(mode="after")
    def _value_exists(self) -> MinShare:
        allowed = allowed_values(self.column)
        if self.value not in allowed:
            if len(allowed) > 10:  # the 38 provinces: named by the rule, not listed
                raise FieldRuleError("field_share_value_not_province")
            raise FieldRuleError("field_share_value", column=self.column, expected=list(allowed))
        return self

    @property
    def label(self) -> str:
        """Like `owner_gender=female 0.5`."""
        return f"{self.column}={self.value} {self.share:g}"

    def required(self, filled: int) -> int:
        """How many of `filled` slots this share needs (rounded up, float noise ignored)."""
        return math.ceil(round(self.share * filled, 9))


# Seeds of the exploration draw. New ones are drawn below 2^53, and requests may give only those:
# a larger JSON number loses its last digits in JavaScript and jq (IEEE doubles), so a client
# there could not send back the seed it was given. Lists recorded before 2026-12-06 may carry any
# seed below 2^63 (numpy's generators take any); options describing a recorded list accept those.
SEED_LIMIT = 2**53
RECORDED_SEED_LIMIT = 2**63


class ListOptions(BaseModel):
    """The options of a mentoring list, whoever asks for it (API, page, CLI)."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    capacity: int = Field(ge=1, description="Mentoring slots to fill.")
    quotas: dict[ProvinceCode, Annotated[int, Field(ge=0)]] | None = Field(
        default=None,
        description='Maximum slots per province code, like {"31": 40, "32": 60}.',
    )
    min_share: list[MinShare] = Field(default_factory=list)
    budget: float | None = Field(
        default=None, gt=0, allow_inf_nan=False, description="Upper bound on the list's total cost."
    )
    exclude_digital: bool = Field(
        default=True, description="Leave already-digital MSMEs out (they belong to the stimulus)."
    )
    only_beneficial: bool = Field(
        default=False,
        description="Leave MSMEs with uplift <= 0 off the list even when slots stay free.",
    )
    exploration_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="Share of the filled slots given at random to eligible MSMEs the model did "
        "not pick, within the same quotas and budget (round(share x slots) slots); 0: none.",
    )
    exploration_seed: int | None = Field(
        default=None,
        ge=0,
        lt=RECORDED_SEED_LIMIT,
        description="Seed of the random draw, so a list can be made again; unset: a fresh one, "
        "reported with the list. 0 to 2^53 - 1 (9007199254740991), exact in every JSON client.",
    )

    @field_validator("min_share")
    @classmethod
    def _no_duplicate_shares(cls, shares: list[MinShare]) -> list[MinShare]:
        """Refused at `min_share` (its problem names the field), not at the body."""
        pairs = [(share.column, share.value) for share in shares]
        if len(set(pairs)) != len(pairs):
            raise FieldRuleError("field_share_twice")
        return shares

    @property
    def constrained(self) -> bool:
        """Whether anything beyond capacity limits the list."""
        return bool(self.quotas) or bool(self.min_share) or self.budget is not None


def declared(name: str, **overrides: Any) -> Any:
    """ListOptions' field `name` as declared here, for a subclass that narrows its type (an
    edge's own bounds) or changes its documentation in `overrides`."""
    base = ListOptions.model_fields[name]
    return FieldInfo.merge_field_infos(base, Field(**overrides)) if overrides else copy(base)


class AllocationRequest(ListOptions):
    """What the list must respect, and how long the solver may take. Build it from an API body
    or upload form with `AllocationRequest.model_validate(options, from_attributes=True)`."""

    model_config = ConfigDict(frozen=True)

    time_limit_seconds: float = Field(default=DEFAULT_TIME_LIMIT_SECONDS, gt=0, le=600)
