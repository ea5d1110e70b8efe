"""Records to rows and back: a list's candidates checked as the tables take them and made rows
(plain JSON), and stored lists, candidates and outcomes as the records `ProgramStore` answers."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Row

from data.store.errors import InvalidListError
from data.store.records import (
    SELECTED_BY,
    IssuedListRecord,
    ListedMsmeIn,
    ListedMsmeRecord,
    ListSummary,
    OutcomeRecord,
    SelectedBy,
    outcome_fields,
)
from data.store.schema import MSME_ID_LENGTH, IssuedList, ListedMsme, Outcome, OutcomeVersion

# Every column of a listed MSME, read as plain rows by `ProgramStore.get_list`.
LISTED_COLUMNS = tuple(ListedMsme.__table__.columns)


def check_list(members: Sequence[ListedMsmeIn], exploration_share: float) -> None:
    """Refuse a list that would be stored inconsistent, naming what is wrong."""
    if not members:
        raise InvalidListError("invalid_list_no_msmes")
    if not 0 <= exploration_share <= 1:
        raise InvalidListError("invalid_list_exploration_share")
    # PostgreSQL enforces column lengths and SQLite does not: refuse alike on both, by name.
    too_long = sorted({m.msme_id for m in members if len(m.msme_id) > MSME_ID_LENGTH})
    if too_long:
        raise InvalidListError(
            "invalid_list_msme_id_too_long", limit=MSME_ID_LENGTH, msme_ids=too_long
        )
    counts = Counter(member.msme_id for member in members)
    duplicates = sorted(msme_id for msme_id, n in counts.items() if n > 1)
    if duplicates:
        raise InvalidListError("invalid_list_msmes_twice", msme_ids=duplicates)
    for member in members:
        if not 0 <= member.selection_probability <= 1:
            raise InvalidListError("invalid_list_selection_probability", msme_id=member.msme_id)
        if member.selected != (member.selected_by is not None) or (
            member.selected_by is not None and member.selected_by not in SELECTED_BY
        ):
            raise InvalidListError("invalid_list_selected_by", msme_id=member.msme_id)


def json_safe(value: Any) -> Any:
    """`value` as plain JSON: NumPy scalars as Python numbers, NaN/NA/inf as null, dates as
    ISO text (PostgreSQL refuses NaN in JSON, and a profile read from a file has them)."""
    kind = type(value)  # the plain types first, by identity: a list holds 100,000 profiles
    if kind is str or kind is bool or value is None:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is int:
        return value
    if kind is dict:
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime | date):
        return value.isoformat()
    import numpy as np
    import pandas as pd

    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        return json_safe(value.item())
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__} in a profile")


def finite_or_none(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def factors_json(factors: Sequence[tuple[str, Any, float]] | None) -> list[Any] | None:
    """Factors as the store keeps them: [feature, value, contribution], plain JSON values."""
    if factors is None:
        return None
    return [[str(feature), json_safe(value), float(weight)] for feature, value, weight in factors]


def listed_rows(list_id: str, members: Sequence[ListedMsmeIn]) -> list[dict[str, Any]]:
    """A list's candidates as the rows of `listed_msmes`, for one bulk INSERT."""
    return [
        {
            "list_id": list_id,
            "msme_id": member.msme_id,
            "profile": json_safe(dict(member.profile)),
            "rank": member.rank,
            "p_if_mentored": finite_or_none(member.p_if_mentored),
            "p_if_not": finite_or_none(member.p_if_not),
            "uplift": finite_or_none(member.uplift),
            "segment": member.segment,
            "selected": member.selected,
            "selected_by": member.selected_by,
            "selection_probability": float(member.selection_probability),
            "reason_code": member.reason_code,
            "extra": json_safe(dict(member.extra)) if member.extra else None,
            "source_row": member.source_row,
            "reason_wording": member.reason_wording,
            "factors": factors_json(member.factors),
        }
        for member in members
    ]


def list_record(issued: IssuedList, members: Sequence[Row[Any]]) -> IssuedListRecord:
    """An issued list as its record, with its candidates (rows of `LISTED_COLUMNS`) in order."""
    return IssuedListRecord(
        id=issued.id,
        created_at=issued.created_at,
        created_by=issued.created_by,
        model_name=issued.model_name,
        model_version=issued.model_version,
        options=issued.options,
        constraints=issued.constraints,
        source_file=issued.source_file,
        exploration_share=issued.exploration_share,
        members=tuple(listed_record(member) for member in members),
        input_columns=None if issued.input_columns is None else tuple(issued.input_columns),
        reason_figures=issued.reason_figures,
        explanation=issued.explanation,
        source_digest=issued.source_digest,
    )


def listed_record(row: ListedMsme | Row[Any]) -> ListedMsmeRecord:
    """A listed MSME as its record, from its ORM object or a row of `LISTED_COLUMNS`."""
    return ListedMsmeRecord(
        list_id=row.list_id,
        msme_id=row.msme_id,
        profile=row.profile,
        selected=row.selected,
        selection_probability=row.selection_probability,
        selected_by=selected_by(row.selected_by),
        rank=row.rank,
        p_if_mentored=row.p_if_mentored,
        p_if_not=row.p_if_not,
        uplift=row.uplift,
        segment=row.segment,
        reason_code=row.reason_code,
        extra=row.extra,
        source_row=row.source_row,
        reason_wording=row.reason_wording,
        factors=None if row.factors is None else [tuple(factor) for factor in row.factors],
    )


def selected_by(value: str | None) -> SelectedBy | None:
    """The stored text as its literal (a check constraint keeps it to these values)."""
    for known in SELECTED_BY:
        if value == known:
            return known
    return None


def previous_version(current: Outcome, replaced_at: datetime) -> OutcomeVersion:
    return OutcomeVersion(
        list_id=current.list_id,
        msme_id=current.msme_id,
        **outcome_fields(current),
        recorded_at=current.recorded_at,
        recorded_by=current.recorded_by,
        replaced_at=replaced_at,
    )


def outcome_record(row: Outcome | OutcomeVersion) -> OutcomeRecord:
    return OutcomeRecord(
        list_id=row.list_id,
        msme_id=row.msme_id,
        **outcome_fields(row),
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
    )


def count(value: object) -> int:
    """A COUNT or SUM from the database (int, or Decimal on PostgreSQL) as an int."""
    return int(cast(Any, value))


def summary(
    issued: IssuedList, candidates: object, selected: object, outcomes: object
) -> ListSummary:
    return ListSummary(
        id=issued.id,
        created_at=issued.created_at,
        created_by=issued.created_by,
        model_name=issued.model_name,
        model_version=issued.model_version,
        source_file=issued.source_file,
        exploration_share=issued.exploration_share,
        candidates=count(candidates),
        selected=count(selected),
        outcomes=count(outcomes),
        capacity=capacity(issued.options),
        options=issued.options or {},
        constraints=issued.constraints or {},
    )


def capacity(options: Mapping[str, Any] | None) -> int | None:
    """The slots a list asked for, as its options recorded them (every list records them)."""
    value = (options or {}).get("capacity")
    return value if isinstance(value, int) and not isinstance(value, bool) else None
