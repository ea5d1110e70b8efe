"""Reading training data: basic checks for non-MSME tables, contract checks for MSME ones."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.io import write_table
from training.config import CONFIG_DIR, TrainConfig, load_config
from training.dataset import TrainingDataError, load_training_data, sha256_file


def _hillstrom_like(rows: int = 60) -> pd.DataFrame:
    segments = ["Womens E-Mail", "No E-Mail", "Mens E-Mail"]
    return pd.DataFrame(
        {
            "recency": [str(1 + i % 12) for i in range(rows)],
            "history_segment": ["1) $0 - $100"] * rows,
            "history": [f"{10 + i}.5" for i in range(rows)],
            "mens": [str(i % 2) for i in range(rows)],
            "womens": [str((i + 1) % 2) for i in range(rows)],
            "zip_code": ["Urban", "Rural", "Surburban"] * (rows // 3),
            "newbie": ["1", "0"] * (rows // 2),
            "channel": ["Web", "Phone", "Multichannel"] * (rows // 3),
            "segment": [segments[i % 3] for i in range(rows)],
            "visit": [str(int(i % 5 == 0)) for i in range(rows)],
        }
    )


def _config(path: Path) -> TrainConfig:
    return load_config(CONFIG_DIR / "hillstrom.toml").with_overrides(data_path=path)


def _write(frame: pd.DataFrame, folder: Path) -> Path:
    return write_table(frame, folder / "table.csv")


def test_other_arm_rows_are_left_out_and_counted(tmp_path: Path) -> None:
    path = _write(_hillstrom_like(), tmp_path)
    data = load_training_data(_config(path), path)
    assert data.counts["rows_other_arm"] == 20
    assert data.counts["rows_used"] == 40
    assert "'Mens E-Mail': 20" in data.notes[0]
    assert sorted(data.frame["segment"].unique()) == [0, 1]
    # index = spreadsheet rows of the kept rows (row 4 is the first "Mens E-Mail")
    assert list(data.frame.index[:3]) == [2, 3, 5]


def test_non_binary_outcome_names_row_and_column(tmp_path: Path) -> None:
    frame = _hillstrom_like()
    frame.loc[2, "visit"] = "2"  # spreadsheet row 4, but that row is left out (Mens E-Mail)
    frame.loc[4, "visit"] = "yes please"  # spreadsheet row 6, kept
    path = _write(frame, tmp_path)
    with pytest.raises(TrainingDataError, match=r"row 6, column visit: value 'yes please'"):
        load_training_data(_config(path), path)


def test_missing_columns_are_listed(tmp_path: Path) -> None:
    path = _write(_hillstrom_like().drop(columns=["channel", "visit"]), tmp_path)
    with pytest.raises(TrainingDataError, match=r"missing columns: visit \(outcome\), channel"):
        load_training_data(_config(path), path)


def test_unreadable_feature_value_names_row_and_column(tmp_path: Path) -> None:
    frame = _hillstrom_like()
    frame.loc[7, "recency"] = "sebulan"
    path = _write(frame, tmp_path)
    with pytest.raises(TrainingDataError, match=r"row 9, column recency"):
        load_training_data(_config(path), path)


def test_treatment_value_absent_from_the_file(tmp_path: Path) -> None:
    frame = _hillstrom_like()
    frame["segment"] = frame["segment"].replace("Womens E-Mail", "Women E-Mail")
    path = _write(frame, tmp_path)
    with pytest.raises(TrainingDataError, match="no row holds the value 'Womens E-Mail'"):
        load_training_data(_config(path), path)


def test_boolean_treatment_without_values(tmp_path: Path) -> None:
    frame = _hillstrom_like()
    frame["segment"] = ["ya", "tidak"] * 30
    frame.loc[5, "segment"] = "maybe"
    path = _write(frame, tmp_path)
    config = _config(path).with_overrides(treated_value=None, control_value=None)
    with pytest.raises(TrainingDataError, match=r"row 7, column segment: .* binary treatment"):
        load_training_data(config, path)


def test_msme_file_without_contract_columns_is_refused(tmp_path: Path) -> None:
    path = _write(_hillstrom_like(), tmp_path)
    with pytest.raises(TrainingDataError, match="does not follow the history contract"):
        load_training_data(TrainConfig(data_path=path), path)


def test_unknown_extension_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "table.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(TrainingDataError, match="unknown file type"):
        load_training_data(_config(path), path)


def test_sha256_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")
    assert sha256_file(path) == ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")


def test_an_msme_history_with_title_rows_is_read_as_validate_reads_it(tmp_path: Path) -> None:
    """Two title lines above the header, semicolons: the header is found, and a broken row is
    counted under its spreadsheet row (as `umkm validate` numbers it)."""
    from data.simulate import simulate

    history = simulate(rows=400, seed=2).history.astype(object)
    history.loc[5, "owner_age"] = 130  # out of range: rejected, not dropped silently
    body = history.to_csv(sep=";", index=False)
    path = tmp_path / "riwayat.csv"
    path.write_text("Riwayat pendampingan UMKM 2025\nDinas Koperasi\n" + body, encoding="utf-8")
    data = load_training_data(TrainConfig(data_path=path), path)
    assert data.counts["rows_read"] == 400
    assert data.counts["rows_rejected"] == 1
    assert data.validation is not None
    # Row 5 of the frame: two title lines, the header, then rows from line 4.
    assert [(problem.row, problem.column) for problem in data.validation.problems] == [
        (5 + 4, "owner_age")
    ]
    assert data.frame.index[0] == 4
