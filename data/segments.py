"""Who belongs to which group: the already-digital test, the stimulus group and the four mentoring
segments with their rule. The scorer and the simulator both use this rule, so true and predicted
segments compare one to one.

MSMEs already digital (`is_already_digital`: ``digital_status`` is ``digital``, any case) are not
mentoring candidates: they form the ``stimulus_group`` and get no segment of their own. Every other
MSME gets one of `SEGMENTS` from its chances with and without mentoring. Rules are checked in
this order; the first that matches wins, so every row gets exactly one:

1. ``do_not_disturb``: uplift < -0.005. Mentoring is estimated to lower the chance by more than
   half a percentage point (e.g. it crowds out a path the owner was already on).
2. ``lost_cause``: p_digital_if_mentored < 0.02. Even with mentoring, under 2% go digital: the
   obstacle is elsewhere (no phone, no signal), whatever the relative gain.
3. ``persuadable``: uplift >= 0.01. Mentoring adds at least one percentage point: with a 4–10%
   success rate (the ministry's own experience) one point is a tenth to a quarter of the typical
   chance, the group mentoring is for.
4. ``sure_thing``: p_digital_if_not >= 0.30. Likely to go digital anyway, mentoring adds little.
5. ``lost_cause`` otherwise: mentoring changes little and the chance stays low.

The numbers are defaults of `SegmentThresholds` (assumptions of this project, not official
figures); a configuration can set others.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd

StrArray = npt.NDArray[np.str_]

SEGMENTS = ("persuadable", "sure_thing", "lost_cause", "do_not_disturb")
STIMULUS_GROUP = "stimulus_group"  # the segment of already-digital MSMEs (no probabilities)
# Every segment a scored row may carry; a Literal so request and response schemas can name it.
ScoredSegment = Literal[
    "persuadable", "sure_thing", "lost_cause", "do_not_disturb", "stimulus_group"
]
SCORED_SEGMENTS: tuple[str, ...] = get_args(ScoredSegment)
assert (*SEGMENTS, STIMULUS_GROUP) == SCORED_SEGMENTS

DIGITAL_STATUS_COLUMN = "digital_status"
ALREADY_DIGITAL = "digital"  # the `digital_status` of an MSME that already sells online
_SMALL_BATCH = 64  # below this, factorizing costs more than testing each value


def is_already_digital(status: object) -> bool:
    """Whether a `digital_status` value says the MSME is already digital (any case and spacing)."""
    return isinstance(status, str) and status.strip().lower() == ALREADY_DIGITAL


def already_digital(statuses: npt.ArrayLike | pd.Series[Any]) -> npt.NDArray[np.bool_]:
    """`is_already_digital` of every value of a column, called once per distinct value."""
    values = np.asarray(statuses, dtype=object)
    if len(values) <= _SMALL_BATCH:
        return np.fromiter(map(is_already_digital, values), dtype=bool, count=len(values))
    codes, distinct = pd.factorize(values)  # missing values: code -1, the last flag
    flags = np.array([*(is_already_digital(value) for value in distinct), False], dtype=bool)
    result: npt.NDArray[np.bool_] = flags[codes]
    return result


def digital_mask(frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Rows already digital; all False when the table has no ``digital_status`` column."""
    if DIGITAL_STATUS_COLUMN not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return already_digital(frame[DIGITAL_STATUS_COLUMN])


@dataclass(frozen=True)
class SegmentThresholds:
    """Thresholds of the segment rules (see the module docstring for the order)."""

    do_not_disturb_below: float = -0.005  # uplift below this -> do_not_disturb
    lost_cause_p1_below: float = 0.02  # p_digital_if_mentored below this -> lost_cause
    persuadable_min_uplift: float = 0.01  # uplift at least this -> persuadable
    sure_thing_p0_at_least: float = 0.30  # p_digital_if_not at least this -> sure_thing

    def __post_init__(self) -> None:
        if self.do_not_disturb_below > self.persuadable_min_uplift:
            raise ValueError(
                "do_not_disturb_below must not exceed persuadable_min_uplift "
                f"({self.do_not_disturb_below} > {self.persuadable_min_uplift})"
            )
        for name in ("lost_cause_p1_below", "sure_thing_p0_at_least"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must be a probability, got {value}")

    def as_dict(self) -> dict[str, float]:
        """For logging with the model."""
        return asdict(self)


def assign_segments(
    p1: npt.ArrayLike, p0: npt.ArrayLike, thresholds: SegmentThresholds | None = None
) -> StrArray:
    """One segment per row (see module docstring), from p_digital_if_mentored and _if_not."""
    th = thresholds or SegmentThresholds()
    mentored = np.asarray(p1, dtype=np.float64)
    not_mentored = np.asarray(p0, dtype=np.float64)
    if mentored.shape != not_mentored.shape:
        raise ValueError(f"p1 and p0 differ in shape: {mentored.shape} vs {not_mentored.shape}")
    missing = np.isnan(mentored) | np.isnan(not_mentored)
    if missing.any():
        raise ValueError(
            f"missing probabilities in {int(missing.sum())} rows (first at position "
            f"{int(np.flatnonzero(missing)[0])}): cannot assign a segment"
        )
    uplift = mentored - not_mentored
    # Nested from the last rule to the first, so the first rule that holds wins (as listed in
    # the module docstring); codes index `SEGMENTS`.
    persuadable, sure_thing, lost_cause, do_not_disturb = range(len(SEGMENTS))
    codes = np.where(
        uplift < th.do_not_disturb_below,
        do_not_disturb,
        np.where(
            mentored < th.lost_cause_p1_below,
            lost_cause,
            np.where(
                uplift >= th.persuadable_min_uplift,
                persuadable,
                np.where(not_mentored >= th.sure_thing_p0_at_least, sure_thing, lost_cause),
            ),
        ),
    )
    segments: StrArray = _SEGMENT_NAMES[codes]
    return segments


_SEGMENT_NAMES: StrArray = np.array(SEGMENTS, dtype=np.str_)
