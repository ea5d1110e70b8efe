"""Whether the constraints can hold at the list's fill, and which ones are at fault when not.

`check_constraints` finds every constraint that cannot hold on its own (or together with the
others on its column) by counting; `diagnose` names the constraints that clash only together,
given a test of feasibility without each (the solver's LP relaxation).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from allocation.candidates import Eligible
from allocation.errors import Problem, SolverError
from allocation.options import ListOptions, MinShare


def quota_limit(eligible: Eligible, request: ListOptions) -> npt.NDArray[np.float64]:
    """Each eligible MSME's province quota (inf where the province has none)."""
    if not request.quotas:
        return np.full(eligible.size, np.inf)
    assert eligible.province is not None
    limits = pd.Series(eligible.province).map(request.quotas)
    return np.asarray(limits.fillna(np.inf), dtype=np.float64)


def _capped_count(eligible: Eligible, request: ListOptions, mask: npt.NDArray[np.bool_]) -> int:
    """How many MSMEs in `mask` the province quotas let onto a list at most."""
    if not request.quotas:
        return int(mask.sum())
    assert eligible.province is not None
    counts = pd.Series(eligible.province[mask]).value_counts()
    limits = np.array([request.quotas.get(p, math.inf) for p in counts.index], dtype=float)
    return int(np.minimum(counts.to_numpy(dtype=float), limits).sum())


def check_constraints(eligible: Eligible, request: ListOptions, fill: int) -> list[Problem]:
    """Every constraint that cannot hold on its own (or per column), as a problem naming it."""
    problems: list[Problem] = []
    everyone = np.ones(eligible.size, dtype=bool)
    if request.quotas:
        reachable = _capped_count(eligible, request, everyone)
        if reachable < fill:
            assert eligible.province is not None
            counts = pd.Series(eligible.province).value_counts()
            limiting = {
                p: (quota, int(counts[p]))
                for p, quota in sorted(request.quotas.items())
                if p in counts.index and counts[p] > quota
            }
            problems.append(_quota_problem(limiting, reachable, fill, eligible.size))
    by_column: dict[str, list[tuple[MinShare, int]]] = {}
    for index, (share, members) in enumerate(zip(request.min_share, eligible.members, strict=True)):
        need = share.required(fill)
        by_column.setdefault(share.column, []).append((share, need))
        have = int(members.sum())
        params = share_params(share)
        if have < need:
            problems.append(
                Problem(
                    "share_too_few_candidates",
                    f"min_share {share.label} needs {need} of {fill} slots but only {have} "
                    f"eligible candidates have {share.column}={share.value}",
                    params | {"needed": need, "slots": fill, "available": have},
                    field=f"min_share.{index}",
                )
            )
            continue
        reachable = _capped_count(eligible, request, members)
        if reachable < need:
            problems.append(
                Problem(
                    "share_blocked_by_quotas",
                    f"min_share {share.label} needs {need} of {fill} slots but the province "
                    f"quotas let only {reachable} candidates with {share.column}={share.value} "
                    "on the list",
                    params | {"needed": need, "slots": fill, "possible": reachable},
                    field=f"min_share.{index}",
                )
            )
    for column_name, shares in by_column.items():
        total = sum(need for _, need in shares)
        if len(shares) > 1 and total > fill:
            parts = " + ".join(f"{need} ({share.label})" for share, need in shares)
            problems.append(
                Problem(
                    "shares_exceed_list",
                    f"min_share on {column_name} needs {parts} = {total} slots together "
                    f"but the list has {fill}",
                    {
                        "column": column_name,
                        "needed": [
                            share_params(share) | {"needed": need} for share, need in shares
                        ],
                        "total": total,
                        "slots": fill,
                    },
                    field="min_share",
                )
            )
    if request.budget is not None:
        problems += _budget_problems(eligible, request, fill, request.budget)
    return problems


def _quota_problem(
    limiting: dict[str, tuple[int, int]], reachable: int, fill: int, eligible: int
) -> Problem:
    """Quotas that leave slots empty while candidates wait (`limiting`: province -> quota and
    its eligible candidates), with a fix that can be made: capacity cannot go below 1, so quotas
    of 0 that leave no slot at all ask for the quotas to change. Its field is the one quota at
    fault (`quotas.32`), or `quotas` when several are."""
    field = f"quotas.{next(iter(limiting))}" if len(limiting) == 1 else "quotas"
    if reachable == 0:  # every eligible candidate is in a province whose quota is 0
        provinces = list(limiting)
        params = {"provinces": provinces, "remaining": eligible, "asked": fill}
        named = ", ".join(provinces)
        if len(provinces) == 1:
            return Problem(
                "quota_leaves_no_slot",
                f"a quota of 0 for {named} leaves no slot for the {eligible} eligible "
                "candidates, and there are no others; raise the quota or remove it",
                params,
                field=field,
            )
        return Problem(
            "quotas_leave_no_slot",
            f"quotas of 0 for {named} leave no slot for the {eligible} eligible candidates, "
            "and there are no others; raise the quotas or remove them",
            params,
            field=field,
        )
    full = [f"{p} ({quota} of {n} candidates)" for p, (quota, n) in limiting.items()]
    return Problem(
        "quota_too_tight",
        f"quotas allow at most {reachable} of the {fill} slots to be filled while "
        f"{eligible - reachable} more eligible candidates remain; limiting "
        f"quotas: {', '.join(full)}; raise them or lower capacity to {reachable}",
        {
            "possible": reachable,
            "asked": fill,
            "remaining": eligible - reachable,
            "limiting": [
                {"province": p, "quota": quota, "candidates": n}
                for p, (quota, n) in limiting.items()
            ],
        },
        field=field,
    )


def _budget_problems(
    eligible: Eligible, request: ListOptions, fill: int, budget: float
) -> list[Problem]:
    assert eligible.cost is not None
    problems: list[Problem] = []
    cheapest = np.sort(eligible.cost)
    spent = np.cumsum(cheapest)
    if spent[fill - 1] > budget * (1 + 1e-12):
        affordable = int(np.searchsorted(spent, budget * (1 + 1e-12), side="right"))
        if affordable == 0:  # capacity cannot go below 1: only the budget can change
            problems.append(
                Problem(
                    "budget_pays_no_slot",
                    f"budget {budget:,.2f} pays for none of the {fill} slots (the cheapest "
                    f"eligible candidate costs {spent[0]:,.2f}); raise the budget",
                    {"budget": budget, "asked": fill, "cheapest_cost": float(spent[0])},
                    field="budget",
                )
            )
        else:
            problems.append(
                Problem(
                    "budget_too_small",
                    f"budget {budget:,.2f} pays for at most {affordable} of the {fill} slots "
                    f"(the {fill} cheapest eligible candidates cost {spent[fill - 1]:,.2f}); "
                    f"raise the budget or lower capacity to {affordable}",
                    {
                        "budget": budget,
                        "possible": affordable,
                        "asked": fill,
                        "cheapest_cost": float(spent[fill - 1]),
                    },
                    field="budget",
                )
            )
    for index, (share, members) in enumerate(zip(request.min_share, eligible.members, strict=True)):
        need = share.required(fill)
        have = int(members.sum())
        if 0 < need <= have:
            cost_of_share = float(np.sort(eligible.cost[members])[:need].sum())
            if cost_of_share > budget * (1 + 1e-12):
                problems.append(
                    Problem(
                        "budget_below_share",
                        f"budget {budget:,.2f} cannot pay min_share {share.label}: its "
                        f"{need} cheapest candidates cost {cost_of_share:,.2f}",
                        share_params(share)
                        | {
                            "budget": budget,
                            "needed": need,
                            "cheapest_cost": cost_of_share,
                        },
                        field=f"min_share.{index}",
                    )
                )
    return problems


def not_whole_number() -> Problem:
    """The LP relaxation holds but no 0-1 list does."""
    return Problem(
        "no_whole_number_list",
        "the constraints cannot all hold on a whole-number list, although a fractional one "
        "would meet them: relax the minimum shares or the budget",
    )


def diagnose(
    request: ListOptions, fill: int, feasible_without: Callable[[str], bool]
) -> list[Problem]:
    """Name the constraints that clash when each holds on its own but not all together.

    `feasible_without(key)` says whether the list is possible without one constraint group
    ("quotas", "share<i>", "budget"); a SolverError there leaves the culprits unnamed.
    """
    groups: list[tuple[str, str, dict[str, object]]] = []
    if request.quotas:
        groups.append(("quotas", "the province quotas", {"code": "constraint_quotas"}))
    groups += [
        (f"share{i}", f"min_share {s.label}", {"code": "constraint_share"} | share_params(s))
        for i, s in enumerate(request.min_share)
    ]
    if request.budget is not None:
        budget = {"code": "constraint_budget", "budget": request.budget}
        groups.append(("budget", f"the budget {request.budget:,.2f}", budget))
    listed = ", ".join(name for _, name, _ in groups)
    try:
        culprits = [(name, item) for key, name, item in groups if feasible_without(key)]
    except SolverError:
        culprits = []
    constraints = [item for _, _, item in groups]
    if culprits:
        named = ", ".join(name for name, _ in culprits)
        return [
            Problem(
                "constraints_clash",
                f"the constraints cannot all hold on a list of {fill}: {listed}; "
                f"the list becomes possible without any one of these: {named}",
                {
                    "slots": fill,
                    "constraints": constraints,
                    "culprits": [item for _, item in culprits],
                },
            )
        ]
    return [
        Problem(
            "constraints_clash_unnamed",
            f"the constraints cannot all hold together on a list of {fill}: {listed}",
            {"slots": fill, "constraints": constraints},
        )
    ]


def share_params(share: MinShare) -> dict[str, object]:
    """A minimum share as parameters: its label, column, value and fraction of the list."""
    return {
        "share": share.label,
        "column": share.column,
        "value": share.value,
        "fraction": share.share,
    }
