"""`allocate`: from a scored candidate table to a mentoring list, step by step.

1. Eligibility (`candidates`): each MSME that cannot be on the list gets a reason code.
2. The list fills `min(capacity, eligible)` slots. Fewer eligible MSMEs than slots is not an
   error: all of them are selected and `shortfall_note` says so. Constraints that cannot all hold
   at that fill raise `InfeasibleConstraints`, naming every constraint at fault (`feasibility`).
3. The list maximises total uplift (expected extra digitalizations) (`solver`).
4. The same candidates in any row order give the same list; among MSMEs the constraints cannot
   tell apart, the smaller `msme_id` goes first. `rank` orders the list by uplift (`explain`).
5. With `exploration_share`, round(share x slots) slots go at random to eligible MSMEs the model
   did not pick, within the same constraints, each MSME's chance of selection exact
   (`exploration`); share 0 gives exactly the list of steps 1-4.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from allocation.candidates import Eligible, canonical_order, eligibility, eligible_view, prepare
from allocation.errors import InfeasibleConstraints
from allocation.explain import AllocationResult, build_result
from allocation.exploration import (
    Draw,
    Exploration,
    draw,
    exploration_of,
    explored_slots,
    fresh_seed,
    model_part,
)
from allocation.feasibility import check_constraints
from allocation.options import AllocationRequest
from allocation.solver import Solution, quota_greedy, solve_exact


def allocate(candidates: pd.DataFrame, request: AllocationRequest) -> AllocationResult:
    """Choose who gets the `request.capacity` mentoring slots, maximising expected uplift.

    Raises CandidateError for an unusable table, InfeasibleConstraints when the constraints
    cannot all hold, SolverError when HiGHS finds no list within the time limit.
    """
    frame = prepare(candidates, request)
    code = eligibility(frame, request)
    order = canonical_order(frame)
    eligible = eligible_view(frame, order[code[order] == ""], request)
    fill = min(request.capacity, eligible.size)

    k = explored_slots(request.exploration_share, fill)
    seed = request.exploration_seed
    if seed is None and request.exploration_share > 0:
        seed = fresh_seed()
    found: Draw | None = None
    if fill == 0:
        solution = Solution(np.empty(0, dtype=np.intp), "none")
    else:
        problems = check_constraints(eligible, request, fill)
        if problems:
            raise InfeasibleConstraints(problems)
        if k == 0:
            solution = _solve(eligible, request, fill)
        else:
            assert seed is not None
            model = _solve_model_part(eligible, request, fill, k)
            found = draw(eligible, request, model.chosen, k, seed)
            chosen = np.sort(np.concatenate([model.chosen, found.drawn])).astype(np.intp)
            solution = Solution(chosen, model.method, model.gap)
    exploration: Exploration | None = None
    if seed is not None and request.exploration_share > 0:
        exploration = exploration_of(frame, eligible, request, seed=seed, k=k, found=found)
    return build_result(
        frame=frame,
        request=request,
        eligible=eligible,
        solution=solution,
        code=code,
        order=order,
        fill=fill,
        found=found,
        exploration=exploration,
    )


def _solve(eligible: Eligible, request: AllocationRequest, fill: int) -> Solution:
    """The best `fill` MSMEs under the request's constraints (checked by the caller)."""
    if fill == 0:
        return Solution(np.empty(0, dtype=np.intp), "none")
    if not request.constrained:
        return Solution(np.arange(fill, dtype=np.intp), "greedy")
    if not request.min_share and request.budget is None:
        return Solution(quota_greedy(eligible, request, fill), "quota_greedy")
    return solve_exact(eligible, request, fill)


def _solve_model_part(
    eligible: Eligible, request: AllocationRequest, fill: int, k: int
) -> Solution:
    """The model's fill - k slots: with the budget share of its slots when that is feasible
    (leaving the rest to exploration), else with the whole budget."""
    attempts = [True, False] if request.budget is not None else [False]
    for attempt, reserve in enumerate(attempts, start=1):
        part = model_part(request, fill, k, reserve=reserve)
        problems = check_constraints(eligible, part, fill - k) if fill > k else []
        try:
            if problems:
                raise InfeasibleConstraints(problems)
            return _solve(eligible, part, fill - k)
        except InfeasibleConstraints:
            if attempt == len(attempts):
                raise
    raise AssertionError("unreachable")
