"""Reading training data: basic checks for non-MSME tables, contract checks for MSME ones."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.writing import write_table
from tests.conftest import new_tracking_store, use_tracking_uri
from training.config import CONFIG_DIR, ConfigError, TrainConfig, load_config
from training.dataset import (
    MAX_LISTED_COLUMNS,
    TrainingDataError,
    load_training_data,
    sha256_file,
)


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


def test_missing_columns_are_listed_by_the_setting_that_names_them(tmp_path: Path) -> None:
    path = _write(_hillstrom_like().drop(columns=["channel", "visit"]), tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_training_data(_config(path), path)
    assert str(caught.value) == (
        f"{path}: the training config names columns the file does not have: "
        "field outcome_column: visit; field features: channel; field group_columns: channel "
        "(the file's columns: recency, history_segment, history, mens, womens, zip_code, "
        "newbie, segment)"
    )


def test_an_unreadable_feature_value_rejects_its_row_naming_row_and_column(
    tmp_path: Path,
) -> None:
    """The row is quarantined with its reason (no longer the whole file refused), the others
    are used."""
    frame = _hillstrom_like(90)
    frame.loc[7, "recency"] = "sebulan"
    path = _write(frame, tmp_path)
    data = load_training_data(_config(path), path)
    assert data.counts["rows_rejected"] == 1
    # 90 rows: 30 of the third segment (neither arm) left out, the rejected one, 59 used.
    assert len(data.frame) == 59 and 9 not in data.frame.index
    assert data.validation is not None
    rejected = data.validation.rejected
    assert list(rejected["row"]) == [9]
    assert list(rejected["reasons"]) == ["column recency: value 'sebulan' is not a number"]


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


# --- columns the config names, rows the contract rejects, arms ---------------------------------


def _history(tmp_path: Path, rows: int = 400) -> tuple[pd.DataFrame, Path]:
    from data.simulate import simulate

    history = simulate(rows=rows, seed=2).history
    return history, write_table(history, tmp_path / "history.csv")


def test_a_treatment_column_the_history_lacks_is_a_config_error(tmp_path: Path) -> None:
    """Was a KeyError traceback from deep in reading the history."""
    history, path = _history(tmp_path)
    config = TrainConfig(data_path=path, treatment_column="x")
    with pytest.raises(ConfigError) as caught:
        load_training_data(config, path)
    message = str(caught.value)
    assert message.startswith(
        f"{path}: the training config names columns the file does not have: "
        "field treatment_column: x (the file's columns: msme_id, province_code, "
    )
    assert "\n" not in message
    shown = len(history.columns) - MAX_LISTED_COLUMNS
    assert message.endswith(f" and {shown} more)" if shown > 0 else "cohort)")


def test_every_setting_naming_a_missing_column_is_named_once(tmp_path: Path) -> None:
    _, path = _history(tmp_path)
    config = TrainConfig(
        data_path=path,
        id_column="kode",
        outcome_column="go_digital",
        features=({"name": "omzet", "kind": "numeric"}, {"name": "sector", "kind": "categorical"}),
        group_columns=("island_group", "kabupaten", "kabupaten"),
    )
    with pytest.raises(ConfigError) as caught:
        load_training_data(config, path)
    # island_group is derived from province_code: present.
    assert (
        "field id_column: kode; field outcome_column: go_digital; field features: omzet; "
        "field group_columns: kabupaten (the file's columns: "
    ) in str(caught.value)


def test_many_columns_are_shortened(tmp_path: Path) -> None:
    frame = _hillstrom_like().assign(**{f"extra_{i}": "1" for i in range(30)})
    path = _write(frame, tmp_path)
    config = _config(path).with_overrides(group_columns=["region"])
    with pytest.raises(ConfigError, match=r"field group_columns: region \(the file's columns: "):
        load_training_data(config, path)
    with pytest.raises(ConfigError) as caught:
        load_training_data(config, path)
    listed = str(caught.value).split("(the file's columns: ")[1]
    assert listed.endswith(f" and {len(frame.columns) - MAX_LISTED_COLUMNS} more)")
    assert len(listed.split(", ")) == MAX_LISTED_COLUMNS


def test_umkm_train_answers_a_missing_column_with_one_error_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from umkm.cli import app

    _, path = _history(tmp_path)
    config = tmp_path / "bad.toml"
    config.write_text('treatment_column = "x"\n', encoding="utf-8")
    with use_tracking_uri(new_tracking_store(tmp_path / "mlflow")):
        result = CliRunner().invoke(
            app,
            [
                "train",
                *("--data", str(path), "--config", str(config)),
                *("--output-dir", str(tmp_path / "out"), "--quiet"),
            ],
        )
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    error = " ".join(result.stderr.split())
    assert error.startswith(f"error: {path}: the training config names columns the file does")
    assert "field treatment_column: x" in error
    assert "Traceback" not in result.stderr


def test_an_already_digital_msme_marked_mentored_is_rejected_with_its_reason(
    tmp_path: Path,
) -> None:
    """Not left out as an already-digital MSME without a word: rejected and quarantined, as any
    row that breaks the contract."""
    history, _ = _history(tmp_path)
    digital = history.index[history["digital_status"] == "digital"]
    history.loc[digital[:3], "mentored"] = True
    path = write_table(history, tmp_path / "contradicting.csv")

    data = load_training_data(TrainConfig(data_path=path), path)

    assert data.counts["rows_rejected"] == 3
    assert data.counts["rows_already_digital"] == len(digital) - 3
    assert data.validation is not None
    assert [
        (problem.row, problem.column, problem.code) for problem in data.validation.problems
    ] == [(row + 2, "mentored", "value_mentored_already_digital") for row in digital[:3]]
    reasons = data.validation.rejected["reasons"].tolist()
    assert all("never mentored" in reason for reason in reasons)


@pytest.mark.parametrize(
    ("rows", "change", "column", "code"),
    [
        ("offline", {"mentored": False}, "mentored", "arm_too_few_treated"),
        ("offline", {"mentored": True}, "mentored", "arm_too_few_control"),
        ("mentored", {"digitalized": False}, "digitalized", "arm_one_outcome_treated"),
    ],
)
def test_arm_problems_are_worded_as_umkm_validate_words_them(
    tmp_path: Path, rows: str, change: dict[str, bool], column: str, code: str
) -> None:
    """One arm only, or no success among the mentored: the same words from both commands."""
    from data.validation import validate_file

    history, _ = _history(tmp_path)
    chosen = history["mentored"] if rows == "mentored" else history["digital_status"] == "offline"
    history.loc[chosen, list(change)] = list(change.values())
    path = write_table(history, tmp_path / "one_sided.csv")

    [problem] = validate_file(path).arm_problems()
    with pytest.raises(TrainingDataError) as caught:
        load_training_data(TrainConfig(data_path=path), path)

    assert (problem.column, problem.code) == (column, code)
    assert str(caught.value) == f"{path}: {problem.message()}"
