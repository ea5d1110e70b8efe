"""Record and read what the program did: issued lists, their MSMEs, and the outcomes that follow.

`ProgramStore` is the one door to the store for the service, the page and training; each method
is one transaction. Outcomes are idempotent on (list_id, msme_id): a repeat is counted, not
stored; a change keeps the previous version in `outcome_history`; unknown ids, and dates that
cannot be right (`data.store.outcome_checks`), refuse the batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from data.store import requests, sources
from data.store.conversions import (
    LISTED_COLUMNS,
    check_list,
    count,
    factors_json,
    json_safe,
    list_record,
    listed_rows,
    outcome_record,
    previous_version,
)
from data.store.engine import make_engine
from data.store.errors import InvalidOutcomeDatesError, ListNotFoundError
from data.store.extras import check_extras
from data.store.outcome_checks import date_problems, mentored_not_selected, one_per_key
from data.store.queries import (
    check_page,
    chunks,
    count_outcomes,
    lists_page,
    outcomes_stored,
    refuse_unknown,
    rows_for_keys,
)
from data.store.records import (
    OUTCOME_FIELDS,
    EarlierList,
    IssuedListRecord,
    ListedMsmeIn,
    ListSummary,
    OutcomeCounts,
    OutcomeIn,
    OutcomeRecord,
    OutcomeStatus,
    OutcomeSummary,
    OutcomeVersionRecord,
    outcome_values,
)
from data.store.requests import RequestKey
from data.store.schema import IssuedList, ListedMsme, Outcome, OutcomeVersion, utc_now
from data.store.settings import database_url

if TYPE_CHECKING:
    import pandas as pd


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
        check_list(members, exploration_share)
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
        rows = listed_rows(list_id, members)
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
            {"list_id": list_id, "msme_id": msme_id, "factors": factors_json(found)}
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
                select(*LISTED_COLUMNS)
                .where(ListedMsme.list_id == list_id)
                .order_by(ListedMsme.rank.is_(None), ListedMsme.rank, ListedMsme.msme_id)
            ).all()
            return list_record(issued, members)

    def issued_from(self, source_digest: str, since: datetime) -> EarlierList | None:
        """The latest list issued at or after `since` from the file and settings `source_digest`
        names (any issuer), or None."""
        with self.session() as session:
            return sources.issued_from(session, source_digest, since)

    def list_lists(self, page: int = 1, page_size: int = 50) -> tuple[list[ListSummary], int]:
        """One page of the lists issued, newest first, and how many there are in all."""
        check_page(page, page_size)
        with self.session() as session:
            total = session.scalar(select(func.count()).select_from(IssuedList)) or 0
            items = lists_page(session, page, page_size)
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
        batch = one_per_key(items)
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
            issued_on, selected = refuse_unknown(session, batch)
            wrong_dates = date_problems(batch.values(), issued_on, today or now.date())
            if wrong_dates:
                raise InvalidOutcomeDatesError(wrong_dates)
            existing = {
                (row.list_id, row.msme_id): row
                for row in rows_for_keys(session, Outcome, list(batch), for_update=True)
            }
            for key, item in batch.items():
                current = existing.get(key)
                if current is None:
                    session.add(
                        Outcome(**outcome_values(item), recorded_at=now, recorded_by=recorded_by)
                    )
                    statuses[key] = "created"
                elif all(getattr(current, name) == getattr(item, name) for name in OUTCOME_FIELDS):
                    statuses[key] = "unchanged"
                else:
                    session.add(previous_version(current, replaced_at=now))
                    for name, value in outcome_values(item).items():
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
                stored=outcomes_stored(session, {list_id for list_id, _ in batch}),
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
            return [outcome_record(row) for row in rows]

    def outcome_history(self, list_id: str, msme_id: str) -> list[OutcomeRecord]:
        """Earlier versions of one outcome, oldest first (the current one is not included)."""
        with self.session() as session:
            rows = session.scalars(
                select(OutcomeVersion)
                .where(OutcomeVersion.list_id == list_id, OutcomeVersion.msme_id == msme_id)
                .order_by(OutcomeVersion.id)
            ).all()
            return [outcome_record(row) for row in rows]

    def outcome_counts(self, list_id: str) -> OutcomeCounts:
        """How many outcomes are in for a list; `ListNotFoundError` when unknown."""
        with self.session() as session:
            return count_outcomes(session, list_id)

    def outcome_page(
        self, list_id: str, page: int = 1, page_size: int = 50, *, msme_id: str | None = None
    ) -> tuple[list[OutcomeRecord], int]:
        """One page of a list's current outcomes by MSME id (only `msme_id`'s, when given), and
        how many there are in all; `ListNotFoundError` when the list is unknown."""
        check_page(page, page_size)
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
            items = [outcome_record(row) for row in session.scalars(query)]
        return items, count(total or 0)

    def outcome_versions(
        self, list_id: str, msme_ids: Sequence[str]
    ) -> dict[str, list[OutcomeVersionRecord]]:
        """The earlier versions of these MSMEs' outcomes on one list, each MSME's oldest first,
        by MSME id; an outcome never changed has none (and no key)."""
        versions: dict[str, list[OutcomeVersionRecord]] = {}
        with self.session() as session:
            for chunk in chunks(sorted(set(msme_ids))):
                rows = session.scalars(
                    select(OutcomeVersion)
                    .where(OutcomeVersion.list_id == list_id, OutcomeVersion.msme_id.in_(chunk))
                    .order_by(OutcomeVersion.msme_id, OutcomeVersion.id)
                )
                for row in rows:
                    versions.setdefault(row.msme_id, []).append(
                        OutcomeVersionRecord(outcome_record(row), replaced_at=row.replaced_at)
                    )
        return versions

    # ------------------------------------------------------------------ training

    def export_history(self, since: date | None = None) -> pd.DataFrame:
        """A mentoring history in the data contract: one row per listed MSME with an outcome,
        from lists issued on or after `since` (UTC), with its recorded selection probability."""
        from data.store.export import history_frame

        with self.session() as session:
            return history_frame(session, since)


def new_list_id() -> str:
    """A new list's id (a UUID as text)."""
    return str(uuid.uuid4())
