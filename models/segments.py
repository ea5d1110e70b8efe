"""The four mentoring segments, from each MSME's chances with and without mentoring.

Rules are checked in this order; the first that matches wins, so every row gets exactly one:

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

import numpy as np
import numpy.typing as npt

from data.contract import SEGMENTS

StrArray = npt.NDArray[np.str_]


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
