"""The candidate table: checked and coerced, who is eligible, and in which canonical order.

Eligibility: already-digital MSMEs (stimulus group) are left out unless the request includes them;
MSMEs without an uplift score are left out; with `only_beneficial`, so are MSMEs whose uplift is
not positive. Each gets a reason code. The canonical order (uplift descending, then msme_id) makes
the list independent of the table's row order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd

from allocation.errors import CandidateError, Problem
from allocation.options import ListOptions
from data.contract import FIRST_DATA_ROW
from data.reference import island_group_by_province
from data.segments import STIMULUS_GROUP, already_digital

ReasonCode = Literal[
    "already_digital",
    "missing_uplift",
    "not_beneficial",
    "below_rank_cutoff",
    "province_quota_full",
    "min_share_reserved",
    "over_budget",
    "not_drawn",
]

# Stable codes; `data.messages` words each (an MSME's reason, with its figures: `explain`).
REASON_CODES: tuple[ReasonCode, ...] = get_args(ReasonCode)

Texts = npt.NDArray[np.object_]  # a code per candidate ("" = none yet)


@dataclass
class Eligible:
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


def prepare(candidates: pd.DataFrame, request: ListOptions) -> pd.DataFrame:
    """Check the columns the request needs; derive island_group; coerce uplift and cost."""
    problems: list[Problem] = []
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
        raise CandidateError(
            [
                Problem("missing_column", f"candidates lack column {name}", {"column": name})
                for name in missing
            ]
        )

    ids = frame["msme_id"]
    if ids.isna().any():
        problems.append(_row_problem("missing_value", ids.isna(), "msme_id", "missing"))
    if not ids.is_unique:
        duplicated = ids[ids.duplicated(keep=False) & ids.notna()]
        shown = sorted(map(str, duplicated.unique()))[:5]
        problems.append(
            Problem(
                "duplicate_ids",
                f"column msme_id: duplicate identifiers ({', '.join(shown)})",
                {"column": "msme_id", "ids": shown},
            )
        )
    frame["msme_id"] = ids.astype(str)

    frame["uplift"] = _numeric(frame["uplift"], "uplift", problems)
    if "p_digital_if_mentored" in frame.columns:
        frame["p_digital_if_mentored"] = _numeric(
            frame["p_digital_if_mentored"], "p_digital_if_mentored", problems
        )
    infinite = np.isinf(frame["uplift"].to_numpy(dtype=float))
    if infinite.any():
        problems.append(_row_problem("not_finite", infinite, "uplift", "not a finite number"))

    if "cost" in frame.columns:
        frame["cost"] = _numeric(frame["cost"], "cost", problems)
        cost = frame["cost"].to_numpy(dtype=float)
        bad = ~np.isfinite(cost) | (cost < 0)
        if request.budget is not None and bad.any():
            problems.append(
                _row_problem("bad_cost", bad, "cost", "must be a number >= 0 when a budget is set")
            )

    if "province_code" in frame.columns:
        frame["province_code"] = _province_text(frame["province_code"])
        if "island_group" not in frame.columns:
            frame["island_group"] = frame["province_code"].map(island_group_by_province())
    if request.quotas and frame["province_code"].isna().any():
        problems.append(
            _row_problem(
                "missing_province",
                frame["province_code"].isna(),
                "province_code",
                "missing, so no quota can apply",
            )
        )
    needs_island = any(share.column == "island_group" for share in request.min_share)
    if needs_island and frame["island_group"].isna().any():
        problems.append(
            _row_problem(
                "unknown_island",
                frame["island_group"].isna(),
                "province_code",
                "unknown province, so no island group",
            )
        )
    if problems:
        raise CandidateError(problems)
    return frame


def _province_text(values: pd.Series) -> pd.Series:
    """Province codes as the contract's 2-digit text, also when a file stored them as numbers."""
    if pd.api.types.is_numeric_dtype(values):
        text = values.astype("Float64").round().astype("Int64").astype(str).str.zfill(2)
        return text.where(values.notna(), None).astype(object)
    return values.where(values.isna(), values.astype(str)).astype(object)


def _numeric(values: pd.Series, name: str, problems: list[Problem]) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    converted = pd.to_numeric(values, errors="coerce").astype(float)
    suspect = np.flatnonzero((converted.isna() & values.notna()).to_numpy())
    text = values.iloc[suspect].astype(str).str.strip().to_numpy()
    broken = np.zeros(len(values), dtype=bool)
    broken[suspect[text != ""]] = True  # empty text means missing, not broken
    if broken.any():
        problems.append(_row_problem("not_a_number", broken, name, "not a number"))
    return converted


def _row_problem(
    code: str, mask: pd.Series | npt.NDArray[np.bool_], column: str, what: str, limit: int = 5
) -> Problem:
    """A problem of the rows in `mask`, named by spreadsheet row (header = row 1), the first few."""
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    rows = [int(p) + FIRST_DATA_ROW for p in positions[:limit]]
    more = len(positions) - len(rows)
    shown = ", ".join(map(str, rows)) + (f" and {more} more" if more else "")
    where = f"row{'s' if len(positions) > 1 else ''} {shown}"
    return Problem(
        code, f"{where}, column {column}: {what}", {"rows": rows, "more": more, "column": column}
    )


def eligibility(frame: pd.DataFrame, request: ListOptions) -> Texts:
    """The reason code of each candidate that cannot be on the list at all (else "")."""
    n = len(frame)
    code = np.full(n, "", dtype=object)
    uplift = frame["uplift"].to_numpy(dtype=float)
    if request.exclude_digital:
        digital = np.zeros(n, dtype=bool)
        if "digital_status" in frame.columns:
            digital |= already_digital(frame["digital_status"])
        if "segment" in frame.columns:
            digital |= (frame["segment"] == STIMULUS_GROUP).to_numpy()
        code[digital] = "already_digital"
    code[np.isnan(uplift) & (code == "")] = "missing_uplift"
    if request.only_beneficial:
        code[(uplift <= 0) & (code == "")] = "not_beneficial"
    return code


def canonical_order(frame: pd.DataFrame) -> npt.NDArray[np.intp]:
    """Frame positions by uplift, highest first (unscored last), ties by msme_id."""
    uplift = frame["uplift"].to_numpy(dtype=float)
    key = np.where(np.isnan(uplift), np.inf, -uplift)
    order: npt.NDArray[np.intp] = np.lexsort((frame["msme_id"].to_numpy(dtype=str), key))
    return order


def eligible_view(
    frame: pd.DataFrame, rows: npt.NDArray[np.intp], request: ListOptions
) -> Eligible:
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
    return Eligible(rows, uplift, cost, province, members)
