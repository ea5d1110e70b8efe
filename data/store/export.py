"""The store as a mentoring history in the data contract, for training to learn from.

One row per listed MSME with a recorded outcome: the profile as it was scored, `mentored` and
`digitalized` from the outcome, `cohort` as the month the list was issued, then the columns
training can use beyond the contract, above all `selection_probability`: the exact, recorded
chance the MSME had of being selected, a known propensity where one exists.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.contract import (
    HISTORY_COLUMNS,
    ID_COLUMN,
    OUTCOME_COLUMN,
    PROFILE_COLUMNS,
    TREATMENT_COLUMN,
    ColumnKind,
)
from data.store.schema import IssuedList, ListedMsme, Outcome

SELECTION_PROBABILITY_COLUMN = "selection_probability"
SELECTED_COLUMN = "selected"
SELECTED_BY_COLUMN = "selected_by"
LIST_ID_COLUMN = "list_id"
COHORT_COLUMN = "cohort"
# Beyond the contract, in this order after its columns (validation ignores extra columns).
EXTRA_COLUMNS = (
    SELECTION_PROBABILITY_COLUMN,
    SELECTED_COLUMN,
    SELECTED_BY_COLUMN,
    LIST_ID_COLUMN,
)
HISTORY_EXPORT_COLUMNS = tuple(spec.name for spec in HISTORY_COLUMNS) + EXTRA_COLUMNS

# Any: pandas-stubs type astype per literal dtype name.
_DTYPES: dict[ColumnKind, Any] = {
    "string": "object",
    "category": "object",
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
}


# `history_frame(...).attrs[EARLIER_OUTCOMES]`: outcomes left out because the same MSME has a
# later list's outcome.
EARLIER_OUTCOMES = "earlier_outcomes_left_out"


def history_frame(session: Session, since: date | None = None) -> pd.DataFrame:
    """The history from lists issued on or after `since` (a UTC date; None: all of them).

    An MSME listed on several lists with outcomes appears once, with its latest list's outcome:
    the contract keeps `msme_id` unique in a file. How many earlier ones were left out is in
    the frame's `attrs[EARLIER_OUTCOMES]`.
    """
    query = (
        select(IssuedList.created_at, ListedMsme, Outcome)
        .join(ListedMsme, ListedMsme.list_id == IssuedList.id)
        .join(
            Outcome,
            (Outcome.list_id == ListedMsme.list_id) & (Outcome.msme_id == ListedMsme.msme_id),
        )
        .order_by(IssuedList.created_at, IssuedList.id, ListedMsme.msme_id)
    )
    if since is not None:
        query = query.where(IssuedList.created_at >= datetime.combine(since, time(), tzinfo=UTC))
    rows: dict[str, dict[str, Any]] = {}
    earlier = 0
    for created_at, listed, outcome in session.execute(query):
        # Ordered by issue time, so a later list's row replaces an earlier one.
        earlier += rows.pop(listed.msme_id, None) is not None
        rows[listed.msme_id] = _history_row(created_at, listed, outcome)
    history = typed_history(pd.DataFrame(list(rows.values()), columns=list(HISTORY_EXPORT_COLUMNS)))
    history.attrs[EARLIER_OUTCOMES] = earlier
    return history


def _history_row(created_at: datetime, listed: ListedMsme, outcome: Outcome) -> dict[str, Any]:
    row: dict[str, Any] = {spec.name: listed.profile.get(spec.name) for spec in PROFILE_COLUMNS}
    row[ID_COLUMN] = listed.msme_id
    row[TREATMENT_COLUMN] = outcome.mentored
    row[OUTCOME_COLUMN] = outcome.digitalized
    row[COHORT_COLUMN] = f"{created_at:%Y-%m}"
    row[SELECTION_PROBABILITY_COLUMN] = listed.selection_probability
    row[SELECTED_COLUMN] = listed.selected
    row[SELECTED_BY_COLUMN] = listed.selected_by
    row[LIST_ID_COLUMN] = listed.list_id
    return row


def typed_history(frame: pd.DataFrame) -> pd.DataFrame:
    """Contract columns in their kinds (nullable integers and booleans), extras as stored."""
    typed = frame.copy()
    for spec in HISTORY_COLUMNS:
        typed[spec.name] = typed[spec.name].astype(_DTYPES[spec.kind])
    typed[SELECTION_PROBABILITY_COLUMN] = typed[SELECTION_PROBABILITY_COLUMN].astype("float64")
    typed[SELECTED_COLUMN] = typed[SELECTED_COLUMN].astype("boolean")
    return typed.reset_index(drop=True)
