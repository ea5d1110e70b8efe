"""What can go wrong in the program store, as codes with parameters (rendered at the edges)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from data.errors import DataError
from data.messages import render
from data.store.records import EarlierList

MAX_NAMED = 20  # ids named in a message; the parameters always hold all of them


class StoreError(DataError):
    """Base of every program-store error: a `code`, its `params`, and an English message."""

    code = "store_error"

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.params: Mapping[str, Any] = params


STORE_URL_CODES: dict[str, tuple[str, ...]] = {
    "store_url_not_url": (),
    "store_url_other_database": ("driver",),
    "store_url_unencoded_at": (),
    "store_driver_missing": (),
}


class StoreUrlError(StoreError):
    """`UMKM_DATABASE_URL` the store cannot use, said without the URL (it may hold a password):
    `store_url_not_url`, `store_url_other_database` (`driver`), `store_url_unencoded_at`,
    `store_driver_missing`."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(render(code, params, "en"), **params)
        self.code = code


class StoreUnavailableError(StoreError):
    """The store's database server took no connection within the wait
    (`UMKM_DATABASE_WAIT_SECONDS`); the driver's reason, never the URL."""

    code = "store_unavailable"

    def __init__(self, seconds: float, reason: str) -> None:
        params = {"seconds": f"{seconds:g}", "reason": reason}
        super().__init__(render(self.code, params, "en"), seconds=seconds, reason=reason)


class ListNotFoundError(StoreError):
    """No issued list has this id."""

    code = "list_not_found"

    def __init__(self, list_id: str) -> None:
        super().__init__(f"no mentoring list with id {list_id}", list_id=list_id)
        self.list_id = list_id


# Why a list cannot be recorded: a data.messages code per reason -> its parameters. `msme_ids`
# are the first MAX_NAMED of `count`; the error's own params hold every one.
InvalidListReason = Literal[
    "invalid_list_no_msmes",
    "invalid_list_exploration_share",
    "invalid_list_msme_id_too_long",
    "invalid_list_msmes_twice",
    "invalid_list_selection_probability",
    "invalid_list_selected_by",
    "invalid_list_extra_columns",
    "invalid_list_extra_column_name",
    "invalid_list_extra_cell_too_long",
    "invalid_list_input_columns",
]
INVALID_LIST_REASON_CODES: dict[str, tuple[str, ...]] = {
    "invalid_list_no_msmes": (),
    "invalid_list_exploration_share": (),
    "invalid_list_msme_id_too_long": ("limit", "count", "msme_ids"),
    "invalid_list_msmes_twice": ("count", "msme_ids"),
    "invalid_list_selection_probability": ("msme_id",),
    "invalid_list_selected_by": ("msme_id",),
    "invalid_list_extra_columns": ("count", "limit"),
    "invalid_list_extra_column_name": ("column", "limit"),
    "invalid_list_extra_cell_too_long": ("limit", "count", "msme_ids"),
    "invalid_list_input_columns": (),
}


class InvalidListError(StoreError):
    """A list that cannot be recorded as given (duplicate MSMEs, inconsistent selection, ...):
    `params["reason"]` is the reason's code with its parameters, so `render(code, params)` words
    the whole refusal in either language."""

    code = "invalid_list"

    def __init__(self, reason: InvalidListReason, **params: Any) -> None:
        self.reason = reason
        worded: dict[str, Any] = {"code": reason, **params}
        if "msme_ids" in params:
            ids = list(params["msme_ids"])
            worded |= {"msme_ids": ids[:MAX_NAMED], "count": len(ids)}
        super().__init__(render(self.code, {"reason": worded}, "en"), reason=worded, **params)


class UnknownIdsError(StoreError):
    """Outcomes name lists that do not exist or MSMEs that are not on their list; nothing is
    written."""

    code = "unknown_ids"

    def __init__(
        self, unknown_lists: Iterable[str], unknown_msmes: Iterable[tuple[str, str]]
    ) -> None:
        self.unknown_lists = tuple(sorted(set(unknown_lists)))
        self.unknown_msmes = tuple(sorted(set(unknown_msmes)))
        parts = []
        if self.unknown_lists:
            parts.append(f"unknown list ids: {_named(self.unknown_lists)}")
        if self.unknown_msmes:
            pairs = [f"{msme_id} (list {list_id})" for list_id, msme_id in self.unknown_msmes]
            parts.append(f"MSMEs not on their list: {_named(pairs)}")
        super().__init__(
            "outcomes not recorded, " + "; ".join(parts),
            unknown_lists=list(self.unknown_lists),
            unknown_msmes=[list(pair) for pair in self.unknown_msmes],
        )


class ConflictingOutcomesError(StoreError):
    """One batch gives two different outcomes for the same MSME on the same list."""

    code = "conflicting_outcomes"

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = tuple(sorted(set(pairs)))
        named = _named([f"{msme_id} (list {list_id})" for list_id, msme_id in self.pairs])
        super().__init__(
            f"outcomes not recorded, two different outcomes in one batch for: {named}",
            pairs=[list(pair) for pair in self.pairs],
        )


# Why a date of an outcome cannot be right: a data.messages code per reason -> its parameters
# (dates as YYYY-MM-DD). Each has a `<code>_fix` entry saying how to put it right.
OutcomeDateReason = Literal[
    "outcome_date_in_future",
    "outcome_observed_before_mentored",
    "outcome_date_before_list",
]
OUTCOME_DATE_REASON_CODES: dict[str, tuple[str, ...]] = {
    "outcome_date_in_future": ("date", "latest"),
    "outcome_observed_before_mentored": ("observed_on", "mentored_on"),
    "outcome_date_before_list": ("date", "issued", "earliest"),
}
OutcomeDateField = Literal["mentored_on", "observed_on"]
OUTCOME_DATE_FIX_CODES: dict[str, tuple[str, ...]] = {
    f"{code}_fix": params for code, params in OUTCOME_DATE_REASON_CODES.items()
}


@dataclass(frozen=True)
class OutcomeDateProblem:
    """One date of one outcome that cannot be right: which outcome, which of its dates
    (`observed_on` or `mentored_on`), why (`reason`, a code) and the dates that say so."""

    list_id: str
    msme_id: str
    field: OutcomeDateField
    reason: OutcomeDateReason
    params: Mapping[str, str]

    def worded(self) -> dict[str, Any]:
        """The problem as a message parameter: its ids and field, its reason as a code."""
        return {
            "list_id": self.list_id,
            "msme_id": self.msme_id,
            "field": self.field,
            "reason": {"code": self.reason, **self.params},
        }


class InvalidOutcomeDatesError(StoreError):
    """Outcomes dated in the future, observed before their mentoring, or dated before their
    list was issued; nothing is written. `problems` names every date at fault."""

    code = "invalid_outcome_dates"

    def __init__(self, problems: Iterable[OutcomeDateProblem]) -> None:
        self.problems = tuple(problems)
        worded = [problem.worded() for problem in self.problems]
        shown = {"count": len(worded), "problems": worded[:MAX_NAMED]}
        more = len(worded) - MAX_NAMED
        message = render(self.code, shown, "en") + (f" and {more} more" if more > 0 else "")
        super().__init__(message, count=len(worded), problems=worded)


class StoreMissingError(StoreError):
    """A command that only reads the store was pointed at a SQLite file that does not exist
    (nothing is created)."""

    code = "store_missing"

    def __init__(self, path: str) -> None:
        super().__init__(render(self.code, {"path": path}, "en"), path=path)
        self.path = path


class IdempotencyKeyReusedError(StoreError):
    """An `Idempotency-Key` sent again with another body (within the day keys are kept): the
    request is not the one the key first came with; nothing is issued."""

    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__(render(self.code, {}, "en"))


class RequestInProgressError(StoreError):
    """The first sending of this request (same `Idempotency-Key`, same body) is still being
    answered; ask again after `retry_after` seconds to get its answer."""

    code = "request_in_progress"

    def __init__(self, retry_after: int) -> None:
        super().__init__(render(self.code, {}, "en"), retry_after=retry_after)
        self.retry_after = retry_after


class MigrationError(StoreError):
    """The store's schema could not be migrated (or the URL cannot be used)."""

    code = "migration_failed"


def _named(ids: Iterable[str]) -> str:
    """Up to MAX_NAMED ids, comma-separated, then how many more."""
    listed = list(ids)
    shown = ", ".join(listed[:MAX_NAMED])
    more = len(listed) - MAX_NAMED
    return f"{shown} and {more} more" if more > 0 else shown


class ListAlreadyIssuedError(StoreError):
    """A list was issued from the same file and settings (`source_digest`) within the window
    the recording was given: `earlier` names it (id, when, by whom). Raised in the recording's
    transaction, so nothing of the refused list is kept."""

    code = "list_already_issued"

    def __init__(self, earlier: EarlierList) -> None:
        super().__init__(
            f"list {earlier.id} was issued from the same file and settings at "
            f"{earlier.created_at.isoformat()} by {earlier.created_by}",
            list_id=earlier.id,
        )
        self.earlier = earlier
