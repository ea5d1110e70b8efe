"""The domain calls behind the routes: scores with reasons, and mentoring lists."""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, TypeAdapter

from allocation import (
    MIN_SHARE_COLUMNS,
    AllocationRequest,
    AllocationResult,
    BindingConstraint,
    Exploration,
    allocate,
)
from data.contract import PROFILE_COLUMNS
from data.messages import UNSURE_TENTHS, Language, percent_tenths, render
from data.segments import STIMULUS_GROUP
from models.scoring import is_digital, score_records
from models.uplift_model import Reason as ModelReason
from service.heap import GC_PAUSE_ROWS, gc_paused
from service.model_store import LoadedModel
from service.reasons import ReasonLike, factor_code, reason_text
from service.schemas import (
    BindingConstraintOut,
    ExplorationOut,
    NotSelectedMsme,
    PrioritizeRequest,
    PrioritizeResponse,
    Reason,
    ScoredMsme,
    SelectedMsme,
)

TOP_REASONS = 3
PROFILE_NAMES = tuple(spec.name for spec in PROFILE_COLUMNS)
NUMERIC_NAMES = frozenset(
    [spec.name for spec in PROFILE_COLUMNS if spec.kind in ("integer", "number")] + ["cost"]
)
# What the allocation reads besides the scores: ids, digital status, the columns minimum shares
# may name (island_group is derived from province_code) and the cost.
ALLOCATION_COLUMNS = (
    "msme_id",
    "digital_status",
    *(column for column in MIN_SHARE_COLUMNS if column != "island_group"),
    "cost",
)


def profiles_frame(
    records: Sequence[Mapping[str, Any]], columns: Sequence[str] = PROFILE_NAMES
) -> pd.DataFrame:
    """Validated profiles (their fields as mappings) as a frame of these `columns`, in order.

    Columns are built as NumPy arrays of the contract's kind (numbers as float with NaN for
    missing, the rest as objects): pandas would otherwise inspect every value of every list.
    """
    frame: dict[str, np.ndarray] = {}
    for name in columns:
        values = [record[name] for record in records]
        if name in NUMERIC_NAMES:
            frame[name] = np.array(values, dtype=np.float64)  # None -> NaN
        else:
            column = np.empty(len(values), dtype=object)
            column[:] = values
            frame[name] = column
    return pd.DataFrame(frame, copy=False)


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
    records = [profile.__dict__ for profile in profiles]
    count = len(records)
    p1: list[float | None] = [None] * count
    p0: list[float | None] = [None] * count
    uplift: list[float | None] = [None] * count
    segments: list[str] = [STIMULUS_GROUP] * count
    reasons: list[list[Reason]] = [[] for _ in range(count)]
    offline = [row for row, record in enumerate(records) if not is_digital(record)]
    if offline:
        scored = records if len(offline) == count else [records[row] for row in offline]
        matrix = loaded.model.features_from_records(scored)
        arrays, factors = loaded.model.score_and_explain_matrix(matrix, TOP_REASONS)
        if loaded.drift is not None:
            loaded.drift.observe(matrix, arrays.uplift)
        for row, row_p1, row_p0, row_uplift, segment, row_factors in zip(
            offline,
            arrays.p_digital_if_mentored.tolist(),
            arrays.p_digital_if_not.tolist(),
            arrays.uplift.tolist(),
            arrays.segment.tolist(),
            factors,
            strict=True,
        ):
            p1[row], p0[row], uplift[row] = row_p1, row_p0, row_uplift
            segments[row] = segment
            reasons[row] = [_reason(factor, language) for factor in row_factors]
    return [
        ScoredMsme.model_construct(
            msme_id=record["msme_id"],
            p_digital_if_mentored=row_p1,
            p_digital_if_not=row_p0,
            uplift=row_uplift,
            segment=segment,
            reasons=row_reasons,
        )
        for record, row_p1, row_p0, row_uplift, segment, row_reasons in zip(
            records, p1, p0, uplift, segments, reasons, strict=True
        )
    ]


# One factor of an MSME's uplift as a recorded list keeps it: (feature, value, contribution).
Factor = tuple[str, str | float | bool | None, float]


def explain_profiles(
    loaded: LoadedModel, profiles: Sequence[BaseModel], language: Language
) -> list[list[Reason]]:
    """The top three reasons of every profile, in input order, without scoring it again (the
    scores come from the list); already-digital MSMEs have none, as in `score_profiles`."""
    return worded_reasons(explain_factors(loaded, profiles), language)


def explain_factors(loaded: LoadedModel, profiles: Sequence[BaseModel]) -> list[list[Factor]]:
    """`explain_profiles` before wording: each profile's top factors as (feature, value,
    contribution), plain values, the form a recorded list keeps them in."""
    with gc_paused(len(profiles) > GC_PAUSE_ROWS):
        records = [profile.__dict__ for profile in profiles]
        factors: list[list[Factor]] = [[] for _ in records]
        offline = [row for row, record in enumerate(records) if not is_digital(record)]
        if offline:
            scored = records if len(offline) == len(records) else [records[i] for i in offline]
            matrix = loaded.model.features_from_records(scored)
            found = loaded.model.reasons_from_matrix(matrix, TOP_REASONS)
            for row, row_factors in zip(offline, found, strict=True):
                factors[row] = [
                    (factor.feature, _plain(factor.value), float(factor.contribution))
                    for factor in row_factors
                ]
        return factors


def factors_by_msme(loaded: LoadedModel, profiles: Sequence[BaseModel]) -> dict[str, list[Factor]]:
    """`explain_factors` of a recorded list's selected MSMEs, by MSME id (in `profiles` order):
    what the list keeps for them (`ProgramStore.attach_factors`), whatever path recorded it."""
    return {
        str(profile.__dict__["msme_id"]): row
        for profile, row in zip(profiles, explain_factors(loaded, profiles), strict=True)
    }


def worded_reasons(
    factors: Sequence[Sequence[tuple[str, Any, float]]], language: Language
) -> list[list[Reason]]:
    """Factors (`explain_factors`, or as a recorded list kept them) as reasons in `language`."""
    return [
        [_reason(ModelReason(feature, value, weight), language) for feature, value, weight in row]
        for row in factors
    ]


def _plain(value: object) -> str | float | bool | None:
    """A factor's value as JSON keeps it (NumPy scalars as Python ones)."""
    if value is None or isinstance(value, str | bool | float):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer | np.floating):
        return float(value)
    return str(value)


def _reason(factor: ReasonLike, language: Language) -> Reason:
    contribution = float(factor.contribution)
    return Reason.model_construct(
        feature=factor.feature,
        effect="raises" if contribution > 0 else "lowers",
        contribution=contribution,
        code=factor_code(factor.feature, factor.value)[0],
        text=reason_text(factor.feature, factor.value, contribution, language),
    )


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def prioritize_profiles(
    loaded: LoadedModel, body: PrioritizeRequest, language: Language = "en"
) -> PrioritizeResponse:
    """Score the candidates and build the mentoring list (raises allocation's errors); each
    left-out MSME's reason worded in `language` from its code."""
    return prioritize_profiles_with_result(loaded, body, language)[0]


def prioritize_profiles_with_result(
    loaded: LoadedModel, body: PrioritizeRequest, language: Language = "en"
) -> tuple[PrioritizeResponse, AllocationResult]:
    """`prioritize_profiles`, plus the allocation's own result: every candidate's scores, for a
    caller that shows more than the API answers (the page) without scoring anyone again."""
    with gc_paused(len(body.msmes) > GC_PAUSE_ROWS):
        return _prioritize(loaded, body, language)


def _prioritize(
    loaded: LoadedModel, body: PrioritizeRequest, language: Language
) -> tuple[PrioritizeResponse, AllocationResult]:
    records = [profile.__dict__ for profile in body.msmes]
    frame = profiles_frame(records, ALLOCATION_COLUMNS)
    observe = loaded.drift.observe if loaded.drift is not None else None
    scores = score_records(loaded.model, records, observe)  # counted for drift, as /v1/scores
    candidates = pd.concat([frame, scores], axis=1)
    if candidates["cost"].isna().all():
        candidates = candidates.drop(columns="cost")
    request = AllocationRequest.model_validate(body, from_attributes=True)
    result = allocate(candidates, request)
    response = PrioritizeResponse.model_construct(
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
        binding_constraints=[binding_out(item, language) for item in result.binding],
        shortfall_note=shortfall_note(result, language),
        notes=list_notes(result, language),
        **_evidence(loaded, language),
        method=result.method,
        exploration=exploration_out(result.exploration),
        selected=_selected(result.selected, result.exploration),
        not_selected=_not_selected(result, language),
    )
    return response, result


def exploration_out(exploration: Exploration | None) -> ExplorationOut | None:
    """How the list explored, as the answer gives it; None when it did not."""
    if exploration is None:
        return None
    return ExplorationOut(
        share=exploration.share,
        seed=exploration.seed,
        slots=exploration.slots,
        drawn=len(exploration.drawn),
        pool=len(exploration.pool),
        probability=exploration.probability,
    )


def binding_out(item: BindingConstraint, language: Language) -> BindingConstraintOut:
    """A binding constraint with its message worded in `language` from its code."""
    fields = dataclasses.asdict(item) | {"message": render(item.code, item.params, language)}
    return BindingConstraintOut.model_construct(**fields)


def shortfall_note(result: AllocationResult, language: Language) -> str | None:
    """Why slots stay free (fewer eligible MSMEs than slots), worded in `language` from its
    code; None when every slot could be filled."""
    note = result.shortfall
    return None if note is None else render(note.code, note.params, language)


def list_notes(result: AllocationResult, language: Language) -> list[str]:
    """The list's notes (the shortfall among them) worded in `language` from their codes, as
    the API, `POST /v1/lists` and the page give them."""
    return [render(note.code, note.params, language) for note in result.coded_notes]


def _evidence(loaded: LoadedModel, language: Language) -> dict[str, Any]:
    """The weak-evidence warning's fields: code, parameters and the words in `language`."""
    warning = loaded.evidence_warning
    if warning is None:
        return {"evidence_warning": None, "evidence_code": None, "evidence_params": {}}
    code, params = warning
    text = render(code, params, language)
    return {"evidence_warning": text, "evidence_code": code, "evidence_params": params}


def _selected(frame: pd.DataFrame, exploration: Exploration | None) -> list[SelectedMsme]:
    """The list's entries; with exploration, each says how it got on the list and its exact
    chance (as POST /v1/lists records them)."""
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
            selected_by=None if exploration is None else exploration.selected_by(msme_id),
            selection_probability=None
            if exploration is None
            else exploration.selection_probability(msme_id, True),
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


def not_selected_reasons(result: AllocationResult, language: Language) -> list[str]:
    """Each left-out MSME's reason in `language`, in the order of `result.not_selected`: its
    catalogue code and parameters (`result.reasons`) worded, as the API and `umkm prioritize`
    give them."""
    frame = result.not_selected
    reasons = result.reasons
    provinces = (
        frame["province_code"].tolist() if "province_code" in frame.columns else [""] * len(frame)
    )
    uplift = frame["uplift"].to_numpy(dtype=np.float64)
    # The list's figures are the same for every MSME; its uplift and province (with the
    # province's quota) may differ. Most left-out MSMEs share their words: those whose uplift
    # reads the same (`percent_tenths`) and differs from the cutoff's at one decimal are worded
    # once. An uplift that reads like the cutoff gets more decimals (`format_percents`), and
    # one whose reading only Babel can tell is worded on its own.
    tenths = percent_tenths(uplift)
    cutoff = percent_tenths(np.array([np.nan if reasons.cutoff is None else reasons.cutoff]))[0]
    alike = (tenths != UNSURE_TENTHS) & (tenths != cutoff)
    tenths[np.isnan(uplift)] = UNSURE_TENTHS  # no uplift: worded alike whatever the cutoff
    alike |= np.isnan(uplift)
    texts: dict[tuple[str, object, object], str] = {}
    worded = []
    for code, value, shown, grouped, province in zip(
        reasons.codes.tolist(),
        uplift.tolist(),
        tenths.tolist(),
        alike.tolist(),
        provinces,
        strict=True,
    ):
        key = (code, shown if grouped else value, province)
        text = texts.get(key)
        if text is None:
            text = texts[key] = render(*reasons.message(code, value, province), language)
        worded.append(text)
    return worded


def _not_selected(result: AllocationResult, language: Language) -> list[NotSelectedMsme]:
    frame = result.not_selected
    # Validated in one pydantic-core call: for 100,000 MSMEs several times faster than
    # constructing the models one by one in Python.
    rows = [
        {
            "msme_id": msme_id,
            "reason_code": code,
            "reason": reason,
            "uplift": None if math.isnan(uplift) else uplift,
            "segment": segment,
        }
        for msme_id, code, reason, uplift, segment in zip(
            frame["msme_id"].tolist(),
            frame["reason_code"].tolist(),
            not_selected_reasons(result, language),
            frame["uplift"].astype(np.float64).tolist(),
            frame["segment"].tolist(),
            strict=True,
        )
    ]
    return _not_selected_list().validate_python(rows)


@functools.cache
def _not_selected_list() -> TypeAdapter[list[NotSelectedMsme]]:
    return TypeAdapter(list[NotSelectedMsme])
