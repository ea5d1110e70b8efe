"""`umkm validate` and `umkm simulate` speak in one style: the domain functions print nothing,
the problems and counts (data) go to stdout, errors to stderr as one `error:` line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from data import console
from data.messages import Language
from data.population import province_weighting
from data.validation import validate_file, write_quarantine
from data.writing import write_table
from tests.data.conftest import FIXTURES, history_rows
from umkm.cli import app


def test_validation_itself_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = validate_file(FIXTURES / "dozen_faults.csv")
    write_quarantine(result, tmp_path / "quarantine.csv")

    assert result.problems
    assert capsys.readouterr() == ("", "")


def test_problems_and_counts_go_to_stdout_only() -> None:
    result = CliRunner().invoke(app, ["validate", "--data", str(FIXTURES / "dozen_faults.csv")])

    assert result.exit_code == 1
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("row ")
    assert lines[-1].startswith("18 rows: ")


def test_an_unreadable_file_is_one_error_line_on_stderr(tmp_path: Path) -> None:
    fake = tmp_path / "photo.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    result = CliRunner().invoke(app, ["validate", "--data", str(fake)])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: {fake}: not an Excel .xlsx workbook (the file is not a zip archive)"
    ]


@pytest.mark.parametrize(("lang", "label"), [("id", "galat:"), ("en", "error:")])
def test_the_error_label_follows_lang(tmp_path: Path, lang: str, label: str) -> None:
    fake = tmp_path / "photo.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    result = CliRunner().invoke(app, ["validate", "--data", str(fake), "--lang", lang])

    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{label} {fake}: ")


@pytest.mark.parametrize(
    ("language", "labels"),
    [("id", ("galat:", "peringatan:", "catatan:")), ("en", ("error:", "warning:", "note:"))],
)
def test_message_labels_are_worded_in_the_language_given(
    capsys: pytest.CaptureFixture[str], language: Language, labels: tuple[str, str, str]
) -> None:
    console.error("e", language=language)
    console.warning("w", language=language)
    console.note("n", language=language)

    error, warning, note = labels
    assert capsys.readouterr().err.splitlines() == [f"{error} e", f"{warning} w", f"{note} n"]


def test_message_labels_are_english_without_a_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    console.error("e")
    console.note("n")

    assert capsys.readouterr().err.splitlines() == ["error: e", "note: n"]


def test_markup_like_text_in_a_file_is_printed_as_it_is(tmp_path: Path) -> None:
    """Cells are shown in messages; rich must not read `[bold]` or `:smile:` in them."""
    frame = history_rows(3).assign(owner_age=["[bold]x", ":smile:", "40"])
    path = write_table(frame, tmp_path / "markup.csv")

    result = CliRunner().invoke(app, ["validate", "--data", str(path)])

    assert result.exit_code == 1
    assert "[bold]x" in result.stdout
    assert ":smile:" in result.stdout


def test_validate_help_names_every_format_it_reads() -> None:
    result = CliRunner().invoke(app, ["validate", "--help"], env={"COLUMNS": "200"})

    assert result.exit_code == 0
    assert "CSV, Parquet or XLSX file" in result.stdout


def test_simulate_says_what_it_wrote(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["simulate", "--rows", "50", "--candidates", "7", "--output", str(tmp_path / "sim")]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"history: {tmp_path / 'sim' / 'history.parquet'} (50 mentoring records, seed 0)",
        f"candidates: {tmp_path / 'sim' / 'candidates.parquet'} (7 MSMEs to rank)",
        f"truth: {tmp_path / 'sim' / 'truth.parquet'} (the true effects, for evaluation only)",
        f"provinces: weighted {province_weighting()}",
    ]


def test_simulate_says_it_replaced_an_earlier_simulation(tmp_path: Path) -> None:
    folder = tmp_path / "sim"
    command = ["simulate", "--rows", "50", "--candidates", "7", "--output", str(folder)]
    assert CliRunner().invoke(app, command).exit_code == 0
    (folder / "notes.txt").write_text("mine", encoding="utf-8")

    again = CliRunner().invoke(app, [*command, "--seed", "1"])

    assert again.exit_code == 0, again.output
    assert " ".join(again.stderr.split()) == (
        f"note: replaced history.parquet, candidates.parquet, truth.parquet in {folder} "
        "(files of an earlier simulation)"
    )
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"  # only its own files


def test_simulate_in_the_other_format_removes_the_earlier_simulations_files(
    tmp_path: Path,
) -> None:
    """A folder holds one simulation: a CSV one over a Parquet one leaves no 40,000-row
    history.parquet beside the new history.csv, and says so; files it did not write stay."""
    folder = tmp_path / "sim40"
    command = ["simulate", "--rows", "60", "--candidates", "7", "--output", str(folder)]
    assert CliRunner().invoke(app, command).exit_code == 0
    (folder / "history.parquet.bak").write_text("mine", encoding="utf-8")
    (folder / "scores.parquet").write_text("mine", encoding="utf-8")

    csv = CliRunner().invoke(app, [*command, "--rows", "50", "--format", "csv"])

    assert csv.exit_code == 0, csv.output
    assert " ".join(csv.stderr.split()) == (
        f"note: removed history.parquet, candidates.parquet, truth.parquet from {folder} "
        "(files of an earlier simulation, in parquet)"
    )
    assert sorted(path.name for path in folder.iterdir()) == [
        "candidates.csv",
        "history.csv",
        "history.parquet.bak",
        "scores.parquet",
        "truth.csv",
    ]
    back = CliRunner().invoke(app, command)  # and back to Parquet
    assert back.exit_code == 0, back.output
    notes = [" ".join(line.split()) for line in back.stderr.split("note: ")[1:]]
    assert notes == [
        f"removed history.csv, candidates.csv, truth.csv from {folder} "
        "(files of an earlier simulation, in csv)"
    ]


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 rows"), (1, "1 row"), (2, "2 rows"), (1_000_000, "1,000,000 rows")],
)
def test_counts_are_said_in_english(count: int, expected: str) -> None:
    assert console.counted(count, "row") == expected


def test_a_single_record_is_said_as_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["simulate", "--rows", "1", "--candidates", "1", "--output", str(tmp_path / "sim")]
    )
    assert result.exit_code == 0, result.output
    assert "(1 mentoring record, seed 0)" in result.stdout
    assert "(1 MSME to rank)" in result.stdout
