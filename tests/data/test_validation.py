"""Validation: every rule with a bad example and its exact message; results, quarantine, CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from data.cli import MAX_PRINTED_PROBLEMS, validate_file_command
from data.contract import HISTORY_COLUMNS, PROFILE_COLUMNS
from data.io import read_table
from data.validation import (
    FILE_PROBLEMS_SHOWN,
    Problem,
    problem_line,
    resolve_kind,
    validate_file,
    validate_frame,
    write_quarantine,
)
from data.writing import write_table
from tests.data.conftest import FIXTURES, HISTORY_NAMES, history_rows, profile_rows

REPO = Path(__file__).resolve().parents[2]
PROVINCE_REASON = (
    "is neither one of the 38 province codes (2 digits, like 33) nor a province name (like "
    "Jawa Tengah; see data/reference/provinces.csv)"
)
BOOLEAN_REASON = (
    "is not a boolean (accepted, any case: yes/no, true/false, 1/0, ya/tidak, t/f, y/n, y/t)"
)
NUMBER_REASON = "is not a number (use a dot for decimals and no thousands separators)"
MISSING_REASON = "is missing (this column needs a value)"
EDUCATION = "primary_or_less, junior_secondary, senior_secondary, diploma, bachelor_or_higher"
SECTORS = (
    "food_beverage, retail_trade, fashion_textile, craft, agri_processing, services, "
    "other_manufacturing"
)

# The dozen-faults fixture: every problem `umkm validate` must name, in order.
FIXTURE_PROBLEMS = [
    "row 2, column msme_id: value H001 is a duplicate msme_id (also in row 14)",
    f"row 3, column province_code: value 99 {PROVINCE_REASON}",
    f"row 4, column province_code: value 1 {PROVINCE_REASON}",
    "row 5, column area_type: value city is not an allowed value (allowed: urban, rural)",
    "row 6, column workers: value 2.5 is not an integer",
    "row 7, column workers: value 0 is out of range 1–1,000",
    "row 8, column owner_age: value 130 is out of range 15–100",
    f"row 9, column monthly_revenue_idr: value 1.500.000 {NUMBER_REASON}",
    "row 10, column business_age_years: value -2 is out of range 0–150",
    f"row 11, column owner_gender: value {MISSING_REASON}",
    f"row 12, column has_smartphone: value maybe {BOOLEAN_REASON}",
    "row 13, column cohort: value 2024-13 does not match the expected form (YYYY-MM, like 2024-07)",
    "row 14, column msme_id: value H001 is a duplicate msme_id (also in row 2)",
    f"row 15, column owner_education: value master is not an allowed value (allowed: {EDUCATION})",
    f"row 16, column mentored: value {MISSING_REASON}",
    "row 18, column digital_status: value pending is not an allowed value "
    "(allowed: offline, digital)",
]


def one_bad_cell(column: str, value: object) -> pd.DataFrame:
    """Three clean history rows; the middle one (spreadsheet row 3) gets `value` in `column`."""
    frame = history_rows(3)
    cells = frame[column].tolist()
    cells[1] = value
    frame[column] = pd.Series(cells, dtype=object)
    return frame


# --- every rule: a bad example and the exact message --------------------------------------------

RULES = [
    # wrong type or value
    ("workers", "2.5", "row 3, column workers: value 2.5 is not an integer"),
    ("workers", "two", "row 3, column workers: value two is not an integer"),
    ("workers", "1e20", "row 3, column workers: value 1e20 is too large for an integer"),
    ("owner_age", "forty", "row 3, column owner_age: value forty is not an integer"),
    ("business_age_years", "lama", f"row 3, column business_age_years: value lama {NUMBER_REASON}"),
    (
        "monthly_revenue_idr",
        "1.500.000",
        f"row 3, column monthly_revenue_idr: value 1.500.000 {NUMBER_REASON}",
    ),
    (
        "monthly_revenue_idr",
        "1500000,5",
        f"row 3, column monthly_revenue_idr: value 1500000,5 {NUMBER_REASON}",
    ),
    ("monthly_revenue_idr", "inf", f"row 3, column monthly_revenue_idr: value inf {NUMBER_REASON}"),
    ("monthly_revenue_idr", "NA", f"row 3, column monthly_revenue_idr: value NA {NUMBER_REASON}"),
    ("has_smartphone", "maybe", f"row 3, column has_smartphone: value maybe {BOOLEAN_REASON}"),
    ("has_smartphone", "2", f"row 3, column has_smartphone: value 2 {BOOLEAN_REASON}"),
    ("digitalized", "-", f"row 3, column digitalized: value - {BOOLEAN_REASON}"),
    # out of range, with the range
    ("owner_age", "130", "row 3, column owner_age: value 130 is out of range 15–100"),
    ("owner_age", "14", "row 3, column owner_age: value 14 is out of range 15–100"),
    ("workers", "0", "row 3, column workers: value 0 is out of range 1–1,000"),
    (
        "business_age_years",
        "-0.5",
        "row 3, column business_age_years: value -0.5 is out of range 0–150",
    ),
    (
        "monthly_revenue_idr",
        "-1",
        "row 3, column monthly_revenue_idr: value -1 is out of range 0–10,000,000,000",
    ),
    # missing in a column that needs a value
    ("owner_gender", "", f"row 3, column owner_gender: value {MISSING_REASON}"),
    ("msme_id", "   ", f"row 3, column msme_id: value {MISSING_REASON}"),
    ("workers", "", f"row 3, column workers: value {MISSING_REASON}"),
    ("mentored", None, f"row 3, column mentored: value {MISSING_REASON}"),
    ("province_code", np.nan, f"row 3, column province_code: value {MISSING_REASON}"),
    # unknown category, with the allowed values
    (
        "area_type",
        "city",
        "row 3, column area_type: value city is not an allowed value (allowed: urban, rural)",
    ),
    (
        "area_type",
        "town",  # `Urban` is read as urban: values are compared in any case
        "row 3, column area_type: value town is not an allowed value (allowed: urban, rural)",
    ),
    (
        "sector",
        "food and drink",
        'row 3, column sector: value "food and drink" is not an allowed '
        f"value (allowed: {SECTORS})",
    ),
    (
        "owner_gender",
        "ibu",  # perempuan, laki-laki, L/P are read (data.aliases)
        "row 3, column owner_gender: value ibu is not an allowed value (allowed: female, male)",
    ),
    (
        "owner_education",
        "master",  # SD, SMP, SMA, D3, S1 ... are read
        f"row 3, column owner_education: value master is not an allowed value "
        f"(allowed: {EDUCATION})",
    ),
    (
        "internet_access",
        "fast",
        "row 3, column internet_access: value fast is not an allowed value "
        "(allowed: none, weak, good)",
    ),
    (
        "digital_status",
        "sometimes",  # online, daring, luring are read
        "row 3, column digital_status: value sometimes is not an allowed "
        "value (allowed: offline, digital)",
    ),
    # province codes (one of the 38) or names (Aceh is read as 11); a close name is suggested
    ("province_code", "99", f"row 3, column province_code: value 99 {PROVINCE_REASON}"),
    ("province_code", "1", f"row 3, column province_code: value 1 {PROVINCE_REASON}"),
    ("province_code", "Atlantis", f"row 3, column province_code: value Atlantis {PROVINCE_REASON}"),
    ("province_code", "11.0", f"row 3, column province_code: value 11.0 {PROVINCE_REASON}"),
    (
        "province_code",
        "Jawa Tenga",
        'row 3, column province_code: value "Jawa Tenga" is neither one of the 38 province codes '
        "(2 digits, like 33) nor a province name; did you mean Jawa Tengah (33)?",
    ),
    # cohort pattern
    (
        "cohort",
        "2024-13",
        "row 3, column cohort: value 2024-13 does not match the expected form "
        "(YYYY-MM, like 2024-07)",
    ),
    (
        "cohort",
        "July 2024",
        'row 3, column cohort: value "July 2024" does not match the expected '
        "form (YYYY-MM, like 2024-07)",
    ),
]


@pytest.mark.parametrize(("column", "value", "expected"), RULES)
def test_each_rule_reports_row_column_and_reason(column: str, value: object, expected: str) -> None:
    result = validate_frame(one_bad_cell(column, value), "history")

    assert [str(problem) for problem in result.problems] == [expected]
    assert result.problems[0].row == 3
    assert result.problems[0].column == column
    assert result.valid.index.tolist() == [2, 4]
    assert result.rejected["row"].tolist() == [3]


def test_duplicate_msme_id_names_the_other_rows() -> None:
    frame = history_rows(6)
    frame.loc[[1, 3, 4, 5], "msme_id"] = "H-dup"
    frame.loc[0, "msme_id"] = "H-pair"
    frame = pd.concat([frame, history_rows(1).assign(msme_id="H-pair")], ignore_index=True)

    messages = [str(problem) for problem in validate_frame(frame, "history").problems]

    assert messages == [
        "row 2, column msme_id: value H-pair is a duplicate msme_id (also in row 8)",
        "row 3, column msme_id: value H-dup is a duplicate msme_id (also in rows 5, 6, 7)",
        "row 5, column msme_id: value H-dup is a duplicate msme_id (also in rows 3, 6, 7)",
        "row 6, column msme_id: value H-dup is a duplicate msme_id (also in rows 3, 5, 7)",
        "row 7, column msme_id: value H-dup is a duplicate msme_id (also in rows 3, 5, 6)",
        "row 8, column msme_id: value H-pair is a duplicate msme_id (also in row 2)",
    ]


def test_duplicate_lists_at_most_three_other_rows() -> None:
    frame = history_rows(6).assign(msme_id="same")

    first = validate_frame(frame, "history").problems[0]

    assert first.reason == "is a duplicate msme_id (also in rows 3, 4, 5 and 2 more)"


def test_missing_required_column_rejects_every_row_and_still_checks_cells() -> None:
    frame = history_rows(3).drop(columns=["owner_age"])
    frame.loc[2, "workers"] = "zero"

    result = validate_frame(frame, "history")

    assert [str(problem) for problem in result.problems] == [
        "header, column owner_age: required column is missing",
        "row 4, column workers: value zero is not an integer",
    ]
    assert result.problems[0].row is None
    assert result.n_valid == 0
    assert result.rejected["row"].tolist() == [2, 3, 4]
    assert result.rejected["reasons"].tolist() == [
        "header, column owner_age: required column is missing",
        "header, column owner_age: required column is missing",
        "header, column owner_age: required column is missing; "
        "column workers: value is not an integer",
    ]


def test_optional_cohort_column_may_be_absent() -> None:
    result = validate_frame(history_rows(4).drop(columns=["cohort"]), "history")

    assert result.ok
    assert "cohort" not in result.valid.columns


def test_duplicate_column_is_a_file_level_problem() -> None:
    frame = history_rows(2)
    frame.insert(5, "sector", frame["sector"], allow_duplicates=True)

    result = validate_frame(frame, "history")

    assert [str(problem) for problem in result.problems] == [
        "header, column sector: column appears 2 times in the header (columns 4 and 6); keep one"
    ]
    assert result.n_valid == 0
    assert result.n_rejected == 2


def test_several_problems_in_one_row_one_line_each_in_column_order() -> None:
    frame = history_rows(2)
    frame.loc[0, ["province_code", "workers", "owner_age", "mentored"]] = ["7", "x", "200", ""]

    result = validate_frame(frame, "history")

    assert [problem.column for problem in result.problems] == [
        "province_code",
        "workers",
        "owner_age",
        "mentored",
    ]
    assert all(problem.row == 2 for problem in result.problems)
    # A cell that cannot be parsed is "not an integer", not also "missing".
    assert result.problems[1].reason == "is not an integer"


def test_missing_cells_beside_a_bad_category_value_raise_no_pandas_warning() -> None:
    # pandera's null failures are NA of the column's dtype (boolean, categorical); concatenated
    # with another column's failures they made pandas warn (FutureWarning, an error in tests).
    frame = history_rows(8)
    frame[["owner_education", "internet_access"]] = ["diploma", "good"]  # few values: categorical
    frame.loc[1, "owner_education"] = "master"
    frame.loc[3, ["has_smartphone", "internet_access", "owner_education"]] = ["", "", ""]

    result = validate_frame(frame, "history")

    found = {(problem.row, problem.column, problem.code) for problem in result.problems}
    assert found == {
        (3, "owner_education", "value_not_allowed"),
        (5, "has_smartphone", "value_missing"),
        (5, "internet_access", "value_missing"),
        (5, "owner_education", "value_missing"),
    }


def test_message_without_value_for_personal_data() -> None:
    problem = validate_frame(one_bad_cell("owner_age", "130"), "history").problems[0]

    assert problem == Problem(
        3, "owner_age", "value_out_of_range", {"minimum": 15, "maximum": 100}, "130"
    )
    assert problem.reason == "is out of range 15–100"
    assert problem.message() == "row 3, column owner_age: value is out of range 15–100"
    assert problem.message(include_value=True) == str(problem)
    assert "130" not in problem.message()


def test_file_level_problem_message() -> None:
    problem = Problem(None, "cohort", "column_missing")

    assert str(problem) == "header, column cohort: required column is missing"
    assert problem.message() == str(problem)


# --- parsing: what is accepted -----------------------------------------------------------------


def test_valid_frame_is_typed_in_file_order_with_spreadsheet_rows(
    clean_history: pd.DataFrame,
) -> None:
    before = clean_history.copy()
    result = validate_frame(clean_history, "history")
    valid = result.valid

    pd.testing.assert_frame_equal(clean_history, before)  # the input is not changed

    assert result.ok and result.summary() == "40 rows: 40 valid, 0 rejected"
    assert valid.index.name == "row"
    assert valid.index.tolist() == list(range(2, 42))
    assert list(valid.columns) == HISTORY_NAMES
    expected_dtypes = {
        "string": "object",
        "category": "object",
        "integer": "int64",
        "number": "float64",
        "boolean": "bool",
    }
    for spec in HISTORY_COLUMNS:
        assert str(valid[spec.name].dtype) == expected_dtypes[spec.kind], spec.name
    assert valid["msme_id"].tolist() == clean_history["msme_id"].tolist()
    assert all(isinstance(code, str) for code in valid["province_code"])
    assert valid["cohort"].iloc[5] is None  # empty optional cell
    assert np.isnan(valid["business_age_years"].iloc[4])
    assert valid["has_bank_account"].tolist()[:2] == [True, False]  # "ya", "tidak"


def test_accepted_spellings_and_types() -> None:
    frame = history_rows(6)
    frame["has_smartphone"] = pd.Series(
        [" YA ", "Tidak", "TRUE", "n", True, np.False_], dtype=object
    )
    frame["workers"] = pd.Series(["3", 3.0, 3, " 4 ", "+2", "1e1"], dtype=object)
    frame["monthly_revenue_idr"] = pd.Series(
        ["1234.5", 1234.5, "", None, np.nan, "0"], dtype=object
    )
    frame["province_code"] = pd.Series(["11", 11, 11.0, " 12 ", np.int64(31), "94"], dtype=object)
    frame["area_type"] = [" urban", "rural ", "urban", "rural", "urban", "rural"]

    result = validate_frame(frame, "history")
    valid = result.valid

    assert result.ok, [str(problem) for problem in result.problems]
    assert valid["has_smartphone"].tolist() == [True, False, True, False, True, False]
    assert valid["workers"].tolist() == [3, 3, 3, 4, 2, 10]
    assert valid["monthly_revenue_idr"].tolist()[:2] == [1234.5, 1234.5]
    assert valid["monthly_revenue_idr"].isna().tolist() == [False, False, True, True, True, False]
    assert valid["province_code"].tolist() == ["11", "11", "11", "12", "31", "94"]
    assert valid["area_type"].tolist() == ["urban", "rural"] * 3


def test_typed_parquet_like_input() -> None:
    """Parquet gives real types: ints, floats, bools; they validate like their text."""
    frame = history_rows(3)
    frame["province_code"] = np.array([11, 32, 94], dtype="int64")
    frame["workers"] = np.array([1.0, 2.5, 3.0])
    frame["owner_age"] = pd.array([30, None, 40], dtype="Int64")
    frame["mentored"] = np.array([True, False, True])
    frame["monthly_revenue_idr"] = np.array([1.0, np.inf, 2.0])

    result = validate_frame(frame, "history")

    assert [str(problem) for problem in result.problems] == [
        "row 3, column workers: value 2.5 is not an integer",
        f"row 3, column monthly_revenue_idr: value inf {NUMBER_REASON}",
        f"row 3, column owner_age: value {MISSING_REASON}",
    ]
    assert result.valid["province_code"].tolist() == ["11", "94"]
    assert result.valid["workers"].tolist() == [1, 3]


def test_auto_kind_by_columns(clean_profile: pd.DataFrame) -> None:
    assert resolve_kind(list(clean_profile.columns)) == "profile"
    assert resolve_kind([*clean_profile.columns, "mentored"]) == "history"
    assert resolve_kind([*clean_profile.columns, "digitalized"]) == "history"
    assert resolve_kind([*clean_profile.columns, "cohort"]) == "history"
    assert validate_frame(clean_profile, "auto").kind == "profile"
    assert validate_frame(history_rows(2), "auto").kind == "history"
    assert validate_frame(clean_profile.assign(angkatan="2024-07"), "auto").kind == "history"


def test_a_history_with_renamed_mentoring_columns_is_told_they_are_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cohort` is a history's column only: the file is a history, and `mentored` and
    `digitalized` are missing (it was checked as a profile file, with no problem, and
    `umkm train` then failed)."""
    renamed = history_rows(40).rename(columns={"mentored": "treated", "digitalized": "outcome"})
    path = write_table(renamed, tmp_path / "history.csv")

    code = validate_file_command(path)
    out = capsys.readouterr().out.splitlines()

    assert code == 1
    assert out == [
        "header, column mentored: required column is missing",
        "header, column digitalized: required column is missing",
        f"{path}: checked as a history file, 2 problems",
        "40 rows: 0 valid, 40 rejected",
    ]
    assert validate_file_command(path, "profile") == 0  # a kind given is respected
    assert (
        capsys.readouterr().out.splitlines()[0] == f"{path}: checked as a profile file, 0 problems"
    )


def test_history_file_checked_as_profile_keeps_history_columns_as_extras() -> None:
    result = validate_frame(history_rows(3), "profile")

    assert result.ok
    assert result.valid["mentored"].tolist() == ["false", "false", "true"]  # untouched text


def test_profile_checked_as_history_misses_the_mentoring_columns(
    clean_profile: pd.DataFrame,
) -> None:
    result = validate_frame(clean_profile, "history")

    assert [str(problem) for problem in result.problems] == [
        "header, column mentored: required column is missing",
        "header, column digitalized: required column is missing",
    ]


def test_extra_columns_kept_dropped_or_forbidden() -> None:
    kecamatan = pd.Series(["Kuta Alam", "", None], dtype=object)
    frame = history_rows(3).assign(kecamatan=kecamatan, score=[1, 2, 3])

    kept = validate_frame(frame, "history")
    dropped = validate_frame(frame, "history", extra_columns="drop")
    forbidden = validate_frame(frame, "history", extra_columns="forbid")

    assert kept.ok and kept.valid["kecamatan"].tolist() == ["Kuta Alam", "", None]
    assert kept.valid["score"].tolist() == [1, 2, 3]
    assert dropped.ok and list(dropped.valid.columns) == HISTORY_NAMES
    assert [str(problem) for problem in forbidden.problems] == [
        "header, column kecamatan: column is not in the contract",
        "header, column score: column is not in the contract",
    ]
    assert forbidden.n_rejected == 3


def test_empty_frame_has_no_problems() -> None:
    result = validate_frame(history_rows(0), "history")

    assert result.ok
    assert result.n_rows == 0
    assert list(result.valid.columns) == HISTORY_NAMES


# --- rejected rows and the quarantine file ------------------------------------------------------


def test_rejected_rows_keep_raw_cells_and_reasons() -> None:
    frame = history_rows(4)
    frame.loc[1, ["owner_age", "sector"]] = ["130", "batik"]
    frame.loc[3, "has_smartphone"] = "mungkin"

    rejected = validate_frame(frame, "history").rejected

    assert list(rejected.columns) == ["row", "reasons", *HISTORY_NAMES]
    assert rejected["row"].tolist() == [3, 5]
    assert rejected["owner_age"].tolist() == ["130", frame.loc[3, "owner_age"]]
    assert rejected["sector"].tolist()[0] == "batik"
    assert rejected["reasons"].tolist() == [
        f"column sector: value is not an allowed value (allowed: {SECTORS}); "
        "column owner_age: value is out of range 15–100",
        f"column has_smartphone: value {BOOLEAN_REASON}",
    ]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_quarantine_file_contents(tmp_path: Path, suffix: str) -> None:
    frame = history_rows(5).assign(note=[1, 2, 3, 4, 5])
    frame.loc[1, "owner_age"] = "130"
    frame.loc[4, "province_code"] = "00"
    result = validate_frame(frame, "history")

    path = write_quarantine(result, tmp_path / f"quarantine{suffix}")
    back = read_table(path)

    assert path == tmp_path / f"quarantine{suffix}"
    assert list(back.columns) == ["row", "reasons", *HISTORY_NAMES, "note"]
    assert back["row"].astype(int).tolist() == [3, 6]
    assert back["reasons"].tolist() == [
        "column owner_age: value is out of range 15–100",
        f"column province_code: value {PROVINCE_REASON}",
    ]
    assert back["owner_age"].tolist()[0] == "130"
    assert back["province_code"].tolist()[1] == "00"
    assert back["note"].tolist() == ["2", "5"]


def test_quarantine_of_a_file_with_duplicate_columns(tmp_path: Path) -> None:
    frame = history_rows(2)
    frame.insert(3, "area_type", "urban", allow_duplicates=True)
    result = validate_frame(frame, "history")

    back = read_table(write_quarantine(result, tmp_path / "q.parquet"))

    assert "area_type (2)" in back.columns
    assert len(back) == 2


# --- the command: `umkm validate` -------------------------------------------------------------


def test_command_names_every_fault_in_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "dozen_faults.csv"

    code = validate_file_command(path, "auto")
    out = capsys.readouterr().out.splitlines()

    assert code == 1
    assert out[: len(FIXTURE_PROBLEMS)] == FIXTURE_PROBLEMS
    assert out[len(FIXTURE_PROBLEMS) :] == [
        # The two valid rows are all training would have: one mentored, one not.
        "column mentored: too few usable treated (mentored) rows to learn an uplift: 1, at least "
        "20 needed",
        "column mentored: too few usable control (not mentored) rows to learn an uplift: 1, at "
        "least 20 needed",
        f"{path}: checked as a history file, 18 problems",
        "18 rows: 2 valid, 16 rejected",
    ]


def test_cli_runner_on_the_fixture_and_a_clean_file(tmp_path: Path) -> None:
    from umkm.cli import app

    runner = CliRunner()
    faulty = runner.invoke(app, ["validate", "--data", str(FIXTURES / "dozen_faults.csv")])
    clean_path = write_table(history_rows(120), tmp_path / "clean.parquet")
    clean = runner.invoke(app, ["validate", "--data", str(clean_path)])

    assert faulty.exit_code == 1
    for line in FIXTURE_PROBLEMS:
        assert line in faulty.stdout.splitlines()
    assert clean.exit_code == 0, clean.output
    assert clean.stdout.splitlines() == [
        f"{clean_path}: checked as a history file, 0 problems",
        "120 rows: 120 valid, 0 rejected",
    ]


def test_cli_kind_option_checks_against_the_profile_contract(tmp_path: Path) -> None:
    from umkm.cli import app

    path = write_table(profile_rows(4), tmp_path / "profiles.csv")
    result = CliRunner().invoke(app, ["validate", "--data", str(path), "--kind", "history"])

    assert result.exit_code == 1
    assert "header, column mentored: required column is missing" in result.stdout


def test_subprocess_umkm_validate_exits_non_zero_on_the_fixture() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "umkm", "validate", "--data", str(FIXTURES / "dozen_faults.csv")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.splitlines()[: len(FIXTURE_PROBLEMS)] == FIXTURE_PROBLEMS


def test_unreadable_file_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "photo.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    code = validate_file_command(fake, "auto")
    captured = capsys.readouterr()

    assert code == 2
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        f"error: {fake}: not an Excel .xlsx workbook (the file is not a zip archive)"
    ]


def test_printed_problems_are_capped_but_all_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = history_rows(MAX_PRINTED_PROBLEMS + 50).assign(owner_age="200")
    path = write_table(frame, tmp_path / "ages.csv")

    code = validate_file_command(path, "history")
    out = capsys.readouterr().out.splitlines()

    assert code == 1
    assert len(out) == MAX_PRINTED_PROBLEMS + 3
    assert out[0] == "row 2, column owner_age: value 200 is out of range 15–100"
    assert out[MAX_PRINTED_PROBLEMS] == "... and 50 more problems"
    assert out[-1] == "250 rows: 0 valid, 250 rejected"
    assert out[-2].endswith("checked as a history file, 250 problems")


def test_validate_file_reports_duplicate_header_as_problem(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    frame = history_rows(2)
    text = frame.to_csv(index=False).splitlines()
    text[0] = text[0].replace("owner_gender", "sector")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")

    result = validate_file(path)

    assert [str(problem) for problem in result.problems] == [
        "header, column sector: column appears 2 times in the header (columns 4 and 9); keep one",
        "header, column owner_gender: required column is missing",
    ]


# --- fuzz: never crashes, always accounts for every row -------------------------------------------

CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "11", "1", "true", "ya", "TIDAK", "3.5", "2024-07", "urban", "nan"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)
ALL_NAMES = [spec.name for spec in HISTORY_COLUMNS]


@st.composite
def random_tables(draw: st.DrawFn) -> pd.DataFrame:
    names = draw(st.lists(st.sampled_from([*ALL_NAMES, "extra"]), min_size=0, max_size=8))
    base = draw(st.sampled_from([ALL_NAMES, [s.name for s in PROFILE_COLUMNS], []]))
    columns = [*base, *names]
    n_rows = draw(st.integers(min_value=0, max_value=6))
    data = [[draw(CELLS) for _ in columns] for _ in range(n_rows)]
    return pd.DataFrame(data, columns=pd.Index(columns, dtype=object), dtype=object)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=random_tables(), kind=st.sampled_from(["auto", "profile", "history"]))
def test_fuzz_never_crashes_and_accounts_for_every_row(table: pd.DataFrame, kind: str) -> None:
    result = validate_frame(table, kind)  # type: ignore[arg-type]

    n = len(table)
    assert result.n_rows == n
    problem_rows = {problem.row for problem in result.problems if problem.row is not None}
    file_level = any(problem.row is None for problem in result.problems)
    rejected = set(result.rejected["row"])
    assert problem_rows <= set(range(2, n + 2))
    assert rejected == (set(range(2, n + 2)) if file_level else problem_rows)
    assert set(result.valid.index).isdisjoint(rejected)
    assert all(str(problem).startswith(("row ", "header")) for problem in result.problems)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(st.text(max_size=10), min_size=len(ALL_NAMES), max_size=len(ALL_NAMES)))
def test_fuzz_random_text_in_a_full_row(cells: list[str]) -> None:
    assume(cells[0].strip() not in {"H0000001", "H0000002"})
    table = pd.concat(
        [history_rows(2), pd.DataFrame([cells], columns=ALL_NAMES, dtype=object)],
        ignore_index=True,
    )

    result = validate_frame(table, "history")

    assert result.valid.index.tolist()[:2] == [2, 3]
    assert result.n_rows == 3
    assert all(problem.row == 4 for problem in result.problems)


@pytest.mark.parametrize(
    ("column", "cell"),
    [("msme_id", "\t=2+3"), ("msme_id", "H1\nH2"), ("area_type", "urban\t"), ("sector", "\x00")],
)
def test_control_characters_in_text_cells_are_refused_by_row_and_column(
    column: str, cell: str
) -> None:
    frame = history_rows(3)
    frame.loc[1, column] = cell

    result = validate_frame(frame, "history")

    assert [(p.row, p.column) for p in result.problems] == [(3, column)]
    assert "control character" in result.problems[0].reason
    assert "\t" not in str(result.problems[0]) and "\n" not in str(result.problems[0])
    assert result.n_valid == 2


def test_a_long_list_of_whole_file_problems_says_how_many_more() -> None:
    """A table with none of the contract's columns has a problem per missing column: the one
    line lists ten and counts the rest, in the language asked."""
    result = validate_frame(pd.DataFrame({"nama": ["a"], "alamat": ["b"]}), "history")
    whole = [problem for problem in result.problems if problem.row is None]
    assert len(whole) > FILE_PROBLEMS_SHOWN
    more = len(whole) - FILE_PROBLEMS_SHOWN
    line = result.file_problems()
    assert line is not None and line.count(";") == FILE_PROBLEMS_SHOWN
    assert line.endswith(f"and {more} more problems of the whole file")
    assert str(result.file_problems("id")).endswith(f"dan {more} masalah lain pada seluruh berkas")


# --- a history that contradicts itself, or that no uplift can be learnt from ------------------

ALREADY_DIGITAL_MENTORED = (
    "is not possible: an already-digital MSME (digital_status digital) is never mentored in the "
    "programme; correct mentored or digital_status"
)


def test_an_already_digital_msme_marked_mentored_is_a_problem_of_its_mentored_cell() -> None:
    frame = history_rows(8)
    assert frame.loc[4:7, "digital_status"].eq("digital").all()
    frame.loc[5, "mentored"] = "ya"
    frame.loc[6, "digital_status"] = "Sudah digital"  # the Bahasa spelling, any case
    frame.loc[6, "mentored"] = "TRUE"

    result = validate_frame(frame, "history")

    assert [str(problem) for problem in result.problems] == [
        f"row 7, column mentored: value ya {ALREADY_DIGITAL_MENTORED}",
        f"row 8, column mentored: value TRUE {ALREADY_DIGITAL_MENTORED}",
    ]
    assert result.rejected["row"].tolist() == [7, 8]
    assert problem_line(result.problems[0], "id") == (
        "baris 7, kolom mentored: nilai ya tidak mungkin: UMKM yang sudah digital "
        "(digital_status digital) tidak pernah didampingi dalam program; perbaiki mentored atau "
        "digital_status"
    )
    # An offline MSME mentored and an already-digital one not mentored are what histories hold.
    assert validate_frame(history_rows(8), "history").ok


def test_mentored_already_digital_is_checked_only_in_histories() -> None:
    frame = history_rows(8)
    frame.loc[5, "mentored"] = "true"
    assert validate_frame(frame, "profile").ok  # mentored is an extra column of a profile file


def _trainable(rows: int = 200) -> pd.DataFrame:
    frame = history_rows(rows)
    offline = frame["digital_status"] == "offline"
    assert (frame.loc[offline, "mentored"] == "true").sum() >= 20
    return frame


def test_a_trainable_history_has_no_arm_problem() -> None:
    result = validate_frame(_trainable(), "history")
    assert result.ok and result.arm_problems() == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"mentored": "false"},
            [
                "column mentored: too few usable treated (mentored) rows to learn an uplift: 0, "
                "at least 20 needed"
            ],
        ),
        (
            {"digitalized": "false"},
            [
                "column digitalized: the usable treated (mentored) rows all have the same "
                "outcome: no uplift can be learnt",
                "column digitalized: the usable control (not mentored) rows all have the same "
                "outcome: no uplift can be learnt",
            ],
        ),
    ],
)
def test_arm_problems_are_problems_of_the_whole_history(
    change: dict[str, str], expected: list[str]
) -> None:
    result = validate_frame(_trainable().assign(**change), "history")

    assert result.ok  # every row is fine on its own
    problems = result.arm_problems()
    assert [str(problem) for problem in problems] == expected
    assert all(problem.row is None for problem in problems)


def test_already_digital_rows_are_not_counted_in_an_arm() -> None:
    """Training leaves them out: 20 rows are needed in each arm among the others (here 10 and
    10, with 20 already-digital MSMEs not mentored besides)."""
    frame = history_rows(40)
    assert (frame["digital_status"] == "digital").sum() == 20
    [treated, control] = validate_frame(frame, "history").arm_problems()
    assert (treated.code, treated.params) == ("arm_too_few_treated", {"count": 10, "minimum": 20})
    assert (control.code, control.params) == ("arm_too_few_control", {"count": 10, "minimum": 20})


def test_arm_problems_only_for_a_history_whose_header_and_rows_allow_them(
    clean_profile: pd.DataFrame,
) -> None:
    one_arm = _trainable().assign(mentored="false")
    assert validate_frame(one_arm, "profile").arm_problems() == []
    assert validate_frame(one_arm.drop(columns=["owner_age"]), "history").arm_problems() == []
    every_row_bad = one_arm.assign(owner_age="200")
    assert validate_frame(every_row_bad, "history").arm_problems() == []
    assert validate_frame(clean_profile, "history").arm_problems() == []


def test_umkm_validate_reports_a_single_arm_history_in_both_languages(tmp_path: Path) -> None:
    from umkm.cli import app

    path = write_table(_trainable().assign(mentored="false"), tmp_path / "one_arm.csv")
    runner = CliRunner()
    english = runner.invoke(app, ["validate", "--data", str(path)])
    bahasa = runner.invoke(app, ["validate", "--data", str(path), "--lang", "id"])

    assert english.exit_code == bahasa.exit_code == 1
    assert english.stdout.splitlines() == [
        "column mentored: too few usable treated (mentored) rows to learn an uplift: 0, at "
        "least 20 needed",
        f"{path}: checked as a history file, 1 problem",
        "200 rows: 200 valid, 0 rejected",
    ]
    assert bahasa.stdout.splitlines()[0] == (
        "kolom mentored: terlalu sedikit baris yang didampingi yang dapat dipakai untuk "
        "mempelajari dampak pendampingan: 0, perlu paling sedikit 20"
    )


@pytest.mark.parametrize(
    ("answers", "read_as"),
    [
        (["Y", "T", "t", "Ya"], [True, False, False, True]),  # Y/T: T is tidak
        (["T", "F", "t", "false"], [True, False, True, False]),  # T/F: T is true
        (["ya", "tidak", "1", "0"], [True, False, True, False]),  # no T: as ever
    ],
    ids=["y-t", "t-f", "no-t"],
)
def test_t_is_read_by_the_column_it_stands_in(answers: list[str], read_as: list[bool]) -> None:
    frame = history_rows(4)
    frame["has_smartphone"] = pd.Series(answers, dtype=object)
    result = validate_frame(frame, "history")
    assert result.ok, [str(problem) for problem in result.problems]
    assert result.valid["has_smartphone"].tolist() == read_as


@pytest.mark.parametrize(
    "answers", [["T", "T", "T", "T"], ["T", "y", "f", "n"], ["T", "N", "T", "n"]]
)
def test_a_t_its_column_does_not_explain_is_refused_not_guessed(answers: list[str]) -> None:
    frame = history_rows(4)
    frame["has_smartphone"] = pd.Series(answers, dtype=object)
    result = validate_frame(frame, "history")
    refused = {(p.row, p.column, p.code) for p in result.problems}
    rows_with_t = {2 + i for i, answer in enumerate(answers) if answer == "T"}
    assert refused == {(row, "has_smartphone", "value_boolean_ambiguous_t") for row in rows_with_t}
    assert "tidak" in str(next(iter(result.problems)))
