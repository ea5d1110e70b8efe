"""The generic exact engine: a 0-1 program over the eligible MSMEs, maximising total uplift.

Capacity only: greedy by uplift. Quotas only: greedy within quotas (exact: a partition matroid).
Minimum shares or a budget: an exact 0-1 program. HiGHS is very slow on ~40 rows × 100,000
columns, so its LP relaxation is solved by column generation (HiGHS on a small working set, every
MSME priced in numpy) and HiGHS's MILP then runs only over the MSMEs that reduced-cost fixing
cannot rule out, which proves the list optimal for all of them.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csc_array, csr_array, hstack, identity, vstack

from allocation.candidates import Eligible
from allocation.errors import InfeasibleConstraints, Problem, SolverError
from allocation.feasibility import diagnose, not_whole_number, quota_limit
from allocation.options import AllocationRequest

Method = Literal["greedy", "quota_greedy", "milp", "none"]

MIP_REL_GAP = 1e-6  # HiGHS stops when the proven gap to the best bound is below this share
_WORKING_MARGIN = 2000  # MSMEs beyond the likely list that the first LP also sees
_INTEGRAL = 1e-7  # LP values this close to 0 or 1 count as whole numbers
_DROPPING_ROUNDS = 8  # column generation rounds that may also shrink the working set
_FIRST_FREE = 200  # MSMEs left free in the first MILP of reduced-cost fixing


@dataclass
class Solution:
    """The chosen MSMEs (positions into `Eligible`), how they were found, and the proven gap."""

    chosen: npt.NDArray[np.intp]
    method: Method
    gap: float = 0.0


def _solver_error(code: str, message: str, **params: Any) -> SolverError:
    return SolverError(Problem(code, message, params))


def quota_greedy(eligible: Eligible, request: AllocationRequest, fill: int) -> npt.NDArray[np.intp]:
    """Best `fill` by uplift with at most the quota per province: exact (greedy on a matroid)."""
    assert eligible.province is not None
    rank_in_province = pd.Series(eligible.province).groupby(eligible.province).cumcount()
    allowed = rank_in_province.to_numpy() < quota_limit(eligible, request)
    chosen: npt.NDArray[np.intp] = np.flatnonzero(allowed)[:fill].astype(np.intp)
    return chosen


def _cells(eligible: Eligible, request: AllocationRequest) -> npt.NDArray[np.intp]:
    """Groups of MSMEs the constraints cannot tell apart (same province and share values)."""
    keys: dict[str, npt.NDArray[Any]] = {}
    if request.quotas:
        assert eligible.province is not None
        keys["province_code"] = eligible.province
    for position in range(len(request.min_share)):
        keys[f"share{position}"] = eligible.members[position]
    if not keys:
        return np.zeros(eligible.size, dtype=np.intp)
    frame = pd.DataFrame(keys)
    return np.asarray(frame.groupby(list(keys), sort=False).ngroup(), dtype=np.intp)


@dataclass
class _Program:
    """The list as a 0-1 program over all eligible MSMEs: maximise uplift·x subject to
    lower <= matrix·x <= upper (rows: total, province quotas, minimum shares, budget)."""

    matrix: csc_array  # rows × eligible MSMEs
    lower: npt.NDArray[np.float64]
    upper: npt.NDArray[np.float64]
    uplift: npt.NDArray[np.float64]

    @property
    def penalty(self) -> float:
        """Price per unit of constraint violation in the penalty LP: far above any dual, which
        is on the scale of uplift since every row counts MSMEs (the budget in mean costs)."""
        return 100.0 * (1.0 + float(np.abs(self.uplift).max(initial=0.0)))

    @property
    def size(self) -> int:
        return len(self.uplift)


@dataclass
class _Relaxation:
    """Optimal LP relaxation over all MSMEs, with reduced costs (dual certificate)."""

    x: npt.NDArray[np.float64]
    reduced_cost: npt.NDArray[np.float64]  # of the minimisation of -uplift·x
    value: float  # maximal total uplift of the relaxation


def _program(
    eligible: Eligible, request: AllocationRequest, fill: int, drop: str | None = None
) -> _Program:
    """Build the rows; `drop` ("quotas", "share<i>", "budget") leaves one constraint group out."""
    n = eligible.size
    rows: list[npt.NDArray[np.intp]] = [np.zeros(n, dtype=np.intp)]
    cols: list[npt.NDArray[np.intp]] = [np.arange(n, dtype=np.intp)]
    vals: list[npt.NDArray[np.float64]] = [np.ones(n)]
    lower: list[float] = [fill]
    upper: list[float] = [fill]

    def add(members: npt.NDArray[np.intp], low: float, high: float, values: Any = 1.0) -> None:
        rows.append(np.full(len(members), len(lower), dtype=np.intp))
        cols.append(members)
        vals.append(np.broadcast_to(np.asarray(values, dtype=np.float64), len(members)))
        lower.append(low)
        upper.append(high)

    if request.quotas and drop != "quotas":
        assert eligible.province is not None
        index, levels = pd.factorize(eligible.province)
        where = {code: position for position, code in enumerate(levels)}
        present = np.bincount(index[index >= 0], minlength=len(levels))
        for code, quota in sorted(request.quotas.items()):
            if code in where and present[where[code]] > quota:  # else it cannot bind
                add(np.flatnonzero(index == where[code]), -np.inf, quota)
    for position, share in enumerate(request.min_share):
        if drop != f"share{position}":
            add(np.flatnonzero(eligible.members[position]), share.required(fill), np.inf)
    if request.budget is not None and drop != "budget":
        assert eligible.cost is not None
        # In units of the mean cost, so the row counts MSMEs like the others and its dual is on
        # the scale of uplift.
        unit = float(eligible.cost.mean()) or 1.0
        add(np.arange(n, dtype=np.intp), -np.inf, request.budget / unit, eligible.cost / unit)
    matrix = csc_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(lower), n),
    )
    return _Program(matrix, np.asarray(lower), np.asarray(upper), eligible.uplift)


LpMode = Literal["feasibility", "penalty", "optimal"]


def _restricted_lp(
    program: _Program,
    work: npt.NDArray[np.intp],
    ones: npt.NDArray[np.bool_],
    *,
    mode: LpMode,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float, float]:
    """LP over the MSMEs `work`, with `ones` fixed at 1: x on work, row duals, objective, and
    the total violation carried by artificial columns.

    "feasibility" minimises the violation alone (phase one); "penalty" maximises uplift minus a
    large price per unit of violation (always solvable, and optimal for the real LP once the
    violation is 0); "optimal" maximises uplift with no artificial columns. Duals follow scipy:
    d(objective)/d(right-hand side).
    """
    shift = program.matrix @ ones.astype(np.float64)
    low, high = program.lower - shift, program.upper - shift
    equal = program.lower == program.upper
    at_most = np.isfinite(program.upper) & ~equal
    at_least = np.isfinite(program.lower) & ~equal
    block = program.matrix[:, work].tocsr()
    n = len(work)
    cost = np.zeros(n) if mode == "feasibility" else -program.uplift[work]
    a_eq, a_ub = block[equal], vstack([block[at_most], -block[at_least]]).tocsr()
    bounds = np.column_stack([np.zeros(n), np.ones(n)])
    if mode != "optimal":
        k_eq, k_ub = int(equal.sum()), a_ub.shape[0]
        a_eq = hstack([a_eq, identity(k_eq), -identity(k_eq), csr_array((k_eq, k_ub))])
        a_ub = hstack([a_ub, csr_array((k_ub, 2 * k_eq)), -identity(k_ub)])
        price = 1.0 if mode == "feasibility" else program.penalty
        cost = np.r_[cost, np.full(2 * k_eq + k_ub, price)]
        bounds = np.vstack(
            [bounds, np.column_stack([np.zeros(2 * k_eq + k_ub), np.full(2 * k_eq + k_ub, np.inf)])]
        )
    result = linprog(
        cost,
        A_ub=a_ub if a_ub.shape[0] else None,
        b_ub=np.r_[high[at_most], -low[at_least]] if a_ub.shape[0] else None,
        A_eq=a_eq,
        b_eq=low[equal],
        bounds=bounds,
        method="highs-ds",
        options={"presolve": False},  # HiGHS presolve is very slow on many parallel columns
    )
    if result.status != 0:
        raise _solver_error(
            "lp_failed",
            f"HiGHS could not solve the LP relaxation: {result.message}",
            detail=str(result.message),
        )
    duals = np.zeros(len(program.lower))
    duals[equal] = result.eqlin.marginals
    k_most = int(at_most.sum())
    duals[at_most] += result.ineqlin.marginals[:k_most]
    duals[at_least] -= result.ineqlin.marginals[k_most:]
    violation = float(result.x[n:].sum())
    return np.asarray(result.x[:n]), duals, float(result.fun), violation


def _relax(
    program: _Program,
    guess: _Guess,
    fill: int,
    deadline: float,
    *,
    phase_one_only: bool = False,
) -> _Relaxation | None:
    """Column generation: LP over a working set, priced against every MSME until no reduced
    cost says otherwise. The result is the LP optimum over all MSMEs; None when infeasible.

    The working set starts as the guessed list plus the next best by the guess's score; for
    long lists the best part of the guess starts fixed at 1 (pricing frees it when wrong).
    """
    n = program.size
    ones = np.zeros(n, dtype=bool)
    ones[guess.chosen[: max(0, fill - 2 * _WORKING_MARGIN)]] = True
    in_work = np.zeros(n, dtype=bool)
    in_work[guess.chosen] = True
    in_work[guess.order[: fill + _WORKING_MARGIN]] = True
    in_work &= ~ones
    tolerance = 1e-9 * max(1.0, float(np.abs(program.uplift).max(initial=0.0)))
    mode: LpMode = "feasibility" if phase_one_only else "penalty"
    for round_number in itertools.count():
        if time.monotonic() > deadline:
            raise _solver_error(
                "lp_time_limit", "the LP relaxation took longer than the time limit"
            )
        work = np.flatnonzero(in_work)
        x_work, duals, _, violation = _restricted_lp(program, work, ones, mode=mode)
        if mode == "feasibility" and violation <= 1e-9:
            if phase_one_only:
                return _Relaxation(np.zeros(n), np.zeros(n), 0.0)
            mode = "optimal"
            continue
        cost = np.zeros(n) if mode == "feasibility" else -program.uplift
        reduced = cost - program.matrix.T @ duals
        wrong = (~in_work & ~ones & (reduced < -tolerance)) | (ones & (reduced > tolerance))
        if not wrong.any():
            if mode == "feasibility":
                return None  # the relaxation is infeasible, so is the list
            if violation > 1e-9:
                mode = "feasibility"  # settle feasibility without the penalty, then optimise
                continue
            x = ones.astype(np.float64)
            x[work] = x_work
            return _Relaxation(x, reduced, float(program.uplift @ x))
        candidates = np.flatnonzero(wrong)
        batch = max(_WORKING_MARGIN, len(work) // 2)
        moved = candidates[np.argsort(-np.abs(reduced[candidates]), kind="stable")[:batch]]
        if mode != "feasibility" and round_number < _DROPPING_ROUNDS:
            # Keep the LP small: MSMEs at 0 that are furthest from entering leave the working
            # set (pricing brings them back if needed; only in early rounds, so this ends).
            idle = work[(x_work < _INTEGRAL) & (reduced[work] > tolerance)]
            excess = len(work) + len(moved) - (fill + 2 * _WORKING_MARGIN)
            if excess > 0 and len(idle):
                dropped = idle[np.argsort(-reduced[idle], kind="stable")[:excess]]
                in_work[dropped] = False
        ones[moved] = False
        in_work[moved] = True
    raise AssertionError("unreachable")


@dataclass
class _Guess:
    """A cheap near-optimal list to start column generation from (canonical positions)."""

    order: npt.NDArray[np.intp]  # every MSME, best first by the guess's score
    chosen: npt.NDArray[np.intp]  # the first `fill` of them that the quotas allow


def _guess(eligible: Eligible, request: AllocationRequest, fill: int) -> _Guess:
    """Rank by uplift − price × cost, the price the lowest that fits the budget (bisection on
    the Lagrangian of the budget row), then take the best within the province quotas."""
    score = eligible.uplift
    if request.budget is not None:
        assert eligible.cost is not None
        price = _budget_price(eligible.uplift, eligible.cost, request.budget, fill)
        score = eligible.uplift - price * eligible.cost
    order = np.argsort(-score, kind="stable").astype(np.intp)  # ties: canonical position
    limit = quota_limit(eligible, request)
    if request.quotas:
        assert eligible.province is not None
        province = eligible.province[order]
        rank_in_province = pd.Series(province).groupby(province).cumcount().to_numpy()
        chosen = order[rank_in_province < limit[order]][:fill]
    else:
        chosen = order[:fill]
    picked = np.zeros(eligible.size, dtype=bool)
    picked[chosen] = True
    for _ in range(2):  # a second pass mends what one share's swaps did to another
        for share, members in zip(request.min_share, eligible.members, strict=True):
            _swap_towards_share(
                eligible,
                request,
                order=order,
                picked=picked,
                members=members,
                need=share.required(fill),
            )
    return _Guess(order, order[picked[order]])


def _swap_towards_share(
    eligible: Eligible,
    request: AllocationRequest,
    *,
    order: npt.NDArray[np.intp],
    picked: npt.NDArray[np.bool_],
    members: npt.NDArray[np.bool_],
    need: int,
) -> None:
    """Swap the best unpicked members (within quota room) for the worst picked non-members."""
    short = need - int((picked & members).sum())
    if short <= 0:
        return
    incoming = order[~picked[order] & members[order]]
    if request.quotas:
        assert eligible.province is not None
        used = pd.Series(eligible.province[picked]).value_counts()
        room = quota_limit(eligible, request) - eligible.province_series.map(used).fillna(0)
        place = pd.Series(eligible.province[incoming])
        rank = place.groupby(place).cumcount().to_numpy()
        incoming = incoming[rank < np.asarray(room)[incoming]]
    outgoing = order[picked[order] & ~members[order]][::-1]
    swaps = min(short, len(incoming), len(outgoing))
    picked[outgoing[:swaps]] = False
    picked[incoming[:swaps]] = True


def _budget_price(
    uplift: npt.NDArray[np.float64], cost: npt.NDArray[np.float64], budget: float, fill: int
) -> float:
    """Smallest price per unit of cost at which the best `fill` by uplift − price × cost fit."""

    def spend(price: float) -> float:
        best = np.argpartition(-(uplift - price * cost), fill - 1)[:fill]
        return float(cost[best].sum())

    if spend(0.0) <= budget:
        return 0.0
    low, high = 0.0, 1.0
    while spend(high) > budget and high < 1e12:
        low, high = high, high * 4
    for _ in range(30):
        middle = (low + high) / 2
        low, high = (low, middle) if spend(middle) <= budget else (middle, high)
    return high


def solve_exact(eligible: Eligible, request: AllocationRequest, fill: int) -> Solution:
    """Maximum total uplift under the constraints: LP relaxation by column generation, then a
    small MILP (HiGHS) over the MSMEs whose reduced cost is within the proven gap."""
    deadline = time.monotonic() + request.time_limit_seconds
    program = _program(eligible, request, fill)
    guess = _guess(eligible, request, fill)
    relaxation = _relax(program, guess, fill, deadline)
    if relaxation is None:
        raise InfeasibleConstraints(_diagnose(eligible, request, fill, guess, deadline))
    x = relaxation.x
    fractional = (x > _INTEGRAL) & (x < 1 - _INTEGRAL)
    if not fractional.any():
        chosen, gap = np.flatnonzero(x > 0.5).astype(np.intp), 0.0
    else:
        chosen, gap = _round_exactly(program, relaxation, fractional, deadline, request)
    if request.budget is None:
        chosen = _canonical_within_cells(eligible, request, chosen)
    return Solution(np.sort(chosen), "milp", gap)


def _round_exactly(
    program: _Program,
    relaxation: _Relaxation,
    fractional: npt.NDArray[np.bool_],
    deadline: float,
    request: AllocationRequest,
) -> tuple[npt.NDArray[np.intp], float]:
    """Integer optimum by reduced-cost fixing.

    Any list differing from the LP optimum on an MSME with |reduced cost| > delta has total
    uplift < LP value − delta. So a MILP over the other MSMEs whose best value is within delta
    of the LP value is optimal overall; otherwise delta grows (at most fourfold, so the MILP
    stays small) and the MILP is solved again over more MSMEs.
    """
    x, reduced, bound = relaxation.x, relaxation.reduced_cost, relaxation.value
    scale = max(1.0, abs(bound))
    magnitude = np.abs(reduced)
    first = min(len(magnitude) - 1, _FIRST_FREE)
    delta = float(np.partition(magnitude, first)[first])  # about _FIRST_FREE MSMEs free at first
    while True:
        free = fractional | (np.abs(reduced) <= delta + 1e-9 * scale)
        ones = (x > 0.5) & ~free
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _solver_error(
                "milp_time_limit",
                f"no list within {request.time_limit_seconds:g} s; raise time_limit_seconds",
                seconds=request.time_limit_seconds,
                option="time_limit_seconds",
            )
        found = _small_milp(program, free, ones, remaining)
        if found is None:
            if free.all():
                raise InfeasibleConstraints([not_whole_number()])
            delta = max(4 * delta, 1e-9 * scale)
            continue
        picked, value, solver_gap, timed_out = found
        chosen = np.flatnonzero(ones | picked).astype(np.intp)
        shortfall = bound - value
        if timed_out:
            return chosen, max(shortfall, 0.0) / scale
        if shortfall <= delta + 1e-9 * scale or free.all():
            return chosen, solver_gap / scale
        delta = min(4 * delta, shortfall * (1 + 1e-9)) if delta > 0 else 1e-9 * scale


def _small_milp(
    program: _Program,
    free: npt.NDArray[np.bool_],
    ones: npt.NDArray[np.bool_],
    time_limit: float,
) -> tuple[npt.NDArray[np.bool_], float, float, bool] | None:
    """MILP over the `free` MSMEs with `ones` fixed at 1: (picked, total value, absolute gap,
    stopped at the time limit), or None when infeasible."""
    columns = np.flatnonzero(free)
    shift = program.matrix @ ones.astype(np.float64)
    result = milp(
        c=-program.uplift[columns],
        constraints=LinearConstraint(
            program.matrix[:, columns], program.lower - shift, program.upper - shift
        ),
        integrality=np.ones(len(columns)),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit, "mip_rel_gap": MIP_REL_GAP},
    )
    if result.x is None:
        if result.status == 2:
            return None
        raise _solver_error(
            "milp_failed",
            f"HiGHS found no list in time ({result.message})",
            detail=str(result.message),
        )
    picked = np.zeros(len(free), dtype=bool)
    picked[columns[result.x > 0.5]] = True
    value = float(program.uplift[ones].sum() + program.uplift[picked].sum())
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0) * max(1.0, abs(float(result.fun)))
    return picked, value, gap, result.status == 1


def _canonical_within_cells(
    eligible: Eligible, request: AllocationRequest, chosen: npt.NDArray[np.intp]
) -> npt.NDArray[np.intp]:
    """Among MSMEs the constraints cannot tell apart, take the first in canonical order.

    Keeps each cell's count, so every constraint holds and the total does not drop; this only
    fixes which of several equal-uplift MSMEs the solver happened to pick.
    """
    cells = _cells(eligible, request)
    wanted = np.bincount(cells[chosen], minlength=int(cells.max()) + 1)
    rank_in_cell = pd.Series(cells).groupby(cells).cumcount().to_numpy()
    return np.flatnonzero(rank_in_cell < wanted[cells]).astype(np.intp)


def _diagnose(
    eligible: Eligible, request: AllocationRequest, fill: int, guess: _Guess, deadline: float
) -> list[Problem]:
    """The clashing constraints, each group tested by the LP relaxation without it."""
    allowance = deadline + request.time_limit_seconds  # the diagnosis gets its own time

    def feasible_without(key: str) -> bool:
        program = _program(eligible, request, fill, drop=key)
        return _relax(program, guess, fill, allowance, phase_one_only=True) is not None

    return diagnose(request, fill, feasible_without)
