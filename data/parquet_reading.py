"""Reading a Parquet contract file, its columns in their own types: whole (`read_parquet`, for
`data.io.read_table_info`) or some of its row groups (`read_parquet_row_groups`); and its row
groups cut into pieces, the tasks a large file is scored in (`parquet_pieces`).

Reading is bounded (`data.limits.ReadLimits`): `read_parquet` checks the file's metadata before
any row is read, then, as `read_parquet_row_groups` does when given limits, the sizes its pages
declare before any is decompressed (`data.parquet_pages`), and the rows and the bytes the text
decodes to as it is read. Nested columns (struct, list, map) are refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from data.errors import one_line
from data.limits import (
    DataFileError,
    DataLimitError,
    ReadLimits,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from data.parquet_pages import check_declared_pages, check_footer_size


def read_parquet(path: Path, limits: ReadLimits) -> pd.DataFrame:
    """Checked against the limits from its metadata before any row is read, then again as it
    is read (`read_parquet_row_groups`): the metadata is written by whoever made the file,
    and with an upload's limits its length is checked before pyarrow parses it."""
    if _bounded(limits):
        check_footer_size(path)
    try:
        metadata = pq.read_metadata(path)
    except (pa.ArrowException, OSError, ValueError) as error:
        raise DataFileError(
            f"{path}: not a readable Parquet file: {one_line(error)}", code="file_not_parquet"
        ) from error
    if limits.max_rows is not None and metadata.num_rows > limits.max_rows:
        raise too_many_rows(str(path), metadata.num_rows, limits.max_rows)
    if limits.max_columns is not None and metadata.num_columns > limits.max_columns:
        raise too_many_columns(str(path), metadata.num_columns, limits.max_columns)
    cells = (metadata.num_rows + 1) * metadata.num_columns
    if limits.max_cells is not None and cells > limits.max_cells:
        raise too_many_cells(str(path), cells, limits.max_cells)
    unpacked = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if limits.max_unzipped_bytes is not None and unpacked > limits.max_unzipped_bytes:
        raise _unpacks_to(path, unpacked, limits.max_unzipped_bytes)
    return _read_row_groups(path, None, limits, metadata)


def _bounded(limits: ReadLimits) -> bool:
    """Whether ``limits`` are an upload's (the CLI's own files are read as they are)."""
    return limits.max_rows is not None or limits.max_unzipped_bytes is not None


def _unpacks_to(path: Path, found: int, limit: int, *, at_least: bool = False) -> DataLimitError:
    more = "at least " if at_least else ""
    return DataLimitError(
        f"{path}: the file unpacks to {more}{found:,} bytes; at most {limit:,} are read here",
        code="unzipped_too_large",
        found=found,
        limit=limit,
    )


def _decoded_bytes(column: pa.Array) -> int:
    """What a column takes once its dictionary is decoded: a dictionary's values counted as
    often as rows use them (one short page can repeat a long text a million times)."""
    if isinstance(column, pa.DictionaryArray):
        lengths = pc.binary_length(column.dictionary)
        used: int = pc.sum(pc.take(lengths, column.indices)).as_py() or 0
        indices: int = column.indices.nbytes
        return used + indices + 4 * len(column)
    return int(column.nbytes)


def read_parquet_row_groups(
    path: Path | str,
    row_groups: Sequence[int] | None = None,
    *,
    limits: ReadLimits | None = None,
) -> pd.DataFrame:
    """A Parquet file, or only some of its row groups, as `read_table` reads Parquet.

    Nested columns (struct, list, map) are refused: the contract's cells are plain values.
    With ``limits`` (an upload's), the pages' declared sizes are summed from their headers
    before any is decompressed, then the text columns are read as dictionaries and the table is
    counted, rows and bytes as decoded, before they are decoded: a dictionary-encoded page of a
    few kilobytes can decode to gigabytes (the metadata's sizes are the encoded ones). Without,
    as the file holds them (training's and Dask's own files).
    """
    path = Path(path)
    limits = limits or ReadLimits()
    if _bounded(limits):
        check_footer_size(path)
    return _read_row_groups(path, row_groups, limits, None)


def _read_row_groups(
    path: Path,
    row_groups: Sequence[int] | None,
    limits: ReadLimits,
    metadata: pq.FileMetaData | None,
) -> pd.DataFrame:
    """`read_parquet_row_groups`, the footer parsed once (``metadata``, when already read)."""
    try:
        if metadata is None:
            metadata = pq.read_metadata(path)
        schema = metadata.schema.to_arrow_schema()  # unlike pq.read_table, allows duplicate names
        nested = [
            f"{field.name} ({field.type})" for field in schema if pa.types.is_nested(field.type)
        ]
        if nested:
            raise DataFileError(
                f"{path}: columns holding nested values (lists, structs or maps) cannot be "
                f"read: {', '.join(nested[:5])}; store one plain value per cell",
                code="file_nested_columns",
                params={"columns": [name.split(" (")[0] for name in nested[:5]]},
            )
        if not _bounded(limits):
            source = pq.ParquetFile(path, metadata=metadata)
            groups = None if row_groups is None else list(row_groups)
            table = source.read() if groups is None else source.read_row_groups(groups)
        else:
            text = [i for i, field in enumerate(schema) if _is_text(field.type)]
            source = pq.ParquetFile(
                path, metadata=metadata, read_dictionary=sorted({schema[i].name for i in text})
            )
            if limits.max_unzipped_bytes is not None:
                walked = range(metadata.num_row_groups) if row_groups is None else row_groups
                check_declared_pages(path, metadata, walked, max_unpacked=limits.max_unzipped_bytes)
            table = _read_counted(
                path, source, schema, row_groups=row_groups, limits=limits, text=text
            )
        names = [str(name) for name in table.column_names]
        if len(set(names)) == len(names):
            frame: pd.DataFrame = table.to_pandas()
            return frame
        # Duplicate names: pandas refuses them, and validation wants to report them.
        columns = [table.column(i).to_pandas() for i in range(table.num_columns)]
    except (pa.ArrowException, OSError, ValueError, TypeError, IndexError) as error:
        raise DataFileError(
            f"{path}: not a readable Parquet file: {one_line(error)}", code="file_not_parquet"
        ) from error
    frame = pd.concat(columns, axis=1, ignore_index=True) if columns else pd.DataFrame()
    frame.columns = pd.Index(names, dtype=object)
    return frame


def _is_text(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
    )


def _read_counted(
    path: Path,
    source: pq.ParquetFile,
    schema: pa.Schema,
    *,
    row_groups: Sequence[int] | None,
    limits: ReadLimits,
    text: Sequence[int],
) -> pa.Table:
    """``source`` read with its ``text`` columns as dictionaries, its rows and decoded bytes
    counted, then those columns decoded back to their type in ``schema`` (the file's own)."""
    groups = None if row_groups is None else list(row_groups)
    table = source.read() if groups is None else source.read_row_groups(groups)
    if limits.max_rows is not None and table.num_rows > limits.max_rows:
        raise too_many_rows(str(path), table.num_rows, limits.max_rows)
    unpacked = sum(_decoded_bytes(chunk) for column in table.columns for chunk in column.chunks)
    if limits.max_unzipped_bytes is not None and unpacked > limits.max_unzipped_bytes:
        raise _unpacks_to(path, unpacked, limits.max_unzipped_bytes)
    for i in text:
        table = table.set_column(i, schema.field(i), table.column(i).cast(schema[i].type))
    return table


def parquet_pieces(path: Path | str, rows_per_piece: int) -> list[tuple[Path, tuple[int, ...]]]:
    """Consecutive row groups of a Parquet file, about `rows_per_piece` rows each (a row group
    is never split): how a large file is cut into tasks."""
    path = Path(path)
    try:
        metadata = pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError) as error:
        raise DataFileError(
            f"{path}: not a readable Parquet file: {one_line(error)}", code="file_not_parquet"
        ) from error
    pieces: list[tuple[Path, tuple[int, ...]]] = []
    current: list[int] = []
    rows = 0
    for group in range(metadata.num_row_groups):
        current.append(group)
        rows += metadata.row_group(group).num_rows
        if rows >= rows_per_piece:
            pieces.append((path, tuple(current)))
            current, rows = [], 0
    if current:
        pieces.append((path, tuple(current)))
    return pieces
