"""Fixtures of the page's API tests: the session's candidates as the files a region would send."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture(scope="module")
def candidates_csv(
    candidate_frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> bytes:
    """All candidates as CSV bytes, written by `data.writing.write_table`."""
    from data.writing import write_table

    path = write_table(candidate_frame, tmp_path_factory.mktemp("web") / "kandidat.csv")
    return path.read_bytes()


def csv_bytes(frame: pd.DataFrame, folder: Path, name: str = "kandidat.csv") -> bytes:
    """A frame as the bytes of a CSV (or XLSX, by `name`) file."""
    from data.writing import write_table

    return write_table(frame, folder / name).read_bytes()
