"""Exploration: a share of the slots drawn at random among the eligible MSMEs the model did not
pick, within the same quotas and budget, with each MSME's exact chance of having been selected.

Why the chances are exact. With k = round(share x slots) explored slots:
1. The model part fills slots - k and meets every minimum share *of the whole list* on its own
   (`model_part`), with the budget share of its slots (the whole budget if it needs more).
2. The pool is every eligible MSME the model did not pick such that *any* k of them keep every
   quota and the budget (`pool`): its cost is at most (budget left) / k, and its province has room
   for min(k, pool members there). So which k are drawn never depends on who was drawn before.
3. The explored slots are the first k of a uniformly random permutation of the pool (canonical
   order, seeded): a simple random sample, so each pool member is drawn with chance k / m.
Model picks have chance 1, other candidates 0. A pool of m <= k is taken whole (chance 1), and
the list says how many slots stay free. Minimum shares hold whatever is drawn: the model part
meets them for the full list, and fewer filled slots never need more.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from allocation.candidates import Eligible
from allocation.errors import InfeasibleConstraints, Problem
from allocation.feasibility import share_params
from allocation.options import SEED_LIMIT, AllocationRequest

SelectedBy = Literal["model", "exploration"]


def explored_slots(share: float, fill: int) -> int:
    """k = round(share x fill), halves up (float noise ignored)."""
    return math.floor(round(share * fill, 9) + 0.5)


def fresh_seed() -> int:
    """A seed for a list whose request gave none (reported with the list), below 2^53 so that
    every JSON client reads it exactly (`SEED_LIMIT`)."""
    return secrets.randbelow(SEED_LIMIT)


def model_part(
    request: AllocationRequest, fill: int, k: int, *, reserve: bool
) -> AllocationRequest:
    """The request the model part is solved with: fill - k slots that meet each minimum share of
    the whole list (ceil(share x fill) MSMEs), and with `reserve` the budget share of its slots.

    Raises InfeasibleConstraints when a share needs more MSMEs than the model part has slots.
    """
    slots = fill - k
    shares = []
    problems = []
    for share in request.min_share:
        need = share.required(fill)
        if need > slots:
            problems.append(
                Problem(
                    "exploration_crowds_out_share",
                    f"min_share {share.label} needs {need} of {fill} slots but exploration "
                    f"leaves the model {slots}; lower exploration_share",
                    share_params(share)
                    | {
                        "needed": need,
                        "slots": fill,
                        "model_slots": slots,
                        "option": "exploration_share",
                    },
                    field="exploration_share",
                )
            )
        else:
            # need / slots of `slots` is exactly `need` (MinShare.required rounds float noise).
            # With every slot explored the model part has none, and needs none of any share.
            shares.append(share.model_copy(update={"share": need / slots if slots else 0.0}))
    if problems:
        raise InfeasibleConstraints(problems)
    budget = request.budget
    if budget is not None and reserve:
        budget = budget * slots / fill
    return request.model_copy(
        update={
            "capacity": slots,
            "min_share": shares,
            "budget": budget,
            "exploration_share": 0.0,
        }
    )


@dataclass(frozen=True)
class Draw:
    """The random part of a list, as positions into `Eligible`."""

    pool: npt.NDArray[np.intp]  # who could be drawn, canonical order
    drawn: npt.NDArray[np.intp]


def pool(
    eligible: Eligible, request: AllocationRequest, model_chosen: npt.NDArray[np.intp], k: int
) -> npt.NDArray[np.intp]:
    """The eligible MSMEs off the model's list of which any k keep every quota and the budget."""
    free = np.ones(eligible.size, dtype=bool)
    free[model_chosen] = False
    if request.budget is not None:
        assert eligible.cost is not None
        left = request.budget - float(eligible.cost[model_chosen].sum())
        free &= eligible.cost <= left / k
    if request.quotas:
        assert eligible.province is not None
        used = pd.Series(eligible.province[model_chosen]).value_counts()
        waiting = pd.Series(eligible.province[free]).value_counts()
        for province, quota in request.quotas.items():
            room = quota - int(used.get(province, 0))
            if room < min(k, int(waiting.get(province, 0))):
                free &= eligible.province != province
    return np.flatnonzero(free).astype(np.intp)


def draw(
    eligible: Eligible,
    request: AllocationRequest,
    model_chosen: npt.NDArray[np.intp],
    k: int,
    seed: int,
) -> Draw:
    """k of the pool, a simple random sample (all of it when it holds k or fewer)."""
    members = pool(eligible, request, model_chosen, k)
    if len(members) <= k:
        return Draw(members, members)
    order = np.random.default_rng(seed).permutation(len(members))
    return Draw(members, np.sort(members[order[:k]]))


@dataclass(frozen=True)
class Exploration:
    """How a list explored: its share and seed, the slots drawn at random, from whom.

    `selection_probability` is exact: 1 for the model's picks, k / m for each of the m pool
    members (drawn or not; 1 when m <= k), 0 for everyone else.
    """

    share: float
    seed: int
    slots: int  # k asked
    pool: tuple[str, ...]  # msme_ids that could be drawn
    drawn: tuple[str, ...]

    @property
    def probability(self) -> float:
        """Each pool member's chance of being drawn."""
        if not self.pool:
            return 0.0
        return min(1.0, self.slots / len(self.pool))

    def selected_by(self, msme_id: str) -> SelectedBy:
        """How a selected MSME got on the list."""
        return "exploration" if msme_id in self._drawn else "model"

    def selection_probability(self, msme_id: str, selected: bool) -> float:
        """The MSME's chance of having been selected under this list's rule."""
        if msme_id in self._pool:
            return self.probability
        return 1.0 if selected else 0.0

    # Built once per list and kept: `selected_by` and `selection_probability` are asked once per
    # candidate, and rebuilding the pool's set each time made recording a 20,000-MSME list
    # quadratic (21 of its 23 seconds; docs/results.md, "Mentoring lists").
    @cached_property
    def _pool(self) -> frozenset[str]:
        return frozenset(self.pool)

    @cached_property
    def _drawn(self) -> frozenset[str]:
        return frozenset(self.drawn)

    def note_code(self, fill: int) -> tuple[str, dict[str, object]]:
        """What the exploration did, as a code and its parameters (data.messages)."""
        if self.slots == 0:
            code = "note_exploration_none_one" if fill == 1 else "note_exploration_none"
            return code, {"fraction": self.share, "slots": fill}
        m, k = len(self.pool), self.slots
        if m <= k:
            return "note_exploration_short", {
                "pool": m,
                "asked": k,
                "free": k - m,
                "seed": self.seed,
            }
        return "note_exploration", {"asked": k, "pool": m, "seed": self.seed}


def exploration_of(
    frame: pd.DataFrame,
    eligible: Eligible,
    request: AllocationRequest,
    *,
    seed: int,
    k: int,
    found: Draw | None,
) -> Exploration:
    """The result's account of a draw (`found` None: nothing drawn)."""
    ids = frame["msme_id"].to_numpy(dtype=object)[eligible.rows]
    return Exploration(
        share=request.exploration_share,
        seed=seed,
        slots=k,
        pool=tuple(str(i) for i in ids[found.pool]) if found is not None else (),
        drawn=tuple(str(i) for i in ids[found.drawn]) if found is not None else (),
    )
