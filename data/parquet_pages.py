"""What a Parquet file declares about itself, checked before pyarrow acts on it: the size of
its footer before pyarrow parses it (`check_footer_size`), and what its pages say they
decompress to, read from their headers before pyarrow decompresses any (`check_declared_pages`).

pyarrow parses the whole footer (the file's metadata: every row group and column chunk) when it
opens a file: a 72 MB upload cut into 17,000 row groups of one row makes a footer that costs
about 600 MB to parse. A file of the rows an upload allows needs far less than
`MAX_FOOTER_BYTES`.

pyarrow gives each page a buffer of the decompressed size its header states and decompresses
into it. The footer's sizes (of row groups and column chunks), which `data.parquet_reading`
checks first, are written apart from the pages and can understate them: a 200 KB file whose
footer says a few bytes can hold a page that decompresses to 2 GB. The headers are walked here
as pyarrow's page reader walks them (from the column chunk's first page, while the data pages
have not yet given the chunk's values and the chunk's bytes last), so every page pyarrow would
decompress is counted first.

The headers are Thrift structures (compact protocol), read with Apache Thrift's own reader.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyarrow.parquet as pq
from thrift.protocol.TCompactProtocol import TCompactProtocol
from thrift.Thrift import TException, TType
from thrift.transport.TTransport import TFileObjectTransport

from data.limits import DataFileError, DataLimitError

# A footer (the file's metadata) larger than this is refused before pyarrow parses it: 100,000
# rows of 256 columns in row groups of 10,000 rows, with statistics, take under 1 MB, and a
# file within `MAX_PAGES` has at most 10,000 column chunks (about 60-300 bytes each). Parsing a
# footer of just under 4 MiB adds about 120 MB of memory.
MAX_FOOTER_BYTES = 4 * 1024 * 1024
_MAGIC = b"PAR1"
# A file cut into more pages than this is refused before its pages are walked further: an
# upload within the row limit, written by pyarrow, Spark or pandas (pages of 1 MB or 20,000
# rows), has tens to a few thousand. Walking 10,000 headers takes about a quarter of a second.
MAX_PAGES = 10_000
# pyarrow reads a page header of at most 16 MB; the texts in one (a page's statistics) are
# bounded alike, and a header holds no lists.
_MAX_HEADER_TEXT = 16 * 1024 * 1024
_MAX_HEADER_LIST = 1_000

# parquet.thrift: PageHeader's fields (a data page's own header holds its num_values as field 1).
_UNCOMPRESSED_SIZE, _COMPRESSED_SIZE = 2, 3
_DATA_PAGE, _DATA_PAGE_V2 = 5, 8
_UNREADABLE = (
    TException,
    OSError,
    EOFError,
    AssertionError,  # Thrift's reader checks its own state with asserts
    KeyError,  # an unknown field type
    IndexError,
    ValueError,
    OverflowError,
    struct.error,
)


class _HeaderProtocol(TCompactProtocol):  # type: ignore[misc]
    """Thrift's compact reader, skipping texts as bytes: a page's statistics are binary, and
    Thrift's own `skip` would decode them as UTF-8."""

    def skip(self, ttype: int, max_depth: int = 64) -> None:
        if ttype == TType.STRING:
            self.readBinary()
        else:  # containers and structs come back here for their members, 64 deep at most
            super().skip(ttype, max_depth)


@dataclass(frozen=True)
class PageHeader:
    """What one page header declares: its sizes, and the values of a data page (0 otherwise)."""

    unpacked: int
    packed: int
    values: int


def read_page_header(handle: IO[bytes]) -> PageHeader:
    """The page header at ``handle``'s position, leaving it at the page's first byte.

    Raises the reader's own errors (see `_UNREADABLE`) on bytes that are not a page header.
    """
    protocol = _HeaderProtocol(
        TFileObjectTransport(handle),
        string_length_limit=_MAX_HEADER_TEXT,
        container_length_limit=_MAX_HEADER_LIST,
    )
    fields = _fields(
        protocol,
        {
            _UNCOMPRESSED_SIZE: TType.I32,
            _COMPRESSED_SIZE: TType.I32,
            _DATA_PAGE: TType.STRUCT,
            _DATA_PAGE_V2: TType.STRUCT,
        },
    )
    unpacked, packed = fields.get(_UNCOMPRESSED_SIZE), fields.get(_COMPRESSED_SIZE)
    if unpacked is None or packed is None or unpacked < 0 or packed < 0:
        raise ValueError(f"page sizes missing or negative ({unpacked}, {packed})")
    values = fields.get(_DATA_PAGE, fields.get(_DATA_PAGE_V2, 0))
    return PageHeader(unpacked=unpacked, packed=packed, values=values)


def _fields(protocol: _HeaderProtocol, wanted: Mapping[int, int]) -> dict[int, int]:
    """The fields of the struct at the reader's position that ``wanted`` names with their type:
    an I32 as its value, a struct as its own field 1 (a page kind's num_values); the rest
    (the page's type, checksum, a dictionary page's header, statistics) skipped."""
    found: dict[int, int] = {}
    protocol.readStructBegin()
    while True:
        _, kind, field = protocol.readFieldBegin()
        if kind == TType.STOP:
            break
        if wanted.get(field) == kind == TType.I32:
            found[field] = int(protocol.readI32())
        elif wanted.get(field) == kind == TType.STRUCT:
            found[field] = _fields(protocol, {1: TType.I32}).get(1, 0)
        else:
            protocol.skip(kind)
        protocol.readFieldEnd()
    protocol.readStructEnd()
    return found


def check_footer_size(path: Path, limit: int = MAX_FOOTER_BYTES) -> None:
    """Refuse (`DataFileError` ``file_parquet_footer_too_large``) a file whose footer, as its
    last 8 bytes declare it, is longer than ``limit``; files too short or without Parquet's
    closing mark are left to pyarrow, which names what is wrong."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        if size < 12:
            return
        handle.seek(size - 8)
        tail = handle.read(8)
    if tail[4:] != _MAGIC:
        return
    footer = int.from_bytes(tail[:4], "little")
    if footer > limit:
        raise DataFileError(
            f"{path}: the file's metadata (its footer) takes {footer:,} bytes; at most "
            f"{limit:,} are read here (write it in fewer, larger row groups)",
            code="file_parquet_footer_too_large",
            params={"found": footer, "limit": limit},
        )


def check_declared_pages(
    path: Path,
    metadata: pq.FileMetaData,
    row_groups: Sequence[int],
    *,
    max_unpacked: int,
    max_pages: int = MAX_PAGES,
) -> int:
    """The bytes the pages of ``row_groups`` declare they decompress to, summed over every
    page pyarrow would decompress to read them; refused (`DataLimitError`
    ``unzipped_too_large``) as soon as the sum passes ``max_unpacked``, and refused as
    unreadable (`DataFileError`) past ``max_pages`` pages or at a header that cannot be read."""
    size = path.stat().st_size
    total = pages = 0
    with path.open("rb") as handle:
        for group in row_groups:
            chunks = metadata.row_group(group)
            for column in range(chunks.num_columns):
                chunk = chunks.column(column)
                start = chunk.data_page_offset
                dictionary = chunk.dictionary_page_offset
                if chunk.has_dictionary_page and dictionary and 0 < dictionary < start:
                    start = dictionary
                end = min(start + chunk.total_compressed_size, size)
                position, values = start, 0
                while position < end and values < chunk.num_values:
                    pages += 1
                    if pages > max_pages:
                        raise _too_many_pages(path, max_pages)
                    try:
                        handle.seek(position)  # a negative offset is the footer's to answer for
                        page = read_page_header(handle)
                    except _UNREADABLE as error:
                        raise _unreadable_header(path, group, chunk.path_in_schema, position) from (
                            error
                        )
                    total += page.unpacked
                    if total > max_unpacked:
                        raise DataLimitError(
                            f"{path}: its pages unpack to at least {total:,} bytes, as their "
                            f"headers declare; at most {max_unpacked:,} are read here",
                            code="unzipped_too_large",
                            found=total,
                            limit=max_unpacked,
                        )
                    values += page.values
                    position = handle.tell() + page.packed
    return total


def _too_many_pages(path: Path, limit: int) -> DataFileError:
    return DataFileError(
        f"{path}: the file is cut into more than {limit:,} pages; at most {limit:,} are read "
        "here (write it again with the default page size)",
        code="file_too_many_pages",
        params={"limit": limit},
    )


def _unreadable_header(path: Path, group: int, column: str, position: int) -> DataFileError:
    return DataFileError(
        f"{path}: not a readable Parquet file: row group {group}, column {column!r}: the page "
        f"header at byte {position:,} cannot be read",
        code="file_not_parquet",
    )
