"""Record and read what the program did: issued lists, their MSMEs, and the outcomes that follow.

`ProgramStore` is the one door to the store for the service, the page and training; each method
is one transaction. Outcomes are idempotent on (list_id, msme_id): a repeat is counted, not
stored; a change keeps the previous version in `outcome_history`; unknown ids, and dates that
cannot be right (`data.store.outcome_checks`), refuse the batch.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Engine, Row, case, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from data.store import requests, sources
from data.store.engine import make_engine
from data.store.errors import (
    ConflictingOutcomesError,
    InvalidListError,
    InvalidOutcomeDatesError,
    ListNotFoundError,
    UnknownIdsError,
)
from data.store.extras import check_extras
from data.store.outcome_checks import date_problems, issued_day, mentored_not_selected
from data.store.records import (
    OUTCOME_FIELDS,
    SELECTED_BY,
    EarlierList,
    IssuedListRecord,
    ListedMsmeIn,
    ListedMsmeRecord,
    ListSummary,
    OutcomeCounts,
    OutcomeIn,
    OutcomeRecord,
    OutcomeStatus,
    OutcomeSummary,
    OutcomeVersionRecord,
    SelectedBy,
    outcome_fields,
)
from data.store.requests import RequestKey
from data.store.schema import (
    MSME_ID_LENGTH,
    IssuedList,
    ListedMsme,
    Outcome,
    OutcomeVersion,
    utc_now,
)
from data.store.settings import database_url

if TYPE_CHECKING:
    import pandas as pd

_Row = TypeVar("_Row", ListedMsme, Outcome)
_T = TypeVar("_T")

MAX_PAGE_SIZE = 1_000
# Bound parameters per IN (...) clause: well under SQLite's oldest limit of 999 variables.
CHUNK = 400


class ProgramStore:
    """The program store over one engine; safe to share across threads (one session per call)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str | None = None) -> ProgramStore:
        """A store at `url` (default: `UMKM_DATABASE_URL`); run `migrate.upgrade` first."""
        return cls(make_engine(database_url(url)))

    def ping(self) -> bool:
        """Whether the store takes a query now (`SELECT 1`); never raises for a store that is
        down."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def close(self) -> None:
        """Close the engine's pooled connections."""
        self.engine.dispose()

    @contextmanager
    def session(self, *, dry_run: bool = False) -> Iterator[Session]:
        """A session in one transaction: committed at the end, rolled back on error. With
        `dry_run` it is rolled back at the end too: what it wrote is flushed (the database
        checks it as it would on commit), then undone."""
        if not dry_run:
            with self._sessions.begin() as session:
                yield session
            return
        with self._sessions() as session:
            transaction = session.begin()
            try:
                yield session
                session.flush()
            finally:
                transaction.rollback()

    # ------------------------------------------------------------------ lists

    def record_list(
        self,
        *,
        created_by: str,
        model_name: str,
        model_version: str | None,
        members: Sequence[ListedMsmeIn],
        options: Mapping[str, Any] | None = None,
        constraints: Mapping[str, Any] | None = None,
        source_file: str | None = None,
        exploration_share: float = 0.0,
        created_at: datetime | None = None,
        input_columns: Sequence[str] | None = None,
        reason_figures: Mapping[str, Any] | None = None,
        explanation: Mapping[str, Any] | None = None,
        list_id: str | None = None,
        request: RequestKey | None = None,
        reply: bytes | None = None,
        reply_language: str | None = None,
        source_digest: str | None = None,
        refuse_repeat_within: timedelta | None = None,
    ) -> str:
        """Record an issued list and all its candidates in one transaction; return its id (new
        unless `list_id` gives it, as `new_list_id()` made it).

        `input_columns`: every column of the candidates in the order they came (profile fields
        and own columns), for the list to reopen in that order; `reason_figures`: the figures
        the left-out MSMEs' reasons name, for them to reopen worded alike; `explanation`: the
        binding constraints and notes as codes, for the list to reopen saying what shaped it.
        `request` (a key claimed with `data.store.requests.claim`), `reply` (the answer, with
        this list's id) and `reply_language` (its words'): kept with the list in the same
        transaction, for the same request sent again to be answered alike. `source_digest`: the
        digest of the page's file and settings, for the same issued again to be known
        (`issued_from`); with `refuse_repeat_within`, a list issued from the same digest within
        that time before this one is a repeat: `ListAlreadyIssuedError` names it and nothing is
        recorded (`data.store.sources.claim_source`, in this transaction)."""
        _check_list(members, exploration_share)
        check_extras([(member.msme_id, member.extra) for member in members], input_columns)
        list_id = list_id or new_list_id()
        now = created_at or utc_now()
        issued = IssuedList(
            id=list_id,
            created_at=now,
            created_by=created_by,
            model_name=model_name,
            model_version=model_version,
            options=json_safe(dict(options or {})),
            constraints=json_safe(dict(constraints or {})),
            source_file=source_file,
            exploration_share=float(exploration_share),
            input_columns=None if input_columns is None else list(input_columns),
            reason_figures=None if reason_figures is None else json_safe(dict(reason_figures)),
            explanation=None if explanation is None else json_safe(dict(explanation)),
            source_digest=source_digest,
        )
        # Candidates go in as one bulk INSERT (SQLAlchemy's insertmanyvalues), not as 100,000
        # ORM objects through the unit of work: the same rows, written several times faster.
        rows = [
            {
                "list_id": list_id,
                "msme_id": member.msme_id,
                "profile": json_safe(dict(member.profile)),
                "rank": member.rank,
                "p_if_mentored": _finite_or_none(member.p_if_mentored),
                "p_if_not": _finite_or_none(member.p_if_not),
                "uplift": _finite_or_none(member.uplift),
                "segment": member.segment,
                "selected": member.selected,
                "selected_by": member.selected_by,
                "selection_probability": float(member.selection_probability),
                "reason_code": member.reason_code,
                "extra": json_safe(dict(member.extra)) if member.extra else None,
                "source_row": member.source_row,
                "reason_wording": member.reason_wording,
                "factors": _factors_json(member.factors),
            }
            for member in members
        ]
        with self.session() as session:
            session.add(issued)
            session.flush()  # the list first: its candidates and its claims refer to it
            if source_digest is not None:
                sources.claim_source(session, source_digest, list_id, now, refuse_repeat_within)
            session.execute(insert(ListedMsme), rows)
            if request is not None:
                answer = requests.Answer(reply or b"", reply_language, list_id)
                requests.attach(session, request, answer, now)
        return list_id

    def attach_factors(
        self, list_id: str, factors: Mapping[str, Sequence[tuple[str, Any, float]]]
    ) -> None:
        """Keep the top factors each selected MSME of a recorded list was shown with (by MSME
        id), for the list to reopen with the same reasons; in one transaction."""
        rows = [
            {"list_id": list_id, "msme_id": msme_id, "factors": _factors_json(found)}
            for msme_id, found in factors.items()
        ]
        if not rows:
            return
        with self.session() as session:
            if session.get(IssuedList, list_id) is None:
                raise ListNotFoundError(list_id)
            session.execute(update(ListedMsme), rows)  # by primary key, as one executemany

    def get_list(self, list_id: str) -> IssuedListRecord:
        """An issued list with every candidate, by rank; `ListNotFoundError` when unknown."""
        with self.session() as session:
            issued = session.get(IssuedList, list_id)
            if issued is None:
                raise ListNotFoundError(list_id)
            # Plain rows, not ORM objects: a 100,000-candidate list reads about three times
            # faster without the identity map (benchmarks/bench_read_list.py).
            members = session.execute(
                select(*_LISTED_COLUMNS)
                .where(ListedMsme.list_id == list_id)
                .order_by(ListedMsme.rank.is_(None), ListedMsme.rank, ListedMsme.msme_id)
            ).all()
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
                members=tuple(_listed_record(member) for member in members),
                input_columns=None if issued.input_columns is None else tuple(issued.input_columns),
                reason_figures=issued.reason_figures,
                explanation=issued.explanation,
                source_digest=issued.source_digest,
            )

    def issued_from(self, source_digest: str, since: datetime) -> EarlierList | None:
        """The latest list issued at or after `since` from the file and settings `source_digest`
        names (any issuer), or None."""
        with self.session() as session:
            return sources.issued_from(session, source_digest, since)

    def list_lists(self, page: int = 1, page_size: int = 50) -> tuple[list[ListSummary], int]:
        """One page of the lists issued, newest first, and how many there are in all."""
        _check_page(page, page_size)
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
            select(Outcome.list_id, func.count().label("outcomes"))
            .group_by(Outcome.list_id)
            .subquery()
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
        with self.session() as session:
            total = session.scalar(select(func.count()).select_from(IssuedList)) or 0
            items = [
                _summary(cast(IssuedList, issued), candidates, selected, n_outcomes)
                for issued, candidates, selected, n_outcomes in session.execute(query)
            ]
        return items, int(total)

    # ------------------------------------------------------------------ outcomes

    def record_outcomes(
        self,
        items: Iterable[OutcomeIn],
        *,
        recorded_by: str | None = None,
        today: date | None = None,
        request: RequestKey | None = None,
        answer: Callable[[OutcomeSummary], requests.Answer] | None = None,
        dry_run: bool = False,
    ) -> OutcomeSummary:
        """Record outcomes all or nothing: new ones stored, repeats counted as unchanged, changes
        stored with the previous version kept. Unknown list or MSME ids refuse the whole batch
        (`UnknownIdsError`), and so do dates that cannot be right (`InvalidOutcomeDatesError`):
        later than `today` (UTC; default: the store's clock) plus a day, observed before the
        mentoring, or before the list was issued less a day. Outcomes that say mentored for
        MSMEs their list did not select are recorded and counted by list. `request` (a key
        claimed with `data.store.requests.claim`) is answered in the same transaction with
        `answer(summary)`, for the same batch sent again to be answered alike and not applied
        again.

        `dry_run`: the batch is checked and written exactly as when recording, in a transaction
        rolled back instead of committed: the same refusals, or the summary recording it would
        give now, and nothing kept. A check answers no `request` (ValueError)."""
        if dry_run and request is not None:
            raise ValueError("a dry run records nothing: it cannot answer an Idempotency-Key")
        batch = _one_per_key(items)
        kept = None if request is None or answer is None else (request, answer)
        try:
            return self._record_outcomes(batch, recorded_by, today, kept, dry_run=dry_run)
        except IntegrityError:
            # Another writer stored one of these outcomes between our read and our write: the
            # second attempt sees it, and a repeat becomes "unchanged" as it should.
            return self._record_outcomes(batch, recorded_by, today, kept, dry_run=dry_run)

    def _record_outcomes(
        self,
        batch: dict[tuple[str, str], OutcomeIn],
        recorded_by: str | None,
        today: date | None,
        kept: tuple[RequestKey, Callable[[OutcomeSummary], requests.Answer]] | None,
        *,
        dry_run: bool,
    ) -> OutcomeSummary:
        now = utc_now()
        statuses: dict[tuple[str, str], OutcomeStatus] = {}
        with self.session(dry_run=dry_run) as session:
            issued_on, selected = _refuse_unknown(session, batch)
            wrong_dates = date_problems(batch.values(), issued_on, today or now.date())
            if wrong_dates:
                raise InvalidOutcomeDatesError(wrong_dates)
            existing = {
                (row.list_id, row.msme_id): row
                for row in _rows_for_keys(session, Outcome, list(batch), for_update=True)
            }
            for key, item in batch.items():
                current = existing.get(key)
                if current is None:
                    session.add(
                        Outcome(**_outcome_values(item), recorded_at=now, recorded_by=recorded_by)
                    )
                    statuses[key] = "created"
                elif all(getattr(current, name) == getattr(item, name) for name in OUTCOME_FIELDS):
                    statuses[key] = "unchanged"
                else:
                    session.add(_previous_version(current, replaced_at=now))
                    for name, value in _outcome_values(item).items():
                        setattr(current, name, value)
                    current.recorded_at = now
                    current.recorded_by = recorded_by
                    statuses[key] = "updated"
            counted = list(statuses.values())
            summary = OutcomeSummary(
                created=counted.count("created"),
                updated=counted.count("updated"),
                unchanged=counted.count("unchanged"),
                statuses=statuses,
                mentored_not_selected=mentored_not_selected(batch.values(), selected),
                stored=_outcomes_stored(session, {list_id for list_id, _ in batch}),
            )
            if kept is not None:
                request, answer = kept
                requests.attach(session, request, answer(summary), now)
        return summary

    def get_outcomes(self, list_id: str) -> list[OutcomeRecord]:
        """The current outcomes of one list, by MSME id; `ListNotFoundError` when unknown."""
        with self.session() as session:
            if session.get(IssuedList, list_id) is None:
                raise ListNotFoundError(list_id)
            rows = session.scalars(
                select(Outcome).where(Outcome.list_id == list_id).order_by(Outcome.msme_id)
            ).all()
            return [_outcome_record(row) for row in rows]

    def outcome_history(self, list_id: str, msme_id: str) -> list[OutcomeRecord]:
        """Earlier versions of one outcome, oldest first (the current one is not included)."""
        with self.session() as session:
            rows = session.scalars(
                select(OutcomeVersion)
                .where(OutcomeVersion.list_id == list_id, OutcomeVersion.msme_id == msme_id)
                .order_by(OutcomeVersion.id)
            ).all()
            return [_outcome_record(row) for row in rows]

    def outcome_counts(self, list_id: str) -> OutcomeCounts:
        """How many outcomes are in for a list; `ListNotFoundError` when unknown."""
        with self.session() as session:
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
                    (ListedMsme.list_id == Outcome.list_id)
                    & (ListedMsme.msme_id == Outcome.msme_id),
                )
                .where(Outcome.list_id == list_id)
            ).one()
        return OutcomeCounts(
            list_id=list_id,
            candidates=_count(candidates),
            selected=_count(selected),
            outcomes=_count(outcomes),
            outcomes_selected=_count(outcomes_selected),
            mentored=_count(mentored),
            digitalized=_count(digitalized),
        )

    def outcome_page(
        self, list_id: str, page: int = 1, page_size: int = 50, *, msme_id: str | None = None
    ) -> tuple[list[OutcomeRecord], int]:
        """One page of a list's current outcomes by MSME id (only `msme_id`'s, when given), and
        how many there are in all; `ListNotFoundError` when the list is unknown."""
        _check_page(page, page_size)
        which = [Outcome.list_id == list_id]
        if msme_id is not None:
            which.append(Outcome.msme_id == msme_id)
        query = (
            select(Outcome)
            .where(*which)
            .order_by(Outcome.msme_id)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        with self.session() as session:
            if session.get(IssuedList, list_id) is None:
                raise ListNotFoundError(list_id)
            total = session.scalar(select(func.count()).select_from(Outcome).where(*which))
            items = [_outcome_record(row) for row in session.scalars(query)]
        return items, _count(total or 0)

    def outcome_versions(
        self, list_id: str, msme_ids: Sequence[str]
    ) -> dict[str, list[OutcomeVersionRecord]]:
        """The earlier versions of these MSMEs' outcomes on one list, each MSME's oldest first,
        by MSME id; an outcome never changed has none (and no key)."""
        versions: dict[str, list[OutcomeVersionRecord]] = {}
        with self.session() as session:
            for chunk in _chunks(sorted(set(msme_ids))):
                rows = session.scalars(
                    select(OutcomeVersion)
                    .where(OutcomeVersion.list_id == list_id, OutcomeVersion.msme_id.in_(chunk))
                    .order_by(OutcomeVersion.msme_id, OutcomeVersion.id)
                )
                for row in rows:
                    versions.setdefault(row.msme_id, []).append(
                        OutcomeVersionRecord(_outcome_record(row), replaced_at=row.replaced_at)
                    )
        return versions

    # ------------------------------------------------------------------ training

    def export_history(self, since: date | None = None) -> pd.DataFrame:
        """A mentoring history in the data contract: one row per listed MSME with an outcome,
        from lists issued on or after `since` (UTC), with its recorded selection probability."""
        from data.store.export import history_frame

        with self.session() as session:
            return history_frame(session, since)


# ---------------------------------------------------------------------- helpers


def new_list_id() -> str:
    """A new list's id (a UUID as text)."""
    return str(uuid.uuid4())


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


def _check_page(page: int, page_size: int) -> None:
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page must be >= 1 and page_size within 1..{MAX_PAGE_SIZE}")


def _finite_or_none(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _check_list(members: Sequence[ListedMsmeIn], exploration_share: float) -> None:
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
    duplicates = sorted(msme_id for msme_id, count in counts.items() if count > 1)
    if duplicates:
        raise InvalidListError("invalid_list_msmes_twice", msme_ids=duplicates)
    for member in members:
        if not 0 <= member.selection_probability <= 1:
            raise InvalidListError("invalid_list_selection_probability", msme_id=member.msme_id)
        if member.selected != (member.selected_by is not None) or (
            member.selected_by is not None and member.selected_by not in SELECTED_BY
        ):
            raise InvalidListError("invalid_list_selected_by", msme_id=member.msme_id)


def _one_per_key(items: Iterable[OutcomeIn]) -> dict[tuple[str, str], OutcomeIn]:
    """The batch with exact repeats collapsed; two different outcomes for one key refuse it."""
    batch: dict[tuple[str, str], OutcomeIn] = {}
    conflicts: set[tuple[str, str]] = set()
    for item in items:
        earlier = batch.setdefault(item.key, item)
        if earlier is not item and _outcome_values(earlier) != _outcome_values(item):
            conflicts.add(item.key)
    if conflicts:
        raise ConflictingOutcomesError(conflicts)
    return batch


def _refuse_unknown(
    session: Session, batch: Mapping[tuple[str, str], OutcomeIn]
) -> tuple[dict[str, date], dict[tuple[str, str], bool]]:
    """Raise `UnknownIdsError` naming every unknown list and every MSME not on its list; else
    answer the UTC day each list was issued, and whether its list selected each MSME."""
    list_ids = sorted({list_id for list_id, _ in batch})
    issued_on: dict[str, date] = {}
    for chunk in _chunks(list_ids):
        query = select(IssuedList.id, IssuedList.created_at).where(IssuedList.id.in_(chunk))
        issued_on.update(
            (list_id, issued_day(created)) for list_id, created in session.execute(query)
        )
    unknown_lists = [list_id for list_id in list_ids if list_id not in issued_on]
    on_known = [key for key in batch if key[0] in issued_on]
    selected = {
        (row.list_id, row.msme_id): row.selected
        for row in _rows_for_keys(session, ListedMsme, on_known)
    }
    unknown_msmes = [key for key in on_known if key not in selected]
    if unknown_lists or unknown_msmes:
        raise UnknownIdsError(unknown_lists, unknown_msmes)
    return issued_on, selected


def _outcomes_stored(session: Session, list_ids: set[str]) -> dict[str, int]:
    """How many outcomes each of `list_ids` holds, this session's own writes included."""
    stored = dict.fromkeys(list_ids, 0)
    for chunk in _chunks(sorted(list_ids)):
        query = (
            select(Outcome.list_id, func.count())
            .where(Outcome.list_id.in_(chunk))
            .group_by(Outcome.list_id)
        )
        stored.update((list_id, int(count)) for list_id, count in session.execute(query))
    return stored


def _rows_for_keys(
    session: Session, table: type[_Row], keys: Sequence[tuple[str, str]], for_update: bool = False
) -> list[_Row]:
    """Rows of `table` whose (list_id, msme_id) is among `keys`, read list by list in chunks."""
    by_list: dict[str, list[str]] = {}
    for list_id, msme_id in keys:
        by_list.setdefault(list_id, []).append(msme_id)
    found: list[_Row] = []
    for list_id, msme_ids in by_list.items():
        for chunk in _chunks(msme_ids):
            query = select(table).where(table.list_id == list_id, table.msme_id.in_(chunk))
            if for_update:
                query = query.with_for_update()
            found.extend(session.scalars(query))
    return found


def _chunks(values: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _outcome_values(item: OutcomeIn) -> dict[str, Any]:
    return {"list_id": item.list_id, "msme_id": item.msme_id} | outcome_fields(item)


def _previous_version(current: Outcome, replaced_at: datetime) -> OutcomeVersion:
    return OutcomeVersion(
        list_id=current.list_id,
        msme_id=current.msme_id,
        **outcome_fields(current),
        recorded_at=current.recorded_at,
        recorded_by=current.recorded_by,
        replaced_at=replaced_at,
    )


def _outcome_record(row: Outcome | OutcomeVersion) -> OutcomeRecord:
    return OutcomeRecord(
        list_id=row.list_id,
        msme_id=row.msme_id,
        **outcome_fields(row),
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
    )


def _factors_json(factors: Sequence[tuple[str, Any, float]] | None) -> list[Any] | None:
    """Factors as the store keeps them: [feature, value, contribution], plain JSON values."""
    if factors is None:
        return None
    return [[str(feature), json_safe(value), float(weight)] for feature, value, weight in factors]


# Every column of a listed MSME, read as plain rows by `ProgramStore.get_list`.
_LISTED_COLUMNS = tuple(ListedMsme.__table__.columns)


def _listed_record(row: ListedMsme | Row[Any]) -> ListedMsmeRecord:
    """A listed MSME as its record, from its ORM object or a row of `_LISTED_COLUMNS`."""
    return ListedMsmeRecord(
        list_id=row.list_id,
        msme_id=row.msme_id,
        profile=row.profile,
        selected=row.selected,
        selection_probability=row.selection_probability,
        selected_by=_selected_by(row.selected_by),
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


def _selected_by(value: str | None) -> SelectedBy | None:
    """The stored text as its literal (a check constraint keeps it to these values)."""
    for known in SELECTED_BY:
        if value == known:
            return known
    return None


def _count(value: object) -> int:
    """A COUNT or SUM from the database (int, or Decimal on PostgreSQL) as an int."""
    return int(cast(Any, value))


def _summary(
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
        candidates=_count(candidates),
        selected=_count(selected),
        outcomes=_count(outcomes),
        capacity=_capacity(issued.options),
        options=issued.options or {},
        constraints=issued.constraints or {},
    )


def _capacity(options: Mapping[str, Any] | None) -> int | None:
    """The slots a list asked for, as its options recorded them (every list records them)."""
    value = (options or {}).get("capacity")
    return value if isinstance(value, int) and not isinstance(value, bool) else None
