"""GET /v1/lists/{id}/value's domain call: a stored list's policy value as the API shows it."""

from __future__ import annotations

from data.messages import Language
from data.store.repository import ProgramStore
from models.policy_value import Interval, MethodValue, list_policy_value, status_note
from service.program_schemas import EstimateOut, ListValueOut, MethodValueOut


def list_value(store: ProgramStore, list_id: str, language: Language = "en") -> ListValueOut:
    """The model's list against random allocation, from the outcomes in so far, its note in
    `language` (ListNotFoundError for an unknown id)."""
    value = list_policy_value(store.get_list(list_id), store.get_outcomes(list_id))
    methods = {name: _method_out(found) for name, found in value.methods.items()}
    return ListValueOut(
        list_id=list_id,
        status=value.status,
        note=status_note(value.status, language),
        level=value.level,
        model_slots=value.model_slots,
        model_outcomes=value.model_outcomes,
        explored_slots=value.explored_slots,
        explored_outcomes=value.explored_outcomes,
        eligible=value.eligible,
        take_up=value.take_up,
        ips=methods.get("ips"),
        dr=methods.get("dr"),
    )


def _method_out(found: MethodValue) -> MethodValueOut:
    return MethodValueOut(
        model_rate=_estimate(found.model_rate),
        random_rate=_estimate(found.random_rate),
        difference=_estimate(found.difference),
        extra_digitalizations=_estimate(found.extra_digitalizations),
    )


def _estimate(interval: Interval | None) -> EstimateOut | None:
    if interval is None:
        return None
    return EstimateOut(value=interval.value, low=interval.low, high=interval.high)
