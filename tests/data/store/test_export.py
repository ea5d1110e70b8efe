"""The store as a training history: the data contract's columns, valid, with known propensities."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from data.contract import HISTORY_COLUMNS
from data.io import read_table
from data.store.export import EARLIER_OUTCOMES, HISTORY_EXPORT_COLUMNS, SELECTION_PROBABILITY_COLUMN
from data.store.records import ListedMsmeIn, OutcomeIn
from data.store.repository import ProgramStore
from data.validation import validate_frame
from data.writing import write_table
from tests.data.store.conftest import members


def issue(store: ProgramStore, created_at: datetime, given: list[ListedMsmeIn]) -> str:
    return store.record_list(
        created_by="cli",
        model_name="umkm-uplift",
        model_version="2",
        members=given,
        exploration_share=0.2,
        created_at=created_at,
    )


def explored(given: list[ListedMsmeIn], index: int, probability: float) -> list[ListedMsmeIn]:
    """The candidates with one of them chosen at random with `probability`."""
    chosen = given[index]
    given[index] = ListedMsmeIn(
        **(
            chosen.__dict__
            | {
                "selected": True,
                "selected_by": "exploration",
                "selection_probability": probability,
                "reason_code": None,
            }
        )
    )
    return given


def test_export_follows_the_history_contract(store: ProgramStore, tmp_path: Path) -> None:
    list_id = issue(store, datetime(2025, 7, 3, tzinfo=UTC), explored(members(12, 4), 9, 0.25))
    store.record_outcomes(
        [
            OutcomeIn(list_id, f"H{i + 1:07d}", mentored=i < 4 or i == 9, digitalized=i % 3 == 0)
            for i in range(12)
        ]
    )

    history = store.export_history()

    assert tuple(history.columns) == HISTORY_EXPORT_COLUMNS
    assert tuple(history.columns[: len(HISTORY_COLUMNS)]) == tuple(s.name for s in HISTORY_COLUMNS)
    result = validate_frame(history, "history")
    assert result.ok, [str(problem) for problem in result.problems[:5]]
    assert result.n_valid == 12
    by_id = history.set_index("msme_id")
    assert by_id.loc["H0000010", SELECTION_PROBABILITY_COLUMN] == 0.25
    assert by_id.loc["H0000010", "selected_by"] == "exploration"
    assert by_id.loc["H0000001", SELECTION_PROBABILITY_COLUMN] == 1.0
    assert by_id.loc["H0000012", SELECTION_PROBABILITY_COLUMN] == 0.0
    assert bool(by_id.loc["H0000010", "mentored"]) is True
    assert set(history["cohort"]) == {"2025-07"}
    assert set(history["list_id"]) == {list_id}

    # Through a file, as `umkm export-history` will write it and `umkm train` will read it.
    for name in ("history.parquet", "history.csv"):
        path = write_table(history, tmp_path / name)
        reread = validate_frame(read_table(path), "history")
        assert reread.ok, [str(problem) for problem in reread.problems[:5]]


def test_only_msmes_with_an_outcome_are_exported(store: ProgramStore) -> None:
    list_id = issue(store, datetime(2025, 1, 1, tzinfo=UTC), members(5, 2))
    store.record_outcomes([OutcomeIn(list_id, "H0000002", mentored=True, digitalized=True)])
    assert list(store.export_history()["msme_id"]) == ["H0000002"]


def test_since_keeps_later_lists_and_an_msme_appears_once(store: ProgramStore) -> None:
    early = issue(store, datetime(2024, 6, 30, 23, 0, tzinfo=UTC), members(3, 1))
    late = issue(store, datetime(2025, 3, 1, tzinfo=UTC), members(3, 1))
    for list_id, digital in ((early, False), (late, True)):
        store.record_outcomes([OutcomeIn(list_id, "H0000001", mentored=True, digitalized=digital)])

    everything = store.export_history()
    recent = store.export_history(since=date(2024, 7, 1))

    # The same MSME on two lists: once, with its latest list's outcome (msme_id is unique).
    assert list(everything["msme_id"]) == ["H0000001"]
    assert (everything["list_id"].item(), bool(everything["digitalized"].item())) == (late, True)
    assert list(recent["list_id"]) == [late]
    assert store.export_history(since=date(2025, 3, 2)).empty
    # ... and the export says how many earlier outcomes it left out.
    assert everything.attrs[EARLIER_OUTCOMES] == 1
    assert recent.attrs[EARLIER_OUTCOMES] == 0


def test_an_empty_store_exports_an_empty_history_with_the_columns(store: ProgramStore) -> None:
    history = store.export_history()
    assert isinstance(history, pd.DataFrame)
    assert history.empty
    assert tuple(history.columns) == HISTORY_EXPORT_COLUMNS
