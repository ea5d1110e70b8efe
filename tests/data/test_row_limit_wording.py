"""A file past the row limit is read only up to the limit plus one row: its message says "more
than" the limit, never that count as the file's size."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.io import DataLimitError, ReadLimits, read_table_info
from data.messages import Language, render


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "more than 100,000 data rows"), ("id", "lebih dari 100.000 baris data")],
)
def test_a_csv_over_the_limit_is_said_to_have_more_than_it(
    tmp_path: Path, language: Language, said: str
) -> None:
    path = tmp_path / "besar.csv"
    path.write_text("msme_id,owner_age\n" + "".join(f"U{i},40\n" for i in range(100_050)))

    with pytest.raises(DataLimitError) as raised:
        read_table_info(path, limits=ReadLimits(max_rows=100_000))

    error = raised.value
    assert (error.found, error.limit) == (100_001, 100_000)  # where reading stopped
    text = render(error.code, error.params, language)
    assert said in text
    assert "100,001" not in text and "100.001" not in text
