"""Hostile and broken data files, built small, and the peak memory it takes to refuse each.

Tests import the builders; `uv run python -m tests.data.bombs` measures every bomb at full size
(as tried in issue 10) and prints the table of docs/results.md.
"""

from __future__ import annotations

import io
import multiprocessing
import sys
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
UPLOAD_ROWS = 100_000  # the service's default max_prioritize_msmes

_WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHEET_PART = "xl/worksheets/sheet1.xml"
WORKBOOK_PART = "xl/workbook.xml"


def _content_types(workbook_part: str = WORKBOOK_PART, sheet_part: str = SHEET_PART) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{workbook_part}" ContentType="{_WORKBOOK_TYPE}"/>'
        f'<Override PartName="/{sheet_part}" ContentType="{_SHEET_TYPE}"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_STRINGS_TYPE}"/>'
        "</Types>"
    )


def _root_rels(workbook_part: str = WORKBOOK_PART) -> str:
    return (
        f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
        f'Target="{workbook_part}"/></Relationships>'
    )


def _workbook_rels(sheet_target: str = "worksheets/sheet1.xml") -> str:
    """The workbook's relationships; `sheet_target` relative to the workbook's folder, or from
    the package's root (`/xl/...`)."""
    return (
        f'<Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="{sheet_target}"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )


def rels_part(part: str) -> str:
    """Where a part's relationships are (`xl/_rels/workbook.xml.rels` for `xl/workbook.xml`)."""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


_CONTENT_TYPES = _content_types()
_ROOT_RELS = _root_rels()
_WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = _workbook_rels()


def workbook(
    path: Path,
    rows: Iterable[bytes],
    *,
    shared_strings: Iterable[bytes] = (b"<si><t>msme_id</t></si>",),
    dimension: str | None = None,
    prolog: bytes = b"",
    sheet_part: str = SHEET_PART,
    workbook_part: str = WORKBOOK_PART,
    workbook_padding: int = 0,
    parts: Mapping[str, Iterable[bytes]] | None = None,
) -> Path:
    """A minimal .xlsx whose sheet holds `rows` (raw `<row>` XML) and whose shared-strings part
    holds `shared_strings` (raw `<si>` XML); both streamed into the zip, so a part may be large.

    The sheet and the workbook are the parts `sheet_part` and `workbook_part` (named so by the
    content types and the relationships, whatever their names); the workbook part holds
    `workbook_padding` spaces; `parts` are more parts, by name, streamed alike."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _content_types(workbook_part, sheet_part))
        archive.writestr("_rels/.rels", _root_rels(workbook_part))
        with archive.open(workbook_part, "w", force_zip64=True) as part:
            part.write(_WORKBOOK[:-11].encode())
            for piece in _repeat(b" ", workbook_padding):
                part.write(piece)
            part.write(_WORKBOOK[-11:].encode())
        folder = workbook_part.rpartition("/")[0] + "/"
        target = sheet_part[len(folder) :] if sheet_part.startswith(folder) else f"/{sheet_part}"
        archive.writestr(rels_part(workbook_part), _workbook_rels(target))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}">'.encode())
            for item in shared_strings:
                part.write(item)
            part.write(b"</sst>")
        with archive.open(sheet_part, "w", force_zip64=True) as part:
            part.write(prolog + f'<worksheet xmlns="{MAIN}">'.encode())
            if dimension is not None:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            for row in rows:
                part.write(row)
            part.write(b"</sheetData></worksheet>")
        for name, pieces in (parts or {}).items():
            with archive.open(name, "w", force_zip64=True) as part:
                for piece in pieces:
                    part.write(piece)
    return path


def _header() -> bytes:
    return b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'


def _repeat(chunk: bytes, total: int) -> Iterable[bytes]:
    """`total` bytes of `chunk` repeated, a megabyte at a time."""
    block = chunk * max(1, (1 << 20) // len(chunk))
    written = 0
    while written < total:
        piece = block[: total - written]
        written += len(piece)
        yield piece


# ------------------------------------------------------------------------------ the bombs


def xlsx_far_cell(path: Path) -> Path:
    """One value at XFD1048576 (the last cell of a sheet), declared as the used range."""
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return workbook(path, [_header(), far], dimension="A1:XFD1048576")


def xlsx_far_cell_undeclared(path: Path) -> Path:
    """The same cell with no `<dimension>`: only the streaming count can see it."""
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return workbook(path, [_header(), far])


def xlsx_gr20000(path: Path) -> Path:
    """One value at GR20000: 200 columns × 20,000 rows of grid once padded."""
    far = b'<row r="20000"><c r="GR20000"><v>1</v></c></row>'
    return workbook(path, [_header(), far], dimension="A1:GR20000")


def xlsx_huge_shared_string(path: Path, size: int = 16 << 20) -> Path:
    """One shared string of `size` bytes (issue 10 tried 1.5 GB in a 1.46 MB workbook)."""
    text = [b"<si><t>msme_id</t></si><si><t>", *_repeat(b"A", size), b"</t></si>"]
    row = b'<row r="2"><c r="A2" t="s"><v>1</v></c></row>'
    return workbook(path, [_header(), row], shared_strings=text)


def xlsx_huge_inline_cell(path: Path, size: int = 16 << 20) -> Path:
    """One inline-string cell of `size` bytes in the sheet itself."""
    cell = [b'<row r="2"><c r="A2" t="inlineStr"><is><t>', *_repeat(b"B", size), b"</t></is></c>"]
    return workbook(path, [_header(), *cell, b"</row>"])


def xlsx_many_strings(path: Path, count: int = 5_000_000) -> Path:
    """`count` empty shared strings (five bytes each)."""
    strings = [b"<si><t>msme_id</t></si>", *_repeat(b"<si/>", 5 * count)]
    return workbook(path, [_header()], shared_strings=strings)


def xlsx_empty_rows(path: Path, count: int = 5_000_000) -> Path:
    """`count` empty `<row/>` elements: no value, but an object each while openpyxl sizes it."""
    return workbook(path, [_header(), *_repeat(b"<row/>", 6 * count)])


def xlsx_renamed_sheet_rows(
    path: Path, count: int = 20_000_000, sheet_part: str = "xl/sheet1.dat"
) -> Path:
    """`count` empty rows, no `<dimension>`, in a sheet the workbook's relationships name
    `sheet_part`: outside `xl/worksheets/`, or not `.xml` (a 120 MB part in 180 KB)."""
    return workbook(path, [_header(), *_repeat(b"<row/>", 6 * count)], sheet_part=sheet_part)


def xlsx_large_workbook_part(
    path: Path, size: int = 64 << 20, workbook_part: str = "xl/book.bin"
) -> Path:
    """A workbook part of `size` bytes (spaces), named `workbook_part` by the content types."""
    return workbook(path, [_header()], workbook_part=workbook_part, workbook_padding=size)


def xlsx_large_part(path: Path, name: str, size: int = 64 << 20) -> Path:
    """A workbook with one more part, `name`, of `size` bytes of spaces inside a
    relationships element (a sheet's relationships, parsed whole by openpyxl, when `name`
    is `xl/worksheets/_rels/sheet1.xml.rels`)."""
    head = f'<Relationships xmlns="{PKG_REL}">'.encode()
    pieces = [head, *_repeat(b" ", size), b"</Relationships>"]
    return workbook(path, [_header()], parts={name: pieces})


def xlsx_many_parts(path: Path, count: int = 700_000) -> Path:
    """A readable workbook and `count` more empty parts (issue: 700,000 in 63 MB)."""
    workbook(path, [_header(), b'<row r="2"><c r="A2" t="inlineStr"><is><t>H1</t></is></c></row>'])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        for number in range(count):
            archive.writestr(f"e/{number}", b"")
    return path


def xlsx_row_number(path: Path, reference: str) -> Path:
    """A second row whose `r` is `reference` (`inf`, `1e400`, `-1`, ...)."""
    row = f'<row r="{reference}"><c t="inlineStr"><is><t>H1</t></is></c></row>'.encode()
    return workbook(path, [_header(), row])


def xlsx_entities(path: Path) -> Path:
    """A billion-laughs DTD ahead of the sheet."""
    lol = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
    return workbook(path, [_header(), row], prolog=b'<?xml version="1.0"?>' + lol)


def xlsx_truncated_xml(path: Path) -> Path:
    """A sheet whose XML stops mid-element."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/workbook.xml", _WORKBOOK),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}"><si><t>msme_id</t></si></sst>'),
        ):
            archive.writestr(name, text)
        archive.writestr(
            "xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r='
        )
    path.write_bytes(buffer.getvalue())
    return path


def parquet_rows(path: Path, rows: int = 20_000_000) -> Path:
    """`rows` rows of one all-null column: about a kilobyte per million rows."""
    pq.write_table(pa.table({"msme_id": pa.nulls(rows, pa.string())}), path)
    return path


def parquet_dictionary_text(path: Path, rows: int = UPLOAD_ROWS, text_bytes: int = 20_000) -> Path:
    """Every row the same long text, dictionary-encoded and without the Arrow schema (so it
    reads back as plain text): about 250 KB on disk, `rows` × `text_bytes` once decoded (2 GB)."""
    names = pa.DictionaryArray.from_arrays(
        pa.array([0] * rows, pa.int32()), pa.array(["x" * text_bytes])
    )
    ids = pa.array([f"M{i}" for i in range(rows)])
    pq.write_table(
        pa.table({"msme_id": ids, "business_name": names}),
        path,
        compression="zstd",
        store_schema=False,
    )
    return path


def parquet_understated_pages(
    path: Path,
    rows: int = 100,
    text_bytes: int = 6 << 20,
    footer_says: int = 1024,
    compression: str = "zstd",
) -> Path:
    """One page of `rows` texts of `text_bytes` (600 MB), compressed to about 20 KB, in a file
    whose footer says its row group and column hold `footer_says` bytes: only the page's own
    header tells what it decompresses to."""
    texts = pa.array(["x" * text_bytes] * rows)
    pq.write_table(
        pa.table({"msme_id": texts}),
        path,
        compression=compression,
        use_dictionary=False,
        write_statistics=False,
        store_schema=False,
    )
    chunks = pq.read_metadata(path).row_group(0)
    data = bytearray(path.read_bytes())
    end = len(data) - 8  # the footer, then its length (4 bytes) and b"PAR1"
    start = end - int.from_bytes(data[end : end + 4], "little")
    footer = bytes(data[start:end])
    for size in {chunks.total_byte_size, chunks.column(0).total_uncompressed_size}:
        honest = varint(size << 1)  # Thrift's compact protocol: a zigzag varint
        assert honest in footer, size
        footer = footer.replace(honest, padded_varint(footer_says << 1, len(honest)))
    data[start:end] = footer
    path.write_bytes(bytes(data))
    return path


def varint(number: int) -> bytes:
    out = bytearray()
    while number >= 0x80:
        out.append(number & 0x7F | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def padded_varint(number: int, length: int) -> bytes:
    """`number` as a varint of `length` bytes (continuation bytes of zeros): the footer keeps
    its length, so nothing after it moves."""
    out = bytearray(varint(number))
    out[-1] |= 0x80
    return bytes(out) + b"\x80" * (length - len(out) - 1) + b"\x00"


def parquet_many_pages(path: Path, rows: int = 60_000, per_group: int = 10) -> Path:
    """`rows` rows in row groups of `per_group`: 12,000 pages of two columns, within the row
    limit."""
    ids = [f"M{i}" for i in range(rows)]
    pq.write_table(
        pa.table({"msme_id": ids, "workers": list(range(rows))}), path, row_group_size=per_group
    )
    return path


def parquet_large_footer(path: Path, groups: int = 16_000, columns: int = 40) -> Path:
    """`groups` row groups of one row and `columns` columns: a footer of about 60 bytes per
    column chunk (38 MB of a 68 MB file, within the upload's byte limit), which pyarrow parses
    whole when it opens the file."""
    zeros = pa.array([0] * groups, pa.int8())
    table = pa.table({f"c{i}": zeros for i in range(columns)})
    pq.write_table(table, path, row_group_size=1, compression="none", write_statistics=False)
    return path


def parquet_struct(path: Path) -> Path:
    """A struct column where the contract wants plain values."""
    ids = pa.array([{"a": 1}, {"a": 2}], pa.struct([("a", pa.int64())]))
    pq.write_table(pa.table({"msme_id": ids, "owner_age": [30, 40]}), path)
    return path


def csv_rows(path: Path, rows: int = UPLOAD_ROWS + 50_000) -> Path:
    path.write_bytes(b"msme_id\n" + b"x\n" * rows)
    return path


def csv_wide(path: Path, columns: int = 100_000) -> Path:
    path.write_bytes(b",".join(b"c%d" % i for i in range(columns)) + b"\n" + b"1\n")
    return path


def csv_wide_line(path: Path, size: int = 8 << 20) -> Path:
    """One line `msme_id,ab,ab,…` of `size` bytes (the audit tried 72 MB: 24 million fields)."""
    with path.open("wb") as handle:
        handle.write(b"msme_id")
        for piece in _repeat(b",ab", size - 8):
            handle.write(piece)
        handle.write(b"\n")
    return path


def csv_wide_row(path: Path, size: int = 8 << 20) -> Path:
    """A table whose spreadsheet row 30, below the rows searched for a header, is one line
    `U30,ab,ab,…` of `size` bytes."""
    with path.open("wb") as handle:
        handle.write(b"msme_id,note\n" + b"".join(b"U%d,x\n" % i for i in range(2, 30)))
        handle.write(b"U30")
        for piece in _repeat(b",ab", size):
            handle.write(piece)
        handle.write(b"\n")
    return path


# ------------------------------------------------------------------------------ measuring


@dataclass(frozen=True)
class Outcome:
    """What reading a file within the upload limits gave, and the memory it took."""

    outcome: str  # the error's class and code, or "read: <rows> rows"
    message: str
    added_mb: float  # peak resident memory above the reader's own at start


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def read_with_upload_limits(path: str) -> Outcome:
    """Read `path` as the service reads uploads; peak memory from the kernel's high-water mark,
    reset first (`clear_refs` 5), so only this read counts."""
    from data.io import DataFileError, DataLimitError, ReadLimits, read_table

    Path("/proc/self/clear_refs").write_text("5")
    start = _rss_kib("VmRSS")
    try:
        frame = read_table(
            path, duplicate_columns="keep", limits=ReadLimits.for_upload(UPLOAD_ROWS)
        )
        outcome, message = f"read: {len(frame)} rows", ""
    except DataLimitError as error:
        outcome, message = f"DataLimitError {error.code}", str(error)
    except DataFileError as error:
        outcome, message = "DataFileError", str(error)
    return Outcome(outcome, message, (_rss_kib("VmHWM") - start) / 1024)


def measure(paths: list[Path]) -> list[Outcome]:
    """Each file read in a fresh process forked from a server that imported the readers once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["data.io", "data.xlsx", "tests.data.bombs"])
    with context.Pool(1, maxtasksperchild=1) as pool:
        return [pool.apply(read_with_upload_limits, (str(path),)) for path in paths]


FULL_SIZE: dict[str, Callable[[Path], Path]] = {
    "xlsx: one cell at XFD1048576": xlsx_far_cell,
    "xlsx: XFD1048576, no <dimension>": xlsx_far_cell_undeclared,
    "xlsx: one cell at GR20000": xlsx_gr20000,
    "xlsx: one 1.5 GB shared string": lambda p: xlsx_huge_shared_string(p, 1536 << 20),
    "xlsx: one 300 MB inline cell": lambda p: xlsx_huge_inline_cell(p, 300 << 20),
    "xlsx: 5 million shared strings": xlsx_many_strings,
    "xlsx: 5 million empty rows": xlsx_empty_rows,
    "xlsx: 20 million empty rows in xl/sheet1.dat": xlsx_renamed_sheet_rows,
    "xlsx: 64 MB workbook part xl/book.bin": xlsx_large_workbook_part,
    "xlsx: 64 MB sheet relationships": lambda p: xlsx_large_part(
        p, "xl/worksheets/_rels/sheet1.xml.rels"
    ),
    "xlsx: 700,000 parts": xlsx_many_parts,
    "xlsx: entity declarations (DTD)": xlsx_entities,
    "xlsx: truncated XML": xlsx_truncated_xml,
    "parquet: 20 million rows": parquet_rows,
    "parquet: struct column": parquet_struct,
    "parquet: a 20 KB text in 100,000 rows, dictionary-encoded": parquet_dictionary_text,
    "parquet: a 600 MB page in a footer saying 1 KB": parquet_understated_pages,
    "parquet: 16,000 row groups of one row, 40 columns": parquet_large_footer,
    "csv: 150,000 rows": csv_rows,
    "csv: 100,000 columns": csv_wide,
    "csv: one 71 MB line (24 million fields)": lambda p: csv_wide_line(p, 71_000_000),
    "csv: row 30 a 71 MB line": lambda p: csv_wide_row(p, 71_000_000),
}


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    suffix = {"xlsx": ".xlsx", "parquet": ".parquet", "csv": ".csv"}
    paths = []
    for number, (name, build) in enumerate(FULL_SIZE.items()):
        paths.append(build(folder / f"bomb{number}{suffix[name.split(':')[0]]}"))
    print("| file | size | peak memory added | outcome |")
    print("|---|---:|---:|---|")
    for name, path, result in zip(FULL_SIZE, paths, measure(paths), strict=True):
        size = path.stat().st_size
        print(f"| {name} | {size:,} B | {result.added_mb:.0f} MB | {result.outcome} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/umkm-bombs"))


def legitimate(folder: Path) -> None:
    """The same measure for uploads at the limit: 100,000 MSMEs in each format."""
    from data.contract import PROFILE_COLUMNS
    from data.writing import write_table
    from tests.data.conftest import history_rows

    folder.mkdir(parents=True, exist_ok=True)
    frame = history_rows(UPLOAD_ROWS)[[spec.name for spec in PROFILE_COLUMNS]]
    paths = [
        write_table(frame, folder / f"candidates{ext}") for ext in (".csv", ".parquet", ".xlsx")
    ]
    for path, result in zip(paths, measure(paths), strict=True):
        size = path.stat().st_size
        print(f"| {path.name} | {size:,} B | {result.added_mb:.0f} MB | {result.outcome} |")
