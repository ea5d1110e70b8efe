"""Mentoring lists: who gets the slots under capacity, province quotas, minimum shares, budget.

Pure functions on a scored candidate table (no HTTP, no MLflow): `POST /v1/prioritize` and
`umkm prioritize` both call `allocate` and shape its `AllocationResult`.

How a list is built (README_allocation.md has the long form):

1. Eligibility. Already-digital MSMEs (stimulus group) are left out unless the request includes
   them; MSMEs without an uplift score are left out; with `only_beneficial`, so are MSMEs whose
   uplift is not positive. Each gets a reason code.
2. The list fills `min(capacity, eligible)` slots. Fewer eligible MSMEs than slots is not an error:
   all of them are selected and `shortfall_note` says so. Constraints that cannot all hold at that
   fill raise `InfeasibleConstraints`, naming every constraint at fault.
3. The list maximises total uplift (expected extra digitalizations). Capacity only: greedy by
   uplift. Quotas only: greedy within quotas (exact: a partition matroid). Minimum shares or a
   budget: an exact 0-1 program. HiGHS is very slow on ~40 rows × 100,000 columns, so its LP
   relaxation is solved by column generation (HiGHS on a small working set, every MSME priced
   in numpy) and HiGHS's MILP then runs only over the MSMEs that reduced-cost fixing cannot
   rule out, which proves the list optimal for all of them.
4. The same candidates in any row order give the same list; among MSMEs the constraints cannot
   tell apart, the smaller `msme_id` goes first. `rank` orders the list by uplift.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csc_array, csr_array, hstack, identity, vstack

from data.reference import allowed_values, island_group_by_province, province_codes

MinShareColumn = Literal["owner_gender", "province_code", "area_type", "sector", "island_group"]
MIN_SHARE_COLUMNS: tuple[str, ...] = MinShareColumn.__args__  # type: ignore[attr-defined]

ReasonCode = Literal[
    "already_digital",
    "missing_uplift",
    "not_beneficial",
    "below_rank_cutoff",
    "province_quota_full",
    "min_share_reserved",
    "over_budget",
]

# Stable codes and their generic meaning; `not_selected.reason` adds specifics (the province,
# the list's lowest uplift, the budget left).
REASON_CODES: dict[str, str] = {
    "already_digital": "already digital: belongs to the stimulus group, not to mentoring",
    "missing_uplift": "no uplift score, so the MSME cannot be ranked",
    "not_beneficial": "uplift is zero or negative: mentoring is not expected to help",
    "below_rank_cutoff": "uplift below the lowest uplift on the list",
    "province_quota_full": "its province reached its quota of slots",
    "min_share_reserved": "slots went to MSMEs needed to meet a minimum share",
    "over_budget": "its cost does not fit in the budget",
}

BindingKind = Literal["capacity", "quota", "min_share", "budget"]
Texts = npt.NDArray[np.object_]  # reason codes or texts per candidate ("" = none yet)
Method = Literal["greedy", "quota_greedy", "milp", "none"]

DIGITAL_STATUS_DIGITAL = "digital"
STIMULUS_SEGMENT = "stimulus_group"
DEFAULT_TIME_LIMIT_SECONDS = 10.0
MIP_REL_GAP = 1e-6  # HiGHS stops when the proven gap to the best bound is below this share
_WORKING_MARGIN = 2000  # MSMEs beyond the likely list that the first LP also sees
_INTEGRAL = 1e-7  # LP values this close to 0 or 1 count as whole numbers
_DROPPING_ROUNDS = 8  # column generation rounds that may also shrink the working set
_FIRST_FREE = 200  # MSMEs left free in the first MILP of reduced-cost fixing


# ------------------------------------------------------------------------------------ request


def _known_province(code: str) -> str:
    if code not in province_codes():
        raise ValueError(f"{code!r} is not one of the 38 province codes (11 to 96)")
    return code


ProvinceCode = Annotated[str, AfterValidator(_known_province)]


class MinShare(BaseModel):
    """At least `share` of the filled slots go to MSMEs whose `column` equals `value`.

    The requirement is ceil(share × filled slots) MSMEs, so 0.5 of 7 slots means 4.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", from_attributes=True)

    column: MinShareColumn
    value: str = Field(min_length=1, max_length=64)
    share: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def _value_exists(self) -> MinShare:
        allowed = allowed_values(self.column)
        if self.value not in allowed:
            shown = ", ".join(allowed) if len(allowed) <= 10 else "a 2-digit province code"
            raise ValueError(f"{self.column} has no value {self.value!r}; use {shown}")
        return self

    @property
    def label(self) -> str:
        """Like `owner_gender=female 0.5`."""
        return f"{self.column}={self.value} {self.share:g}"

    def required(self, filled: int) -> int:
        """How many of `filled` slots this share needs (rounded up, float noise ignored)."""
        return math.ceil(round(self.share * filled, 9))


class AllocationRequest(BaseModel):
    """What the list must respect. Build it from the HTTP body with
    `AllocationRequest.model_validate(body, from_attributes=True)`."""

    model_config = ConfigDict(frozen=True, extra="forbid", from_attributes=True)

    capacity: int = Field(ge=1, description="Mentoring slots to fill.")
    quotas: dict[ProvinceCode, Annotated[int, Field(ge=0)]] | None = Field(
        default=None,
        description="Maximum slots per province code; provinces not listed have no maximum.",
    )
    min_share: list[MinShare] = Field(default_factory=list)
    budget: float | None = Field(
        default=None, gt=0, allow_inf_nan=False, description="Upper bound on the list's total cost."
    )
    exclude_digital: bool = Field(
        default=True, description="Leave already-digital MSMEs (the stimulus group) out."
    )
    only_beneficial: bool = Field(
        default=False,
        description="Leave MSMEs with uplift <= 0 out even when that leaves slots free.",
    )
    time_limit_seconds: float = Field(default=DEFAULT_TIME_LIMIT_SECONDS, gt=0, le=600)

    @model_validator(mode="after")
    def _no_duplicate_shares(self) -> AllocationRequest:
        seen: set[tuple[str, str]] = set()
        for share in self.min_share:
            key = (share.column, share.value)
            if key in seen:
                raise ValueError(f"min_share lists {share.column}={share.value} twice")
            seen.add(key)
        return self

    @property
    def constrained(self) -> bool:
        """Whether anything beyond capacity limits the list."""
        return bool(self.quotas) or bool(self.min_share) or self.budget is not None


# ------------------------------------------------------------------------------------- result


class InfeasibleConstraints(Exception):  # noqa: N818 (the name agreed in INTERFACES.md)
    """The constraints cannot all hold at the list's fill; each problem names a constraint."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class CandidateError(ValueError):
    """The candidate table cannot be allocated (missing column, duplicate id, bad cost ...)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class SolverError(RuntimeError):
    """HiGHS found no list within the time limit (or failed); the constraints may still hold."""


@dataclass(frozen=True)
class BindingConstraint:
    """A constraint that shaped the list: tight at the solution, and broken by plain ranking."""

    kind: BindingKind
    name: str  # "capacity", "quota 31", "min_share owner_gender=female 0.5", "budget"
    used: float  # slots, MSMEs or cost the list uses
    limit: float  # the quota, the required count, the budget or the capacity
    unconstrained: float  # what the list ranked by uplift alone would use
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class AllocationResult:
    """A mentoring list and why everyone else is not on it.

    `selected`: every candidate column plus `rank` (1 = highest priority) and `expected_gain`
    (the MSME's uplift: expected extra chance of going digital), ordered by rank.
    `not_selected`: every candidate column plus `reason_code` (see REASON_CODES) and `reason`,
    ordered by uplift (highest first, unscored last). Together they hold each candidate once.
    """

    selected: pd.DataFrame
    not_selected: pd.DataFrame
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

    @property
    def binding_constraints(self) -> list[str]:
        """The binding constraints as English sentences."""
        return [item.message for item in self.binding]


# ------------------------------------------------------------------------------- the function


@dataclass
class _Eligible:
    """Eligible candidates in canonical order: uplift descending, then msme_id."""

    rows: npt.NDArray[np.intp]  # positions in the candidate frame
    uplift: npt.NDArray[np.float64]
    cost: npt.NDArray[np.float64] | None
    province: npt.NDArray[np.object_] | None
    members: list[npt.NDArray[np.bool_]]  # one mask per min share

    @property
    def size(self) -> int:
        return len(self.rows)

    @property
    def province_series(self) -> pd.Series:
        return pd.Series(self.province)


@dataclass
class _Solution:
    chosen: npt.NDArray[np.intp]  # positions into _Eligible
    method: Method
    gap: float = 0.0


def allocate(candidates: pd.DataFrame, request: AllocationRequest) -> AllocationResult:
    """Choose who gets the `request.capacity` mentoring slots, maximising expected uplift.

    Raises CandidateError for an unusable table, InfeasibleConstraints when the constraints
    cannot all hold, SolverError when HiGHS finds no list within the time limit.
    """
    frame = _prepare(candidates, request)
    code, reason = _eligibility(frame, request)
    order = _canonical_order(frame)
    eligible = _eligible_view(frame, order[code[order] == ""], request)
    fill = min(request.capacity, eligible.size)

    if fill == 0:
        solution = _Solution(np.empty(0, dtype=np.intp), "none")
    else:
        problems = _check_constraints(eligible, request, fill)
        if problems:
            raise InfeasibleConstraints(problems)
        if not request.constrained:
            solution = _Solution(np.arange(fill, dtype=np.intp), "greedy")
        elif not request.min_share and request.budget is None:
            solution = _Solution(_quota_greedy(eligible, request, fill), "quota_greedy")
        else:
            solution = _solve_exact(eligible, request, fill)
    return _result(
        frame=frame,
        request=request,
        eligible=eligible,
        solution=solution,
        code=code,
        reason=reason,
        order=order,
        fill=fill,
    )


# ------------------------------------------------------------------------------ preparation


def _prepare(candidates: pd.DataFrame, request: AllocationRequest) -> pd.DataFrame:
    """Check the columns the request needs; derive island_group; coerce uplift and cost."""
    problems: list[str] = []
    needed = {"msme_id", "uplift"}
    if request.quotas:
        needed.add("province_code")
    if request.budget is not None:
        needed.add("cost")
    for share in request.min_share:
        needed.add("province_code" if share.column == "island_group" else share.column)
    frame = candidates.reset_index(drop=True)
    if "island_group" in needed and "island_group" in frame.columns:
        needed.discard("province_code")
    missing = sorted(needed - set(frame.columns))
    if missing:
        raise CandidateError([f"candidates lack column {name}" for name in missing])

    ids = frame["msme_id"]
    if ids.isna().any():
        rows = _rows(np.flatnonzero(ids.isna().to_numpy()))
        problems.append(f"{rows}, column msme_id: missing")
    if not ids.is_unique:
        duplicated = ids[ids.duplicated(keep=False) & ids.notna()]
        shown = ", ".join(sorted(map(str, duplicated.unique()))[:5])
        problems.append(f"column msme_id: duplicate identifiers ({shown})")
    frame["msme_id"] = ids.astype(str)

    frame["uplift"] = _numeric(frame["uplift"], "uplift", problems)
    if "p_digital_if_mentored" in frame.columns:
        frame["p_digital_if_mentored"] = _numeric(
            frame["p_digital_if_mentored"], "p_digital_if_mentored", problems
        )
    infinite = np.isinf(frame["uplift"].to_numpy(dtype=float))
    if infinite.any():
        problems.append(f"{_rows(np.flatnonzero(infinite))}, column uplift: not a finite number")

    if "cost" in frame.columns:
        frame["cost"] = _numeric(frame["cost"], "cost", problems)
        cost = frame["cost"].to_numpy(dtype=float)
        bad = ~np.isfinite(cost) | (cost < 0)
        if request.budget is not None and bad.any():
            problems.append(
                f"{_rows(np.flatnonzero(bad))}, column cost: must be a number >= 0 "
                "when a budget is set"
            )

    if "province_code" in frame.columns:
        frame["province_code"] = _province_text(frame["province_code"])
        if "island_group" not in frame.columns:
            frame["island_group"] = frame["province_code"].map(island_group_by_province())
    if request.quotas and frame["province_code"].isna().any():
        rows = _rows(np.flatnonzero(frame["province_code"].isna().to_numpy()))
        problems.append(f"{rows}, column province_code: missing, so no quota can apply")
    needs_island = any(share.column == "island_group" for share in request.min_share)
    if needs_island and frame["island_group"].isna().any():
        rows = _rows(np.flatnonzero(frame["island_group"].isna().to_numpy()))
        problems.append(f"{rows}, column province_code: unknown province, so no island group")
    if problems:
        raise CandidateError(problems)
    return frame


def _province_text(values: pd.Series) -> pd.Series:
    """Province codes as the contract's 2-digit text, also when a file stored them as numbers."""
    if pd.api.types.is_numeric_dtype(values):
        text = values.astype("Float64").round().astype("Int64").astype(str).str.zfill(2)
        return text.where(values.notna(), None).astype(object)
    return values.where(values.isna(), values.astype(str)).astype(object)


def _numeric(values: pd.Series, name: str, problems: list[str]) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    converted = pd.to_numeric(values, errors="coerce").astype(float)
    suspect = np.flatnonzero((converted.isna() & values.notna()).to_numpy())
    text = values.iloc[suspect].astype(str).str.strip().to_numpy()
    broken = suspect[text != ""]  # empty text means missing, not broken
    if len(broken):
        problems.append(f"{_rows(broken)}, column {name}: not a number")
    return converted


def _rows(positions: npt.NDArray[np.intp], limit: int = 5) -> str:
    """Spreadsheet row numbers (header = row 1) of frame positions, the first few."""
    shown = ", ".join(str(p + 2) for p in positions[:limit])
    more = f" and {len(positions) - limit} more" if len(positions) > limit else ""
    return f"row{'s' if len(positions) > 1 else ''} {shown}{more}"


def _eligibility(frame: pd.DataFrame, request: AllocationRequest) -> tuple[Texts, Texts]:
    """Reason code and text for the candidates that cannot be on the list at all (else "")."""
    n = len(frame)
    code = np.full(n, "", dtype=object)
    reason = np.full(n, "", dtype=object)
    uplift = frame["uplift"].to_numpy(dtype=float)
    digital = np.zeros(n, dtype=bool)
    if "digital_status" in frame.columns:
        digital |= (frame["digital_status"] == DIGITAL_STATUS_DIGITAL).to_numpy()
    if "segment" in frame.columns:
        digital |= (frame["segment"] == STIMULUS_SEGMENT).to_numpy()
    if request.exclude_digital:
        code[digital] = "already_digital"
        reason[digital] = REASON_CODES["already_digital"]
    unscored = np.isnan(uplift) & (code == "")
    code[unscored] = "missing_uplift"
    reason[unscored] = np.where(
        digital[unscored],
        "already digital and not scored (the model scores offline MSMEs only)",
        REASON_CODES["missing_uplift"],
    )
    if request.only_beneficial:
        harmless = (uplift <= 0) & (code == "")
        code[harmless] = "not_beneficial"
        reason[harmless] = REASON_CODES["not_beneficial"]
    return code, reason


def _canonical_order(frame: pd.DataFrame) -> npt.NDArray[np.intp]:
    """Frame positions by uplift, highest first (unscored last), ties by msme_id."""
    uplift = frame["uplift"].to_numpy(dtype=float)
    key = np.where(np.isnan(uplift), np.inf, -uplift)
    order: npt.NDArray[np.intp] = np.lexsort((frame["msme_id"].to_numpy(dtype=str), key))
    return order


def _eligible_view(
    frame: pd.DataFrame, rows: npt.NDArray[np.intp], request: AllocationRequest
) -> _Eligible:
    """The eligible MSMEs `rows` (frame positions, canonical order) as arrays."""
    uplift = frame["uplift"].to_numpy(dtype=float)[rows]
    cost = None
    if request.budget is not None:
        cost = frame["cost"].to_numpy(dtype=float)[rows]
    province = None
    if "province_code" in frame.columns:
        province = frame["province_code"].to_numpy(dtype=object)[rows]
    members = [
        (frame[share.column].to_numpy(dtype=object)[rows] == share.value)
        for share in request.min_share
    ]
    return _Eligible(rows, uplift, cost, province, members)


# ----------------------------------------------------------------------------- feasibility


def _quota_limit(eligible: _Eligible, request: AllocationRequest) -> npt.NDArray[np.float64]:
    """Each eligible MSME's province quota (inf where the province has none)."""
    if not request.quotas:
        return np.full(eligible.size, np.inf)
    assert eligible.province is not None
    limits = pd.Series(eligible.province).map(request.quotas)
    return np.asarray(limits.fillna(np.inf), dtype=np.float64)


def _capped_count(
    eligible: _Eligible, request: AllocationRequest, mask: npt.NDArray[np.bool_]
) -> int:
    """How many MSMEs in `mask` the province quotas let onto a list at most."""
    if not request.quotas:
        return int(mask.sum())
    assert eligible.province is not None
    counts = pd.Series(eligible.province[mask]).value_counts()
    limits = np.array([request.quotas.get(p, math.inf) for p in counts.index], dtype=float)
    return int(np.minimum(counts.to_numpy(dtype=float), limits).sum())


def _check_constraints(eligible: _Eligible, request: AllocationRequest, fill: int) -> list[str]:
    """Every constraint that cannot hold on its own (or per column), as a sentence naming it."""
    problems: list[str] = []
    everyone = np.ones(eligible.size, dtype=bool)
    if request.quotas:
        reachable = _capped_count(eligible, request, everyone)
        if reachable < fill:
            assert eligible.province is not None
            counts = pd.Series(eligible.province).value_counts()
            full = [
                f"{p} ({quota} of {int(counts[p])} candidates)"
                for p, quota in sorted(request.quotas.items())
                if p in counts.index and counts[p] > quota
            ]
            problems.append(
                f"quotas allow at most {reachable} of the {fill} slots to be filled while "
                f"{eligible.size - reachable} more eligible candidates remain; limiting quotas: "
                f"{', '.join(full)}; raise them or lower capacity to {reachable}"
            )
    by_column: dict[str, list[tuple[MinShare, int]]] = {}
    for share, members in zip(request.min_share, eligible.members, strict=True):
        need = share.required(fill)
        by_column.setdefault(share.column, []).append((share, need))
        have = int(members.sum())
        if have < need:
            problems.append(
                f"min_share {share.label} needs {need} of {fill} slots but only {have} eligible "
                f"candidates have {share.column}={share.value}"
            )
            continue
        reachable = _capped_count(eligible, request, members)
        if reachable < need:
            problems.append(
                f"min_share {share.label} needs {need} of {fill} slots but the province quotas "
                f"let only {reachable} candidates with {share.column}={share.value} on the list"
            )
    for column_name, shares in by_column.items():
        total = sum(need for _, need in shares)
        if len(shares) > 1 and total > fill:
            parts = " + ".join(f"{need} ({share.label})" for share, need in shares)
            problems.append(
                f"min_share on {column_name} needs {parts} = {total} slots together "
                f"but the list has {fill}"
            )
    if request.budget is not None:
        assert eligible.cost is not None
        cheapest = np.sort(eligible.cost)
        spent = np.cumsum(cheapest)
        if spent[fill - 1] > request.budget * (1 + 1e-12):
            affordable = int(np.searchsorted(spent, request.budget * (1 + 1e-12), side="right"))
            problems.append(
                f"budget {request.budget:,.2f} pays for at most {affordable} of the {fill} slots "
                f"(the {fill} cheapest eligible candidates cost {spent[fill - 1]:,.2f}); "
                f"raise the budget or lower capacity to {affordable}"
            )
        for share, members in zip(request.min_share, eligible.members, strict=True):
            need = share.required(fill)
            have = int(members.sum())
            if 0 < need <= have:
                cost_of_share = float(np.sort(eligible.cost[members])[:need].sum())
                if cost_of_share > request.budget * (1 + 1e-12):
                    problems.append(
                        f"budget {request.budget:,.2f} cannot pay min_share {share.label}: its "
                        f"{need} cheapest candidates cost {cost_of_share:,.2f}"
                    )
    return problems


# ----------------------------------------------------------------------------- the solvers


def _quota_greedy(
    eligible: _Eligible, request: AllocationRequest, fill: int
) -> npt.NDArray[np.intp]:
    """Best `fill` by uplift with at most the quota per province: exact (greedy on a matroid)."""
    assert eligible.province is not None
    rank_in_province = pd.Series(eligible.province).groupby(eligible.province).cumcount()
    allowed = rank_in_province.to_numpy() < _quota_limit(eligible, request)
    chosen: npt.NDArray[np.intp] = np.flatnonzero(allowed)[:fill].astype(np.intp)
    return chosen


def _cells(eligible: _Eligible, request: AllocationRequest) -> npt.NDArray[np.intp]:
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
    eligible: _Eligible, request: AllocationRequest, fill: int, drop: str | None = None
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
        raise SolverError(f"HiGHS could not solve the LP relaxation: {result.message}")
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
            raise SolverError("the LP relaxation took longer than the time limit")
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


def _guess(eligible: _Eligible, request: AllocationRequest, fill: int) -> _Guess:
    """Rank by uplift − price × cost, the price the lowest that fits the budget (bisection on
    the Lagrangian of the budget row), then take the best within the province quotas."""
    score = eligible.uplift
    if request.budget is not None:
        assert eligible.cost is not None
        price = _budget_price(eligible.uplift, eligible.cost, request.budget, fill)
        score = eligible.uplift - price * eligible.cost
    order = np.argsort(-score, kind="stable").astype(np.intp)  # ties: canonical position
    limit = _quota_limit(eligible, request)
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
    eligible: _Eligible,
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
        room = _quota_limit(eligible, request) - eligible.province_series.map(used).fillna(0)
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


def _solve_exact(eligible: _Eligible, request: AllocationRequest, fill: int) -> _Solution:
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
    return _Solution(np.sort(chosen), "milp", gap)


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
            raise SolverError(
                f"no list within {request.time_limit_seconds:g} s; raise time_limit_seconds"
            )
        found = _small_milp(program, free, ones, remaining)
        if found is None:
            if free.all():
                raise InfeasibleConstraints(
                    [
                        "the constraints cannot all hold on a whole-number list, although a "
                        "fractional one would meet them: relax the minimum shares or the budget"
                    ]
                )
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
        raise SolverError(f"HiGHS found no list in time ({result.message})")
    picked = np.zeros(len(free), dtype=bool)
    picked[columns[result.x > 0.5]] = True
    value = float(program.uplift[ones].sum() + program.uplift[picked].sum())
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0) * max(1.0, abs(float(result.fun)))
    return picked, value, gap, result.status == 1


def _canonical_within_cells(
    eligible: _Eligible, request: AllocationRequest, chosen: npt.NDArray[np.intp]
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
    eligible: _Eligible, request: AllocationRequest, fill: int, guess: _Guess, deadline: float
) -> list[str]:
    """Name the constraints that clash when each holds on its own but not all together."""
    groups: list[tuple[str, str]] = []
    if request.quotas:
        groups.append(("quotas", "the province quotas"))
    groups += [(f"share{i}", f"min_share {s.label}") for i, s in enumerate(request.min_share)]
    if request.budget is not None:
        groups.append(("budget", f"the budget {request.budget:,.2f}"))
    listed = ", ".join(name for _, name in groups)
    allowance = deadline + request.time_limit_seconds  # the diagnosis gets its own time
    try:
        culprits = [
            name
            for key, name in groups
            if _relax(
                _program(eligible, request, fill, drop=key),
                guess,
                fill,
                allowance,
                phase_one_only=True,
            )
            is not None
        ]
    except SolverError:
        culprits = []
    if culprits:
        return [
            f"the constraints cannot all hold on a list of {fill} ({listed}); "
            f"it becomes possible without any one of: {', '.join(culprits)}"
        ]
    return [f"the constraints cannot all hold together on a list of {fill}: {listed}"]


# ------------------------------------------------------------------------------------ result


def _result(
    *,
    frame: pd.DataFrame,
    request: AllocationRequest,
    eligible: _Eligible,
    solution: _Solution,
    code: Texts,
    reason: Texts,
    order: npt.NDArray[np.intp],
    fill: int,
) -> AllocationResult:
    chosen_rows = eligible.rows[solution.chosen]  # canonical order = rank order
    selected = frame.iloc[chosen_rows].reset_index(drop=True)
    selected["rank"] = np.arange(1, len(chosen_rows) + 1, dtype=np.int64)
    selected["expected_gain"] = selected["uplift"].to_numpy(dtype=float)
    first = ["rank", "msme_id", "expected_gain"]
    selected = selected[first + [c for c in selected.columns if c not in first]]

    picked = np.zeros(eligible.size, dtype=bool)
    picked[solution.chosen] = True
    _explain_losers(request=request, eligible=eligible, picked=picked, code=code, reason=reason)
    unselected = np.ones(len(frame), dtype=bool)
    unselected[chosen_rows] = False
    rest = order[unselected[order]]
    not_selected = frame.take(rest).reset_index(drop=True)
    not_selected["reason_code"] = code[rest]
    not_selected["reason"] = reason[rest]
    assert (code[rest] != "").all(), "every MSME off the list has a reason"

    uplift = selected["uplift"].to_numpy(dtype=float)
    total = float(uplift.sum())
    mean_eligible = float(eligible.uplift.mean()) if eligible.size else 0.0
    success = None
    if len(selected) and "p_digital_if_mentored" in selected.columns:
        success = float(selected["p_digital_if_mentored"].mean())
    total_cost = float(selected["cost"].sum()) if "cost" in selected.columns else None

    notes: list[str] = []
    shortfall = None
    if eligible.size < request.capacity:
        free = request.capacity - eligible.size
        shortfall = (
            f"only {eligible.size} eligible MSMEs for {request.capacity} slots: all of them are "
            f"on the list and {free} slot{'s' if free != 1 else ''} stay free"
        )
        notes.append(shortfall)
    harmless = int((uplift <= 0).sum())
    if harmless:
        notes.append(
            f"{harmless} MSMEs on the list have uplift <= 0 (mentoring is not expected to help "
            "them); set only_beneficial to leave those slots free"
        )
    if solution.gap > MIP_REL_GAP:
        notes.append(
            f"the solver stopped at its time limit: the list is within {solution.gap:.2%} of the "
            "best possible total uplift"
        )
    counts = not_selected["reason_code"].value_counts()
    return AllocationResult(
        selected=selected,
        not_selected=not_selected,
        capacity=request.capacity,
        filled=len(selected),
        candidates=len(frame),
        eligible=eligible.size,
        total_expected_gain=total,
        random_expected_gain=fill * mean_eligible,
        expected_success_rate=success,
        total_cost=total_cost,
        budget=request.budget,
        binding=_binding(request, eligible, picked, fill),
        shortfall_note=shortfall,
        notes=notes,
        method=solution.method,
        optimality_gap=solution.gap,
        reason_counts={str(k): int(v) for k, v in counts.items()},
    )


def _tight_shares(
    request: AllocationRequest, eligible: _Eligible, picked: npt.NDArray[np.bool_], fill: int
) -> list[int]:
    return [
        i
        for i, share in enumerate(request.min_share)
        if int((eligible.members[i] & picked).sum()) == share.required(fill) > 0
    ]


def _explain_losers(
    *,
    request: AllocationRequest,
    eligible: _Eligible,
    picked: npt.NDArray[np.bool_],
    code: Texts,
    reason: Texts,
) -> None:
    """Fill in reason codes for eligible MSMEs left off the list (in place)."""
    losers = np.flatnonzero(~picked)
    if len(losers) == 0:
        return
    uplift = eligible.uplift
    cutoff = float(uplift[picked].min()) if picked.any() else math.inf
    codes = np.full(len(losers), "below_rank_cutoff", dtype=object)
    texts = np.full(
        len(losers), f"uplift below the list's lowest uplift ({cutoff:.3f})", dtype=object
    )
    better = uplift[losers] > cutoff  # a lower-uplift MSME took a slot: a constraint decided
    decided = np.zeros(len(losers), dtype=bool)

    if request.quotas:
        assert eligible.province is not None
        used = pd.Series(eligible.province[picked]).value_counts()
        full = {p for p, q in request.quotas.items() if int(used.get(p, 0)) >= q}
        hit = better & np.isin(eligible.province[losers], list(full))
        codes[hit] = "province_quota_full"
        phrase = {
            p: f"province {p} reached its quota of {q} slots" for p, q in request.quotas.items()
        }
        texts[hit] = pd.Series(eligible.province[losers][hit]).map(phrase).to_numpy(dtype=object)
        decided |= hit

    if request.budget is not None:
        assert eligible.cost is not None
        leftover = request.budget - float(eligible.cost[picked].sum())
        # The dearest selected MSME with lower uplift is the most a swap could free up.
        sel = np.flatnonzero(picked)[::-1]  # ascending uplift
        dearest = np.maximum.accumulate(eligible.cost[sel])
        lower_count = np.searchsorted(uplift[sel], uplift[losers], side="left")  # strictly below
        freed = np.where(lower_count > 0, dearest[np.maximum(lower_count - 1, 0)], 0.0)
        unaffordable = eligible.cost[losers] > leftover + freed + 1e-9
        hit = better & ~decided & unaffordable
        codes[hit] = "over_budget"
        texts[hit] = f"its cost does not fit in the budget ({leftover:,.2f} left)"
        decided |= hit

    tight = _tight_shares(request, eligible, picked, len(np.flatnonzero(picked)))
    if tight:
        outside = np.zeros(len(losers), dtype=bool)
        for i in tight:
            outside |= ~eligible.members[i][losers]
        hit = better & ~decided & outside
        labels = ", ".join(request.min_share[i].label for i in tight)
        codes[hit] = "min_share_reserved"
        texts[hit] = f"slots went to MSMEs needed for the minimum share ({labels})"
        decided |= hit

    if request.budget is not None:
        hit = better & ~decided
        codes[hit] = "over_budget"
        texts[hit] = "the budget, together with the other constraints, left no slot for it"
        decided |= hit

    harmless = ~better & (uplift[losers] <= 0)
    codes[harmless] = "not_beneficial"
    texts[harmless] = REASON_CODES["not_beneficial"]
    rows = eligible.rows[losers]
    code[rows] = codes
    reason[rows] = texts


def _binding(
    request: AllocationRequest, eligible: _Eligible, picked: npt.NDArray[np.bool_], fill: int
) -> list[BindingConstraint]:
    """Constraints that are tight at the solution and that ranking by uplift alone would break."""
    greedy = np.zeros(eligible.size, dtype=bool)
    greedy[:fill] = True
    binding: list[BindingConstraint] = []
    if fill == request.capacity < eligible.size:
        binding.append(
            BindingConstraint(
                "capacity",
                "capacity",
                fill,
                request.capacity,
                eligible.size,
                f"capacity: all {fill} slots filled while {eligible.size - fill} eligible MSMEs "
                "wait",
            )
        )
    if request.quotas:
        assert eligible.province is not None
        used = pd.Series(eligible.province[picked]).value_counts()
        plain = pd.Series(eligible.province[greedy]).value_counts()
        for code, quota in sorted(request.quotas.items()):
            now, before = int(used.get(code, 0)), int(plain.get(code, 0))
            if now == quota and before > quota:
                binding.append(
                    BindingConstraint(
                        "quota",
                        f"quota {code}",
                        now,
                        quota,
                        before,
                        f"quota {code}: {now} of {quota} slots used (ranking by uplift alone "
                        f"would give it {before})",
                    )
                )
    for i, share in enumerate(request.min_share):
        need = share.required(fill)
        now = int((eligible.members[i] & picked).sum())
        before = int((eligible.members[i] & greedy).sum())
        if now == need and before < need:
            binding.append(
                BindingConstraint(
                    "min_share",
                    f"min_share {share.label}",
                    now,
                    need,
                    before,
                    f"min_share {share.label}: {now} of {fill} slots, exactly the minimum "
                    f"(ranking by uplift alone would give {before})",
                )
            )
    if request.budget is not None:
        assert eligible.cost is not None
        spent = float(eligible.cost[picked].sum())
        plain_cost = float(eligible.cost[greedy].sum())
        if plain_cost > request.budget:
            binding.append(
                BindingConstraint(
                    "budget",
                    "budget",
                    spent,
                    request.budget,
                    plain_cost,
                    f"budget: {spent:,.2f} of {request.budget:,.2f} spent (ranking by uplift "
                    f"alone would cost {plain_cost:,.2f})",
                )
            )
    return binding
