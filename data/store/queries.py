"""The store's reads beyond one row by id: rows by (list, MSME) in chunks, the ids a batch names
that it does not know, a page of the lists issued and the counts of a list's outcomes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import TypeVar, cast

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from data.store.conversions import count, summary
from data.store.errors import ListNotFoundError, UnknownIdsError
from data.store.outcome_checks import issued_day
from data.store.records import ListSummary, OutcomeCounts, OutcomeIn
from data.store.schema import IssuedList, ListedMsme, Outcome

_Row = TypeVar("_Row", ListedMsme, Outcome)
_T = TypeVar("_T")

MAX_PAGE_SIZE = 1_000
# Bound parameters per IN (...) clause: well under SQLite's oldest limit of 999 variables.
CHUNK = 400


def check_page(page: int, page_size: int) -> None:
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page must be >= 1 and page_size within 1..{MAX_PAGE_SIZE}")


def lists_page(session: Session, page: int, page_size: int) -> list[ListSummary]:
    """One page of the lists issued, newest first, each with its candidates, selected MSMEs
    and outcomes counted."""
    members = (
        select(
            ListedMsme.list_id,
            func.count().label("candidates"),
            func.sum(case((ListedMsme.selected, 1), else_=0)).label("selected"),
        )
        .group_by(ListedMsme.list_id)
        .subquery()
    )
    outcomes = (
        select(Outcome.list_id, func.count().label("outcomes")).group_by(Outcome.list_id).subquery()
    )
    query = (
        select(
            IssuedList,
            func.coalesce(members.c.candidates, 0),
            func.coalesce(members.c.selected, 0),
            func.coalesce(outcomes.c.outcomes, 0),
        )
        .outerjoin(members, members.c.list_id == IssuedList.id)
        .outerjoin(outcomes, outcomes.c.list_id == IssuedList.id)
        .order_by(IssuedList.created_at.desc(), IssuedList.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return [
        summary(cast(IssuedList, issued), candidates, selected, n_outcomes)
        for issued, candidates, selected, n_outcomes in session.execute(query)
    ]


def count_outcomes(session: Session, list_id: str) -> OutcomeCounts:
    """How many outcomes are in for a list; `ListNotFoundError` when unknown."""
    if session.get(IssuedList, list_id) is None:
        raise ListNotFoundError(list_id)
    candidates, selected = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((ListedMsme.selected, 1), else_=0)), 0),
        ).where(ListedMsme.list_id == list_id)
    ).one()
    outcomes, outcomes_selected, mentored, digitalized = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((ListedMsme.selected, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Outcome.mentored, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Outcome.digitalized, 1), else_=0)), 0),
        )
        .select_from(Outcome)
        .join(
            ListedMsme,
            (ListedMsme.list_id == Outcome.list_id) & (ListedMsme.msme_id == Outcome.msme_id),
        )
        .where(Outcome.list_id == list_id)
    ).one()
    return OutcomeCounts(
        list_id=list_id,
        candidates=count(candidates),
        selected=count(selected),
        outcomes=count(outcomes),
        outcomes_selected=count(outcomes_selected),
        mentored=count(mentored),
        digitalized=count(digitalized),
    )


def refuse_unknown(
    session: Session, batch: Mapping[tuple[str, str], OutcomeIn]
) -> tuple[dict[str, date], dict[tuple[str, str], bool]]:
    """Raise `UnknownIdsError` naming every unknown list and every MSME not on its list; else
    answer the UTC day each list was issued, and whether its list selected each MSME."""
    list_ids = sorted({list_id for list_id, _ in batch})
    issued_on: dict[str, date] = {}
    for chunk in chunks(list_ids):
        query = select(IssuedList.id, IssuedList.created_at).where(IssuedList.id.in_(chunk))
        issued_on.update(
            (list_id, issued_day(created)) for list_id, created in session.execute(query)
        )
    unknown_lists = [list_id for list_id in list_ids if list_id not in issued_on]
    on_known = [key for key in batch if key[0] in issued_on]
    selected = {
        (row.list_id, row.msme_id): row.selected
        for row in rows_for_keys(session, ListedMsme, on_known)
    }
    unknown_msmes = [key for key in on_known if key not in selected]
    if unknown_lists or unknown_msmes:
        raise UnknownIdsError(unknown_lists, unknown_msmes)
    return issued_on, selected


def outcomes_stored(session: Session, list_ids: set[str]) -> dict[str, int]:
    """How many outcomes each of `list_ids` holds, this session's own writes included."""
    stored = dict.fromkeys(list_ids, 0)
    for chunk in chunks(sorted(list_ids)):
        query = (
            select(Outcome.list_id, func.count())
            .where(Outcome.list_id.in_(chunk))
            .group_by(Outcome.list_id)
        )
        stored.update((list_id, int(n)) for list_id, n in session.execute(query))
    return stored


def rows_for_keys(
    session: Session, table: type[_Row], keys: Sequence[tuple[str, str]], for_update: bool = False
) -> list[_Row]:
    """Rows of `table` whose (list_id, msme_id) is among `keys`, read list by list in chunks."""
    by_list: dict[str, list[str]] = {}
    for list_id, msme_id in keys:
        by_list.setdefault(list_id, []).append(msme_id)
    found: list[_Row] = []
    for list_id, msme_ids in by_list.items():
        for chunk in chunks(msme_ids):
            query = select(table).where(table.list_id == list_id, table.msme_id.in_(chunk))
            if for_update:
                query = query.with_for_update()
            found.extend(session.scalars(query))
    return found


def chunks(values: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]
