"""The domain calls behind the routes: scores with reasons, and mentoring lists."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel

from data.contract import PROFILE_COLUMNS
from models.scoring import STIMULUS_GROUP as STIMULUS_SEGMENT
from models.scoring import digital_mask, score_frame
from service.allocation import AllocationRequest, allocate
from service.body import GC_PAUSE_ROWS, gc_paused
from service.model_store import LoadedModel
from service.reasons import Language, ReasonLike, reason_text
from service.schemas import (
    BindingConstraintOut,
    NotSelectedMsme,
    PrioritizeRequest,
    PrioritizeResponse,
    Reason,
    ScoredMsme,
    SelectedMsme,
)

TOP_REASONS = 3
SMALL_BATCH = 64
PROFILE_NAMES = tuple(spec.name for spec in PROFILE_COLUMNS)


def profiles_frame(profiles: Sequence[BaseModel], extra: Sequence[str] = ()) -> pd.DataFrame:
    """Validated profiles as a frame with the contract's columns (plus `extra`), in input order."""
    names = PROFILE_NAMES + tuple(extra)
    if len(profiles) <= SMALL_BATCH:
        # One object block: a fraction of the cost of typed columns for a handful of rows.
        rows = [[profile.__dict__[name] for name in names] for profile in profiles]
        return pd.DataFrame(np.array(rows, dtype=object), columns=list(names))
    columns = {name: [profile.__dict__[name] for profile in profiles] for name in names}
    return pd.DataFrame(columns)


def score_profiles(
    loaded: LoadedModel, profiles: Sequence[BaseModel], language: Language
) -> list[ScoredMsme]:
    """Scores of every profile, in input order, each with its top three reasons.

    Offline MSMEs go through one feature matrix for both the scores and the reasons; already
    digital ones belong to the stimulus group and get neither probabilities nor reasons.
    """
    with gc_paused(len(profiles) > GC_PAUSE_ROWS):
        return _score(loaded, profiles, language)


def _score(
    loaded: LoadedModel, profiles: Sequence[BaseModel], language: Language
) -> list[ScoredMsme]:
    frame = profiles_frame(profiles)
    count = len(frame)
    p1 = np.full(count, np.nan)
    p0 = np.full(count, np.nan)
    uplift = np.full(count, np.nan)
    segments = np.full(count, STIMULUS_SEGMENT, dtype=object)
    reasons: list[list[Reason]] = [[] for _ in range(count)]
    offline = np.flatnonzero(~digital_mask(frame))
    if len(offline):
        scored = frame if len(offline) == count else frame.iloc[offline]
        matrix = loaded.model.features(scored)
        arrays = loaded.model.scores_from_matrix(matrix)
        p1[offline] = arrays.p_digital_if_mentored
        p0[offline] = arrays.p_digital_if_not
        uplift[offline] = arrays.uplift
        segments[offline] = arrays.segment
        factors = loaded.model.reasons_from_matrix(matrix, TOP_REASONS)
        for row, row_factors in zip(offline.tolist(), factors, strict=True):
            reasons[row] = [_reason(factor, language) for factor in row_factors]
    return [
        ScoredMsme.model_construct(
            msme_id=profile.__dict__["msme_id"],
            p_digital_if_mentored=_number(row_p1),
            p_digital_if_not=_number(row_p0),
            uplift=_number(row_uplift),
            segment=segment,
            reasons=row_reasons,
        )
        for profile, row_p1, row_p0, row_uplift, segment, row_reasons in zip(
            profiles,
            p1.tolist(),
            p0.tolist(),
            uplift.tolist(),
            segments.tolist(),
            reasons,
            strict=True,
        )
    ]


def _reason(factor: ReasonLike, language: Language) -> Reason:
    contribution = float(factor.contribution)
    return Reason.model_construct(
        feature=factor.feature,
        effect="raises" if contribution >= 0 else "lowers",
        contribution=contribution,
        text=reason_text(factor.feature, factor.value, contribution, language),
    )


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def prioritize_profiles(loaded: LoadedModel, body: PrioritizeRequest) -> PrioritizeResponse:
    """Score the candidates and build the mentoring list (raises allocation's errors)."""
    with gc_paused(len(body.msmes) > GC_PAUSE_ROWS):
        return _prioritize(loaded, body)


def _prioritize(loaded: LoadedModel, body: PrioritizeRequest) -> PrioritizeResponse:
    frame = profiles_frame(body.msmes, extra=("cost",))
    scores = score_frame(loaded.model, frame)
    candidates = pd.concat([frame, scores.reset_index(drop=True)], axis=1)
    if candidates["cost"].isna().all():
        candidates = candidates.drop(columns="cost")
    request = AllocationRequest.model_validate(body, from_attributes=True)
    result = allocate(candidates, request)
    return PrioritizeResponse.model_construct(
        model=loaded.ref,
        capacity=result.capacity,
        filled=result.filled,
        candidates=result.candidates,
        eligible=result.eligible,
        total_expected_gain=result.total_expected_gain,
        random_expected_gain=result.random_expected_gain,
        expected_success_rate=result.expected_success_rate,
        total_cost=result.total_cost,
        budget=result.budget,
        binding_constraints=[
            BindingConstraintOut.model_construct(**dataclasses.asdict(item))
            for item in result.binding
        ],
        shortfall_note=result.shortfall_note,
        notes=result.notes,
        method=result.method,
        selected=_selected(result.selected),
        not_selected=_not_selected(result.not_selected),
    )


def _selected(frame: pd.DataFrame) -> list[SelectedMsme]:
    costs = frame["cost"].tolist() if "cost" in frame.columns else [None] * len(frame)
    return [
        SelectedMsme.model_construct(
            rank=rank,
            msme_id=msme_id,
            expected_gain=gain,
            p_digital_if_mentored=_number(p1),
            p_digital_if_not=_number(p0),
            segment=segment,
            province_code=province,
            cost=_number(cost),
        )
        for rank, msme_id, gain, p1, p0, segment, province, cost in zip(
            frame["rank"].tolist(),
            frame["msme_id"].tolist(),
            frame["expected_gain"].tolist(),
            frame["p_digital_if_mentored"].tolist(),
            frame["p_digital_if_not"].tolist(),
            frame["segment"].tolist(),
            frame["province_code"].tolist(),
            costs,
            strict=True,
        )
    ]


def _not_selected(frame: pd.DataFrame) -> list[NotSelectedMsme]:
    return [
        NotSelectedMsme.model_construct(
            msme_id=msme_id,
            reason_code=code,
            reason=reason,
            uplift=_number(uplift),
            segment=segment,
        )
        for msme_id, code, reason, uplift, segment in zip(
            frame["msme_id"].tolist(),
            frame["reason_code"].tolist(),
            frame["reason"].tolist(),
            frame["uplift"].tolist(),
            frame["segment"].tolist(),
            strict=True,
        )
    ]
