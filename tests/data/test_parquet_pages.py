"""The sizes a Parquet file's pages declare, read from their headers before pyarrow decompresses
any: honest files are read as before, a footer that understates its pages is caught first."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.io import DataFileError, DataLimitError, ReadLimits, read_table
from data.parquet_pages import check_declared_pages, check_footer_size, read_page_header
from tests.data import bombs
from tests.data.bombs import padded_varint, varint

CODECS = ["none", "snappy", "gzip", "brotli", "lz4", "zstd"]


def _table(rows: int = 3_000) -> pa.Table:
    return pa.table(
        {
            "msme_id": [f"M{i:06d}" for i in range(rows)],
            "province_code": [str(31 + i % 8) for i in range(rows)],
            "workers": list(range(rows)),
            "owner_age": [None if i % 7 == 0 else 20.5 + i % 40 for i in range(rows)],
        }
    )


def _declared_by_footer(path: Path) -> int:
    metadata = pq.read_metadata(path)
    return sum(
        metadata.row_group(g).column(c).total_uncompressed_size
        for g in range(metadata.num_row_groups)
        for c in range(metadata.num_columns)
    )


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_honest_files_declare_what_their_footer_says(
    tmp_path: Path, codec: str, version: str
) -> None:
    path = tmp_path / "honest.parquet"
    pq.write_table(
        _table(),
        path,
        compression=codec,
        data_page_version=version,
        row_group_size=1_000,
        data_page_size=2_000,
    )
    metadata = pq.read_metadata(path)

    declared = check_declared_pages(
        path, metadata, range(metadata.num_row_groups), max_unpacked=1 << 30
    )

    # The footer's sizes count the page headers too (a few tens of bytes per page).
    footer = _declared_by_footer(path)
    assert 0.8 * footer < declared <= footer
    assert read_table(path, limits=ReadLimits.for_upload(100_000)).shape == (3_000, 4)


def test_only_the_row_groups_read_are_walked(tmp_path: Path) -> None:
    path = tmp_path / "groups.parquet"
    pq.write_table(_table(), path, row_group_size=1_000)
    metadata = pq.read_metadata(path)

    each = [check_declared_pages(path, metadata, [g], max_unpacked=1 << 30) for g in range(3)]

    assert all(size > 0 for size in each)
    assert check_declared_pages(path, metadata, range(3), max_unpacked=1 << 30) == sum(each)


def test_a_footer_understating_its_pages_is_refused_before_they_decompress(
    tmp_path: Path,
) -> None:
    path = bombs.parquet_understated_pages(tmp_path / "small.parquet", rows=4, text_bytes=1 << 20)
    limits = ReadLimits(max_unzipped_bytes=3 << 20)
    assert pq.read_metadata(path).row_group(0).total_byte_size == 1024  # what the footer says

    with pytest.raises(DataLimitError) as refused:
        read_table(path, limits=limits)

    assert refused.value.code == "unzipped_too_large"
    # The texts, their 4-byte lengths and the page's few bytes of definition levels.
    assert 4 * (1 << 20) + 4 * 4 < refused.value.found < 4 * (1 << 20) + 64
    assert "as their headers declare; at most 3,145,728" in str(refused.value)
    # Within a larger bound, the same file reads as written.
    frame = read_table(path, limits=ReadLimits(max_unzipped_bytes=5 << 20))
    assert frame["msme_id"].str.len().tolist() == [1 << 20] * 4


def test_a_file_cut_into_too_many_pages_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pages.parquet"
    pq.write_table(_table(), path, row_group_size=100)  # 30 groups of 4 columns
    metadata = pq.read_metadata(path)

    with pytest.raises(DataFileError) as refused:
        check_declared_pages(path, metadata, range(30), max_unpacked=1 << 30, max_pages=100)

    assert refused.value.code == "file_too_many_pages"
    assert refused.value.params == {"limit": 100}
    assert "more than 100 pages" in str(refused.value)
    assert check_declared_pages(path, metadata, range(30), max_unpacked=1 << 30, max_pages=240)


def test_an_unreadable_page_header_names_its_row_group_column_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    pq.write_table(_table(), path, row_group_size=1_000, use_dictionary=False)
    chunk = pq.read_metadata(path).row_group(1).column(2)
    data = bytearray(path.read_bytes())
    data[chunk.data_page_offset] = 0xFF  # a field of type 15: no such type
    path.write_bytes(bytes(data))

    with pytest.raises(DataFileError) as refused:
        read_table(path, limits=ReadLimits.for_upload(100_000))

    assert refused.value.code == "file_not_parquet"
    assert (
        f"row group 1, column 'workers': the page header at byte {chunk.data_page_offset:,} "
        "cannot be read"
    ) in str(refused.value)


@pytest.mark.parametrize("codec", ["zstd", "gzip", "snappy", "lz4", "brotli"])
def test_a_page_longer_than_its_header_declares_is_not_decompressed(
    tmp_path: Path, codec: str
) -> None:
    """What bounds a page's memory is its header's size: pyarrow refuses a page that would
    decompress past it (checked here so that a pyarrow upgrade cannot change it unseen)."""
    path = bombs.parquet_understated_pages(
        tmp_path / "lying.parquet", rows=4, text_bytes=1 << 20, compression=codec
    )
    start = pq.read_metadata(path).row_group(0).column(0).data_page_offset
    with path.open("rb") as handle:
        handle.seek(start)
        declared = read_page_header(handle).unpacked
    data = bytearray(path.read_bytes())
    honest = varint(declared << 1)
    at = data.index(honest, start)
    data[at : at + len(honest)] = padded_varint(1_000 << 1, len(honest))
    path.write_bytes(bytes(data))
    with path.open("rb") as handle:
        handle.seek(start)
        assert read_page_header(handle).unpacked == 1_000

    with pytest.raises(DataFileError) as refused:
        read_table(path, limits=ReadLimits.for_upload(100_000))

    assert refused.value.code == "file_not_parquet"


def test_a_footer_longer_than_the_limit_is_refused_before_pyarrow_parses_it(
    tmp_path: Path,
) -> None:
    path = bombs.parquet_large_footer(tmp_path / "groups.parquet", groups=200, columns=4)
    declared = int.from_bytes(path.read_bytes()[-8:-4], "little")

    with pytest.raises(DataFileError) as refused:
        check_footer_size(path, limit=declared - 1)

    assert refused.value.code == "file_parquet_footer_too_large"
    assert refused.value.params == {"found": declared, "limit": declared - 1}
    check_footer_size(path, limit=declared)  # at the limit: read
    assert len(read_table(path, limits=ReadLimits.for_upload(100_000))) == 200


def test_what_is_not_a_parquet_footer_is_left_to_pyarrow(tmp_path: Path) -> None:
    path = tmp_path / "text.parquet"
    path.write_bytes(b"msme_id\n" + b"x" * 100)
    check_footer_size(path, limit=1)  # no closing mark: not a footer to measure
    with pytest.raises(DataFileError) as refused:
        read_table(path, limits=ReadLimits.for_upload(100_000))
    assert refused.value.code == "file_not_parquet"


def test_the_cli_reads_a_large_footer_as_it_is(tmp_path: Path) -> None:
    """Without an upload's limits (a data scientist's own file) no footer bound applies."""
    path = bombs.parquet_large_footer(tmp_path / "groups.parquet", groups=300, columns=2)
    assert len(read_table(path)) == 300
