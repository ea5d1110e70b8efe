"""The value of the model's policy against random allocation, from one issued list's outcomes.

A list gives slots to the model's picks (chance of selection 1) and, when it keeps an
exploration share, to MSMEs drawn at random among the remaining eligible candidates, each with
its exact recorded chance pi of having been drawn. Outcomes say who went digital.

Estimands (chances of going digital, so the outcome noise counts in the intervals):

* `model_rate`: digitalizations per slot the model filled (the model's picks, what a slot on its
  list yields, take-up included: a selected MSME that declined mentoring counts as given a slot);
* `random_rate`: digitalizations per slot if the same slots had gone to the list's eligible
  candidates (every candidate with pi > 0: the model's picks and the exploration pool) uniformly
  at random;
* `difference` = model_rate - random_rate, and `extra_digitalizations` = difference x the
  model's slots: what ranking by the model adds over a lottery for the same slots.

The model's picks are observed directly. The rest of the pool is seen only through the explored
slots, so without them there is no `random_rate` (status `no_exploration`), and this module says
so rather than guess. Two estimators of each pool total:

* inverse propensity (Horvitz-Thompson): sum of y_i / (pi_i r) over the selected MSMEs with an
  outcome, where r is the share of selected MSMEs whose outcome is in (1 when all are; missing
  outcomes are taken as missing at random within the model's picks and within the explored);
* doubly robust: sum of m_i over every eligible MSME + sum of (y_i - m_i) / (pi_i r) over the
  same rows, with the outcome model m_i = c p_if_mentored_i + (1 - c) p_if_not_i, c the list's
  take-up (share of selected MSMEs mentored). With pi known exactly, both are unbiased whatever m
  is; a good m makes the doubly robust one tighter.

Intervals are normal (90% by default) with a stratified variance: MSMEs with the same pi form a
stratum (the exploration draw is a simple random sample within its quota group), and a stratum
total N g-bar over n observed rows has variance N^2 s^2 / n, s^2 the sample variance of y (or of
y - m); no finite-population correction, because the target is the chance of going digital, not
the outcomes that happened. With fewer than `MIN_EXPLORED_OUTCOMES` explored outcomes no number
is given for the pool; below `FEW_EXPLORED_OUTCOMES` the numbers come flagged. Intervals (and
estimates) are kept within what the quantity can be: a rate within 0 and 1, a difference within
-1 and 1; the model's picks with a single outcome get the largest variance a yes/no outcome can
have (`MAX_VARIANCE`) instead of none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
import numpy.typing as npt

from data.messages import Language, render

if TYPE_CHECKING:
    from data.store.records import IssuedListRecord, OutcomeRecord

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DEFAULT_LEVEL = 0.90
MIN_EXPLORED_OUTCOMES = 2  # a variance needs two
FEW_EXPLORED_OUTCOMES = 30  # below: the normal interval is a rough guide
CERTAIN = 1 - 1e-9  # a chance of selection this close to 1 is certain
PI_DECIMALS = 9  # chances equal to this many decimals share a stratum
# The model's picks with one outcome have no sample variance: the largest a yes/no outcome can
# have stands in for it (an interval as wide as it can honestly be, not one of zero width).
MAX_VARIANCE = 0.25

Method = Literal["ips", "dr"]
METHODS: tuple[Method, ...] = ("ips", "dr")
ValueStatus = Literal[
    "estimated",
    "few_explored_outcomes",
    "no_exploration",
    "no_explored_outcomes",
    "no_model_slots",
    "no_model_outcomes",
]

# What each status short of "estimated" means: one data.messages code per status, no parameters
# (`status_note` words it for the API's `note` and `umkm evaluate-policy`).
STATUS_NOTE_CODES: dict[str, tuple[str, ...]] = {
    f"value_status_{status}": () for status in get_args(ValueStatus) if status != "estimated"
}


def status_note(status: ValueStatus, language: Language = "en") -> str | None:
    """What `status` means for the list, in `language`; None once the value is estimated."""
    code = f"value_status_{status}"
    return render(code, {}, language) if code in STATUS_NOTE_CODES else None


@dataclass(frozen=True)
class Interval:
    """A point estimate and its two-sided interval."""

    value: float
    low: float
    high: float

    def covers(self, truth: float) -> bool:
        return self.low <= truth <= self.high


@dataclass(frozen=True)
class MethodValue:
    """One estimator's numbers; the pool's are None when the list cannot support them."""

    model_rate: Interval
    random_rate: Interval | None = None
    difference: Interval | None = None
    extra_digitalizations: Interval | None = None


@dataclass(frozen=True)
class PolicyValue:
    """What one list's outcomes say about the model's policy; `status` says what is estimable."""

    status: ValueStatus
    level: float
    model_slots: int
    model_outcomes: int
    explored_slots: int
    explored_outcomes: int
    eligible: int
    take_up: float | None
    methods: Mapping[Method, MethodValue] = field(default_factory=dict)
    list_id: str | None = None

    @property
    def random_estimable(self) -> bool:
        return self.status in ("estimated", "few_explored_outcomes")


@dataclass(frozen=True)
class ListedUnits:
    """Every candidate of a list as arrays: chance of selection, how selected, the model's two
    probabilities, and the outcome (NaN when none is recorded)."""

    selection_probability: FloatArray
    selected: BoolArray
    by_model: BoolArray
    p_if_mentored: FloatArray
    p_if_not: FloatArray
    digitalized: FloatArray
    mentored: FloatArray

    @property
    def observed(self) -> BoolArray:
        result: BoolArray = ~np.isnan(self.digitalized)
        return result


def units_of_list(issued: IssuedListRecord, outcomes: Sequence[OutcomeRecord]) -> ListedUnits:
    """The arrays of a stored list and its current outcomes."""
    by_msme = {outcome.msme_id: outcome for outcome in outcomes}
    members = issued.members

    def number(value: float | None) -> float:
        return math.nan if value is None else float(value)

    def outcome_of(msme_id: str, attribute: str) -> float:
        found = by_msme.get(msme_id)
        return math.nan if found is None else float(bool(getattr(found, attribute)))

    return ListedUnits(
        selection_probability=np.array([m.selection_probability for m in members], dtype=float),
        selected=np.array([m.selected for m in members], dtype=bool),
        by_model=np.array([m.selected_by == "model" for m in members], dtype=bool),
        p_if_mentored=np.array([number(m.p_if_mentored) for m in members], dtype=float),
        p_if_not=np.array([number(m.p_if_not) for m in members], dtype=float),
        digitalized=np.array([outcome_of(m.msme_id, "digitalized") for m in members]),
        mentored=np.array([outcome_of(m.msme_id, "mentored") for m in members]),
    )


def list_policy_value(
    issued: IssuedListRecord, outcomes: Sequence[OutcomeRecord], level: float = DEFAULT_LEVEL
) -> PolicyValue:
    """`policy_value` of a stored list (what `/v1/lists/{id}/value` and `umkm evaluate-policy`
    show)."""
    return replace(policy_value(units_of_list(issued, outcomes), level), list_id=issued.id)


@dataclass(frozen=True)
class _Total:
    """An estimated total over a group of MSMEs and its variance."""

    value: float
    variance: float


def policy_value(units: ListedUnits, level: float = DEFAULT_LEVEL) -> PolicyValue:
    """The model's rate per slot, random allocation's and their difference (module docstring)."""
    if not 0 < level < 1:
        raise ValueError(f"level must be within (0, 1), got {level}")
    pi = units.selection_probability
    observed = units.observed & units.selected
    model = units.selected & units.by_model
    eligible = pi > 0
    rest = eligible & ~model
    randomized = rest & (pi < CERTAIN)
    explored = randomized & units.selected
    mentored = units.mentored[observed]
    take_up = float(mentored.mean()) if len(mentored) else None
    k, n = int(model.sum()), int(eligible.sum())
    explored_outcomes = int((explored & observed).sum())

    def result(
        status: ValueStatus, methods: Mapping[Method, MethodValue] | None = None
    ) -> PolicyValue:
        return PolicyValue(
            status=status,
            level=level,
            model_slots=k,
            model_outcomes=int((model & observed).sum()),
            explored_slots=int(explored.sum()),
            explored_outcomes=explored_outcomes,
            eligible=n,
            take_up=take_up,
            methods=dict(methods or {}),
        )

    if k == 0:
        return result("no_model_slots")
    if not (model & observed).any():
        return result("no_model_outcomes")
    status: ValueStatus
    if not randomized.any():
        status = "no_exploration"
    elif explored_outcomes < MIN_EXPLORED_OUTCOMES:
        status = "no_explored_outcomes"
    elif explored_outcomes < FEW_EXPLORED_OUTCOMES:
        status = "few_explored_outcomes"
    else:
        status = "estimated"
    c = take_up if take_up is not None else 1.0
    outcome_model = c * units.p_if_mentored + (1 - c) * units.p_if_not
    # A candidate without scores gets m = 0: its term is then plain inverse propensity.
    outcome_model = np.where(np.isnan(outcome_model), 0.0, outcome_model)
    z = 1.0 - (1.0 - level) / 2
    quantile = _normal_quantile(z)
    methods: dict[Method, MethodValue] = {}
    for method in METHODS:
        m = outcome_model if method == "dr" else np.zeros_like(outcome_model)
        model_total = _group_total(units, model, observed, m, fallback_variance=MAX_VARIANCE)
        model_rate = _interval(model_total.value / k, model_total.variance / k**2, quantile)
        if status in ("no_exploration", "no_explored_outcomes"):
            methods[method] = MethodValue(model_rate=model_rate)
            continue
        rest_total = _rest_total(units, rest, observed, m)
        random_value = (model_total.value + rest_total.value) / n
        random_variance = (model_total.variance + rest_total.variance) / n**2
        difference = model_total.value / k - random_value
        difference_variance = (
            1 / k - 1 / n
        ) ** 2 * model_total.variance + rest_total.variance / n**2
        diff = _interval(difference, difference_variance, quantile, bounds=(-1.0, 1.0))
        methods[method] = MethodValue(
            model_rate=model_rate,
            random_rate=_interval(random_value, random_variance, quantile),
            difference=diff,
            extra_digitalizations=Interval(diff.value * k, diff.low * k, diff.high * k),
        )
    return result(status, methods)


def _rest_total(units: ListedUnits, rest: BoolArray, observed: BoolArray, m: FloatArray) -> _Total:
    """The pool beyond the model's picks, stratum by stratum (MSMEs of equal chance); strata
    with one observed row borrow the pooled variance of the explored rows."""
    pi = np.round(units.selection_probability, PI_DECIMALS)
    y = units.digitalized
    seen = rest & observed
    pooled = _sample_variance((y - m)[seen])
    value = variance = 0.0
    for chance in np.unique(pi[rest]):
        stratum = rest & (pi == chance)
        total = _group_total(units, stratum, observed, m, fallback_variance=pooled)
        value += total.value
        variance += total.variance
    return _Total(value, variance)


def _group_total(
    units: ListedUnits,
    group: BoolArray,
    observed: BoolArray,
    m: FloatArray,
    fallback_variance: float = 0.0,
) -> _Total:
    """Sum of m over the group plus the inverse-propensity-weighted residuals of its selected
    rows with an outcome (m = 0: Horvitz-Thompson), and the stratified variance."""
    selected = group & units.selected
    seen = group & observed
    base = float(m[group].sum())
    n_seen = int(seen.sum())
    if n_seen == 0:
        # Nobody of this stratum was drawn (or none reported): its inverse-propensity part is 0.
        return _Total(base, 0.0)
    response = n_seen / int(selected.sum())
    weights = 1.0 / (units.selection_probability[seen] * response)
    residuals = (units.digitalized - m)[seen]
    size = float(weights.sum())  # the stratum's size as the design sees it
    s2 = _sample_variance(residuals) if n_seen > 1 else fallback_variance
    return _Total(base + float(weights @ residuals), size**2 * s2 / n_seen)


def _sample_variance(values: FloatArray) -> float:
    return float(np.var(values, ddof=1)) if len(values) > 1 else 0.0


def _interval(
    value: float, variance: float, quantile: float, bounds: tuple[float, float] = (0.0, 1.0)
) -> Interval:
    """The normal interval, kept within what the quantity can be (a rate within 0 and 1, a
    difference of rates within -1 and 1; with few outcomes an estimate can fall outside)."""
    half = quantile * math.sqrt(max(variance, 0.0))
    low, high = bounds
    value = min(max(value, low), high)
    return Interval(value, max(value - half, low), min(value + half, high))


def _normal_quantile(p: float) -> float:
    """The standard normal quantile (scipy is not a serving requirement of this module)."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(p)
