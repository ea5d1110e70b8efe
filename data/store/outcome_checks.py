"""What the store checks in outcomes before it records them: two different outcomes for one MSME
on one list (`one_per_key`) and dates that cannot be right (`date_problems`) refuse the batch;
outcomes that say mentored for MSMEs their list did not select are recorded and counted
(`mentored_not_selected`), as they usually mean another list's file.

Every path that records outcomes (API, page, command line) passes through `ProgramStore.
record_outcomes`, which runs these; they need no database and no clock of their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta

from data.store.errors import (
    ConflictingOutcomesError,
    OutcomeDateField,
    OutcomeDateProblem,
    OutcomeDateReason,
)
from data.store.records import OutcomeIn, outcome_values

# A day of grace on each side: dates are local days, the store's clock is UTC, and Indonesia is
# UTC+7 to UTC+9 (WIB, WITA, WIT), so a local "today" can be tomorrow in UTC terms, and a list
# issued just after midnight local time is dated the day before in UTC.
GRACE = timedelta(days=1)


def one_per_key(items: Iterable[OutcomeIn]) -> dict[tuple[str, str], OutcomeIn]:
    """The batch with exact repeats collapsed; two different outcomes for one key refuse it."""
    batch: dict[tuple[str, str], OutcomeIn] = {}
    conflicts: set[tuple[str, str]] = set()
    for item in items:
        earlier = batch.setdefault(item.key, item)
        if earlier is not item and outcome_values(earlier) != outcome_values(item):
            conflicts.add(item.key)
    if conflicts:
        raise ConflictingOutcomesError(conflicts)
    return batch


def issued_day(created_at: datetime) -> date:
    """The UTC day a list was issued (a naive timestamp is taken as UTC)."""
    return (created_at if created_at.tzinfo is None else created_at.astimezone(UTC)).date()


def date_problems(
    items: Iterable[OutcomeIn], issued_on: Mapping[str, date], today: date
) -> list[OutcomeDateProblem]:
    """Every date that cannot be right, outcome by outcome in the order given: later than `today`
    (UTC) plus the grace day, observed before the mentoring, or earlier than the day the list
    was issued (`issued_on`, by list id) less the grace day."""
    latest = today + GRACE
    problems: list[OutcomeDateProblem] = []
    for item in items:
        issued = issued_on.get(item.list_id)
        dates: tuple[tuple[OutcomeDateField, date | None], ...] = (
            ("mentored_on", item.mentored_on),
            ("observed_on", item.observed_on),
        )
        for name, day in dates:
            if day is None:
                continue
            if day > latest:
                params = {"date": day.isoformat(), "latest": latest.isoformat()}
                problems.append(_problem(item, name, "outcome_date_in_future", params))
            if issued is not None and day < (earliest := issued - GRACE):
                params = {
                    "date": day.isoformat(),
                    "issued": issued.isoformat(),
                    "earliest": earliest.isoformat(),
                }
                problems.append(_problem(item, name, "outcome_date_before_list", params))
        if (
            item.mentored_on is not None
            and item.observed_on is not None
            and item.observed_on < item.mentored_on
        ):
            params = {
                "observed_on": item.observed_on.isoformat(),
                "mentored_on": item.mentored_on.isoformat(),
            }
            problems.append(
                _problem(item, "observed_on", "outcome_observed_before_mentored", params)
            )
    return problems


def mentored_not_selected(
    items: Iterable[OutcomeIn], selected: Mapping[tuple[str, str], bool]
) -> dict[str, int]:
    """By list id, the outcomes that say mentored for an MSME the list did not select (lists
    without any are left out)."""
    counted = Counter(
        item.list_id for item in items if item.mentored and not selected.get(item.key, True)
    )
    return dict(counted)


def _problem(
    item: OutcomeIn,
    name: OutcomeDateField,
    reason: OutcomeDateReason,
    params: Mapping[str, str],
) -> OutcomeDateProblem:
    return OutcomeDateProblem(item.list_id, item.msme_id, name, reason, dict(params))
