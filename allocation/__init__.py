"""Mentoring lists under capacity, quotas, minimum shares and a budget; no HTTP, no MLflow.

`options` (what a list must respect), `candidates` (checks, eligibility, canonical order),
`feasibility` (which constraints cannot hold), `solver` (the exact 0-1 program), `exploration`
(random slots with exact selection probabilities), `explain` (the result and its reasons),
`listing` (`allocate`, the steps in order), `errors` (one base).
"""

from allocation.candidates import REASON_CODES, ReasonCode
from allocation.errors import (
    AllocationError,
    CandidateError,
    InfeasibleConstraints,
    Problem,
    SolverError,
)
from allocation.explain import AllocationResult, BindingConstraint
from allocation.exploration import Exploration, SelectedBy
from allocation.listing import allocate
from allocation.options import (
    DEFAULT_TIME_LIMIT_SECONDS,
    MIN_SHARE_COLUMNS,
    AllocationRequest,
    ListOptions,
    MinShare,
    MinShareColumn,
)

__all__ = [
    "DEFAULT_TIME_LIMIT_SECONDS",
    "MIN_SHARE_COLUMNS",
    "REASON_CODES",
    "AllocationError",
    "AllocationRequest",
    "AllocationResult",
    "BindingConstraint",
    "CandidateError",
    "Exploration",
    "InfeasibleConstraints",
    "ListOptions",
    "MinShare",
    "MinShareColumn",
    "Problem",
    "ReasonCode",
    "SelectedBy",
    "SolverError",
    "allocate",
]
