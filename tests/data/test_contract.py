"""The data contract: consistent with itself and the reference data; round-trips through files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.contract import (
    FALSE_STRINGS,
    HISTORY_COLUMNS,
    HISTORY_EXTRA_COLUMNS,
    PROFILE_COLUMNS,
    T_SPELLING,
    TRUE_STRINGS,
    column,
    columns_for,
)
from data.io import read_table
from data.reference import province_codes
from data.validation import validate_frame
from data.writing import write_table
from tests.data.conftest import history_rows, profile_rows


def test_contract_is_consistent() -> None:
    names = [spec.name for spec in HISTORY_COLUMNS]

    assert len(names) == len(set(names))
    assert HISTORY_COLUMNS == PROFILE_COLUMNS + HISTORY_EXTRA_COLUMNS
    assert columns_for("profile") == PROFILE_COLUMNS
    assert columns_for("history") == HISTORY_COLUMNS
    assert column("owner_age").maximum == 100
    with pytest.raises(KeyError):
        column("omzet")
    for spec in HISTORY_COLUMNS:
        assert spec.description and spec.term_id, spec.name
        if spec.kind == "category":
            assert spec.allowed or spec.name == "province_code", spec.name
        if spec.pattern is not None:
            assert spec.pattern_hint, spec.name
    assert not set(TRUE_STRINGS) & set(FALSE_STRINGS)


def test_province_codes_are_38_two_digit_strings() -> None:
    codes = province_codes()

    assert len(codes) == 38 == len(set(codes))
    assert all(isinstance(code, str) and len(code) == 2 and code.isdigit() for code in codes)
    assert "11" in codes and "94" in codes


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".pq", ".xlsx"])
def test_typed_contract_round_trips(tmp_path: Path, suffix: str) -> None:
    typed = validate_frame(history_rows(40), "history").valid

    back = read_table(write_table(typed, tmp_path / f"history{suffix}"))
    again = validate_frame(back, "history")

    assert again.ok, [str(problem) for problem in again.problems]
    pd.testing.assert_frame_equal(again.valid, typed)
    assert again.valid["province_code"].tolist()[:3] == ["11", "12", "13"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_profile_round_trips(tmp_path: Path, suffix: str) -> None:
    typed = validate_frame(profile_rows(12), "profile").valid

    again = validate_frame(read_table(write_table(typed, tmp_path / f"p{suffix}")), "auto")

    assert again.kind == "profile"
    pd.testing.assert_frame_equal(again.valid, typed)


def test_csv_holds_province_codes_and_booleans_as_text(tmp_path: Path) -> None:
    typed = validate_frame(history_rows(3), "history").valid

    text = write_table(typed, tmp_path / "h.csv").read_text(encoding="utf-8")

    first_row = text.splitlines()[1].split(",")
    assert first_row[1] == "11"
    assert {"true", "false"} >= {first_row[i] for i in range(10, 14)}
    assert "True" not in text and "False" not in text


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_every_boolean_spelling_parses_after_a_file_round_trip(tmp_path: Path, suffix: str) -> None:
    # "t" beside both y and f is ambiguous (tests/data/test_validation.py reads it by column).
    yes = [s for s in TRUE_STRINGS if s != T_SPELLING]
    spellings = [
        *yes,
        *(s.upper() for s in yes),
        *(f" {s.title()} " for s in yes),
        *FALSE_STRINGS,
        *(s.upper() for s in FALSE_STRINGS),
        *(f" {s.title()} " for s in FALSE_STRINGS),
    ]
    expected = [True] * (3 * len(yes)) + [False] * (3 * len(FALSE_STRINGS))
    frame = history_rows(len(spellings)).assign(
        mentored=spellings, has_smartphone=spellings, digital_status="offline"
    )

    result = validate_frame(read_table(write_table(frame, tmp_path / f"b{suffix}")), "history")

    assert result.ok, [str(problem) for problem in result.problems]
    assert result.valid["mentored"].tolist() == expected
    assert result.valid["has_smartphone"].tolist() == expected


def test_parquet_with_numeric_province_codes_validates_to_text(tmp_path: Path) -> None:
    frame = history_rows(4)
    frame["province_code"] = frame["province_code"].astype("int64")
    frame["owner_age"] = frame["owner_age"].astype("int64")
    path = tmp_path / "typed.parquet"
    frame.to_parquet(path, index=False)  # as another tool would write it: codes as integers

    result = validate_frame(read_table(path), "history")

    assert read_table(path)["province_code"].dtype == np.int64
    assert result.ok
    assert result.valid["province_code"].tolist() == ["11", "12", "13", "14"]


def test_simulated_files_meet_the_contract(tmp_path: Path) -> None:
    simulate = pytest.importorskip("data.simulate")
    paths = simulate.simulate_to_dir(rows=2_000, seed=3, output=tmp_path, fmt="csv")

    history = validate_frame(read_table(paths["history"]), "auto")
    candidates = validate_frame(read_table(paths["candidates"]), "auto")

    assert history.kind == "history" and candidates.kind == "profile"
    assert history.ok, [str(problem) for problem in history.problems[:5]]
    assert candidates.ok, [str(problem) for problem in candidates.problems[:5]]
    assert history.n_valid == 2_000
