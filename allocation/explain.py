"""The list as a result: who is on it in rank order, why everyone else is not, which constraints
shaped it, and the figures a reader needs (expected gain against a random choice, cost, notes)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from allocation.candidates import Eligible, Texts
from allocation.errors import ALLOCATION_CODES
from allocation.exploration import Draw, Exploration
from allocation.feasibility import share_params
from allocation.options import AllocationRequest
from allocation.solver import MIP_REL_GAP, Method, Solution
from data.messages import render, shares_read_alike

BindingKind = Literal["capacity", "quota", "min_share", "budget"]


@dataclass(frozen=True)
class BindingConstraint:
    """A constraint that shaped the list: tight at the solution, and broken by plain ranking."""

    kind: BindingKind
    name: str  # "capacity", "quota 31", "min_share owner_gender=female 0.5", "budget"
    used: float  # slots, MSMEs or cost the list uses
    limit: float  # the quota, the required count, the budget or the capacity
    unconstrained: float  # what the list ranked by uplift alone would use
    message: str  # English, from the catalogue; `code` and `params` word it in any language
    code: str = ""
    params: dict[str, object] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        kind: BindingKind,
        name: str,
        figures: tuple[float, float, float],
        code: str,
        params: dict[str, object],
    ) -> BindingConstraint:
        """A binding constraint with its (used, limit, unconstrained) `figures`, worded in
        English from the catalogue, as every other language is."""
        used, limit, unconstrained = figures
        message = render(code, params, "en")
        return cls(kind, name, used, limit, unconstrained, message, code, params)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Note:
    """A note on the list: its code and parameters (data.messages), and the English sentence."""

    code: str
    params: dict[str, object]
    message: str

    @classmethod
    def of(cls, code: str, params: dict[str, object]) -> Note:
        """The note worded in English from the catalogue, as every other language is."""
        return cls(code, params, render(code, params, "en"))

    def __str__(self) -> str:
        return self.message


def shortfall_code(eligible: int, free: int) -> str:
    """The catalogue code of the note on slots left free for want of eligible MSMEs: its
    variant for no eligible MSME or one (`_none`, `_single`), and for one free slot (`_one`)."""
    code = {0: "note_shortfall_none", 1: "note_shortfall_single"}.get(eligible, "note_shortfall")
    return f"{code}_one" if free == 1 else code


def capacity_code(filled: int, waiting: int) -> str:
    """The catalogue code of the binding capacity: its variant for one other eligible MSME
    waiting (`_single`), and for one slot (`_one`)."""
    code = "binding_capacity_single" if waiting == 1 else "binding_capacity"
    return f"{code}_one" if filled == 1 else code


def rank_cutoff(uplift: npt.NDArray[np.float64], by_model: npt.NDArray[np.bool_]) -> float | None:
    """The uplift a left-out MSME ranked below: the lowest the model itself picked. Exploration's
    random draws set no cutoff; None when the model picked nobody (every slot drawn)."""
    return float(uplift[by_model].min()) if by_model.any() else None


@dataclass(frozen=True, eq=False)
class NotSelectedReasons:
    """Why each MSME of `AllocationResult.not_selected` is off the list, as `data.messages` codes
    with parameters: a code per MSME and the figures of the list its words name, each computed
    once here (the API and `umkm prioritize` word them, see `message`; the page takes `cutoff`)."""

    codes: npt.NDArray[np.object_]  # per not_selected row: its reason code, or a variant of it
    cutoff: float | None  # `rank_cutoff`
    budget_left: float | None  # the budget less the list's cost, with a budget
    min_shares: tuple[Mapping[str, object], ...]  # the minimum shares that reserved slots
    quotas: Mapping[str, int]
    drawn: int | None = None  # with exploration: the MSMEs drawn at random ...
    pool: int | None = None  # ... out of so many in the pool (a `not_drawn` MSME's chance)

    def message(self, code: str, uplift: float, province: object) -> tuple[str, dict[str, object]]:
        """One MSME's catalogue code (`codes`, its singular entry for a count of one) and the
        parameters that code is declared with: the MSME's uplift and province, the province's
        quota, the list's cutoff, the money left in the budget, the minimum shares, how many of
        the exploration pool were drawn."""
        quota = self.quotas.get(str(province))
        if code == "province_quota_full" and quota == 1:
            code = "province_quota_full_one"
        elif code == "min_share_reserved" and len(self.min_shares) > 1:
            code = "min_share_reserved_many"
        elif (
            code == "below_rank_cutoff"
            and self.cutoff is not None
            and shares_read_alike(uplift, self.cutoff)
        ):
            code = "below_rank_cutoff_tied"  # as good as the last pick: the slots ran out
        facts: dict[str, object] = {
            "uplift": None if math.isnan(uplift) else uplift,
            "cutoff": self.cutoff,
            "province": str(province),
            "quota": quota,
            "leftover": self.budget_left,
            "shares": list(self.min_shares),
            "drawn": self.drawn,
            "pool": self.pool,
        }
        return code, {name: facts[name] for name in ALLOCATION_CODES.get(code, ())}


@dataclass(frozen=True)
class AllocationResult:
    """A mentoring list and why everyone else is not on it.

    `selected`: every candidate column plus `rank` (1 = highest priority) and `expected_gain`
    (the MSME's uplift: expected extra chance of going digital), ordered by rank.
    `not_selected`: every candidate column plus `reason_code` (see REASON_CODES), ordered by
    uplift (highest first, unscored last); `reasons` words each. Together they hold each
    candidate once.
    """

    selected: pd.DataFrame
    not_selected: pd.DataFrame
    reasons: NotSelectedReasons
    capacity: int
    filled: int
    candidates: int
    eligible: int
    total_expected_gain: float  # expected extra digitalizations from the list
    random_expected_gain: float  # same-size random choice among eligible: filled × mean uplift
    expected_success_rate: float | None  # mean p_digital_if_mentored of the selected
    total_cost: float | None  # with a cost column
    budget: float | None
    binding: list[BindingConstraint]
    shortfall_note: str | None  # set when fewer eligible MSMEs than slots
    notes: list[str]
    method: Method
    optimality_gap: float  # proven relative gap of the MILP (0 for greedy methods)
    reason_counts: dict[str, int] = field(default_factory=dict)
    exploration: Exploration | None = None  # set when the request asked for exploration
    coded_notes: list[Note] = field(default_factory=list)  # `notes` as codes, same order
    shortfall: Note | None = None  # `shortfall_note` as a code

    @property
    def binding_constraints(self) -> list[str]:
        """The binding constraints as English sentences."""
        return [item.message for item in self.binding]


def build_result(
    *,
    frame: pd.DataFrame,
    request: AllocationRequest,
    eligible: Eligible,
    solution: Solution,
    code: Texts,
    order: npt.NDArray[np.intp],
    fill: int,
    found: Draw | None = None,
    exploration: Exploration | None = None,
) -> AllocationResult:
    chosen_rows = eligible.rows[solution.chosen]  # canonical order = rank order
    selected = frame.iloc[chosen_rows].reset_index(drop=True)
    selected["rank"] = np.arange(1, len(chosen_rows) + 1, dtype=np.int64)
    selected["expected_gain"] = selected["uplift"].to_numpy(dtype=float)
    first = ["rank", "msme_id", "expected_gain"]
    selected = selected[first + [c for c in selected.columns if c not in first]]

    picked = np.zeros(eligible.size, dtype=bool)
    picked[solution.chosen] = True
    by_model = picked.copy()
    if found is not None:
        by_model[found.drawn] = False
    cutoff = rank_cutoff(eligible.uplift, by_model)
    budget_left = None
    if request.budget is not None:
        assert eligible.cost is not None
        # Never below 0 from float noise in the sum: "Rp -0.00 left" would read as overspent.
        budget_left = max(0.0, request.budget - float(eligible.cost[picked].sum()))
    # The constraints shaped the model's picks; the draw only filled the rest at random. So an
    # MSME off the list is told why the model passed it by (the draw's odds are in the notes),
    # and a share is tight by the model's picks: they meet it for the whole list on their own.
    tight = _tight_shares(request, eligible, by_model, len(chosen_rows))
    wording = code.copy()  # the catalogue code of each reason: its code, or a variant of it
    _explain_losers(
        request=request,
        eligible=eligible,
        picked=picked,
        cutoff=cutoff,
        budget_left=budget_left,
        tight=tight,
        code=code,
        wording=wording,
    )
    if found is not None and exploration is not None and cutoff is None:
        # Every slot was drawn at random: the draw alone left the pool's others off.
        undrawn = eligible.rows[found.pool[~picked[found.pool]]]
        code[undrawn] = wording[undrawn] = "not_drawn"
    unselected = np.ones(len(frame), dtype=bool)
    unselected[chosen_rows] = False
    rest = order[unselected[order]]
    not_selected = frame.take(rest).reset_index(drop=True)
    not_selected["reason_code"] = code[rest]
    assert (code[rest] != "").all(), "every MSME off the list has a reason"
    reasons = NotSelectedReasons(
        codes=wording[rest],
        cutoff=cutoff,
        budget_left=budget_left,
        min_shares=tuple(
            {"code": "min_share_reserved.shares", **share_params(request.min_share[i])}
            for i in tight
        ),
        quotas=dict(request.quotas or {}),
        drawn=None if found is None else len(found.drawn),
        pool=None if found is None else len(found.pool),
    )

    uplift = selected["uplift"].to_numpy(dtype=float)
    total = float(uplift.sum())
    mean_eligible = float(eligible.uplift.mean()) if eligible.size else 0.0
    success = None
    if len(selected) and "p_digital_if_mentored" in selected.columns:
        success = float(selected["p_digital_if_mentored"].mean())
    total_cost = float(selected["cost"].sum()) if "cost" in selected.columns else None

    notes: list[Note] = []
    shortfall = None
    if eligible.size < request.capacity:
        free = request.capacity - eligible.size
        shortfall = Note.of(
            shortfall_code(eligible.size, free),
            {"eligible": eligible.size, "capacity": request.capacity, "free": free},
        )
        notes.append(shortfall)
    harmless = int((uplift <= 0).sum())
    if harmless:
        counted = "note_not_beneficial_one" if harmless == 1 else "note_not_beneficial"
        # Names the option that leaves those slots free; an edge may spell it its own way.
        notes.append(Note.of(counted, {"count": harmless, "option": "only_beneficial"}))
    if solution.gap > MIP_REL_GAP:
        notes.append(Note.of("note_time_limit", {"gap": solution.gap}))
    if exploration is not None:
        notes.append(Note.of(*exploration.note_code(fill)))
    counts = not_selected["reason_code"].value_counts()
    return AllocationResult(
        selected=selected,
        not_selected=not_selected,
        reasons=reasons,
        capacity=request.capacity,
        filled=len(selected),
        candidates=len(frame),
        eligible=eligible.size,
        total_expected_gain=total,
        random_expected_gain=fill * mean_eligible,
        expected_success_rate=success,
        total_cost=total_cost,
        budget=request.budget,
        binding=_binding(request, eligible, picked, by_model),
        shortfall_note=None if shortfall is None else shortfall.message,
        notes=[note.message for note in notes],
        method=solution.method,
        optimality_gap=solution.gap,
        reason_counts={str(k): int(v) for k, v in counts.items()},
        exploration=exploration,
        coded_notes=notes,
        shortfall=shortfall,
    )


def _tight_shares(
    request: AllocationRequest, eligible: Eligible, picked: npt.NDArray[np.bool_], fill: int
) -> list[int]:
    return [
        i
        for i, share in enumerate(request.min_share)
        if int((eligible.members[i] & picked).sum()) == share.required(fill) > 0
    ]


def _explain_losers(
    *,
    request: AllocationRequest,
    eligible: Eligible,
    picked: npt.NDArray[np.bool_],
    cutoff: float | None,
    budget_left: float | None,
    tight: list[int],
    code: Texts,
    wording: Texts,
) -> None:
    """Fill in reason codes for eligible MSMEs left off the list, and the catalogue code that
    words each (in place). A constraint decided for an MSME above the rank cutoff (the model's
    last pick): a lower-uplift MSME took a slot. `tight`: the shares the model's picks meet
    exactly."""
    losers = np.flatnonzero(~picked)
    if len(losers) == 0:
        return
    uplift = eligible.uplift
    codes = np.full(len(losers), "below_rank_cutoff", dtype=object)
    # The model picked nobody (every slot drawn at random, and the draws found nobody the
    # constraints allowed): no rank stood in anyone's way, only the constraints.
    nobody = cutoff is None
    better = uplift[losers] > (-math.inf if cutoff is None else cutoff)
    decided = np.zeros(len(losers), dtype=bool)

    if request.quotas:
        assert eligible.province is not None
        used = pd.Series(eligible.province[picked]).value_counts()
        full = {p for p, q in request.quotas.items() if int(used.get(p, 0)) >= q}
        hit = better & np.isin(eligible.province[losers], list(full))
        codes[hit] = "province_quota_full"
        decided |= hit

    if budget_left is not None:
        assert eligible.cost is not None
        # The dearest selected MSME with lower uplift is the most a swap could free up.
        sel = np.flatnonzero(picked)[::-1]  # ascending uplift
        dearest = np.maximum.accumulate(eligible.cost[sel])
        lower_count = np.searchsorted(uplift[sel], uplift[losers], side="left")  # strictly below
        # Nobody picked (every candidate over the budget or its quota): no swap frees anything.
        freed = (
            np.where(lower_count > 0, dearest[np.maximum(lower_count - 1, 0)], 0.0)
            if len(sel)
            else np.zeros(len(losers))
        )
        unaffordable = eligible.cost[losers] > budget_left + freed + 1e-9
        hit = better & ~decided & unaffordable
        codes[hit] = "over_budget"
        decided |= hit

    if tight:
        outside = np.zeros(len(losers), dtype=bool)
        for i in tight:
            outside |= ~eligible.members[i][losers]
        hit = better & ~decided & outside
        codes[hit] = "min_share_reserved"
        decided |= hit

    words = codes.copy()
    if budget_left is not None:
        # Its cost would fit once a cheaper pick made room: the budget and the other constraints
        # together left no slot for it.
        hit = better & ~decided
        codes[hit] = "over_budget"
        words[hit] = "over_budget_with_constraints"
        decided |= hit

    harmless = (~better | (nobody & ~decided)) & (uplift[losers] <= 0)
    codes[harmless] = words[harmless] = "not_beneficial"
    rows = eligible.rows[losers]
    code[rows] = codes
    wording[rows] = words


def _binding(
    request: AllocationRequest,
    eligible: Eligible,
    picked: npt.NDArray[np.bool_],
    by_model: npt.NDArray[np.bool_],
) -> list[BindingConstraint]:
    """Constraints that are tight at the solution and that ranking by uplift alone would break.

    With exploration, quotas and minimum shares are judged on the model's picks (`by_model`)
    against its own slots ranked by uplift alone: the model meets them for the whole list, and
    what the draw adds says nothing of whether they changed whom the model picked.
    """
    fill = int(picked.sum())
    model_fill = int(by_model.sum())
    greedy = np.zeros(eligible.size, dtype=bool)
    greedy[:fill] = True
    plain = np.zeros(eligible.size, dtype=bool)  # the model's slots ranked by uplift alone
    plain[:model_fill] = True
    binding: list[BindingConstraint] = []
    if fill == request.capacity < eligible.size:
        waiting = eligible.size - fill
        binding.append(
            BindingConstraint.of(
                "capacity",
                "capacity",
                (fill, request.capacity, eligible.size),
                capacity_code(fill, waiting),
                {"used": fill, "waiting": waiting},
            )
        )
    if request.quotas:
        assert eligible.province is not None
        used = pd.Series(eligible.province[by_model]).value_counts()
        ranked = pd.Series(eligible.province[plain]).value_counts()
        for code, quota in sorted(request.quotas.items()):
            now, before = int(used.get(code, 0)), int(ranked.get(code, 0))
            if now == quota and before > quota:
                binding.append(
                    BindingConstraint.of(
                        "quota",
                        f"quota {code}",
                        (now, quota, before),
                        "binding_quota_one" if quota == 1 else "binding_quota",
                        {"province": code, "used": now, "limit": quota, "unconstrained": before},
                    )
                )
    for i, share in enumerate(request.min_share):
        need = share.required(fill)
        now = int((eligible.members[i] & by_model).sum())
        before = int((eligible.members[i] & plain).sum())
        if not (now == need and before < need):
            continue
        params = share_params(share) | {"used": now, "slots": fill, "unconstrained": before}
        if model_fill < fill:
            drawn = int((eligible.members[i] & picked & ~by_model).sum())
            code = "binding_min_share_explored"
            code += "_one" if model_fill == 1 else ""
            params |= {"model_slots": model_fill, "drawn": drawn}
        else:
            code = "binding_min_share_one" if fill == 1 else "binding_min_share"
        binding.append(
            BindingConstraint.of(
                "min_share", f"min_share {share.label}", (now, need, before), code, params
            )
        )
    if request.budget is not None:
        assert eligible.cost is not None
        spent = float(eligible.cost[picked].sum())
        plain_cost = float(eligible.cost[greedy].sum())
        if plain_cost > request.budget:
            binding.append(
                BindingConstraint.of(
                    "budget",
                    "budget",
                    (spent, request.budget, plain_cost),
                    "binding_budget",
                    {"spent": spent, "budget": request.budget, "cost": plain_cost},
                )
            )
    return binding
