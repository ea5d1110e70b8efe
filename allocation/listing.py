"""`allocate`: from a scored candidate table to a mentoring list, step by step.

1. Eligibility (`candidates`): each MSME that cannot be on the list gets a reason code.
2. The list fills `min(capacity, eligible)` slots. Fewer eligible MSMEs than slots is not an
   error: all of them are selected and `shortfall_note` says so. Constraints that cannot all hold
   at that fill raise `InfeasibleConstraints`, naming every constraint at fault (`feasibility`).
3. The list maximises total uplift (expected extra digitalizations) (`solver`).
4. The same candidates in any row order give the same list; among MSMEs the constraints cannot
   tell apart, the smaller `msme_id` goes first. `rank` orders the list by uplift (`explain`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from allocation.candidates import canonical_order, eligibility, eligible_view, prepare
from allocation.errors import InfeasibleConstraints
from allocation.explain import AllocationResult, build_result
from allocation.feasibility import check_constraints
from allocation.options import AllocationRequest
from allocation.solver import Solution, quota_greedy, solve_exact


def allocate(candidates: pd.DataFrame, request: AllocationRequest) -> AllocationResult:
    """Choose who gets the `request.capacity` mentoring slots, maximising expected uplift.

    Raises CandidateError for an unusable table, InfeasibleConstraints when the constraints
    cannot all hold, SolverError when HiGHS finds no list within the time limit.
    """
    frame = prepare(candidates, request)
    code, reason = eligibility(frame, request)
    order = canonical_order(frame)
    eligible = eligible_view(frame, order[code[order] == ""], request)
    fill = min(request.capacity, eligible.size)

    if fill == 0:
        solution = Solution(np.empty(0, dtype=np.intp), "none")
    else:
        problems = check_constraints(eligible, request, fill)
        if problems:
            raise InfeasibleConstraints(problems)
        if not request.constrained:
            solution = Solution(np.arange(fill, dtype=np.intp), "greedy")
        elif not request.min_share and request.budget is None:
            solution = Solution(quota_greedy(eligible, request, fill), "quota_greedy")
        else:
            solution = solve_exact(eligible, request, fill)
    return build_result(
        frame=frame,
        request=request,
        eligible=eligible,
        solution=solution,
        code=code,
        reason=reason,
        order=order,
        fill=fill,
    )
