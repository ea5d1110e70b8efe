"""What allocation refuses, as one family of errors.

Every problem carries a stable `code` and its `params` beside the English sentence, so the edges
(API, page, CLI, exports) can render it in their own words without reading the sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_ROWS = ("column", "rows", "more")
_SHARE = ("share", "column", "value", "fraction")
# Every code allocation emits -> its parameters (walked against data.messages' catalogs);
# `<code>.<parameter>` entries word the items of a list parameter.
ALLOCATION_CODES: dict[str, tuple[str, ...]] = {
    "quota_too_tight": ("possible", "asked", "remaining", "limiting"),
    "quota_too_tight.limiting": ("province", "quota", "candidates"),
    # quotas of 0 that leave no slot at all (capacity cannot be lowered below 1)
    "quota_leaves_no_slot": ("provinces", "remaining", "asked"),
    "quotas_leave_no_slot": ("provinces", "remaining", "asked"),
    "share_too_few_candidates": (*_SHARE, "needed", "slots", "available"),
    "share_blocked_by_quotas": (*_SHARE, "needed", "slots", "possible"),
    "shares_exceed_list": ("column", "needed", "total", "slots"),
    "shares_exceed_list.needed": (*_SHARE, "needed"),
    "budget_too_small": ("budget", "possible", "asked", "cheapest_cost"),
    "budget_pays_no_slot": ("budget", "asked", "cheapest_cost"),
    "budget_below_share": (*_SHARE, "budget", "needed", "cheapest_cost"),
    "no_whole_number_list": (),
    "constraints_clash": ("slots", "constraints", "culprits"),
    "constraints_clash_unnamed": ("slots", "constraints"),
    "constraint_quotas": (),
    "constraint_share": _SHARE,
    "constraint_budget": ("budget",),
    # `option`: the list option to change, as a `ListOptions` field; each edge spells it its way
    "exploration_crowds_out_share": (*_SHARE, "needed", "slots", "model_slots", "option"),
    # the binding constraints, with their variants for one slot (`_one`) or one MSME waiting
    # (`_single`: `explain.capacity_code`)
    **dict.fromkeys(
        [
            "binding_capacity",
            "binding_capacity_one",
            "binding_capacity_single",
            "binding_capacity_single_one",
        ],
        ("used", "waiting"),
    ),
    "binding_quota": ("province", "used", "limit", "unconstrained"),
    "binding_quota_one": ("province", "used", "limit", "unconstrained"),
    "binding_min_share": (*_SHARE, "used", "slots", "unconstrained"),
    "binding_min_share_one": (*_SHARE, "used", "slots", "unconstrained"),
    # with exploration: the model's picks hold the share (`used` of `model_slots`), `drawn` more
    **dict.fromkeys(
        ["binding_min_share_explored", "binding_min_share_explored_one"],
        (*_SHARE, "used", "model_slots", "slots", "unconstrained", "drawn"),
    ),
    "binding_budget": ("spent", "budget", "cost"),
    # notes, with their variants for a count of one or none (`explain.shortfall_code`)
    **dict.fromkeys(
        [
            "note_shortfall",
            "note_shortfall_one",
            "note_shortfall_single",
            "note_shortfall_single_one",
            "note_shortfall_none",
            "note_shortfall_none_one",
        ],
        ("eligible", "capacity", "free"),
    ),
    "note_not_beneficial": ("count", "option"),
    "note_not_beneficial_one": ("count", "option"),
    "note_time_limit": ("gap",),
    "note_exploration_none": ("fraction", "slots"),
    "note_exploration_none_one": ("fraction", "slots"),
    "note_exploration_short": ("pool", "asked", "free", "seed"),
    "note_exploration": ("asked", "pool", "seed"),
    "missing_column": ("column",),
    "missing_value": _ROWS,
    "duplicate_ids": ("column", "ids"),
    "not_a_number": _ROWS,
    "not_finite": _ROWS,
    "bad_cost": _ROWS,
    "missing_province": _ROWS,
    "unknown_island": _ROWS,
    "lp_failed": ("detail",),
    "lp_time_limit": (),
    "milp_time_limit": ("seconds", "option"),
    "milp_failed": ("detail",),
    # the errors themselves
    "infeasible_constraints": (),
    "invalid_candidates": (),
    "solver_time_limit": (),
    # why an MSME is left off a list: its reason code, or a variant of it that words it
    # (`explain.NotSelectedReasons.message`: a count of one, the budget with other constraints)
    "already_digital": (),
    "missing_uplift": (),
    "not_beneficial": ("uplift",),
    "below_rank_cutoff": ("uplift", "cutoff"),
    "below_rank_cutoff_tied": ("uplift",),
    "province_quota_full": ("province", "quota"),
    "province_quota_full_one": ("province", "quota"),
    "min_share_reserved": ("shares",),
    "min_share_reserved_many": ("shares",),
    "min_share_reserved.shares": _SHARE,
    "over_budget": ("leftover",),
    "over_budget_with_constraints": ("leftover",),
    "not_drawn": ("drawn", "pool"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong: a stable `code`, the figures it names, and the English sentence;
    `field`: the list option at fault as a `ListOptions` path (`quotas.32`, `min_share.0`,
    `budget`) when one is."""

    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    field: str | None = None

    def __str__(self) -> str:
        return self.message


class AllocationError(Exception):
    """Base of every error the allocation package raises; `problems` are English sentences and
    `details` the same problems with their codes and parameters."""

    code = "allocation_error"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.details = list(problems)
        self.problems = [problem.message for problem in self.details]
        super().__init__("; ".join(self.problems))


class InfeasibleConstraints(AllocationError):  # noqa: N818 (the name the API's users know)
    """The constraints cannot all hold at the list's fill; each problem names a constraint."""

    code = "infeasible_constraints"


class CandidateError(AllocationError, ValueError):
    """The candidate table cannot be allocated (missing column, duplicate id, bad cost ...)."""

    code = "invalid_candidates"


class SolverError(AllocationError, RuntimeError):
    """HiGHS found no list within the time limit (or failed); the constraints may still hold."""

    code = "solver_time_limit"

    def __init__(self, problem: Problem) -> None:
        super().__init__([problem])
