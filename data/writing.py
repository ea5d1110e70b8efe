"""Writing files safely: what a spreadsheet opens cannot run, and a file appears complete under
its name or not at all.

`write_table` writes a frame by extension (CSV, Parquet, XLSX) in a form `data.io.read_table` and
validation read back unchanged. Text a spreadsheet would run as a formula stays text: an XLSX
text cell, or in CSV a leading `'` (`neutralised`, headers included). Every output goes to a
temporary name beside it and is renamed when complete (`atomic_write`; `atomic_outputs` for
files that belong together), with the permissions a plain `open(path, "w")` would give it (an
existing file's, else 0o666 less the umask), not the 0o600 of `tempfile.mkstemp`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from data.errors import one_line
from data.io import table_format
from data.limits import DataFileError

# A text cell starting with one of these is a formula to a spreadsheet (OWASP, CSV injection);
# in CSV it is written after a `'`, which spreadsheets read as "this is text".
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def write_table(df: pd.DataFrame, path: Path | str) -> Path:
    """Write a frame by extension, in a form `read_table` + validation read back unchanged.

    Booleans become true/false in CSV, `province_code` stays a 2-digit string, missing values
    become empty cells; the index is not written. Text that a spreadsheet would run as a formula
    stays text: an XLSX text cell, or in CSV a leading `'` (see FORMULA_TRIGGERS). Creates the
    parent folder; the file appears complete or not at all (`atomic_write`).
    """
    path = Path(path)
    with atomic_write(path) as temporary:
        write_table_to(df, temporary, table_format(path))
    return path


def write_table_to(df: pd.DataFrame, path: Path, fmt: Literal["csv", "parquet", "xlsx"]) -> None:
    """`write_table`'s writing, to exactly `path` (not atomic: for `atomic_outputs` users).

    OSError (a full disk, a read-only folder) passes through for `atomic_outputs` to word."""
    out = _for_writing(df, text_booleans=fmt == "csv")
    try:
        if fmt == "csv":
            neutralised(out).to_csv(path, index=False, na_rep="", lineterminator="\n")
        elif fmt == "parquet":
            out.to_parquet(path, index=False)
        else:
            from data.xlsx import write_workbook

            write_workbook(path, [("Sheet1", out)])
    except OSError:
        raise
    except (ValueError, TypeError, pa.ArrowException) as error:
        raise DataFileError(
            f"{path}: cannot write {fmt}: {one_line(error)}",
            code="file_cannot_write",
            params={"format": fmt},
        ) from error


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names cannot start a formula in a spreadsheet: `'`
    before any text starting with FORMULA_TRIGGERS, in a column of any type that can hold text
    (object, string, categorical, pyarrow). Numbers stay numbers (-0.05 is a number, not a
    formula), and a column a risky text was found in becomes an object column. A header the
    contract knows never starts with a trigger: a file written so reads back the same."""
    out = frame.copy(deep=False)
    for position in range(out.shape[1]):
        values = out.iloc[:, position]
        if not _may_hold_text(values.dtype):
            continue
        fixed = values.to_numpy(dtype=object, copy=True)
        risky = np.fromiter(map(_is_formula_like, fixed), dtype=bool, count=len(fixed))
        if risky.any():
            fixed[risky] = ["'" + text for text in fixed[risky]]
            out.isetitem(position, fixed)
    columns = out.columns
    if isinstance(columns, pd.MultiIndex):
        headers = [tuple(map(_neutralised_name, names)) for names in columns]
        if headers != list(columns):
            out.columns = pd.MultiIndex.from_tuples(headers, names=columns.names)
    elif any(map(_is_formula_like, columns)):
        out.columns = pd.Index([_neutralised_name(name) for name in columns], dtype=object)
    return out


def neutralised_text(value: str) -> str:
    """One text as `neutralised` writes it."""
    return "'" + value if _is_formula_like(value) else value


def _neutralised_name(name: object) -> object:
    return neutralised_text(name) if isinstance(name, str) else name


def _may_hold_text(dtype: Any) -> bool:
    """Whether a column of `dtype` may hold a text: any but numbers, booleans and times."""
    return not (
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
    )


def _is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


# ------------------------------------------------------------------------------ atomic output


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[Path]:
    """A temporary name beside `path` to write to; renamed to `path` when the block ends
    without error, removed otherwise. Errors (read-only folder, full disk) as DataFileError."""
    with atomic_outputs([path]) as (temporary,):
        yield temporary


@contextlib.contextmanager
def atomic_outputs(paths: Sequence[Path]) -> Iterator[tuple[Path, ...]]:
    """`atomic_write` for files that belong together (a list and its not-selected file): every
    one is written to a temporary name first, then all are renamed; if a rename fails, the ones
    already renamed are removed, so the set appears whole or not at all.

    Each file ends with the permissions `open(path, "w")` would give it: an existing file's
    (`keep_mode`), else 0o666 less the umask (`plain_temporary`). Each is flushed to the disk
    before it is renamed, and its folder after, so that a power cut leaves the old file or the
    new one, never an empty one under the name."""
    temporaries: dict[Path, Path] = {}  # temporary -> final name
    try:
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = plain_temporary(path.parent, f".{path.name}.", ".partial")
            temporaries[temporary] = path
        yield tuple(temporaries)
        for temporary, path in temporaries.items():
            keep_mode(path, temporary)
            _synced(temporary)  # on disk before its name is: a power cut leaves no empty file
        renamed: list[Path] = []
        try:
            for temporary, path in temporaries.items():
                temporary.replace(path)
                renamed.append(path)
        except OSError:
            for path in renamed:
                path.unlink(missing_ok=True)
            raise
        for folder in {path.parent for path in paths}:
            _synced(folder)  # the new names on disk too
    except OSError as error:
        failed = Path(error.filename) if error.filename else None
        target = temporaries.get(failed, failed) if failed is not None else None
        text, code = _write_error(target or paths[0], error)
        raise DataFileError(text, code=code) from error
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)


def _synced(path: Path) -> None:
    """Flush a written file (or a folder's entries) to the disk (`fsync`), as a database does
    before it says a write is done; a file system that cannot sync a folder is let be."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    except OSError as error:
        if not path.is_dir() or error.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(descriptor)


# Unused temporary names tried before giving up (tempfile tries as many as TMP_MAX).
TEMPORARY_NAME_TRIES = 100


def plain_temporary(
    folder: Path, prefix: str, suffix: str = "", *, directory: bool = False
) -> Path:
    """A new empty file (a folder with `directory`) under an unused name in `folder`, created
    with the permissions a plain `open(path, "w")` (`mkdir`) gives: 0o666 (0o777) less the
    umask and as the folder's default ACL says, applied by the kernel as it creates it.

    Not `tempfile.mkstemp`/`mkdtemp`, which create 0o600/0o700 on purpose and take no mode; and
    no umask read: `os.umask` can only be read by setting it, for the whole process, which races
    with files other threads create meanwhile."""
    for _ in range(TEMPORARY_NAME_TRIES):
        path = folder / f"{prefix}{secrets.token_hex(6)}{suffix}"
        try:
            if directory:
                path.mkdir(mode=0o777)
            else:
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                os.close(os.open(path, flags, 0o666))
        except FileExistsError:
            continue
        return path
    raise FileExistsError(errno.EEXIST, "no unused temporary name", str(folder / prefix))


def keep_mode(existing: Path, replacement: Path) -> None:
    """Give `replacement` the permission bits of `existing`, the file (or folder) it is about to
    replace, as overwriting it in place would keep them; nothing when there is none."""
    try:
        mode = stat.S_IMODE(existing.stat().st_mode) & 0o777
    except FileNotFoundError:
        return
    replacement.chmod(mode)


def _write_error(target: Path, error: OSError) -> tuple[str, str]:
    """One line saying which output could not be written and why, in words, and its code."""
    reasons = {
        errno.ENOSPC: (
            "write_no_space",
            "no space left on the device; free some space or write elsewhere",
        ),
        errno.EDQUOT: ("write_quota", "disk quota exceeded; free some space or write elsewhere"),
        errno.EROFS: (
            "write_read_only",
            "the folder is on a read-only file system; write elsewhere",
        ),
        errno.EACCES: ("write_permission", "permission denied; write to a folder you may write to"),
        errno.EPERM: ("write_permission", "permission denied; write to a folder you may write to"),
    }
    code, reason = reasons.get(error.errno or 0, ("write_failed", one_line(error)))
    return f"{target}: cannot write: {reason} (nothing was written)", code


def _for_writing(df: pd.DataFrame, *, text_booleans: bool) -> pd.DataFrame:
    out = df.reset_index(drop=True)
    for position, (name, dtype) in enumerate(zip(out.columns, out.dtypes, strict=True)):
        values = out.iloc[:, position]
        if name == "province_code" and pd.api.types.is_numeric_dtype(dtype):
            # A code read as a number (11) is written back as the contract's text ("11").
            text = values.map(lambda v: None if pd.isna(v) else f"{int(v):02d}")
            out.isetitem(position, text.to_numpy(dtype=object))
        elif text_booleans and pd.api.types.is_bool_dtype(dtype):
            text = values.map(lambda v: "" if pd.isna(v) else ("true" if v else "false"))
            out.isetitem(position, text.to_numpy(dtype=object))
    return out
