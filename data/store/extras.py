"""A candidate's own columns beside its profile (business name, owner's phone, address, village,
notes): kept with a recorded list so that it reopens and exports as it was made.

One home for their bounds: the store refuses a list past them, and the API and the page check the
same numbers first to say where (a field, or a row and column of the file). A file or a body may
be hostile, so nothing of them is unbounded: how many columns, how long a name, how long a cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from data.contract import PROFILE_COLUMNS
from data.store.errors import InvalidListError
from data.store.schema import NAME_LENGTH

MAX_EXTRA_COLUMNS = 30  # own columns of one list (a contract file has 16, plus cost)
EXTRA_NAME_LENGTH = NAME_LENGTH  # characters of a column's name
EXTRA_CELL_LENGTH = 1_000  # characters of one text cell: an address, a note
# Names a profile already uses: an own column under one of them would hide the profile's value.
PROFILE_FIELDS = frozenset(spec.name for spec in PROFILE_COLUMNS) | {"cost"}
SHOWN_NAME_LENGTH = 60  # characters of a refused name an error repeats


def too_long(value: object) -> bool:
    """A text cell longer than EXTRA_CELL_LENGTH (numbers and booleans are never too long)."""
    return isinstance(value, str) and len(value) > EXTRA_CELL_LENGTH


def bad_name(name: str) -> bool:
    """An own column's name that cannot be kept: empty, too long, or a profile field's."""
    return not name or len(name) > EXTRA_NAME_LENGTH or name in PROFILE_FIELDS


def shown_name(name: str) -> str:
    """A column's name as an error repeats it: at most SHOWN_NAME_LENGTH characters."""
    if len(name) <= SHOWN_NAME_LENGTH:
        return name
    return name[: SHOWN_NAME_LENGTH - 1] + "…"


def extra_names(extras: Iterable[Mapping[str, Any] | None]) -> list[str]:
    """The own columns of these candidates, in the order they first appear."""
    names: dict[str, None] = {}
    for extra in extras:
        if extra:
            names.update(dict.fromkeys(extra))
    return list(names)


def candidate_columns(profiles: Sequence[Mapping[str, Any]], extra: Sequence[str]) -> list[str]:
    """The columns a list shows for candidates sent without a file's order: the profile fields
    any of them has, in the contract's order (cost last), then the own columns."""
    present: set[str] = set()
    for profile in profiles:
        present.update(name for name, value in profile.items() if value is not None)
    fields = [spec.name for spec in PROFILE_COLUMNS if spec.name in present]
    return fields + (["cost"] if "cost" in present else []) + list(extra)


def check_extras(
    extras: Sequence[tuple[str, Mapping[str, Any] | None]], input_columns: Sequence[str] | None
) -> None:
    """Refuse (`InvalidListError`) own columns past these bounds, given as (msme_id, own
    columns) per candidate, and a column order that leaves one of them out (the reopened list
    would not show it). The store checks every list it records; the service checks first, before
    scoring anyone."""
    names = extra_names(extra for _, extra in extras)
    if len(names) > MAX_EXTRA_COLUMNS:
        raise InvalidListError(
            "invalid_list_extra_columns", count=len(names), limit=MAX_EXTRA_COLUMNS
        )
    for name in names:
        if bad_name(name):
            raise InvalidListError(
                "invalid_list_extra_column_name", column=shown_name(name), limit=EXTRA_NAME_LENGTH
            )
    long_cells = [
        msme_id
        for msme_id, extra in extras
        if extra and any(too_long(value) for value in extra.values())
    ]
    if long_cells:
        raise InvalidListError(
            "invalid_list_extra_cell_too_long", limit=EXTRA_CELL_LENGTH, msme_ids=long_cells
        )
    if input_columns is None:
        if names:
            raise InvalidListError("invalid_list_input_columns")
        return
    columns = list(input_columns)
    if (
        len(columns) != len(set(columns))
        or len(columns) > len(PROFILE_FIELDS) + MAX_EXTRA_COLUMNS
        or not all(isinstance(name, str) and 0 < len(name) <= EXTRA_NAME_LENGTH for name in columns)
        or not set(names) <= set(columns)
    ):
        raise InvalidListError("invalid_list_input_columns")
