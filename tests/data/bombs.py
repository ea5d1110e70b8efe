"""Hostile and broken data files, built small, and the peak memory it takes to refuse each.

Tests import the builders; `uv run python -m tests.data.bombs` measures every bomb at full size
(as tried in issue 10) and prints the table of docs/results.md.
"""

from __future__ import annotations

import io
import multiprocessing
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
UPLOAD_ROWS = 100_000  # the service's default max_prioritize_msmes

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def workbook(
    path: Path,
    rows: Iterable[bytes],
    *,
    shared_strings: Iterable[bytes] = (b"<si><t>msme_id</t></si>",),
    dimension: str | None = None,
    prolog: bytes = b"",
) -> Path:
    """A minimal .xlsx whose sheet holds `rows` (raw `<row>` XML) and whose shared-strings part
    holds `shared_strings` (raw `<si>` XML); both streamed into the zip, so a part may be large."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}">'.encode())
            for item in shared_strings:
                part.write(item)
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(prolog + f'<worksheet xmlns="{MAIN}">'.encode())
            if dimension is not None:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            for row in rows:
                part.write(row)
            part.write(b"</sheetData></worksheet>")
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
    "xlsx: entity declarations (DTD)": xlsx_entities,
    "xlsx: truncated XML": xlsx_truncated_xml,
    "parquet: 20 million rows": parquet_rows,
    "parquet: struct column": parquet_struct,
    "csv: 150,000 rows": csv_rows,
    "csv: 100,000 columns": csv_wide,
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
    from data.io import write_table
    from tests.data.conftest import history_rows

    folder.mkdir(parents=True, exist_ok=True)
    frame = history_rows(UPLOAD_ROWS)[[spec.name for spec in PROFILE_COLUMNS]]
    paths = [
        write_table(frame, folder / f"candidates{ext}") for ext in (".csv", ".parquet", ".xlsx")
    ]
    for path, result in zip(paths, measure(paths), strict=True):
        size = path.stat().st_size
        print(f"| {path.name} | {size:,} B | {result.added_mb:.0f} MB | {result.outcome} |")
